"""Preview server with live reload: serve a folder, watch sources, rebuild, reload browsers (SPEC §8).

Layer 0: imports nothing from ssg outside this package, so it works with any builder callable.
"""

from ssg.livereload.changes import BuildResult, classify_changes, is_ignored
from ssg.livereload.inject import inject_script
from ssg.livereload.paths import content_type, resolve_url_path
from ssg.livereload.server import LiveReloadServer, PortInUseError

__all__ = [
    "BuildResult",
    "LiveReloadServer",
    "PortInUseError",
    "classify_changes",
    "content_type",
    "inject_script",
    "is_ignored",
    "resolve_url_path",
]

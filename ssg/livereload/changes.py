"""The builder contract and the pure decisions around it: which events matter, how to reload."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

ReloadKind = Literal["css", "reload"]

# Editor noise: vim swap files and its '4913' write test, backups, emacs lock files, OS metadata.
IGNORED_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db"})
IGNORED_SUFFIXES = (".swp", ".swo", ".swx", ".tmp", "~")
IGNORED_PREFIXES = (".#",)
SED_TEMPORARY = re.compile(r"sed[A-Za-z0-9]{6}")
IGNORED_FOLDERS = frozenset({".git", ".hg", ".svn", "__pycache__", ".pytest_cache"})


@dataclass(frozen=True)
class BuildResult:
    """What a builder reports: success, the output files whose bytes changed, or the diagnostics text."""

    ok: bool
    changed: tuple[str, ...] = ()  # '/'-separated output paths relative to the served root
    error: str = ""  # when not ok: one 'file:line:col: error: message' per line


def classify_changes(changed: Iterable[str]) -> ReloadKind | None:
    """'css' when only stylesheets changed (swap them in place), 'reload' otherwise, None for no change."""
    paths = [path for path in changed if path]
    if not paths:
        return None
    if all(path.lower().endswith(".css") for path in paths):
        return "css"
    return "reload"


def is_ignored(path: str) -> bool:
    """True for editor and VCS noise that must not trigger a rebuild."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if not parts:
        return True
    name = parts[-1]
    if name in IGNORED_NAMES or name.endswith(IGNORED_SUFFIXES) or name.startswith(IGNORED_PREFIXES):
        return True
    if name.startswith("#") and name.endswith("#"):  # emacs auto-save
        return True
    if SED_TEMPORARY.fullmatch(name):  # `sed -i` writes sedXXXXXX, then renames it over the file
        return True
    return any(part in IGNORED_FOLDERS for part in parts[:-1])

"""The build cache: parsed files, rendered bodies and page digests from earlier builds, by content digest.

In memory it serves `ssg serve` between rebuilds; on disk (`.ssg-cache/`) it makes the next `ssg build` warm.
The file is versioned (an ssg upgrade or a new format invalidates it) and checksummed: a truncated or
corrupted file is ignored, never trusted. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ssg import __version__

FORMAT = 1
MAGIC = b"ssg-cache\n"
CACHE_DIR = ".ssg-cache"


def digest(*parts: object) -> str:
    """A content key: the reprs of the parts, hashed (with the ssg version, so upgrades never reuse entries)."""
    return hashlib.blake2b(repr((__version__, FORMAT, parts)).encode("utf-8"), digest_size=16).hexdigest()


@dataclass
class ContentCache:
    """What earlier builds computed; entries not used by a build are dropped when it is saved."""

    parsed: dict[str, Any] = field(default_factory=dict)  # file key -> (record or None, diagnostics)
    bodies: dict[str, Any] = field(default_factory=dict)  # body key -> RenderedBody
    pages: dict[str, dict[str, str]] = field(default_factory=dict)  # output folder -> {rel_path: page digest}
    used: set[str] = field(default_factory=set, repr=False)

    def get(self, table: dict[str, Any], key: str) -> Any:
        value = table.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def put(self, table: dict[str, Any], key: str, value: Any) -> None:
        table[key] = value
        self.used.add(key)

    def prune(self) -> None:
        """Keep only what the last build used, so the cache does not grow with every edit."""
        for table in (self.parsed, self.bodies):
            for key in [k for k in table if k not in self.used]:
                del table[key]
        self.used.clear()


def cache_file(site_dir: Path) -> Path:
    return site_dir / CACHE_DIR / f"build-v{FORMAT}.pickle"


def load_cache(site_dir: Path) -> ContentCache:
    """The saved cache, or an empty one when there is none or it is unreadable (never an error)."""
    path = cache_file(site_dir)
    try:
        data = path.read_bytes()
    except OSError:
        return ContentCache()
    header, _, rest = data.partition(b"\n\n")
    expected = MAGIC + f"{__version__} {FORMAT} ".encode() + hashlib.sha256(rest).hexdigest().encode()
    if header + b"\n" != expected + b"\n" or not rest:
        return ContentCache()
    try:
        cache = pickle.loads(rest)
    except Exception:
        return ContentCache()
    return cache if isinstance(cache, ContentCache) else ContentCache()


def save_cache(site_dir: Path, cache: ContentCache) -> None:
    """Write the cache atomically (a temporary file renamed over the old one)."""
    path = cache_file(site_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    gitignore = path.parent / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("*\n")
    cache.prune()
    payload = pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL)
    header = MAGIC + f"{__version__} {FORMAT} ".encode() + hashlib.sha256(payload).hexdigest().encode()
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(header + b"\n\n" + payload)
    temporary.replace(path)

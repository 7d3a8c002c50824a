"""Write the output (SPEC §7): a fresh folder swapped in at the end, so a failed or interrupted build leaves
the previous output untouched and a successful one leaves no stale file.

Files whose bytes did not change are hard-linked from the previous output instead of rewritten, so their
mtimes stay and rsync, publishing and the preview server see only real changes.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class OutputError(Exception):
    """The output folder cannot be used (it would overwrite the site, or the disk refuses)."""


@dataclass(frozen=True, slots=True)
class WriteSummary:
    written: int  # files whose bytes are new or changed
    unchanged: int
    removed: int  # files of the previous output that the site no longer has
    changed_paths: tuple[str, ...]  # rel paths written or removed


def check_output_dir(output_dir: Path, site_dir: Path) -> None:
    """Refuse an output folder that holds the site: swapping it would delete the user's files."""
    output, site = output_dir.resolve(), site_dir.resolve()
    if output == site or output in site.parents:
        raise OutputError(f"the output folder {output_dir} contains the site itself; choose another --output")
    for name in ("content", "templates", "site.toml"):
        if output == (site / name).resolve():
            raise OutputError(f"the output folder {output_dir} is part of the site's sources")


def staging_dir(output_dir: Path) -> Path:
    return output_dir.with_name(f".{output_dir.name}.tmp-{os.getpid()}")


def write_output(
    output_dir: Path,
    files: Iterable[tuple[str, bytes]],
    copies: Iterable[tuple[Path, str]] = (),
) -> WriteSummary:
    """Write `files` (rel_path, bytes) and copy `copies` (source, rel_path) as the new output, atomically."""
    remove_leftovers(output_dir)
    stage = staging_dir(output_dir)
    stage.mkdir(parents=True)
    previous = output_dir if output_dir.is_dir() else None
    written: list[str] = []
    seen: set[str] = set()
    unchanged = 0
    try:
        for rel_path, data in files:
            seen.add(rel_path)
            if place(stage, previous, rel_path, data):
                unchanged += 1
            else:
                written.append(rel_path)
        for source, rel_path in copies:
            if rel_path in seen:
                continue
            seen.add(rel_path)
            target = stage / rel_path
            target.parent.mkdir(parents=True, exist_ok=True)
            old = previous / rel_path if previous else None
            if old is not None and same_file(old, source):
                os.link(old, target)
                unchanged += 1
            else:
                shutil.copy2(source, target)
                written.append(rel_path)
        removed = sorted(set(list_files(previous)) - seen) if previous else []
        swap_in(stage, output_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return WriteSummary(len(written), unchanged, len(removed), tuple(sorted(written + removed)))


def place(stage: Path, previous: Path | None, rel_path: str, data: bytes) -> bool:
    """Put one file in the staging folder; True when it was linked unchanged from the previous output."""
    target = stage / rel_path
    target.parent.mkdir(parents=True, exist_ok=True)
    if previous is not None:
        old = previous / rel_path
        try:
            if old.stat().st_size == len(data) and old.read_bytes() == data:
                os.link(old, target)
                return True
        except OSError:
            pass  # no previous file (or not linkable): write it anew
    target.write_bytes(data)
    return False


def same_file(old: Path, source: Path) -> bool:
    try:
        a, b = old.stat(), source.stat()
    except OSError:
        return False
    return a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime)


def list_files(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink()]


def swap_in(stage: Path, output_dir: Path) -> None:
    """Two renames: the old output aside, the new one in; then the old one is deleted."""
    old = output_dir.with_name(f".{output_dir.name}.old-{os.getpid()}")
    if output_dir.exists():
        output_dir.rename(old)
    stage.rename(output_dir)
    shutil.rmtree(old, ignore_errors=True)


def remove_leftovers(output_dir: Path) -> None:
    """Staging or old folders of an interrupted build (any process) are removed before a new one starts."""
    parent = output_dir.parent
    if not parent.is_dir():
        return
    for path in parent.glob(f".{output_dir.name}.*-*"):
        if path.name.startswith((f".{output_dir.name}.tmp-", f".{output_dir.name}.old-")):
            shutil.rmtree(path, ignore_errors=True)

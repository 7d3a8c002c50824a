"""Write the output (SPEC §7): a fresh folder swapped in at the end, so a failed or interrupted build leaves
the previous output untouched and a successful one leaves no stale file.

Files whose bytes did not change are hard-linked from the previous output instead of rewritten, so their
mtimes stay and rsync, publishing and the preview server see only real changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
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
    files: frozenset[str] = frozenset()  # every file of the output now


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


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the output: bytes to write, a file to copy, or (neither) the previous output's file kept."""

    rel_path: str
    data: bytes | None = None
    source: Path | None = None


def write_output(
    output_dir: Path, files: Iterable[OutputFile], in_place: bool = False, previous: set[str] | None = None
) -> WriteSummary:
    """Make `files` the whole output: atomically through a staging folder, or `in_place` (the preview server,
    where only changed files are touched). Files of the previous output not in `files` are removed;
    `previous` (in place) names the files the last write left, so the folder need not be walked."""
    if in_place:
        return write_in_place(output_dir, files, previous)
    remove_leftovers(output_dir)
    stage = staging_dir(output_dir)
    stage.mkdir(parents=True)
    previous = output_dir if output_dir.is_dir() else None
    try:
        written, seen = fill(stage, previous, files)
        removed = sorted(set(list_files(previous)) - seen) if previous else []
        swap_in(stage, output_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return WriteSummary(
        len(written), len(seen) - len(written), len(removed), tuple(sorted(written + removed)), frozenset(seen)
    )


def fill(stage: Path, previous: Path | None, files: Iterable[OutputFile]) -> tuple[list[str], set[str]]:
    """Put every file in the staging folder; unchanged ones are hard links to the previous output's."""
    written: list[str] = []
    seen: set[str] = set()
    made_dirs: set[Path] = set()
    for item in files:
        if item.rel_path in seen:
            continue
        seen.add(item.rel_path)
        target = stage / item.rel_path
        if target.parent not in made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(target.parent)
        old = previous / item.rel_path if previous is not None else None
        if item.data is None and item.source is None:
            os.link(old, target)  # type: ignore[arg-type]
        elif old is not None and unchanged(old, item):
            os.link(old, target)
        elif item.data is not None:
            target.write_bytes(item.data)
            written.append(item.rel_path)
        else:
            shutil.copy2(item.source, target)  # type: ignore[arg-type]
            written.append(item.rel_path)
    return written, seen


def unchanged(old: Path, item: OutputFile) -> bool:
    """Whether the previous output's file already has this content (same bytes, or same copied source)."""
    try:
        if item.data is not None:
            return old.stat().st_size == len(item.data) and old.read_bytes() == item.data
        return item.source is not None and same_file(old, item.source)
    except OSError:
        return False


def write_in_place(output_dir: Path, files: Iterable[OutputFile], previous: set[str] | None = None) -> WriteSummary:
    """Update the output folder file by file (each replaced atomically); remove what the site no longer has."""
    output_dir.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    seen: set[str] = set()
    for item in files:
        seen.add(item.rel_path)
        target = output_dir / item.rel_path
        if (item.data is None and item.source is None) or unchanged(target, item):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.ssg-tmp")
        if item.data is not None:
            temporary.write_bytes(item.data)
        else:
            shutil.copy2(item.source, temporary)  # type: ignore[arg-type]
        temporary.replace(target)
        written.append(item.rel_path)
    removed = sorted((previous if previous is not None else set(list_files(output_dir))) - seen)
    for rel_path in removed:
        (output_dir / rel_path).unlink(missing_ok=True)
        remove_empty_parents(output_dir, output_dir / rel_path)
    return WriteSummary(
        len(written), len(seen) - len(written), len(removed), tuple(sorted(written + removed)), frozenset(seen)
    )


def remove_empty_parents(root: Path, path: Path) -> None:
    """The folders of a removed page (articles/old/) go with it when nothing else is left in them."""
    folder = path.parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def already_written(output_dir: Path, files: list[OutputFile]) -> WriteSummary | None:
    """When the output already is exactly `files` (pages kept as they are, copies unchanged, nothing else there),
    the summary of a write that changes nothing; None when anything differs. Saves building a staging folder
    of 13,000 hard links to end where it started."""
    if any(item.data is not None for item in files) or not output_dir.is_dir():
        return None
    expected = {item.rel_path for item in files}
    if set(list_files(output_dir)) != expected:
        return None
    for item in files:
        if item.source is not None and not same_file(output_dir / item.rel_path, item.source):
            return None
    return WriteSummary(0, len(expected), 0, (), frozenset(expected))


def same_file(old: Path, source: Path) -> bool:
    try:
        a, b = old.stat(), source.stat()
    except OSError:
        return False
    return a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime)


def list_files(root: Path) -> list[str]:
    """Every file below root as a rel_path (os.walk: several times faster than Path.rglob on big outputs)."""
    found = []
    for folder, _, names in os.walk(root):
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        found.extend(names if prefix == "." else (f"{prefix}/{name}" for name in names))
    return found


def swap_in(stage: Path, output_dir: Path) -> None:
    """Two renames: the old output aside, the new one in. The old one is deleted by a detached `rm -rf` (it
    is already out of the way; deleting 10,000 files took longer than the rest of a warm build), and
    remove_leftovers() deletes whatever a killed build left before the next one starts."""
    old = output_dir.with_name(f".{output_dir.name}.old-{os.getpid()}")
    if output_dir.exists():
        output_dir.rename(old)
    stage.rename(output_dir)
    if old.exists():
        remove_in_background(old)


def remove_in_background(folder: Path) -> None:
    rm = shutil.which("rm")
    if rm is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    subprocess.Popen(
        [rm, "-rf", "--", str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def remove_leftovers(output_dir: Path) -> None:
    """Staging or old folders of an interrupted build (any process) are removed before a new one starts."""
    parent = output_dir.parent
    if not parent.is_dir():
        return
    for path in parent.glob(f".{output_dir.name}.*-*"):
        if path.name.startswith((f".{output_dir.name}.tmp-", f".{output_dir.name}.old-")):
            shutil.rmtree(path, ignore_errors=True)

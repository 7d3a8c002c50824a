"""Write the output (SPEC §7): a failed build leaves the previous output untouched, a successful one leaves
exactly the current site (no stale file).

Only files whose bytes changed are written, so the others keep their mtimes and rsync, publishing and the
preview server see only real changes; and an edit that changes one page costs one file, not the whole folder.
"""

from __future__ import annotations

import contextlib
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


def write_output(output_dir: Path, files: Iterable[OutputFile], existing: set[str] | None = None) -> WriteSummary:
    """Make `files` the whole output folder, touching only what changed.

    A folder that does not exist yet is filled under another name and renamed into place. An existing one is
    updated in place, as a transaction: each new or changed file is first written beside its target, and only
    when every file is ready (`files` can raise: a page failed) are they renamed over their targets and the
    files the site no longer has removed. Until then the output is untouched; an exception discards the new
    files. `existing` names the files the folder holds now, when the caller knows (saves walking it)."""
    if not output_dir.is_dir():
        return write_fresh(output_dir, files)
    existing = existing if existing is not None else set(list_files(output_dir))
    ready: list[tuple[Path, Path]] = []  # (new file, its target)
    made: list[Path] = []  # folders made for new pages, removed again if the build fails
    seen: set[str] = set()
    try:
        for item in files:
            if item.rel_path in seen:
                continue
            seen.add(item.rel_path)
            target = output_dir / item.rel_path
            if (item.data is None and item.source is None) or (item.rel_path in existing and unchanged(target, item)):
                continue
            make_parents(target.parent, made)
            new = target.with_name(f".{target.name}.ssg-new")
            if item.data is not None:
                new.write_bytes(item.data)
            else:
                shutil.copy2(item.source, new)  # type: ignore[arg-type]
            ready.append((new, target))
    except BaseException:
        for new, _ in ready:
            new.unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    for new, target in ready:
        new.replace(target)
    removed = sorted(existing - seen)
    for rel_path in removed:
        (output_dir / rel_path).unlink(missing_ok=True)
        remove_empty_parents(output_dir, output_dir / rel_path)
    written = [str(target.relative_to(output_dir).as_posix()) for _, target in ready]
    return WriteSummary(
        len(written), len(seen) - len(written), len(removed), tuple(sorted(written + removed)), frozenset(seen)
    )


def make_parents(folder: Path, made: list[Path]) -> None:
    """mkdir -p, remembering each folder it made (parents first)."""
    if folder.is_dir():
        return
    make_parents(folder.parent, made)
    folder.mkdir()
    made.append(folder)


def write_fresh(output_dir: Path, files: Iterable[OutputFile]) -> WriteSummary:
    """A first build: every file into a staging folder renamed into place at the end (or removed on failure)."""
    remove_leftovers(output_dir)
    stage = staging_dir(output_dir)
    stage.mkdir(parents=True)
    written: list[str] = []
    seen: set[str] = set()
    made_dirs: set[Path] = set()
    try:
        for item in files:
            if item.rel_path in seen:
                continue
            seen.add(item.rel_path)
            target = stage / item.rel_path
            if target.parent not in made_dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(target.parent)
            if item.data is not None:
                target.write_bytes(item.data)
            elif item.source is not None:
                shutil.copy2(item.source, target)
            else:
                raise OutputError(f"{item.rel_path}: kept from a previous output, but there is none")
            written.append(item.rel_path)
        stage.rename(output_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return WriteSummary(len(written), 0, 0, tuple(sorted(written)), frozenset(written))


def unchanged(old: Path, item: OutputFile) -> bool:
    """Whether the output's file already has this content (same bytes, or same copied source)."""
    try:
        if item.data is not None:
            return old.stat().st_size == len(item.data) and old.read_bytes() == item.data
        return item.source is not None and same_file(old, item.source)
    except OSError:
        return False


def remove_empty_parents(root: Path, path: Path) -> None:
    """The folders of a removed page (articles/old/) go with it when nothing else is left in them."""
    folder = path.parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


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


def remove_leftovers(output_dir: Path) -> None:
    """Staging folders of an interrupted first build (any process) are removed before a new one starts."""
    parent = output_dir.parent
    if not parent.is_dir():
        return
    for path in parent.glob(f".{output_dir.name}.*-*"):
        if path.name.startswith((f".{output_dir.name}.tmp-", f".{output_dir.name}.old-")):
            shutil.rmtree(path, ignore_errors=True)

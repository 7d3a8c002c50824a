"""Write the output (SPEC §7): a failed build leaves the previous output untouched, a successful one leaves
exactly the current site (no stale file).

Only files whose bytes changed are written, so the others keep their mtimes and rsync, publishing and the
preview server see only real changes; and an edit that changes one page costs one file, not the whole folder.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ssg.source import walk_files


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
    """One file of the output: bytes to write, a file to copy, a file already `prepared` by
    `Destination.prepare` (a rendered page), or none of these: the previous output's file, kept as it is."""

    rel_path: str
    data: bytes | None = None
    source: Path | None = None
    prepared: Path | None = None


@dataclass(frozen=True, slots=True)
class Destination:
    """Where one build's files go: a new output folder is filled under another name (`stage`) and renamed into
    place at the end; an existing one gets each new or changed file beside its target, renamed over it once all
    are ready. Plain paths: worker processes render pages and `prepare` their files themselves."""

    output_dir: Path
    stage: Path | None  # a first build's folder, renamed to output_dir at the end

    @classmethod
    def open(cls, output_dir: Path) -> Destination:
        remove_leftovers(output_dir)
        if output_dir.is_dir():
            return cls(output_dir, None)
        stage = staging_dir(output_dir)
        stage.mkdir(parents=True)
        return cls(output_dir, stage)

    def prepare(self, rel_path: str, data: bytes) -> Path | None:
        """Write one file where write_output takes it from; None when the output already has these bytes."""
        if self.stage is not None:
            path = self.stage / rel_path
        else:
            if same_bytes(self.output_dir / rel_path, data):
                return None
            path = self.new_path(rel_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def prepare_parts(self, rel_path: str, parts: Iterable[str]) -> Path | None:
        """`prepare` for a page written as it is rendered, never whole in memory. An update writes it beside
        the output folder, not in it: if it turns out unchanged, no folder of the output was touched."""
        if self.stage is not None:
            path = self.stage / rel_path
        else:
            path = self.output_dir.with_name(f".{self.output_dir.name}.part-{os.getpid()}-{rel_path.replace('/', '%')}")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("w", encoding="utf-8", newline="") as stream:
                stream.writelines(parts)
        except BaseException:  # the template failed half-way: nothing of it stays
            path.unlink(missing_ok=True)
            raise
        if self.stage is None and same_contents(path, self.output_dir / rel_path):
            path.unlink()
            return None
        return path

    def new_path(self, rel_path: str) -> Path:
        target = self.output_dir / rel_path
        return target.with_name(f".{target.name}.ssg-new")

    def discard(self) -> None:
        """A failed first build: its folder goes (the prepared files of an update are discarded by write_output)."""
        if self.stage is not None:
            shutil.rmtree(self.stage, ignore_errors=True)


def write_output(
    destination: Destination, files: Iterable[OutputFile], existing: set[str] | None = None
) -> WriteSummary:
    """Make `files` the whole output folder, touching only what changed.

    Updating an existing folder is a transaction: new and changed files are written beside their targets, and
    only when every file is ready (`files` can raise: a page failed) are they renamed over their targets and
    the files the site no longer has removed. Until then the output is untouched; an exception discards the
    new files. `existing` names the files the folder holds now, when the caller knows (saves walking it)."""
    if destination.stage is not None:
        return write_fresh(destination, files)
    output_dir = destination.output_dir
    existing = existing if existing is not None else set(walk_files(output_dir))
    seen: set[str] = set()

    def prepared() -> Iterator[tuple[Path, Path]]:
        for item in first_of_each(files, seen):
            target = output_dir / item.rel_path
            if item.prepared is not None:
                yield item.prepared, target
            elif item.data is not None:
                new = destination.prepare(item.rel_path, item.data)
                if new is not None:
                    yield new, target
            elif item.source is not None and not (item.rel_path in existing and same_file(target, item.source)):
                target.parent.mkdir(parents=True, exist_ok=True)
                new = target.with_name(f".{target.name}.ssg-new")
                try:
                    shutil.copy2(item.source, new)
                except BaseException:
                    new.unlink(missing_ok=True)  # half a copy
                    raise
                yield new, target

    written = move_into_place(output_dir, prepared())
    removed = sorted(existing - seen)
    for rel_path in removed:
        (output_dir / rel_path).unlink(missing_ok=True)
        remove_empty_parents(output_dir, output_dir / rel_path)
    return WriteSummary(
        len(written), len(seen) - len(written), len(removed), tuple(sorted(written + removed)), frozenset(seen)
    )


def update_output(destination: Destination, files: Iterable[OutputFile], existing: frozenset[str]) -> WriteSummary:
    """Replace some files of an output that otherwise stays as it is (`existing`, which they belong to): pages
    re-rendered when the site's files are the same ones (the preview's edit of article bodies). The same
    transaction as write_output: each prepared file is renamed over its target once all are ready; `files`
    raising (a page failed) discards them all."""
    output_dir = destination.output_dir
    pairs = ((item.prepared, output_dir / item.rel_path) for item in files if item.prepared is not None)
    written = sorted(move_into_place(output_dir, pairs))
    return WriteSummary(len(written), len(existing) - len(written), 0, tuple(written), existing)


def move_into_place(output_dir: Path, prepared: Iterable[tuple[Path, Path]]) -> list[str]:
    """The commit of a transaction: (new file, its target) pairs as `prepared` yields them, each renamed over its
    target once all are ready; if `prepared` raises (a page failed), the new files (and folders they leave
    empty) are removed instead. The rel paths written."""
    ready: list[tuple[Path, Path]] = []
    try:
        for pair in prepared:
            ready.append(pair)
    except BaseException:
        for new, _ in ready:
            new.unlink(missing_ok=True)
            remove_empty_parents(output_dir, new)
        raise
    for new, target in ready:
        if new.parent != target.parent:  # a page written beside the output folder, whose folder may be new
            target.parent.mkdir(parents=True, exist_ok=True)
        new.replace(target)
    return [target.relative_to(output_dir).as_posix() for _, target in ready]


def write_fresh(destination: Destination, files: Iterable[OutputFile]) -> WriteSummary:
    """A first build: every file into the staging folder, renamed into place at the end (removed on failure)."""
    stage = destination.stage
    assert stage is not None
    written: list[str] = []
    seen: set[str] = set()
    try:
        for item in first_of_each(files, seen):
            if item.data is not None:
                destination.prepare(item.rel_path, item.data)
            elif item.source is not None:
                target = stage / item.rel_path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(item.source, target)
            elif item.prepared is None:
                raise OutputError(f"{item.rel_path}: kept from a previous output, but there is none")
            written.append(item.rel_path)
        stage.rename(destination.output_dir)
    except BaseException:
        destination.discard()
        raise
    return WriteSummary(len(written), 0, 0, tuple(sorted(written)), frozenset(written))


def first_of_each(files: Iterable[OutputFile], seen: set[str]) -> Iterator[OutputFile]:
    """Each output path once (the first file given for it wins), adding it to `seen`."""
    for item in files:
        if item.rel_path not in seen:
            seen.add(item.rel_path)
            yield item


def same_bytes(path: Path, data: bytes) -> bool:
    """Whether the file at `path` already holds exactly `data`."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def remove_empty_parents(root: Path, path: Path) -> None:
    """The folders of a removed page (articles/old/) go with it when nothing else is left in them."""
    folder = path.parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def same_contents(a: Path, b: Path) -> bool:
    try:
        return filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def same_file(old: Path, source: Path) -> bool:
    try:
        a, b = old.stat(), source.stat()
    except OSError:
        return False
    return a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime)


def remove_leftovers(output_dir: Path) -> None:
    """What an interrupted build (any process) left beside the output (a first build's staging folder, a page
    written as it rendered) is removed before a new one starts."""
    parent = output_dir.parent
    if not parent.is_dir():
        return
    for path in parent.glob(f".{output_dir.name}.*-*"):
        if path.name.startswith((f".{output_dir.name}.tmp-", f".{output_dir.name}.old-")):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(f".{output_dir.name}.part-"):
            path.unlink(missing_ok=True)

"""Write the output (SPEC §7): a failed build leaves the previous output untouched, a successful one leaves
exactly the current site (no stale file).

Only files whose bytes changed are written, so the others keep their mtimes and rsync, publishing and the
preview server see only real changes; and an edit that changes one page costs one file, not the whole folder.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ssg.source import walk_files


class OutputError(Exception):
    """The output folder cannot be used (it would overwrite the site, or the disk refuses)."""


@contextmanager
def writing(what: Path | str) -> Iterator[None]:
    """The disk refusing (full, read-only, no permission) is the user's situation, not our bug: an OutputError
    naming the file, never a traceback. Plain message: it crosses from worker processes pickled."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(f"cannot write the output ({what}): {reason}; the previous output is unchanged") from exc


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


def beside(output_dir: Path, kind: str) -> Path:
    """A folder of this process beside the output (same filesystem, so a rename moves a file in or out):
    `new` holds an update's prepared files, `undo` the journal of its commit. `remove_leftovers` knows them."""
    return output_dir.with_name(f".{output_dir.name}.{kind}-{os.getpid()}")


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
    place at the end; an existing one gets each new or changed file in a folder beside it (`spare`), renamed
    over its target once all are ready. Nothing half-written is ever inside the output folder, so a build killed
    at any moment leaves no stray file in it. Plain paths: worker processes `prepare` their files themselves."""

    output_dir: Path
    stage: Path | None  # a first build's folder, renamed to output_dir at the end
    spare: Path | None = None  # an update's prepared files, by rel path (None: this process's own folder)

    @classmethod
    def open(cls, output_dir: Path) -> Destination:
        remove_leftovers(output_dir)
        if output_dir.is_dir():
            return cls(output_dir, None, beside(output_dir, "new"))  # named here: workers have other pids
        stage = staging_dir(output_dir)
        with writing(stage):
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
        with writing(rel_path):
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                path.write_bytes(data)
            except BaseException:
                path.unlink(missing_ok=True)  # half a file (a full disk) goes at once, not at the end of the build
                raise
        return path

    def prepare_parts(self, rel_path: str, parts: Iterable[str]) -> Path | None:
        """`prepare` for a page written as it is rendered, never whole in memory. An update writes it beside
        the output folder, not in it: if it turns out unchanged, no folder of the output was touched."""
        path = self.stage / rel_path if self.stage is not None else self.new_path(rel_path)
        try:
            with writing(rel_path):
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("w", encoding="utf-8", newline="") as stream:
                    stream.writelines(parts)
        except BaseException:  # the template (or the disk) failed half-way: nothing of it stays
            path.unlink(missing_ok=True)
            raise
        if self.stage is None and same_contents(path, self.output_dir / rel_path):
            path.unlink()
            return None
        return path

    def new_path(self, rel_path: str) -> Path:
        """Where an update prepares the file of `rel_path`: outside the output folder."""
        return (self.spare or beside(self.output_dir, "new")) / rel_path

    def discard(self) -> None:
        """The end of a build, failed or not: a failed first build's folder goes, and so does whatever an update
        prepared and did not move into place (write_output and update_output clear it themselves too)."""
        if self.stage is not None:
            shutil.rmtree(self.stage, ignore_errors=True)
        shutil.rmtree(self.new_path(""), ignore_errors=True)


def write_output(
    destination: Destination, files: Iterable[OutputFile], existing: set[str] | None = None
) -> WriteSummary:
    """Make `files` the whole output folder, touching only what changed.

    Updating an existing folder is a transaction: new and changed files are written in a folder beside it, and
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
                new = destination.new_path(item.rel_path)
                try:
                    with writing(item.rel_path):
                        new.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(item.source, new)
                except BaseException:
                    new.unlink(missing_ok=True)  # half a copy
                    raise
                yield new, target

    try:
        written = move_into_place(output_dir, prepared(), lambda: sorted(existing - seen))
    finally:
        destination.discard()
    removed = sorted(existing - seen)
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
    try:
        written = sorted(move_into_place(output_dir, pairs))
    finally:
        destination.discard()
    return WriteSummary(len(written), len(existing) - len(written), 0, tuple(written), existing)


def move_into_place(
    output_dir: Path,
    prepared: Iterable[tuple[Path, Path]],
    to_remove: Callable[[], list[str]] = list,
) -> list[str]:
    """The commit of a transaction: (new file, its target) pairs as `prepared` yields them, each renamed over its
    target once all are ready, then the rel paths `to_remove` names (asked once all are ready) removed; if
    `prepared` raises (a page failed), the new files are removed instead and the output is untouched. The rel
    paths written. The commit keeps an undo journal, so a process killed half-way through it is rolled back by
    the next build (`remove_leftovers`): the output is then exactly the previous one, as the cache believes."""
    ready: list[tuple[Path, Path]] = []
    try:
        for pair in prepared:
            ready.append(pair)
    except BaseException:
        for new, _ in ready:
            new.unlink(missing_ok=True)
        raise
    written = [target.relative_to(output_dir).as_posix() for _, target in ready]
    gone = to_remove()
    if not ready and not gone:
        return written
    with writing(output_dir):
        undo = start_journal(output_dir, written + gone)
        try:
            commit(output_dir, undo, ready, written, gone)
        except OSError:
            roll_back(output_dir, undo)  # the disk refused half-way: as if the commit never began
            raise
    return written


def commit(output_dir: Path, undo: Path, ready: list[tuple[Path, Path]], written: list[str], gone: list[str]) -> None:
    """Rename the new files over their targets, then remove what the site no longer has; each previous file is
    kept in the journal first."""
    for (new, target), rel_path in zip(ready, written, strict=True):
        keep_previous(undo, target, rel_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        new.replace(target)
    for rel_path in gone:
        keep_previous(undo, output_dir / rel_path, rel_path)
        (output_dir / rel_path).unlink(missing_ok=True)
        remove_empty_parents(output_dir, output_dir / rel_path)
    end_journal(output_dir, undo)


JOURNAL = "journal"  # in the undo folder: one line per rel path the commit touches, "1\t" if it existed before


def start_journal(output_dir: Path, rel_paths: list[str]) -> Path:
    """Record what a commit will touch before touching it (written whole, then renamed: never half a list)."""
    undo = beside(output_dir, "undo")
    shutil.rmtree(undo, ignore_errors=True)
    (undo / "files").mkdir(parents=True)
    lines = "".join(f"{int((output_dir / p).is_file())}\t{p}\n" for p in rel_paths)
    (undo / "journal.part").write_text(lines, encoding="utf-8")
    (undo / "journal.part").rename(undo / JOURNAL)
    return undo


def keep_previous(undo: Path, target: Path, rel_path: str) -> None:
    """A second name (a hard link: no copy) for the file about to be replaced or removed."""
    backup = undo / "files" / rel_path
    backup.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(target, backup)
    except FileNotFoundError:
        return  # a new file: there is nothing to keep


def end_journal(output_dir: Path, undo: Path) -> None:
    """The commit is complete: its journal becomes an ordinary leftover (one rename), then goes."""
    done = output_dir.with_name(undo.name.replace(".undo-", ".old-", 1))
    undo.rename(done)
    shutil.rmtree(done, ignore_errors=True)


def roll_back(output_dir: Path, undo: Path) -> None:
    """Undo a commit that was killed half-way: every file it touched is put back as it was. Safe to repeat (a
    rollback killed in turn is finished by the next one): the backups are linked back, never moved."""
    journal = undo / JOURNAL
    entries = journal.read_text(encoding="utf-8").splitlines() if journal.is_file() else []
    for entry in entries:
        existed, _, rel_path = entry.partition("\t")
        target, backup = output_dir / rel_path, undo / "files" / rel_path
        if backup.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            relinked = undo / "relink"
            relinked.unlink(missing_ok=True)
            os.link(backup, relinked)
            relinked.replace(target)
        elif existed == "0":  # the commit added it
            target.unlink(missing_ok=True)
            remove_empty_parents(output_dir, target)
    end_journal(output_dir, undo)


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
                with writing(item.rel_path):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(item.source, target)
            elif item.prepared is None:
                raise OutputError(f"{item.rel_path}: kept from a previous output, but there is none")
            written.append(item.rel_path)
        with writing(destination.output_dir):
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
    """What an interrupted build (any process, killed at any moment) left beside the output is cleared before a
    new one starts: a commit killed half-way is rolled back first, then staging folders and prepared files go."""
    parent = output_dir.parent
    if not parent.is_dir():
        return
    prefix = f".{output_dir.name}."
    for undo in sorted(parent.glob(f"{prefix}undo-*")):
        roll_back(output_dir, undo)
    for path in parent.glob(f"{prefix}*-*"):
        if path.name.startswith(tuple(f"{prefix}{kind}-" for kind in ("tmp", "old", "new"))):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(f"{prefix}part-"):  # pages streamed by earlier versions
            path.unlink(missing_ok=True)

"""What the last build read and what it left in the output, so a build with nothing changed is a stat of every
file (make's rule) instead of a build.

The manifest holds the size and mtime of every input (site.toml, content/, templates/, the theme, ssg's own
code), the options, the size, mtime and a digest of every output file and the mtime of every output folder (a
file added to or removed from a folder changes it, so stats alone tell an intact output), the page count and
the warnings. When all of it is as it was, the output already is the current site: the build re-reports the
warnings and stops. Anything different (an input touched, added or removed; an output file edited, deleted or
added) means a real build, which uses the content cache as usual; in it, an output file with a new mtime but
its old size and bytes (a CI cache restored by a tool that does not keep mtimes) is still the page the last
build wrote (`OutputCheck`). The file is framed and checksummed like the cache, and only written after a
successful build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import markdown_it
import mdit_py_plugins
import yaml

from ssg import __version__
from ssg.errors import Diagnostic
from ssg.pipeline.reuse.cache import CACHE_DIR, read_checked, write_checked
from ssg.render.environment import THEME_DIR

MANIFEST_FORMAT = 4  # 2: output folders are stamped too; 3: drafts left out; 4: output files' digests
Stamps = dict[str, tuple[int, int]]  # rel path -> (size, mtime_ns)
Digests = dict[str, bytes]  # rel path -> digest of the file's bytes (file_digest)

PACKAGE_DIR = THEME_DIR.parent  # ssg's own code: an edited ssg must not pass for an unchanged build


@dataclass(frozen=True)
class Manifest:
    options: tuple  # what else decides the output: drafts, base_url, the output folder
    inputs: Stamps
    outputs: Stamps
    pages: int
    diagnostics: tuple[Diagnostic, ...]  # the warnings of that build, reported again by one that stops early
    drafts_left_out: int = 0
    digests: Digests = field(default_factory=dict)  # of the output files


def options_key(drafts: bool, base_url: str | None, output: str) -> tuple:
    """The options and library versions the output depends on besides the files; `output` an `output_key`."""
    libraries = (jinja2.__version__, markdown_it.__version__, mdit_py_plugins.__version__, yaml.__version__)
    return (__version__, MANIFEST_FORMAT, drafts, base_url, output, libraries)


def output_key(site_dir: Path, output: Path) -> str:
    """An output folder as the cache and manifest name it: relative to the site when inside it, so a cache
    restored into a checkout at another path (a CI runner's) still describes the site's build/."""
    site, folder = site_dir.resolve(), output.resolve()
    return folder.relative_to(site).as_posix() if folder.is_relative_to(site) else str(folder)


def manifest_file(site_dir: Path) -> Path:
    return site_dir / CACHE_DIR / "last-build.pickle"


def load_manifest(site_dir: Path) -> Manifest | None:
    values = read_checked(manifest_file(site_dir))
    return values[0] if values and isinstance(values[0], Manifest) else None


def save_manifest(site_dir: Path, manifest: Manifest) -> None:
    write_checked(manifest_file(site_dir), [manifest])


def forget_manifest(site_dir: Path) -> None:
    """Before a build changes the output: a manifest must never describe an output it did not see."""
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):  # none (.ssg-cache/ may even be a file)
        manifest_file(site_dir).unlink()


def input_stamps(site_dir: Path) -> Stamps:
    """Every file a build may read: the site's config, content and templates, the theme and ssg itself."""
    stamps: Stamps = {}
    config = site_dir / "site.toml"
    try:
        stat = config.stat()
        stamps["site.toml"] = (stat.st_size, stat.st_mtime_ns)
    except OSError:
        pass
    for root, prefix in ((site_dir / "content", "content/"), (site_dir / "templates", "templates/")):
        tree_stamps(root, prefix, stamps)
    tree_stamps(PACKAGE_DIR, "ssg:", stamps, skip=("__pycache__",))
    return stamps


def output_stamps(output_dir: Path) -> Stamps:
    """Every file of the output, and every folder (by its path and '/'; its mtime changes when an entry is
    added to it, removed or renamed): what `output_unchanged` compares without listing folders again."""
    stamps: Stamps = {}
    tree_stamps(output_dir, "", stamps, folders=True)
    return stamps


def output_unchanged(output_dir: Path, recorded: Stamps) -> bool:
    """Whether the output is exactly as `recorded`: each file and folder statted, none listed (an added or
    removed file changes its folder's mtime). At 10,000 articles: 25,000 stats instead of 12,000 listings."""
    root = str(output_dir)
    for rel_path, stamp in recorded.items():
        try:
            stat = os.stat(f"{root}/{rel_path}")
        except OSError:
            return False
        if (0 if rel_path.endswith("/") else stat.st_size, stat.st_mtime_ns) != stamp:
            return False
    return True


def restamp(stamps: Stamps | None, output_dir: Path, changed_paths: Iterable[str]) -> Stamps:
    """The output's stamps after files were written or removed: theirs, and their folders' up to the root;
    without stamps from before the write, those of a fresh walk."""
    if stamps is None:
        return output_stamps(output_dir)
    keys = {"/"}
    for rel_path in changed_paths:
        keys.add(rel_path)
        folders = rel_path.split("/")[:-1]
        keys.update("/".join(folders[:depth]) + "/" for depth in range(1, len(folders) + 1))
    stamps = dict(stamps)
    for key in keys:
        try:
            stat = os.stat(f"{output_dir}/{key}")
        except OSError:
            stamps.pop(key, None)  # removed, or a folder that went with its last file
            continue
        stamps[key] = (0 if key.endswith("/") else stat.st_size, stat.st_mtime_ns)
    return stamps


def files_of(stamps: Stamps) -> set[str]:
    return {rel_path for rel_path in stamps if not rel_path.endswith("/")}


def tree_stamps(root: Path, prefix: str, stamps: Stamps, skip: tuple[str, ...] = (), folders: bool = False) -> None:
    """(size, mtime_ns) of every file below root, by `prefix` + its '/'-separated path (os.scandir: one call per
    folder, no Path objects); with `folders`, each folder's (0, mtime_ns) too, by its path and '/'."""
    try:
        entries = list(os.scandir(root))
        if folders:
            stamps[prefix or "/"] = (0, os.stat(root).st_mtime_ns)
    except OSError:
        return
    for entry in entries:
        if entry.name in skip:
            continue
        if entry.is_dir(follow_symlinks=False):  # as discover_content's os.walk: linked folders are not entered
            tree_stamps(Path(entry.path), f"{prefix}{entry.name}/", stamps, skip, folders)
        else:
            try:
                stat = entry.stat()
            except OSError:
                continue
            stamps[prefix + entry.name] = (stat.st_size, stat.st_mtime_ns)


def file_digest(path: Path) -> bytes | None:
    """A digest of a file's bytes (None: it cannot be read). Read whole with os.read: half the time of
    `hashlib.file_digest` over 30,000 small pages."""
    digest = hashlib.blake2b(digest_size=16)
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            while data := os.read(fd, 1 << 20):  # a bigger buffer raised a cold build's peak
                digest.update(data)
        finally:
            os.close(fd)
    except OSError:
        return None
    return digest.digest()


class OutputCheck:
    """Whether the output still holds a file as the last build wrote it: its stamp is the one the manifest
    recorded, or (a restore that gave every file a new mtime: a zip archive, `cp -r`, a CI artifact) its size is
    and its bytes have the recorded digest. The first such question digests every file in that case at once, on
    two threads; the digests are kept in `digests` for the next manifest."""

    def __init__(self, output_dir: Path, now: Stamps, manifest: Manifest):
        self.output_dir, self.now, self.manifest = output_dir, now, manifest
        self.digests: Digests | None = None

    def __call__(self, rel_path: str) -> bool:
        now, then = self.now.get(rel_path), self.manifest.outputs.get(rel_path)
        if now is None or then is None or now[0] != then[0]:
            return False
        if now == then:
            return True
        if self.digests is None:
            self.digests = self.restamped()
        digest = self.digests.get(rel_path)
        return digest is not None and digest == self.manifest.digests.get(rel_path)

    def restamped(self) -> Digests:
        """The digests of the files whose size is as recorded and whose mtime is not."""
        outputs, recorded = self.manifest.outputs, self.manifest.digests
        return digest_files(
            self.output_dir,
            [p for p, stamp in self.now.items() if p in recorded and stamp != outputs[p] and stamp[0] == outputs[p][0]],
        )


def digest_files(output_dir: Path, rel_paths: list[str]) -> Digests:
    """The digests of some files of the output; a file that cannot be read has none."""
    return digest_paths({rel_path: output_dir / rel_path for rel_path in rel_paths})


def digest_paths(paths: dict[str, Path]) -> Digests:
    """The digests of files (by their rel paths in the output), read on two threads (hashing lets go of the
    interpreter lock); a file that cannot be read has none."""
    rel_paths = list(paths)

    def digest_all(part: list[str]) -> list[bytes | None]:
        return [file_digest(paths[rel_path]) for rel_path in part]

    parts = [rel_paths[0::2], rel_paths[1::2]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = [digest for digests in pool.map(digest_all, parts) for digest in digests]
    ordered = parts[0] + parts[1]
    return {rel_path: digest for rel_path, digest in zip(ordered, found, strict=True) if digest is not None}


def output_digests(
    output_dir: Path, stamps: Stamps, before: Manifest | None, known: Digests, changed: Iterable[str], made: Digests
) -> Digests:
    """The digest of every file of the output whose stamps are `stamps`: for a file written by this build, the
    one `made` of its prepared copy (the same bytes) or one made now; else the last manifest's where the file
    has the stamp that manifest recorded, one `known` (an OutputCheck's), or one made now."""
    changed = set(changed)
    digests: Digests = {}
    todo = []
    for rel_path in files_of(stamps):
        if rel_path in changed:
            if rel_path in made:
                digests[rel_path] = made[rel_path]
            else:
                todo.append(rel_path)
        elif before is not None and before.outputs.get(rel_path) == stamps[rel_path] and rel_path in before.digests:
            digests[rel_path] = before.digests[rel_path]
        elif rel_path in known:
            digests[rel_path] = known[rel_path]
        else:
            todo.append(rel_path)
    digests.update(digest_files(output_dir, todo))
    return digests

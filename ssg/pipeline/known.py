"""What a run knows from before it starts (`Pipeline.plan`), and what that tells it: which files of the
output are the last build's, which records must have their read groups digested again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ssg.model.refs import Ref
from ssg.pipeline.load import LoadedSite
from ssg.pipeline.patch import Patch
from ssg.pipeline.reuse.manifest import Manifest, OutputCheck, files_of
from ssg.pipeline.reuse.reads import ReadLog
from ssg.pipeline.reuse.state import Settled
from ssg.source import ContentFiles, content_rel_path


@dataclass(frozen=True, slots=True)
class Known:
    """What a run knows from before it starts (the plan): the one thing that differs between runs."""

    manifest: Manifest | None = None  # the last one-shot build's, when it describes this output
    outputs: dict | None = None  # the output's stamps, when known without walking it again
    intact: bool = False  # the output is exactly as the manifest's build left it
    inputs: dict | None = None  # stamps of every input, taken before anything is read
    content: tuple[dict, ContentFiles] | None = None  # content/ unchanged but for edited files: stamps, listing
    settled: Settled | None = None  # the last successful build of this long-lived pipeline into this output
    patch: Patch | None = None  # only article bodies changed: the last Site with them replaced

    def changed_refs(self, loaded: LoadedSite, log: ReadLog, now: dict[Ref, str]) -> list[Ref]:
        """The records whose groups must be digested again: those a patch replaced; in a long-lived pipeline,
        those that are not the very objects of its last build; else (a one-shot build) those whose version
        (`now`) is not the one the log's digests were made from."""
        if self.patch is not None:
            return self.patch.refs
        if self.settled is not None:
            return log.changed_refs(self.settled.loaded.site, loaded.site)
        return log.changed_versions(now)

    def kept(self, output: Path) -> Callable[[str], bool]:
        """Whether `output` still holds the file the last build wrote for a page."""
        if self.settled is not None:
            return self.settled.written.__contains__  # what this pipeline wrote last: no need to stat each file
        manifest, outputs = self.manifest, self.outputs
        if manifest is not None and outputs is not None:  # as the last build left it: not edited by hand
            return OutputCheck(output, outputs, manifest)
        return lambda rel_path: (output / rel_path).is_file()

    def existing(self) -> set[str] | None:
        """The files the output holds now, when known without walking it."""
        if self.settled is not None:
            return set(self.settled.written)
        return files_of(self.outputs) if self.outputs is not None else None


def known_content(
    site_dir: Path, files: ContentFiles | None, stats: dict[str, tuple], changed: frozenset[Path]
) -> tuple[dict, ContentFiles] | None:
    """The last listing of content/ (`files`) and the stamps of its files (from the cache's `stats`), when
    every changed path under content/ is a file that listing has: nothing was added or removed, so content/
    need not be walked again nor each file statted (the changed ones are). None when anything else happened."""
    if files is None:
        return None
    listed = {
        rel for group in (files.articles, files.profiles, files.pages, files.assets, files.ignored) for _, rel in group
    }
    touched = set()
    for path in changed:
        rel_path = content_rel_path(site_dir, path)
        if rel_path is None:
            continue  # templates, site.toml: read again by every build anyway
        if rel_path not in listed or not path.is_file():
            return None  # added, removed, renamed or a folder: walk content/ again
        touched.add(rel_path)
    stamps = {rel: stats[rel][0] for rel in listed if rel in stats and rel not in touched}
    return stamps, files

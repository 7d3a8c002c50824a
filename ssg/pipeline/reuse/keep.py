"""What a run keeps for the next (pipeline/__init__.py: `Pipeline.run`), made once its pages are rendered."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ssg.model.refs import Ref
from ssg.pipeline.reuse.cache import CacheSave, ContentCache
from ssg.pipeline.reuse.manifest import Digests, digest_paths
from ssg.pipeline.reuse.reads import ReadLog, Rendered


@dataclass
class Keep:
    """What a run keeps for the next, made once every page is rendered (`pages_done`), while the search index
    may still be in the making: into the cache, what the rendered pages read and the records' versions, and
    the cache is written (`saving`: its search index and the file's end come after the output, in
    `Pipeline.remember`); for the manifest, the digests of the pages written."""

    cache: ContentCache
    saving: CacheSave | None
    log: ReadLog
    changed: dict[int, bytes]  # the new digests of groups read before
    rendered: list[Rendered]
    present: set[str] | None  # the pages the site has (None: those the log has)
    now: dict[Ref, str]  # every record's version (one-shot builds)
    manifest: bool  # a one-shot build with a cache: the next finds the digests of the files written in it
    digests: Digests = field(default_factory=dict)  # of the pages written, made from their prepared copies
    done: bool = False

    def pages_done(self, prepared: dict[str, Path]) -> None:
        """`prepared`: the new files of the rendered pages (by rel path), whose digests are made now too."""
        if self.done:
            return
        self.done = True
        if self.manifest:
            self.digests = digest_paths(prepared)
        cache, log = self.cache, self.log
        if log.commit(self.changed, self.rendered, self.present):
            cache.dirty = True
        self.rendered.clear()
        if log.versions != self.now:  # a long-lived pipeline compares objects, not versions: it leaves them unknown
            log.versions = self.now
            cache.dirty = True
        if self.saving is not None:
            self.saving.begin()

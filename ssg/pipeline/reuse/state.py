"""The state a long-lived pipeline (`ssg serve`) keeps between builds, in one place that alone writes it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ssg.errors import Diagnostic
from ssg.pipeline.load import LoadedSite
from ssg.pipeline.reuse.memo import LoadMemo
from ssg.render import PageSpec
from ssg.source import ContentFiles


@dataclass(frozen=True, slots=True)
class Settled:
    """What the last successful build left in its output folder."""

    loaded: LoadedSite
    specs: tuple[PageSpec, ...]
    linkable: frozenset[str]  # site paths of every page and file (what links may lead to)
    load_diagnostics: tuple[Diagnostic, ...]  # the load's report, before the link check
    written: frozenset[str]  # every file of the output


class PipelineState:
    """Memos of loading, the last listing of content/, and the last build that succeeded. A one-shot build
    starts afresh and remembers nothing of its records (it has no next build)."""

    def __init__(self) -> None:
        self._memo = LoadMemo()
        self._listing: ContentFiles | None = None
        self._settled: Settled | None = None

    @property
    def memo(self) -> LoadMemo:
        return self._memo

    @property
    def listing(self) -> ContentFiles | None:
        """content/ as the last successful load found it."""
        return self._listing

    @property
    def settled(self) -> Settled | None:
        return self._settled

    def begin(self, long_lived: bool) -> None:
        """A build starts: until it succeeds, nothing of the last one may be taken for current. A one-shot build
        gets a memo that keeps nothing (it would only hold memory until the process exits)."""
        if not long_lived:
            self._memo = LoadMemo.forgetful()
        self._listing = None

    def loaded(self, listing: ContentFiles) -> None:
        self._listing = listing

    def settle(self, settled: Settled | None) -> None:
        self._settled = settled

    def files_replaced(self, added: Iterable[str], removed: Iterable[str]) -> None:
        """Files written into the output beside a build (the preview's search bundle, made in the background)."""
        if self._settled is not None:
            written = (self._settled.written - frozenset(removed)) | frozenset(added)
            self._settled = replace(self._settled, written=written)

"""One road for every build (SPEC §7): plan, load, list the pages, find the stale ones, render, write, check links.

A cold build, a warm one (`.ssg-cache/`), a one-shot incremental one and the preview's rebuild all run
`Pipeline.run`; what differs is only what is known from before (pipeline/reuse/): the manifest of the last
build (nothing changed: stop), the cache of parsed files and bodies, the memos and last Site of a long-lived
pipeline (an edit that changed article bodies alone patches that Site instead of loading again), and the
reads each page recorded when it was last rendered (a page is rendered again only when something it read
changed). Everything is gathered and checked before anything is written (mkdocs' build()); errors stop at a
stage boundary with every diagnostic in a `SiteError`, and the output is untouched.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ssg.config import load_config
from ssg.errors import Diagnostic, Report, SiteError
from ssg.model.refs import Ref, versions
from ssg.model.types import Site
from ssg.output import Destination, OutputFile, WriteSummary, check_output_dir, update_output, write_output
from ssg.pipeline.collector import collector_paused
from ssg.pipeline.known import Known, known_content
from ssg.pipeline.links import check_links, content_assets, linkable_paths, static_files
from ssg.pipeline.load import LoadedSite, load_site
from ssg.pipeline.parallel import default_jobs, parse_articles_parallel, render_bodies_parallel, render_pages_iter
from ssg.pipeline.patch import patch_bodies
from ssg.pipeline.reuse.cache import CacheSave, ContentCache, cache_file, load_cache
from ssg.pipeline.reuse.keep import Keep
from ssg.pipeline.reuse.manifest import (
    Manifest,
    OutputCheck,
    files_of,
    forget_manifest,
    input_stamps,
    load_manifest,
    options_key,
    output_digests,
    output_key,
    output_stamps,
    output_unchanged,
    restamp,
    save_manifest,
)
from ssg.pipeline.reuse.reads import GroupValues, PageBases, ReadLog, Rendered, SameFields
from ssg.pipeline.reuse.state import PipelineState, Settled
from ssg.pipeline.search import BundleFiles, Indexer, SearchIndex, SearchPlan, install_bundle, plan_search
from ssg.render import PageSpec, create_environment, plan_pages
from ssg.render.environment import CompiledTemplates
from ssg.source import ContentFiles

Progress = Callable[[int, int], None]

__all__ = ["Pipeline", "RunOptions", "RunResult", "build_site", "check_site"]


@dataclass(frozen=True, slots=True)
class RunOptions:
    site_dir: Path
    output_dir: Path | None = None  # default: <site>/build
    drafts: bool = False
    base_url: str | None = None
    jobs: int = 0  # worker processes; 0: one per core
    use_cache: bool = True  # keep .ssg-cache/ between runs
    index_search: bool = True  # make /pagefind/ when its documents changed; False: the caller does (the preview)

    @property
    def output(self) -> Path:
        return self.output_dir or self.site_dir / "build"

    @property
    def workers(self) -> int:
        return self.jobs or default_jobs()


@dataclass(frozen=True, slots=True)
class RunResult:
    pages: int  # pages of the site
    rendered: int  # pages rendered by this run (the others were unchanged)
    seconds: float
    written: WriteSummary
    report: Report = field(default_factory=Report)
    up_to_date: bool = False  # nothing changed since the last build: nothing was read, rendered or written
    rendered_paths: tuple[str, ...] = ()  # the site paths of the pages rendered
    drafts_left_out: int = 0  # articles and pages marked draft that this build did not build


class Pipeline:
    """Builds one site, again and again: the cache lives as long as the Pipeline (and on disk between runs)."""

    def __init__(self, options: RunOptions, cache: ContentCache | None = None):
        self.options = options
        self._cache = cache
        self.state = PipelineState()
        self.compiled = CompiledTemplates()  # templates compiled by earlier runs of this Pipeline

    @property
    def cache(self) -> ContentCache:
        """Loaded on first use: a build that finds nothing changed never reads it."""
        if self._cache is None:
            self._cache = load_cache(self.options.site_dir) if self.options.use_cache else ContentCache()
        return self._cache

    def run(
        self, progress: Progress | None = None, in_place: bool = False, changed: frozenset[Path] | None = None
    ) -> RunResult:
        """Plan, load, render what changed, write the output; SiteError (nothing written) when the site has
        errors. `in_place`: a long-lived pipeline (the preview), told by its watcher which files `changed`."""
        with collector_paused(collect_after=in_place):  # the preview lives on: its garbage must not
            return self.run_once(progress, in_place, changed)

    def run_once(self, progress: Progress | None, in_place: bool, changed: frozenset[Path] | None) -> RunResult:
        started = time.perf_counter()
        options = self.options
        report = Report()
        check_output_dir(options.output, options.site_dir)
        known = self.plan(in_place, changed)
        if known.intact and known.manifest is not None and known.inputs == known.manifest.inputs:
            return self.up_to_date(known.manifest, started)
        self.state.begin(long_lived=in_place)
        loaded = known.patch.loaded if known.patch else self.load(report, *(known.content or (known.inputs, None)))
        self.state.loaded(loaded.files)
        patched = known.settled if known.patch is not None else None  # a patch of bodies: the same files
        log = self.read_log()
        kept = known.kept(options.output)
        destination = Destination.open(options.output)
        rendered: list[Rendered] = []
        search = SearchPlan()
        now: dict[Ref, str] = {}
        saving = CacheSave(options.site_dir, self.cache) if options.use_cache else None
        search_saving = None if in_place else saving  # a one-shot build's index goes to the cache file unheld
        keep: Keep | None = None
        try:
            if patched is None:  # first: the search index is made while the pages are planned and rendered
                now = versions(loaded.site) if known.settled is None else {}
                same_records = bool(now) and now == log.versions  # as at the last build: the search documents too
                search = self.plan_search(loaded, kept, destination, same_records, search_saving)
                specs = plan_pages(loaded.site)
                linkable = linkable_paths(options.site_dir, loaded, (s.site_path for s in specs))
            else:
                specs, linkable = list(patched.specs), set(patched.linkable)
                report.extend(patched.load_diagnostics)
            load_diagnostics = tuple(report.diagnostics)
            check_links(loaded, linkable, report, strict=False)
            env = create_environment(options.site_dir, loaded.site, self.compiled)
            bases = PageBases(env, loaded.site)
            values = GroupValues(loaded.site)
            same = SameFields(known.settled.loaded.site, loaded.site) if known.settled is not None else None
            changed_groups = log.changed_groups(known.changed_refs(loaded, log, now), values, same)
            # a patch of bodies: the pages, their templates and the config are those the log has
            same_pages = patched is not None and len(log.pages) == len(specs)
            stale = log.reading(changed_groups) if same_pages else log.stale(specs, bases, changed_groups, kept)
            pages = self.render(loaded, stale, destination, report, progress, (bases, values, log), rendered)
            present = None if same_pages else {s.rel_path for s in specs}
            keep = Keep(
                self.cache,
                saving,
                log,
                changed_groups,
                rendered,
                present,
                now,
                manifest=known.inputs is not None,
            )
            if patched is not None:  # the same files: only pages change
                summary = update_output(destination, self.rendered_files(pages, report), patched.written)
            else:
                files = self.output_files(loaded, specs, pages, report, search, keep.pages_done)
                if known.manifest is not None or known.inputs is not None:
                    forget_manifest(options.site_dir)  # the output may change: the old manifest no longer describes it
                summary = write_output(destination, files, known.existing())  # SiteError: a page failed
        except BaseException:
            search.close()  # first: a stopped indexing process writes no cache entry after the discard
            if saving is not None:
                saving.discard()
            if keep is not None and keep.done:  # the cache took this run's reads, but the output did not change
                self._cache = None  # the next run loads the one on disk
            raise
        finally:
            search.close()  # before its files are discarded: a stopped indexer prepares no more
            destination.discard()  # a first build that failed (after success its folder is the output)
        del values, rendered
        assert keep is not None  # made before anything was written
        if known.patch is not None:  # its bodies and memos, as a full load would have left them
            known.patch.commit(self.cache, self.state.memo)
        keep.pages_done({})  # (done already, unless the run patched bodies)
        if search.made is not None and search_saving is not None:  # pickled by the indexing process
            self.cache.search.pop(self.output_key(), None)
            search_saving.add_search_part()
        elif search.made is not None:
            self.cache.search[self.output_key()] = search.made
            self.cache.dirty = True
        checked = (kept.digests or {}) if isinstance(kept, OutputCheck) else {}
        self.remember(known, loaded, specs, linkable, load_diagnostics, summary, report, checked, keep)
        if known.patch is not None and options.index_search:  # bodies changed: so did the search documents
            self.refresh_search(loaded.site)
        return RunResult(
            len(specs),
            len(stale),
            time.perf_counter() - started,
            summary,
            report,
            rendered_paths=tuple(s.site_path for s in stale),
            drafts_left_out=loaded.drafts_left_out,
        )

    def plan(self, in_place: bool, changed: frozenset[Path] | None) -> Known:
        """What this run knows from before: the last manifest (one-shot builds), or the last build of this
        pipeline and the files the watcher says changed (the preview)."""
        options = self.options
        settled = self.state.settled if in_place and options.output.is_dir() else None
        if in_place:
            patch = None
            if changed and settled is not None and self.state.listing is not None:
                patch = patch_bodies(
                    options.site_dir, settled.loaded, self.state.listing, self.cache, self.state.memo, changed
                )
            content = (
                known_content(options.site_dir, self.state.listing, self.cache.stats, changed)
                if changed and patch is None
                else None
            )
            return Known(content=content, settled=settled, patch=patch)
        if not options.use_cache:
            return Known()
        inputs = input_stamps(options.site_dir)  # before anything is read: an edit during the build is new
        manifest = load_manifest(options.site_dir)
        if manifest is None or manifest.options != self.options_key():
            return Known(inputs=inputs)
        if output_unchanged(options.output, manifest.outputs):
            return Known(manifest=manifest, outputs=manifest.outputs, intact=True, inputs=inputs)
        return Known(manifest=manifest, outputs=output_stamps(options.output), inputs=inputs)  # edited by hand

    def load(self, report: Report, stamps: dict | None = None, files: ContentFiles | None = None) -> LoadedSite:
        """Config and content, validated; raises SiteError with every diagnostic when anything is wrong."""
        options = self.options
        config = load_config(options.site_dir, report, options.base_url)
        if config is None:
            raise SiteError(report)
        loaded = load_site(
            options.site_dir,
            config,
            report,
            drafts=options.drafts,
            cache=self.cache,
            render_bodies=lambda jobs: render_bodies_parallel(config.raw_html, jobs, options.workers),
            parse_articles=lambda jobs, *args: parse_articles_parallel(jobs, *args, options.workers),
            memo=self.state.memo,
            stamps=stamps,
            files=files,
        )
        if loaded is None:
            raise SiteError(report)
        return loaded

    def output_key(self) -> str:
        return output_key(self.options.site_dir, self.options.output)

    def read_log(self) -> ReadLog:
        """The recorded reads of the pages in this output folder (kept in the cache by folder)."""
        return self.cache.reads.setdefault(self.output_key(), ReadLog())

    def plan_search(
        self,
        loaded: LoadedSite,
        kept: Callable[[str], bool],
        destination: Destination,
        same_records: bool,
        saving: CacheSave | None,
    ) -> SearchPlan:
        """The search bundle this build writes into `destination` (pipeline/search.py: `plan_search`), its
        index pickled for the cache into the `saving`'s search part (a one-shot build's); a bundle removed or
        edited by hand is not kept, one whose records are all the same (`same_records`) is."""
        key = self.output_key()
        current = self.cache.search.get(key)
        if current is not None and not all(kept(rel_path) for rel_path in current.files):
            current = None
        options = self.options
        index = options.index_search and not (same_records and current is not None)
        entry = (key, saving.search_part) if saving is not None else None
        return plan_search(loaded.site, current, index, None, destination, options.output, entry)

    def remember(
        self,
        known: Known,
        loaded: LoadedSite,
        specs: list[PageSpec],
        linkable: set[str],
        load_diagnostics: tuple[Diagnostic, ...],
        summary: WriteSummary,
        report: Report,
        checked: dict[str, bytes],
        keep: Keep,
    ) -> None:
        """After a successful write: the state, the cache (its saving begun by `keep`) and the manifest for the
        next run (`checked`: digests of output files made while finding what was kept)."""
        options = self.options
        self.state.settle(Settled(loaded, tuple(specs), frozenset(linkable), load_diagnostics, summary.files))
        try:
            if keep.saving is not None:
                keep.saving.finish()
            if keep.manifest:  # a one-shot build with a cache: the manifest of what it left
                outputs = restamp(known.outputs, options.output, summary.changed_paths)
                changed = summary.changed_paths
                digests = output_digests(options.output, outputs, known.manifest, checked, changed, keep.digests)
                warnings = tuple(report.diagnostics)
                drafts = loaded.drafts_left_out
                manifest = Manifest(self.options_key(), known.inputs, outputs, len(specs), warnings, drafts, digests)
                save_manifest(options.site_dir, manifest)
        except OSError as exc:  # a full disk, say: the output is written; only the next build's head start is lost
            forget_manifest(options.site_dir)
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                cache_file(options.site_dir).unlink()  # an older cache would not describe this output
            message = f"the build cache could not be saved ({exc.strerror or exc}); the next build starts cold"
            report.warning(".ssg-cache", 0, 0, message)

    def index_search(self, site: Site, indexer: Indexer) -> tuple[SearchIndex, BundleFiles] | None:
        """A new search bundle for `site` (the preview runs this in the background, outside a build), or None
        when the bundle in the output has the same documents. Raises SearchIndexError (`indexer.stop()` ends
        it early)."""
        plan = plan_search(site, self.cache.search.get(self.output_key()), True, indexer, output=self.options.output)
        assert plan.indexer is not None
        return plan.indexer.finish()

    def refresh_search(self, site: Site) -> None:
        """Make and install a new search bundle now, when the site's documents changed (after a patch)."""
        made = self.index_search(site, Indexer())
        if made is not None:
            self.install_search(*made)

    def install_search(self, made: SearchIndex, files: BundleFiles) -> None:
        """Move a bundle from `index_search` into the output (`install_bundle`); call it between builds."""
        removed = install_bundle(self.options.output, files, self.cache.search.get(self.output_key()))
        self.cache.search[self.output_key()] = made
        self.state.files_replaced(files, removed)

    def options_key(self) -> tuple:
        options = self.options
        return options_key(options.drafts, options.base_url, output_key(options.site_dir, options.output))

    def up_to_date(self, manifest: Manifest, started: float) -> RunResult:
        """The result of a build that changes nothing: no input changed since the last successful build and its
        output is still exactly as it left it (make's rule, by size and mtime). Its warnings are reported again."""
        files = frozenset(files_of(manifest.outputs))
        summary = WriteSummary(0, len(files), 0, (), files)
        report = Report(list(manifest.diagnostics))
        seconds = time.perf_counter() - started
        drafts = manifest.drafts_left_out
        return RunResult(manifest.pages, 0, seconds, summary, report, up_to_date=True, drafts_left_out=drafts)

    def render(
        self,
        loaded: LoadedSite,
        specs: list[PageSpec],
        destination: Destination,
        report: Report,
        progress: Progress | None,
        reads: tuple[PageBases, GroupValues, ReadLog],
        rendered: list[Rendered],
    ) -> Iterator[tuple[str, Path | None]]:
        """(rel path, prepared file or None when its bytes are unchanged) of the given pages, as they are rendered
        (in parallel when there are many, in the order they were handed out); what each read goes to `rendered`
        (numbered in the read log as it arrives, while the workers go on), template errors to `report`."""
        bases, values, log = reads
        numbers = log.numbering(values)
        results = render_pages_iter(
            self.options.site_dir, loaded.site, specs, destination, self.options.workers, self.compiled
        )
        for done, (spec, result) in enumerate(results, start=1):
            if isinstance(result, Diagnostic):
                report.diagnostics.append(result)
            else:
                prepared, page = result
                rendered.append(numbers.rendered(spec, bases(spec, page.templates), page))
                yield spec.rel_path, prepared
            if progress:
                progress(done, len(specs))
        numbers.finish()  # while the search index may still be made beside

    def rendered_files(self, pages: Iterator[tuple[str, Path | None]], report: Report) -> Iterator[OutputFile]:
        """The prepared pages of a run that changes pages only; SiteError at the end when a page failed."""
        for rel_path, prepared in pages:
            if prepared is not None:
                yield OutputFile(rel_path, prepared=prepared)
        if report.has_errors:
            raise SiteError(report)

    def output_files(
        self,
        loaded: LoadedSite,
        specs: list[PageSpec],
        pages: Iterator[tuple[str, Path | None]],
        report: Report,
        search: SearchPlan,
        pages_done: Callable[[dict[str, Path]], None],
    ) -> Iterator[OutputFile]:
        """Every file of the output: rendered pages as they come, then kept pages, static files, assets and the
        search bundle. Raises SiteError when a page failed, so write_output discards what was prepared. Calls
        `pages_done` with the pages' prepared files between them and the search bundle, which may still be in
        the making."""
        prepared: dict[str, Path] = {}
        for file in self.rendered_files(pages, report):
            assert file.prepared is not None
            prepared[file.rel_path] = file.prepared
            yield file
        for spec in specs:
            yield OutputFile(spec.rel_path)  # unchanged since the last build, unless rendered above (first wins)
        for source, rel_path in [*static_files(self.options.site_dir), *content_assets(loaded)]:
            yield OutputFile(rel_path, source=source)
        pages_done(prepared)
        yield from search.files()


def build_site(options: RunOptions, progress: Progress | None = None) -> RunResult:
    """One build (what `ssg build` runs)."""
    return Pipeline(options).run(progress)


def check_site(options: RunOptions) -> Report:
    """`ssg check`: everything a build validates, and internal links as errors, without writing anything."""
    report = Report()
    with collector_paused():
        loaded = Pipeline(options).load(report)
    existing = linkable_paths(options.site_dir, loaded, (spec.site_path for spec in plan_pages(loaded.site)))
    check_links(loaded, existing, report, strict=True)
    if report.has_errors:
        raise SiteError(report)
    return report

"""The build pipeline (SPEC §7), top to bottom: config, content, model, pages, output.

Everything is gathered and checked before anything is written (mkdocs' build()); errors stop the build at a
stage boundary with every diagnostic in a `SiteError`. A `Builder` keeps its cache between builds, so a
rebuild re-parses only changed files, re-renders only bodies whose inputs changed and only pages whose
digest changed (see render/inputs.py), and writes only files whose bytes changed.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ssg.config import load_config
from ssg.errors import Diagnostic, Report, SiteError
from ssg.output import Destination, OutputFile, WriteSummary, check_output_dir, write_output
from ssg.pipeline.body_edit import Settled, rebuild_bodies
from ssg.pipeline.links import check_links, content_assets, linkable_paths, static_files
from ssg.pipeline.load import LoadedSite, LoadMemo, load_site
from ssg.pipeline.parallel import default_jobs, parse_articles_parallel, render_bodies_parallel, render_pages_iter
from ssg.pipeline.reuse.cache import ContentCache, load_cache, save_cache
from ssg.pipeline.reuse.manifest import (
    Manifest,
    files_of,
    forget_manifest,
    input_stamps,
    load_manifest,
    options_key,
    output_stamps,
    output_unchanged,
    restamp,
    save_manifest,
)
from ssg.render import PageSpec, create_environment, plan_pages
from ssg.render.environment import CompiledTemplates
from ssg.render.inputs import PageInputs, template_digests
from ssg.source import ContentFiles, content_rel_path
from ssg.urls import Urls

Progress = Callable[[int, int], None]

__all__ = ["BuildOptions", "BuildResult", "Builder", "build_site", "check_site"]


@dataclass(frozen=True, slots=True)
class BuildOptions:
    site_dir: Path
    output_dir: Path | None = None  # default: <site>/build
    drafts: bool = False
    base_url: str | None = None
    jobs: int = 0  # worker processes; 0: one per core
    use_cache: bool = True  # keep .ssg-cache/ between runs

    @property
    def output(self) -> Path:
        return self.output_dir or self.site_dir / "build"

    @property
    def workers(self) -> int:
        return self.jobs or default_jobs()


@dataclass(frozen=True, slots=True)
class BuildResult:
    pages: int  # pages of the site
    rendered: int  # pages rendered by this build (the others were unchanged)
    seconds: float
    written: WriteSummary
    report: Report = field(default_factory=Report)
    up_to_date: bool = False  # nothing changed since the last build: nothing was read, rendered or written
    rendered_paths: tuple[str, ...] = ()  # the site paths of the pages rendered


class Builder:
    """Builds one site, again and again: the cache lives as long as the Builder (and on disk between runs)."""

    def __init__(self, options: BuildOptions, cache: ContentCache | None = None):
        self.options = options
        self._cache = cache
        self.written_files: set[str] | None = None  # what this Builder's last write left in the output
        self.memo = LoadMemo()  # records of the last build, by identity (see LoadMemo)
        self.loaded: LoadedSite | None = None
        self.listing: ContentFiles | None = None  # content/ as the last successful load found it
        self.compiled = CompiledTemplates()  # templates compiled by earlier builds of this Builder
        self.settled: Settled | None = None  # the last build, when it succeeded in place (the preview)

    @property
    def cache(self) -> ContentCache:
        """Loaded on first use: a build that finds nothing changed never reads it."""
        if self._cache is None:
            self._cache = load_cache(self.options.site_dir) if self.options.use_cache else ContentCache()
        return self._cache

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
            memo=self.memo,
            stamps=stamps,
            files=files,
        )
        if loaded is None:
            raise SiteError(report)
        return loaded

    def build(
        self, progress: Progress | None = None, in_place: bool = False, changed: frozenset[Path] | None = None
    ) -> BuildResult:
        """Load, render what changed, write the output; SiteError (nothing written) when the site has errors.
        `changed` (the preview's watcher) names the files changed since this Builder's last build."""
        with collector_paused(collect_after=in_place):  # the preview lives on: its garbage must not
            return self.build_once(progress, in_place, changed)

    def build_once(self, progress: Progress | None, in_place: bool, changed: frozenset[Path] | None) -> BuildResult:
        started = time.perf_counter()
        options = self.options
        report = Report()
        check_output_dir(options.output, options.site_dir)
        if in_place and changed and self.settled is not None:
            quick = rebuild_bodies(self, changed)  # only article bodies changed: their pages alone
            if quick is not None:
                summary, report, rendered = quick
                self.written_files = set(summary.files)
                seconds = time.perf_counter() - started
                return BuildResult(self.settled.pages, len(rendered), seconds, summary, report, rendered_paths=rendered)
        self.settled = None  # until this build succeeds
        remembered = options.use_cache and not in_place  # one-shot builds: the manifest of the last one
        if not in_place:
            self.memo = LoadMemo.forgetful()  # identity memos serve the next build of a long-lived Builder only
        manifest, outputs, inputs = None, None, None
        if remembered:
            inputs = input_stamps(options.site_dir)  # before anything is read: an edit during the build is new
            manifest = load_manifest(options.site_dir)
            if manifest is not None and manifest.options == self.options_key():
                if output_unchanged(options.output, manifest.outputs):
                    if manifest.inputs == inputs:
                        return self.up_to_date(manifest, started)
                    outputs = manifest.outputs
                else:
                    outputs = output_stamps(options.output)  # someone changed it: find out what is there
            else:
                manifest = None
        known = self.known_content(changed) if changed else None
        self.listing = None  # until this load succeeds: a failed one may have seen files come and go
        loaded = self.load(report, *(known or (inputs, None)))
        # kept: freeing a big model object by object took half a second after each build
        self.loaded, self.listing = loaded, loaded.files
        load_diagnostics = tuple(report.diagnostics)
        specs = plan_pages(loaded.site)
        linkable = linkable_paths(options.site_dir, loaded, (s.site_path for s in specs))
        check_links(loaded, linkable, report, strict=False)
        digests = self.page_digests(loaded, specs)
        output_key = str(options.output.resolve())
        previous = self.cache.pages.get(output_key, {})
        # what this Builder wrote last (the preview): no need to stat each file; unless the folder is gone
        written = self.written_files if options.output.is_dir() else None

        def kept(rel_path: str) -> bool:
            """Whether the output still holds the file the last build wrote for this page."""
            if written is not None:
                return rel_path in written
            if manifest is not None and outputs is not None:  # as the last build left it: not edited by hand
                return rel_path in outputs and outputs[rel_path] == manifest.outputs.get(rel_path)
            return (options.output / rel_path).is_file()

        stale = [
            s for s in specs if previous.get(rel := Urls.rel_path(s.site_path)) != digests[s.site_path] or not kept(rel)
        ]
        destination = Destination.open(options.output)
        try:
            pages = self.render(loaded, stale, destination, report, progress)
            files = self.output_files(loaded, specs, pages, report)  # raises SiteError at the end if a page failed
            if remembered:
                forget_manifest(options.site_dir)  # the output may change: the old manifest no longer describes it
            existing = written if written is not None else files_of(outputs) if outputs is not None else None
            summary = write_output(destination, files, existing)
        finally:
            destination.discard()  # a first build that failed (after success its folder is the output)
        self.written_files = set(summary.files)
        self.cache.set_pages(output_key, {Urls.rel_path(s.site_path): digests[s.site_path] for s in specs})
        if options.use_cache:
            save_cache(options.site_dir, self.cache)
        if in_place:
            self.settled = Settled(load_diagnostics, frozenset(linkable), len(specs), output_key)
        if remembered:
            outputs = restamp(outputs, options.output, summary.changed_paths)
            warnings = tuple(report.diagnostics)
            save_manifest(options.site_dir, Manifest(self.options_key(), inputs, outputs, len(specs), warnings))
        rendered = tuple(s.site_path for s in stale)
        return BuildResult(
            len(specs), len(stale), time.perf_counter() - started, summary, report, rendered_paths=rendered
        )

    def known_content(self, changed: frozenset[Path]) -> tuple[dict, ContentFiles] | None:
        """The last build's listing of content/ and the stamps of its files, when every changed path under
        content/ is a file that listing has: nothing was added or removed, so content/ need not be walked again
        nor each file statted (the changed ones are). None when anything else happened."""
        files = self.listing
        if files is None:
            return None
        listed = {
            rel
            for group in (files.articles, files.profiles, files.pages, files.assets, files.ignored)
            for _, rel in group
        }
        touched = set()
        for path in changed:
            rel_path = content_rel_path(self.options.site_dir, path)
            if rel_path is None:
                continue  # templates, site.toml: read again by every build anyway
            if rel_path not in listed or not path.is_file():
                return None  # added, removed, renamed or a folder: walk content/ again
            touched.add(rel_path)
        stats = self.cache.stats
        stamps = {rel: stats[rel][0] for rel in listed if rel in stats and rel not in touched}
        return stamps, files

    def options_key(self) -> tuple:
        return options_key(self.options.drafts, self.options.base_url, self.options.output)

    def up_to_date(self, manifest: Manifest, started: float) -> BuildResult:
        """The result of a build that changes nothing: no input changed since the last successful build and its
        output is still exactly as it left it (make's rule, by size and mtime). Its warnings are reported again."""
        files = frozenset(files_of(manifest.outputs))
        summary = WriteSummary(0, len(files), 0, (), files)
        report = Report(list(manifest.diagnostics))
        return BuildResult(manifest.pages, 0, time.perf_counter() - started, summary, report, up_to_date=True)

    def page_digests(self, loaded: LoadedSite, specs: list[PageSpec]) -> dict[str, str]:
        env = create_environment(self.options.site_dir, loaded.site)
        known = self.cache.templates  # what each template source uses and reads, parsed once (and kept on disk)
        before = set(known)
        templates = template_digests(env, {s.template for s in specs if s.template}, known)
        self.cache.dirty |= set(known) != before
        inputs = PageInputs(loaded.site, templates, self.memo.digests)
        return {s.site_path: inputs.digest(s) for s in specs}

    def render(
        self,
        loaded: LoadedSite,
        specs: list[PageSpec],
        destination: Destination,
        report: Report,
        progress: Progress | None,
    ) -> Iterator[tuple[str, Path | None]]:
        """(site path, prepared file or None when its bytes are unchanged) of the given pages, as they are rendered
        (in parallel when there are many); template errors go to `report`."""
        results = render_pages_iter(
            self.options.site_dir, loaded.site, specs, destination, self.options.workers, self.compiled
        )
        for done, (spec, result) in enumerate(zip(specs, results, strict=True), start=1):
            if isinstance(result, Diagnostic):
                report.diagnostics.append(result)
            else:
                yield spec.site_path, result
            if progress:
                progress(done, len(specs))

    def output_files(
        self, loaded: LoadedSite, specs: list[PageSpec], pages: Iterator[tuple[str, Path | None]], report: Report
    ) -> Iterator[OutputFile]:
        """Every file of the output: rendered pages as they come, then kept pages, static files and assets.
        Raises SiteError at the end when a page failed, so write_output discards what was prepared."""
        kept = {s.site_path for s in specs}
        for site_path, prepared in pages:
            if prepared is not None:
                kept.discard(site_path)
                yield OutputFile(Urls.rel_path(site_path), prepared=prepared)
        if report.has_errors:
            raise SiteError(report)
        for spec in specs:
            if spec.site_path in kept:
                yield OutputFile(Urls.rel_path(spec.site_path))  # unchanged since the last build
        for source, rel_path in [*static_files(self.options.site_dir), *content_assets(loaded)]:
            yield OutputFile(rel_path, source=source)


@contextmanager
def collector_paused(collect_after: bool = False) -> Iterator[None]:
    """No cyclic garbage collection during a build: it makes millions of records (and unpickles as many from
    the cache) with almost no cycles, and each full collection walked all of them again (a warm build at 10,000
    articles: 9.0 s with it, 7.5 s without; memory the same). Afterwards what survives is frozen, so later
    collections skip it too. A long-lived process (`ssg serve`) first collects what the build left unreachable
    (Jinja environments are cycles): only what was made since the last freeze is walked, so that is cheap
    after the first build, and nothing leaks from one rebuild to the next."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collect_after:
            gc.collect()
        gc.freeze()
        if was_enabled:
            gc.enable()


def build_site(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """One build (what `ssg build` runs)."""
    return Builder(options).build(progress)


def check_site(options: BuildOptions) -> Report:
    """`ssg check`: everything a build validates, and internal links as errors, without writing anything."""
    report = Report()
    with collector_paused():
        loaded = Builder(options).load(report)
    existing = linkable_paths(options.site_dir, loaded, (spec.site_path for spec in plan_pages(loaded.site)))
    check_links(loaded, existing, report, strict=True)
    if report.has_errors:
        raise SiteError(report)
    return report

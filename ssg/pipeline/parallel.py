"""Markdown and pages rendered in worker processes; the result is byte-identical to one process.

Workers are forked after the Site is built, so they inherit it instead of receiving it pickled; each keeps
its Jinja environment or MarkdownIt in `_WORKER`, which exists only inside worker processes (the one piece
of module state in ssg, and the reason: fork hands it over for free).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache

from ssg.config import SiteConfig
from ssg.errors import Diagnostic
from ssg.markdown import BodyContext, RenderedBody, create_markdown
from ssg.model.types import Site
from ssg.output import Destination
from ssg.pipeline.bodies import BodySource, render_all, render_source
from ssg.pipeline.load import ReadResult, article_parser, read_and_parse
from ssg.pipeline.orphans import start_worker
from ssg.pipeline.templates import raised_in_template, template_diagnostic
from ssg.render import PageReads, PageSpec, create_environment, render_recorded
from ssg.render.environment import forget_memoized
from ssg.urls import Urls

WORKER_GC = (10_000, 20, 20)  # collections far apart: a page makes thousands of objects, few of them cycles
MIN_PARALLEL = 150  # below this many items a pool costs more than it saves
CHUNK = 32

_WORKER: dict[str, Any] = {}


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _init_pages(site_dir: Path, site: Site, destination: Destination, compiled: BytecodeCache | None) -> None:
    _WORKER["env"] = create_environment(site_dir, site, compiled)
    _WORKER["site"] = site
    _WORKER["site_dir"] = site_dir
    _WORKER["destination"] = destination


def _init_page_worker(site_dir: Path, site: Site, destination: Destination, compiled: BytecodeCache | None) -> None:
    """A render worker collects its cyclic garbage (the build paused the collector before forking it): each
    page's Jinja contexts are cycles, 18,000 of them kept in each worker by 9,000 pages at 10,000 articles.
    What it inherited is frozen (`orphans.start_worker`), so a collection walks only what the worker made."""
    gc.set_threshold(*WORKER_GC)
    gc.enable()
    _init_pages(site_dir, site, destination, compiled)


Rendered = tuple[Path | None, PageReads] | Diagnostic


def render_one(spec: PageSpec) -> Rendered:
    """One page rendered, its file prepared in the output (None: the output already has these bytes) and what
    it read; a failure in a template comes back as a diagnostic at its line (the user's template). A failure in
    ssg's own code is raised: a bug is a traceback, never a diagnostic."""
    env, site, destination = _WORKER["env"], _WORKER["site"], _WORKER["destination"]
    rel_path = spec.rel_path
    if spec.kind.streamed:
        write = partial(destination.prepare_parts, rel_path)
    else:
        write = lambda parts: destination.prepare(rel_path, "".join(parts).encode("utf-8"))  # noqa: E731
    try:
        return render_recorded(env, site, spec, write)
    except Exception as exc:
        if not raised_in_template(exc):
            raise
        return template_diagnostic(exc, _WORKER["site_dir"])


def render_pages_iter(
    site_dir: Path,
    site: Site,
    specs: Sequence[PageSpec],
    destination: Destination,
    jobs: int,
    compiled: BytecodeCache | None = None,
) -> Iterator[tuple[PageSpec, Rendered]]:
    """Each spec with its prepared file (or None) and reads, or a diagnostic. The workers write the files
    themselves: sending 450 MB of pages back through pipes for one process to write was the slowest part.

    Pages that list the whole site (the open data alone takes seconds at 10,000 articles) go to the workers
    first, one by one, so none of them finishes long after the rest; two of them are worth forking for.
    Results come in the order the pages were handed out, which is the order each worker rendered its own:
    a page's reads may use numbers its worker's table gave an earlier page (render/recording.py)."""
    whole_site = [spec for spec in specs if spec.kind.whole_site]
    few = len(specs) < MIN_PARALLEL and len(whole_site) < 2
    if jobs <= 1 or few or not can_fork():
        _init_pages(site_dir, site, destination, compiled)
        try:
            yield from ((spec, render_one(spec)) for spec in specs)
        finally:
            forget_memoized(_WORKER["env"])
            _WORKER.clear()
        return
    rest = [spec for spec in specs if not spec.kind.whole_site]
    with forked_pool(jobs, _init_page_worker, (site_dir, site, destination, compiled)) as pool:
        first = [pool.submit(render_one, spec) for spec in whole_site]
        results = pool.map(render_one, rest, chunksize=CHUNK)
        yield from ((spec, future.result()) for spec, future in zip(whole_site, first, strict=True))
        yield from zip(rest, results, strict=True)


def _init_parse(config: SiteConfig, urls: Urls, profile_ids: set[str], parsed: dict) -> None:
    _WORKER["parse"] = article_parser(config, urls, profile_ids)
    _WORKER["parsed"] = parsed  # the cache's parsed records, inherited: a known text is not parsed again


def _parse_job(job: tuple[Path, str, str]) -> ReadResult:
    return read_and_parse(*job, _WORKER["parse"], _WORKER["parsed"])


def parse_articles_parallel(
    jobs: Sequence[tuple[Path, str, str]],
    config: SiteConfig,
    urls: Urls,
    profile_ids: set[str],
    parsed: dict,
    workers: int,
) -> list[ReadResult]:
    """Article files read, keyed, and (unless `parsed` has them) parsed and validated across `workers`
    processes, in order."""
    if workers <= 1 or len(jobs) < MIN_PARALLEL or not can_fork():
        parse = article_parser(config, urls, profile_ids)
        return [read_and_parse(*job, parse, parsed) for job in jobs]
    with forked_pool(workers, _init_parse, (config, urls, profile_ids, parsed)) as pool:
        return list(pool.map(_parse_job, jobs, chunksize=CHUNK))


def _init_markdown(raw_html: bool) -> None:
    _WORKER["md"] = create_markdown(raw_html)


def _render_body_job(job: tuple[BodySource, BodyContext]) -> tuple[RenderedBody, bool]:
    return render_source(_WORKER["md"], *job)


def render_bodies_parallel(
    raw_html: bool, jobs: Sequence[tuple[BodySource, BodyContext]], workers: int
) -> list[tuple[RenderedBody, bool]]:
    """Markdown bodies read and rendered across `workers` processes, in order."""
    if workers <= 1 or len(jobs) < MIN_PARALLEL or not can_fork():
        return render_all(create_markdown(raw_html), jobs)
    with forked_pool(workers, _init_markdown, (raw_html,)) as pool:
        return list(pool.map(_render_body_job, jobs, chunksize=CHUNK))


def release_free_memory() -> None:
    """Hand the memory the allocator keeps after frees back to the system (glibc's malloc_trim; elsewhere
    nothing). After the parse and Markdown passes that was 150 of the 510 MB a 10,000-article build held."""
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the process's own symbols: libc's, when it is glibc
    except (OSError, AttributeError):
        return
    trim(0)


@contextmanager
def forked_pool(workers: int, initializer: Callable[..., None], initargs: tuple) -> Iterator[ProcessPoolExecutor]:
    """A pool of forked workers. Each freezes what it inherited before anything else (`orphans.start_worker`):
    otherwise its collector would touch (and so copy) every page of the parent's heap. The parent freezes
    nothing for them: unfreezing afterwards would hand the preview's next collection every object its earlier
    builds had frozen (0.45 s of a title edit at 10,000 articles). Free memory goes back to the system first,
    so the children do not start out holding it too. Each worker ends when this process does, even by SIGKILL:
    a killed build leaves no process behind."""

    release_free_memory()
    context = multiprocessing.get_context("fork")
    tied = (os.getpid(), initializer, *initargs)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=start_worker, initargs=tied) as pool:
        yield pool

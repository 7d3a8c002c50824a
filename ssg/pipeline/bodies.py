"""Article and page bodies for the build: the context each is rendered with, its cache key, where its Markdown
is read (an article's from its file, where it is rendered), and rendering what the cache lacks."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from ssg.config import SiteConfig
from ssg.markdown import BodyContext, RenderedBody, render_body
from ssg.markdown.context import ClaimInfo, claim_info
from ssg.model.types import Actor, Article, Page, evolve
from ssg.pipeline.reuse.cache import ContentCache, digest
from ssg.pipeline.reuse.memo import BodyPlan, LoadMemo, same_records
from ssg.source import split_source
from ssg.urls import Urls

BodyRenderer = Callable[[list[tuple["BodySource", BodyContext]]], list[tuple[RenderedBody, bool]]]


def contexts_and_keys(
    items: list[Any],
    actors: dict[str, Actor],
    profiled: frozenset[str],
    file_keys: dict[str, str],
    config: SiteConfig,
    urls: Urls,
    memo: LoadMemo,
) -> tuple[list[BodyContext], list[str]]:
    """Each body's context and key. A body's key is its file's key (the body, its claims and reviews) and the
    context without what the file gave: hashing every body again on each rebuild cost more than the rest."""
    contexts, keys = [], []
    profiled_key = profiled_digest(profiled)
    for item in items:
        people = [actors.get(entry.id) for entry in getattr(item, "people", ())]
        people += [actors.get(claim.speaker_id) for claim in getattr(item, "claims", ())]  # their names show
        inputs = (item, *people) if isinstance(item, Article) else (item, *actors.values())
        known = memo.bodies.get(item.key)
        if (
            known is not None
            and same_records(known.inputs, inputs)
            and known.context.profiled_digest == profiled_key
            and known.file_key == file_keys[item.key]  # the same record may stand for a new text (a body edit)
        ):
            context, key = known.context, known.body_key
        else:
            if isinstance(item, Article):
                context = body_context(item, actors, profiled, config, urls)
            else:
                context = page_context(item, actors, urls)
            key = body_key(file_keys[item.key], context, config.raw_html)
            memo.bodies[item.key] = BodyPlan(inputs, context, key, file_keys[item.key])
        contexts.append(context)
        keys.append(key)
    return contexts, keys


def body_key(file_key: str, context: BodyContext, raw_html: bool) -> str:
    """The cache key of a rendered body: its file's key and what else it is rendered with (of its claims, what
    the file does not give: the speakers' names and the verdicts' labels their notes show)."""
    shown = sorted((claim_id, info.speaker_name, info.verdict_label) for claim_id, info in context.claims.items())
    return digest("body", file_key, evolve(context, claims={}), shown, raw_html)


@dataclass(frozen=True, slots=True)
class BodyFile:
    """An article's body, read from its file where it is rendered (a worker), so the build never holds the
    Markdown of every article. `file_key` is the key its record was parsed under, to detect a file that was
    saved again in between."""

    path: Path
    rel_path: str
    salt: str
    file_key: str


BodySource = str | BodyFile  # a page's Markdown (pages are few), or where an article's is


def body_text(source: BodySource) -> tuple[str, bool]:
    """The Markdown of a body, and whether it is the text its record came from (False: the file changed since,
    so what is rendered from it must not be cached under the old key; the next build parses it again)."""
    if isinstance(source, str):
        return source, True
    try:
        text = source.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "", False
    _, _, body, _ = split_source(text)
    return body, digest("file", source.rel_path, text, source.salt) == source.file_key


def render_cached(
    source: Callable[[int], BodySource],
    contexts: list[BodyContext],
    keys: list[str],
    cache: ContentCache,
    render_bodies: BodyRenderer,
) -> list[RenderedBody]:
    """Every body rendered, reusing those whose key (text and context) is unchanged since an earlier build;
    `source(i)` says where the i-th body's Markdown is."""
    bodies: list[RenderedBody | None] = [cache.get(cache.bodies, key) for key in keys]
    missing = [i for i, body in enumerate(bodies) if body is None]
    rendered = render_bodies([(source(i), contexts[i]) for i in missing])
    for index, (body, current) in zip(missing, rendered, strict=True):
        bodies[index] = body
        if current:
            cache.put(cache.bodies, keys[index], body)
    return bodies  # type: ignore[return-value]


def render_all(md: MarkdownIt, jobs: Iterable[tuple[BodySource, BodyContext]]) -> list[tuple[RenderedBody, bool]]:
    """Render bodies in this process (the parallel build hands the same jobs to workers)."""
    return [render_source(md, source, context) for source, context in jobs]


def render_source(md: MarkdownIt, source: BodySource, context: BodyContext) -> tuple[RenderedBody, bool]:
    text, current = body_text(source)
    return render_body(md, text, context), current


def page_context(page: Page, actors: dict[str, Actor], urls: Urls) -> BodyContext:
    """A standalone page may mention any actor; it has no claims and no autolink."""
    profiled = frozenset(actors)
    return BodyContext(
        page.key,
        page.body_line,
        urls.url("/actors/"),
        urls.base_path,
        profiled=profiled,
        profiled_digest=profiled_digest(profiled),
    )


@functools.lru_cache(maxsize=4)
def profiled_digest(profiled: frozenset[str]) -> str:
    return digest(sorted(profiled))


def body_context(
    article: Article, actors: dict[str, Actor], profiled: frozenset[str], config: SiteConfig, urls: Urls
) -> BodyContext:
    """What one article's body may refer to: its declared actors (with merged names, SPEC §5) and claims."""
    names = tuple((name, entry.id) for entry in article.people if entry.id in actors for name in actors[entry.id].names)
    return BodyContext(
        rel_path=article.key,
        body_line=article.body_line,
        actor_url_prefix=urls.url("/actors/"),
        base_path=urls.base_path,
        declared=tuple(sorted(entry.id for entry in article.people)),
        profiled=profiled,
        profiled_digest=profiled_digest(profiled),
        names=names,
        claims={claim_id: ClaimInfo(None, None) for claim_id in article.broken_claims}
        | {c.id: claim_info(c, actors, config) for c in article.claims},
        autolink=config.autolink,
    )

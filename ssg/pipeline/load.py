"""Content on disk -> the linked Site: read, validate, merge actors, render Markdown, link (zola's order).

Each stage adds to the Report and goes on with what is valid, so one run reports every error. The bodies' own
part (their contexts, cache keys, where their Markdown is read) is pipeline/bodies.py.
"""

from __future__ import annotations

import posixpath
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from ssg.config import SiteConfig
from ssg.errors import Diagnostic, Report
from ssg.markdown import RenderedBody, create_markdown, render_plain
from ssg.model.content import parse_article, parse_page, parse_profile
from ssg.model.link import check_actor_ids, check_paths
from ssg.model.types import Actor, Article, Profile, Site, evolve, fingerprint
from ssg.pipeline.bodies import BodyFile, BodyRenderer, BodySource, contexts_and_keys, render_all, render_cached
from ssg.pipeline.reuse.cache import ContentCache, digest
from ssg.pipeline.reuse.memo import ActorWithBio, ArticleWithBody, LoadMemo, link_site, merge_actors
from ssg.source import ContentFiles, SourceDoc, discover_content, parse_source, read_text
from ssg.urls import Urls

ParseResult = tuple[Any, tuple[Diagnostic, ...]]
ParseMany = Callable[[list[tuple[Path, str, str]]], list["ReadResult"]]  # jobs: (path, rel_path, salt)
ArticleParser = Callable[[list[tuple[Path, str, str]], SiteConfig, Urls, set[str], dict], list["ReadResult"]]


@dataclass(frozen=True, slots=True)
class LoadedSite:
    """The result of loading: the Site, and the body links kept for `ssg check`."""

    site: Site
    files: ContentFiles
    links: tuple[tuple[str, str, str, int, int], ...]  # (source rel_path, page site path, href, line, col)
    profile_ids: frozenset[str] = frozenset()  # the actors with a profile (articles are parsed knowing them)
    drafts_left_out: int = 0  # articles and pages marked draft, not built (SPEC §7: the build says how many)


def load_site(
    site_dir: Path,
    config: SiteConfig,
    report: Report,
    drafts: bool = False,
    cache: ContentCache | None = None,
    render_bodies: BodyRenderer | None = None,
    parse_articles: ArticleParser | None = None,
    memo: LoadMemo | None = None,
    stamps: dict[str, tuple[int, int]] | None = None,
    files: ContentFiles | None = None,
) -> LoadedSite | None:
    """Read content/ and build the Site; None when the content has errors (all of them in `report`).

    Files and bodies found in `cache` (by content digest) are reused; new results are added to it. `stamps`
    (size and mtime by rel_path, taken before this build read anything) saves statting each file again;
    `files` (the last listing, when the caller knows no file was added or removed) saves walking content/.
    """
    cache = cache if cache is not None else ContentCache()
    memo = memo if memo is not None else LoadMemo()
    urls = Urls(config.base_url, config.permalink)
    files = files if files is not None else discover_content(site_dir)
    for rel_path in files.outside_links:  # security.md
        report.error(rel_path, 0, 0, "refused: a symlink that leads outside the site folder (copy the file in)")
    for _, rel_path in files.ignored:
        report.warning(rel_path, 0, 0, "ignored: Markdown here is neither an article, an actor profile nor a page")
    reader = FileReader(cache, report, digest(config), stamps)
    profiles: dict[str, Profile] = {
        p.id: p for p in reader.read_all(files.profiles, lambda doc, r: parse_profile(doc, Path(doc.rel_path).stem, r))
    }
    profile_ids = set(profiles)
    reader.salt = digest(config, sorted(profile_ids))
    many = (lambda jobs: parse_articles(jobs, config, urls, profile_ids, cache.parsed)) if parse_articles else None
    articles = reader.read_all(files.articles, article_parser(config, urls, profile_ids), not drafts, many)
    pages = reader.read_all(files.pages, lambda doc, r: parse_page(doc, urls, r), skip_drafts=not drafts)
    check_paths(articles, pages, report)
    check_actor_ids(profiles, articles, report)
    actors = merge_actors(profiles, articles, urls, report, memo)
    md = create_markdown(config.raw_html)
    items = [*articles, *pages]
    contexts, keys = contexts_and_keys(items, actors, frozenset(profiles), reader.keys, config, urls, memo)
    renderer = render_bodies or (lambda jobs: render_all(md, jobs))
    bodies = render_cached(lambda i: body_source(items[i], site_dir, reader), contexts, keys, cache, renderer)
    links: list[tuple[str, str, str, int, int]] = []
    for item, body in zip(items, bodies, strict=True):
        report.extend(body.diagnostics)
        links.extend((item.key, item.path, href, line, col) for href, line, col in body.links)
    rendered_articles = [
        with_body(a, b, k, report, cache, memo) for a, b, k in zip(articles, bodies, keys, strict=False)
    ]
    rendered_pages = [
        evolve(p, body_html=b.html, fingerprint=k)
        for p, b, k in zip(pages, bodies[len(articles) :], keys[len(articles) :], strict=True)
    ]
    actors = {i: with_bio(a, md, cache, memo) for i, a in actors.items()}
    if report.has_errors:
        return None
    site = link_site(config, urls, rendered_articles, actors, rendered_pages, memo)
    return LoadedSite(site, files, tuple(links), frozenset(profile_ids), reader.drafts_left_out)


class FileReader:
    """Reads content files, or takes their parsed records from the cache when their text is unchanged."""

    def __init__(self, cache: ContentCache, report: Report, salt: str, stamps: dict | None = None):
        self.cache = cache
        self.stamps = stamps if stamps is not None else {}
        self.report = report
        self.salt = salt  # what else the parse depends on: the config, the set of profiles
        self.keys: dict[str, str] = {}  # rel_path -> the key its record is cached under
        self.salts: dict[str, str] = {}  # rel_path -> the salt of that key
        self.drafts_left_out = 0

    def read_all(
        self,
        files: Iterable[tuple[Path, str]],
        parse: Callable[[SourceDoc, Report], Any],
        skip_drafts: bool = False,
        parse_many: ParseMany | None = None,
    ) -> list[Any]:
        """The records of `files` in order. Files whose stamp is as at their last read are not read again;
        the others are read, keyed and, unless their text is cached, parsed (by `parse_many`, in workers,
        when given: reading 10,000 files took longer than parsing them on one core)."""
        unread: list[tuple[Path, str]] = []
        for path, rel_path in files:
            self.salts[rel_path] = self.salt
            known = self.unchanged_key(path, rel_path)
            if known is not None:  # same size and mtime as at the last read, and parsed then: not read again
                self.keys[rel_path] = known
            else:
                unread.append((path, rel_path))
        stamps = [self.stamp_or_none(path, rel_path) for path, rel_path in unread]  # before reading: a later save
        jobs = [(path, rel_path, self.salt) for path, rel_path in unread]  # is read again next time
        if parse_many is not None:
            results = parse_many(jobs)
        else:
            results = [read_and_parse(*job, parse, self.cache.parsed) for job in jobs]
        for (_, rel_path), stamp, (key, parsed, problems) in zip(unread, stamps, results, strict=True):
            self.report.extend(problems)
            if key is None:
                continue  # unreadable: reported
            self.keys[rel_path] = key
            if stamp is not None:
                self.cache.stats[rel_path] = (stamp, self.salt, key)
            if parsed is not None:  # a new stamp alone does not rewrite the cache: saved with the next change
                self.cache.put(self.cache.parsed, key, parsed)
        records = []
        for _, rel_path in files:
            if rel_path not in self.keys:
                continue
            record, diagnostics = self.cache.get(self.cache.parsed, self.keys[rel_path])
            if skip_drafts and record is not None and record.draft:
                self.drafts_left_out += 1
                continue  # a draft's problems count only when drafts are built
            self.report.extend(diagnostics)
            if record is not None:
                records.append(record)
        return records

    def stamp_or_none(self, path: Path, rel_path: str) -> tuple[int, int] | None:
        try:
            return self.stamp(path, rel_path)
        except OSError:
            return None

    def unchanged_key(self, path: Path, rel_path: str) -> str | None:
        """The cache key of a file whose stamp (size, mtime) and salt are as when it was last read."""
        known = self.cache.stats.get(rel_path)
        if known is None or known[1] != self.salt or known[2] not in self.cache.parsed:
            return None
        try:
            stamp = self.stamp(path, rel_path)
        except OSError:
            return None
        return known[2] if stamp == known[0] else None

    def stamp(self, path: Path, rel_path: str) -> tuple[int, int]:
        known = self.stamps.get(rel_path)
        return known if known is not None else file_stamp(path)


def file_stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


ReadResult = tuple[str | None, "ParseResult | None", tuple[Diagnostic, ...]]


def read_and_parse(
    path: Path, rel_path: str, salt: str, parse: Callable[[SourceDoc, Report], Any], parsed: dict[str, Any]
) -> ReadResult:
    """One file read and keyed: (its key, its record and diagnostics unless `parsed` has that key, why it could
    not be read); the key None when it could not be."""
    report = Report()
    text = read_text(path, rel_path, report)
    if text is None:
        return None, None, tuple(report.diagnostics)
    key = digest("file", rel_path, text, salt)
    return key, None if key in parsed else parse_text(path, rel_path, text, parse), ()


def parse_text(
    path: Path, rel_path: str, text: str, parse: Callable[[SourceDoc, Report], Any]
) -> tuple[Any, tuple[Diagnostic, ...]]:
    """One file's record (or None) and its diagnostics."""
    report = Report()
    doc = parse_source(text, rel_path, path, report)
    record = parse(doc, report) if doc is not None else None
    return record, tuple(report.diagnostics)


def article_parser(config: SiteConfig, urls: Urls, profile_ids: set[str]) -> Callable[[SourceDoc, Report], Any]:
    return lambda doc, report: parse_article(doc, config, urls, profile_ids, report)


def body_source(item: Any, site_dir: Path, reader: FileReader) -> BodySource:
    if not isinstance(item, Article):
        return item.body
    return BodyFile(site_dir / item.key, item.key, reader.salts[item.key], reader.keys[item.key])


def with_body(
    article: Article, body: RenderedBody, key: str, report: Report, cache: ContentCache, memo: LoadMemo
) -> Article:
    """The article with its rendered body, reviews and summary; `key` digests the file and body it came from."""
    known = memo.articles.get(article.key)
    if known is not None and known.article is article and known.body is body:
        report.extend(known.diagnostics)
        return known.rendered
    own = Report()
    rendered = article_with_body(article, body, key, own, cache)
    memo.articles[article.key] = ArticleWithBody(article, body, rendered, tuple(own.diagnostics))
    report.extend(own.diagnostics)
    return rendered


def article_with_body(article: Article, body: RenderedBody, key: str, report: Report, cache: ContentCache) -> Article:
    for claim in article.claims:
        if claim.quote and claim.id not in body.marked_claims:
            report.warning(
                article.key, claim.line, claim.col, f"the quote of claim '{claim.id}' is not found in the body"
            )
    claims = tuple(evolve(c, review_html=body.reviews[c.id]) if c.id in body.reviews else c for c in article.claims)
    summary = article.summary or body.summary
    listing = cache.get(cache.derived, key)
    if listing is None:  # what lists show: a body-only edit leaves it alone, so the indexes need no new render
        fields = (article.key, article.title, article.path, article.date, article.updated, summary, article.tags)
        listing = fingerprint(fields, article.source, article.claims, sorted(body.mentions))
        cache.put(cache.derived, key, listing)
    return evolve(
        article,
        fingerprint=key,
        listing_fingerprint=listing,
        body_utf8=body.html_utf8,
        mentions=body.mentions,
        marked_claims=body.marked_claims,
        summary=summary,
        claims=claims,
    )


def with_bio(actor: Actor, md: MarkdownIt, cache: ContentCache, memo: LoadMemo) -> Actor:
    """The actor with its biography as HTML (cached by its text) and the fingerprint of the merged record."""
    known = memo.bios.get(actor.id)
    if known is not None and known.merged is actor:
        return known.result
    bio_html = ""
    if actor.bio.strip():
        key = digest("bio", actor.bio, md.options.get("html"))
        bio_html = cache.get(cache.derived, key)
        if bio_html is None:
            bio_html = render_plain(md, actor.bio)
            cache.put(cache.derived, key, bio_html)
    merged = evolve(actor, bio_html=bio_html)
    card = evolve(merged, bio="", bio_html="", roles=())
    # interned: an equal fingerprint is the same object, so the identity memos of page digests still hold
    result = evolve(merged, fingerprint=sys.intern(fingerprint(merged)), card_fingerprint=sys.intern(fingerprint(card)))
    memo.bios[actor.id] = ActorWithBio(actor, result)
    return result


def asset_site_path(rel_path: str, bundles: dict[str, str]) -> str:
    """Where a non-Markdown file under content/ goes (SPEC §1): beside its article's page in a page bundle,
    else at the same place under the site root (content/actors/x.jpg -> /actors/x.jpg, pages/ -> /)."""
    folder = posixpath.dirname(rel_path)
    while folder and folder != "content":
        if folder in bundles:
            return bundles[folder] + rel_path[len(folder) + 1 :]
        folder = posixpath.dirname(folder)
    inner = rel_path.removeprefix("content/")
    return "/" + inner.removeprefix("pages/")

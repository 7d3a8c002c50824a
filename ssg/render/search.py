"""What the search index holds (SPEC §6, `/pagefind/`): one small HTML document per article, actor and page,
made from the model (not from the rendered pages, which carry navigation, lists and JSON-LD that would only
add noise and seconds), in the shape Pagefind reads.

- An article: its title, summary, byline, body, and each claim as a section headed by an element with the
  claim's anchor id, so a search for a quote or paraphrase leads to `<article URL>#claim-<id>` (Pagefind's
  sub-results). Filters: the actors in it, its claims' verdicts, its tags.
- An actor: name, aliases and role weighted above the biography, so a search for an alias finds the actor first.
- A standalone page: its title and body.

Every document has the filter "kind" (Article, Actor, Page). Documents sit at the site path of the page they
stand for (`articles/<slug>/index.html`), so Pagefind gives each result that page's URL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

from ssg.model.types import Actor, Article, Claim, Page, Site


@dataclass(frozen=True, slots=True)
class SearchDocument:
    rel_path: str  # where Pagefind finds it: the page's own output path
    html: str


SearchEntry = Article | Actor | Page


def search_entries(site: Site) -> Iterator[SearchEntry]:
    """What the index holds, in a fixed order (articles newest first, actors A–Z, pages)."""
    yield from site.articles
    yield from site.actors.values()
    yield from site.pages


def search_document(site: Site, entry: SearchEntry) -> SearchDocument:
    """The document Pagefind indexes for an entry."""
    return SearchDocument(rel_path(entry.path), entry_document(site, entry, body_of(entry)))


def document_digest(site: Site, entry: SearchEntry) -> tuple[str, bytes]:
    """An entry's document's rel path and a digest of it, where an article's or page's body is stood for by
    its record's `fingerprint`: the key its rendered body is cached under, which names that HTML (the file it
    came from and what it was rendered with). Laying out the documents of 10,000 articles then no longer
    decodes every body from UTF-8 and copies it into a document (106 MB; pipeline/search.py: `shard_layout`,
    0.45 -> 0.28 s). An actor's biography is short: it is digested as it is."""
    if isinstance(entry, Actor) or not entry.fingerprint:  # a record made outside a build may have none
        body = body_of(entry)
    else:
        body = f"(the body cached as {entry.fingerprint})"
    text = entry_document(site, entry, body)
    return rel_path(entry.path), hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def body_of(entry: SearchEntry) -> str:
    """The HTML of an entry's body (an actor's biography)."""
    return entry.bio_html if isinstance(entry, Actor) else entry.body_html


def entry_document(site: Site, entry: SearchEntry, body_html: str) -> str:
    language = escape(site.config.language)
    if isinstance(entry, Article):
        body = article_body(site, entry, body_html)
    elif isinstance(entry, Actor):
        body = actor_body(entry, body_html)
    else:
        body = page_body(entry, body_html)
    return document(language, body)


def rel_path(site_path: str) -> str:
    return site_path.strip("/") + "/index.html" if site_path.strip("/") else "index.html"


def document(language: str, body: str) -> str:
    return f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"></head><body>{body}</body></html>\n'


def filters(name: str, values: Iterator[str] | tuple[str, ...] | list[str]) -> str:
    return "".join(f'<span data-pagefind-filter="{name}">{escape(v)}</span>' for v in values)


def article_body(site: Site, article: Article, body_html: str) -> str:
    actors = [site.actors[i].name for i in article.actor_ids if i in site.actors]
    verdicts = dict.fromkeys(v.label for c in article.claims if (v := site.verdict(c.verdict_id)) is not None)
    byline = f"<p>By {escape(', '.join(article.authors))}</p>" if article.authors else ""
    summary = f"<p>{escape(article.summary)}</p>" if article.summary else ""
    claims = "".join(claim_section(site, claim) for claim in article.claims)
    return (
        f'<h1 data-pagefind-meta="title">{escape(article.title)}</h1>'
        f"{summary}{byline}<div>{body_html}</div>{claims}"
        f'<div data-pagefind-ignore><span data-pagefind-meta="date:{article.date.isoformat()[:10]}"></span>'
        f"{filters('kind', ['Article'])}{filters('actor', actors)}"
        f"{filters('verdict', list(verdicts))}{filters('tag', article.tags)}</div>"
    )


def claim_section(site: Site, claim: Claim) -> str:
    speaker = site.actors[claim.speaker_id].name if claim.speaker_id in site.actors else claim.speaker_id
    words = f"“{claim.quote}”" if claim.quote is not None else claim.text or ""
    verdict = site.verdict(claim.verdict_id)
    rating = f"<p>Verdict: {escape(verdict.label)}</p>" if verdict else ""
    review = f"<p>{escape(claim.review)}</p>" if claim.review else ""
    return f'<h2 id="{claim.anchor}">{escape(speaker)}: {escape(words)}</h2>{rating}{review}'


def actor_body(actor: Actor, bio_html: str) -> str:
    aliases = f"<p>Also known as {escape(', '.join(actor.aliases))}</p>" if actor.aliases else ""
    role = f"<p>{escape(actor.role)}</p>" if actor.role else ""
    return (
        f'<div data-pagefind-weight="10"><h1 data-pagefind-meta="title">{escape(actor.name)}</h1>{aliases}{role}'
        f"</div><div>{bio_html}</div>"
        f"<div data-pagefind-ignore>{filters('kind', ['Actor'])}{filters('actor', [actor.name])}</div>"
    )


def page_body(page: Page, body_html: str) -> str:
    return (
        f'<h1 data-pagefind-meta="title">{escape(page.title)}</h1><div>{body_html}</div>'
        f"<div data-pagefind-ignore>{filters('kind', ['Page'])}</div>"
    )

"""Merge actors (SPEC §5) and link the site: every cross-reference computed once, in one pass each."""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import chain

from ssg.config import SiteConfig
from ssg.errors import Report
from ssg.model.types import Actor, ActorEntry, Article, Claim, Page, Profile, RoleReport, Site, Tag, evolve, sort_key
from ssg.urls import Urls

RESERVED_PATHS = (
    "/actors/",
    "/claims/",
    "/tags/",
    "/page/",
    "/data/",
    "/static/",
    "/verdicts/",
    "/corrections/",
    "/search/",
    "/pagefind/",
)
RESERVED_ACTOR_IDS = ("network",)  # /actors/network/ is the site's picture of who appears with whom (SPEC §6)


def oldest_first(articles: Iterable[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: a.sort_key)


def actor_entries(articles: Sequence[Article]) -> dict[str, list[tuple[Article, ActorEntry]]]:
    """Each actor id's declarations, oldest article first (the most recent wins a field, SPEC §5)."""
    entries: dict[str, list[tuple[Article, ActorEntry]]] = defaultdict(list)
    for article in oldest_first(articles):
        for entry in article.people:
            entries[entry.id].append((article, entry))
    return entries


def merge_actors(
    profiles: dict[str, Profile], articles: Sequence[Article], urls: Urls, report: Report
) -> dict[str, Actor]:
    """One Actor per id: the profile's fields win; else the most recent article that gives each field."""
    entries = actor_entries(articles)
    actors: dict[str, Actor] = {}
    for actor_id in sorted(set(profiles) | set(entries)):
        actor = merge_actor(actor_id, profiles.get(actor_id), entries.get(actor_id, []), urls, report)
        if actor is not None:
            actors[actor_id] = actor
    return actors


def merge_actor(
    actor_id: str,
    profile: Profile | None,
    entries: list[tuple[Article, ActorEntry]],
    urls: Urls,
    report: Report,
) -> Actor | None:
    def latest(field: str) -> tuple[Article, ActorEntry, str] | None:
        for article, entry in reversed(entries):
            value = getattr(entry, field)
            if value:
                return article, entry, value
        return None

    named = [(a, e) for a, e in entries if e.name]
    names = {e.name for _, e in named}
    if len(names) > 1 and not (profile and profile.name):
        newest_article, newest_entry = named[-1]
        files = ", ".join(f"'{e.name}' in {a.key}" for a, e in named)
        report.warning(
            newest_article.key,
            newest_entry.line,
            newest_entry.col,
            f"actor '{actor_id}' is named differently by its articles: {files}; using the most recent",
        )
    name = (profile.name if profile else None) or (named[-1][1].name if named else None)
    if name is None:
        if profile is not None:
            report.error(profile.key, profile.line, 1, f"actor '{actor_id}' has no name: add 'name:' to its profile")
        return None

    def pick(field: str) -> str | None:
        value = getattr(profile, field) if profile else None
        if value:
            return value
        found = latest(field)
        return found[2] if found else None

    alias_lists = [profile.aliases if profile else ()] + [e.aliases for _, e in entries]
    aliases = tuple(dict.fromkeys(a for aliases in alias_lists for a in aliases if a != name))
    roles = tuple(
        RoleReport(article.date, entry.role, article.key, article.title, article.path)
        for article, entry in entries
        if entry.role
    )
    image = pick("image")
    if image:  # a profile's files sit in /actors/, an article's in its own folder (a page bundle)
        found = None if profile and profile.image else latest("image")
        image = resolve_asset(image, found[0].path if found else "/actors/")
    return Actor(
        id=actor_id,
        name=name,
        type=pick("type") or "person",
        role=pick("role"),
        aliases=aliases,
        wikidata=pick("wikidata"),
        image=image,
        url=pick("url"),
        path=urls.actor_path(actor_id),
        profile_key=profile.key if profile else None,
        bio=profile.body if profile else "",
        roles=roles,
        sort_name=profile.sort_name if profile else None,
    )


def resolve_asset(ref: str, base_dir: str) -> str:
    """A file named in front matter: absolute URLs stay, others become site paths beside their source."""
    if "://" in ref or ref.startswith("/"):
        return ref
    return posixpath.normpath(posixpath.join(base_dir, ref))


def check_actor_ids(profiles: dict[str, Profile], articles: Sequence[Article], report: Report) -> None:
    """An actor id must not take a URL the site makes itself under /actors/ (SPEC §6: /actors/network/)."""
    for actor_id in RESERVED_ACTOR_IDS:
        if actor_id in profiles:
            report.error(profiles[actor_id].key, 1, 1, f"the actor id '{actor_id}' is reserved (rename the file)")
        for article in articles:
            for entry in article.people:
                if entry.id == actor_id:
                    report.error(
                        article.key, entry.line, entry.col, f"the actor id '{actor_id}' is reserved (choose another)"
                    )


def check_paths(articles: Sequence[Article], pages: Sequence[Page], report: Report) -> None:
    """Two sources must not claim one URL, nor a URL the site generates itself."""
    owners: dict[str, str] = {}
    for item in [*(a for a in articles if a.complete), *pages]:
        path = item.path
        reserved = next((r for r in RESERVED_PATHS if path == r or path.startswith(r)), None)
        if reserved is not None or path == "/":
            report.error(item.key, 1, 1, f"the URL {path} is reserved for the site's own pages (change slug)")
        elif path in owners:
            report.error(item.key, 1, 1, f"the URL {path} is also the URL of {owners[path]} (change slug)")
        else:
            owners[path] = item.key


def link_site(
    config: SiteConfig, urls: Urls, articles: Sequence[Article], actors: dict[str, Actor], pages: Sequence[Page]
) -> Site:
    """The frozen Site: appearances, claims by and about each actor, co-appearances, tags, roles."""
    linked = [with_appearances(a, actors) for a in newest_first(articles)]
    claims = all_claims(linked)
    links = ActorLinks.of(linked, claims)
    verdict_ids = [v.id for v in config.verdicts]
    linked_actors = {a.id: link_actor(a, links, actors, verdict_ids) for a in by_name(actors)}
    return assemble_site(config, urls, linked, claims, linked_actors, pages)


def newest_first(articles: Iterable[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: a.sort_key, reverse=True)


def all_claims(linked: Sequence[Article]) -> list[Claim]:
    """Every claim, newest first by the claim's date (SPEC §6), in article order within a day."""
    claims = sorted((c for a in linked for c in a.claims), key=lambda c: (c.article_key, c.line))
    claims.sort(key=lambda c: sort_key(c.date), reverse=True)
    return claims


def by_name(actors: dict[str, Actor]) -> list[Actor]:
    """A–Z by name (then id)."""
    return sorted(actors.values(), key=lambda a: (a.name.casefold(), a.id))


class ActorLinks:
    """Who appears where and who said what about whom: the cross-references of each actor, by id."""

    def __init__(self) -> None:
        self.appearances: dict[str, list[Article]] = defaultdict(list)
        self.claims_by: dict[str, list[Claim]] = defaultdict(list)
        self.claims_about: dict[str, list[Claim]] = defaultdict(list)

    @classmethod
    def of(cls, linked: Sequence[Article], claims: Sequence[Claim]) -> ActorLinks:
        links = cls()
        for article in linked:
            for actor_id in article.actor_ids:
                links.appearances[actor_id].append(article)
        for claim in claims:
            links.claims_by[claim.speaker_id].append(claim)
            for actor_id in claim.about_ids:
                links.claims_about[actor_id].append(claim)
        return links

    def inputs(self, actor: Actor) -> tuple:
        """Everything one actor's links are made from (with the names of the others, which rank co-actors)."""
        return (
            actor,
            *self.appearances.get(actor.id, ()),
            None,
            *self.claims_by.get(actor.id, ()),
            None,
            *self.claims_about.get(actor.id, ()),
        )


def link_actor(actor: Actor, links: ActorLinks, actors: dict[str, Actor], verdict_ids: list[str]) -> Actor:
    """The actor with its articles, claims by and about it, co-actors ranked by shared articles (then by name)
    and verdict counts."""
    seen = links.appearances.get(actor.id, [])
    said = links.claims_by.get(actor.id, [])
    co_counts = Counter(chain.from_iterable(article.actor_ids for article in seen))  # counted in C
    del co_counts[actor.id]  # each article names its actor once: the count of itself goes
    counts = Counter(c.verdict_id for c in said if c.verdict_id)
    return evolve(
        actor,
        article_keys=tuple(a.key for a in seen),
        claims_by=tuple(said),
        claims_about=tuple(links.claims_about.get(actor.id, [])),
        co_actors=tuple(
            sorted(co_counts.items(), key=lambda item: (-item[1], actors[item[0]].name.casefold(), item[0]))
        ),
        verdict_counts=tuple((v, counts[v]) for v in verdict_ids if counts[v]),
    )


def assemble_site(
    config: SiteConfig,
    urls: Urls,
    linked: Sequence[Article],
    claims: Sequence[Claim],
    actors: dict[str, Actor],
    pages: Sequence[Page],
) -> Site:
    """The Site of linked articles (newest first) and actors (A–Z), with tags and pages."""
    tag_keys: dict[str, list[str]] = defaultdict(list)
    for article in linked:
        for tag in article.tags:
            tag_keys[tag].append(article.key)
    tags = {tag: Tag(tag, urls.tag_path(tag), tuple(tag_keys[tag])) for tag in sorted(tag_keys)}
    return Site(
        config=config,
        urls=urls,
        articles=tuple(linked),
        actors=actors,
        claims=tuple(claims),
        tags=tags,
        pages=tuple(sorted(pages, key=lambda p: (p.weight, p.title.casefold(), p.key))),
        articles_by_key={a.key: a for a in linked},
        claims_by_verdict=claims_by_verdict(config, claims),
    )


def claims_by_verdict(config: SiteConfig, claims: Sequence[Claim]) -> dict[str, tuple[Claim, ...]]:
    """Each verdict's claims, newest first, in scale order (every verdict, even with none); "" the unrated ones:
    the lists /verdicts/<id>/ page through (SPEC §6)."""
    found: dict[str, list[Claim]] = {v.id: [] for v in config.verdicts}
    found[""] = []
    for claim in claims:
        found.setdefault(claim.verdict_id or "", []).append(claim)
    return {verdict_id: tuple(items) for verdict_id, items in found.items()}


def with_appearances(article: Article, actors: dict[str, Actor]) -> Article:
    return evolve(article, actor_ids=appearance_ids(article, actors))


def appearance_ids(article: Article, actors: dict[str, Actor]) -> tuple[str, ...]:
    """The article's actors: declared in `people`, then mentioned in the body (SPEC glossary: appearance)."""
    ids = [e.id for e in article.people] + list(article.mentions)
    return tuple(actor_id for actor_id in dict.fromkeys(ids) if actor_id in actors)

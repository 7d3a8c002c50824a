"""Merge actors (SPEC §5) and link the site: every cross-reference computed once, in one pass each."""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import chain

from ssg.config import SiteConfig
from ssg.errors import Diagnostic, Report
from ssg.model.types import Actor, ActorEntry, Article, Claim, Page, Profile, RoleReport, Site, Tag, evolve, sort_key
from ssg.urls import Urls

RESERVED_PATHS = ("/actors/", "/claims/", "/tags/", "/page/", "/data/", "/static/")


def oldest_first(articles: Iterable[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: a.sort_key)


MergeMemo = dict[str, tuple[tuple, Actor | None, tuple[Diagnostic, ...]]]


def merge_actors(
    profiles: dict[str, Profile],
    articles: Sequence[Article],
    urls: Urls,
    report: Report,
    memo: MergeMemo | None = None,
) -> dict[str, Actor]:
    """One Actor per id: the profile's fields win; else the most recent article that gives each field.

    `memo` (kept by a long-lived builder) returns the previous Actor when its profile and every article that
    declares it are the very same records as last time: an edit re-merges only the actors it touches."""
    entries: dict[str, list[tuple[Article, ActorEntry]]] = defaultdict(list)
    for article in oldest_first(articles):
        for entry in article.people:
            entries[entry.id].append((article, entry))
    actors: dict[str, Actor] = {}
    for actor_id in sorted(set(profiles) | set(entries)):
        inputs = (profiles.get(actor_id), *(record for pair in entries.get(actor_id, ()) for record in pair))
        known = memo.get(actor_id) if memo is not None else None
        if (
            known is not None
            and len(known[0]) == len(inputs)
            and all(a is b for a, b in zip(known[0], inputs, strict=True))
        ):
            _, actor, diagnostics = known
        else:
            own = Report()
            actor = merge_actor(actor_id, profiles.get(actor_id), entries.get(actor_id, []), urls, own)
            diagnostics = tuple(own.diagnostics)
            if known is not None and known[1] == actor:
                actor = known[1]  # an edit that left this actor as it was: keep the record, so what uses it stays
            if memo is not None:
                memo[actor_id] = (inputs, actor, diagnostics)
        report.extend(diagnostics)
        if actor is not None:
            actors[actor_id] = actor
    if memo is not None:
        for gone in set(memo) - set(profiles) - set(entries):
            del memo[gone]
    return actors


def same_records(known: tuple, inputs: tuple) -> bool:
    """The very same records (identity, not equality: equal-looking records would cost a deep compare)."""
    return len(known) == len(inputs) and all(a is b for a, b in zip(known, inputs, strict=True))


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
    config: SiteConfig,
    urls: Urls,
    articles: Sequence[Article],
    actors: dict[str, Actor],
    pages: Sequence[Page],
    memo: dict[str, tuple[Article, Article]] | None = None,
    actor_memo: dict[str, tuple[tuple, Actor]] | None = None,
) -> Site:
    """The frozen Site: appearances, claims by and about each actor, co-appearances, tags, roles.

    `memo` and `actor_memo` (a long-lived builder's) keep each linked article and actor: the same records with
    the same appearances give the very same linked record as last time, so what is keyed on it is reused too."""
    newest = sorted(articles, key=lambda a: a.sort_key, reverse=True)
    linked = [with_appearances(a, actors, memo) for a in newest]
    claims = sorted((c for a in linked for c in a.claims), key=lambda c: (c.article_key, c.line))
    claims.sort(key=lambda c: sort_key(c.date), reverse=True)  # SPEC §6: newest first by the claim's date
    linked_actors = link_actors(actors, linked, claims, [v.id for v in config.verdicts], actor_memo)

    tag_keys: dict[str, list[str]] = defaultdict(list)
    for article in linked:
        for tag in article.tags:
            tag_keys[tag].append(article.key)
    tags = {tag: Tag(tag, urls.tag_path(tag), tuple(tag_keys[tag])) for tag in sorted(tag_keys)}
    return Site(
        config=config,
        urls=urls,
        articles=tuple(linked),
        actors=linked_actors,
        claims=tuple(claims),
        tags=tags,
        pages=tuple(sorted(pages, key=lambda p: (p.weight, p.title.casefold(), p.key))),
        articles_by_key={a.key: a for a in linked},
    )


ROSTER = ""  # the actor memo's entry for every merged actor (no actor id is empty)


def link_actors(
    actors: dict[str, Actor],
    linked: list[Article],
    claims: list[Claim],
    verdict_ids: list[str],
    memo: dict[str, tuple[tuple, Actor]] | None,
) -> dict[str, Actor]:
    """Each actor with its articles, claims by and about it, co-actors ranked by shared articles (then by name)
    and verdict counts; A–Z by name. An actor whose record, articles and claims are the very objects of last
    time, among actors of the same names (they rank co-actors), is last time's linked actor."""
    appearances: dict[str, list[Article]] = defaultdict(list)
    for article in linked:
        for actor_id in article.actor_ids:
            appearances[actor_id].append(article)
    claims_by: dict[str, list[Claim]] = defaultdict(list)
    claims_about: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        claims_by[claim.speaker_id].append(claim)
        for actor_id in claim.about_ids:
            claims_about[actor_id].append(claim)
    roster = tuple((a.id, a.name) for a in actors.values())  # what ranking co-actors reads of the others
    same_roster = memo is not None and ROSTER in memo and memo[ROSTER][0] == roster
    result = {}
    for actor in sorted(actors.values(), key=lambda a: (a.name.casefold(), a.id)):
        seen, said, about = appearances.get(actor.id, []), claims_by.get(actor.id, []), claims_about.get(actor.id, [])
        inputs = (actor, *seen, None, *said, None, *about)
        known = memo.get(actor.id) if memo is not None else None
        if same_roster and known is not None and same_records(known[0], inputs):
            result[actor.id] = known[1]
            continue
        co_counts = Counter(chain.from_iterable(article.actor_ids for article in seen))  # counted in C
        del co_counts[actor.id]  # each article names its actor once: the count of itself goes
        counts = Counter(c.verdict_id for c in said if c.verdict_id)
        result[actor.id] = evolve(
            actor,
            article_keys=tuple(a.key for a in seen),
            claims_by=tuple(said),
            claims_about=tuple(about),
            co_actors=tuple(
                sorted(co_counts.items(), key=lambda item: (-item[1], actors[item[0]].name.casefold(), item[0]))
            ),
            verdict_counts=tuple((v, counts[v]) for v in verdict_ids if counts[v]),
        )
        if memo is not None:
            memo[actor.id] = (inputs, result[actor.id])
    if memo is not None:
        memo[ROSTER] = (roster, None)  # type: ignore[assignment]
        for gone in set(memo) - set(actors) - {ROSTER}:
            del memo[gone]
    return result


def with_appearances(article: Article, actors: dict[str, Actor], memo: dict | None) -> Article:
    actor_ids = appearance_ids(article, actors)
    known = memo.get(article.key) if memo is not None else None
    if known is not None and known[0] is article and known[1].actor_ids == actor_ids:
        return known[1]
    linked = evolve(article, actor_ids=actor_ids)
    if memo is not None:
        memo[article.key] = (article, linked)
    return linked


def appearance_ids(article: Article, actors: dict[str, Actor]) -> tuple[str, ...]:
    """The article's actors: declared in `people`, then mentioned in the body (SPEC glossary: appearance)."""
    ids = [e.id for e in article.people] + list(article.mentions)
    return tuple(actor_id for actor_id in dict.fromkeys(ids) if actor_id in actors)

"""The paginated claim lists (SPEC §6 "Lists stay light"): /claims/, each verdict's, each actor's claims by and
about them, `claims_per_page` a page, newest first, with their pagination."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ssg.model.types import Claim, Site

Note = Callable[[Any, Any], None]  # (record, field): a read the page's context made for its template


def page_count(items: int, per_page: int) -> int:
    """Pages a list of `items` takes (at least one: an empty list still has its page)."""
    return max(1, -(-items // per_page))


def page_items(items: Sequence[Any], number: int, per_page: int) -> Sequence[Any]:
    """The items on page `number` (from 1) of a list, `per_page` a page."""
    return items[(number - 1) * per_page : number * per_page]


def first_position(number: int, per_page: int) -> int:
    """The position (from 1) in the whole list of the first item on page `number`."""
    return (number - 1) * per_page + 1


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where one page of a list is among its pages: links `rel=prev` / `rel=next` (SPEC §6)."""

    number: int
    count: int
    previous_path: str | None
    next_path: str | None

    @classmethod
    def of(cls, path_of: Callable[[int], str], number: int, count: int) -> Pagination:
        previous_path = path_of(number - 1) if number > 1 else None
        return cls(number, count, previous_path, path_of(number + 1) if number < count else None)


@dataclass(frozen=True, slots=True)
class ClaimPage:
    """One page of a claim list: its claims, its pagination and the whole list's length."""

    claims: tuple[Claim, ...]
    pagination: Pagination
    total: int


def claim_page(claims: Sequence[Claim], per_page: int, number: int, path_of: Callable[[int], str]) -> ClaimPage:
    """Page `number` of `claims` (newest first already)."""
    count = page_count(len(claims), per_page)
    return ClaimPage(tuple(page_items(claims, number, per_page)), Pagination.of(path_of, number, count), len(claims))


def verdict_claims(site: Site, verdict_id: str, note: Note) -> tuple[Claim, ...]:
    """The claims with one verdict, newest first."""
    note(site, ("claims_by_verdict", verdict_id))
    return site.claims_by_verdict.get(verdict_id, ())


def actor_claims(site: Site, actor_id: str, about: bool, note: Note) -> tuple[Claim, ...]:
    """Every claim by (or about) an actor, newest first."""
    field = "claims_about" if about else "claims_by"
    actor = site.actors[actor_id]
    note(actor, field)
    return getattr(actor, field)


def claim_list_paths(site: Site) -> list[tuple[str, str, str, int]]:
    """(kind name, site path, key, number) of every page of every claim list (SPEC §6): /claims/ pages, each
    verdict's pages, and an actor's own lists (claims by, about, articles) when the actor page cannot show them
    all."""
    urls = site.urls
    per_page = site.config.claims_per_page
    found = [("claims", urls.claims_path(n), "", n) for n in range(1, page_count(len(site.claims), per_page) + 1)]
    for verdict in site.config.verdicts:
        pages = page_count(len(site.claims_by_verdict.get(verdict.id, ())), per_page)
        found += [("verdict", urls.verdict_path(verdict.id, n), verdict.id, n) for n in range(1, pages + 1)]
    for actor in site.actors.values():
        for kind, claims, path_of in (
            ("actor_claims", actor.claims_by, urls.actor_claims_path),
            ("actor_about", actor.claims_about, urls.actor_about_path),
            ("actor_articles", actor.article_keys, urls.actor_articles_path),
        ):
            if len(claims) > per_page:
                pages = page_count(len(claims), per_page)
                found += [(kind, path_of(actor.id, n), actor.id, n) for n in range(1, pages + 1)]
    return found

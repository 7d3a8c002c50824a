"""What a long-lived pipeline (`ssg serve`) remembers between builds, by record identity.

A cached file that did not change gives the very same record object as last time, so whatever was made from
the very same objects is the same too: an edit re-merges, re-keys and re-links only what it touched. Each
memo entry is a small frozen record naming what it was made from (`inputs`, compared by identity) and what it
gave. The model's own functions (model/link.py) stay pure; `merge_actors` and `link_site` here compose the
same steps with the memo. A one-shot `ssg build` uses `LoadMemo.forgetful()`, which keeps nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ssg.config import SiteConfig
from ssg.errors import Diagnostic, Report
from ssg.markdown import BodyContext, RenderedBody
from ssg.model.link import (
    ActorLinks,
    actor_entries,
    all_claims,
    appearance_ids,
    assemble_site,
    by_name,
    link_actor,
    merge_actor,
    newest_first,
)
from ssg.model.types import Actor, Article, Page, Profile, Site, evolve
from ssg.urls import Urls


def same_records(known: tuple, inputs: tuple) -> bool:
    """The very same records (identity, not equality: equal-looking records would cost a deep compare)."""
    return len(known) == len(inputs) and all(a is b for a, b in zip(known, inputs, strict=True))


@dataclass(frozen=True, slots=True)
class MergedActor:
    inputs: tuple  # the profile, then each (article, entry) that declares the actor
    actor: Actor | None
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class BodyPlan:
    inputs: tuple  # the item and the merged actors its context names
    context: BodyContext
    body_key: str
    file_key: str  # the same record may stand for a new text (a body edit): the key of the text it came from


@dataclass(frozen=True, slots=True)
class ArticleWithBody:
    article: Article  # the parsed record
    body: RenderedBody
    rendered: Article  # with its body, reviews and summary
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class ActorWithBio:
    merged: Actor
    result: Actor  # with its biography as HTML and its fingerprints


@dataclass(frozen=True, slots=True)
class LinkedArticle:
    rendered: Article
    linked: Article  # with its appearances


@dataclass(frozen=True, slots=True)
class LinkedActor:
    inputs: tuple  # ActorLinks.inputs
    actor: Actor


class Forgetful(dict):
    """A memo table that keeps nothing: for a build that has no next build in the same process."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


@dataclass
class LoadMemo:
    """The memos of loading, by article key or actor id."""

    actors: dict[str, MergedActor] = field(default_factory=dict)
    bodies: dict[str, BodyPlan] = field(default_factory=dict)
    articles: dict[str, ArticleWithBody] = field(default_factory=dict)
    bios: dict[str, ActorWithBio] = field(default_factory=dict)
    linked: dict[str, LinkedArticle] = field(default_factory=dict)
    linked_actors: dict[str, LinkedActor] = field(default_factory=dict)
    roster: list[tuple] = field(default_factory=list)  # the (id, name) of every actor last linked: ranks co-actors

    @classmethod
    def forgetful(cls) -> LoadMemo:
        """A memo for one-shot builds: nothing is kept (it would only hold memory until the process exits)."""
        return cls(**{name: Forgetful() for name in cls.__dataclass_fields__ if name != "roster"})


def merge_actors(
    profiles: dict[str, Profile], articles: Sequence[Article], urls: Urls, report: Report, memo: LoadMemo
) -> dict[str, Actor]:
    """model.link.merge_actors, reusing each actor whose profile and declarations are the very same records; an
    actor merged anew but equal to the old one keeps the old record, so what was keyed on it stays valid."""
    entries = actor_entries(articles)
    actors: dict[str, Actor] = {}
    for actor_id in sorted(set(profiles) | set(entries)):
        profile = profiles.get(actor_id)
        inputs = (profile, *(record for pair in entries.get(actor_id, ()) for record in pair))
        known = memo.actors.get(actor_id)
        if known is not None and same_records(known.inputs, inputs):
            actor, diagnostics = known.actor, known.diagnostics
        else:
            own = Report()
            actor = merge_actor(actor_id, profile, entries.get(actor_id, []), urls, own)
            diagnostics = tuple(own.diagnostics)
            if known is not None and known.actor == actor:
                actor = known.actor
            memo.actors[actor_id] = MergedActor(inputs, actor, diagnostics)
        report.extend(diagnostics)
        if actor is not None:
            actors[actor_id] = actor
    for gone in set(memo.actors) - set(profiles) - set(entries):
        del memo.actors[gone]
    return actors


def link_site(
    config: SiteConfig,
    urls: Urls,
    articles: Sequence[Article],
    actors: dict[str, Actor],
    pages: Sequence[Page],
    memo: LoadMemo,
) -> Site:
    """model.link.link_site, giving the very same linked article or actor as last time when it is made from the
    very same records (among actors of the same names, which rank co-actors)."""
    linked = []
    for article in newest_first(articles):
        actor_ids = appearance_ids(article, actors)
        known = memo.linked.get(article.key)
        if known is not None and known.rendered is article and known.linked.actor_ids == actor_ids:
            linked.append(known.linked)
            continue
        linked.append(evolve(article, actor_ids=actor_ids))
        memo.linked[article.key] = LinkedArticle(article, linked[-1])
    claims = all_claims(linked)
    links = ActorLinks.of(linked, claims)
    verdict_ids = [v.id for v in config.verdicts]
    roster = [(a.id, a.name) for a in actors.values()]
    same_roster = memo.roster == roster
    linked_actors = {}
    for actor in by_name(actors):
        inputs = links.inputs(actor)
        known_actor = memo.linked_actors.get(actor.id)
        if same_roster and known_actor is not None and same_records(known_actor.inputs, inputs):
            linked_actors[actor.id] = known_actor.actor
            continue
        linked_actors[actor.id] = link_actor(actor, links, actors, verdict_ids)
        memo.linked_actors[actor.id] = LinkedActor(inputs, linked_actors[actor.id])
    if not isinstance(memo.linked_actors, Forgetful):
        memo.roster[:] = roster
        for gone in set(memo.linked_actors) - set(actors):
            del memo.linked_actors[gone]
    return assemble_site(config, urls, linked, claims, linked_actors, pages)

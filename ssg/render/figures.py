"""What the pictures show (SPEC §6), taken from the model with every read noted: claims per month, claims per
verdict, who appears with whom. render/pictures.py draws them; the templates print a table of the same numbers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from ssg.model.types import Actor, Claim, Site, day_of
from ssg.render.environment import MONTHS
from ssg.render.lists import Note
from ssg.render.pictures import Column, Edge, Node, Segment

EGO_NEIGHBOURS = 12  # an actor page's picture: the strongest neighbours only
NETWORK_NODES = 60  # /actors/network/: the most connected actors, readable at 5 actors and at 1,000
NETWORK_EDGES = 150  # ... and the strongest edges between them


def month_label(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def claims_per_month(claims: Iterable[Claim], verdict_ids: Sequence[str] | None, note: Note) -> tuple[Column, ...]:
    """One column a month from the first claim's to the last's (empty months too), stacked by verdict in scale
    order then "not rated" when `verdict_ids` is given, else one plain bar."""
    counts: dict[tuple[int, int], Counter[str | None]] = {}
    for claim in claims:
        note(claim, "date")
        day = day_of(claim.date)
        key = (day.year, day.month)
        if verdict_ids is not None:
            note(claim, "verdict_id")
            counts.setdefault(key, Counter())[claim.verdict_id or None] += 1
        else:
            counts.setdefault(key, Counter())[None] += 1
    if not counts:
        return ()
    (year, month), last = min(counts), max(counts)
    columns = []
    order: list[str | None] = [*(verdict_ids or ()), None]
    while (year, month) <= last:
        found = counts.get((year, month), Counter())
        segments = tuple(Segment(v, found[v]) for v in order if found[v])
        columns.append(Column(month_label(year, month), segments))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(columns)


def scorecard(site: Site, actor: Actor, note: Note) -> tuple[tuple[str, Segment], ...]:
    """(label, count) of each verdict the actor's claims got, scale order, then "Not rated"."""
    note(actor, "verdict_counts")
    note(actor, "claims_by")
    rows = [(site.verdict(v).label, Segment(v, n)) for v, n in actor.verdict_counts if site.verdict(v) and n]
    unrated = 0
    for claim in actor.claims_by:
        note(claim, "verdict_id")
        unrated += not claim.verdict_id
    if unrated:
        rows.append(("Not rated", Segment(None, unrated)))
    return tuple(rows)


def actor_node(site: Site, actor: Actor, weight: int, note: Note) -> Node:
    note(actor, "name")
    note(actor, "path")
    return Node(actor.id, actor.name, site.urls.url(actor.path), weight)


def ego_network(site: Site, actor: Actor, note: Note) -> tuple[Node, tuple[Node, ...]]:
    """The actor and its strongest neighbours (weight: shared articles)."""
    note(actor, "co_actors")
    centre = actor_node(site, actor, 0, note)
    note(site, ("actors", actor.id))
    neighbours = []
    for other_id, shared in actor.co_actors[:EGO_NEIGHBOURS]:
        note(site, ("actors", other_id))
        neighbours.append(actor_node(site, site.actors[other_id], shared, note))
    return centre, tuple(neighbours)


def site_network(site: Site, note: Note) -> tuple[tuple[Node, ...], tuple[Edge, ...]]:
    """The most connected actors (by how many others they appear with, then shared articles, then id), and the
    strongest edges between them."""
    note(site, "actors")
    ranked = []
    for actor in site.actors.values():
        note(actor, "co_actors")
        if actor.co_actors:
            ranked.append((-len(actor.co_actors), -sum(n for _, n in actor.co_actors), actor.id, actor))
    ranked.sort(key=lambda r: r[:3])
    chosen = [r[3] for r in ranked[:NETWORK_NODES]]
    ids = {a.id for a in chosen}
    nodes = tuple(actor_node(site, a, len(a.co_actors), note) for a in chosen)
    edges = [Edge(a.id, b, n) for a in chosen for b, n in a.co_actors if b in ids and a.id < b]
    edges.sort(key=lambda e: (-e.weight, e.source, e.target))
    return nodes, tuple(edges[:NETWORK_EDGES])

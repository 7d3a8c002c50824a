"""The pictures (SPEC §6, issue 15): the numbers they and their tables show are the model's, every picture has an
accessible name, network nodes link to the right actor pages, and the SVG is the same on every build."""

from __future__ import annotations

import re
from collections import Counter

from lxml import html

from ssg.model.types import day_of
from ssg.render.environment import MONTHS
from ssg.render.figures import EGO_NEIGHBOURS, NETWORK_NODES
from ssg.render.pictures import Column, Edge, Node, Segment, render_columns, render_network

from .sites import BuiltSite

SVG = "{http://www.w3.org/2000/svg}"


def parse(built: BuiltSite, path: str) -> html.HtmlElement:
    return html.parse(str(built.page(path))).getroot()


def month(value) -> str:
    day = day_of(value)
    return f"{MONTHS[day.month - 1]} {day.year}"


def table_rows(doc: html.HtmlElement, table_id: str) -> dict[str, list[int]]:
    rows = doc.xpath(f"//*[@id='{table_id}']//tbody/tr")
    return {r.xpath("./th")[0].text_content(): [int(td.text_content()) for td in r.xpath("./td")] for r in rows}


def test_every_picture_has_an_accessible_name(corpus_site: BuiltSite) -> None:
    pages = ["/claims/", "/actors/network/", *(a.path for a in corpus_site.site.actors.values())]
    for path in pages:
        for svg in parse(corpus_site, path).xpath("//*[local-name()='svg']"):
            links = svg.xpath(".//*[local-name()='a']")
            assert svg.get("role") == (None if links else "img") and svg.get("aria-label", "").strip(), path
            assert svg.xpath("./*[local-name()='title']")[0].text == svg.get("aria-label"), path


def test_claims_per_month_by_verdict_are_the_models_counts(corpus_site: BuiltSite) -> None:
    site = corpus_site.site
    verdicts = [v.id for v in site.config.verdicts]
    expected: dict[str, Counter] = {}
    for claim in site.claims:
        expected.setdefault(month(claim.date), Counter())[claim.verdict_id] += 1
    rows = table_rows(parse(corpus_site, "/claims/"), "claims-per-month")
    shown = {m: counts for m, counts in rows.items() if counts[-1]}
    assert shown == {m: [c[v] for v in verdicts] + [c[None], sum(c.values())] for m, c in expected.items()}
    assert sum(counts[-1] for counts in rows.values()) == len(site.claims)


def test_actor_timelines_and_scorecards_are_the_models_counts(corpus_site: BuiltSite) -> None:
    site = corpus_site.site
    for actor in site.actors.values():
        doc = parse(corpus_site, actor.path)
        per_month = Counter(month(c.date) for c in actor.claims_by)
        rows = table_rows(doc, "claims-by-month")
        assert {m: n[0] for m, n in rows.items()} == dict(per_month), actor.id  # months without claims left out
        bars = doc.xpath("//*[local-name()='svg'][contains(@class, 'chart-bars')]//*[@class='value']")
        expected = [n for _, n in actor.verdict_counts if n] + [
            n for n in [sum(not c.verdict_id for c in actor.claims_by)] if n
        ]
        assert [int(b.text) for b in bars] == expected, actor.id


def test_network_nodes_link_to_their_actor_pages(corpus_site: BuiltSite) -> None:
    site = corpus_site.site
    nodes = parse(corpus_site, "/actors/network/").xpath("//*[local-name()='a'][@class='node']")
    assert 0 < len(nodes) <= NETWORK_NODES
    for node in nodes:
        actor = site.actors[node.get("data-actor")]
        assert node.get("href") == site.urls.url(actor.path)
        assert node.xpath("./*[local-name()='title']")[0].text == actor.name
    for actor in site.actors.values():
        ego = parse(corpus_site, actor.path).xpath("//*[contains(@class, 'network-ego')]//*[@class='node']/@data-actor")
        if actor.co_actors:
            assert ego == [i for i, _ in actor.co_actors[:EGO_NEIGHBOURS]] + [actor.id]


def test_pictures_are_deterministic_and_rounded() -> None:
    columns = (Column("May 2025", (Segment("false", 3), Segment(None, 1))), Column("June 2025", ()))
    nodes = tuple(Node(f"a{i}", f"Actor {i}", f"/actors/a{i}/", i + 1) for i in range(7))
    edges = (Edge("a0", "a1", 3), Edge("a2", "a5", 1))
    assert render_columns(columns, "x") == render_columns(columns, "x")
    network = render_network(nodes, edges, "y")
    assert network == render_network(nodes, edges, "y")
    coordinates = re.findall(r' (?:x|y|cx|cy|x1|y1|x2|y2|r|width|height|stroke-width)="([^"]+)"', network)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d)?", c) for c in coordinates)
    assert 'data-verdict="false"' in render_columns(columns, "x")

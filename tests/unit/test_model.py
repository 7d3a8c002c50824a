"""The model (SPEC §3, §5, §6): articles validated from their front matter, actors merged, the site linked."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from ssg.config import SiteConfig, Verdict
from ssg.errors import Diagnostic, Report, Severity
from ssg.model.content import parse_article, parse_profile
from ssg.model.link import check_paths, link_site, merge_actors
from ssg.model.types import Actor, Article, Claim, Evidence, Profile, evolve
from ssg.pipeline.reuse import memo as memoized
from ssg.pipeline.reuse.memo import LoadMemo
from ssg.source import parse_source
from ssg.urls import Urls

CONFIG = SiteConfig(
    title="Monitor",
    base_url="https://example.org/monitor/",
    verdicts=(Verdict("true", "True"), Verdict("false", "False"), Verdict("unverified", "Unverified", scored=False)),
)
URLS = Urls(CONFIG.base_url, CONFIG.permalink)


def article(
    text: str,
    rel_path: str = "content/articles/talks.md",
    profiles: set[str] | frozenset[str] = frozenset(),
    config: SiteConfig = CONFIG,
) -> tuple[Article | None, Report]:
    report = Report()
    doc = parse_source(text, rel_path, Path("/site") / rel_path, report)
    assert doc is not None, [str(d) for d in report.diagnostics]
    urls = Urls(config.base_url, config.permalink)
    return parse_article(doc, config, urls, set(profiles), report), report


def valid_article(text: str, rel_path: str = "content/articles/talks.md", profiles: frozenset[str] = frozenset()):
    result, report = article(text, rel_path, profiles)
    assert report.diagnostics == [], [str(d) for d in report.diagnostics]
    assert result is not None
    return result


def errors(report: Report) -> list[tuple[int, int, str, str | None]]:
    return [(d.line, d.col, d.message, d.suggestion) for d in report.sorted() if d.severity is Severity.ERROR]


def profile(actor_id: str, text: str) -> Profile:
    report = Report()
    rel_path = f"content/actors/{actor_id}.md"
    doc = parse_source(text, rel_path, Path("/site") / rel_path, report)
    assert doc is not None
    result = parse_profile(doc, actor_id, report)
    assert result is not None and report.diagnostics == []
    return result


# --- articles: required fields and their places -----------------------------------------------------------------


def test_a_complete_article_is_parsed() -> None:
    result = valid_article(
        """\
---
title: Lukashenko Offers to Host Talks
date: 2025-03-06
updated: 2025-03-07
summary: Belarus offers Minsk.
tags: [Belarus, peace talks]
source: {name: The Moscow Times, url: "https://www.themoscowtimes.com/"}
people:
  lukashenko: {name: Alexander Lukashenko, role: President of Belarus, aliases: [Lukashenko]}
  trump: Donald Trump
claims:
  - id: expects-leaders
    by: lukashenko
    quote: Tell Trump that I expect him here.
    about: [trump]
    date: 2025-02-28
    verdict: true
    review: Recorded *weeks* earlier.
    evidence: [https://example.org/transcript]
---
Body.
"""
    )
    assert (result.title, result.slug, result.path) == ("Lukashenko Offers to Host Talks", "talks", "/articles/talks/")
    assert (result.date, result.updated) == (dt.date(2025, 3, 6), dt.date(2025, 3, 7))
    assert result.summary == "Belarus offers Minsk."
    assert result.tags == ("belarus", "peace-talks")
    assert result.source is not None and result.source.name == "The Moscow Times"
    assert [(p.id, p.name, p.role, p.aliases) for p in result.people] == [
        ("lukashenko", "Alexander Lukashenko", "President of Belarus", ("Lukashenko",)),
        ("trump", "Donald Trump", None, ()),
    ]
    [claim] = result.claims
    assert (claim.id, claim.speaker_id, claim.about_ids) == ("expects-leaders", "lukashenko", ("trump",))
    assert (claim.quote, claim.text) == ("Tell Trump that I expect him here.", None)
    assert claim.date == dt.date(2025, 2, 28)
    assert claim.verdict_id == "true"  # `verdict: true` is the id "true", not a boolean (SPEC §3)
    assert claim.evidence == (Evidence("https://example.org/transcript", "https://example.org/transcript"),)
    assert claim.path == "/articles/talks/#claim-expects-leaders"
    assert result.body_line == 21  # the body itself is read where it is rendered


def test_missing_title_and_date_are_reported_at_the_opening_fence() -> None:
    result, report = article("---\nsummary: no title, no date\n---\nBody.\n")
    assert result is not None and not result.complete  # still checked for its other errors, never built
    assert errors(report) == [
        (1, 1, "missing required field 'date'", None),
        (1, 1, "missing required field 'title'", None),
    ]


def test_missing_front_matter_is_an_error() -> None:
    result, report = article("Just a body.\n")
    assert result is None
    assert [(d.line, d.message) for d in report.errors] == [
        (1, "missing front matter: an article starts with '---', title and date")
    ]


def test_claim_without_by_is_reported_at_its_dash_id_line() -> None:
    text = "---\ntitle: T\ndate: 2025-01-01\npeople: {putin: Vladimir Putin}\nclaims:\n"
    text += "  - id: ok\n    by: putin\n    text: fine\n  - id: orphan\n    quote: Who said this?\n---\n"
    result, report = article(text)
    assert errors(report) == [(9, 5, "missing required field 'by' in claim 'orphan'", None)]
    assert result is not None and [c.id for c in result.claims] == ["ok"]


def test_claim_with_neither_quote_nor_text_is_reported_at_its_dash_id_line() -> None:
    text = (
        "---\ntitle: T\ndate: 2025-01-01\npeople: {putin: Vladimir Putin}\nclaims:\n  - id: empty\n    by: putin\n---\n"
    )
    _, report = article(text)
    assert errors(report) == [(6, 5, "claim 'empty' needs 'quote' (verbatim words) or 'text' (a paraphrase)", None)]


@pytest.mark.parametrize(("first", "second"), [("quote", "text"), ("text", "quote")])
def test_quote_and_text_together_are_reported_at_the_second_of_them(first: str, second: str) -> None:
    text = "---\ntitle: T\ndate: 2025-01-01\npeople: {putin: Vladimir Putin}\nclaims:\n  - id: both\n"
    text += f"    {first}: one\n    by: putin\n    {second}: two\n---\n"
    result, report = article(text)
    assert errors(report) == [(9, 5, "claim 'both' has both 'quote' and 'text': a claim is one or the other", None)]
    assert result is not None and result.claims == ()


def test_unknown_actor_in_by_and_about_is_reported_at_the_id_with_a_suggestion() -> None:
    text = """\
---
title: T
date: 2025-01-01
people:
  lukashenko: Alexander Lukashenko
  zelensky: Volodymyr Zelensky
claims:
  - id: c
    by: lukashenk
    about: [zelensky, zelenksy]
    text: Something.
---
"""
    result, report = article(text)
    assert errors(report) == [
        (9, 9, "unknown actor 'lukashenk'", "lukashenko"),
        (10, 23, "unknown actor 'zelenksy'", "zelensky"),
    ]
    assert str(report.sorted()[0]) == (
        "content/articles/talks.md:9:9: error: unknown actor 'lukashenk' (did you mean 'lukashenko'?)"
    )
    assert result is not None and result.claims == ()


def test_an_actor_with_a_profile_needs_no_declaration() -> None:
    text = "---\ntitle: T\ndate: 2025-01-01\nclaims:\n  - id: c\n    by: putin\n    text: Something.\n---\n"
    result = valid_article(text, profiles=frozenset({"putin"}))
    assert result.claims[0].speaker_id == "putin"


def test_duplicate_claim_id_is_reported_at_the_second() -> None:
    text = "---\ntitle: T\ndate: 2025-01-01\npeople: {putin: Vladimir Putin}\nclaims:\n"
    text += "  - {id: same, by: putin, text: one}\n  - {id: same, by: putin, text: two}\n---\n"
    result, report = article(text)
    assert errors(report) == [(7, 10, "duplicate claim id 'same' (first at line 6)", None)]
    assert result is not None and [c.text for c in result.claims] == ["one"]


def test_unknown_verdict_lists_the_verdicts_and_suggests_one() -> None:
    text = "---\ntitle: T\ndate: 2025-01-01\npeople: {putin: Vladimir Putin}\nclaims:\n"
    text += "  - id: c\n    by: putin\n    text: one\n    verdict: flase\n---\n"
    _, report = article(text)
    assert errors(report) == [(9, 14, "unknown verdict 'flase' (the verdicts are true, false, unverified)", "false")]


@pytest.mark.parametrize(("written", "verdict_id"), [("true", "true"), ("false", "false"), ('"false"', "false")])
def test_verdict_ids_are_strings_even_when_yaml_reads_a_boolean(written: str, verdict_id: str) -> None:
    text = "---\ntitle: T\ndate: 2025-01-01\npeople: {putin: Vladimir Putin}\nclaims:\n"
    text += f"  - id: c\n    by: putin\n    about: putin\n    text: x\n    verdict: {written}\n---\n"
    [claim] = valid_article(text).claims
    assert claim.verdict_id == verdict_id
    assert claim.about_ids == ("putin",)  # a single id is a list of one


def test_invalid_claim_id_is_an_error() -> None:
    text = "---\ntitle: T\ndate: 2025-01-01\npeople: {putin: Vladimir Putin}\nclaims:\n"
    text += "  - {id: Not_OK, by: putin, text: x}\n---\n"
    _, report = article(text)
    assert [(line, col) for line, col, *_ in errors(report)] == [(6, 10)]
    assert "invalid id 'Not_OK'" in report.errors[0].message


# --- people forms (SPEC §3) -------------------------------------------------------------------------------------


def people_of(people_yaml: str, profiles: frozenset[str] = frozenset()) -> tuple[Article | None, Report]:
    return article(f"---\ntitle: T\ndate: 2025-01-01\npeople:\n{people_yaml}---\n", profiles=profiles)


def test_people_as_mapping_bare_name_and_empty_entry_with_profile() -> None:
    result, report = people_of(
        "  lukashenko:\n    name: Alexander Lukashenko\n    type: person\n    wikidata: Q6012\n"
        "  putin: Vladimir Putin\n  kremlin: {name: Kremlin, type: organization}\n  zelensky:\n",
        profiles=frozenset({"zelensky"}),
    )
    assert report.diagnostics == []
    assert result is not None
    assert [(p.id, p.name, p.type, p.wikidata, p.line) for p in result.people] == [
        ("lukashenko", "Alexander Lukashenko", "person", "Q6012", 5),
        ("putin", "Vladimir Putin", None, None, 9),
        ("kremlin", "Kremlin", "organization", None, 10),
        ("zelensky", None, None, None, 11),  # everything comes from content/actors/zelensky.md
    ]


def test_a_bare_name_is_taken_as_written() -> None:
    result, _ = people_of("  year: 1984\n  yes: yes\n")
    assert result is not None
    assert [(p.id, p.name) for p in result.people] == [("year", "1984"), ("yes", "yes")]


def test_empty_entry_without_profile_is_an_error_at_the_id() -> None:
    _, report = people_of("  putin: Vladimir Putin\n  zelensky:\n")
    assert errors(report) == [
        (6, 3, "actor 'zelensky' has no name: give one here or add content/actors/zelensky.md", None)
    ]


def test_mapping_without_name_is_fine_with_a_profile_and_an_error_without() -> None:
    result, report = people_of("  peskov: {role: Kremlin spokesman}\n", profiles=frozenset({"peskov"}))
    assert report.diagnostics == []
    assert result is not None and result.people[0].role == "Kremlin spokesman"
    _, report = people_of("  peskov: {role: Kremlin spokesman}\n")
    assert [d.line for d in report.errors] == [5]
    assert "actor 'peskov' has no name" in report.errors[0].message


def test_people_as_a_plain_list_of_ids_with_profiles() -> None:
    text = "---\ntitle: T\ndate: 2025-01-01\npeople: [putin, zelensky]\n---\n"
    result = valid_article(text, profiles=frozenset({"putin", "zelensky"}))
    assert [(p.id, p.name) for p in result.people] == [("putin", None), ("zelensky", None)]


def test_people_list_item_without_profile_is_an_error_at_the_item() -> None:
    text = "---\ntitle: T\ndate: 2025-01-01\npeople: [putin, zelensky]\n---\n"
    result, report = article(text, profiles=frozenset({"putin"}))
    assert errors(report) == [(4, 17, "actor 'zelensky' has no profile: declare it as 'zelensky: Name'", None)]
    assert result is not None and [p.id for p in result.people] == ["putin"]


def test_invalid_actor_type_is_an_error_with_suggestion() -> None:
    _, report = people_of("  kremlin: {name: Kremlin, type: organisation}\n")
    assert errors(report) == [(5, 34, "invalid type 'organisation': use 'person' or 'organization'", "organization")]


def test_invalid_actor_id_suggests_its_slug() -> None:
    _, report = people_of("  Vladimir_Putin: Vladimir Putin\n")
    assert errors(report) == [
        (5, 3, "invalid actor id 'Vladimir_Putin': ids match [a-z0-9][a-z0-9-]*", "vladimir-putin")
    ]


def test_people_of_a_wrong_type_is_an_error() -> None:
    _, report = article("---\ntitle: T\ndate: 2025-01-01\npeople: Vladimir Putin\n---\n")
    assert errors(report) == [(4, 9, "'people' must be a mapping of actor ids (or a list of ids)", None)]


def test_entry_that_is_a_list_is_an_error() -> None:
    _, report = people_of("  putin: [Vladimir, Putin]\n")
    assert errors(report) == [(5, 10, "actor 'putin' must be a name or a mapping", None)]


# --- slugs and dates ----------------------------------------------------------------------------------------------


def test_slug_defaults_to_the_file_name() -> None:
    result = valid_article("---\ntitle: T\ndate: 2025-01-01\n---\n", rel_path="content/articles/minsk-offer.md")
    assert (result.slug, result.path, result.bundle_dir) == ("minsk-offer", "/articles/minsk-offer/", None)


def test_slug_of_a_page_bundle_is_its_folder_name() -> None:
    result = valid_article("---\ntitle: T\ndate: 2025-01-01\n---\n", rel_path="content/articles/minsk/index.md")
    assert (result.slug, result.path, result.bundle_dir) == ("minsk", "/articles/minsk/", "content/articles/minsk")


def test_slug_in_front_matter_wins() -> None:
    result = valid_article("---\ntitle: T\ndate: 2025-01-01\nslug: chosen\n---\n", rel_path="content/articles/x.md")
    assert result.path == "/articles/chosen/"


def test_invalid_slug_is_an_error_with_suggestion() -> None:
    _, report = article("---\ntitle: T\ndate: 2025-01-01\nslug: Not A Slug\n---\n")
    assert errors(report) == [(4, 7, "invalid slug 'Not A Slug': slugs match [a-z0-9][a-z0-9-]*", "not-a-slug")]


def test_permalink_uses_the_article_date() -> None:
    config = replace(CONFIG, permalink="/{year}/{month}/{day}/{slug}/")
    result, report = article("---\ntitle: T\ndate: 2025-03-06\n---\n", config=config)
    assert report.diagnostics == []
    assert result is not None and result.path == "/2025/03/06/talks/"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2025-03-06", dt.date(2025, 3, 6)),
        ('"2025-03-06"', dt.date(2025, 3, 6)),
        ("2025-03-06T10:30:00+02:00", dt.datetime(2025, 3, 6, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
        ('"2025-03-06T10:30:00+02:00"', dt.datetime(2025, 3, 6, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
        ("2025-03-06T08:00:00Z", dt.datetime(2025, 3, 6, 8, 0, tzinfo=dt.UTC)),
    ],
)
def test_dates_and_datetimes_with_time_zones(written: str, expected: dt.date) -> None:
    result = valid_article(f"---\ntitle: T\ndate: {written}\n---\n")
    assert result.date == expected
    if isinstance(expected, dt.datetime):
        assert isinstance(result.date, dt.datetime) and result.date.utcoffset() == expected.utcoffset()


def test_a_date_that_is_not_a_date_is_an_error_at_the_value() -> None:
    result, report = article("---\ntitle: T\ndate: March 6th\n---\n")
    assert result is not None and not result.complete
    assert errors(report) == [(3, 7, "invalid date 'March 6th': use YYYY-MM-DD or ISO 8601", None)]


def test_claim_date_defaults_to_the_article_date() -> None:
    text = "---\ntitle: T\ndate: 2025-03-06\npeople: {putin: Vladimir Putin}\nclaims:\n"
    text += "  - {id: c, by: putin, text: x}\n---\n"
    assert valid_article(text).claims[0].date == dt.date(2025, 3, 6)


def test_unknown_article_key_is_a_warning_with_suggestion() -> None:
    result, report = article("---\ntitle: T\ndate: 2025-01-01\ntgas: [x]\n---\n")
    assert result is not None
    assert [(d.severity, d.line, d.suggestion) for d in report.diagnostics] == [(Severity.WARNING, 4, "tags")]


# --- merging actors (SPEC §5) -----------------------------------------------------------------------------------


def dated(rel: str, date: str, people: str, profiles: frozenset[str] = frozenset()) -> Article:
    text = f"---\ntitle: {rel}\ndate: {date}\npeople:\n{people}---\n"
    return valid_article(text, rel_path=f"content/articles/{rel}", profiles=profiles)


def merge(profiles: list[Profile], articles: list[Article]) -> tuple[dict[str, Actor], Report]:
    """model.link.merge_actors; the pipeline's memoized merge (pipeline/reuse/memo.py) must give the same."""
    report = Report()
    actors = merge_actors({p.id: p for p in profiles}, articles, URLS, report)
    memo_report = Report()
    assert memoized.merge_actors({p.id: p for p in profiles}, articles, URLS, memo_report, LoadMemo()) == actors
    assert memo_report.diagnostics == report.diagnostics
    return actors, report


def test_profile_fields_win_over_every_article() -> None:
    putin = profile(
        "putin",
        "---\nname: Vladimir Putin\nrole: President of Russia\naliases: [Putin]\nwikidata: Q7747\n---\nBio.\n",
    )
    articles = [
        dated("a.md", "2025-01-01", "  putin: {name: V. Putin, role: Prime minister, aliases: [VVP]}\n"),
        dated("b.md", "2025-02-01", "  putin: {name: Vladimir V. Putin, wikidata: Q1}\n"),
    ]
    actors, report = merge([putin], articles)
    assert report.diagnostics == []  # names differ in articles, but the profile names the actor: no warning
    actor = actors["putin"]
    assert (actor.name, actor.role, actor.wikidata) == ("Vladimir Putin", "President of Russia", "Q7747")
    assert actor.aliases == ("Putin", "VVP")  # the union, profile's first
    assert (actor.path, actor.profile_key, actor.bio) == ("/actors/putin/", "content/actors/putin.md", "Bio.\n")


def test_without_profile_the_name_is_the_most_recent_articles_and_differences_warn() -> None:
    articles = [  # given out of date order on purpose
        dated("new.md", "2025-03-01", "  zelensky: Volodymyr Zelensky\n"),
        dated("old.md", "2024-01-01", "  zelensky: Volodymyr Zelenskyy\n"),
        dated("mid.md", "2024-06-01", "  zelensky: {name: Volodymyr Zelensky, role: President of Ukraine}\n"),
    ]
    actors, report = merge([], articles)
    assert actors["zelensky"].name == "Volodymyr Zelensky"
    [warning] = report.diagnostics
    assert warning.severity is Severity.WARNING
    assert (warning.path, warning.line) == ("content/articles/new.md", 5)
    assert "content/articles/old.md" in warning.message and "content/articles/new.md" in warning.message
    assert "'Volodymyr Zelenskyy'" in warning.message and "'Volodymyr Zelensky'" in warning.message


def test_same_name_in_every_article_gives_no_warning() -> None:
    articles = [dated(f"{n}.md", f"2025-0{n}-01", "  trump: Donald Trump\n") for n in (1, 2, 3)]
    _, report = merge([], articles)
    assert report.diagnostics == []


def test_aliases_are_the_union_without_the_name_itself() -> None:
    articles = [
        dated("a.md", "2025-01-01", "  trump: {name: Donald Trump, aliases: [Trump, The President]}\n"),
        dated("b.md", "2025-02-01", "  trump: {name: Donald Trump, aliases: [Donald Trump, Trump, DJT]}\n"),
    ]
    actors, _ = merge([], articles)
    assert actors["trump"].aliases == ("Trump", "The President", "DJT")
    assert actors["trump"].names == ("Donald Trump", "Trump", "The President", "DJT")


def test_current_role_is_the_most_recent_given_and_roles_are_listed_by_date() -> None:
    articles = [
        dated("c.md", "2025-03-01", "  rubio: Marco Rubio\n"),  # gives no role
        dated("a.md", "2024-01-01", "  rubio: {name: Marco Rubio, role: Senator}\n"),
        dated("b.md", "2025-01-21", "  rubio: {name: Marco Rubio, role: Secretary of State}\n"),
    ]
    actors, _ = merge([], articles)
    actor = actors["rubio"]
    assert actor.role == "Secretary of State"
    assert [(r.date, r.role, r.article_key) for r in actor.roles] == [
        (dt.date(2024, 1, 1), "Senator", "content/articles/a.md"),
        (dt.date(2025, 1, 21), "Secretary of State", "content/articles/b.md"),
    ]
    assert actor.roles[0].article_path == "/articles/a/"


def test_profile_role_is_the_current_role_but_articles_roles_are_still_reported() -> None:
    rubio = profile("rubio", "---\nname: Marco Rubio\nrole: U.S. Secretary of State\n---\n")
    actors, _ = merge([rubio], [dated("a.md", "2024-01-01", "  rubio: {role: Senator}\n", frozenset({"rubio"}))])
    assert actors["rubio"].role == "U.S. Secretary of State"
    assert [r.role for r in actors["rubio"].roles] == ["Senator"]


def test_type_defaults_to_person_and_an_organization_stays_one() -> None:
    articles = [dated("a.md", "2025-01-01", "  kremlin: {name: Kremlin, type: organization}\n  putin: V. Putin\n")]
    actors, _ = merge([], articles)
    assert (actors["kremlin"].type, actors["putin"].type) == ("organization", "person")


def test_profile_without_name_and_no_article_naming_it_is_an_error() -> None:
    nameless = profile("ghost", "---\nrole: Nobody\n---\n")
    actors, report = merge([nameless], [])
    assert "ghost" not in actors
    assert [(d.path, d.message) for d in report.errors] == [
        ("content/actors/ghost.md", "actor 'ghost' has no name: add 'name:' to its profile")
    ]


def test_profile_without_name_takes_it_from_an_article() -> None:
    nameless = profile("ghost", "---\nrole: Nobody\n---\n")
    actors, report = merge([nameless], [dated("a.md", "2025-01-01", "  ghost: Casper\n")])
    assert report.diagnostics == []
    assert (actors["ghost"].name, actors["ghost"].role) == ("Casper", "Nobody")


# --- linking the site (SPEC §6) ---------------------------------------------------------------------------------


PEOPLE = "people:\n  putin: Vladimir Putin\n  zelensky: Volodymyr Zelensky\n  trump: Donald Trump\n"


def claims_article(rel: str, date: str, people: str, claims: str, mentions: tuple[str, ...] = ()) -> Article:
    text = f"---\ntitle: {rel}\ndate: {date}\ntags: [peace]\n{people}claims:\n{claims}---\n"
    result = valid_article(text, rel_path=f"content/articles/{rel}", profiles=frozenset({"kremlin"}))
    return replace(result, mentions=mentions)  # what the Markdown pass found in the body


def linked_site(articles: list[Article], profiles: list[Profile] = ()):  # type: ignore[assignment]
    actors, report = merge(list(profiles), articles)
    assert report.errors == []
    site = link_site(CONFIG, URLS, articles, actors, [])
    assert memoized.link_site(CONFIG, URLS, articles, actors, [], LoadMemo()) == site  # the pipeline's road
    return site


def test_claims_by_and_about_are_newest_first_by_claim_date() -> None:
    a = claims_article(
        "a.md",
        "2025-03-01",
        PEOPLE,
        "  - {id: old, by: putin, about: [zelensky], text: x, date: 2024-12-01, verdict: false}\n"
        "  - {id: mid, by: putin, about: [zelensky, trump], text: y, verdict: true}\n",
    )
    b = claims_article(
        "b.md",
        "2025-02-01",
        PEOPLE,
        "  - {id: new, by: putin, about: [trump], quote: z, date: 2025-03-05, verdict: false}\n"
        "  - {id: other, by: zelensky, text: w, verdict: unverified}\n",
    )
    site = linked_site([b, a])
    assert [c.id for c in site.claims] == ["new", "mid", "other", "old"]
    putin = site.actors["putin"]
    assert [c.id for c in putin.claims_by] == ["new", "mid", "old"]
    assert [c.id for c in site.actors["zelensky"].claims_about] == ["mid", "old"]
    assert [c.id for c in site.actors["trump"].claims_about] == ["new", "mid"]
    assert putin.verdict_counts == (("true", 1), ("false", 2))  # in the order of [[verdicts]]
    assert site.actors["zelensky"].verdict_counts == (("unverified", 1),)
    assert site.actors["trump"].verdict_counts == ()


def test_appearances_include_actors_only_mentioned_in_the_body() -> None:
    kremlin = profile("kremlin", "---\nname: Kremlin\ntype: organization\n---\n")
    a = claims_article("a.md", "2025-01-01", "people:\n  putin: Vladimir Putin\n", "", mentions=("kremlin", "putin"))
    site = linked_site([a], [kremlin])
    assert site.articles[0].actor_ids == ("putin", "kremlin")  # declared first, then mentioned
    assert site.actors["kremlin"].article_keys == ("content/articles/a.md",)


def test_articles_are_newest_first_everywhere() -> None:
    old = claims_article("old.md", "2024-01-01", PEOPLE, "")
    new = claims_article("new.md", "2025-01-01", PEOPLE, "")
    site = linked_site([old, new])
    assert [a.key for a in site.articles] == ["content/articles/new.md", "content/articles/old.md"]
    assert site.actors["putin"].article_keys == ("content/articles/new.md", "content/articles/old.md")
    assert site.tags["peace"].article_keys == ("content/articles/new.md", "content/articles/old.md")
    assert site.tags["peace"].path == "/tags/peace/"


def test_co_appearances_are_ranked_by_shared_articles_then_name() -> None:
    articles = [
        claims_article("a.md", "2025-01-01", "people:\n  putin: Vladimir Putin\n  zelensky: Volodymyr Zelensky\n", ""),
        claims_article("b.md", "2025-01-02", "people:\n  putin: Vladimir Putin\n  zelensky: Volodymyr Zelensky\n", ""),
        claims_article("c.md", "2025-01-03", "people:\n  putin: Vladimir Putin\n  trump: Donald Trump\n", ""),
        claims_article("d.md", "2025-01-04", "people:\n  putin: Vladimir Putin\n  biden: Joe Biden\n", ""),
    ]
    site = linked_site(articles)
    # zelensky shares two articles; biden and trump one each, so A-Z by name: Donald before Joe
    assert site.actors["putin"].co_actors == (("zelensky", 2), ("trump", 1), ("biden", 1))
    assert site.actors["trump"].co_actors == (("putin", 1),)


def test_actors_are_sorted_by_name_and_tags_alphabetically() -> None:
    a = claims_article("a.md", "2025-01-01", PEOPLE, "")
    b = valid_article("---\ntitle: B\ndate: 2025-01-02\ntags: [zeta, alpha]\n---\n", rel_path="content/articles/b.md")
    site = linked_site([a, b])
    assert list(site.actors) == ["trump", "putin", "zelensky"]  # Donald, Vladimir, Volodymyr
    assert list(site.tags) == ["alpha", "peace", "zeta"]


def test_a_diagnostic_has_the_documented_format() -> None:
    diagnostic = Diagnostic("content/articles/talks.md", 14, 7, Severity.ERROR, "unknown actor 'x'", "y")
    assert str(diagnostic) == "content/articles/talks.md:14:7: error: unknown actor 'x' (did you mean 'y'?)"


def test_an_article_without_a_title_still_reports_its_other_errors() -> None:
    text = "---\ndate: 2025-03-06\npeople: {ada-quill: Ada Quill}\nclaims:\n  - {id: c, by: ada-quil, text: x}\n---\n"
    result, report = article(text)
    assert result is not None and not result.complete
    assert [(line, message) for line, _, message, _ in errors(report)] == [
        (1, "missing required field 'title'"),
        (5, "unknown actor 'ada-quil'"),
    ]


def test_evolve_is_dataclasses_replace_without_init() -> None:
    claim = Claim(
        id="harbour-open", article_key="content/articles/a.md", article_title="A", article_path="/articles/a/",
        speaker_id="vera-lind", about_ids=(), quote="The harbour stays open.", text=None,
        date=dt.date(2031, 1, 2), verdict_id=None, review="Checked.", evidence=(), line=9, col=3,
    )  # fmt: skip
    changed = evolve(claim, review_html="<p>Checked.</p>")
    assert changed == replace(claim, review_html="<p>Checked.</p>")
    assert claim.review_html == "" and changed.review_html == "<p>Checked.</p>"
    assert hash(changed) == hash(replace(claim, review_html="<p>Checked.</p>"))
    with pytest.raises(TypeError):
        evolve(claim, reviewhtml="typo")


# --- names that become output folders (security.md) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "place", "message"),
    [
        ("slug: con\n", (4, 7), "invalid slug 'con': 'con' is a reserved file name on Windows"),
        ("slug: " + "a" * 300 + "\n", (4, 7), "invalid slug '" + "a" * 40 + "…': a file name is at most 255 bytes"),
        ("tags: [peace, '..']\n", (4, 15), "invalid tag '..': it has no letters or digits to name its page"),
        ("tags: [COM1]\n", (4, 8), "invalid tag 'com1': 'com1' is a reserved file name on Windows"),
        ("people:\n  prn: Ada Quill\n", (5, 3), "invalid actor id 'prn': 'prn' is a reserved file name on Windows"),
    ],
)
def test_names_that_cannot_be_folders_are_errors_at_their_place(front: str, place: tuple, message: str) -> None:
    _, report = article("---\ntitle: Bridge\ndate: 2031-01-02\n" + front + "---\nBody.\n")
    assert [(d.line, d.col, d.message) for d in report.errors] == [(*place, message)]


def test_tags_in_any_script_keep_their_letters() -> None:
    result = valid_article("---\ntitle: T\ndate: 2031-01-02\ntags: [Мир, 和平, سلام, Peace Talks, peace-talks]\n---\n")
    assert result.tags == ("мир", "和平", "سلام", "peace-talks")


def test_two_sources_on_one_url_name_both_files() -> None:
    one = valid_article("---\ntitle: A\ndate: 2031-01-02\nslug: bridge\n---\n", "content/articles/a.md")
    two = valid_article("---\ntitle: B\ndate: 2031-01-03\nslug: bridge\n---\n", "content/articles/b.md")
    report = Report()
    check_paths([one, two], [], report)
    [error] = report.errors
    assert (error.path, error.message) == (
        "content/articles/b.md",
        "the URL /articles/bridge/ is also the URL of content/articles/a.md (change slug)",
    )


# --- who checked it, when, where it was said (SPEC §3) ------------------------------------------------------------


CHECKED = """---
title: Eastport Council Votes
date: 2025-04-30
authors: [Jane Roe]
reviewers: [John Doe, Sam Poe]
people:
  ada-quill: Ada Quill
claims:
  - id: spring
    by: ada-quill
    quote: By spring.
    appearance: /files/minutes.pdf
    said_in: a council meeting
  - id: budget
    by: ada-quill
    text: The budget is fine.
    reviewed: 2025-05-03
corrections:
  - date: 2025-05-01
    text: First.
  - date: 2025-05-04
    text: Newest.
---
By spring.
"""


def test_byline_reviewers_corrections_and_claim_places_are_parsed() -> None:
    parsed = valid_article(CHECKED)
    assert parsed.authors == ("Jane Roe",) and parsed.reviewers == ("John Doe", "Sam Poe")
    assert [c.text for c in parsed.corrections] == ["Newest.", "First."]  # newest first
    assert parsed.updated == dt.date(2025, 5, 4)  # follows the newest correction when not given
    spring, budget = parsed.claims
    assert (spring.appearance, spring.said_in) == ("/files/minutes.pdf", "a council meeting")
    assert spring.reviewed == dt.date(2025, 4, 30)  # no `updated` written: the article's date
    assert budget.reviewed == dt.date(2025, 5, 3)


def test_reviewed_defaults_to_the_articles_updated() -> None:
    text = CHECKED.replace("authors:", "updated: 2025-05-02\nauthors:")
    parsed = valid_article(text)
    assert parsed.updated == dt.date(2025, 5, 2)  # given: corrections do not move it
    assert parsed.claims[0].reviewed == dt.date(2025, 5, 2)


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "data:text/html,x", "//evil.example/x"])
def test_an_unsafe_appearance_url_is_an_error_at_its_place(bad: str) -> None:
    _, report = article(CHECKED.replace("/files/minutes.pdf", bad))
    assert [(line, col) for line, col, _, _ in errors(report)] == [(12, 17)]
    assert errors(report)[0][2].startswith("unsafe URL in 'appearance': ")


def test_a_correction_needs_date_and_text_at_its_place() -> None:
    _, report = article(CHECKED.replace("    text: First.\n", ""))
    assert errors(report) == [(19, 5, "missing required field 'text' in correction", None)]


def test_people_file_by_surname_unless_a_sort_name_is_given() -> None:
    def actor(name: str, kind: str = "person", sort_name: str | None = None) -> Actor:
        return Actor("x", name, kind, None, (), None, None, None, "/actors/x/", sort_name=sort_name)

    assert actor("Ada Quill").sort_key == "Quill, Ada"
    assert actor("Eastport Harbour Authority", "organization").sort_key == "Eastport Harbour Authority"
    assert actor("Ada van Quill", sort_name="Quill, Ada van").letter == "Q"
    assert profile("ada-quill", "---\nname: Ada Quill\nsort_name: Quill\n---\n").sort_name == "Quill"

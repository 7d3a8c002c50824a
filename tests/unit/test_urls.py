"""URLs and output paths (SPEC §2, §6): permalinks, the base path prefix, output files, link resolution, slugs."""

from __future__ import annotations

import datetime as dt

import pytest

from ssg.urls import Urls, resolve_link, slugify, tag_slug, url_problem

MONITOR = Urls("https://example.org/monitor/")


@pytest.mark.parametrize(
    ("permalink", "date", "expected"),
    [
        ("/articles/{slug}/", dt.date(2025, 3, 6), "/articles/talks/"),
        ("/{year}/{slug}/", dt.date(2025, 3, 6), "/2025/talks/"),
        ("/{year}/{month}/{day}/{slug}/", dt.date(2025, 3, 6), "/2025/03/06/talks/"),
        ("/{year}/{month}/{slug}.html", dt.date(987, 1, 2), "/0987/01/talks.html"),
        ("/{year}/{month}/{day}/{slug}/", dt.datetime(2025, 12, 31, 23, 30), "/2025/12/31/talks/"),
    ],
)
def test_permalink_placeholders(permalink: str, date: dt.date, expected: str) -> None:
    assert Urls("https://example.org/", permalink).article_path("talks", date) == expected


def test_a_datetime_keeps_its_own_calendar_day_whatever_its_zone() -> None:
    late = dt.datetime(2025, 3, 6, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))  # already the 7th in UTC
    assert Urls("https://example.org/", "/{year}/{month}/{day}/{slug}/").article_path("x", late) == "/2025/03/06/x/"


def test_url_adds_the_base_path() -> None:
    assert MONITOR.base_path == "/monitor/"
    assert MONITOR.url("/") == "/monitor/"
    assert MONITOR.url("/actors/putin/") == "/monitor/actors/putin/"
    assert MONITOR.url("/articles/talks/#claim-x") == "/monitor/articles/talks/#claim-x"
    assert Urls("https://example.org/").url("/actors/putin/") == "/actors/putin/"


def test_url_quotes_what_a_url_cannot_hold_and_keeps_what_it_can() -> None:
    assert MONITOR.url("/tags/peace talks/") == "/monitor/tags/peace%20talks/"
    assert MONITOR.url("/tags/café/") == "/monitor/tags/caf%C3%A9/"
    assert MONITOR.url("/a/b-c_d.e~f/") == "/monitor/a/b-c_d.e~f/"
    assert MONITOR.url("/search/?q=a&b=c") == "/monitor/search/?q=a&b=c"


def test_absolute_urls_have_scheme_host_and_prefix() -> None:
    assert MONITOR.origin == "https://example.org"
    assert MONITOR.absolute("/actors/putin/") == "https://example.org/monitor/actors/putin/"
    assert Urls("http://localhost:8000/").absolute("/") == "http://localhost:8000/"


def test_site_paths_of_the_sites_own_pages() -> None:
    assert Urls.actor_path("putin") == "/actors/putin/"
    assert Urls.tag_path("peace-talks") == "/tags/peace-talks/"
    assert Urls.page_path("about") == "/about/"
    assert [Urls.home_path(n) for n in (1, 2, 3)] == ["/", "/page/2/", "/page/3/"]


@pytest.mark.parametrize(
    ("site_path", "rel_path"),
    [
        ("/", "index.html"),
        ("/articles/talks/", "articles/talks/index.html"),
        ("/feed.xml", "feed.xml"),
        ("/articles/talks/map.png", "articles/talks/map.png"),
        ("/404.html", "404.html"),
    ],
)
def test_rel_path_is_the_output_file_of_a_site_path(site_path: str, rel_path: str) -> None:
    assert Urls.rel_path(site_path) == rel_path


def test_site_path_of_url_strips_the_base_path() -> None:
    assert MONITOR.site_path_of_url("/monitor/actors/x/") == "/actors/x/"
    assert MONITOR.site_path_of_url("/monitor/") == "/"
    assert MONITOR.site_path_of_url("/monitor") == "/"
    assert MONITOR.site_path_of_url("/elsewhere/") is None


@pytest.mark.parametrize(
    ("href", "page", "expected"),
    [
        ("/articles/other/", "/articles/talks/", "/articles/other/"),
        ("../other/", "/articles/talks/", "/articles/other/"),
        ("map.png", "/articles/talks/", "/articles/talks/map.png"),
        ("./", "/articles/talks/", "/articles/talks/"),
        ("../../", "/articles/talks/", "/"),
        ("other/?q=1#top", "/articles/", "/articles/other/"),
        ("/a/../b/", "/", "/b/"),
        ("sibling.html", "/articles/feed.xml", "/articles/sibling.html"),
    ],
)
def test_resolve_link_gives_the_site_path_an_internal_link_points_to(href: str, page: str, expected: str) -> None:
    assert resolve_link(href, page) == expected


@pytest.mark.parametrize("href", ["https://example.com/", "//cdn.example.com/x.js", "#claims", "?page=2", "mailto:a@b"])
def test_resolve_link_ignores_external_and_same_page_links(href: str) -> None:
    assert resolve_link(href, "/articles/talks/") is None


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        (
            "Lukashenko Offers to Host Russia-Ukraine Peace Talks",
            "lukashenko-offers-to-host-russia-ukraine-peace-talks",
        ),
        ("François Hollande", "francois-hollande"),
        ("Recep Tayyip Erdoğan", "recep-tayyip-erdogan"),
        ("Łukasz Piszczek", "lukasz-piszczek"),
        ("Lars Løkke Rasmussen", "lars-lokke-rasmussen"),
        ("Straße", "strasse"),
        ("Ángela Müller-Núñez", "angela-muller-nunez"),
        ("  --Peace, now!--  ", "peace-now"),
        ("2025: a year", "2025-a-year"),
    ],
)
def test_slugify_turns_accented_names_into_ascii_words(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize(("text", "slug"), [("Ærø", "aero"), ("Œuvre", "oeuvre")])
def test_slugify_keeps_ligature_letters(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_slugify_of_text_without_latin_letters_is_empty() -> None:
    assert slugify("Аляксандр Лукашэнка") == ""  # callers turn this into an error (ssg new)


@pytest.mark.parametrize(
    ("tag", "slug"),
    [
        ("Peace Talks", "peace-talks"),
        ("Мир", "мир"),
        ("мирные переговоры", "мирные-переговоры"),
        ("和平", "和平"),
        ("سلام", "سلام"),
        ("..", ""),
        ("/", ""),
        ("../..", ""),
        ("a\\b", "a-b"),
    ],
)
def test_tag_slug_never_holds_path_syntax(tag: str, slug: str) -> None:
    assert tag_slug(tag) == slug


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://example.org/a?b=1&c=2", None),
        ("mailto:ada@eastport.example", None),
        ("/files/minutes.pdf", None),
        ("ada-quill.jpg", None),
        ("javascript:alert(1)", "the scheme 'javascript:' is not allowed"),
        (" JavaScript:alert(1)", "the scheme 'javascript:' is not allowed"),
        ("jav&#x09;ascript:alert(1)", "the scheme 'javascript:' is not allowed"),
        ("jav&amp;#x09;ascript:alert(1)", "the scheme 'javascript:' is not allowed"),
        ("\u200bjavascript:alert(1)", "the scheme 'javascript:' is not allowed"),
        ("data:text/html,x", "the scheme 'data:' is not allowed"),
        ("VBScript:x", "the scheme 'vbscript:' is not allowed"),
        ("file:///etc/passwd", "the scheme 'file:' is not allowed"),
        ("jav\tascript:x", "it holds a control character"),
        ("\\\\host\\share", "it holds a backslash"),
        ("//evil.example/", "a URL without a scheme leads to another site"),
    ],
)
def test_url_problem(url: str, problem: str | None) -> None:
    found = url_problem(url)
    assert found == problem if problem is None else found is not None and found.startswith(problem)

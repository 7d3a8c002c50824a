"""The pure parts of publishing: headers by file name, upload order, the dry-run listing."""

from __future__ import annotations

import pytest

from ssg.publish import Plan, format_plan
from ssg.publish.s3 import cache_control, content_type, upload_order

RULES = (("static/*", "public, max-age=86400"), ("*.xml", "public, max-age=600"), ("/fonts/*", "immutable"))


@pytest.mark.parametrize(
    ("rel_path", "expected"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("static/style.css", "text/css; charset=utf-8"),
        ("static/app.js", "text/javascript; charset=utf-8"),
        ("search.json", "application/json; charset=utf-8"),
        ("sitemap.xml", "application/xml; charset=utf-8"),
        ("feed.xml", "application/atom+xml; charset=utf-8"),
        ("tags/x/feed.xml", "application/atom+xml; charset=utf-8"),
        ("static/logo.SVG", "image/svg+xml; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"),
        ("data.csv", "text/csv; charset=utf-8"),
        ("static/img/photo.jpg", "image/jpeg"),
        ("static/fonts/a.woff2", "font/woff2"),
        ("CNAME", "application/octet-stream"),
    ],
)
def test_content_type_by_name(rel_path, expected):
    assert content_type(rel_path) == expected


@pytest.mark.parametrize(
    ("rel_path", "expected"),
    [
        ("static/img/deep/logo.png", "public, max-age=86400"),  # '*' also matches '/'
        ("static/style.css", "public, max-age=86400"),
        ("tags/x/feed.xml", "public, max-age=600"),
        ("fonts/a.woff2", "immutable"),  # a leading '/' in the glob is the site root
        ("index.html", "public, max-age=300"),  # SPEC §9 default
    ],
)
def test_cache_control_first_matching_glob_wins(rel_path, expected):
    assert cache_control(rel_path, RULES) == expected


def test_cache_control_first_match_wins_over_later_ones():
    assert cache_control("static/a.xml", RULES) == "public, max-age=86400"


def test_upload_order_puts_assets_then_pages_then_feeds():
    paths = ["feed.xml", "index.html", "static/app.js", "a/index.html", "static/style.css"]
    assert sorted(paths, key=upload_order) == [
        "static/app.js",
        "static/style.css",
        "a/index.html",
        "index.html",
        "feed.xml",
    ]


def test_format_plan_lists_new_changed_deleted():
    plan = Plan(uploads=("b/new.html",), changes=("index.html",), deletions=("old.html",), unchanged=3)
    assert format_plan(plan) == ["+ b/new.html", "~ index.html", "- old.html"]
    assert format_plan(Plan((), (), (), 3)) == []

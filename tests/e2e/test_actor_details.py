"""Recorded reads: a page records what its templates (and the Python helpers they call) read, and is rendered
again when, and only when, something it read changed. Pages that show an actor only by name and role are not
rendered again when its biography or its reported roles change; pages whose templates do read them are."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from ssg.errors import Report
from ssg.pipeline import Pipeline, RunOptions
from ssg.render import plan_pages, render_recorded
from ssg.render.environment import create_environment
from ssg.render.recording import Recorder
from ssg.urls import Urls

from .test_body_edits import clean, make_site
from .test_incremental import assert_same, snapshot


def page_reads(builder: Pipeline, site_path: str) -> dict[tuple, set]:
    """The reads the last run recorded for one page: record ref -> fields."""
    log = builder.read_log()
    record = log.pages[Urls.rel_path(site_path)]
    reads: dict[tuple, set] = {}
    for group_id in record.groups:
        ref, fields = log.key(group_id)
        reads.setdefault(ref, set()).update(fields)
    return reads


def test_a_page_records_what_its_templates_show(tmp_path: Path) -> None:
    """The article page read its article's title and body, its claims' words, the names of the actors it
    shows; an actor's card, not its biography (the default theme shows that on the actor's page alone)."""
    _, builder = served(tmp_path)
    reads = page_reads(builder, "/articles/harbour-2/")
    article = reads[("article", "content/articles/harbour-2.md")]
    assert {"title", "body_html", "claims", "actor_ids", "date"} <= article
    assert "quote" in reads[("claim", "content/articles/harbour-2.md", "open-all-winter")]
    assert {"name", "path"} <= reads[("actor", "olaf-berg")]
    assert not {"bio_html", "roles"} & reads[("actor", "olaf-berg")]
    assert "pages" in reads[("site",)]  # the navigation lists the standalone pages
    home = page_reads(builder, "/")
    assert "articles" in home[("site",)] and "body_html" not in home[("article", "content/articles/harbour-5.md")]
    assert {"bio_html", "roles"} <= page_reads(builder, "/actors/olaf-berg/")[("actor", "olaf-berg")]
    record = builder.read_log().pages["articles/harbour-2/index.html"]
    assert {"article.html", "base.html", "partials/macros.html", "partials/meta.html"} <= set(record.templates)


def test_python_helpers_record_what_they_read(tmp_path: Path) -> None:
    """JSON-LD and the open data read the model in Python: tracked records note those reads too."""
    _, builder = served(tmp_path)
    claims = page_reads(builder, "/data/claims.json")
    assert {"quote", "verdict_id", "speaker_id"} <= claims[
        ("claim", "content/articles/harbour-3.md", "open-all-winter")
    ]
    jsonld = page_reads(builder, "/articles/harbour-3/")[("claim", "content/articles/harbour-3.md", "open-all-winter")]
    assert "verdict_id" in jsonld


def test_what_a_page_read_is_freed_once_it_is_rendered(tmp_path: Path) -> None:
    """A build pauses the cyclic garbage collector, so what rendering a page recorded must go with reference
    counting alone: a recorder kept alive by a cycle held every page's reads until the build ended (the render
    workers grew by 280 MB at 10,000 articles)."""
    site_dir = make_site(tmp_path)
    site = Pipeline(RunOptions(site_dir=site_dir, use_cache=False)).load(Report()).site
    env = create_environment(site_dir, site)
    specs = [spec for spec in plan_pages(site) if spec.template is not None]
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        for spec in specs:  # every kind of page, the Python helpers (JSON-LD, open data, sitemap) included
            render_recorded(env, site, spec, "".join)
        alive = [o for o in gc.get_objects() if isinstance(o, Recorder)]
    finally:
        if was_enabled:
            gc.enable()
    assert len(specs) > 20 and alive == []


def test_an_edit_of_what_a_page_did_not_read_does_not_render_it(tmp_path: Path) -> None:
    """A new summary changes what lists of articles show: the home page and the article re-render, the
    articles of the same actors do not (they never read that summary)."""
    site, builder = served(tmp_path)
    path = site / "content" / "articles" / "harbour-4.md"
    path.write_text(path.read_text().replace("claims:", "summary: The quay, day four.\nclaims:", 1))
    result = builder.run(in_place=True, changed=frozenset([path]))
    assert "/articles/harbour-4/" in result.rendered_paths
    assert not [p for p in result.rendered_paths if p.startswith("/articles/") and "harbour-4" not in p]
    assert_same(snapshot(tmp_path / "live"), clean(site, tmp_path / "clean")[0], "a new summary")


def served(tmp_path: Path, article_template: str | None = None) -> tuple[Path, Pipeline]:
    site = make_site(tmp_path)
    profile = site / "content" / "actors" / "olaf-berg.md"
    profile.parent.mkdir(parents=True)
    profile.write_text("---\nname: Olaf Berg\nrole: Mayor of Eastport\n---\nOlaf Berg was a fisherman.\n")
    if article_template is not None:
        (site / "templates").mkdir()
        (site / "templates" / "article.html").write_text(article_template)
    builder = Pipeline(RunOptions(site_dir=site, output_dir=tmp_path / "live", drafts=True, jobs=1, use_cache=False))
    builder.run(in_place=True)
    return site, builder


def article_pages(paths: tuple[str, ...]) -> list[str]:
    return sorted(p for p in paths if p.startswith("articles/"))


def test_a_new_biography_renders_the_actor_page_not_the_articles_naming_it(tmp_path: Path) -> None:
    site, builder = served(tmp_path)
    profile = site / "content" / "actors" / "olaf-berg.md"
    profile.write_text(profile.read_text().replace("a fisherman", "a ferry captain"))
    result = builder.run(in_place=True, changed=frozenset([profile]))
    assert "actors/olaf-berg/index.html" in result.written.changed_paths
    assert article_pages(result.written.changed_paths) == []
    assert result.rendered_paths == ("/actors/olaf-berg/",)  # not even its feed: feeds show no biography
    assert_same(snapshot(tmp_path / "live"), clean(site, tmp_path / "clean")[0], "a biography edit")


def test_a_retitled_article_renders_what_shows_its_title_not_every_article_of_its_actors(tmp_path: Path) -> None:
    site, builder = served(tmp_path)
    path = site / "content" / "articles" / "harbour-2.md"
    path.write_text(path.read_text().replace("title: Harbour 2 stays open", "title: Harbour 2 will stay open"))
    result = builder.run(in_place=True, changed=frozenset([path]))
    assert article_pages(result.written.changed_paths) == ["articles/harbour-2/index.html"]
    assert [p for p in result.rendered_paths if p.startswith("/articles/")] == ["/articles/harbour-2/"]
    assert "actors/vera-lind/index.html" in result.written.changed_paths  # its roles list the new title
    assert_same(snapshot(tmp_path / "live"), clean(site, tmp_path / "clean")[0], "a retitled article")


ARTICLE_WITH_BIOS = """{% extends "base.html" %}{% block main %}<h1>{{ article.title }}</h1>
{% for actor_id in article.actor_ids %}{% set a = get_actor(actor_id) %}<section>{{ a.name }}: {{ a.bio_html | safe }}
reported in {% for r in a.roles %}{{ r.article_title }}; {% endfor %}</section>{% endfor %}
{{ article.body_html | safe }}{% endblock %}
"""


@pytest.mark.parametrize("edit", ["biography", "title"])
def test_a_theme_that_shows_actor_details_on_articles_gets_them_rendered_again(tmp_path: Path, edit: str) -> None:
    site, builder = served(tmp_path, ARTICLE_WITH_BIOS)
    if edit == "biography":
        path = site / "content" / "actors" / "olaf-berg.md"
        path.write_text(path.read_text().replace("a fisherman", "a ferry captain"))
    else:  # the roles each actor had, as reported, name the articles that reported them
        path = site / "content" / "articles" / "harbour-2.md"
        path.write_text(path.read_text().replace("title: Harbour 2 stays open", "title: Harbour 2 will stay open"))
    result = builder.run(in_place=True, changed=frozenset([path]))
    assert len(article_pages(result.written.changed_paths)) == 5  # every article names Olaf Berg and Vera Lind
    assert_same(snapshot(tmp_path / "live"), clean(site, tmp_path / "clean")[0], f"a {edit} edit")

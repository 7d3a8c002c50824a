"""Pages that show an actor only by name and role are not rendered again when its biography or its reported roles
change (a retitled article changes the roles of every actor it names); pages whose templates do read them are."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment

from ssg.pipeline import Builder, BuildOptions
from ssg.render.inputs import actor_detail_reads, body_reads

from .test_body_edits import clean, make_site
from .test_incremental import assert_same, snapshot


@pytest.mark.parametrize(
    ("source", "reads"),
    [
        ("{{ actor.name }} {{ article.title }}", (False, False)),
        ("{{ actor.bio_html }}{% for r in actor.roles %}{{ r.role }}{% endfor %}", (True, False)),
        ("{{ actor['bio'] }}", (True, False)),
        ("{% for a in people %}{{ a.bio_html }}{% endfor %}", (True, True)),
        ("{{ get_actor('vera-lind').roles | length }}", (True, True)),
        ("{{ actors | map(attribute='roles') | list }}", (True, True)),
        ("{{ actor | attr('bio') }}", (True, True)),
        ("{% set actor = get_actor(x) %}{{ actor.roles }}", (True, True)),
        ("{% for actor in others %}{{ actor.bio_html }}{% endfor %}", (True, True)),
        ("{% macro card(actor) %}{{ actor.bio_html }}{% endmacro %}", (True, True)),
    ],
)
def test_templates_that_read_actor_details_are_recognised(source: str, reads: tuple[bool, bool]) -> None:
    """(reads some actor's roles or biography, reads those of an actor other than the page's own `actor`)"""
    assert actor_detail_reads(Environment().parse(source)) == reads


@pytest.mark.parametrize(
    ("source", "reads"),
    [
        ("{{ page.body_html | safe }}", False),  # page.html: a standalone page's own body
        ("{{ article.body_html | safe }}", True),
        ("{% for a in articles %}{{ a.body_html }}{% endfor %}", True),
        ("{% for page in pages %}{{ page.body_html }}{% endfor %}", True),
        ("{% macro card(page) %}{{ page.body_html }}{% endmacro %}", True),
        ("{{ articles | map(attribute='body_html') | join }}", True),
    ],
)
def test_templates_that_read_article_bodies_are_recognised(source: str, reads: bool) -> None:
    assert body_reads(Environment().parse(source)) == reads


def served(tmp_path: Path, article_template: str | None = None) -> tuple[Path, Builder]:
    site = make_site(tmp_path)
    profile = site / "content" / "actors" / "olaf-berg.md"
    profile.parent.mkdir(parents=True)
    profile.write_text("---\nname: Olaf Berg\nrole: Mayor of Eastport\n---\nOlaf Berg was a fisherman.\n")
    if article_template is not None:
        (site / "templates").mkdir()
        (site / "templates" / "article.html").write_text(article_template)
    builder = Builder(BuildOptions(site_dir=site, output_dir=tmp_path / "live", drafts=True, jobs=1, use_cache=False))
    builder.build(in_place=True)
    return site, builder


def article_pages(paths: tuple[str, ...]) -> list[str]:
    return sorted(p for p in paths if p.startswith("articles/"))


def test_a_new_biography_renders_the_actor_page_not_the_articles_naming_it(tmp_path: Path) -> None:
    site, builder = served(tmp_path)
    profile = site / "content" / "actors" / "olaf-berg.md"
    profile.write_text(profile.read_text().replace("a fisherman", "a ferry captain"))
    result = builder.build(in_place=True, changed=frozenset([profile]))
    assert "actors/olaf-berg/index.html" in result.written.changed_paths
    assert article_pages(result.written.changed_paths) == []
    assert result.rendered_paths == ("/actors/olaf-berg/",)  # not even its feed: feeds show no biography
    assert_same(snapshot(tmp_path / "live"), clean(site, tmp_path / "clean")[0], "a biography edit")


def test_a_retitled_article_renders_what_shows_its_title_not_every_article_of_its_actors(tmp_path: Path) -> None:
    site, builder = served(tmp_path)
    path = site / "content" / "articles" / "harbour-2.md"
    path.write_text(path.read_text().replace("title: Harbour 2 stays open", "title: Harbour 2 will stay open"))
    result = builder.build(in_place=True, changed=frozenset([path]))
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
    result = builder.build(in_place=True, changed=frozenset([path]))
    assert len(article_pages(result.written.changed_paths)) == 5  # every article names Olaf Berg and Vera Lind
    assert_same(snapshot(tmp_path / "live"), clean(site, tmp_path / "clean")[0], f"a {edit} edit")

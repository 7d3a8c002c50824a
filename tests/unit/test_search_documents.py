"""The search documents' digests (render/search.py: `document_digest`), which decide which shards of the
index an edit makes again (pipeline/search.py: `shard_layout`): they change with what a document shows, and
only with that."""

from __future__ import annotations

from pathlib import Path

from ssg.errors import Report
from ssg.model.types import Site, evolve
from ssg.pipeline import Pipeline, RunOptions
from ssg.render.search import document_digest, search_document


def example(site_dir: Path) -> Site:
    return Pipeline(RunOptions(site_dir=site_dir, use_cache=False)).load(Report()).site


def test_a_document_digest_changes_with_what_the_document_shows(example_site: Path) -> None:
    site = example(example_site)
    article = site.articles[0]
    digest = document_digest(site, article)
    assert digest[0] == search_document(site, article).rel_path
    # the same document in the next build: its shard is kept
    reloaded = example(example_site)
    assert document_digest(reloaded, reloaded.articles_by_key[article.key]) == digest

    retitled = evolve(article, title="A Quokka Crossed the Square")
    assert document_digest(site, retitled) != digest

    # an edited body comes with the key it is cached under, as every build gives it
    edited = example_site / article.key
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA quokkaphone played in the square.\n", encoding="utf-8")
    rebuilt = example(example_site)
    again = rebuilt.articles_by_key[article.key]
    assert again.body_html != article.body_html
    assert document_digest(rebuilt, again) != digest

    actor = next(a for a in site.actors.values() if a.roles)
    assert document_digest(site, evolve(actor, name="Ada Quill")) != document_digest(site, actor)
    # an actor's reported roles are on its page, not in its document: the shard is not made again for them
    assert document_digest(site, evolve(actor, roles=(), fingerprint="other")) == document_digest(site, actor)

"""The preview's quick rebuild: articles whose body alone changed (the common save while writing).

A full rebuild at 10,000 articles walks every record, actor and page digest again (about a second), even
with the identity memos. When the watcher names only article files, their front matter parses to the very
same records and their new bodies find the same mentions, claims, summary and reviews, then nothing but
those bodies changed: the Site keeps every other record, and the only pages to render are the articles'
own and the feeds that carry them (`render.body_pages`, the pages whose digests read a body). Anything
else (a new mention, a retitled article, an error, a theme that shows bodies on other pages) returns None,
having changed nothing, and the full build runs. The result is the full build's, byte for byte:
tests/e2e/test_body_edits.py checks which edits are taken, and the output and warnings against clean builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ssg.errors import Diagnostic, Report
from ssg.markdown import RenderedBody, create_markdown
from ssg.model.types import Article, evolve
from ssg.output import Destination, WriteSummary, update_output
from ssg.pipeline.bodies import BodyFile, body_key, render_source
from ssg.pipeline.links import check_links
from ssg.pipeline.load import LoadedSite, article_parser, file_stamp, read_and_parse
from ssg.render import TEMPLATES, body_pages, create_environment, render_page
from ssg.render.inputs import PageInputs, template_digests
from ssg.source import content_rel_path
from ssg.urls import Urls

if TYPE_CHECKING:
    from ssg.pipeline import Builder

BODY_TEMPLATES = frozenset(TEMPLATES[kind] for kind in ("article", "feed", "actor_feed", "tag_feed"))


@dataclass(frozen=True, slots=True)
class Settled:
    """What the last successful build of a long-lived Builder left, for the next quick rebuild."""

    load_diagnostics: tuple[Diagnostic, ...]  # the load's report, before the link check
    existing: frozenset[str]  # site paths of every page and asset (what links may lead to)
    pages: int
    output_key: str


@dataclass(frozen=True, slots=True)
class BodyEdit:
    """One article whose new text changes its body alone: the records to put in place of the old ones."""

    rel_path: str
    rendered: Article  # with its body (memo.articles)
    linked: Article  # with its appearances too (the Site's)
    body: RenderedBody
    links: tuple[tuple[str, int, int], ...]
    stamp: tuple[int, int]  # the file's size and mtime, before it was read
    salt: str
    file_key: str  # its new text's key
    parsed: tuple  # its record and diagnostics: the same as its old text's


def rebuild_bodies(builder: Builder, changed: frozenset[Path]) -> tuple[WriteSummary, Report, tuple[str, ...]] | None:
    """(what was written, the report, the site paths of the pages rendered) when every changed file is an
    article whose body alone changed; None (nothing done) when the full build must run."""
    settled, loaded, listing = builder.settled, builder.loaded, builder.listing
    if settled is None or loaded is None or listing is None or builder.written_files is None or not changed:
        return None
    articles = {rel_path for _, rel_path in listing.articles}
    edits = []
    for path in sorted(changed):
        rel_path = content_rel_path(builder.options.site_dir, path)
        if rel_path not in articles or rel_path not in loaded.site.articles_by_key:
            return None
        edit = body_edit(builder, loaded, rel_path, path)
        if edit is None:
            return None
        if edit is not True:
            edits.append(edit)
    site = loaded.site
    for edit in edits:
        site = evolve(
            site,
            articles=tuple(edit.linked if a.key == edit.rel_path else a for a in site.articles),
            articles_by_key={**site.articles_by_key, edit.rel_path: edit.linked},
        )
    env = create_environment(builder.options.site_dir, site, builder.compiled)
    templates = template_digests(env, set(TEMPLATES.values()), builder.cache.templates)
    if templates.body_readers - BODY_TEMPLATES:
        return None  # the theme shows bodies elsewhere too (full articles on the home page, say)
    specs = list({s.site_path: s for edit in edits for s in body_pages(site, edit.linked)}.values())
    inputs = PageInputs(site, templates, builder.memo.digests)
    previous = builder.cache.pages.get(settled.output_key, {})
    rel_paths = [Urls.rel_path(s.site_path) for s in specs]
    digests = {rel_path: inputs.digest(s) for rel_path, s in zip(rel_paths, specs, strict=True)}
    stale = [s for rel_path, s in zip(rel_paths, specs, strict=True) if previous.get(rel_path) != digests[rel_path]]
    destination = Destination.open(builder.options.output)
    if destination.stage is not None:  # the output folder is gone: a full build makes it again
        destination.discard()
        return None
    try:
        pages = ((Urls.rel_path(s.site_path), render_page(env, site, s)) for s in stale)
        summary = update_output(destination, pages, frozenset(builder.written_files))
    except Exception:
        return None  # a template failed: the full build reports it, at its place
    links = [link for link in loaded.links if link[0] not in {e.rel_path for e in edits}]
    links += [(e.rel_path, e.linked.path, *link) for e in edits for link in e.links]
    for edit in edits:
        commit(builder, edit)
    builder.loaded = LoadedSite(site, loaded.files, tuple(links), loaded.profile_ids)
    builder.cache.set_pages(settled.output_key, {**previous, **digests})
    report = Report(list(settled.load_diagnostics))
    check_links(builder.loaded, settled.existing, report, strict=False)
    return summary, report, tuple(s.site_path for s in stale)


def body_edit(builder: Builder, loaded: LoadedSite, rel_path: str, path: Path) -> BodyEdit | bool | None:
    """The edit of one article file: True when its text is as it was, None when more than its body changed."""
    cache, memo = builder.cache, builder.memo
    known_file = cache.stats.get(rel_path)
    known_body = memo.bodies.get(rel_path)
    known_article = memo.articles.get(rel_path)
    known_linked = memo.linked.get(rel_path)
    if known_file is None or known_body is None or known_article is None or known_linked is None:
        return None
    _, salt, file_key = known_file
    parsed = cache.parsed.get(file_key)
    (record, old_body), old_rendered, _ = known_article
    _, context, old_key, _ = known_body
    if (
        parsed is None
        or parsed[0] is not record
        or cache.bodies.get(old_key) is not old_body
        or known_linked[0] is not old_rendered
        or loaded.site.articles_by_key[rel_path] is not known_linked[1]
    ):
        return None  # the memos do not describe the Site being served: let the full build decide
    try:
        stamp = file_stamp(path)
    except OSError:
        return None
    config = loaded.site.config
    parse = article_parser(config, loaded.site.urls, set(loaded.profile_ids))
    new_file_key, new_parsed, _ = read_and_parse(path, rel_path, salt, parse, {file_key: parsed})
    if new_file_key is None:
        return None  # unreadable: the full build reports it
    if new_file_key == file_key or new_parsed is None:
        return True
    if new_parsed[0] != record or new_parsed[1] != parsed[1]:
        return None
    source = BodyFile(path, rel_path, salt, new_file_key)
    body, current = render_source(create_markdown(config.raw_html), source, context)
    if not current:
        return None  # saved again since it was read: the full build reads it afresh
    same = (
        body.mentions == old_body.mentions
        and body.marked_claims == old_body.marked_claims
        and body.diagnostics == old_body.diagnostics
        and body.reviews == old_body.reviews
        and (record.summary or body.summary) == (record.summary or old_body.summary)
    )
    if not same:
        return None
    key = body_key(new_file_key, context, config.raw_html)
    rendered = evolve(old_rendered, body_utf8=body.html_utf8, fingerprint=key)
    linked = evolve(known_linked[1], body_utf8=body.html_utf8, fingerprint=key)
    return BodyEdit(rel_path, rendered, linked, body, body.links, stamp, salt, new_file_key, parsed)


def commit(builder: Builder, edit: BodyEdit) -> None:
    """The memos and cache as a full build would have left them, so the next full build reuses this one's work.
    Nothing is changed before every edit has rendered: a full build after a failed quick one reads afresh."""
    cache, memo = builder.cache, builder.memo
    cache.stats[edit.rel_path] = (edit.stamp, edit.salt, edit.file_key)
    cache.put(cache.parsed, edit.file_key, edit.parsed)  # the same record: what was keyed on it stays valid
    inputs, context, _, _ = memo.bodies[edit.rel_path]
    key = edit.rendered.fingerprint
    memo.bodies[edit.rel_path] = (inputs, context, key, edit.file_key)
    (record, _), _, diagnostics = memo.articles[edit.rel_path]
    memo.articles[edit.rel_path] = ((record, edit.body), edit.rendered, diagnostics)
    memo.linked[edit.rel_path] = (edit.rendered, edit.linked)
    cache.put(cache.bodies, key, edit.body)
    cache.put(cache.derived, key, edit.rendered.listing_fingerprint)

"""Planning for the commonest save while writing: articles whose body alone changed.

A full load at 10,000 articles walks every record, actor and link again (about a second), even with the
identity memos. When the watcher names only article files, their front matter parses to the very same records
and their new bodies find the same mentions, claims, summary and reviews, then nothing but those bodies
changed: the last Site with those articles' records replaced is the Site a full load would give. `patch_bodies`
finds that out (changing nothing) and returns the `Patch`; the pipeline then runs its one tail on it, and the
recorded reads say which pages show those bodies. Anything else returns None and the full load runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ssg.markdown import RenderedBody, create_markdown
from ssg.model.refs import Ref
from ssg.model.types import Article, evolve
from ssg.pipeline.bodies import BodyFile, body_key, render_source
from ssg.pipeline.load import LoadedSite, article_parser, file_stamp, read_and_parse
from ssg.pipeline.reuse.cache import ContentCache
from ssg.pipeline.reuse.memo import ArticleWithBody, BodyPlan, LinkedArticle, LoadMemo
from ssg.source import ContentFiles, content_rel_path


@dataclass(frozen=True, slots=True)
class BodyEdit:
    """One article whose new text changes its body alone: the records to put in place of the old ones."""

    rel_path: str
    rendered: Article  # with its body (memo.articles)
    linked: Article  # with its appearances too (the Site's)
    body: RenderedBody
    stamp: tuple[int, int]  # the file's size and mtime, before it was read
    salt: str
    file_key: str  # its new text's key
    parsed: tuple  # its record and diagnostics: the same as its old text's


@dataclass(frozen=True, slots=True)
class Patch:
    """The Site with some article bodies replaced, and what to remember once it is built."""

    loaded: LoadedSite
    edits: tuple[BodyEdit, ...]

    @property
    def refs(self) -> list[Ref]:
        """The records that changed: the edited articles (their claims are the same objects)."""
        return [("article", edit.rel_path) for edit in self.edits]

    def commit(self, cache: ContentCache, memo: LoadMemo) -> None:
        """The memos and cache as a full load would have left them, so the next one reuses this one's work."""
        for edit in self.edits:
            cache.stats[edit.rel_path] = (edit.stamp, edit.salt, edit.file_key)
            cache.put(cache.parsed, edit.file_key, edit.parsed)  # the same record: what was keyed on it stays
            plan = memo.bodies[edit.rel_path]
            key = edit.rendered.fingerprint
            memo.bodies[edit.rel_path] = BodyPlan(plan.inputs, plan.context, key, edit.file_key)
            known = memo.articles[edit.rel_path]
            memo.articles[edit.rel_path] = ArticleWithBody(known.article, edit.body, edit.rendered, known.diagnostics)
            memo.linked[edit.rel_path] = LinkedArticle(edit.rendered, edit.linked)
            cache.put(cache.bodies, key, edit.body)
            cache.put(cache.derived, key, edit.rendered.listing_fingerprint)


def patch_bodies(
    site_dir: Path, loaded: LoadedSite, listing: ContentFiles, cache: ContentCache, memo: LoadMemo, changed: frozenset
) -> Patch | None:
    """The Patch when every changed file is an article whose body alone changed; None when a full load must run."""
    articles = {rel_path for _, rel_path in listing.articles}
    edits = []
    for path in sorted(changed):
        rel_path = content_rel_path(site_dir, path)
        if rel_path not in articles or rel_path not in loaded.site.articles_by_key:
            return None
        edit = body_edit(loaded, cache, memo, rel_path, path)
        if edit is None:
            return None
        if edit is not True:
            edits.append(edit)
    site = loaded.site
    replaced = {edit.rel_path: edit.linked for edit in edits}
    if replaced:
        site = evolve(
            site,
            articles=tuple(replaced.get(a.key, a) for a in site.articles),
            articles_by_key={**site.articles_by_key, **replaced},
        )
    links = [link for link in loaded.links if link[0] not in replaced]
    links += [(e.rel_path, e.linked.path, *link) for e in edits for link in e.body.links]
    patched = LoadedSite(site, loaded.files, tuple(links), loaded.profile_ids, loaded.drafts_left_out)
    return Patch(patched, tuple(edits))


def body_edit(
    loaded: LoadedSite, cache: ContentCache, memo: LoadMemo, rel_path: str, path: Path
) -> BodyEdit | bool | None:
    """The edit of one article file: True when its text is as it was, None when more than its body changed."""
    known_file = cache.stats.get(rel_path)
    plan = memo.bodies.get(rel_path)
    known = memo.articles.get(rel_path)
    linked = memo.linked.get(rel_path)
    if known_file is None or plan is None or known is None or linked is None:
        return None
    _, salt, file_key = known_file
    parsed = cache.parsed.get(file_key)
    if (
        parsed is None
        or parsed[0] is not known.article
        or cache.bodies.get(plan.body_key) is not known.body
        or linked.rendered is not known.rendered
        or loaded.site.articles_by_key[rel_path] is not linked.linked
    ):
        return None  # the memos do not describe the Site being served: let the full load decide
    try:
        stamp = file_stamp(path)
    except OSError:
        return None  # gone since the watcher saw it: the full load reports it
    config = loaded.site.config
    parse = article_parser(config, loaded.site.urls, set(loaded.profile_ids))
    new_file_key, new_parsed, _ = read_and_parse(path, rel_path, salt, parse, {file_key: parsed})
    if new_file_key is None:
        return None  # unreadable: the full load reports it
    if new_file_key == file_key or new_parsed is None:
        return True
    if new_parsed[0] != known.article or new_parsed[1] != parsed[1]:
        return None
    body, current = render_source(
        create_markdown(config.raw_html), BodyFile(path, rel_path, salt, new_file_key), plan.context
    )
    if not current:
        return None  # saved again since it was read: the full load reads it afresh
    old = known.body
    record = known.article
    same = (
        body.mentions == old.mentions
        and body.marked_claims == old.marked_claims
        and body.diagnostics == old.diagnostics
        and body.reviews == old.reviews
        and (record.summary or body.summary) == (record.summary or old.summary)
    )
    if not same:
        return None
    key = body_key(new_file_key, plan.context, config.raw_html)
    rendered = evolve(known.rendered, body_utf8=body.html_utf8, fingerprint=key)
    new_linked = evolve(linked.linked, body_utf8=body.html_utf8, fingerprint=key)
    return BodyEdit(rel_path, rendered, new_linked, body, stamp, salt, new_file_key, parsed)

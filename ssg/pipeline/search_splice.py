"""An edit's merge of the search bundle (pipeline/search_bundle.py): the bundle in the output, with the words of
the shards Pagefind indexed again put in place, byte for byte what the whole merge would make.

After an edit one shard is indexed again; the whole merge decodes every index chunk of every shard (710 at
10,000 articles) though only that shard's words can change. Here the shard's two versions are compared word
by word, and only the merged chunks that hold a changed word are read back from the output, spliced (the
shard's pages of each word replaced: page numbers as deltas, meta locations mapped to the merged fields,
variants in place) and cut again as Pagefind cuts; once a chunk ends where one ended before, the chunks that
follow are kept unread until the next changed word.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Callable, Iterator
from operator import itemgetter

from ssg.pipeline.search_bundle import (
    BundleOut,
    Chunk,
    Cutter,
    ShardBundle,
    content_name,
    decode,
    finish,
    layout_of,
    shard_words,
)


def merge_edit(
    before: list[ShardBundle], chunks: list[Chunk], shards: list[ShardBundle], entry: bytes, read: ChunkReader
) -> BundleOut | None:
    """`merge`, for shards that are `before` (the shards of the bundle in the output, whose index chunks are
    `chunks`) with a few made again over the same pages (an edit): only the chunks that hold a word those
    shards changed are read (`read`: a chunk's file in the output, by name, or None), spliced and written
    again; the other chunks are kept unread. The bundle is the one `merge` makes, byte for byte (a chunk
    ends where Pagefind's count of locations says, so once a chunk ends where one of `chunks` ended, the
    chunks that follow are as they were until the next changed word).

    None when this does not apply: another number of shards, a shard made again with other pages or meta
    fields, more than half of them made again, a chunk file missing or not the one named, or a word whose
    spelled forms (Pagefind's variants) changed where other shards have forms of it too. `merge` then."""
    if len(before) != len(shards) or not chunks or not all(shard.files for shard in (*before, *shards)):
        return None
    changed = [n for n, (old, new) in enumerate(zip(before, shards, strict=True)) if old.digest != new.digest]
    if not changed or 2 * len(changed) > len(shards):
        return None
    metas = [shard.meta for shard in shards]
    before_metas = {n: before[n].meta for n in changed}
    for n, old_meta in before_metas.items():
        if old_meta[0] != metas[n][0] or len(old_meta[1]) != len(metas[n][1]) or old_meta[5] != metas[n][5]:
            return None
    layout = layout_of(metas)
    edits: dict[str, list[Edit]] = {}
    for n in changed:
        for word, old, new in changed_words(before[n], before_metas[n], shards[n], metas[n]):
            edits.setdefault(word, []).append((n, new, forms(old) != forms(new)))
    lasts = [chunk.last for chunk in chunks]
    by_chunk: dict[int, list[str]] = {}  # the chunk whose words a changed word goes among
    for word in edits:
        by_chunk.setdefault(min(bisect.bisect_left(lasts, word), len(chunks) - 1), []).append(word)
    spans = [
        (start, start + len(meta[1]), field_map)
        for start, meta, field_map in zip(layout.offsets, metas, layout.field_maps, strict=True)
    ]
    edits_by_chunk = {number: {word: edits[word] for word in words} for number, words in by_chunk.items()}
    chunks_after = recut(chunks, edits_by_chunk, spans, read, shards[0].language)
    try:
        return finish(shards, metas, layout, entry, chunks_after, {chunk.key: chunk.name for chunk in chunks})
    except CannotSplice:
        return None


class CannotSplice(Exception):
    """An edit's merge cannot go on (a chunk file unread, forms whose order it cannot tell): merge whole."""


def recut(
    chunks: list[Chunk],
    edits_by_chunk: dict[int, dict[str, list[Edit]]],
    spans: list[Span],
    read: ChunkReader,
    language: str,
) -> Iterator[list[list] | Chunk]:
    """The chunks after an edit, one at a time (a chunk's decoded words are let go once it is written): a
    chunk of `chunks` where its words and its start are as they were, else its words, with those the edit
    changed spliced in (`edits_by_chunk`, by chunk number), cut again as Pagefind cuts them."""
    cutter = Cutter()
    for number, chunk in enumerate(chunks):
        edits = edits_by_chunk.get(number)
        if not cutter.words and edits is None:
            yield chunk
            continue
        data = read(chunk.name)
        if data is None or content_name(language, data) != chunk.name:
            raise CannotSplice(chunk.name)
        words = decode(chunk.name, data)[0]
        if edits is not None:
            words = splice_words(words, edits, spans)
        for word in words:
            if full := cutter.add(word):
                yield full
    if cutter.words:
        yield cutter.words


ChunkReader = Callable[[str], bytes | None]
Span = tuple[int, int, list[int] | None]  # a shard's pages in the merged bundle, [start, end), and its field map
Edit = tuple[int, list | None, bool]  # a shard's number, its new entry for a word (None: gone), forms changed


def changed_words(
    old: ShardBundle, old_meta: list, new: ShardBundle, new_meta: list
) -> Iterator[tuple[str, list | None, list | None]]:
    """(word, old entry, new entry) of each word whose entry differs between two versions of a shard (None:
    the version lacks the word); both read in word order a chunk at a time, as the whole merge reads them."""
    both = heapq.merge(shard_words(old, old_meta, 0), shard_words(new, new_meta, 1), key=itemgetter(0, 1))
    for word, versions in itertools.groupby(both, key=itemgetter(0)):
        entries = {version: entry for _, version, entry in versions}
        if entries.get(0) != entries.get(1):
            yield word, entries.get(0), entries.get(1)


def forms(entry: list | None) -> list[str]:
    """The spelled forms (Pagefind's variants) of a shard's entry for a word, in order."""
    return [form for form, _ in entry[2]] if entry is not None and len(entry) > 2 else []


def splice_words(words: list[list], edits: dict[str, list[Edit]], spans: list[Span]) -> list[list]:
    """A merged chunk's words with the changed shards' entries put in place of theirs (new words added, words
    no shard has any more left out), in order. Raises CannotSplice where the result would depend on the order
    of other shards' variants."""
    by_word = {word[0]: word for word in words}
    for word, shard_edits in edits.items():
        merged = by_word.pop(word, None) or [word, [], []]
        for n, new, forms_changed in sorted(shard_edits, key=itemgetter(0)):
            if not splice_word(merged, new, forms_changed, spans[n]):
                raise CannotSplice(word)
        if merged[1] or merged[2]:
            by_word[word] = merged
    return [by_word[word] for word in sorted(by_word)]


def splice_word(merged: list, new: list | None, forms_changed: bool, span: Span) -> bool:
    """Put one shard's new entry for a word (None: the shard no longer has it) in place of its pages in the
    merged entry. False when the shard's forms changed while other shards have forms of the word: the merged
    forms are in the order the shards first name them, which the merged entry alone does not tell."""
    new_variants = new[2] if new is not None and len(new) > 2 else []
    merged[1] = replace_pages(merged[1], new[1] if new is not None else [], span)
    if forms_changed:
        if any(replace_pages(pages, [], span) for _, pages in merged[2]):
            return False
        merged[2] = [[form, replace_pages([], pages, span)] for form, pages in new_variants]
        return True
    by_form = dict(new_variants)
    for variant in merged[2]:
        variant[1] = replace_pages(variant[1], by_form.get(variant[0], []), span)
    return True


def replace_pages(pages: list, shard_pages: list, span: Span) -> list:
    """A merged page list (page numbers as deltas) with the pages in `span` replaced by a shard's (deltas from
    its own first page, meta locations by the shard's fields)."""
    start, end, field_map = span
    number = 0
    for page in pages:
        number += page[0]
        page[0] = number
    number = start
    for page in shard_pages:
        number += page[0]
        page[0] = number
        if field_map is not None and len(page) > 2 and page[2]:
            page[2] = [-(field_map[-loc - 1] + 1) if loc < 0 else loc for loc in page[2]]
    joined = [page for page in pages if page[0] < start] + shard_pages + [page for page in pages if page[0] >= end]
    last = 0
    for page in joined:
        page[0], last = page[0] - last, page[0]
    return joined

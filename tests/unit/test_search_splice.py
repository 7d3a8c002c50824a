"""The merge of an edit's search bundle (pipeline/search_splice.py: `merge_edit`) against the whole merge, on
generated shard bundles: random words spread over shards, with page lists, locations, meta locations under
different fields and spelled forms (Pagefind's variants), edited at random. Small chunks, so that an edit moves
where chunks end and the chunks after it must be cut again."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import pytest

from ssg.pipeline import search_bundle
from ssg.pipeline.search_bundle import ShardBundle, content_name, encode, merge
from ssg.pipeline.search_splice import merge_edit

ENTRY = json.dumps({"version": "1.5.0", "languages": {}}).encode()
SYLLABLES = ["ka", "lo", "mi", "nu", "pe", "ri", "so", "ta", "ve", "zo"]
FIELDS = [["title"], ["date", "title"], []]


def random_entry(rng: random.Random, word: str, pages: int, fields: list[str]) -> list:
    """A shard's entry for a word: its pages (deltas from 0), each with locations and meta locations."""

    def page_list() -> list:
        numbers = sorted(rng.sample(range(pages), rng.randint(1, min(4, pages))))
        listed, last = [], 0
        for number in numbers:
            metas = [-rng.randint(1, len(fields)) for _ in range(rng.randint(0, 2))] if fields else []
            listed.append([number - last, sorted(rng.sample(range(60), rng.randint(1, 6))), metas])
            last = number
        return listed

    variants = []
    if rng.random() < 0.2:
        variants = [[word + suffix, page_list()] for suffix in rng.sample(["á", "ø", "ß"], rng.randint(1, 2))]
    return [word, page_list() if not variants or rng.random() < 0.7 else [], variants]  # never no page at all


def shard_bundle(digest: str, words: dict[str, list], pages: int, fields: list[str]) -> ShardBundle:
    files, chunks, ordered = {}, [], sorted(words)
    for start in range(0, len(ordered), 4):  # the shard's own chunks: any cut will do
        part = ordered[start : start + 4]
        data = encode([[words[word] for word in part]])
        name = content_name("en", data)
        files[f"index/{name}.pf_index"] = data
        chunks.append([part[0], part[-1], name])
    meta = ["1.5.0", [[f"{digest}-{n}", 100] for n in range(pages)], chunks, [], [], fields]
    files["pagefind.en.pf_meta"] = encode(meta)
    return ShardBundle(digest, "en", files)


def random_shard(rng: random.Random, digest: str, pages: int, fields: list[str]) -> dict[str, list]:
    vocabulary = [a + b for a in SYLLABLES for b in SYLLABLES]
    return {word: random_entry(rng, word, pages, fields) for word in rng.sample(vocabulary, rng.randint(10, 40))}


def edited(rng: random.Random, words: dict[str, list], pages: int, fields: list[str]) -> dict[str, list]:
    """The same shard after an edit of one of its pages: some words changed, added or gone."""
    words = json.loads(json.dumps(words))
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        word = rng.choice(sorted(words))
        if kind < 0.3:
            del words[word]
        elif kind < 0.5:
            new = rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + rng.choice(["", "x"])
            words[new] = random_entry(rng, new, pages, fields)
        elif kind < 0.7 and words[word][1]:
            words[word][1][0][1].append(60 + rng.randint(0, 5))  # one more location
        else:
            words[word] = random_entry(rng, word, pages, fields)
    return words


Reader = Callable[[str], "bytes | None"]


def generated_edit(seed: int) -> tuple[list[ShardBundle], dict, list, list[ShardBundle], Reader]:
    """Shards, their merged files and chunks, the shards after one was edited, and a reader of the merged files."""
    rng = random.Random(seed)
    count = rng.randint(2, 6)
    pages = [rng.randint(1, 6) for _ in range(count)]
    fields = [rng.choice(FIELDS) for _ in range(count)]
    words = [random_shard(rng, f"s{n}", pages[n], fields[n]) for n in range(count)]
    before = [shard_bundle(f"s{n}", words[n], pages[n], fields[n]) for n in range(count)]
    files, chunks = merge(before, ENTRY)
    changed = rng.randrange(count)
    after = list(before)
    words[changed] = edited(rng, words[changed], pages[changed], fields[changed])
    after[changed] = shard_bundle(f"s{changed}-edited", words[changed], pages[changed], fields[changed])
    return before, files, chunks, after, lambda name: files.get(f"index/{name}.pf_index")


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch) -> None:
    monkeypatch.setattr(search_bundle, "CHUNK_LOCATIONS", 40)


@pytest.mark.parametrize("seed", range(60))
def test_an_edits_merge_is_the_whole_merge_byte_for_byte(seed: int) -> None:
    before, files, chunks, after, read = generated_edit(seed)
    whole, whole_chunks = merge(after, ENTRY)
    made = merge_edit(before, chunks, after, ENTRY, read)
    if made is None:  # only where forms changed beside other shards' forms
        return
    assert {name: data if data is not None else files[name] for name, data in made[0].items()} == whole
    assert made[1] == whole_chunks


def test_most_generated_edits_take_the_edits_road_which_ends_where_a_chunk_cannot_be_read() -> None:
    """So the comparison above tests the edit's merge, not the whole merge it falls back to."""
    taken = 0
    for seed in range(60):
        before, _, chunks, after, read = generated_edit(seed)
        taken += merge_edit(before, chunks, after, ENTRY, read) is not None
        assert merge_edit(before, chunks, after, ENTRY, lambda name: None) is None
    assert taken >= 40

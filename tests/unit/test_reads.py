"""Recorded reads on their way from a render process to the read log (render/recording.py, reuse/reads.py):
a page's reads travel as numbers of its process's table, a memoized macro's reads as one capture, and the log
ends with the same (record, fields) groups a page read, whichever way they came."""

from __future__ import annotations

import hashlib
import pickle

import pytest

from ssg.model.refs import same_token, token
from ssg.model.types import Tag
from ssg.pipeline.reuse.reads import ReadLog
from ssg.render import PageKind, PageSpec
from ssg.render.recording import DIGEST_SIZE, ReadTable, Recorder, read_fields, track

from .test_cache import Digests, keys, number_of

HARBOUR = Tag("harbour", "/tags/harbour/", ("a.md", "b.md"))
FERRY = Tag("ferry", "/tags/ferry/", ("c.md",))


def digest(ref: tuple, fields: frozenset) -> bytes:
    return hashlib.blake2b(repr((ref, sorted(fields, key=repr))).encode(), digest_size=DIGEST_SIZE).digest()


DIGESTS = Digests(digest)


def page(number: int) -> PageSpec:
    return PageSpec(PageKind.HOME, "/" if number == 1 else f"/page/{number}/", number=number)


def groups_of(log: ReadLog, rendered) -> set[tuple]:
    return {log.key(number) for number in rendered.groups}


def test_a_macro_s_reads_count_for_every_page_that_uses_its_output() -> None:
    """The first page renders the macro (its reads become a capture, nested ones included); the second uses
    the kept output and only names the capture: both pages read the same groups in the log."""
    table, log = ReadTable(), ReadLog()
    numbers = log.numbering(DIGESTS)

    first = Recorder(table)
    first.note(HARBOUR, "path")
    first.begin()  # the outer macro
    first.note(HARBOUR, "id")
    first.begin()  # a macro inside it
    first.note(FERRY, "article_keys")
    inner = first.end()
    outer = first.end()
    second = Recorder(table)
    second.replay(outer)

    one = numbers.rendered(page(1), "base", first.reads())
    two = numbers.rendered(page(2), "base", second.reads())
    numbers.finish()  # new groups are digested after the pages are rendered
    ferry = (("tag", "ferry"), frozenset({"article_keys"}))
    harbour_id, harbour_path = (("tag", "harbour"), frozenset({"id"})), (("tag", "harbour"), frozenset({"path"}))
    assert groups_of(log, one) == {harbour_path, harbour_id, ferry}
    assert groups_of(log, two) == {harbour_id, ferry}
    assert inner != outer and log.group_count == 3  # each group numbered once in the log
    assert all(log.digest(number_of(log, group)) == digest(*group) for group in (ferry, harbour_id, harbour_path))


def test_reads_that_arrive_before_what_they_refer_to_are_refused() -> None:
    """A page's numbers mean something only after the pages that defined them: taken out of order, the build
    stops with ssg's own error rather than recording the wrong groups."""
    table, log = ReadTable(), ReadLog()
    first, second = Recorder(table), Recorder(table)
    first.note(HARBOUR, "id")
    defining = first.reads()
    second.note(HARBOUR, "id")
    using = second.reads()
    with pytest.raises(RuntimeError, match="arrived before"):
        log.numbering(DIGESTS).rendered(page(2), "base", using)
    assert groups_of(log, log.numbering(DIGESTS).rendered(page(1), "base", defining)) == {
        (("tag", "harbour"), frozenset({"id"}))
    }


def test_a_saved_read_log_comes_back_page_for_page() -> None:
    """The log is saved packed (its refs, pages and versions as runs of UTF-8 and arrays): what loads is the same
    log, names past Latin-1 included, and a version of a record no page read is kept too."""
    table, log = ReadTable(), ReadLog()
    numbers = log.numbering(DIGESTS)
    ostrava = Tag("ostrava-–-přístav", "/tags/ostrava-–-přístav/", ("č.md",))
    specs = [
        page(1),
        PageSpec(PageKind.TAG, "/tags/ostrava-–-přístav/", key="ostrava-–-přístav"),
        PageSpec(PageKind.TAG, "/tags/harbour/page/2/", key="harbour", number=2),
    ]
    rendered = []
    reads = [(HARBOUR, ("id", "path")), (ostrava, ("path", ("article_keys", "č.md"))), (FERRY, ())]
    for spec, (tag, fields) in zip(specs, reads, strict=True):
        recorder = Recorder(table)
        for field in fields:
            recorder.note(tag, field)
        rendered.append(numbers.rendered(spec, f"base of {spec.site_path}", recorder.reads()))
    numbers.finish()
    log.commit({}, rendered, None)
    log.versions = {("tag", "harbour"): "v1", ("tag", "ostrava-–-přístav"): "v2", ("site",): "v3"}

    loaded = pickle.loads(pickle.dumps(log))

    assert keys(loaded) == keys(log) and loaded.digests == log.digests and loaded.versions == log.versions
    assert loaded.pages == log.pages and list(loaded.pages) == list(log.pages)
    assert loaded.by_ref == log.by_ref
    assert loaded.stale(specs, lambda spec, _: f"base of {spec.site_path}", [], lambda _: True) == []
    harbour_group = number_of(log, (("tag", "harbour"), frozenset({"id", "path"})))
    assert loaded.stale(specs, lambda spec, _: f"base of {spec.site_path}", [harbour_group], lambda _: True) == [
        specs[0]
    ]


def test_groups_no_page_reads_are_dropped_once_a_quarter_of_the_log() -> None:
    """Edits leave groups no page reads any more; the saved log drops them once they are a quarter of it (a copy
    costs memory while the cache is saved), and the pages then read the same groups under new numbers."""
    table, log = ReadTable(), ReadLog()
    numbers = log.numbering(DIGESTS)
    wide, narrow = Recorder(table), Recorder(table)
    for field in ("id", "path", "article_keys"):
        wide.note(HARBOUR, field)
    wide.note(FERRY, "id")
    narrow.note(FERRY, "path")
    log.commit(
        {}, [numbers.rendered(page(1), "base", wide.reads()), numbers.rendered(page(2), "base", narrow.reads())], None
    )
    numbers.finish()
    assert log.compacted() is log  # every group read

    again = log.numbering(DIGESTS)
    reread = Recorder(ReadTable())
    reread.note(FERRY, "id")
    log.commit({}, [again.rendered(page(1), "base", reread.reads())], None)  # page 1 no longer reads the harbour
    again.finish()
    compact = log.compacted()
    assert compact is not log and compact.group_count == 2 < log.group_count
    for rel_path, record in log.pages.items():
        assert {compact.key(i) for i in compact.pages[rel_path].groups} == {log.key(i) for i in record.groups}
        assert [compact.digest(i) for i in compact.pages[rel_path].groups] == [
            log.digest(number_of(log, compact.key(i))) for i in compact.pages[rel_path].groups
        ]


def test_the_pages_reading_a_group_stay_true_as_pages_are_rendered_again_and_removed() -> None:
    """The preview asks, edit after edit, which pages read the groups an article's body edit changed: the answer
    is kept, and pages rendered since (reading that group now, or no longer) or removed are not missed."""
    log = ReadLog()
    numbers = log.numbering(DIGESTS)
    rendered = []
    for number, tags in ((1, (HARBOUR,)), (2, (HARBOUR, FERRY)), (3, (FERRY,))):
        recorder = Recorder(ReadTable())
        for tag in tags:
            recorder.note(tag, "id")
        rendered.append(numbers.rendered(page(number), "base", recorder.reads()))
    numbers.finish()
    log.commit({}, rendered, None)
    harbour = number_of(log, (("tag", "harbour"), frozenset({"id"})))
    ferry = number_of(log, (("tag", "ferry"), frozenset({"id"})))
    assert log.reading([harbour]) == [page(1), page(2)]
    assert log.reading([ferry]) == [page(2), page(3)]

    again = log.numbering(DIGESTS)
    now_ferry, now_harbour = Recorder(ReadTable()), Recorder(ReadTable())
    now_ferry.note(FERRY, "id")  # page 1 reads the ferry instead of the harbour
    now_harbour.note(HARBOUR, "id")  # page 3 the harbour instead of the ferry
    log.commit({}, [again.rendered(page(n), "base", r.reads()) for n, r in ((1, now_ferry), (3, now_harbour))], None)
    assert log.reading([harbour]) == [page(2), page(3)]
    assert log.reading([ferry]) == [page(1), page(2)]
    assert log.reading([harbour, ferry]) == [page(1), page(2), page(3)]

    log.commit({}, [], {page(1).rel_path, page(3).rel_path})  # page 2 is gone
    assert log.reading([harbour]) == [page(3)] and log.reading([ferry]) == [page(1)]
    fresh = pickle.loads(pickle.dumps(log))  # what is kept is not saved: a loaded log finds the same pages
    assert fresh.readers == {} and fresh.reading([harbour]) == [page(3)] and fresh.reading([ferry]) == [page(1)]


def test_fields_read_at_once_are_recorded_as_read_one_by_one() -> None:
    """The open data takes a dozen fields of each claim at once (`read_fields`): the page's recorded reads are
    those the tracked record notes field by field, and the values are the record's."""
    at_once, one_by_one = Recorder(ReadTable()), Recorder(ReadTable())
    values = read_fields(track(HARBOUR, at_once), ("id", "path", "article_keys"))
    tracked = track(HARBOUR, one_by_one)
    assert values == (tracked.id, tracked.path, tracked.article_keys) == ("harbour", "/tags/harbour/", ("a.md", "b.md"))
    assert (
        at_once.reads().new_groups
        == one_by_one.reads().new_groups
        == ((("tag", "harbour"), frozenset({"id", "path", "article_keys"})),)
    )
    assert read_fields(HARBOUR, ("path",)) == (HARBOUR.path,)  # a record not tracked: just read


def test_values_told_the_same_have_the_same_token() -> None:
    """`same_token` stands in for comparing tokens (what field digests are made of): a record by its ref, lists,
    tuples and mappings item by item and in their order, plain values by equality."""
    retitled = Tag("harbour", "/tags/harbour/", ("b.md",))  # another object, the same ref
    pairs = [
        (HARBOUR, retitled),
        (HARBOUR, FERRY),
        ((HARBOUR, FERRY), (retitled, FERRY)),
        ((HARBOUR, FERRY), (FERRY, HARBOUR)),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # equal mappings, another order: another token
        ({"a": HARBOUR}, {"a": retitled}),
        (["x", 1], ["x", 1]),
        ("x", None),
    ]
    for before, after in pairs:
        assert same_token(before, after) == (token(before) == token(after)), (before, after)

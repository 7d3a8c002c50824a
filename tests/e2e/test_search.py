"""Search (SPEC §6: `/pagefind/`, a search box on every page): Pagefind's index, built by `ssg build`, kept
current by `ssg serve`, and used in a real headless Chromium under the base_url prefix /monitor/."""

from __future__ import annotations

import functools
import re
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from lxml import html as lxml_html
from playwright.sync_api import Error as PlaywrightError

from ssg.pipeline import Pipeline, RunOptions, search, search_bundle, search_splice
from ssg.pipeline.reuse.cache import load_cache
from tests.conftest import make_corpus, run_ssg
from tests.e2e.test_serve import ARTICLE, CHROMIUM, ServeProcess

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium at /usr/bin/chromium")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if path.startswith("pagefind/")}


def test_the_index_is_built_byte_for_byte_the_same_and_kept_while_its_documents_are(tmp_path: Path) -> None:
    site = make_corpus(tmp_path / "site", 60)
    first, second = tmp_path / "first", tmp_path / "second"
    run_ssg("build", "--site", str(site), "--output", str(first), "--no-cache", check=True)
    run_ssg("build", "--site", str(site), "--output", str(second), "--no-cache", check=True)
    index = bundle(tree(first))
    assert "pagefind/pagefind-entry.json" in index and "pagefind/pagefind-ui.js" in index
    assert len([p for p in index if p.startswith("pagefind/filter/")]) >= 3  # actor, verdict, tag, kind
    assert index == bundle(tree(second))  # Pagefind's own filter files differ run to run; ours do not

    run_ssg("build", "--site", str(site), "--output", str(first), check=True)  # fills the cache
    stamps = {p: (first / p).stat().st_mtime_ns for p in index}
    config = site / "site.toml"
    config.write_text(re.sub(r'title = "[^"]*"', 'title = "Another Title"', config.read_text(), count=1))
    run_ssg("build", "--site", str(site), "--output", str(first), check=True)
    assert {p: (first / p).stat().st_mtime_ns for p in index} == stamps  # the documents hold no site title

    article = sorted((site / "content" / "articles").glob("*.md"))[0]
    article.write_text(article.read_text() + "\nThe quokkaphone was heard in the harbour.\n")
    run_ssg("build", "--site", str(site), "--output", str(first), check=True)
    run_ssg("build", "--site", str(site), "--output", str(second), "--no-cache", check=True)
    assert bundle(tree(first)) == bundle(tree(second)) != index  # a body edit makes a new bundle, no stale file


def test_without_javascript_the_search_page_leads_to_the_verdict_and_actor_lists(tmp_path: Path) -> None:
    site = make_corpus(tmp_path / "site", 30)
    output = tmp_path / "out"
    run_ssg("build", "--site", str(site), "--output", str(output), check=True)
    home = lxml_html.fromstring((output / "index.html").read_bytes())
    form = home.xpath("//form[@role='search']")[0]
    assert form.get("action").endswith("/search/") and form.xpath(".//input[@name='q']")
    page = lxml_html.fromstring((output / "search" / "index.html").read_bytes())
    links = {a.get("href") for a in page.xpath("//section[contains(@class,'search-browse')]//a")}
    assert any(link.endswith("/actors/") for link in links)
    verdict_links = [link for link in links if "/verdicts/" in link]
    assert verdict_links
    for link in verdict_links:
        path = re.sub(r"^.*?/verdicts/", "verdicts/", link.split("#")[0])
        assert (output / path / "index.html").is_file(), link


def search_in_page(page, query: str) -> list[str]:
    """Pagefind's own JavaScript API, loaded from the served bundle: the URLs of the results for `query`."""
    return page.evaluate(
        """async (query) => {
            const search = document.querySelector('#search');
            const pagefind = await import(search.dataset.bundle + 'pagefind.js');
            await pagefind.options({baseUrl: search.dataset.base});
            await pagefind.init();
            const found = await pagefind.search(query);
            const data = await Promise.all(found.results.map((r) => r.data()));
            return data.map((d) => d.url);
        }""",
        query,
    )


def search_now(page, query: str) -> list[str] | str:
    """`search_in_page`, or Pagefind's error when a search ran while the preview swapped the bundle under it
    (the old bundle's files removed after the new entry file was in place): the next reload finds the new one."""
    try:
        return search_in_page(page, query)
    except PlaywrightError as exc:
        return str(exc)


@pytest.fixture
def served(example_site: Path):
    serve = ServeProcess(example_site)
    try:
        yield serve
    finally:
        serve.stop()


def wait_for_index(serve: ServeProcess, timeout: float = 60) -> None:
    if not any("Search index up to date" in line for line in serve.log):
        serve.wait_for(r"Search index up to date", timeout)


SETTLED_RESULTS = """(fewer) => {
    const found = document.querySelector('.pagefind-ui__message')?.textContent.match(/(\\d+) results? for/);
    const shown = document.querySelectorAll('.pagefind-ui__result').length;
    const loading = document.querySelector('.pagefind-ui__results .pagefind-ui__loading');
    return found != null && +found[1] > 0 && +found[1] < fewer && shown > 0 && !loading;
}"""


def settled_results(page, fewer_than: int = 10**9) -> tuple[int, list[str]]:
    """Wait until Pagefind's UI shows a count below `fewer_than` and every shown result has loaded its data (the UI
    empties and refills its list when the query or a filter changes); then the count and the results' links."""
    page.wait_for_function(SETTLED_RESULTS, arg=fewer_than, timeout=20_000)
    count = int(re.search(r"(\d+) results? for", page.inner_text(".pagefind-ui__message")).group(1))
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.getAttribute('href'))")
    return count, links


def test_searching_an_alias_in_the_browser_finds_the_actor_and_a_verdict_filter_narrows(served, browser) -> None:
    wait_for_index(served)
    page = browser.new_page()
    page.goto(served.url)  # the home page, under /monitor/
    page.fill("#site-search-q", "Belarusian")  # an alias of Alexander Lukashenko (content/actors)
    page.press("#site-search-q", "Enter")
    _, links = settled_results(page)
    assert "/monitor/actors/lukashenko/" in links, links
    assert any(link.startswith("/monitor/articles/") for link in links), links

    page.fill(".pagefind-ui__search-input", "Minsk")
    page.wait_for_function("document.querySelector('.pagefind-ui__message')?.textContent.includes('Minsk')")
    before, _ = settled_results(page)
    page.locator("summary", has_text="Verdict").click()
    page.locator(".pagefind-ui__filter-label", has_text="True").click()
    after, narrowed = settled_results(page, fewer_than=before)
    assert 0 < after < before
    assert narrowed and all(link.startswith("/monitor/articles/") for link in narrowed), narrowed
    page.close()


def test_the_preview_keeps_the_index_current_after_an_edit(served, browser, example_site: Path) -> None:
    wait_for_index(served)
    page = browser.new_page()
    page.goto(served.url + "search/")
    assert search_in_page(page, "quokkaphone") == []
    article = example_site / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + "\nA quokkaphone played in Minsk.\n", encoding="utf-8")
    deadline = time.monotonic() + 60
    while (found := search_now(page, "quokkaphone")) != ["/monitor/articles/lukashenko-peace-talks/"]:
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
        page.reload()
    assert found == ["/monitor/articles/lukashenko-peace-talks/"]
    page.close()


def static_server(folder: Path) -> ThreadingHTTPServer:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def answers(browser, folder: Path, queries: list[str]) -> dict:
    """Every result of each query through Pagefind's API: URL, score, excerpt, and the filter counts."""
    server = static_server(folder)
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/404.html")
        return page.evaluate(
            """async (queries) => {
                const pagefind = await import('/pagefind/pagefind.js');
                await pagefind.init();
                const out = {};
                for (const query of queries) {
                    const found = await pagefind.search(query);
                    const rows = await Promise.all(found.results.map(async (r) => {
                        const d = await r.data();
                        return [d.url, r.score, d.excerpt, d.meta.title, d.sub_results.map((s) => s.url)];
                    }));
                    out[query] = [rows, found.filters];
                }
                const narrowed = await pagefind.search('talks', {filters: {kind: 'Article'}});
                out['kind:Article'] = narrowed.results.length;
                return out;
            }""",
            queries,
        )
    finally:
        server.shutdown()


def saved_index(pipeline: Pipeline) -> search_bundle.SearchIndex:
    """The search index a one-shot build left in `.ssg-cache/` for the next (its indexing process pickled it)."""
    return load_cache(pipeline.options.site_dir).search[pipeline.output_key()]


def shard_count(pipeline: Pipeline) -> int:
    if not pipeline.options.use_cache:
        return len(pipeline.cache.search[pipeline.output_key()].shards)
    return len(saved_index(pipeline).shards)


def test_an_index_made_in_shards_answers_every_search_as_one_made_at_once(tmp_path: Path, browser, monkeypatch) -> None:
    """Pagefind holds every page in memory, so big sites are indexed in shards that ssg merges: the merged
    bundle must find the same pages with the same scores, excerpts, sub-results and filters."""
    site = make_corpus(tmp_path / "site", 40)
    monkeypatch.setattr(search, "SHARD_BALANCE", 10**9)  # one shard: Pagefind's own bundle, merged with nothing
    whole = Pipeline(RunOptions(site_dir=site, output_dir=tmp_path / "whole", jobs=1, use_cache=False))
    whole.run()
    monkeypatch.setattr(search, "SHARD_DOCUMENTS", 6)  # 40 articles and their actors: 16 shards
    monkeypatch.setattr(search, "SHARD_BALANCE", 1)
    sharded = Pipeline(RunOptions(site_dir=site, output_dir=tmp_path / "sharded", jobs=1))
    sharded.run()
    assert shard_count(whole) == 1 and shard_count(sharded) == 16

    text = (sorted((site / "content" / "articles").glob("*.md"))[0]).read_text(encoding="utf-8")
    name = re.search(r"name: (\w+)", text).group(1)
    queries = ["talks", "ceasefire negotiations", name, name.lower()[:4], "said on monday", "zzzqqq"]
    expected = answers(browser, tmp_path / "whole", queries)
    assert len(expected["talks"][0]) > 10 and expected[name][0] and expected["kind:Article"]
    assert answers(browser, tmp_path / "sharded", queries) == expected
    index = saved_index(sharded)  # merged again from the same shards: every index chunk is known
    entry = (tmp_path / "sharded" / "pagefind" / search_bundle.ENTRY).read_bytes()
    again, _ = search_bundle.merge(list(index.shards), entry, {chunk.key: chunk.name for chunk in index.chunks})
    assert [name for name in again if name.startswith("index/") and again[name] is not None] == []
    assert sum(name.startswith("index/") for name in again) == len(index.chunks) > 0

    article = sorted((site / "content" / "articles").glob("*.md"))[3]  # one shard indexed again, merged with the rest
    article.write_text(article.read_text(encoding="utf-8") + "\nThe quokkaphone was heard in the harbour.\n")
    Pipeline(RunOptions(site_dir=site, output_dir=tmp_path / "sharded", jobs=1)).run()
    Pipeline(RunOptions(site_dir=site, output_dir=tmp_path / "fresh", jobs=1, use_cache=False)).run()
    assert bundle(tree(tmp_path / "sharded")) == bundle(tree(tmp_path / "fresh"))
    assert [row[0] for row in answers(browser, tmp_path / "sharded", ["quokkaphone"])["quokkaphone"][0]] == [
        "/" + article.stem.join(["articles/", "/"])
    ]


def test_an_edit_merges_again_only_the_index_chunks_its_words_are_in(tmp_path: Path, monkeypatch) -> None:
    """After an edit one shard is indexed again; merging it reads and writes only the index chunks that hold
    the words it changed (search_splice.merge_edit), and the bundle is byte for byte the one a clean build
    makes, whatever the edit: words added at the end, a title that moves every word of the page, words with
    accents (Pagefind's variants), words taken out."""
    site = make_corpus(tmp_path / "site", 40)
    monkeypatch.setattr(search, "SHARD_DOCUMENTS", 6)  # 16 shards
    monkeypatch.setattr(search, "SHARD_BALANCE", 1)
    monkeypatch.setattr(search_bundle, "CHUNK_LOCATIONS", 400)  # many chunks at 40 articles
    out = tmp_path / "out"
    pipeline = Pipeline(RunOptions(site_dir=site, output_dir=out, jobs=1))
    pipeline.run()
    article = sorted((site / "content" / "articles").glob("*.md"))[5]
    original = article.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", original, re.M).group(1)
    edits = {
        "words added": original + "\nThe quokkaphone was heard in the harbour.\n",
        "title": original.replace(f"title: {title}", "title: Zebra Crossings Everywhere", 1),
        "accents": original + "\nŽofia Dąbrowska met Björn Ångström in Łódź.\n",
        "words taken out": original,
    }
    spliced: dict[str, tuple[int, int]] = {}  # index chunks written again, of all
    for name, text in edits.items():
        before = saved_index(pipeline)
        old_files = bundle(tree(out))
        article.write_text(text, encoding="utf-8")
        pipeline = Pipeline(RunOptions(site_dir=site, output_dir=out, jobs=1))
        pipeline.run()
        fresh = tmp_path / f"fresh-{len(spliced)}-{name}"
        Pipeline(RunOptions(site_dir=site, output_dir=fresh, jobs=1, use_cache=False)).run()
        assert bundle(tree(out)) == bundle(tree(fresh)), name

        after = saved_index(pipeline)
        entry = (out / "pagefind" / search_bundle.ENTRY).read_bytes()
        whole, chunks = search_bundle.merge(list(after.shards), entry)
        made = search_splice.merge_edit(
            list(before.shards),
            list(before.chunks),
            list(after.shards),
            entry,
            functools.partial(index_file, old_files),
        )
        if made is not None:  # the same files: new ones, or those of the bundle before, kept
            assert {n: data or old_files[f"pagefind/{n}"] for n, data in made[0].items()} == whole, name
            assert made[1] == chunks
            spliced[name] = sum(data is not None for n, data in made[0].items() if n.startswith("index/")), len(chunks)
        else:
            assert name == "accents", name  # the forms' order can depend on other shards: merged whole
    new, total = spliced["words added"]
    assert new < total / 2 and len(spliced) >= 3, spliced


def index_file(files: dict[str, bytes], chunk: str) -> bytes | None:
    return files.get(f"pagefind/index/{chunk}.pf_index")


def test_an_indexing_stopped_by_an_edit_keeps_the_shards_it_finished(tmp_path: Path, monkeypatch) -> None:
    """In the preview each build stops the indexing in progress; edit after edit must not start it over: the
    shards it finished are handed to the next indexing, and the bundle is still the one a clean build makes."""
    site = make_corpus(tmp_path / "site", 40)
    monkeypatch.setattr(search, "SHARD_DOCUMENTS", 6)
    pipeline = Pipeline(RunOptions(site_dir=site, output_dir=tmp_path / "live", jobs=1, index_search=False))
    pipeline.run(in_place=True)
    loaded = pipeline.state.settled.loaded.site
    pool: dict = {}
    first = search.Indexer(pool)
    stopper = threading.Thread(target=lambda: (wait_until(lambda: len(pool) >= 2), first.stop()))
    stopper.start()
    with pytest.raises(search.SearchIndexError, match="stopped"):
        pipeline.index_search(loaded, first)
    stopper.join()
    kept = dict(pool)
    assert 2 <= len(kept) < 16

    pipeline.install_search(*pipeline.index_search(loaded, search.Indexer(pool)))
    assert all(pool[digest] is shard for digest, shard in kept.items())  # not indexed again
    Pipeline(RunOptions(site_dir=site, output_dir=tmp_path / "fresh", jobs=1, use_cache=False)).run()
    assert bundle(tree(tmp_path / "live")) == bundle(tree(tmp_path / "fresh"))


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)

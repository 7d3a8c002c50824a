"""Property: every input gives a site or clean diagnostics, never an exception, within a time bound (security.md).

Hypothesis generates front matter (YAML mappings with known and random keys, actors, claims, evidence, URLs
good and hostile, text in several scripts, sometimes mangled) and Markdown bodies (nesting, mentions, claim
spans), and runs the load pipeline in-process; a site that loads cleanly is also built (the templates see it).
The suite's budget is fixed and derandomized; a release check runs longer:

    SSG_FUZZ_EXAMPLES=5000 PYTHONPATH=$PWD python3 -m pytest -q -p no:cacheprovider tests/test_fuzz.py
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssg.errors import Report, SiteError
from ssg.pipeline import Pipeline, RunOptions

EXAMPLES = int(os.environ.get("SSG_FUZZ_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same cases on every run: a failure in CI is a failure on a laptop
    deadline=dt.timedelta(seconds=10),  # the time bound per case: generous for a shared 2-core machine
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SITE_TOML = """\
[site]
title = "Eastport Monitor"
base_url = "https://example.org/eastport/"
[[verdicts]]
id = "true"
label = "True"
[[verdicts]]
id = "false"
label = "False"
"""
ARTICLE = "content/articles/bridge.md"

# --- strategies -----------------------------------------------------------------------------------------------

IDS = st.sampled_from(["ada-quill", "tom-brandt", "eastport-council", "nobody", "con", "Ada Quill", "..", "c1", "c2"])
NAMES = st.sampled_from(
    ["Ada Quill", "Tom Brandt", "Eastport Council", "Аляксандра Квіл", "أدا قويل", "艾达·奎尔", "Ame\u0301lie Quill"]
)
URLS = st.sampled_from(
    [
        "https://eastport.example/minutes",
        "/files/minutes.pdf",
        "ada.jpg",
        "mailto:ada@eastport.example",
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "data:text/html,<b>x</b>",
        "//evil.example/",
        "Eastport labour market bulletin",
    ]
)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.dates(), TEXT, NAMES, URLS, IDS)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT | IDS, inner, max_size=3),
    max_leaves=8,
)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    """Usually the field's proper kind, sometimes anything at all."""
    return st.one_of(strategy, strategy, strategy, VALUES)


ENTRY = st.one_of(
    st.none(),
    NAMES,
    st.fixed_dictionaries(
        {},
        optional={
            "name": maybe(NAMES),
            "role": maybe(TEXT),
            "aliases": maybe(st.lists(NAMES, max_size=3)),
            "type": maybe(st.sampled_from(["person", "organization", "robot"])),
            "wikidata": maybe(st.sampled_from(["Q6012", "Q0", "q1", "Q١٢"])),
            "url": maybe(URLS),
            "image": maybe(URLS),
        },
    ),
)
EVIDENCE = st.lists(URLS | st.fixed_dictionaries({"text": maybe(TEXT)}, optional={"url": maybe(URLS)}), max_size=3)
CLAIM = st.fixed_dictionaries(
    {"id": maybe(IDS), "by": maybe(IDS)},
    optional={
        "quote": maybe(TEXT | NAMES),
        "text": maybe(TEXT),
        "about": maybe(st.lists(IDS, max_size=3)),
        "verdict": maybe(st.sampled_from(["true", "false", "mostly"])),
        "date": maybe(st.dates()),
        "review": maybe(TEXT),
        "evidence": maybe(EVIDENCE),
    },
)
FRONT = st.fixed_dictionaries(
    {"title": maybe(TEXT | NAMES), "date": maybe(st.dates())},
    optional={
        "slug": maybe(IDS),
        "tags": maybe(st.lists(TEXT | NAMES, max_size=3)),
        "summary": maybe(TEXT),
        "draft": maybe(st.booleans()),
        "source": maybe(st.fixed_dictionaries({"name": maybe(TEXT)}, optional={"url": maybe(URLS)})),
        "people": maybe(st.dictionaries(IDS, ENTRY, max_size=4)),
        "claims": maybe(st.lists(CLAIM, max_size=3)),
        "extra": VALUES,
    },
)

WORDS = st.sampled_from(["Ada Quill", "Tom Brandt", "said", "the bridge", "Квіл", "奎尔", "“opens in May”", "*", "_"])
INLINE = st.recursive(
    WORDS | TEXT,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(" ".join),
        inner.map(lambda t: f"*{t}*"),
        inner.map(lambda t: f"`{t}`"),
        st.tuples(inner, IDS).map(lambda p: f"[{p[0]}](@{p[1]})"),
        st.tuples(inner, IDS).map(lambda p: f"[{p[0]}](claim:{p[1]})"),
        st.tuples(inner, URLS).map(lambda p: f"[{p[0]}]({p[1]})"),
    ),
    max_leaves=10,
)
BLOCK = st.recursive(
    INLINE,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map("\n\n".join),
        inner.map(lambda t: "> " + t.replace("\n", "\n> ")),
        inner.map(lambda t: "- " + t.replace("\n", "\n  ")),
        inner.map(lambda t: "1. " + t.replace("\n", "\n   ")),
        inner.map(lambda t: "# " + t.replace("\n", " ")),
        inner.map(lambda t: f"```\n{t}\n```"),
        st.integers(1, 200).map(lambda depth: "> " * depth + "deep"),
    ),
    max_leaves=12,
)


@st.composite
def front_matter_text(draw: st.DrawFn) -> str:
    """Valid YAML most of the time; sometimes cut short or with a character put in anywhere."""
    text = yaml.safe_dump(draw(FRONT), allow_unicode=True, sort_keys=False)
    mangle = draw(st.sampled_from(["none", "none", "none", "insert", "cut"]))
    if mangle != "none" and text:
        at = draw(st.integers(0, len(text)))
        extra = draw(st.sampled_from(["\t", ":", "- ", "&a ", "*a", "<<: ", "!!python/object ", "{", "\x00", "'"]))
        text = text[:at] + extra + text[at:] if mangle == "insert" else text[:at]
    return text


# --- the property -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_dir() -> Iterator[Path]:
    """One site folder for every case (Hypothesis runs many cases per test; tmp_path is per test)."""
    folder = Path(tempfile.mkdtemp(prefix="ssg-fuzz-"))
    (folder / "content" / "articles").mkdir(parents=True)
    (folder / "content" / "actors").mkdir()
    (folder / "site.toml").write_text(SITE_TOML)
    (folder / "content" / "actors" / "tom-brandt.md").write_text("---\nname: Tom Brandt\n---\nA councillor.\n")
    yield folder
    shutil.rmtree(folder)


def loads_or_reports(site: Path, article: str) -> None:
    """The property: a Report of well-formed diagnostics (SiteError), or a site that also builds; nothing else."""
    (site / ARTICLE).write_text(article, encoding="utf-8")
    options = RunOptions(site_dir=site, output_dir=site.parent / f"{site.name}-out", jobs=1, use_cache=False)
    report = Report()
    try:
        Pipeline(options).load(report)
    except SiteError:
        assert report.has_errors
    for diagnostic in report.diagnostics:
        assert diagnostic.path in (ARTICLE, "content/actors/tom-brandt.md"), diagnostic
        assert diagnostic.line >= 0 and diagnostic.col >= 0 and diagnostic.message, diagnostic
    if not report.has_errors:
        try:
            Pipeline(options).run()
        except SiteError as error:  # only template or link problems may stop a build that loaded
            assert error.report.has_errors


@FUZZ
@given(front=front_matter_text(), body=BLOCK)
def test_any_front_matter_gives_a_site_or_diagnostics(site_dir: Path, front: str, body: str) -> None:
    loads_or_reports(site_dir, f"---\n{front}---\n{body}\n")


@FUZZ
@given(body=BLOCK, claims=st.lists(CLAIM, max_size=3))
def test_any_body_gives_a_site_or_diagnostics(site_dir: Path, body: str, claims: list) -> None:
    people = {"ada-quill": {"name": "Ada Quill", "aliases": ["Квіл", "奎尔"]}, "tom-brandt": None}
    front = {"title": "Eastport Bridge", "date": dt.date(2031, 1, 2), "people": people, "claims": claims}
    loads_or_reports(site_dir, f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n{body}\n")

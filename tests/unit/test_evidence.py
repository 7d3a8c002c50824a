"""Evidence and the URL rule in front matter (SPEC §3): plain URLs, {text, url} items, unsafe schemes refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssg.errors import Report
from ssg.model.content import parse_profile
from ssg.model.types import Evidence
from ssg.source import parse_source
from tests.unit.test_model import article, errors

HEAD = "---\ntitle: Bridge\ndate: 2031-01-02\npeople:\n  ada-quill: Ada Quill\n"
CLAIM = "claims:\n  - id: bridge\n    by: ada-quill\n    text: The bridge opens in May.\n"


def claim_evidence(evidence_yaml: str) -> tuple[tuple[Evidence, ...], list]:
    result, report = article(HEAD + CLAIM + evidence_yaml + "---\nBody.\n")
    assert result is not None
    evidence = result.claims[0].evidence if result.claims else ()
    return evidence, errors(report)


def test_evidence_takes_plain_urls_and_text_with_an_optional_url() -> None:
    evidence, found = claim_evidence(
        "    evidence:\n"
        "      - https://example.org/minutes\n"
        "      - {text: Eastport council minutes, url: /documents/minutes/}\n"
        "      - text: Ada Quill's letter to the council\n"
    )
    assert found == []
    assert evidence == (
        Evidence("https://example.org/minutes", "https://example.org/minutes"),
        Evidence("Eastport council minutes", "/documents/minutes/"),
        Evidence("Ada Quill's letter to the council", None),
    )
    assert [e.plain for e in evidence] == [True, False, False]


def test_plain_text_evidence_is_an_error_with_a_hint() -> None:
    _, found = claim_evidence("    evidence: [Eastport labour market bulletin]\n")
    assert found == [
        (
            10,
            16,
            "evidence 'Eastport labour market bulletin' is not a URL: write {text: Eastport labour market bulletin} "
            "for a source without a link",
            None,
        )
    ]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "' JavaScript:alert(1)'",
        "JAVASCRIPT:alert(1)",
        "'jav&#x09;ascript:alert(1)'",
        "'&#106;avascript:alert(1)'",
        '"jav\\tascript:alert(1)"',
        '"java\\u200bscript:alert(1)"',
        "'data:text/html,<b>x</b>'",
        "vbscript:msgbox",
        "//evil.example/",
        "'c:\\windows'",
    ],
)
def test_unsafe_urls_are_errors_at_their_value(url: str) -> None:
    text = HEAD.replace("  ada-quill: Ada Quill\n", f"  ada-quill: {{name: Ada Quill, url: {url}}}\n") + "---\nBody.\n"
    _, report = article(text)
    [(line, col, message, _)] = errors(report)
    assert (line, col) == (5, 37)
    assert message.startswith("unsafe URL in 'url': ")


@pytest.mark.parametrize("key", ["image", "url"])
def test_people_and_source_urls_follow_the_rule(key: str) -> None:
    _, report = article("---\ntitle: T\ndate: 2031-01-02\nsource: {name: Eastport Post, url: 'data:x'}\n---\nB\n")
    assert [(line, col) for line, col, *_ in errors(report)] == [(4, 36)]
    text = HEAD.replace("  ada-quill: Ada Quill\n", f"  ada-quill:\n    name: Ada Quill\n    {key}: javascript:x\n")
    _, report = article(text + "---\nBody.\n")
    assert errors(report) == [
        (
            7,
            7 + len(key),
            f"unsafe URL in '{key}': the scheme 'javascript:' is not allowed "
            "(use http:, https:, mailto: or a site path)",
            None,
        )
    ]


def test_evidence_urls_follow_the_rule() -> None:
    _, found = claim_evidence("    evidence:\n      - javascript:alert(1)\n      - {text: Minutes, url: ' data:x'}\n")
    assert [(line, col) for line, col, *_ in found] == [(11, 9), (12, 30)]


def test_safe_urls_pass() -> None:
    text = HEAD.replace(
        "  ada-quill: Ada Quill\n",
        "  ada-quill: {name: Ada Quill, url: 'mailto:ada@eastport.example', image: ada.jpg}\n",
    )
    result, report = article(text + "source: {name: Eastport Post, url: 'HTTPS://post.example/'}\n---\nB\n")
    assert errors(report) == []
    assert result is not None and result.people[0].image == "ada.jpg"


@pytest.mark.parametrize("value", ["Q0", "q12", "Q١٢", "Q²", "Q12x"])
def test_wikidata_must_be_a_q_id(value: str) -> None:
    text = HEAD.replace("  ada-quill: Ada Quill\n", f"  ada-quill: {{name: Ada Quill, wikidata: '{value}'}}\n")
    _, report = article(text + "---\nB\n")
    assert [m for _, _, m, _ in errors(report)] == [f"invalid Wikidata id '{value}': it looks like Q6012"]


def test_profile_urls_follow_the_rule() -> None:
    report = Report()
    rel_path = "content/actors/ada-quill.md"
    doc = parse_source(
        "---\nname: Ada Quill\nimage: 'data:image/png;base64,AAAA'\n---\nBio.\n", rel_path, Path(rel_path), report
    )
    assert doc is not None
    parse_profile(doc, "ada-quill", report)
    assert [(d.line, d.col) for d in report.errors] == [(3, 8)]


def test_open_data_keeps_plain_urls_as_strings_and_writes_text_items_as_objects() -> None:
    import json

    import jsonschema

    from ssg.render.data import SCHEMA_DIR, csv_cell, json_parts

    evidence = [
        Evidence("https://example.org/minutes", "https://example.org/minutes"),
        Evidence("Eastport council minutes", "/files/minutes.pdf"),
        Evidence("Ada Quill's letter", None),
    ]
    items = [e.url if e.plain else {"text": e.text, "url": e.url} for e in evidence]
    record = {"evidence": items}
    assert json.loads("".join(json_parts([record]))) == [record]
    assert "".join(json_parts([{"evidence": items[:1]}])) == f"[\n{json.dumps({'evidence': items[:1]})}\n]\n"
    assert csv_cell(items) == "https://example.org/minutes|/files/minutes.pdf|Ada Quill's letter"
    schema = json.loads((SCHEMA_DIR / "claims.schema.json").read_text())
    jsonschema.validate(items, schema["items"]["properties"]["evidence"])


def test_an_evidence_item_without_text_or_url_is_an_error_once() -> None:
    _, found = claim_evidence("    evidence:\n      - {}\n      - {url: 'javascript:x'}\n")
    assert [(line, message.split(":")[0]) for line, _, message, _ in found] == [
        (11, "an evidence item needs 'text' or 'url'"),
        (12, "unsafe URL in 'url'"),
    ]

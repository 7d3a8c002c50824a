"""Open data (SPEC §6): /data/claims.json, /data/actors.json and their CSV twins, valid against the shipped JSON
Schema and cross-checked with the model."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

import jsonschema
import pytest

from .conftest import Built


def load(built: Built, name: str) -> list[dict[str, Any]]:
    """A JSON export, validated against the schema shipped beside it in the output."""
    schema = json.loads(built.text(f"/data/{name}.schema.json"))
    jsonschema.Draft202012Validator.check_schema(schema)
    records = json.loads(built.text(f"/data/{name}.json"))
    jsonschema.Draft202012Validator(schema).validate(records)
    return records


@pytest.mark.parametrize("name", ["claims", "actors"])
def test_schemas_reject_a_broken_record(example: Built, name: str) -> None:
    schema = json.loads(example.text(f"/data/{name}.schema.json"))
    record = load(example, name)[0]
    for broken in ({**record, "id": "Not An Id"}, {k: v for k, v in record.items() if k != "url"}, {**record, "x": 1}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate([broken], schema, cls=jsonschema.Draft202012Validator)
    jsonschema.validate(schema["examples"][0], schema, cls=jsonschema.Draft202012Validator)


def test_every_claim_of_every_article_appears_once(any_site: Built) -> None:
    site = any_site.site
    records = load(any_site, "claims")
    keys = Counter((r["article"], r["id"]) for r in records)
    expected = {(any_site.absolute(a.path), c.id) for a in site.articles for c in a.claims}
    assert set(keys) == expected and max(keys.values()) == 1
    claims = {(any_site.absolute(c.article_path), c.id): c for c in site.claims}
    for record in records:
        claim = claims[(record["article"], record["id"])]
        assert record["url"] == f"{record['article']}#claim-{claim.id}"
        assert record["url"].startswith(any_site.base_url)
        assert record["speaker"] == claim.speaker_id and record["speaker"] in site.actors
        assert record["about"] == list(claim.about_ids)
        assert (record["quote"], record["text"]) == (claim.quote, claim.text)
        assert record["date"] == claim.date.isoformat()
        assert record["verdict"] == claim.verdict_id
        verdict = site.verdict(claim.verdict_id)
        assert record["verdict_label"] == (verdict.label if verdict else None)
        assert record["rating"] == (site.config.rating(claim.verdict_id) if claim.verdict_id else None)
    assert [r["url"] for r in records] == [any_site.absolute(c.path) for c in site.claims]  # newest first


def test_example_claim_record(example: Built) -> None:
    (record,) = [r for r in load(example, "claims") if r["id"] == "minsk-our-ally"]
    assert record["verdict"] == "true" and record["verdict_label"] == "True" and record["rating"] == 4
    assert record["speaker"] == "peskov" and record["quote"] == "Minsk is our ally" and record["text"] is None
    (unrated,) = [r for r in load(example, "claims") if r["id"] == "calm-accord"]
    assert unrated["verdict"] == "unverified" and unrated["rating"] is None


def test_actor_counts_match_the_model_and_the_claims(any_site: Built) -> None:
    site = any_site.site
    actors = load(any_site, "actors")
    claims = load(any_site, "claims")
    assert [a["id"] for a in actors] == list(site.actors)
    by = Counter(c["speaker"] for c in claims)
    about = Counter(a for c in claims for a in c["about"])
    for record in actors:
        actor = site.actors[record["id"]]
        assert record["url"] == any_site.absolute(actor.path) and any_site.file(actor.path).is_file()
        assert (record["name"], record["type"], record["role"]) == (actor.name, actor.type, actor.role)
        assert record["aliases"] == list(actor.aliases) and record["wikidata"] == actor.wikidata
        assert record["articles"] == len(actor.article_keys)
        assert record["articles"] == sum(actor.id in a.actor_ids for a in site.articles)
        assert record["claims_by"] == by[actor.id] == len(actor.claims_by)
        assert record["claims_about"] == about[actor.id] == len(actor.claims_about)


@pytest.mark.parametrize("name", ["claims", "actors"])
def test_csv_twins_hold_the_same_records(any_site: Built, name: str) -> None:
    records = load(any_site, name)
    rows = list(csv.DictReader(io.StringIO(any_site.text(f"/data/{name}.csv"), newline="")))
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        assert list(row) == list(record)
        for key, value in record.items():
            if isinstance(value, list):
                assert (row[key].split("|") if row[key] else []) == value
            elif value is None:
                assert row[key] == ""
            else:
                assert row[key] == str(value)


TRICKY_RECORDS = [
    {"id": "a", "about": [], "quote": 'He said "no" \\ then\nleft', "rating": 3, "verdict": None, "flag": True},
    {"id": "b", "about": ["x", "y"], "quote": "Curly “quotes”, Ünïcödé, </script> & \u2028", "rating": None},
    {"id": "c", "nested": {"k": [1, {"z": None}]}, "empty": {}, "deep": [[1, 2], []], "num": 1.5},
]


@pytest.mark.parametrize("count", [0, 1, 3])
def test_streamed_json_is_one_record_a_line_of_the_same_json(count: int) -> None:
    """claims.json is written a record at a time, one a line (a diff shows which claims changed); what
    readers parse must not depend on that."""
    from ssg.render.data import json_parts

    records = TRICKY_RECORDS[:count]
    text = "".join(json_parts(iter(records)))
    assert json.loads(text) == records and text.endswith("]\n")
    lines = text.split("\n")[1:-2] if records else []  # not splitlines(): a quote may hold U+2028
    assert [json.loads(line.removesuffix(",")) for line in lines] == records


def test_streamed_csv_batches_join_into_one_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from ssg.render import data

    monkeypatch.setattr(data, "CSV_BATCH", 2)
    records = [{"id": f"r{i}", "about": ["p", "q"][: i % 3], "text": None if i % 2 else f"line\n{i}"} for i in range(7)]
    parts = list(data.csv_parts(iter(records)))
    assert len(parts) == 4  # three full batches and the rest
    rows = list(csv.DictReader(io.StringIO("".join(parts), newline="")))
    assert [r["id"] for r in rows] == [f"r{i}" for i in range(7)]
    assert rows[1]["text"] == "" and rows[2]["text"] == "line\n2" and rows[2]["about"] == "p|q"

"""Open data (SPEC §6): every claim and every actor as JSON and CSV, with a JSON Schema beside each.

The files are produced a record at a time (`data_file_parts`): claims.json is 23 MB at 10,000 articles, and
building it whole (a list of dicts, then Python's indenting encoder) took 120 MB and most of a second. JSON
is one record a line."""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ssg.model.types import Site
from ssg.render.recording import read_fields

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


CLAIM_FIELDS = (
    "id", "article_path", "article_title", "path", "speaker_id", "about_ids", "quote", "text", "date",
    "verdict_id", "review", "evidence",
)  # fmt: skip


def claim_records(site: Site) -> Iterator[dict[str, Any]]:
    """Every claim, newest first by its date; `verdict_label` and `rating` spare users a look-up in site.toml.
    Each claim's fields are taken at once (`read_fields`: recorded as read, without a proxy call each)."""
    urls, config = site.urls, site.config
    absolute = urls.absolute
    # a verdict's label and rating, and an article's URL, made once, not once a claim (35,000 at 10,000 articles)
    verdicts = {v.id: (v.label, config.rating(v.id)) for v in config.verdicts}
    article_url = functools.cache(absolute)
    for claim in site.claims:
        (key, article_path, article_title, path, speaker, about, quote, text, date, verdict_id, review, evidence) = (
            read_fields(claim, CLAIM_FIELDS)
        )
        label, rating = verdicts.get(verdict_id, (None, None))  # none for an unrated claim
        yield {
            "id": key,
            "article": article_url(article_path),
            "article_title": article_title,
            "url": absolute(path),
            "speaker": speaker,
            "about": list(about),
            "quote": quote,
            "text": text,
            "date": date.isoformat(),
            "verdict": verdict_id,
            "verdict_label": label,
            "rating": rating,  # SPEC §2; null when unscored
            "review": review,
            "evidence": [e.url if e.plain else {"text": e.text, "url": e.url} for e in evidence],
        }


def actor_records(site: Site) -> Iterator[dict[str, Any]]:
    """Every actor, A–Z by name, with the counts its page shows."""
    urls = site.urls
    for a in site.actors.values():
        yield {
            "id": a.id,
            "name": a.name,
            "type": a.type,
            "role": a.role,
            "aliases": list(a.aliases),
            "wikidata": a.wikidata,
            "url": urls.absolute(a.path),
            "articles": len(a.article_keys),
            "claims_by": len(a.claims_by),
            "claims_about": len(a.claims_about),
        }


CSV_BATCH = 1000  # rows a part


def csv_parts(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """One row a record, a header from the first record's keys (every record has the same keys in the same
    order: a plain writer, not DictWriter's check of each row's keys); lists joined with '|' (a character ids
    and URLs never hold)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for count, record in enumerate(records, start=1):
        if count == 1:
            writer.writerow(record)
        writer.writerow([csv_cell(value) for value in record.values()])
        if count % CSV_BATCH == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def csv_cell(value: Any) -> Any:
    """A list joined with '|' (an evidence item given as {text, url} by its url, else its text); null is empty."""
    if isinstance(value, list):
        return "|".join(item if isinstance(item, str) else item["url"] or item["text"] for item in value)
    return "" if value is None else value


def json_parts(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The records as a JSON array, one record a line (each through the C encoder), a record at a time: a
    diff of two builds shows which claims changed (and claims.json at 10,000 articles is 22.8 MB, not 25.4)."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    first = True
    for record in records:
        yield ("[\n" if first else ",\n") + encode(record)
        first = False
    yield "[]\n" if first else "\n]\n"


def data_file_parts(site: Site, name: str) -> Iterator[str]:
    """One file of /data/, in parts: the shipped schema as is, or the records as JSON (a record a line) or CSV."""
    if name.endswith(".schema.json"):
        yield (SCHEMA_DIR / name).read_text(encoding="utf-8")
        return
    records = claim_records(site) if name.startswith("claims") else actor_records(site)
    yield from csv_parts(records) if name.endswith(".csv") else json_parts(records)


def render_data_file(site: Site, name: str) -> bytes:
    """One file of /data/ whole (UTF-8)."""
    return "".join(data_file_parts(site, name)).encode("utf-8")

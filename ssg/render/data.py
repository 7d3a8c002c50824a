"""Open data (SPEC §6): every claim and every actor as JSON and CSV, with a JSON Schema beside each."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ssg.model.types import Site

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


def claim_records(site: Site) -> list[dict[str, Any]]:
    """Every claim, newest first by its date; `verdict_label` and `rating` spare users a look-up in site.toml."""
    urls = site.urls
    return [
        {
            "id": c.id,
            "article": urls.absolute(c.article_path),
            "article_title": c.article_title,
            "url": urls.absolute(c.path),
            "speaker": c.speaker_id,
            "about": list(c.about_ids),
            "quote": c.quote,
            "text": c.text,
            "date": c.date.isoformat(),
            "verdict": c.verdict_id,
            "verdict_label": verdict.label if (verdict := site.verdict(c.verdict_id)) else None,
            "rating": site.config.rating(c.verdict_id) if c.verdict_id else None,  # SPEC §2; null when unscored
            "review": c.review,
            "evidence": list(c.evidence),
        }
        for c in site.claims
    ]


def actor_records(site: Site) -> list[dict[str, Any]]:
    """Every actor, A–Z by name, with the counts its page shows."""
    urls = site.urls
    return [
        {
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
        for a in site.actors.values()
    ]


def to_csv(records: list[dict[str, Any]]) -> bytes:
    """One row a record; lists joined with '|' (a character ids and URLs never hold)."""
    out = io.StringIO()
    if records:
        writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow(
                {k: "|".join(v) if isinstance(v, list) else "" if v is None else v for k, v in record.items()}
            )
    return out.getvalue().encode("utf-8")


def render_data_file(site: Site, name: str) -> bytes:
    """One file of /data/: the shipped schema as is, or the records as JSON (UTF-8, indented) or CSV."""
    if name.endswith(".schema.json"):
        return (SCHEMA_DIR / name).read_bytes()
    records = claim_records(site) if name.startswith("claims") else actor_records(site)
    if name.endswith(".csv"):
        return to_csv(records)
    return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

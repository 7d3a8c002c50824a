"""The Jinja environment: the site's templates/ over the shipped default theme, strict and autoescaped."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ssg.model.types import Date, Site, day_of
from ssg.render.dates import newest, rfc3339, sitemap_entries
from ssg.render.jsonld import build_jsonld
from ssg.render.social import social_meta

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"


def template_dirs(site_dir: Path) -> list[Path]:
    """Where templates are looked up, first match wins (SPEC §1: the site's own, then the default theme)."""
    return [site_dir / "templates", THEME_DIR / "templates"]


def create_environment(site_dir: Path, site: Site) -> Environment:
    """One environment per build (and per worker): its globals read this build's Site."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs(site_dir)]),
        autoescape=select_autoescape(("html", "xml"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        site=site,
        config=site.config,
        url=site.urls.url,
        absolute_url=site.urls.absolute,
        get_actor=site.actors.__getitem__,
        get_article=site.article,
        get_verdict=site.verdict,
        # SPEC §6 structured data, feeds and sitemap: computed in Python, printed by the templates
        jsonld=partial(build_jsonld, site),
        social_meta=partial(social_meta, site),
        sitemap_entries=partial(sitemap_entries, site),
        newest=newest,
    )
    env.filters.update(date=format_date, isodate=iso_date, rfc3339=rfc3339, json=to_json, plural=plural)
    return env


def format_date(value: Date | None) -> str:
    """`6 March 2025`: the same in every locale the build runs in."""
    if value is None:
        return ""
    day = day_of(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def iso_date(value: Date) -> str:
    """`2025-03-06`, or the full ISO 8601 datetime when a time was given."""
    return value.isoformat()


def to_json(value: Any) -> Markup:
    """JSON safe inside <script>: '<', '>' and '&' escaped."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=False, indent=None)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else many or singular + 's'}"

"""The Jinja environment: the site's templates/ over the shipped default theme, strict and autoescaped."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)
from jinja2.bccache import Bucket
from jinja2.runtime import Macro
from markupsafe import Markup

from ssg.model.types import Date, Site, day_of
from ssg.render.dates import newest, rfc3339, sitemap_entries
from ssg.render.jsonld import build_jsonld
from ssg.render.recording import RecordingEnvironment, recorded
from ssg.render.social import social_meta

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"


def template_dirs(site_dir: Path) -> list[Path]:
    """Where templates are looked up, first match wins (SPEC §1: the site's own, then the default theme)."""
    return [site_dir / "templates", THEME_DIR / "templates"]


class CompiledTemplates(BytecodeCache):
    """Compiled templates kept in memory between the builds of one process (`ssg serve`), and inherited by its
    forked workers. Jinja stores each with its source's checksum: an edited template is compiled again."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def create_environment(site_dir: Path, site: Site, compiled: BytecodeCache | None = None) -> Environment:
    """One environment per build (and per worker): its globals read this build's Site, and it records what each
    page reads (render/recording.py)."""
    env = RecordingEnvironment(
        bytecode_cache=compiled,
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs(site_dir)]),
        autoescape=select_autoescape(("html", "xml"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no need to stat every template on every page
    )
    env.globals.update(
        site=site,
        config=site.config,
        url=memoized(site.urls.url),
        absolute_url=memoized(site.urls.absolute),
        get_actor=site.actors.__getitem__,
        get_article=site.article,
        get_verdict=site.verdict,
        # SPEC §6 structured data, feeds and sitemap: computed in Python (reading tracked records), printed by
        # the templates
        jsonld=recorded(env, build_jsonld, site),
        social_meta=recorded(env, social_meta, site),
        sitemap_entries=recorded(env, sitemap_entries, site),
        newest=recorded(env, newest),
    )
    env.filters.update(date=format_date, isodate=iso_date, rfc3339=rfc3339, json=to_json, plural=plural)
    memoize_macros(env)
    return env


def memoized(function: Callable[[str], str]) -> Callable[[str], str]:
    """One environment's cache of a pure function of a string (URLs are asked for again and again)."""
    return functools.lru_cache(maxsize=None)(function)


MACRO_MODULE = "partials/macros.html"
MEMOIZED_MACROS = ("claim_item", "article_item", "actor_link", "verdict_badge")


def memoize_macros(env: Environment) -> None:
    """A claim or article appears in many lists (its actors' pages, tags, the indexes): render its list item once
    per build. Safe because macros imported without context depend only on their arguments and the
    environment's globals, which are this build's; `{% from %}` imports reuse the template's cached module,
    so replacing its macros with memoized ones serves every template that imports them."""
    for module, name, macro in shared_macros(env):
        if isinstance(macro, Macro):
            setattr(module, name, MemoizedMacro(macro, env))


def forget_memoized(env: Environment) -> None:
    """Drop what the memoized macros kept: a long-lived process frees it now, instead of leaving it for the
    cyclic collector to find in the environment (a quarter of a million objects after the claims page)."""
    for _, _, macro in shared_macros(env):
        if isinstance(macro, MemoizedMacro):
            macro.results.clear()


def shared_macros(env: Environment) -> Iterator[tuple[Any, str, Any]]:
    """(module, name, macro or None) of each of MEMOIZED_MACROS in the theme's macro module, if it has one."""
    try:
        module = env.get_template(MACRO_MODULE).module
    except TemplateNotFound:
        return
    for name in MEMOIZED_MACROS:
        yield module, name, getattr(module, name, None)


class MemoizedMacro:
    """A macro whose output is kept per arguments (records by identity: they are frozen for the build), with
    the capture of what its first call read (render/recording.py), which counts again for every page that uses
    the kept output. An output kept while nothing was recorded is made again the first time a page records."""

    def __init__(self, macro: Macro, env: Environment):
        self.macro = macro
        self.env = env
        self.results: dict[tuple, tuple[tuple, Markup | bytes, int | None]] = {}

    def __call__(self, *args: Any, **kwargs: Any) -> Markup:
        key = (tuple(id(a) if is_record(a) else a for a in args), tuple(sorted(kwargs.items())))
        recorder = getattr(self.env, "recorder", None)
        found = self.results.get(key)
        if found is None or (recorder is not None and found[2] is None):
            if recorder is not None:
                recorder.begin()
            try:
                output = self.macro(*args, **kwargs)
            finally:
                capture = recorder.end() if recorder is not None else None
            self.results[key] = (args, kept(output), capture)  # args kept: ids stay unique
            return output
        if recorder is not None:
            recorder.replay(found[2])  # type: ignore[arg-type]
        output = found[1]
        return Markup(output.decode("utf-8")) if isinstance(output, bytes) else output


def kept(output: Markup) -> Markup | bytes:
    """A macro's output as a memo keeps it: text with a character past Latin-1 (a curly quote, a dash) is held
    by Python at two or four bytes a character, so it is kept as UTF-8 (at 10,000 articles a render worker kept
    77,000 claim and article list items, 51 million characters, nearly all of them such text)."""
    return output if output.isascii() else output.encode("utf-8")


def is_record(value: Any) -> bool:
    return hasattr(value, "__dataclass_fields__")


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
    """JSON safe inside <script>: '<', '>' and '&' escaped; compact (JSON-LD is read by machines, and its
    spaces were 4% of a 10,000-article site's bytes)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else many or singular + 's'}"

"""site.toml -> a frozen SiteConfig (SPEC §2, §9). Every unknown key, wrong type or bad value is a diagnostic."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ssg.errors import Report, Stage, did_you_mean

CONFIG_FILE = "site.toml"
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
PERMALINK_FIELDS = ("slug", "year", "month", "day")
WINDOWS_RESERVED = re.compile(r"(con|prn|aux|nul|(com|lpt)[0-9¹²³])(\..*)?\Z", re.IGNORECASE)
MAX_NAME_BYTES = 255  # the longest file name most file systems take


def name_problem(name: str) -> str | None:
    """Why a name cannot be a folder of the output (a slug, an actor or verdict id, a tag), or None: every output
    path must stay a plain path inside the output folder on any system (security.md)."""
    if name in ("", ".", "..") or re.search(r"[/\\\x00-\x1f\x7f]", name):
        return "a file name cannot be empty, '.', '..' or hold '/', '\\' or control characters"
    if WINDOWS_RESERVED.match(name):
        return f"'{name.split('.')[0]}' is a reserved file name on Windows"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"a file name is at most {MAX_NAME_BYTES} bytes"
    return None


@dataclass(frozen=True, slots=True)
class Verdict:
    id: str
    label: str
    scored: bool = True
    description: str = ""


@dataclass(frozen=True, slots=True)
class GitTarget:
    """A branch of a git repository (GitHub Pages, Codeberg Pages, any git host)."""

    name: str
    remote: str
    branch: str = "gh-pages"
    cname: str | None = None
    message: str = "Publish {date}"


@dataclass(frozen=True, slots=True)
class DirTarget:
    """A local folder, or a remote one reached through rsync (`user@host:/path`)."""

    name: str
    path: str


@dataclass(frozen=True, slots=True)
class S3Target:
    """Any S3-compatible bucket; credentials come from the environment or AWS config only."""

    name: str
    bucket: str
    prefix: str = ""
    region: str | None = None
    endpoint_url: str | None = None
    cache_control: tuple[tuple[str, str], ...] = ()  # (glob, header), first match wins


PublishTarget = GitTarget | DirTarget | S3Target


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The whole of site.toml, validated, with defaults filled in."""

    title: str
    base_url: str  # absolute, always ends with '/'
    language: str = "en"
    description: str = ""
    publisher: str = ""
    articles_per_page: int = 10
    claims_per_page: int = 50
    permalink: str = "/articles/{slug}/"
    autolink: str = "first"
    raw_html: bool = False
    feed_size: int = 20
    feed_full_content: bool = False
    verdicts: tuple[Verdict, ...] = ()
    publish: tuple[PublishTarget, ...] = field(default=())

    @property
    def base_path(self) -> str:
        """The base_url's path prefix: '/' or '/monitor/'."""
        return urlsplit(self.base_url).path or "/"

    def verdict(self, verdict_id: str) -> Verdict | None:
        for verdict in self.verdicts:  # a handful; a plain loop (the open data asks once per claim: 35,000)
            if verdict.id == verdict_id:
                return verdict
        return None

    @property
    def scale(self) -> tuple[Verdict, ...]:
        """The scored verdicts, best first."""
        return tuple(v for v in self.verdicts if v.scored)

    def rating(self, verdict_id: str) -> int | None:
        """A scored verdict's numeric rating: best = count of scored verdicts, worst = 1 (SPEC §2)."""
        scale = [v.id for v in self.scale]
        return len(scale) - scale.index(verdict_id) if verdict_id in scale else None


# --- the schema: key -> (type, default) per table ---------------------------------------------------------------

SITE_KEYS: dict[str, type] = {
    "title": str,
    "base_url": str,
    "language": str,
    "description": str,
    "publisher": str,
}
BUILD_KEYS: dict[str, type] = {
    "articles_per_page": int,
    "claims_per_page": int,
    "permalink": str,
    "autolink": str,
    "raw_html": bool,
    "feed_size": int,
    "feed_full_content": bool,
}
VERDICT_KEYS: dict[str, type] = {"id": str, "label": str, "scored": bool, "description": str}
PUBLISH_KEYS: dict[str, dict[str, type]] = {
    "git": {"kind": str, "remote": str, "branch": str, "cname": str, "message": str},
    "dir": {"kind": str, "path": str},
    "s3": {
        "kind": str,
        "bucket": str,
        "prefix": str,
        "region": str,
        "endpoint_url": str,
        "cache_control": dict,
    },
}
PUBLISH_REQUIRED = {"git": ("remote",), "dir": ("path",), "s3": ("bucket",)}
TOP_KEYS = ("site", "build", "verdicts", "publish")
TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", dict: "a table", list: "an array"}


class KeyLines:
    """Line numbers of keys in TOML text; tomllib keeps no positions, so scan the text (good enough for
    the plain tables of site.toml)."""

    HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    KEY = re.compile(r"""\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")

    def __init__(self, text: str):
        self.lines: dict[tuple, int] = {}
        table: tuple = ()
        counts: dict[tuple, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            header = self.HEADER.match(line)
            if header:
                path = tuple(self._unquote(p) for p in header.group(2).split("."))
                if header.group(1) == "[[":
                    counts[path] = counts.get(path, -1) + 1
                    table = (*path, counts[path])
                else:
                    table = path
                self.lines.setdefault(table, number)
                continue
            key = self.KEY.match(line)
            if key:
                self.lines.setdefault((*table, self._unquote(key.group(1))), number)

    @staticmethod
    def _unquote(part: str) -> str:
        part = part.strip()
        return part[1:-1] if part[:1] in "\"'" and part[-1:] == part[:1] else part

    def line(self, *path: Any) -> int:
        """The line of a key or table, or of the nearest enclosing table that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


class ConfigReader:
    """Checks one parsed site.toml against the schema, adding a diagnostic per problem."""

    def __init__(self, text: str, report: Report, rel_path: str = CONFIG_FILE):
        self.keys = KeyLines(text)
        self.report = report
        self.rel_path = rel_path

    def error(self, path: tuple, message: str, suggestion: str | None = None) -> None:
        self.report.error(self.rel_path, self.keys.line(*path), 1, message, suggestion, Stage.CONFIG)

    def table(self, data: Any, path: tuple, schema: dict[str, type]) -> dict[str, Any]:
        """The keys of `data` that match the schema; unknown keys and wrong types are errors."""
        name = ".".join(str(p) for p in path if not isinstance(p, int))
        if not isinstance(data, dict):
            self.error(path, f"'{name}' must be a table")
            return {}
        good = {}
        for key, value in data.items():
            if key not in schema:
                header = f"[[{name}]] number {path[-1] + 1}" if isinstance(path[-1], int) else f"[{name}]"
                self.error((*path, key), f"unknown key '{key}' in {header}", did_you_mean(key, schema))
            elif not isinstance(value, schema[key]) or (schema[key] is int and isinstance(value, bool)):
                self.error((*path, key), f"'{name}.{key}' must be {TYPE_NAMES[schema[key]]}")
            else:
                good[key] = value
        return good

    def read(self, data: dict[str, Any]) -> SiteConfig | None:
        errors_before = len(self.report.errors)
        for key in data:
            if key not in TOP_KEYS:
                self.error((key,), f"unknown key '{key}'", did_you_mean(key, TOP_KEYS))
        site = self.table(data.get("site", {}), ("site",), SITE_KEYS)
        build = self.table(data.get("build", {}), ("build",), BUILD_KEYS)
        given = data.get("site", {}) if isinstance(data.get("site", {}), dict) else {}
        if "title" not in given:
            self.error(("site",), "missing required key 'site.title'")
        base_url = self.base_url(site.get("base_url"), "base_url" in given)
        self.check_build(build)
        verdicts = self.verdicts(data.get("verdicts", []))
        publish = self.publish(data.get("publish", {}))
        if len(self.report.errors) > errors_before or base_url is None:
            return None
        return SiteConfig(
            **{**site, "base_url": base_url},
            **build,
            verdicts=verdicts,
            publish=publish,
        )

    def base_url(self, value: str | None, given: bool) -> str | None:
        if value is None:
            if not given:  # given but not a string: reported by table() already
                self.error(("site",), "missing required key 'site.base_url'")
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            self.error(
                ("site", "base_url"),
                f"'site.base_url' must be an absolute http(s) URL such as 'https://example.org/', not '{value}'",
            )
            return None
        return value if value.endswith("/") else value + "/"

    def check_build(self, build: dict[str, Any]) -> None:
        if build.get("articles_per_page", 1) < 1:
            self.error(("build", "articles_per_page"), "'build.articles_per_page' must be at least 1")
        if build.get("claims_per_page", 1) < 1:
            self.error(("build", "claims_per_page"), "'build.claims_per_page' must be at least 1")
        if build.get("feed_size", 1) < 1:
            self.error(("build", "feed_size"), "'build.feed_size' must be at least 1")
        autolink = build.get("autolink", "first")
        if autolink not in ("first", "all", "none"):
            self.error(
                ("build", "autolink"),
                f'\'build.autolink\' must be "first", "all" or "none", not \'{autolink}\'',
                did_you_mean(autolink, ("first", "all", "none")),
            )
        permalink = build.get("permalink")
        if permalink is not None:
            self.check_permalink(permalink)

    def check_permalink(self, permalink: str) -> None:
        where = ("build", "permalink")
        if not permalink.startswith("/"):
            self.error(where, f"'build.permalink' must start with '/', not '{permalink}'")
        for name in re.findall(r"\{([^}]*)\}", permalink):
            if name not in PERMALINK_FIELDS:
                self.error(
                    where,
                    f"unknown placeholder '{{{name}}}' in 'build.permalink' (use {{slug}} {{year}} {{month}} {{day}})",
                    did_you_mean(name, PERMALINK_FIELDS),
                )
        if re.search(r"[\\\x00-\x1f\x7f]", permalink):
            self.error(where, "'build.permalink' must not hold a backslash or control characters")
        for segment in [] if "\\" in permalink else permalink.split("/")[1:-1]:
            problem = name_problem(segment) if "{" not in segment and segment else None
            if problem or segment in (".", ".."):
                self.error(where, f"'build.permalink' has a bad part '{segment}': {problem or 'no . or .. parts'}")
        if "{slug}" not in permalink:
            self.error(where, "'build.permalink' must contain {slug} so that every article gets its own URL")

    def verdicts(self, data: Any) -> tuple[Verdict, ...]:
        if not isinstance(data, list):
            self.error(("verdicts",), "'verdicts' must be an array of tables ([[verdicts]])")
            return ()
        verdicts: list[Verdict] = []
        for index, entry in enumerate(data):
            path = ("verdicts", index)
            fields = self.table(entry, path, VERDICT_KEYS)
            if not isinstance(entry, dict):
                continue
            for required in ("id", "label"):
                if required not in entry:
                    self.error(path, f"verdict {index + 1} has no '{required}'")
            verdict_id = fields.get("id")
            if verdict_id is None or "label" not in fields:
                continue
            if not ID_PATTERN.match(verdict_id):
                self.error((*path, "id"), f"verdict id '{verdict_id}' must match [a-z0-9][a-z0-9-]*")
            elif name_problem(verdict_id):
                self.error((*path, "id"), f"verdict id '{verdict_id[:40]}' names a folder: {name_problem(verdict_id)}")
            elif any(v.id == verdict_id for v in verdicts):
                self.error((*path, "id"), f"verdict id '{verdict_id}' is given twice")
            else:
                verdicts.append(Verdict(**fields))
        return tuple(verdicts)

    def publish(self, data: Any) -> tuple[PublishTarget, ...]:
        if not isinstance(data, dict):
            self.error(("publish",), "'publish' must be a table of targets ([publish.<name>])")
            return ()
        targets: list[PublishTarget] = []
        for name, entry in data.items():
            path = ("publish", name)
            kind = entry.get("kind") if isinstance(entry, dict) else None
            if kind not in PUBLISH_KEYS:
                shown = f"'{kind}'" if kind is not None else "missing"
                self.error(
                    (*path, "kind") if kind is not None else path,
                    f'publish target \'{name}\' needs kind = "git", "dir" or "s3" ({shown})',
                    did_you_mean(str(kind), PUBLISH_KEYS) if kind is not None else None,
                )
                continue
            fields = self.table(entry, path, PUBLISH_KEYS[kind])
            missing = [key for key in PUBLISH_REQUIRED[kind] if key not in entry]
            for key in missing:
                self.error(path, f"publish target '{name}' needs '{key}'")
            if missing or len(fields) < len(entry):
                continue
            fields.pop("kind")
            if kind == "git":
                targets.append(GitTarget(name=name, **fields))
            elif kind == "dir":
                targets.append(DirTarget(name=name, **fields))
            else:
                targets.append(self.s3_target(name, fields))
        return tuple(targets)

    def s3_target(self, name: str, fields: dict[str, Any]) -> S3Target:
        rules = fields.pop("cache_control", {})
        for glob, header in rules.items():
            if not isinstance(header, str):
                self.error(("publish", name, "cache_control", glob), f"cache_control '{glob}' must be a string")
        prefix = fields.pop("prefix", "").strip("/")
        return S3Target(
            name=name,
            prefix=prefix + "/" if prefix else "",
            cache_control=tuple((g, h) for g, h in rules.items() if isinstance(h, str)),
            **fields,
        )


def load_config(site_dir: Path, report: Report, base_url: str | None = None) -> SiteConfig | None:
    """Read and validate `site_dir/site.toml`; None (with diagnostics) when it is missing or wrong.

    `base_url` overrides the file's (`ssg build --base-url`).
    """
    path = site_dir / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        report.error(CONFIG_FILE, 0, 0, f"no {CONFIG_FILE} in {site_dir} (is --site right?)", stage=Stage.CONFIG)
        return None
    except (OSError, UnicodeDecodeError) as exc:
        report.error(CONFIG_FILE, 0, 0, f"cannot read {CONFIG_FILE}: {exc}", stage=Stage.CONFIG)
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col = _toml_error_place(str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)$", "", str(exc))
        report.error(CONFIG_FILE, line, col, f"invalid TOML: {message}", stage=Stage.CONFIG)
        return None
    if base_url is not None:
        data.setdefault("site", {})
        if isinstance(data["site"], dict):
            data["site"]["base_url"] = base_url
    return ConfigReader(text, report).read(data)


def _toml_error_place(message: str) -> tuple[int, int]:
    match = re.search(r"at line (\d+), column (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 0)

"""Read a Markdown source file: split the YAML front matter from the body, keeping every value's line.

PyYAML's composed nodes carry 0-based marks; we turn them into plain Python values wrapped in `YamlMap` /
`YamlList`, which remember where each key and value stood, so later stages can point at `file:line:col`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from ssg.errors import Report

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same nodes, much faster
FENCE = "---"


class Position(NamedTuple):
    """A place in a file (a tuple: there are tens of thousands per build, and tuples are cheap to make)."""

    line: int  # 1-based, in the file
    col: int  # 1-based


class YamlMap(dict):
    """A mapping from front matter, with the position of the mapping, of each key and of each value.

    `raw[key]` is a scalar value's source text: `verdict: true` is the id "true", not the boolean.
    """

    def __init__(self, pos: Position):
        super().__init__()
        self.pos = pos
        self.key_pos: dict[str, Position] = {}
        self.value_pos: dict[str, Position] = {}
        self.raw: dict[str, str] = {}

    def where(self, key: str) -> Position:
        """Where a key's value stands, else the key, else the mapping itself."""
        return self.value_pos.get(key) or self.key_pos.get(key) or self.pos


class YamlList(list):
    """A sequence from front matter, with the position of the sequence and of each item."""

    def __init__(self, pos: Position):
        super().__init__()
        self.pos = pos
        self.item_pos: list[Position] = []
        self.raw: list[str | None] = []


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """One Markdown file: its front matter (None when it has none) and its body."""

    rel_path: str  # '/'-separated, from the site root
    path: Path
    meta: YamlMap | None
    body: str  # NFC-normalised
    body_line: int  # the file line (1-based) of the body's first line
    text: str = field(repr=False, default="")


def parse_source(text: str, rel_path: str, path: Path, report: Report) -> SourceDoc | None:
    """Split and parse one file's text; None (with a diagnostic) when its front matter is unreadable."""
    text, front, body, body_line = split_source(text)
    if front is None:
        return SourceDoc(rel_path, path, None, text, 1, text)
    if body_line == 0:
        report.error(rel_path, 1, 1, "front matter is not closed: add a line '---' after it")
        return None
    meta = parse_front_matter(front, rel_path, 2, report)
    if meta is None:
        return None
    return SourceDoc(rel_path, path, meta, body, body_line, text)


def split_source(text: str) -> tuple[str, str | None, str, int]:
    """(the text NFC-normalised, its front matter or None when it has none, the body, the body's first line);
    the body line is 0 when the front matter is not closed."""
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        return text, None, text, 1
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if end is None:
        return text, "", "", 0
    return text, "\n".join(lines[1:end]), "\n".join(lines[end + 1 :]), end + 2


def parse_front_matter(front: str, rel_path: str, first_line: int, report: Report) -> YamlMap | None:
    """YAML text -> YamlMap with file positions; duplicate keys are errors at their second occurrence.

    Hostile YAML is bounded (security.md): nesting deeper than MAX_DEPTH is refused before composing (libyaml's
    composer recurses in C and crashes the process at some 100,000 levels), and aliases may not expand the
    document beyond its own size plus ALIAS_ALLOWANCE values ("billion laughs")."""
    try:
        deep = too_deep(front)
        if deep is not None:
            line, col = deep.line + first_line, deep.column + 1
            report.error(rel_path, line, col, f"front matter nested more than {MAX_DEPTH} levels deep")
            return None
        node = yaml.compose(front, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        lines = front.split("\n")
        if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            problem += " (a tab: YAML is indented with spaces)"
        report.error(rel_path, line, col, f"invalid YAML in front matter: {problem}")
        return None
    except yaml.YAMLError as exc:
        report.error(rel_path, first_line, 1, f"invalid YAML in front matter: {exc}")
        return None
    if node is None:
        return YamlMap(Position(first_line - 1, 1))
    if not isinstance(node, yaml.MappingNode):
        pos = _pos(node, first_line)
        report.error(rel_path, pos.line, pos.col, "front matter must be a mapping of keys to values")
        return None
    converter = _Converter(rel_path, first_line, report, budget=ALIAS_ALLOWANCE + len(front))
    try:
        meta = converter.convert(node)
    except _Overflow as exc:
        pos = converter.top_key or _pos(exc.node, first_line)
        report.error(rel_path, pos.line, pos.col, f"front matter {exc.what}")
        return None
    meta.pos = Position(first_line - 1, 1)  # SPEC §3: a missing field points at the opening '---'
    return meta


def _pos(node: yaml.Node, first_line: int) -> Position:
    return Position(node.start_mark.line + first_line, node.start_mark.column + 1)


MAX_DEPTH = 50  # front matter nests 3 or 4 levels (claims > claim > evidence > item)
ALIAS_ALLOWANCE = 10_000  # values aliases may add beyond the text's length (which bounds an alias-free document)
YAML_TAG = "tag:yaml.org,2002:"
PLAIN_TAGS = frozenset(YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map"))
OPENERS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
CLOSERS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def too_deep(front: str) -> yaml.Mark | None:
    """Where the YAML first nests deeper than MAX_DEPTH, else None. Only the parser's events are read, and only
    when a cheap bound on the depth (brackets, indentation, leading '- ' runs) says it could be that deep."""
    lines = front.split("\n")
    indent = max((len(line) - len(line.lstrip(" ")) for line in lines), default=0)
    dashes = max((len(re.match(r"(?:[-?:]\s+)*", line.lstrip(" ")).group()) for line in lines), default=0)
    if front.count("[") + front.count("{") + indent + dashes <= MAX_DEPTH:
        return None
    try:
        return _first_too_deep(front, Loader)
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" not in str(exc.problem):
            raise
        # libyaml >= 0.2.6 stops at its own limit (1,000 levels) and may scan that far ahead before its first
        # event; the pure-Python parser finds where MAX_DEPTH was first passed.
        return _first_too_deep(front, yaml.SafeLoader)


def _first_too_deep(front: str, loader: type) -> yaml.Mark | None:
    depth = 0
    for event in yaml.parse(front, Loader=loader):
        if isinstance(event, OPENERS):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark
        elif isinstance(event, CLOSERS):
            depth -= 1
    return None


def tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(YAML_TAG) if tag.startswith(YAML_TAG) else tag


class _Overflow(Exception):
    """Conversion stopped: aliases expand too far or refer to themselves (caught in parse_front_matter)."""

    def __init__(self, node: yaml.Node, what: str):
        super().__init__(what)
        self.node, self.what = node, what


class _Converter:
    """Turns composed YAML nodes into YamlMap / YamlList / plain scalars; tags beyond plain data, merge keys
    and runaway aliases are refused (security.md)."""

    def __init__(self, rel_path: str, first_line: int, report: Report, budget: int):
        self.rel_path = rel_path
        self.first_line = first_line
        self.report = report
        self.constructor = yaml.SafeLoader("")  # only its scalar constructors are used
        self.budget = budget  # values left to make: aliases share nodes, so each use is counted again
        self.depth = 0
        self.top_key: Position | None = None  # the top-level key being converted: where an overflow is reported

    def convert(self, node: yaml.Node) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _Overflow(node, "grows too large through aliases (*name) repeated inside one another")
        if node.tag not in PLAIN_TAGS:
            pos = _pos(node, self.first_line)
            if node.tag == YAML_TAG + "merge":
                self.report.error(self.rel_path, pos.line, pos.col, "'<<' merge keys are not supported")
            else:
                message = f"YAML tag '{tag_name(node.tag)}' is not allowed: front matter holds plain data"
                self.report.error(self.rel_path, pos.line, pos.col, message)
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Overflow(node, "refers to itself: an alias (*name) stands inside its own anchor (&name)")
        try:
            return self.mapping(node) if isinstance(node, yaml.MappingNode) else self.sequence(node)
        finally:
            self.depth -= 1

    def sequence(self, node: yaml.SequenceNode) -> YamlList:
        items = YamlList(_pos(node, self.first_line))
        for child in node.value:
            items.append(self.convert(child))
            items.item_pos.append(_pos(child, self.first_line))
            items.raw.append(child.value if isinstance(child, yaml.ScalarNode) else None)
        return items

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag == "tag:yaml.org,2002:str":
            return node.value  # most values: no constructor needed
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError):  # e.g. a date like 2025-02-30: kept as text, the field's check reports it
            return node.value

    def mapping(self, node: yaml.MappingNode) -> YamlMap:
        result = YamlMap(_pos(node, self.first_line))
        for key_node, value_node in node.value:
            key_pos = _pos(key_node, self.first_line)
            if not isinstance(key_node, yaml.ScalarNode):
                self.report.error(self.rel_path, key_pos.line, key_pos.col, "a key must be a plain name")
                continue
            if key_node.tag == YAML_TAG + "merge":
                message = "'<<' merge keys are not supported: write the fields out"
                self.report.error(self.rel_path, key_pos.line, key_pos.col, message)
                continue
            if key_node.tag not in PLAIN_TAGS:
                message = f"YAML tag '{tag_name(key_node.tag)}' is not allowed: front matter holds plain data"
                self.report.error(self.rel_path, key_pos.line, key_pos.col, message)
                continue
            key = key_node.value
            if self.depth == 1:
                self.top_key = key_pos
            if key in result:
                self.report.error(self.rel_path, key_pos.line, key_pos.col, f"duplicate key '{key}'")
                continue
            result[key] = self.convert(value_node)
            result.key_pos[key] = key_pos
            result.value_pos[key] = _pos(value_node, self.first_line)
            if isinstance(value_node, yaml.ScalarNode):
                result.raw[key] = value_node.value
        return result


def read_text(path: Path, rel_path: str, report: Report) -> str | None:
    """A content file's text; None (with a diagnostic at the first bad byte) when it cannot be read or is not
    UTF-8. CRLF and CR line ends become LF, as Python's text mode makes them."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.error(rel_path, 0, 0, f"cannot read: {exc.strerror}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[data.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")) + 1
        report.error(rel_path, line, col, f"not UTF-8 text: {exc.reason} (byte {exc.start}); save the file as UTF-8")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


@dataclass(frozen=True, slots=True)
class ContentFiles:
    """Every file under content/ by kind; paths are (absolute path, rel_path) pairs in sorted order."""

    articles: tuple[tuple[Path, str], ...] = ()
    profiles: tuple[tuple[Path, str], ...] = ()
    pages: tuple[tuple[Path, str], ...] = ()
    assets: tuple[tuple[Path, str], ...] = ()  # every non-Markdown file (page bundles, images, PDFs)
    ignored: tuple[tuple[Path, str], ...] = ()  # Markdown in no place the SPEC gives meaning to
    outside_links: tuple[str, ...] = ()  # rel_paths of symlinks leaving the site (content/, templates/): refused


MARKDOWN_SUFFIXES = (".md", ".markdown")
IGNORED_NAMES = (".DS_Store", "Thumbs.db", ".gitignore", ".gitkeep")
DOT_FOLDERS_KEPT = (".well-known",)  # other dot-folders (.git, .obsidian) are tools' files, not content
EDITOR_NOISE = (".swp", ".swo", ".swx", ".tmp", "~")  # swap and temporary files of editors, never content


def discover_content(site_dir: Path) -> ContentFiles:
    """List content/ (SPEC §1): articles/*.md or articles/<slug>/index.md, actors/<id>.md, pages/<slug>.md."""
    content = site_dir / "content"
    found: dict[str, list[tuple[Path, str]]] = {k: [] for k in ("articles", "profiles", "pages", "assets", "ignored")}
    outside = links_leaving(site_dir)
    if not content.is_dir() or "content" in outside:
        return ContentFiles(outside_links=outside)
    for inner in walk_files(content):
        if f"content/{inner}" in outside:
            continue
        parts = inner.split("/")
        name = parts[-1]
        suffix = os.path.splitext(name)[1].lower()
        if (
            any(p.startswith(".") and p not in DOT_FOLDERS_KEPT for p in parts[:-1])
            or (name.startswith(".") and suffix in MARKDOWN_SUFFIXES)
            or name in IGNORED_NAMES
            or name.endswith(EDITOR_NOISE)
            or name.startswith(".#")
        ):
            continue
        if suffix not in MARKDOWN_SUFFIXES:
            kind = "assets"
        elif parts[0] == "articles" and (len(parts) == 2 or (len(parts) == 3 and os.path.splitext(name)[0] == "index")):
            kind = "articles"
        elif parts[0] == "actors" and len(parts) == 2:
            kind = "profiles"
        elif parts[0] == "pages" and len(parts) == 2:
            kind = "pages"
        else:
            kind = "ignored"
        found[kind].append((content / inner, f"content/{inner}"))
    return ContentFiles(**{kind: tuple(files) for kind, files in found.items()}, outside_links=outside)


LINKED_FOLDERS = ("content", "templates")  # templates/static/ included


def links_leaving(site_dir: Path) -> tuple[str, ...]:
    """The rel_paths of symlinks under content/ and templates/ (or those folders themselves) that resolve outside
    the site folder: refused, so that a link cannot publish or render a file from elsewhere on the machine
    (security.md). Links that stay inside the site are fine. Linked folders are not entered (as os.walk)."""
    site = site_dir.resolve()
    found: list[str] = []
    stack: list[Path] = []
    for name in LINKED_FOLDERS:
        root = site_dir / name
        if root.is_symlink() and not root.resolve().is_relative_to(site):
            found.append(name)
        elif root.is_dir():
            stack.append(root)
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # unreadable: reading its files reports it
        for entry in entries:
            if entry.is_symlink():
                if not Path(entry.path).resolve().is_relative_to(site):
                    found.append(Path(entry.path).relative_to(site_dir).as_posix())
            elif entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
    return tuple(sorted(found))


def content_rel_path(site_dir: Path, path: Path) -> str | None:
    """A path's name as discover_content gives it ('content/articles/x.md'); None outside content/."""
    content, path = (site_dir / "content").resolve(), path.resolve()
    return "content/" + path.relative_to(content).as_posix() if path.is_relative_to(content) else None


def walk_files(root: Path) -> list[str]:
    """Every file below root as a '/'-separated path relative to it, in path order (os.walk and strings: much
    faster than Path.rglob and Path objects for 10,000 files). Lists content/ and, for writing, the output."""
    found = []
    for folder, _, names in os.walk(root):
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        found.extend(names if prefix == "." else (f"{prefix}/{name}" for name in names))
    return sorted(found, key=lambda rel: rel.split("/"))

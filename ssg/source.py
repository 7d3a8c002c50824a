"""Read a Markdown source file: split the YAML front matter from the body, keeping every value's line.

PyYAML's composed nodes carry 0-based marks; we turn them into plain Python values wrapped in `YamlMap` /
`YamlList`, which remember where each key and value stood, so later stages can point at `file:line:col`.
"""

from __future__ import annotations

import os
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
    """YAML text -> YamlMap with file positions; duplicate keys are errors at their second occurrence."""
    try:
        node = yaml.compose(front, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        problem = exc.problem or exc.context or "invalid YAML"
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
    converter = _Converter(rel_path, first_line, report)
    meta = converter.convert(node)
    meta.pos = Position(first_line - 1, 1)  # SPEC §3: a missing field points at the opening '---'
    return meta


def _pos(node: yaml.Node, first_line: int) -> Position:
    return Position(node.start_mark.line + first_line, node.start_mark.column + 1)


class _Converter:
    """Turns composed YAML nodes into YamlMap / YamlList / plain scalars."""

    def __init__(self, rel_path: str, first_line: int, report: Report):
        self.rel_path = rel_path
        self.first_line = first_line
        self.report = report
        self.constructor = yaml.SafeLoader("")  # only its scalar constructors are used

    def convert(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node)
        if isinstance(node, yaml.SequenceNode):
            items = YamlList(_pos(node, self.first_line))
            for child in node.value:
                items.append(self.convert(child))
                items.item_pos.append(_pos(child, self.first_line))
                items.raw.append(child.value if isinstance(child, yaml.ScalarNode) else None)
            return items
        return self.scalar(node)

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
            key = key_node.value
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
    """A content file's text; None (with a diagnostic) when it cannot be read or is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        report.error(rel_path, 0, 0, f"not UTF-8 text: {exc.reason} at byte {exc.start}")
    except OSError as exc:
        report.error(rel_path, 0, 0, f"cannot read: {exc.strerror}")
    return None


@dataclass(frozen=True, slots=True)
class ContentFiles:
    """Every file under content/ by kind; paths are (absolute path, rel_path) pairs in sorted order."""

    articles: tuple[tuple[Path, str], ...] = ()
    profiles: tuple[tuple[Path, str], ...] = ()
    pages: tuple[tuple[Path, str], ...] = ()
    assets: tuple[tuple[Path, str], ...] = ()  # every non-Markdown file (page bundles, images, PDFs)
    ignored: tuple[tuple[Path, str], ...] = ()  # Markdown in no place the SPEC gives meaning to


MARKDOWN_SUFFIXES = (".md", ".markdown")
IGNORED_NAMES = (".DS_Store", "Thumbs.db", ".gitignore", ".gitkeep")
DOT_FOLDERS_KEPT = (".well-known",)  # other dot-folders (.git, .obsidian) are tools' files, not content
EDITOR_NOISE = (".swp", ".swo", ".swx", ".tmp", "~")  # swap and temporary files of editors, never content


def discover_content(site_dir: Path) -> ContentFiles:
    """List content/ (SPEC §1): articles/*.md or articles/<slug>/index.md, actors/<id>.md, pages/<slug>.md."""
    content = site_dir / "content"
    found: dict[str, list[tuple[Path, str]]] = {k: [] for k in ("articles", "profiles", "pages", "assets", "ignored")}
    if not content.is_dir():
        return ContentFiles()
    for inner in walk_files(content):
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
    return ContentFiles(**{kind: tuple(files) for kind, files in found.items()})


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

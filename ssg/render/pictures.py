"""Small static SVG pictures (SPEC §6): bar charts of claims and the network of actors who appear together.

Pure functions: plain data in, SVG markup out. Deterministic (coordinates rounded to 0.1, no randomness), no
JavaScript, printable. Colours are never written here: a bar carries `data-verdict="<id>"`, which the verdict
tones of base.html (made from site.toml) colour through the `--v-line` CSS variable; the theme's CSS does the rest.
Every picture has an accessible name (`role="img"` + `aria-label`; a network, whose nodes are links, its
`<title>` and `aria-label`); the templates put a text equivalent beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True)
class Segment:
    """Part of a bar: the claims with one verdict (None: not rated)."""

    verdict_id: str | None
    count: int


@dataclass(frozen=True, slots=True)
class Column:
    """One bar: its label (`March 2025`) and its segments, bottom first."""

    label: str
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        return sum(s.count for s in self.segments)


@dataclass(frozen=True, slots=True)
class Node:
    """An actor in a network picture: `href` its page, `weight` what orders and sizes it."""

    id: str
    label: str
    href: str
    weight: int


@dataclass(frozen=True, slots=True)
class Edge:
    """Two actors and the number of articles they share."""

    source: str
    target: str
    weight: int


def num(value: float) -> str:
    """A coordinate, rounded so the output never depends on float noise."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def svg_open(name: str, width: float, height: float, kind: str, image: bool = True) -> str:
    """A chart is an image with a name (`role="img"`); a network, whose nodes are links, keeps the SVG's own role
    (a graphics document), named by its `<title>`: an image's parts are hidden from assistive technology, so links
    inside one could be focused but not announced."""
    role = ' role="img"' if image else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="picture {kind}"{role} aria-label="{escape(name)}"'
        f' viewBox="0 0 {num(width)} {num(height)}" width="{num(width)}" height="{num(height)}">'
        f"<title>{escape(name)}</title>"
    )


def segment_rect(segment: Segment, x: float, y: float, width: float, height: float) -> str:
    verdict = f' data-verdict="{escape(segment.verdict_id)}"' if segment.verdict_id else ""
    return (
        f'<rect class="bar{"" if segment.verdict_id else " bar-none"}"{verdict} x="{num(x)}" y="{num(y)}"'
        f' width="{num(width)}" height="{num(height)}"/>'
    )


MIN_COLUMNS_WIDTH = 160


def render_columns(columns: Sequence[Column], name: str, height: int = 120) -> Markup:
    """Vertical bars, stacked by verdict, left to right (a timeline: one column a month)."""
    peak = max((c.total for c in columns), default=0) or 1
    step = max(4.0, min(24.0, 640 / max(1, len(columns))))
    top, bottom, left = 14, 18, 4
    width = max(MIN_COLUMNS_WIDTH, left * 2 + step * len(columns))  # room for a month's name under a lone bar
    parts = [svg_open(name, width, height + top + bottom, "chart-columns")]
    for index, column in enumerate(columns):
        x = left + index * step
        y = top + height
        detail = ", ".join(f"{s.count} {s.verdict_id or 'not rated'}" for s in column.segments if s.count)
        parts.append(
            f"<g><title>{escape(column.label)}: {column.total}{f' ({escape(detail)})' if detail else ''}</title>"
        )
        for segment in column.segments:
            if segment.count:
                bar = height * segment.count / peak
                y -= bar
                parts.append(segment_rect(segment, x + 0.5, y, step - 1, bar))
        parts.append("</g>")
    parts.append(f'<line class="axis" x1="{left}" y1="{top + height}" x2="{num(width - left)}" y2="{top + height}"/>')
    parts.append(f'<text class="tick" x="{left}" y="10">{peak}</text>')
    if columns:
        base = top + height + 13
        parts.append(f'<text class="tick" x="{left}" y="{base}">{escape(columns[0].label)}</text>')
        if len(columns) > 1:
            end = num(width - left)
            parts.append(
                f'<text class="tick" x="{end}" y="{base}" text-anchor="end">{escape(columns[-1].label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def render_bars(rows: Sequence[tuple[str, Segment]], name: str) -> Markup:
    """Horizontal bars, one a row (label, count): a scorecard of claims per verdict."""
    peak = max((s.count for _, s in rows), default=0) or 1
    label_width, bar_width, row = 130, 200, 22
    width = label_width + bar_width + 40
    parts = [svg_open(name, width, row * len(rows) + 4, "chart-bars")]
    for index, (label, segment) in enumerate(rows):
        y = 2 + index * row
        parts.append(f"<g><title>{escape(label)}: {segment.count}</title>")
        parts.append(f'<text class="label" x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        length = bar_width * segment.count / peak
        parts.append(segment_rect(segment, label_width, y + 3, max(length, 1 if segment.count else 0), row - 6))
        parts.append(f'<text class="value" x="{num(label_width + length + 4)}" y="{y + 15}">{segment.count}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def circle_layout(count: int, radius: float, cx: float, cy: float) -> list[tuple[float, float, float]]:
    """(x, y, angle) of `count` places on a circle, the first at the top, clockwise: a deterministic layout
    where the order of the nodes (strongest first) is the only input."""
    places = []
    for index in range(count):
        angle = -math.pi / 2 + 2 * math.pi * index / max(1, count)
        places.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle))
    return places


def short(label: str, limit: int = 28) -> str:
    """A label that fits beside its node; the node's <title> and the table beside the picture give it whole."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def node_link(node: Node, x: float, y: float, size: float, label: str) -> str:
    return (
        f'<a class="node" href="{escape(node.href)}" data-actor="{escape(node.id)}"><title>{escape(node.label)}</title>'
        f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(size)}"/>{label}</a>'
    )


def edge_line(a: tuple[float, float], b: tuple[float, float], weight: int, peak: int) -> str:
    stroke = 0.75 + 4 * weight / peak
    return (
        f'<line class="edge" x1="{num(a[0])}" y1="{num(a[1])}" x2="{num(b[0])}" y2="{num(b[1])}"'
        f' stroke="currentColor" stroke-opacity="0.45" stroke-width="{num(stroke)}"><title>{weight}</title></line>'
    )


def render_ego_network(centre: Node, neighbours: Sequence[Node], name: str) -> Markup:
    """An actor and the actors they appear with (strongest first, clockwise from the top), each edge as thick as
    the articles they share."""
    width, height, radius = 720.0, 300.0, 105.0
    cx, cy = width / 2, height / 2
    places = circle_layout(len(neighbours), radius, cx, cy)
    peak = max((n.weight for n in neighbours), default=1) or 1
    parts = [svg_open(name, width, height, "network network-ego", image=False)]
    parts += [edge_line((cx, cy), (x, y), n.weight, peak) for n, (x, y, _) in zip(neighbours, places, strict=True)]
    for node, (x, y, angle) in zip(neighbours, places, strict=True):
        right = math.cos(angle) >= -1e-9
        lx = x + (9 if right else -9)
        anchor = "start" if right else "end"
        label = f'<text x="{num(lx)}" y="{num(y + 4)}" text-anchor="{anchor}">{escape(short(node.label))}</text>'
        parts.append(node_link(node, x, y, 5 + 3 * node.weight / peak, label))
    parts.append(
        node_link(
            centre,
            cx,
            cy,
            9,
            f'<text class="centre" x="{num(cx)}" y="{num(cy - 14)}" text-anchor="middle">{escape(centre.label)}</text>',
        )
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def render_network(nodes: Sequence[Node], edges: Sequence[Edge], name: str) -> Markup:
    """The most connected actors on a circle (most connected first, clockwise from the top), the strongest edges
    between them as chords, labels outward."""
    radius = 300.0
    size = 2 * (radius + 200)
    cx = cy = size / 2
    places = {n.id: p for n, p in zip(nodes, circle_layout(len(nodes), radius, cx, cy), strict=True)}
    peak_edge = max((e.weight for e in edges), default=1) or 1
    peak_node = max((n.weight for n in nodes), default=1) or 1
    parts = [svg_open(name, size, size, "network network-site", image=False)]
    for edge in edges:
        a, b = places[edge.source], places[edge.target]
        parts.append(edge_line(a[:2], b[:2], edge.weight, peak_edge))
    for node in nodes:
        x, y, angle = places[node.id]
        degrees = math.degrees(angle)
        right = math.cos(angle) >= -1e-9
        lx, ly = cx + (radius + 12) * math.cos(angle), cy + (radius + 12) * math.sin(angle)
        turn = degrees if right else degrees + 180
        anchor = "start" if right else "end"
        label = (
            f'<text x="{num(lx)}" y="{num(ly)}" dy="0.35em" text-anchor="{anchor}"'
            f' transform="rotate({num(turn)} {num(lx)} {num(ly)})">{escape(short(node.label))}</text>'
        )
        parts.append(node_link(node, x, y, 3 + 5 * node.weight / peak_node, label))
    parts.append("</svg>")
    return Markup("".join(parts))

#!/usr/bin/env python3
"""Draw how a cold build's time and memory grow with the number of articles, as one static SVG.

    python bench/plot_growth.py bench/results/growth.json docs/growth.svg

The input is `run_bench.py --out` JSON (one or more files, their sizes merged). Two panels: wall seconds and
peak RSS (MB) of the cold build against articles, each with the straight line through the origin and the
largest size, so a curve that bends upward (worse than linear) shows at a glance. No plotting library: the
figure is a few lines and circles, and the bench should run where ssg runs.
"""

from __future__ import annotations

import json
import sys
from html import escape
from pathlib import Path

WIDTH, HEIGHT, PAD = 320, 220, 48


def load(paths: list[Path]) -> dict[int, dict]:
    sizes: dict[int, dict] = {}
    for path in paths:
        for size, kinds in json.loads(path.read_text(encoding="utf-8"))["sizes"].items():
            sizes[int(size)] = kinds
    return dict(sorted(sizes.items()))


def panel(x0: int, title: str, unit: str, points: list[tuple[int, float]]) -> str:
    """One chart: the measured points joined, and the line through the origin and the last point (linear)."""
    top_x = max(x for x, _ in points)
    top_y = max(y for _, y in points) * 1.1
    inner_w, inner_h = WIDTH - PAD - 12, HEIGHT - 2 * PAD

    def at(x: float, y: float) -> tuple[float, float]:
        return x0 + PAD + inner_w * x / top_x, PAD + inner_h * (1 - y / top_y)

    last_x, last_y = points[-1]
    lx, ly = at(last_x, last_y)
    ox, oy = at(0, 0)
    measured = " ".join(f"{px:.1f},{py:.1f}" for px, py in (at(x, y) for x, y in points))
    parts = [
        f'<text x="{x0 + PAD}" y="{PAD - 18}" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{ox:.1f}" y1="{oy:.1f}" x2="{x0 + PAD + inner_w}" y2="{oy:.1f}" stroke="currentColor"/>',
        f'<line x1="{ox:.1f}" y1="{oy:.1f}" x2="{ox:.1f}" y2="{PAD}" stroke="currentColor"/>',
        f'<line x1="{ox:.1f}" y1="{oy:.1f}" x2="{lx:.1f}" y2="{ly:.1f}" stroke="currentColor" '
        'stroke-dasharray="4 3" stroke-opacity="0.6"/>',
        f'<polyline points="{measured}" fill="none" stroke="currentColor" stroke-width="2"/>',
        f'<text x="{x0 + PAD + inner_w}" y="{oy + 30:.1f}" text-anchor="end">articles</text>',
        f'<text x="{ox - 6:.1f}" y="{PAD - 4}" text-anchor="end">{escape(unit)}</text>',
    ]
    for x, y in points:
        px, py = at(x, y)
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5"><title>{x:,} articles: {y:,.0f} {unit}</title></circle>'
        )
        parts.append(f'<text x="{px:.1f}" y="{oy + 15:.1f}" text-anchor="middle">{x // 1000}k</text>')
        last = x == last_x  # its label to the left, inside the picture
        anchor, dx = ("end", -6) if last else ("start", 6)
        parts.append(f'<text x="{px + dx:.1f}" y="{py - 6:.1f}" text-anchor="{anchor}">{y:,.0f}</text>')
    return "\n".join(parts)


def draw(sizes: dict[int, dict]) -> str:
    wall = [(size, kinds["cold"]["wall"]) for size, kinds in sizes.items()]
    memory = [(size, kinds["cold"]["rss_mb"]) for size, kinds in sizes.items()]
    label = "Cold build: wall time and peak memory against articles (dashed: linear through the largest)"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {2 * WIDTH} {HEIGHT}" width="{2 * WIDTH}" '
        f'height="{HEIGHT}" font-family="sans-serif" font-size="11" role="img" aria-label="{escape(label)}">\n'
        f"<title>{escape(label)}</title>\n"
        f'<rect width="100%" height="100%" fill="white"/>\n'
        f"{panel(0, 'Wall time, cold', 's', wall)}\n{panel(WIDTH, 'Peak memory, cold', 'MB', memory)}\n</svg>\n"
    )


def main() -> None:
    *inputs, output = sys.argv[1:]
    Path(output).write_text(draw(load([Path(p) for p in inputs])), encoding="utf-8")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark ssg on generated corpora: cold, warm and incremental builds, and the preview's save-to-visible.

    python bench/run_bench.py --sizes 1000 10000 --reps 3 [--serve] [--out bench/results/latest.json]

Each size: make the corpus with ../shared/bench/make_corpus.py (seed 1), then per repetition
  cold       no cache, no previous output
  warm       nothing changed (the cache and output of the cold build)
  article    one article's body edited
  profile    one actor profile edited
  template   templates/article.html changed (every article page renders again)
each a separate `python -m ssg build` under /usr/bin/time -v (wall, user+sys CPU, peak RSS of the largest
process). Medians are printed as a Markdown table. With --serve it also measures, in a real headless
Chromium, the time from writing an edited article to the browser showing the new text (and the rebuild time
`ssg serve` prints), median of 5 edits.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"


def timed_build(site: Path, output: Path, *extra: str) -> dict:
    """One `ssg build` under /usr/bin/time -v."""
    command = [
        "/usr/bin/time",
        "-v",
        sys.executable,
        "-m",
        "ssg",
        "build",
        "--site",
        str(site),
        "--output",
        str(output),
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([*command, *extra], capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stdout}\n{result.stderr}")
    text = result.stderr

    def field(label: str) -> float:
        match = re.search(rf"{re.escape(label)}: (.+)", text)
        return float(match.group(1)) if match else 0.0

    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", text)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rendered = re.search(r"\((\d+) rendered", result.stdout)
    return {
        "wall": seconds,
        "cpu": field("User time (seconds)") + field("System time (seconds)"),
        "rss_mb": field("Maximum resident set size (kbytes)") / 1024,
        "rendered": int(rendered.group(1)) if rendered else None,
    }


def edit_article(site: Path, number: int) -> None:
    path = sorted((site / "content" / "articles").glob("*.md"))[7]
    path.write_text(path.read_text(encoding="utf-8") + f"\nA benchmark edit, number {number}.\n", encoding="utf-8")


def edit_profile(site: Path, number: int) -> None:
    path = sorted((site / "content" / "actors").glob("*.md"))[3]
    path.write_text(path.read_text(encoding="utf-8") + f"\nA benchmark line, number {number}.\n", encoding="utf-8")


def edit_template(site: Path, number: int) -> None:
    """The site's own article.html (the theme's, plus a line): every article page renders again."""
    folder = site / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    theme = (REPO / "ssg" / "theme" / "templates" / "article.html").read_text(encoding="utf-8")
    (folder / "article.html").write_text(theme + f"{{# benchmark edition {number} #}}\n", encoding="utf-8")


def bench_size(size: int, reps: int, work: Path) -> dict:
    corpus = work / f"corpus-{size}"
    if not corpus.exists():
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), "--articles", str(size)], check=True)
    runs: dict[str, list[dict]] = {k: [] for k in ("cold", "warm", "article", "profile", "template")}
    for rep in range(reps):
        site = work / f"site-{size}"
        output = work / f"out-{size}"
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(output, ignore_errors=True)
        shutil.copytree(corpus, site)
        runs["cold"].append(timed_build(site, output))
        runs["warm"].append(timed_build(site, output))
        edit_article(site, rep)
        runs["article"].append(timed_build(site, output))
        edit_profile(site, rep)
        runs["profile"].append(timed_build(site, output))
        edit_template(site, rep)
        runs["template"].append(timed_build(site, output))
        print(f"  {size}: rep {rep + 1}/{reps} done", file=sys.stderr)
    return {
        kind: {key: statistics.median(r[key] for r in results if r[key] is not None) for key in results[0]}
        for kind, results in runs.items()
    }


def retitle(text: str, marker: str) -> str:
    """The article's title with the marker added (inside the quotes of a quoted title)."""

    def add(match: re.Match[str]) -> str:
        value = match.group(1)
        if value[:1] in ("'", '"') and value.endswith(value[0]):
            return f"title: {value[:-1]} {marker}{value[-1]}"
        return f"title: {value} {marker}"

    return re.sub(r"^title: (.*)$", add, text, count=1, flags=re.M)


def bench_serve(size: int, work: Path, edits: int = 5) -> dict:
    """Save-to-visible in a real browser: write an edited article, wait until the open page shows it. First
    body edits (a new closing line), then title edits (front matter: the full rebuild, whose lists change)."""
    from playwright.sync_api import sync_playwright

    site = work / f"serve-{size}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(work / f"corpus-{size}", site)
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ssg", "serve", "--site", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    url = None
    for line in process.stdout:  # type: ignore[union-attr]
        match = re.search(r"at (http://\S+)", line)
        if match:
            url = match.group(1)
            break
    article = sorted((site / "content" / "articles").glob("*.md"))[7]
    results: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page()
        page.goto(f"{url}articles/{article.stem}/")
        for kind in ("body", "title"):
            latencies, rebuilds = [], []
            for number in range(edits):
                marker = f"Visible {kind} edit {number}"
                text = article.read_text(encoding="utf-8")
                edited = text + f"\n{marker}.\n" if kind == "body" else retitle(text, marker)
                started = time.perf_counter()
                article.write_text(edited, encoding="utf-8")
                page.wait_for_function(f"document.body.innerText.includes({json.dumps(marker)})", timeout=120_000)
                latencies.append(time.perf_counter() - started)
                for line in process.stdout:  # type: ignore[union-attr]
                    match = re.search(r"files changed in ([\d.]+) s", line)
                    if match:
                        rebuilds.append(float(match.group(1)))
                        break
            prefix = "" if kind == "body" else "title_"
            results[f"{prefix}save_to_visible"] = statistics.median(latencies)
            results[f"{prefix}rebuild"] = statistics.median(rebuilds)
        browser.close()
    process.terminate()
    process.wait(10)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--serve", action="store_true", help="also measure save-to-visible in the browser")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "ssg-bench")
    parser.add_argument("--out", type=Path, help="write the results as JSON")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "sizes": {},
    }
    for size in args.sizes:
        results["sizes"][size] = bench_size(size, args.reps, args.work)
        if args.serve:
            results["sizes"][size]["serve"] = bench_serve(size, args.work)
    print(f"\n{results['date']}, {results['machine']}, median of {args.reps}\n")
    print("| articles | build | wall s | CPU s | peak RSS MB | pages rendered |")
    print("|---|---|---|---|---|---|")
    for size, kinds in results["sizes"].items():
        for kind, r in kinds.items():
            if kind == "serve":
                continue
            print(f"| {size} | {kind} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss_mb']:.0f} | {r['rendered']:.0f} |")
    for size, kinds in results["sizes"].items():
        if "serve" in kinds:
            s = kinds["serve"]
            print(
                f"\n{size} articles, ssg serve: body edit visible in {s['save_to_visible']:.2f} s "
                f"(rebuild {s['rebuild']:.2f} s), title edit in {s['title_save_to_visible']:.2f} s "
                f"(rebuild {s['title_rebuild']:.2f} s)"
            )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

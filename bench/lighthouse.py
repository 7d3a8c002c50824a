"""Lighthouse scores of the example site's main page kinds (issue 14: measured, not guessed).

Builds the example site into a temporary folder, serves it on loopback with Python's http.server, and runs
Lighthouse (npm `lighthouse@12.2.3`, installed into --tools on first use) against Debian's chromium, desktop
preset and the default mobile emulation. Prints a Markdown table for the README and writes the JSON with
--out. Needs node/npm and /usr/bin/chromium; it never downloads a browser.

    python3 bench/lighthouse.py [--out bench/results/lighthouse.json]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import subprocess
import tempfile
import threading
from pathlib import Path

from ssg.config import load_config
from ssg.errors import Report
from ssg.pipeline import RunOptions, build_site

LIGHTHOUSE = "lighthouse@12.2.3"
CHROMIUM = "/usr/bin/chromium"
PAGES = {
    "home": "/",
    "article": "/articles/lukashenko-peace-talks/",
    "actor": "/actors/putin/",
    "claims": "/claims/",
    "verdicts": "/verdicts/",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
REPO = Path(__file__).resolve().parent.parent


def install(tools: Path) -> Path:
    """The Lighthouse command line, installed once with npm into `tools`."""
    binary = tools / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        tools.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(tools), LIGHTHOUSE], check=True)
    return binary


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def scores(binary: Path, url: str, preset: str | None) -> dict[str, int]:
    """One Lighthouse run: each category's score out of 100."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [
            str(binary),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ]
        if preset:
            command.append(f"--preset={preset}")
        subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
        result = json.loads(report.read_text())
    return {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=Path, default=Path(tempfile.gettempdir()) / "ssg-lighthouse")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    binary = install(args.tools)
    config = load_config(REPO, Report())
    prefix = config.base_path if config else "/"  # the pages link under base_url's path: serve them there
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        build_site(RunOptions(REPO, root / prefix.strip("/"), use_cache=False))
        server, base = serve(root)
        try:
            results = {
                (kind, form): scores(binary, base + prefix.rstrip("/") + path, "desktop" if form == "desktop" else None)
                for kind, path in PAGES.items()
                for form in ("desktop", "phone")
            }
        finally:
            server.shutdown()
    print("| page | form | performance | accessibility | best practices | SEO |")
    print("|---|---|---:|---:|---:|---:|")
    for (kind, form), found in results.items():
        print(f"| {kind} | {form} | " + " | ".join(str(found[c]) for c in CATEGORIES) + " |")
    if args.out:
        data = [{"page": kind, "form": form, **found} for (kind, form), found in results.items()]
        args.out.write_text(json.dumps({"lighthouse": LIGHTHOUSE, "pages": data}, indent=2) + "\n")


if __name__ == "__main__":
    main()

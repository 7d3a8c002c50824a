"""The files besides pages (theme static files, content assets) and the check of internal links (SPEC §1, §4)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path

from ssg.errors import Report
from ssg.pipeline.load import LoadedSite, asset_site_path
from ssg.render.environment import THEME_DIR
from ssg.urls import Urls, resolve_link


def static_files(site_dir: Path) -> Iterator[tuple[Path, str]]:
    """templates/static/ over the theme's static/ -> <output>/static/ (SPEC §1)."""
    seen, site = set(), site_dir.resolve()
    for root in (site_dir / "templates" / "static", THEME_DIR / "static"):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            rel = "static/" + path.relative_to(root).as_posix()
            if root != THEME_DIR / "static" and not path.resolve().is_relative_to(site):
                continue  # a symlink leaving the site: refused, reported by load_site (security.md)
            if path.is_file() and rel not in seen and not path.name.startswith("."):
                seen.add(rel)
                yield path, rel


def content_assets(loaded: LoadedSite) -> Iterator[tuple[Path, str]]:
    """Images and other files under content/, beside their article's page (SPEC §1 page bundles)."""
    bundles = {a.bundle_dir: a.path for a in loaded.site.articles if a.bundle_dir}
    for path, rel_path in loaded.files.assets:
        yield path, Urls.rel_path(asset_site_path(rel_path, bundles))


def linkable_paths(site_dir: Path, loaded: LoadedSite, pages: Iterable[str]) -> set[str]:
    """Every site path a link may lead to: the pages' and every file's (static files, page-bundle assets)."""
    paths = {"/" + rel for _, rel in static_files(site_dir)}
    return paths | {"/" + rel for _, rel in content_assets(loaded)} | set(pages)


def check_links(loaded: LoadedSite, existing: AbstractSet[str], report: Report, strict: bool) -> None:
    """SPEC §4: every internal link in a body must lead to a page or file of the site (`ssg check`: errors).

    Links are as the author wrote them: root-relative ones are relative to the site (SPEC §4), others to the page.
    """
    urls = loaded.site.urls
    for key, page_path, href, line, col in loaded.links:
        site_path = resolve_link(href, page_path)
        if site_path is None:
            continue
        folder = site_path.removesuffix("index.html")
        if site_path in existing or folder in existing or site_path + "/" in existing:
            continue
        message = f"broken link '{href}': no page at {urls.url(site_path)}"
        (report.error if strict else report.warning)(key, line, col, message)

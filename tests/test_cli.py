"""The `ssg` command as a user runs it (SPEC §7): real subprocesses, real folders, exit codes and output files."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from lxml import html as lxml_html

from .conftest import copy_example_site, run_ssg

SUMMARY = re.compile(r"^Built (\d+) pages in (\d+\.\d+) s ", re.MULTILINE)
EXAMPLE_ARTICLE = "content/articles/lukashenko-peace-talks/index.md"


def all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


ARTICLE = """\
---
title: {title}
date: 2025-03-07
draft: {draft}
people:
  putin: Vladimir Putin
---
Putin spoke again.
"""


def test_help_lists_the_commands() -> None:
    result = run_ssg("--help")
    assert result.returncode == 0
    for command in ("build", "check", "new", "init"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), result.stdout


def test_unknown_command_is_bad_usage() -> None:
    assert run_ssg("biuld").returncode == 2


def test_build_writes_the_site_and_prints_a_summary(example_site: Path) -> None:
    result = run_ssg("build", "--site", str(example_site))
    assert result.returncode == 0, result.stderr
    match = SUMMARY.search(result.stdout)
    assert match, result.stdout
    pages = int(match.group(1))
    output = example_site / "build"
    html_pages = [p for p in output.rglob("*") if p.suffix in (".html", ".xml", ".txt", ".json", ".csv")]
    assert pages > 10 and len(html_pages) >= pages
    assert (output / "articles" / "lukashenko-peace-talks" / "index.html").is_file()
    assert (output / "actors" / "lukashenko" / "index.html").is_file()


def test_build_runs_from_the_site_folder_by_default(example_site: Path) -> None:
    result = run_ssg("build", cwd=example_site)
    assert result.returncode == 0, result.stderr
    assert (example_site / "build" / "index.html").is_file()


def test_build_output_option_writes_elsewhere(example_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = run_ssg("build", "--site", str(example_site), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "index.html").is_file()
    assert not (example_site / "build").exists()


@pytest.mark.parametrize("output", [".", "content", ".."])
def test_build_refuses_an_output_folder_holding_the_site(example_site: Path, output: str) -> None:
    before = all_files(example_site)
    result = run_ssg("build", "--output", output, cwd=example_site)
    assert result.returncode == 2
    assert "output" in result.stderr
    assert all_files(example_site) == before  # nothing of the site was touched


def test_base_url_option_moves_every_link_under_the_new_prefix(example_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_ssg(
        "build", "--site", str(example_site), "--output", str(out), "--base-url", "https://staging.example.net/preview/"
    )
    assert result.returncode == 0, result.stderr
    page = (out / "articles" / "lukashenko-peace-talks" / "index.html").read_text(encoding="utf-8")
    tree = lxml_html.fromstring(page)
    internal = [h for h in tree.xpath("//a/@href") if not urlsplit(h).netloc and h.startswith("/")]
    assert internal, "the article links to other pages of the site"
    assert all(h.startswith("/preview/") for h in internal), internal
    assert "/monitor/" not in page
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "https://staging.example.net/preview/articles/lukashenko-peace-talks/" in feed


def test_a_folder_without_site_toml_is_bad_usage(tmp_path: Path) -> None:
    for command in ("build", "check"):
        result = run_ssg(command, "--site", str(tmp_path))
        assert result.returncode == 2, result.stderr
        assert "site.toml" in result.stderr


def test_a_rebuild_of_unchanged_input_renders_and_writes_nothing(example_site: Path) -> None:
    assert run_ssg("build", "--site", str(example_site)).returncode == 0
    page = example_site / "build/articles/lukashenko-peace-talks/index.html"
    before = page.stat().st_mtime_ns
    again = run_ssg("build", "--site", str(example_site))
    assert again.returncode == 0, again.stderr
    assert "(0 rendered; files: 0 written, 0 removed," in again.stdout
    assert page.stat().st_mtime_ns == before


def test_check_on_the_example_site_succeeds_and_writes_nothing(example_site: Path) -> None:
    result = run_ssg("check", "--site", str(example_site))
    assert result.returncode == 0, result.stderr
    assert not (example_site / "build").exists()


def test_check_strict_fails_on_a_warning(example_site: Path) -> None:
    article = example_site / EXAMPLE_ARTICLE
    text = article.read_text(encoding="utf-8")
    quote = "quote: since a large part of Ukrainian society is with him"
    assert text.count(quote) == 1
    article.write_text(text.replace(quote, "quote: words that the article never prints"), encoding="utf-8")
    lenient = run_ssg("check", "--site", str(example_site))
    assert lenient.returncode == 0, lenient.stderr
    assert "warning: the quote of claim 'zelensky-has-support' is not found in the body" in lenient.stderr
    strict = run_ssg("check", "--strict", "--site", str(example_site))
    assert strict.returncode == 1
    assert "zelensky-has-support" in strict.stderr


def test_check_reports_content_errors_with_exit_1(example_site: Path) -> None:
    write(example_site / "content/articles/bad.md", "---\ntitle: Bad\ndate: 2025-01-01\n---\n[x](@nobody)\n")
    result = run_ssg("check", "--site", str(example_site))
    assert result.returncode == 1
    assert "content/articles/bad.md:5:6: error: unknown actor 'nobody'" in result.stderr


# --- new and init -------------------------------------------------------------------------------------------------


def test_new_article_writes_a_draft_whose_front_matter_parses(example_site: Path) -> None:
    result = run_ssg("new", "article", "Putin’s Offer: Talks in Minsk?", "--site", str(example_site))
    assert result.returncode == 0, result.stderr
    path = example_site / "content/articles/putins-offer-talks-in-minsk.md"
    assert path.is_file()
    assert str(path.relative_to(example_site)) in result.stdout
    front = path.read_text(encoding="utf-8").split("---\n")[1]
    meta = yaml.safe_load(front)
    assert meta["title"] == "Putin’s Offer: Talks in Minsk?"
    assert meta["draft"] is True
    assert "date" in meta


def test_new_article_refuses_to_overwrite(example_site: Path) -> None:
    assert run_ssg("new", "article", "Same Title", "--site", str(example_site)).returncode == 0
    path = example_site / "content/articles/same-title.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMy edits.\n", encoding="utf-8")
    again = run_ssg("new", "article", "Same Title", "--site", str(example_site))
    assert again.returncode == 2
    assert "exists" in again.stderr
    assert path.read_text(encoding="utf-8").endswith("My edits.\n")


def test_new_article_builds_as_a_draft(example_site: Path, tmp_path: Path) -> None:
    assert run_ssg("new", "article", "Fresh Story", "--site", str(example_site)).returncode == 0
    out = tmp_path / "out"
    without = run_ssg("build", "--site", str(example_site), "--output", str(out))
    assert without.returncode == 0, without.stderr
    assert not (out / "articles/fresh-story/index.html").exists()
    with_drafts = run_ssg("build", "--drafts", "--site", str(example_site), "--output", str(out))
    assert with_drafts.returncode == 0, with_drafts.stderr
    assert (out / "articles/fresh-story/index.html").is_file()


def test_new_actor_writes_a_profile_used_by_the_build(example_site: Path, tmp_path: Path) -> None:
    result = run_ssg("new", "actor", "Sviatlana Tsikhanouskaya", "--site", str(example_site))
    assert result.returncode == 0, result.stderr
    path = example_site / "content/actors/sviatlana-tsikhanouskaya.md"
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert (meta["name"], meta["type"]) == ("Sviatlana Tsikhanouskaya", "person")
    out = tmp_path / "out"
    assert run_ssg("build", "--site", str(example_site), "--output", str(out)).returncode == 0
    actor_page = out / "actors/sviatlana-tsikhanouskaya/index.html"
    assert "Sviatlana Tsikhanouskaya" in actor_page.read_text(encoding="utf-8")
    assert run_ssg("new", "actor", "Sviatlana Tsikhanouskaya", "--site", str(example_site)).returncode == 2


def test_new_actor_organization(example_site: Path) -> None:
    result = run_ssg("new", "actor", "Eastport Council", "--organization", "--site", str(example_site))
    assert result.returncode == 0, result.stderr
    meta = yaml.safe_load((example_site / "content/actors/eastport-council.md").read_text().split("---\n")[1])
    assert (meta["name"], meta["type"]) == ("Eastport Council", "organization")


def test_new_actor_refuses_an_existing_profile(example_site: Path) -> None:
    profile = example_site / "content/actors/belta.md"
    before = profile.read_bytes()
    result = run_ssg("new", "actor", "Belta", "--site", str(example_site))
    assert result.returncode == 2
    assert profile.read_bytes() == before


def test_init_makes_a_site_that_builds_and_checks(tmp_path: Path) -> None:
    site = tmp_path / "eastport-monitor"
    result = run_ssg("init", str(site))
    assert result.returncode == 0, result.stderr
    assert (site / "site.toml").is_file()
    articles = list((site / "content/articles").glob("*.md"))
    assert len(articles) == 1
    built = run_ssg("build", "--site", str(site))
    assert built.returncode == 0, built.stderr
    slug = articles[0].stem
    assert (site / "build/articles" / slug / "index.html").is_file()
    checked = run_ssg("check", "--site", str(site))
    assert checked.returncode == 0, checked.stderr


def test_a_new_site_has_no_warnings(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_ssg("init", str(site)).returncode == 0
    strict = run_ssg("check", "--strict", "--site", str(site))
    assert strict.returncode == 0, strict.stderr


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    site = tmp_path / "taken"
    write(site / "notes.txt", "mine\n")
    result = run_ssg("init", str(site))
    assert result.returncode == 2
    assert "not empty" in result.stderr
    assert sorted(p.name for p in site.iterdir()) == ["notes.txt"]


# --- what the build writes ----------------------------------------------------------------------------------------


def test_drafts_are_built_only_with_the_drafts_flag(example_site: Path, tmp_path: Path) -> None:
    write(example_site / "content/articles/secret.md", ARTICLE.format(title="Secret", draft="true"))
    out = tmp_path / "out"
    built = run_ssg("build", "--site", str(example_site), "--output", str(out))
    assert built.returncode == 0
    assert "1 draft left out" in built.stdout  # SPEC §7: the summary says how many
    assert not (out / "articles/secret/index.html").exists()
    assert "Secret" not in (out / "index.html").read_text(encoding="utf-8")
    with_drafts = run_ssg("build", "--drafts", "--site", str(example_site), "--output", str(out))
    assert with_drafts.returncode == 0 and "left out" not in with_drafts.stdout
    page = (out / "articles/secret/index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in page  # SPEC §8: a draft's page is labelled and not indexed
    assert '<p class="draft-label" role="note"><strong>Draft</strong>' in page
    assert "noindex" not in (out / "index.html").read_text(encoding="utf-8")


BROKEN_DRAFT = """\
---
title: Harbour plans
date: 2025-13-40
draft: true
people:
  ada-quill: Ada Quill
claims:
  - id: ferry
    quote: The ferry runs all winter.
    verdict: maybe
---
The ferry runs all winter.
"""


def test_check_checks_drafts_unless_told_not_to(example_site: Path) -> None:
    """A writer's newest article is usually the draft: its mistakes are reported (SPEC §7 `ssg check`)."""
    write(example_site / "content/articles/plans.md", BROKEN_DRAFT)
    checked = run_ssg("check", "--strict", "--site", str(example_site))
    assert checked.returncode == 1
    assert "content/articles/plans.md:3:7: error: invalid date" in checked.stderr
    assert "missing required field 'by'" in checked.stderr and "unknown verdict 'maybe'" in checked.stderr
    skipped = run_ssg("check", "--no-drafts", "--site", str(example_site))
    assert skipped.returncode == 0, skipped.stderr


def test_page_bundle_files_land_beside_the_article(example_site: Path) -> None:
    bundle = example_site / "content/articles/minsk-map"
    write(bundle / "index.md", ARTICLE.format(title="A map", draft="false") + "\n![map](map.png)\n")
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    (bundle / "map.png").write_bytes(png)
    assert run_ssg("build", "--site", str(example_site)).returncode == 0
    output = example_site / "build"
    page_path = output / "articles/minsk-map/index.html"
    assert (output / "articles/minsk-map/map.png").read_bytes() == png
    [src] = lxml_html.fromstring(page_path.read_bytes()).xpath("//img[@alt='map']/@src")
    url = urljoin("https://example.org/monitor/articles/minsk-map/", src)
    assert url == "https://example.org/monitor/articles/minsk-map/map.png"


def test_a_deleted_article_leaves_no_stale_page(example_site: Path) -> None:
    write(example_site / "content/articles/short-lived.md", ARTICLE.format(title="Short-lived", draft="false"))
    assert run_ssg("build", "--site", str(example_site)).returncode == 0
    page = example_site / "build/articles/short-lived/index.html"
    assert page.is_file()
    (example_site / "content/articles/short-lived.md").unlink()
    result = run_ssg("build", "--site", str(example_site))
    assert result.returncode == 0, result.stderr
    assert not page.exists()
    assert not page.parent.exists()
    assert "Short-lived" not in (example_site / "build/index.html").read_text(encoding="utf-8")


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path: Path) -> None:
    first = copy_example_site(tmp_path / "a" / "site")
    second = copy_example_site(tmp_path / "elsewhere" / "copy")  # another folder: no path may leak into output
    assert run_ssg("build", "--no-cache", "--site", str(first)).returncode == 0
    assert run_ssg("build", "--site", str(second)).returncode == 0
    assert run_ssg("build", "--site", str(second)).returncode == 0  # and a warm rebuild changes nothing
    a, b = all_files(first / "build"), all_files(second / "build")
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name]]
    assert different == []


def test_a_failed_build_leaves_the_previous_output(example_site: Path) -> None:
    assert run_ssg("build", "--site", str(example_site)).returncode == 0
    before = all_files(example_site / "build")
    write(example_site / "content/articles/broken.md", "---\ntitle: Broken\n---\n")
    result = run_ssg("build", "--site", str(example_site))
    assert result.returncode == 1
    assert "content/articles/broken.md:1:1: error: missing required field 'date'" in result.stderr
    assert all_files(example_site / "build") == before


def test_new_actor_publishes_no_placeholder_and_strict_check_flags_an_old_one(example_site: Path, tmp_path: Path):
    assert run_ssg("new", "actor", "Ada Quill", "--site", str(example_site)).returncode == 0
    text = (example_site / "content/actors/ada-quill.md").read_text(encoding="utf-8")
    assert text.rstrip().endswith("---"), "the biography is left empty, not a placeholder"
    assert run_ssg("check", "--strict", "--site", str(example_site)).returncode == 0
    out = tmp_path / "out"
    assert run_ssg("build", "--site", str(example_site), "--output", str(out)).returncode == 0
    assert "Biography" not in (out / "actors/ada-quill/index.html").read_text(encoding="utf-8")
    (example_site / "content/actors/tom-brandt.md").write_text("---\nname: Tom Brandt\n---\nBiography in Markdown.\n")
    strict = run_ssg("check", "--strict", "--site", str(example_site))
    assert strict.returncode == 1
    assert (
        "content/actors/tom-brandt.md:4:1: warning: the biography of 'tom-brandt' is the placeholder"
        in strict.stdout + strict.stderr
    )


def test_new_article_shows_every_field_commented_and_still_checks(example_site: Path) -> None:
    from ssg.model.claims import CLAIM_KEYS
    from ssg.model.content import ARTICLE_KEYS, ENTRY_KEYS

    assert run_ssg("new", "article", "Eastport Bridge Vote", "--site", str(example_site)).returncode == 0
    text = (example_site / "content/articles/eastport-bridge-vote.md").read_text(encoding="utf-8")
    front = text.split("---\n")[1]
    for key in (*ARTICLE_KEYS, *CLAIM_KEYS, *ENTRY_KEYS):
        assert f"{key}:" in front, f"the new article does not show '{key}'"
    uncommented = "\n".join(line.replace("# ", "", 1) if line.startswith("#") else line for line in front.splitlines())
    meta = yaml.safe_load(uncommented.replace("people: {}", "people:").replace("claims: []", "claims:"))
    assert meta["claims"][0]["said_in"] and meta["people"]["example-id"]["name"]
    assert run_ssg("check", "--site", str(example_site)).returncode == 0


def test_init_writes_a_verdict_scale_with_descriptions(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_ssg("init", str(site)).returncode == 0
    verdicts = tomllib.loads((site / "site.toml").read_text(encoding="utf-8"))["verdicts"]
    assert len(verdicts) >= 3 and all(v.get("description") for v in verdicts)


def test_a_cache_that_cannot_be_saved_is_a_warning_not_a_failure(example_site: Path, tmp_path: Path) -> None:
    """The output is what matters: .ssg-cache/ that cannot be written (here a file in its place; a full disk
    alike) costs the next build its head start, with a warning, never the build."""
    (example_site / ".ssg-cache").write_text("not a folder")
    out = tmp_path / "out"
    built = run_ssg("build", "--site", str(example_site), "--output", str(out))
    assert built.returncode == 0, built.stderr
    assert "the build cache could not be saved" in built.stderr
    assert (out / "index.html").is_file()
    assert "Traceback" not in built.stderr

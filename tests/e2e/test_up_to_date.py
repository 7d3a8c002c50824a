"""A build with nothing changed stops after comparing stamps (ssg/pipeline/reuse/manifest.py), and is never wrong:
any change to an input, an option or the output itself leads to a real build that leaves exactly the current site.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ssg.errors import SiteError
from ssg.pipeline import Pipeline, RunOptions, search
from ssg.pipeline.reuse.cache import cache_file
from tests.conftest import copy_example_site, run_ssg
from tests.e2e.test_incremental import assert_same, clean_build, snapshot

ARTICLE = "content/articles/lukashenko-peace-talks/index.md"


def one_shot(site: Path, output: Path, **options: object):
    """A build as `ssg build` runs it: a new Pipeline, the cache and manifest on disk."""
    return Pipeline(RunOptions(site_dir=site, output_dir=output, jobs=1, **options)).run()  # type: ignore[arg-type]


def test_nothing_changed_writes_nothing_and_reports_the_same_warnings(tmp_path: Path) -> None:
    site = copy_example_site(tmp_path / "site")
    (site / "content" / "notes.md").write_text("Markdown in no place the SPEC names: a warning.\n")
    first = run_ssg("build", "--site", str(site), check=True)
    assert "ignored" in first.stderr
    output = site / "build"
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}
    second = run_ssg("build", "--site", str(site), check=True)
    assert second.stderr == first.stderr  # the warnings are not lost because nothing was rebuilt
    assert "0 rendered; files: 0 written, 0 removed" in second.stdout
    assert "up to date" in second.stdout
    assert {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()} == before


def test_an_edited_deleted_or_added_output_file_is_put_right(tmp_path: Path) -> None:
    site = copy_example_site(tmp_path / "site")
    output = tmp_path / "out"
    one_shot(site, output)
    expected = snapshot(output)
    (output / "index.html").write_text("defaced")
    (output / "feed.xml").unlink()
    (output / "stray.html").write_text("not part of the site")
    result = one_shot(site, output)
    assert result.written.written == 2 and result.written.removed == 1
    assert_same(snapshot(output), expected, "damage to the output")
    # a file added deep inside: seen through its folder's mtime, without listing every folder again
    (output / "articles" / "lukashenko-peace-talks" / "notes.txt").write_text("left here by hand")
    result = one_shot(site, output)
    assert not result.up_to_date and result.written.removed == 1
    assert_same(snapshot(output), expected, "a file added in a folder of the output")
    assert one_shot(site, output).up_to_date


def test_a_restore_that_gives_every_output_file_a_new_mtime_renders_nothing_again(tmp_path: Path, monkeypatch) -> None:
    """A CI cache kept in a zip archive, or copied without its mtimes: every file of the output has a new mtime.
    Its bytes are the ones the last build wrote (the manifest holds their digests), so no page is rendered again
    and the search index is kept; a page changed by hand to the same size is still put right."""
    site = copy_example_site(tmp_path / "first" / "site")
    one_shot(site, site / "build")
    clone = tmp_path / "runner" / "site"
    shutil.copytree(site, clone, symlinks=True)
    later = (clone / "site.toml").stat().st_mtime + 100
    for path in clone.rglob("*"):
        if path.is_file() and ".ssg-cache" not in path.parts:
            os.utime(path, (later, later))
    home = clone / "build" / "index.html"
    defaced = home.read_bytes().replace(b'<html lang="en"', b'<html lang="fr"', 1)
    assert len(defaced) == home.stat().st_size and defaced != home.read_bytes()
    home.write_bytes(defaced)
    os.utime(home, (later, later))
    with monkeypatch.context() as patched:  # the same records: the search documents need not be made to compare
        patched.setattr(search, "shard_layout", lambda site: pytest.fail("search documents made again"))
        restored = one_shot(clone, clone / "build")
    assert restored.rendered_paths == ("/",)
    assert {p for p in restored.written.changed_paths if not p.startswith("static/")} == {"index.html"}  # copies:
    # a static file is compared with its source by size and mtime
    assert_same(snapshot(clone / "build"), snapshot(site / "build"), "a restore with new mtimes")
    assert one_shot(clone, clone / "build").up_to_date  # the new stamps are the manifest's now


def test_an_edit_with_the_old_size_and_a_restored_mtime_is_the_only_blind_spot(tmp_path: Path) -> None:
    """Stamps are size and mtime (as make, rsync and Hugo's server compare): a touched file is rebuilt, and a file
    put back with its old stamp is taken as unchanged (git checkout and cp -p give new mtimes, so this is rare)."""
    site = copy_example_site(tmp_path / "site")
    output = tmp_path / "out"
    one_shot(site, output)
    path = site / ARTICLE
    stat = path.stat()
    path.write_text(path.read_text().replace("Belarus", "Belarus!", 1))
    one_shot(site, output)
    assert_same(snapshot(output), clean_build(site, tmp_path / "clean"), "an edited body")
    assert one_shot(site, output).up_to_date  # the manifest follows what that build wrote
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    result = one_shot(site, output)
    assert not result.up_to_date and result.rendered == 0  # a real build, which found every page unchanged
    assert_same(snapshot(output), clean_build(site, tmp_path / "clean"), "a touched file")


def test_a_failed_build_keeps_the_last_output_and_a_reverted_file_needs_no_build(tmp_path: Path) -> None:
    site = copy_example_site(tmp_path / "site")
    output = tmp_path / "out"
    one_shot(site, output)
    expected = snapshot(output)
    path = site / ARTICLE
    good, stat = path.read_bytes(), path.stat()
    path.write_text(path.read_text().replace("title:", "title: [unclosed", 1))
    try:
        one_shot(site, output)
        raise AssertionError("the broken front matter built")
    except SiteError:
        pass
    assert_same(snapshot(output), expected, "a failed build")
    path.write_bytes(good)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = one_shot(site, output)
    assert result.up_to_date  # the output is the one that file built
    assert_same(snapshot(output), expected, "the file put back")


def test_options_are_part_of_what_must_be_unchanged(tmp_path: Path) -> None:
    site = copy_example_site(tmp_path / "site")
    draft = site / "content" / "articles" / "draft-note.md"
    draft.write_text("---\ntitle: A draft note\ndate: 2025-03-09\ndraft: true\n---\nNot yet.\n")
    output = tmp_path / "out"
    one_shot(site, output)
    assert not (output / "articles" / "draft-note").exists()
    one_shot(site, output, drafts=True)
    assert (output / "articles" / "draft-note" / "index.html").is_file()
    one_shot(site, output, base_url="https://staging.example.net/")
    assert_same(
        snapshot(output),
        clean_build_with(site, tmp_path / "clean", base_url="https://staging.example.net/"),
        "another base_url",
    )


def clean_build_with(site: Path, output: Path, **options: object) -> dict[str, bytes]:
    shutil.rmtree(output, ignore_errors=True)
    Pipeline(RunOptions(site_dir=site, output_dir=output, use_cache=False, **options)).run()  # type: ignore[arg-type]
    return snapshot(output)


def test_a_cache_restored_into_a_fresh_checkout_elsewhere_renders_nothing_again(tmp_path: Path, monkeypatch) -> None:
    """CI (docs/publishing.md): a new clone, at another path, every source file with a new mtime, and
    `.ssg-cache/` and `build/` restored from the last run. Nothing changed, so no page is rendered again and the
    cache is not written again for new stamps alone (the next checkout has others; 1.1 s at 10,000 articles),
    and an edit after that renders only what it must."""
    site = copy_example_site(tmp_path / "first" / "site")
    one_shot(site, site / "build")
    clone = tmp_path / "runner" / "work" / "site"
    shutil.copytree(site, clone, symlinks=True)
    later = (clone / "site.toml").stat().st_mtime + 100
    for path in [clone / "site.toml", *(clone / "content").rglob("*"), *(clone / "templates").rglob("*")]:
        if path.is_file():
            os.utime(path, (later, later))  # a checkout writes every file anew
    restored_inode = cache_file(clone).stat().st_ino
    with monkeypatch.context() as patched:  # the same records: the search documents need not be made to compare
        patched.setattr(search, "shard_layout", lambda site: pytest.fail("search documents made again"))
        restored = one_shot(clone, clone / "build")
    assert restored.rendered == 0 and not restored.up_to_date  # the sources were read: their stamps are new
    assert cache_file(clone).stat().st_ino == restored_inode  # not rewritten (a save renames a new file in)
    assert_same(snapshot(clone / "build"), snapshot(site / "build"), "a restore")
    article = clone / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence added in CI.\n", encoding="utf-8")
    edited = one_shot(clone, clone / "build")
    assert 0 < edited.rendered < 10, edited.rendered_paths
    assert_same(snapshot(clone / "build"), clean_build(clone, tmp_path / "clean"), "an edit after a restore")

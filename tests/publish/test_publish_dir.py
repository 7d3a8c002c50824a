"""Publishing to a folder through the real rsync (SPEC §9)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ssg.config import DirTarget
from ssg.publish import PublishError, format_plan, publish
from ssg.publish.rsync import parse_itemized
from tests.publish.conftest import OUTPUT_FILES, read_tree, rebuild

pytestmark = pytest.mark.skipif(shutil.which("rsync") is None, reason="needs rsync (apt-get install rsync)")


@pytest.fixture
def www(tmp_path: Path) -> Path:
    return tmp_path / "srv" / "www" / "monitor"  # parents missing: publish makes them


def identities(root: Path) -> dict[str, int]:
    """Each file's inode: rsync writes a changed file anew, an untouched one keeps its inode."""
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


def test_first_publish_copies_everything(output_dir, www):
    progress: list[tuple[int, int]] = []

    summary = publish(DirTarget("mirror", str(www)), output_dir, progress=lambda *step: progress.append(step))

    assert read_tree(www) == OUTPUT_FILES
    assert sorted(summary.plan.uploads) == sorted(OUTPUT_FILES)
    assert summary.files_sent == len(OUTPUT_FILES)
    assert summary.bytes_sent == sum(len(c) for c in OUTPUT_FILES.values())
    assert progress[-1] == (len(OUTPUT_FILES), len(OUTPUT_FILES))
    assert len(progress) == len(OUTPUT_FILES)


def test_only_changed_files_travel_and_removed_ones_go(output_dir, www):
    target = DirTarget("mirror", str(www))
    publish(target, output_dir)
    before = identities(www)
    rebuild(output_dir, changed={"static/style.css": b"body { color: red; }\n"}, removed=("404.html",))
    for path in output_dir.rglob("*"):  # a rebuild writes every file anew: same content, new mtime
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))

    summary = publish(target, output_dir)

    assert (summary.plan.uploads, summary.plan.changes) == ((), ("static/style.css",))
    assert summary.plan.deletions == ("404.html",)
    assert summary.plan.unchanged == len(OUTPUT_FILES) - 2
    assert summary.files_sent == 1
    assert read_tree(www) == read_tree(output_dir)
    after = identities(www)
    assert after["static/style.css"] != before["static/style.css"]
    assert {k: v for k, v in after.items() if k != "static/style.css"} == {
        k: v for k, v in before.items() if k not in ("static/style.css", "404.html")
    }


def test_keep_removed_keeps_files_the_site_no_longer_has(output_dir, www):
    target = DirTarget("mirror", str(www))
    publish(target, output_dir)
    rebuild(output_dir, changed={"index.html": b"new"}, removed=("feed.xml",))

    summary = publish(target, output_dir, keep_removed=True)

    assert summary.plan.deletions == ()
    assert (www / "feed.xml").read_bytes() == OUTPUT_FILES["feed.xml"]
    assert (www / "index.html").read_bytes() == b"new"


def test_dry_run_lists_the_plan_and_changes_nothing(output_dir, www):
    target = DirTarget("mirror", str(www))
    publish(target, output_dir)
    new = {"index.html": b"new", "articles/new/index.html": b"new"}
    rebuild(output_dir, changed=new, removed=("feed.xml",))

    summary = publish(target, output_dir, dry_run=True)

    assert format_plan(summary.plan) == ["+ articles/new/index.html", "~ index.html", "- feed.xml"]
    assert summary.files_sent == 0
    assert read_tree(www) == OUTPUT_FILES


def test_dry_run_to_a_missing_folder_creates_nothing(output_dir, www):
    summary = publish(DirTarget("mirror", str(www)), output_dir, dry_run=True)

    assert sorted(summary.plan.uploads) == sorted(OUTPUT_FILES)
    assert not www.parent.exists()


def test_unwritable_destination_is_a_publish_error(output_dir, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")

    with pytest.raises(PublishError, match="mirror"):
        publish(DirTarget("mirror", str(tmp_path / "a-file" / "www")), output_dir)


def test_missing_rsync_says_to_install_it(output_dir, www, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))

    with pytest.raises(PublishError, match="install"):
        publish(DirTarget("mirror", str(www)), output_dir)


def test_itemized_lines_become_new_changed_and_deleted_files():
    lines = [
        "created directory /srv/www",
        "cd+++++++++ ./",
        ">f+++++++++ index.html",
        "cd+++++++++ static/",
        ">fcs....... static/style.css",
        ".f..t...... feed.xml",
        "*deleting   old/page.html",
        "*deleting   old/",
    ]
    assert parse_itemized(lines) == (["index.html"], ["static/style.css"], ["old/page.html"])

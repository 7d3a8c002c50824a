"""`ssg publish` end to end (SPEC §9): the example site, a fresh build, real targets started by the tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_ssg
from tests.publish.conftest import read_tree
from tests.publish.s3_server import MotoServer

ARTICLE = "content/articles/lukashenko-peace-talks/index.md"


def git(*args: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def add_targets(site: Path, extra: str = "") -> None:
    with (site / "site.toml").open("a", encoding="utf-8") as config:
        config.write(
            '\n[publish.pages]\nkind = "git"\nremote = "../remote.git"\ncname = "monitor.example.org"\n'
            '\n[publish.mirror]\nkind = "dir"\npath = "../mirror"\n' + extra
        )


def built(site: Path, tmp_path: Path) -> dict[str, bytes]:
    """What `ssg build` (no drafts) writes for the site, for comparison."""
    run_ssg("build", "--site", str(site), "--output", str(tmp_path / "reference"), "--no-cache", check=True)
    return read_tree(tmp_path / "reference")


def branch_files(remote: Path, tmp_path: Path, branch: str = "gh-pages") -> dict[str, bytes]:
    clone = tmp_path / f"clone-{len(list(tmp_path.iterdir()))}"
    git("clone", "--quiet", "--branch", branch, str(remote), str(clone))
    return read_tree(clone)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    path = tmp_path / "remote.git"
    git("init", "--quiet", "--bare", str(path))
    return path


def test_publish_to_git_sends_a_fresh_build_and_keeps_history(example_site: Path, remote: Path, tmp_path: Path):
    add_targets(example_site)
    result = run_ssg("publish", "--site", str(example_site))
    assert result.returncode == 0, result.stderr
    assert "Published to 'pages'" in result.stdout
    files = branch_files(remote, tmp_path)
    assert files.pop(".nojekyll") == b""
    assert files.pop("CNAME").strip() == b"monitor.example.org"
    assert files == built(example_site, tmp_path)

    article = example_site / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    again = run_ssg("publish", "pages", "--site", str(example_site))
    assert again.returncode == 0, again.stderr
    assert "~ articles/lukashenko-peace-talks/index.html" in again.stdout
    added = [line for line in again.stdout.splitlines() if line.startswith("+ ")]
    assert added and all(line.startswith("+ pagefind/") for line in added), again.stdout  # only changed files
    # travel: the page, and the search bundle's files whose content (and so name) changed with its text
    assert git("rev-list", "--count", "gh-pages", cwd=remote).strip() == "2"


def test_a_dry_run_lists_the_plan_and_changes_nothing(example_site: Path, remote: Path):
    add_targets(example_site)
    result = run_ssg("publish", "--dry-run", "--site", str(example_site))
    assert result.returncode == 0, result.stderr
    assert "+ index.html" in result.stdout
    assert "+ articles/lukashenko-peace-talks/index.html" in result.stdout
    assert "nothing was changed" in result.stdout
    assert git("branch", "--list", cwd=remote).strip() == ""  # no branch was pushed


def test_a_failing_build_publishes_nothing(example_site: Path, remote: Path, tmp_path: Path):
    add_targets(example_site)
    run_ssg("publish", "--site", str(example_site), check=True)
    before = git("rev-parse", "gh-pages", cwd=remote)
    article = example_site / ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace("by: peskov", "by: peskvo", 1), encoding="utf-8")
    result = run_ssg("publish", "--site", str(example_site))
    assert result.returncode == 1
    assert "nothing was published" in result.stderr
    assert "unknown actor 'peskvo' (did you mean 'peskov'?)" in result.stderr
    assert git("rev-parse", "gh-pages", cwd=remote) == before


def test_an_unknown_target_is_a_usage_error(example_site: Path):
    add_targets(example_site)
    result = run_ssg("publish", "mirorr", "--site", str(example_site))
    assert result.returncode == 2
    assert "did you mean 'mirror'?" in result.stderr


def test_an_unreachable_target_exits_1(example_site: Path):
    add_targets(example_site)  # ../remote.git does not exist: no bare repository was made
    result = run_ssg("publish", "pages", "--site", str(example_site))
    assert result.returncode == 1
    assert "publishing to 'pages' failed" in result.stderr


def test_a_dir_target_gets_removals_unless_keep_removed(example_site: Path, tmp_path: Path):
    add_targets(example_site)
    mirror = tmp_path / "mirror"
    run_ssg("publish", "mirror", "--site", str(example_site), check=True)
    assert read_tree(mirror) == built(example_site, tmp_path)
    (example_site / "content" / "pages" / "methodology.md").unlink()
    kept = run_ssg("publish", "mirror", "--keep-removed", "--site", str(example_site))
    assert kept.returncode == 0, kept.stderr
    assert (mirror / "methodology" / "index.html").exists()
    removed = run_ssg("publish", "mirror", "--site", str(example_site))
    assert "- methodology/index.html" in removed.stdout
    assert not (mirror / "methodology" / "index.html").exists()


def test_an_s3_target_through_the_command(example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    boto3 = pytest.importorskip("boto3")
    moto = MotoServer(tmp_path)
    try:
        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
        s3 = boto3.client("s3", endpoint_url=moto.url, region_name="us-east-1")
        s3.create_bucket(Bucket="monitor-site")
        with (example_site / "site.toml").open("a", encoding="utf-8") as config:
            config.write(
                f'\n[publish.bucket]\nkind = "s3"\nbucket = "monitor-site"\nregion = "us-east-1"\n'
                f'endpoint_url = "{moto.url}"\n[publish.bucket.cache_control]\n"static/*" = "public, max-age=86400"\n'
            )
        result = run_ssg("publish", "bucket", "--site", str(example_site))
        assert result.returncode == 0, result.stderr
        expected = built(example_site, tmp_path)
        keys = {o["Key"] for o in s3.list_objects_v2(Bucket="monitor-site")["Contents"]}
        assert keys == set(expected)
        css = s3.head_object(Bucket="monitor-site", Key="static/style.css")
        assert css["CacheControl"] == "public, max-age=86400" and css["ContentType"].startswith("text/css")
        page = s3.head_object(Bucket="monitor-site", Key="index.html")
        assert page["CacheControl"] == "public, max-age=300" and page["ContentType"].startswith("text/html")
        again = run_ssg("publish", "bucket", "--site", str(example_site))
        assert "0 new, 0 changed, 0 deleted" in again.stdout
    finally:
        moto.stop()

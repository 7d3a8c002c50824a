"""Publishing to a git branch: a real bare repository in tmp_path, the git CLI, no mocks (SPEC §9)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ssg.config import GitTarget
from ssg.publish import PublishError, format_plan, publish
from ssg.publish.git import git_reason
from tests.publish.conftest import OUTPUT_FILES, read_tree, rebuild, write_files

TEST_IDENTITY = ("-c", "user.name=Test", "-c", "user.email=test@example.org")


def git(cwd: Path, *args: str) -> str:
    command = ["git", *TEST_IDENTITY, *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(autouse=True)
def no_user_git_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's and the system's git config stay out of the tests (no identity configured either)."""
    empty = tmp_path / "gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    return bare


def target_for(remote: Path, **options: str) -> GitTarget:
    return GitTarget(name="pages", remote=str(remote), cname="monitor.example.org", **options)


def branch_files(remote: Path, tmp_path: Path, branch: str = "gh-pages") -> dict[str, bytes]:
    clone = tmp_path / f"clone-{git(remote, 'rev-parse', branch)[:12]}"
    if not clone.exists():
        subprocess.run(["git", "clone", "--quiet", "-b", branch, str(remote), str(clone)], check=True)
    return read_tree(clone)


def expected_files(output: Path) -> dict[str, bytes]:
    return {**read_tree(output), ".nojekyll": b"", "CNAME": b"monitor.example.org\n"}


def test_first_publish_puts_output_nojekyll_and_cname_on_a_new_branch(output_dir, remote, tmp_path):
    summary = publish(target_for(remote), output_dir)

    assert branch_files(remote, tmp_path) == expected_files(output_dir)
    assert summary.files_sent == len(OUTPUT_FILES) + 2
    assert set(summary.plan.uploads) == set(OUTPUT_FILES) | {".nojekyll", "CNAME"}
    assert summary.bytes_sent == sum(len(c) for c in OUTPUT_FILES.values()) + len("monitor.example.org\n")
    assert git(remote, "rev-list", "--count", "gh-pages") == "1"
    assert git(remote, "log", "-1", "--format=%an <%ae>", "gh-pages") == "ssg <ssg@localhost>"


def test_next_publish_is_one_commit_on_top_with_changes_and_removals(output_dir, remote, tmp_path):
    target = target_for(remote, message="Publish {date}: {files} files")
    publish(target, output_dir)
    first = git(remote, "rev-parse", "gh-pages")
    rebuild(output_dir, changed={"static/style.css": b"body { color: red; }\n"}, removed=("404.html",))

    summary = publish(target, output_dir)

    assert summary.plan.changes == ("static/style.css",)
    assert summary.plan.deletions == ("404.html",)
    assert summary.plan.uploads == ()
    assert summary.plan.unchanged == len(OUTPUT_FILES) + 2 - 2
    assert summary.files_sent == 1
    assert git(remote, "rev-parse", "gh-pages^") == first
    assert git(remote, "rev-list", "--count", "gh-pages") == "2"
    assert git(remote, "log", "-1", "--format=%s", "gh-pages").endswith(": 2 files")
    files = branch_files(remote, tmp_path)
    assert "404.html" not in files
    assert files["static/style.css"] == b"body { color: red; }\n"
    assert files == expected_files(output_dir)


def test_publishing_an_unchanged_site_makes_no_commit(output_dir, remote):
    publish(target_for(remote), output_dir)
    head = git(remote, "rev-parse", "gh-pages")

    summary = publish(target_for(remote), output_dir)

    assert summary.plan.uploads == summary.plan.changes == summary.plan.deletions == ()
    assert summary.plan.unchanged == len(OUTPUT_FILES) + 2
    assert (summary.files_sent, summary.bytes_sent) == (0, 0)
    assert git(remote, "rev-parse", "gh-pages") == head


def test_dry_run_lists_the_plan_and_commits_nothing(output_dir, remote):
    publish(target_for(remote), output_dir)
    head = git(remote, "rev-parse", "gh-pages")
    new = {"index.html": b"new", "articles/new/index.html": b"new"}
    rebuild(output_dir, changed=new, removed=("feed.xml",))

    summary = publish(target_for(remote), output_dir, dry_run=True)

    assert summary.dry_run and summary.files_sent == 0
    assert format_plan(summary.plan) == ["+ articles/new/index.html", "~ index.html", "- feed.xml"]
    assert git(remote, "rev-parse", "gh-pages") == head


def test_keep_removed_keeps_files_the_site_no_longer_has(output_dir, remote, tmp_path):
    publish(target_for(remote), output_dir)
    rebuild(output_dir, changed={"index.html": b"new"}, removed=("feed.xml",))

    summary = publish(target_for(remote), output_dir, keep_removed=True)

    assert summary.plan.deletions == ()
    files = branch_files(remote, tmp_path)
    assert files["feed.xml"] == OUTPUT_FILES["feed.xml"]
    assert files["index.html"] == b"new"


def test_existing_branch_history_is_kept_and_other_branches_untouched(output_dir, remote, tmp_path):
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "--quiet", "-b", "main")
    write_files(seed, {"README.md": b"source\n"})
    git(seed, "add", ".")
    git(seed, "commit", "--quiet", "-m", "source")
    git(seed, "push", "--quiet", str(remote), "main", "main:gh-pages")
    old = git(remote, "rev-parse", "gh-pages")

    publish(target_for(remote), output_dir)

    assert git(remote, "rev-parse", "gh-pages^") == old
    assert git(remote, "rev-parse", "main") == old
    assert "README.md" not in branch_files(remote, tmp_path)


def test_site_repository_and_its_dirty_tree_are_untouched(output_dir, remote, tmp_path, monkeypatch):
    site = output_dir.parent
    write_files(site, {"site.toml": b"[site]\n", "content/a.md": b"# A\n", ".gitignore": b"public/\n"})
    git(site, "init", "--quiet", "-b", "main")
    git(site, "add", ".")
    git(site, "commit", "--quiet", "-m", "site")
    git(site, "checkout", "--quiet", "-b", "drafts")
    write_files(site, {"content/a.md": b"# A, edited\n", "content/b.md": b"# B, untracked\n"})
    git(site, "add", "content/a.md")
    write_files(site, {"content/a.md": b"# A, edited again\n"})
    state = (("status", "--porcelain"), ("for-each-ref",), ("symbolic-ref", "HEAD"), ("stash", "list"))
    before = [git(site, *args) for args in state]
    index = (site / ".git" / "index").read_bytes()
    monkeypatch.chdir(site)

    publish(target_for(remote), output_dir)

    after = [git(site, *args) for args in state]
    assert after == before
    assert (site / ".git" / "index").read_bytes() == index
    assert (site / "content/a.md").read_bytes() == b"# A, edited again\n"
    assert branch_files(remote, tmp_path) == expected_files(output_dir)


def test_unreachable_remote_is_a_publish_error(output_dir, tmp_path):
    with pytest.raises(PublishError, match="does-not-exist"):
        publish(target_for(tmp_path / "does-not-exist.git"), output_dir)


def test_refused_push_leaves_the_branch_at_its_old_commit(output_dir, remote):
    publish(target_for(remote), output_dir)
    head = git(remote, "rev-parse", "gh-pages")
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'publishing is closed today' >&2\nexit 1\n")
    hook.chmod(0o755)
    rebuild(output_dir, changed={"index.html": b"new"})

    with pytest.raises(PublishError, match=r"publishing is closed today|pre-receive"):
        publish(target_for(remote), output_dir)

    assert git(remote, "rev-parse", "gh-pages") == head


def test_keep_removed_copes_with_a_file_that_became_a_folder(output_dir, remote, tmp_path):
    publish(target_for(remote), output_dir)
    rebuild(output_dir, removed=("feed.xml",))
    write_files(output_dir, {"feed.xml/index.html": b"a folder now"})

    publish(target_for(remote), output_dir, keep_removed=True)

    assert branch_files(remote, tmp_path)["feed.xml/index.html"] == b"a folder now"


def test_git_errors_become_one_telling_line():
    refused = (
        "remote: publishing is closed today\nTo /srv/site.git\n"
        " ! [remote rejected] HEAD -> gh-pages (pre-receive hook declined)\n"
        "error: failed to push some refs to '/srv/site.git'\n"
    )
    ssh = (
        "ssh: connect to host example.org port 22: Connection refused\n"
        "fatal: Could not read from remote repository.\n\n"
        "Please make sure you have the correct access rights\nand the repository exists.\n"
    )
    assert git_reason(refused) == (
        "publishing is closed today; [remote rejected] HEAD -> gh-pages (pre-receive hook declined)"
    )
    assert git_reason(ssh) == "ssh: connect to host example.org port 22: Connection refused"

"""Publish to a git branch (GitHub Pages and the like) with the git CLI, in a private temporary repository.

The user's own repository and working tree are never touched: everything happens in a fresh `git init` in a
temporary folder that fetches only the target branch, commits on top of it and pushes once (atomic).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path
from types import TracebackType

from ssg.config import GitTarget
from ssg.publish.plan import Plan, Progress, PublishError, load_output_files

USER_KEYS = ("user.name", "user.email")
IDENTITY = ("-c", "user.name=ssg", "-c", "user.email=ssg@localhost")
# Settings that would change what is committed or run user code, whatever the user's global config says.
FIXED_CONFIG = (
    "-c",
    "core.autocrlf=false",
    "-c",
    "core.safecrlf=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "commit.gpgsign=false",
)
# Variables that would point git at another repository (set, for example, when ssg runs inside a git hook).
REPO_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)


def remote_location(remote: str) -> str:
    """A URL or scp-like `host:path` as given; a local path made absolute (git runs in a temporary folder)."""
    if "://" in remote or (re.match(r"[^/\\]+:", remote) and not re.match(r"[A-Za-z]:[\\/]", remote)):
        return remote
    return str(Path(remote).expanduser().resolve())


def git_reason(stderr: str) -> str:
    """The telling part of git's error output, on one line (the remote's words and the rejection first)."""
    reasons = []
    for line in stderr.splitlines():
        line = line.strip()
        kind, _, text = line.partition(" ") if line.startswith("!") else line.partition(": ")
        if kind in ("fatal", "error", "remote", "!") and text and not BOILERPLATE.search(text):
            reasons.append(text.strip())
    if not reasons:  # a message of another tool (ssh: ...), as it is
        lines = (line.strip() for line in stderr.splitlines())
        reasons = [line for line in lines if line and not BOILERPLATE.search(line)]
    return "; ".join(reasons[:2])


def remove(path: Path) -> None:
    """Delete a file, a symlink or a whole folder."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


# Lines git adds to every failure; the line before them says what went wrong.
BOILERPLATE = re.compile(
    "Could not read from remote|Please make sure|and the repository exists|failed to push some refs"
)


class GitPublisher:
    """One publish to one branch: clone what is there, stage the output over it, then commit and push."""

    def __init__(self, target: GitTarget, output_dir: Path, keep_removed: bool = False):
        if shutil.which("git") is None:
            raise PublishError("the git target needs the git command: install git")
        self.target = target
        self.output_dir = output_dir
        self.keep_removed = keep_removed
        self.remote = remote_location(target.remote)
        self.branch_ref = f"refs/heads/{target.branch}"
        self.env = {k: v for k, v in os.environ.items() if k not in REPO_VARIABLES}
        self.env["GIT_TERMINAL_PROMPT"] = "0"  # fail instead of waiting for a password nobody will type
        self._tmp = tempfile.TemporaryDirectory(prefix="ssg-publish-")
        self.work = Path(self._tmp.name) / "site"
        self.has_parent = False
        self.sizes: dict[str, int] = {}

    def __enter__(self) -> GitPublisher:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._tmp.cleanup()

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run git in the private repository; a failure becomes a PublishError with git's own message."""
        result = subprocess.run(
            ["git", *FIXED_CONFIG, *args],
            cwd=self.work,
            env=self.env,
            input="",  # never wait on the user's terminal (hash-object --stdin reads it)
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        if check and result.returncode != 0:
            reason = git_reason(result.stderr) or f"git {args[0]} failed"
            raise PublishError(f"git target '{self.target.name}' ({self.target.remote}): {reason}")
        return result

    def plan(self) -> Plan:
        """Fetch the branch (when it exists), lay the output over it in the index and diff the two trees."""
        self.work.mkdir()
        self.git("init", "--quiet")
        heads = self.git("ls-remote", "--heads", self.remote, self.branch_ref).stdout
        if heads.strip():
            self.git("fetch", "--quiet", "--no-tags", self.remote, f"+{self.branch_ref}:refs/remotes/target")
            self.git("checkout", "--quiet", "-B", "publish", "refs/remotes/target")
            self.has_parent = True
        else:
            self.git("checkout", "--quiet", "--orphan", "publish")
        self.stage()
        status = self.git("diff", "--cached", "--name-status", "--no-renames", "-z", *self.base()).stdout
        fields = status.split("\0")
        uploads, changes, deletions = [], [], []
        for code, rel_path in zip(fields[0::2], fields[1::2], strict=False):
            {"A": uploads, "D": deletions}.get(code[:1], changes).append(rel_path)
        total = len([p for p in self.git("ls-files", "-z").stdout.split("\0") if p])
        return Plan(tuple(uploads), tuple(changes), tuple(deletions), total - len(uploads) - len(changes))

    def base(self) -> tuple[str, ...]:
        """What the index is compared with: the branch's commit, or the empty tree for a new branch."""
        if self.has_parent:
            return ("HEAD",)
        return (self.git("hash-object", "-t", "tree", "--stdin").stdout.strip(),)

    def stage(self) -> None:
        """Replace the work tree with the output (+ .nojekyll, CNAME); stage all, ignored or not."""
        if not self.keep_removed:
            for child in self.work.iterdir():
                if child.name != ".git":
                    remove(child)
        for rel_path, path in load_output_files(self.output_dir).items():
            if rel_path.split("/", 1)[0] == ".git":
                continue  # an output that is itself a repository: never write into our own .git
            destination = self.work / rel_path
            for parent in reversed(destination.relative_to(self.work).parents[:-1]):
                if (self.work / parent).is_file():  # a kept file where the site now has a folder
                    remove(self.work / parent)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if destination.is_dir() and not destination.is_symlink():
                remove(destination)  # a kept folder where the site now has a file
            shutil.copyfile(path, destination)
            self.sizes[rel_path] = path.stat().st_size
        (self.work / ".nojekyll").write_bytes(b"")  # GitHub Pages: serve files and folders starting with '_'
        self.sizes[".nojekyll"] = 0
        if self.target.cname:
            cname = (self.target.cname + "\n").encode("utf-8")
            (self.work / "CNAME").write_bytes(cname)
            self.sizes["CNAME"] = len(cname)
        self.git("add", "--all", "--force", ".")

    def apply(self, plan: Plan, progress: Progress | None) -> tuple[int, int]:
        """Commit the staged tree on top of the branch and push it in one go; no change, no commit."""
        if plan.is_empty:
            return 0, 0
        sent = plan.uploads + plan.changes
        date = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")
        message = self.target.message.replace("{date}", date)
        message = message.replace("{files}", str(len(sent) + len(plan.deletions)))
        configured = all(self.git("config", key, check=False).stdout.strip() for key in USER_KEYS)
        identity = () if configured else IDENTITY
        self.git(*identity, "commit", "--quiet", "--no-verify", "-m", message)
        self.git("push", "--quiet", "--no-verify", self.remote, f"HEAD:{self.branch_ref}")
        if progress:
            progress(len(sent), len(sent))
        return len(sent), sum(self.sizes.get(p, 0) for p in sent)

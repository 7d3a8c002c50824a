"""Publish to a folder, local or remote (`user@host:/path`), with Debian's rsync (SPEC §9).

rsync computes the plan itself (`--dry-run --itemize-changes`) and compares by content (`--checksum`), so a
rebuilt but identical file does not travel. Updated files are moved into place together at the end
(`--delay-updates`) and removed files go last (`--delete-after`): the target serves a complete site meanwhile.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from ssg.config import DirTarget
from ssg.publish.plan import Plan, Progress, PublishError, load_output_files

# rsync's own rule: a colon before any slash means host:path.
REMOTE = re.compile(r"[^/]*:|rsync://")
DELAYED = ".~tmp~"  # where --delay-updates gathers a folder's files before moving them in (rsync's default)


def is_remote(path: str) -> bool:
    return bool(REMOTE.match(path))


def parse_itemized(lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Split rsync's `%i %n` lines into (new, changed, deleted) file paths, skipping folders and noise."""
    uploads, changes, deletions = [], [], []
    for line in lines:
        item, name = line[:11], line[12:]
        if item.startswith("*deleting"):
            if not name.endswith("/"):  # a deleted folder also lists each of its files
                deletions.append(name)
        elif len(item) == 11 and item[0] in "<>c" and item[1] == "f":
            (uploads if item[2:].startswith("+++") else changes).append(name)
    return uploads, changes, deletions


class RsyncPublisher:
    """One publish to one folder."""

    def __init__(self, target: DirTarget, output_dir: Path, keep_removed: bool = False):
        if shutil.which("rsync") is None:
            raise PublishError("the dir target needs rsync: install it (apt-get install rsync)")
        self.target = target
        self.output_dir = output_dir
        self.keep_removed = keep_removed
        local = not is_remote(target.path)
        self.destination = str(Path(target.path).expanduser().resolve()) if local else target.path
        self.files = load_output_files(output_dir)

    def __enter__(self) -> RsyncPublisher:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        pass

    def command(self, *extra: str) -> list[str]:
        options = ["-a", "--checksum", "--delay-updates", "--out-format=%i %n", "--8-bit-output"]
        if not self.keep_removed:
            options += ["--delete", "--delete-after"]
        return ["rsync", *options, *extra, f"{self.output_dir}/", self.destination.rstrip("/") + "/"]

    def failed(self, stderr: str) -> PublishError:
        lines = [line.strip() for line in stderr.splitlines() if line.strip()]
        reason = lines[0].removeprefix("rsync: ") if lines else "rsync failed"
        return PublishError(f"dir target '{self.target.name}' ({self.target.path}): {reason}")

    def plan(self) -> Plan:
        command = self.command("--dry-run")
        result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace")
        if result.returncode != 0:
            raise self.failed(result.stderr)
        uploads, changes, deletions = parse_itemized(result.stdout.splitlines())
        unchanged = len(self.files) - len(uploads) - len(changes)
        return Plan(tuple(uploads), tuple(changes), tuple(deletions), unchanged)

    def apply(self, plan: Plan, progress: Progress | None) -> tuple[int, int]:
        """Run rsync for real, reporting each file as rsync names it."""
        if plan.is_empty:
            return 0, 0
        if not is_remote(self.destination):
            try:
                Path(self.destination).mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise PublishError(f"dir target '{self.target.name}': cannot create {self.destination}: {exc}") from exc
        total = len(plan.uploads) + len(plan.changes)
        sent: list[str] = []
        # stderr goes to a file so that a chatty rsync cannot block on a full pipe while stdout is read.
        with (
            tempfile.TemporaryFile("w+", errors="replace") as errors,
            subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                errors="replace",
            ) as process,
        ):
            assert process.stdout is not None
            for line in process.stdout:
                uploads, changes, _ = parse_itemized([line.rstrip("\n")])
                for rel_path in uploads + changes:
                    sent.append(rel_path)
                    if progress:
                        progress(len(sent), max(total, len(sent)))
            process.wait()
            errors.seek(0)
            stderr = errors.read()
        if process.returncode != 0:
            if not is_remote(self.destination):
                remove_delayed(Path(self.destination))
            raise self.failed(stderr)
        return len(sent), sum(self.files[p].stat().st_size for p in sent if p in self.files)


def remove_delayed(root: Path) -> None:
    """A failed rsync (a full disk) leaves the files it had gathered in a `.~tmp~` folder inside each folder of the
    target, and later runs keep them (rsync protects its partial folders from --delete): remove them, so the
    target holds only the site it served before (SPEC §9). A remote target is left as rsync leaves it."""
    for folder in sorted(root.rglob(DELAYED), reverse=True):
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)

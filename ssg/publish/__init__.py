"""Send a built output folder to a publish target as plan then apply (SPEC §9).

`publish()` compares the output with what the target holds (the Plan), stops there on a dry run, and otherwise
sends only what changed. Each target kind lives in its own module with the same small shape:
`plan() -> Plan`, `apply(plan, progress) -> (files sent, bytes sent)`, used as a context manager.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from ssg.config import DirTarget, GitTarget, PublishTarget, S3Target
from ssg.publish.git import GitPublisher
from ssg.publish.plan import Plan, Progress, PublishError, PublishSummary, format_plan
from ssg.publish.rsync import RsyncPublisher
from ssg.publish.s3 import S3Publisher

__all__ = ["Plan", "PublishError", "PublishSummary", "format_plan", "publish", "resolve_paths"]


def publish(
    target: PublishTarget,
    output_dir: Path,
    *,
    dry_run: bool = False,
    keep_removed: bool = False,
    progress: Progress | None = None,
) -> PublishSummary:
    """Publish `output_dir` to `target`; a dry run only computes the plan. Raises PublishError.

    A relative local path in the target (a git remote, a dir path) is taken from the current directory.
    """
    start = time.monotonic()
    publisher: GitPublisher | RsyncPublisher | S3Publisher
    if isinstance(target, GitTarget):
        publisher = GitPublisher(target, output_dir, keep_removed)
    elif isinstance(target, DirTarget):
        publisher = RsyncPublisher(target, output_dir, keep_removed)
    elif isinstance(target, S3Target):
        publisher = S3Publisher(target, output_dir, keep_removed)
    else:
        raise TypeError(f"not a publish target: {target!r}")
    with publisher:
        plan = publisher.plan()
        files_sent, bytes_sent = (0, 0) if dry_run else publisher.apply(plan, progress)
    return PublishSummary(plan, files_sent, bytes_sent, time.monotonic() - start, dry_run)


def resolve_paths(target: PublishTarget, site_dir: Path) -> PublishTarget:
    """A relative local path in site.toml (a git remote, a dir path) is relative to the site folder."""
    if isinstance(target, GitTarget) and is_local_path(target.remote):
        return replace(target, remote=str((site_dir / target.remote).resolve()))
    if isinstance(target, DirTarget) and is_local_path(target.path):
        return replace(target, path=str((site_dir / target.path).resolve()))
    return target


def is_local_path(location: str) -> bool:
    """Not a URL (`https://`, `ssh://`) nor an scp-like `user@host:path`."""
    if "://" in location:
        return False
    head = location.split("/", 1)[0]
    return ":" not in head

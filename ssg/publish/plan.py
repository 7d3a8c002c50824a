"""What a publish will do: the Plan every target kind computes, the summary, the error (SPEC §9)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Progress = Callable[[int, int], None]  # (files sent so far, files to send)


class PublishError(Exception):
    """The target cannot be reached, refuses, or a tool it needs is missing; the message is one clear line."""


@dataclass(frozen=True, slots=True)
class Plan:
    """Paths ('/'-separated, relative to the site root) to upload new, to change and to delete."""

    uploads: tuple[str, ...]
    changes: tuple[str, ...]
    deletions: tuple[str, ...]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.uploads or self.changes or self.deletions)


@dataclass(frozen=True, slots=True)
class PublishSummary:
    plan: Plan
    files_sent: int
    bytes_sent: int
    seconds: float
    dry_run: bool


def format_plan(plan: Plan) -> list[str]:
    """The lines a dry run prints: '+ new/path', '~ changed/path', '- deleted/path'."""
    return [f"+ {p}" for p in plan.uploads] + [f"~ {p}" for p in plan.changes] + [f"- {p}" for p in plan.deletions]


def load_output_files(output_dir: Path) -> dict[str, Path]:
    """Every file of the built output keyed by rel_path, sorted; symlinks to files count as files."""
    if not output_dir.is_dir():
        raise PublishError(f"the output folder {output_dir} does not exist (build the site first)")
    files = {}
    for path in sorted(output_dir.rglob("*")):
        if path.is_file():
            files[path.relative_to(output_dir).as_posix()] = path
    return files


def file_md5(path: Path) -> str:
    """The hex MD5 of a file, read in chunks (S3 compares by it)."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

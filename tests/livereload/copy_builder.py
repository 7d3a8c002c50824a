"""CopyBuilder: the small real builder the browser tests serve (copies src/ to out/)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from ssg.livereload import BuildResult


class CopyBuilder:
    """A small real builder: copies src/ into out/, reports which outputs changed.

    A source containing the word BROKEN is an error, reported like a diagnostic, and nothing is written.
    """

    def __init__(self, src: Path, out: Path) -> None:
        self.src = src
        self.out = out
        self.calls: list[frozenset[Path]] = []
        self.built = threading.Condition()

    def __call__(self, changed: frozenset[Path]) -> BuildResult:
        errors = []
        for path in sorted(self.src.rglob("*")):
            if path.is_file() and b"BROKEN" in path.read_bytes():
                lines = path.read_text().splitlines()
                line_no, line = next((i, text) for i, text in enumerate(lines, 1) if "BROKEN" in text)
                rel = path.relative_to(self.src.parent).as_posix()
                errors.append(f"{rel}:{line_no}:{line.index('BROKEN') + 1}: error: broken marker <b>here</b>")
        if errors:
            result = BuildResult(ok=False, error="\n".join(errors))
        else:
            written = []
            for path in sorted(self.src.rglob("*")):
                if not path.is_file():
                    continue
                rel = path.relative_to(self.src).as_posix()
                target = self.out / rel
                data = path.read_bytes()
                if not target.is_file() or target.read_bytes() != data:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target)
                    written.append(rel)
            result = BuildResult(ok=True, changed=tuple(written))
        with self.built:
            self.calls.append(changed)
            self.built.notify_all()
        return result

    def wait_for_calls(self, count: int, timeout: float = 10.0) -> None:
        """Block until the builder has run count times (fails loudly otherwise)."""
        with self.built:
            ok = self.built.wait_for(lambda: len(self.calls) >= count, timeout)
        assert ok, f"builder ran {len(self.calls)} times, expected {count} within {timeout}s"

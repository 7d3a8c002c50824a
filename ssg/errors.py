"""Diagnostics: one error or warning with its place, collected in a Report, formatted in one way.

Lower layers add to a Report and go on; only the CLI decides exit codes and prints (SPEC §7).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Stage(StrEnum):
    """Which kind of input a diagnostic is about: config errors exit 2, content errors exit 1 (SPEC §7)."""

    CONFIG = "config"
    CONTENT = "content"


@dataclass(frozen=True)
class Diagnostic:
    """One problem in the user's input. `path` is relative to the site root ('/'-separated) when inside it."""

    path: str
    line: int  # 1-based; 0 when the whole file is meant
    col: int  # 1-based; 0 when the whole line is meant
    severity: Severity
    message: str
    suggestion: str | None = None
    stage: Stage = Stage.CONTENT

    @property
    def place(self) -> str:
        if not self.line:
            return self.path  # the whole file (unreadable, or in no place the SPEC gives meaning to)
        return f"{self.path}:{self.line}:{self.col or 1}"  # a whole line: its first column

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.message)

    def __str__(self) -> str:
        return format_diagnostic(self)


@dataclass
class Report:
    """Every diagnostic of one run, in the order found; `sorted()` gives them by place."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(
        self,
        path: str,
        line: int,
        col: int,
        message: str,
        suggestion: str | None = None,
        stage: Stage = Stage.CONTENT,
    ) -> None:
        self.diagnostics.append(Diagnostic(path, line, col, Severity.ERROR, message, suggestion, stage))

    def warning(self, path: str, line: int, col: int, message: str, suggestion: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(path, line, col, Severity.WARNING, message, suggestion))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def has_config_errors(self) -> bool:
        return any(d.severity is Severity.ERROR and d.stage is Stage.CONFIG for d in self.diagnostics)

    def sorted(self) -> list[Diagnostic]:
        """Unique diagnostics sorted by file, line, column."""
        return sorted(set(self.diagnostics), key=Diagnostic.sort_key)


class SiteError(Exception):
    """Raised by a stage boundary when the Report holds errors; carries them for the caller to print."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(f"{len(report.errors)} error(s)")


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest known id or key to a misspelt one, if any is close enough."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def format_diagnostic(diagnostic: Diagnostic, style: Callable[[str, Severity], str] | None = None) -> str:
    """`path:line:col: error: message (did you mean 'x'?)`, the one format of every diagnostic.

    `style` may decorate the severity label (the CLI colours it on a terminal).
    """
    label = diagnostic.severity.value
    if style:
        label = style(label, diagnostic.severity)
    text = f"{diagnostic.place}: {label}: {diagnostic.message}"
    if diagnostic.suggestion:
        text += f" (did you mean '{diagnostic.suggestion}'?)"
    return text

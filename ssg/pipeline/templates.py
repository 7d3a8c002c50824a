"""Template errors as diagnostics: the template file and line, from Jinja's own fields or its traceback."""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

from ssg.errors import Diagnostic, Severity
from ssg.output import OutputError


def template_diagnostic(exc: Exception, site_dir: Path) -> Diagnostic:
    """`templates/article.html:12:0: error: 'x' is undefined`, pointing at the template that failed. A page that
    failed because the disk refused its file (a streamed page is written as the template yields) is not the
    template's fault: that OutputError goes on up, to stop the build with its own message."""
    if isinstance(exc, OutputError):
        raise exc
    filename, line = None, 0
    if isinstance(exc, TemplateSyntaxError):
        filename, line = exc.filename, exc.lineno or 0
    else:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith(TEMPLATE_SUFFIXES):
                filename, line = frame.filename, frame.lineno or 0
                break
    if isinstance(exc, TemplateNotFound):
        message = f"template '{exc.name}' not found (neither in templates/ nor in the default theme)"
    else:
        message = f"template error: {getattr(exc, 'message', None) or exc}"
    return Diagnostic(display_path(filename, site_dir), line, 0, Severity.ERROR, message)


TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")


def raised_in_template(exc: BaseException) -> bool:
    """Whether an exception is the template's doing: a Jinja error, or raised with a template's code as the
    innermost frame that is not Jinja's own (`{{ 1 / 0 }}`, `site.actors['nobody']`). One raised inside ssg's
    code is a bug in ssg."""
    if isinstance(exc, TemplateError):
        return True
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(TEMPLATE_SUFFIXES) or frame.filename == "<template>":
            return True
        if f"{os.sep}jinja2{os.sep}" not in frame.filename:
            return False
    return False


def display_path(filename: str | None, site_dir: Path) -> str:
    if filename is None:
        return "templates"
    path = Path(filename).resolve()
    for root in (site_dir.resolve(), Path(__file__).resolve().parent.parent.parent):
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return filename

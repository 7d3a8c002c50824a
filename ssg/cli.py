"""The `ssg` command (SPEC §7): parse arguments, call one function per command, print, set the exit code.

Exit status: 0 success; 1 the content has errors; 2 bad usage or configuration. Only this module exits.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ssg import __version__
from ssg.build import BuildOptions, build_site, check_site
from ssg.errors import Report, Severity, SiteError, format_diagnostic
from ssg.output import OutputError
from ssg.scaffold import ScaffoldError, init_site, new_actor, new_article

EXIT_CONTENT = 1
EXIT_USAGE = 2
PROGRESS_THRESHOLD = 300  # pages: below this a build is quick and the bar would only flicker

site_option = click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The site folder (with site.toml).",
)


def style_label(label: str, severity: Severity) -> str:
    return click.style(label, fg="red" if severity is Severity.ERROR else "yellow", bold=True)


def print_report(report: Report) -> None:
    """Every diagnostic, sorted by place, on stderr (coloured on a terminal), then a count."""
    diagnostics = report.sorted()
    for diagnostic in diagnostics:
        click.echo(format_diagnostic(diagnostic, style_label), err=True)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if errors or warnings:
        parts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
        parts += [f"{warnings} warning{'s' * (warnings != 1)}"] if warnings else []
        click.echo(", ".join(parts), err=True)


def fail(report: Report) -> None:
    print_report(report)
    sys.exit(EXIT_USAGE if report.has_config_errors else EXIT_CONTENT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ssg")
def main() -> None:
    """ssg: a static site generator for annotated articles (who said what)."""


@main.command()
@site_option
@click.option("--drafts", is_flag=True, help="Include articles and pages marked draft.")
@click.option("--base-url", help="Override site.base_url (e.g. for a staging host).")
@click.option("--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), help="Default: <site>/build.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes (default: one per core).")
@click.option("--no-cache", is_flag=True, help="Ignore and do not write .ssg-cache/ (a cold build).")
def build(
    site_dir: Path, drafts: bool, base_url: str | None, output_dir: Path | None, jobs: int, no_cache: bool
) -> None:
    """Build the site into the output folder."""
    options = BuildOptions(
        site_dir=site_dir, output_dir=output_dir, drafts=drafts, base_url=base_url, jobs=jobs, use_cache=not no_cache
    )
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and total >= PROGRESS_THRESHOLD and sys.stderr.isatty():
            bar = click.progressbar(length=total, label="Rendering", file=sys.stderr)
            bar.__enter__()
        if bar is not None:
            bar.update(done - bar.pos)

    try:
        result = build_site(options, progress)
    except SiteError as exc:
        fail(exc.report)
    except OutputError as exc:
        raise click.UsageError(str(exc)) from exc
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    print_report(result.report)
    written = result.written
    click.echo(
        f"Built {result.pages} pages in {result.seconds:.2f} s -> {options.output} "
        f"({result.rendered} rendered; files: {written.written} written, {written.removed} removed, "
        f"{written.unchanged} unchanged)"
    )


@main.command()
@site_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--drafts", is_flag=True, help="Check drafts too.")
def check(site_dir: Path, strict: bool, drafts: bool) -> None:
    """Validate content and internal links without writing the output."""
    try:
        report = check_site(BuildOptions(site_dir=site_dir, drafts=drafts))
    except SiteError as exc:
        fail(exc.report)
    if strict and report.warnings:
        fail(report)
    print_report(report)
    click.echo("No errors." if not report.diagnostics else "No errors (warnings above).")


@main.group()
def new() -> None:
    """Write a new article or actor profile with its front matter filled in."""


@new.command("article")
@site_option
@click.argument("title")
def new_article_command(site_dir: Path, title: str) -> None:
    """A new article: content/articles/<slug>.md."""
    _scaffold(lambda: new_article(site_dir, title))


@new.command("actor")
@site_option
@click.argument("name")
@click.option("--organization", is_flag=True, help="The actor is an organization, not a person.")
def new_actor_command(site_dir: Path, name: str, organization: bool) -> None:
    """A new actor profile: content/actors/<id>.md."""
    _scaffold(lambda: new_actor(site_dir, name, "organization" if organization else "person"))


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Make a new site with the default theme and one example article."""
    _scaffold(lambda: init_site(directory))
    click.echo(f"Next: cd {directory} && ssg serve")


def _scaffold(action) -> None:
    try:
        created = action()
    except ScaffoldError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    for path in created:
        click.echo(f"Wrote {path}")

"""The `ssg` command (SPEC §7): parse arguments, call one function per command, print, set the exit code.

Exit status: 0 success; 1 the content has errors; 2 bad usage or configuration. Only this module exits.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ssg import __version__
from ssg.config import load_config
from ssg.errors import Report, Severity, SiteError, did_you_mean, format_diagnostic
from ssg.output import OutputError
from ssg.pipeline import RunOptions, build_site, check_site
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


@contextmanager
def progress_bar(label: str, threshold: int = PROGRESS_THRESHOLD) -> Iterator[Callable[[int, int], None]]:
    """A progress callback that shows click's bar on a terminal once the work is long enough."""
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and total >= threshold and sys.stderr.isatty():
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        if bar is not None:
            bar.update(done - bar.pos)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


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
    options = RunOptions(
        site_dir=site_dir, output_dir=output_dir, drafts=drafts, base_url=base_url, jobs=jobs, use_cache=not no_cache
    )
    try:
        with progress_bar("Rendering") as progress:
            result = build_site(options, progress)
    except SiteError as exc:
        fail(exc.report)
    except OutputError as exc:
        raise click.UsageError(str(exc)) from exc
    print_report(result.report)
    written = result.written
    drafts = result.drafts_left_out
    click.echo(
        f"Built {result.pages} pages in {result.seconds:.2f} s -> {options.output} "
        f"({result.rendered} rendered; files: {written.written} written, {written.removed} removed, "
        f"{written.unchanged} unchanged{'; up to date' if result.up_to_date else ''})"
        + (
            f"; {plural(result.drafts_left_out, 'draft')} left out (--drafts builds them)"
            if result.drafts_left_out
            else ""
        )
    )
    exit_now()


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def exit_now() -> None:
    """Exit without tearing down the interpreter: freeing a big site's model object by object took seconds
    after the work was done. Everything is written and flushed by then."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@main.command()
@site_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--drafts/--no-drafts", default=True, show_default=True, help="Check drafts too (they are content).")
def check(site_dir: Path, strict: bool, drafts: bool) -> None:
    """Validate content (drafts included) and internal links without writing the output."""
    try:
        report = check_site(RunOptions(site_dir=site_dir, drafts=drafts))
    except SiteError as exc:
        fail(exc.report)
    if strict and report.warnings:
        fail(report)
    print_report(report)
    click.echo("No errors." if not report.diagnostics else "No errors (warnings above).")


@main.command()
@site_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback unless you say so).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0: any free port.")
@click.option("--drafts/--no-drafts", default=True, show_default=True, help="Include drafts in the preview.")
@click.option(
    "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), help="Default: .ssg-cache/preview."
)
def serve(site_dir: Path, host: str, port: int, drafts: bool, output_dir: Path | None) -> None:
    """Build, serve with live reload, and rebuild what changed on every save."""
    from ssg.livereload import PortInUseError
    from ssg.serve import start_preview

    report = Report()
    if load_config(site_dir, report) is None:
        fail(report)
    try:
        server = start_preview(site_dir, host, port, drafts, output_dir, log=lambda m: click.echo(m, err=True))
    except PortInUseError as exc:
        raise click.UsageError(str(exc.strerror or exc)) from exc
    except OutputError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"Serving {site_dir.resolve()} at {server.url} (Ctrl-C to stop)")
    signal.signal(signal.SIGTERM, stop_on_signal)  # `kill`, `timeout`, a service manager: stop as on Ctrl-C
    server.serve_forever()
    click.echo("Stopped.")


def stop_on_signal(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@main.command()
@site_option
@click.argument("target", required=False)
@click.option("--dry-run", is_flag=True, help="List what would be uploaded, changed and deleted; change nothing.")
@click.option("--keep-removed", is_flag=True, help="Keep files on the target that the site no longer has.")
def publish(site_dir: Path, target: str | None, dry_run: bool, keep_removed: bool) -> None:
    """Build the site afresh (no drafts) and send it to a target of site.toml's [publish.*]."""
    from ssg.publish import PublishError, format_plan, resolve_paths
    from ssg.publish import publish as publish_output

    report = Report()
    config = load_config(site_dir, report)
    if config is None:
        fail(report)
    if not config.publish:
        raise click.UsageError("site.toml has no [publish.<name>] target (see docs/publishing.md)")
    names = [t.name for t in config.publish]
    if target is not None and target not in names:
        hint = did_you_mean(target, names)
        raise click.UsageError(
            f"no publish target '{target}' in site.toml (targets: {', '.join(names)})"
            + (f"; did you mean '{hint}'?" if hint else "")
        )
    chosen = next(t for t in config.publish if target in (None, t.name))
    with tempfile.TemporaryDirectory(prefix="ssg-publish-") as folder:
        output = Path(folder) / "site"
        try:
            result = build_site(RunOptions(site_dir=site_dir, output_dir=output, use_cache=True))
        except SiteError as exc:
            click.echo("The build failed; nothing was published.", err=True)
            fail(exc.report)
        except OutputError as exc:
            raise click.UsageError(f"{exc}; nothing was published") from exc
        print_report(result.report)
        try:
            with progress_bar("Uploading") as progress:
                summary = publish_output(
                    resolve_paths(chosen, site_dir),
                    output,
                    dry_run=dry_run,
                    keep_removed=keep_removed,
                    progress=progress,
                )
        except PublishError as exc:
            click.echo(f"error: publishing to '{chosen.name}' failed: {exc}", err=True)
            sys.exit(EXIT_CONTENT)
    for line in format_plan(summary.plan):
        click.echo(line)
    plan = summary.plan
    counts = (
        f"{len(plan.uploads)} new, {len(plan.changes)} changed, {len(plan.deletions)} deleted, "
        f"{plan.unchanged} unchanged"
    )
    if dry_run:
        click.echo(f"Dry run for '{chosen.name}': {counts}; nothing was changed.")
    else:
        click.echo(
            f"Published to '{chosen.name}': {counts}; {summary.files_sent} files "
            f"({summary.bytes_sent:,} bytes) sent in {summary.seconds:.2f} s"
        )


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
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path), help="The same as DIRECTORY.")
def init(directory: Path | None, site_dir: Path | None) -> None:
    """Make a new site in DIRECTORY with the default theme and one example article."""
    target = directory or site_dir
    if target is None:
        raise click.UsageError("say where: ssg init DIRECTORY")
    _scaffold(lambda: init_site(target))
    click.echo(f"Next: cd {target} && ssg serve")


def _scaffold(action) -> None:
    try:
        created = action()
    except ScaffoldError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    for path in created:
        click.echo(f"Wrote {path}")

"""site.toml -> SiteConfig (SPEC §2, §9): defaults, verdict ratings, and every mistake reported at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssg.config import DirTarget, GitTarget, S3Target, SiteConfig, load_config, name_problem
from ssg.errors import Diagnostic, Report, Stage

MINIMAL = """\
[site]
title = "Monitor"
base_url = "https://example.org/monitor/"
"""


def load(tmp_path: Path, text: str, base_url: str | None = None) -> tuple[SiteConfig | None, Report]:
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    report = Report()
    return load_config(tmp_path, report, base_url), report


def only_error(report: Report) -> Diagnostic:
    assert len(report.errors) == 1, [str(d) for d in report.diagnostics]
    return report.errors[0]


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of `text` containing `needle` (so tests do not hard-code numbers)."""
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


# --- defaults and derived values -----------------------------------------------------------------------------


def test_minimal_config_gets_the_documented_defaults(tmp_path: Path) -> None:
    config, report = load(tmp_path, MINIMAL)
    assert report.diagnostics == []
    assert config is not None
    assert config.title == "Monitor"
    assert config.language == "en"
    assert config.articles_per_page == 10
    assert config.claims_per_page == 50
    assert config.permalink == "/articles/{slug}/"
    assert config.autolink == "first"
    assert config.raw_html is False
    assert config.verdicts == ()
    assert config.publish == ()


@pytest.mark.parametrize(
    ("base_url", "normalised", "base_path"),
    [
        ("https://example.org/monitor/", "https://example.org/monitor/", "/monitor/"),
        ("https://example.org/monitor", "https://example.org/monitor/", "/monitor/"),
        ("https://example.org", "https://example.org/", "/"),
        ("http://localhost:8000/a/b/", "http://localhost:8000/a/b/", "/a/b/"),
    ],
)
def test_base_url_gets_a_trailing_slash_and_its_path_is_the_base_path(
    tmp_path: Path, base_url: str, normalised: str, base_path: str
) -> None:
    config, report = load(tmp_path, f'[site]\ntitle = "T"\nbase_url = "{base_url}"\n')
    assert report.diagnostics == []
    assert config is not None
    assert config.base_url == normalised
    assert config.base_path == base_path


def test_build_table_values_are_read(tmp_path: Path) -> None:
    text = MINIMAL + '[build]\narticles_per_page = 3\npermalink = "/{year}/{month}/{slug}/"\nautolink = "all"\n'
    text += "raw_html = true\n"
    config, report = load(tmp_path, text)
    assert report.diagnostics == []
    assert config is not None
    assert (config.articles_per_page, config.permalink, config.autolink, config.raw_html) == (
        3,
        "/{year}/{month}/{slug}/",
        "all",
        True,
    )


VERDICTS = """
[[verdicts]]
id = "true"
label = "True"
[[verdicts]]
id = "misleading"
label = "Misleading"
[[verdicts]]
id = "unverified"
label = "Unverified"
scored = false
[[verdicts]]
id = "false"
label = "False"
"""


def test_verdict_rating_is_rank_among_scored_verdicts_best_highest(tmp_path: Path) -> None:
    config, report = load(tmp_path, MINIMAL + VERDICTS)
    assert report.diagnostics == []
    assert config is not None
    assert [v.id for v in config.verdicts] == ["true", "misleading", "unverified", "false"]
    assert [v.id for v in config.scale] == ["true", "misleading", "false"]
    assert config.rating("true") == 3  # best = the count of scored verdicts
    assert config.rating("misleading") == 2
    assert config.rating("false") == 1  # worst = 1, even though an unscored verdict is listed after it
    assert config.rating("unverified") is None  # outside the scale
    assert config.rating("nonexistent") is None


def test_verdict_lookup_by_id(tmp_path: Path) -> None:
    config, _ = load(tmp_path, MINIMAL + VERDICTS)
    assert config is not None
    verdict = config.verdict("unverified")
    assert verdict is not None
    assert (verdict.label, verdict.scored) == ("Unverified", False)
    assert config.verdict("maybe") is None


# --- errors with lines and suggestions --------------------------------------------------------------------------


def test_unknown_key_in_site_table_is_an_error_at_its_line_with_a_suggestion(tmp_path: Path) -> None:
    text = MINIMAL + 'langauge = "en"\n'
    _, report = load(tmp_path, text)
    error = only_error(report)
    assert (error.path, error.line) == ("site.toml", 4)
    assert "langauge" in error.message
    assert error.suggestion == "language"
    assert error.stage is Stage.CONFIG
    assert str(error) == ("site.toml:4:1: error: unknown key 'langauge' in [site] (did you mean 'language'?)")


def test_unknown_key_in_build_table_is_reported_at_its_line(tmp_path: Path) -> None:
    text = MINIMAL + '\n[build]\narticles_per_page = 5\nautolinks = "all"\n'
    _, report = load(tmp_path, text)
    error = only_error(report)
    assert error.line == line_of(text, "autolinks")
    assert error.suggestion == "autolink"


def test_unknown_top_level_table_is_reported_with_suggestion(tmp_path: Path) -> None:
    text = MINIMAL + "\n[biuld]\narticles_per_page = 5\n"
    _, report = load(tmp_path, text)
    error = only_error(report)
    assert error.line == line_of(text, "[biuld]")
    assert "biuld" in error.message
    assert error.suggestion == "build"


def test_unknown_key_in_a_verdict_names_which_verdict(tmp_path: Path) -> None:
    text = MINIMAL + '[[verdicts]]\nid = "true"\nlabel = "True"\n'
    text += '[[verdicts]]\nid = "false"\nlabel = "False"\nscore = 1\n'
    _, report = load(tmp_path, text)
    error = only_error(report)
    assert error.line == line_of(text, "score =")
    assert "[[verdicts]] number 2" in error.message
    assert error.suggestion == "scored"


@pytest.mark.parametrize(
    ("line", "message_part"),
    [
        ('articles_per_page = "ten"', "'build.articles_per_page' must be an integer"),
        ("articles_per_page = true", "'build.articles_per_page' must be an integer"),
        ('raw_html = "yes"', "'build.raw_html' must be true or false"),
        ("permalink = 5", "'build.permalink' must be a string"),
        ("articles_per_page = 0", "'build.articles_per_page' must be at least 1"),
        ("claims_per_page = 0", "'build.claims_per_page' must be at least 1"),
        ('claims_per_page = "fifty"', "'build.claims_per_page' must be an integer"),
    ],
)
def test_wrong_type_or_value_in_build_is_reported_at_its_line(tmp_path: Path, line: str, message_part: str) -> None:
    text = MINIMAL + "\n[build]\n" + line + "\n"
    _, report = load(tmp_path, text)
    error = only_error(report)
    assert error.line == line_of(text, line)
    assert message_part in error.message


@pytest.mark.parametrize(
    "base_url",
    ["example.org/monitor/", "/monitor/", "ftp://example.org/", "https://example.org/?a=1", "https:///x/"],
)
def test_base_url_must_be_absolute_http(tmp_path: Path, base_url: str) -> None:
    text = f'[site]\ntitle = "T"\n\nbase_url = "{base_url}"\n'
    config, report = load(tmp_path, text)
    assert config is None
    error = only_error(report)
    assert error.line == 4
    assert "base_url" in error.message and base_url in error.message


def test_missing_title_and_base_url_point_at_the_site_table(tmp_path: Path) -> None:
    text = '# comment\n[site]\nlanguage = "en"\n'
    config, report = load(tmp_path, text)
    assert config is None
    messages = sorted((d.line, d.message) for d in report.errors)
    assert messages == [
        (2, "missing required key 'site.base_url'"),
        (2, "missing required key 'site.title'"),
    ]


@pytest.mark.parametrize(
    "extra",
    ['[site]\ntitle = "T"\nbase_url = "https://e.org/"\nlangauge = "en"\n', MINIMAL + "[build]\nraw_html = 1\n"],
)
def test_a_config_with_an_error_in_site_or_build_is_not_returned(tmp_path: Path, extra: str) -> None:
    config, report = load(tmp_path, extra)
    assert report.has_config_errors
    assert config is None  # load_config: "None (with diagnostics) when it is missing or wrong"


def test_a_config_with_a_bad_verdict_is_not_returned(tmp_path: Path) -> None:
    config, report = load(tmp_path, MINIMAL + '[[verdicts]]\nid = "x"\n')
    assert report.has_config_errors
    assert config is None


@pytest.mark.parametrize(
    ("line", "message"),
    [("title = 5", "'site.title' must be a string"), ("language = []", "'site.language' must be a string")],
)
def test_wrong_type_in_site_is_reported_at_its_line(tmp_path: Path, line: str, message: str) -> None:
    text = '[site]\nbase_url = "https://example.org/"\n' + line + "\n"
    if not line.startswith("title"):
        text += 'title = "T"\n'
    _, report = load(tmp_path, text)
    assert (3, message) in [(d.line, d.message) for d in report.errors]


def test_a_title_of_the_wrong_type_is_not_called_missing(tmp_path: Path) -> None:
    _, report = load(tmp_path, '[site]\ntitle = 5\nbase_url = "https://example.org/"\n')
    assert [(d.line, d.message) for d in report.errors] == [(2, "'site.title' must be a string")]


def test_bad_autolink_value_suggests_the_closest_mode(tmp_path: Path) -> None:
    text = MINIMAL + '[build]\nautolink = "frist"\n'
    _, report = load(tmp_path, text)
    error = only_error(report)
    assert error.line == line_of(text, "autolink")
    assert "frist" in error.message
    assert error.suggestion == "first"


def test_unknown_permalink_placeholder_suggests_a_known_one(tmp_path: Path) -> None:
    text = MINIMAL + '[build]\npermalink = "/{yaer}/{slug}/"\n'
    _, report = load(tmp_path, text)
    error = only_error(report)
    assert error.line == line_of(text, "permalink")
    assert "{yaer}" in error.message
    assert error.suggestion == "year"


@pytest.mark.parametrize(
    ("permalink", "message_part"),
    [("articles/{slug}/", "must start with '/'"), ("/articles/{year}/", "must contain {slug}")],
)
def test_permalink_must_be_rooted_and_contain_slug(tmp_path: Path, permalink: str, message_part: str) -> None:
    _, report = load(tmp_path, MINIMAL + f'[build]\npermalink = "{permalink}"\n')
    error = only_error(report)
    assert error.line == 5
    assert message_part in error.message


@pytest.mark.parametrize(
    ("permalink", "message_part"),
    [
        ("/../{slug}/", "bad part '..'"),
        ("/articles/./{slug}/", "bad part '.'"),
        ("/con/{slug}/", "'con' is a reserved file name on Windows"),
        ("/a\\\\b/{slug}/", "must not hold a backslash"),
        ("/{slug.__class__}/{slug}/", "unknown placeholder"),
    ],
)
def test_permalink_cannot_lead_outside_the_output(tmp_path: Path, permalink: str, message_part: str) -> None:
    _, report = load(tmp_path, MINIMAL + f'[build]\npermalink = "{permalink}"\n')
    error = only_error(report)
    assert (error.line, error.stage) == (5, Stage.CONFIG)
    assert message_part in error.message


@pytest.mark.parametrize("verdict_id", ["con", "nul", "com1", "lpt9"])
def test_verdict_ids_that_are_reserved_file_names_are_errors(tmp_path: Path, verdict_id: str) -> None:
    _, report = load(tmp_path, MINIMAL + f'[[verdicts]]\nid = "{verdict_id}"\nlabel = "X"\n')
    assert f"'{verdict_id}' is a reserved file name on Windows" in only_error(report).message


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("ok-name", None),
        ("console", None),
        ("мир", None),
        ("CON", "'CON' is a reserved file name on Windows"),
        ("nul.txt", "'nul' is a reserved file name on Windows"),
        ("com¹", "'com¹' is a reserved file name on Windows"),
        ("a" * 256, "a file name is at most 255 bytes"),
        ("я" * 128, "a file name is at most 255 bytes"),  # 256 bytes in UTF-8
        ("..", "a file name cannot be empty, '.', '..' or hold '/', '\\' or control characters"),
        ("a\x00b", "a file name cannot be empty, '.', '..' or hold '/', '\\' or control characters"),
    ],
)
def test_name_problem(name: str, problem: str | None) -> None:
    assert name_problem(name) == problem


def test_every_config_error_is_reported_in_one_run_sorted_by_line(tmp_path: Path) -> None:
    text = """\
[site]
title = "T"
base_url = "https://example.org/"
tilte = "typo"

[build]
articles_per_page = "many"
autolink = "sometimes"
permalink = "/{slug}/{mnoth}/"

[[verdicts]]
id = "true"
lable = "True"
"""
    config, report = load(tmp_path, text)
    assert config is None
    places = [(d.line, d.suggestion) for d in report.sorted()]
    assert places == [
        (4, "title"),
        (7, None),
        (8, None),
        (9, "month"),
        (11, None),  # verdict 1 has no 'label' (points at its [[verdicts]] header)
        (13, "label"),
    ]
    assert all(d.stage is Stage.CONFIG for d in report.diagnostics)


def test_verdict_without_label_is_reported_at_its_header(tmp_path: Path) -> None:
    text = MINIMAL + '\n[[verdicts]]\nid = "true"\nlabel = "True"\n\n[[verdicts]]\nid = "false"\n'
    config, report = load(tmp_path, text)
    assert config is None
    error = only_error(report)
    assert error.message == "verdict 2 has no 'label'"
    assert error.line == 9  # the second [[verdicts]] header


def test_duplicate_and_malformed_verdict_ids_are_errors(tmp_path: Path) -> None:
    text = MINIMAL + '[[verdicts]]\nid = "true"\nlabel = "A"\n[[verdicts]]\nid = "true"\nlabel = "B"\n'
    text += '[[verdicts]]\nid = "Not OK"\nlabel = "C"\n'
    _, report = load(tmp_path, text)
    assert sorted((d.line, d.message) for d in report.errors) == [
        (8, "verdict id 'true' is given twice"),
        (11, "verdict id 'Not OK' must match [a-z0-9][a-z0-9-]*"),
    ]


# --- publish targets (SPEC §9) ----------------------------------------------------------------------------------

PUBLISH = """
[publish.pages]
kind = "git"
remote = "git@github.com:desk/monitor.git"
cname = "monitor.example.org"

[publish.mirror]
kind = "dir"
path = "/srv/www/monitor"

[publish.bucket]
kind = "s3"
bucket = "monitor-site"
prefix = "/site/v1/"
region = "eu-central-1"
endpoint_url = "https://s3.example.net"
[publish.bucket.cache_control]
"static/*" = "public, max-age=86400"
"*.html" = "no-cache"
"*" = "public, max-age=300"
"""


def test_publish_targets_of_each_kind_become_dataclasses_in_file_order(tmp_path: Path) -> None:
    config, report = load(tmp_path, MINIMAL + PUBLISH)
    assert report.diagnostics == []
    assert config is not None
    pages, mirror, bucket = config.publish
    assert pages == GitTarget(
        name="pages",
        remote="git@github.com:desk/monitor.git",
        branch="gh-pages",
        cname="monitor.example.org",
        message="Publish {date}",
    )
    assert mirror == DirTarget(name="mirror", path="/srv/www/monitor")
    assert isinstance(bucket, S3Target)
    assert bucket.bucket == "monitor-site"
    assert bucket.prefix == "site/v1/"  # no leading slash, one trailing slash
    assert (bucket.region, bucket.endpoint_url) == ("eu-central-1", "https://s3.example.net")
    assert bucket.cache_control == (
        ("static/*", "public, max-age=86400"),
        ("*.html", "no-cache"),
        ("*", "public, max-age=300"),
    )


@pytest.mark.parametrize(("prefix", "normalised"), [("", ""), ("/", ""), ("site", "site/"), ("a/b/", "a/b/")])
def test_s3_prefix_is_normalised(tmp_path: Path, prefix: str, normalised: str) -> None:
    text = MINIMAL + f'[publish.b]\nkind = "s3"\nbucket = "x"\nprefix = "{prefix}"\n'
    config, report = load(tmp_path, text)
    assert report.diagnostics == []
    assert config is not None
    assert config.publish[0].prefix == normalised  # type: ignore[union-attr]


def test_unknown_publish_kind_is_an_error_with_suggestion(tmp_path: Path) -> None:
    text = MINIMAL + '\n[publish.mirror]\nkind = "dri"\npath = "/srv"\n'
    config, report = load(tmp_path, text)
    assert config is None
    error = only_error(report)
    assert error.line == line_of(text, "kind")
    assert "'dri'" in error.message
    assert error.suggestion == "dir"


def test_publish_target_missing_kind_or_required_key(tmp_path: Path) -> None:
    text = MINIMAL + '\n[publish.a]\npath = "/srv"\n\n[publish.b]\nkind = "git"\nbranch = "main"\n'
    _, report = load(tmp_path, text)
    assert sorted((d.line, d.message) for d in report.errors) == [
        (5, 'publish target \'a\' needs kind = "git", "dir" or "s3" (missing)'),
        (8, "publish target 'b' needs 'remote'"),
    ]


def test_unknown_key_in_publish_target_is_an_error(tmp_path: Path) -> None:
    text = MINIMAL + '[publish.mirror]\nkind = "dir"\npath = "/srv"\npaht = "/x"\n'
    _, report = load(tmp_path, text)
    error = only_error(report)
    assert error.line == line_of(text, "paht")
    assert error.suggestion == "path"


# --- the command line override and unreadable files -------------------------------------------------------------


def test_base_url_override_replaces_the_files_value(tmp_path: Path) -> None:
    config, report = load(tmp_path, MINIMAL, base_url="https://staging.example.net/preview")
    assert report.diagnostics == []
    assert config is not None
    assert config.base_url == "https://staging.example.net/preview/"
    assert config.base_path == "/preview/"


def test_base_url_override_supplies_a_missing_base_url(tmp_path: Path) -> None:
    config, report = load(tmp_path, '[site]\ntitle = "T"\n', base_url="https://example.org/")
    assert report.diagnostics == []
    assert config is not None and config.base_url == "https://example.org/"


def test_bad_base_url_override_is_a_config_error(tmp_path: Path) -> None:
    config, report = load(tmp_path, MINIMAL, base_url="staging")
    assert config is None
    assert "'staging'" in only_error(report).message


def test_toml_syntax_error_reports_line_and_column(tmp_path: Path) -> None:
    text = '[site]\ntitle = "T"\nbase_url = "https://example.org/\n'
    config, report = load(tmp_path, text)
    assert config is None
    error = only_error(report)
    assert (error.line, error.col) == (3, 33)
    assert error.message.startswith("invalid TOML: ")
    assert "line 3" not in error.message  # the place is in the prefix, not repeated
    assert error.stage is Stage.CONFIG


def test_missing_site_toml_is_a_config_error(tmp_path: Path) -> None:
    report = Report()
    assert load_config(tmp_path, report) is None
    error = only_error(report)
    assert error.path == "site.toml"
    assert error.stage is Stage.CONFIG

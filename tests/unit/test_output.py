"""Writing the output (ssg/output.py): only changed files are touched, and a failure leaves the folder as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ssg.output import Destination, OutputFile, write_output


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def output(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    (folder / "articles" / "old").mkdir(parents=True)
    (folder / "index.html").write_bytes(b"<p>home</p>")
    (folder / "articles" / "old" / "index.html").write_bytes(b"<p>old</p>")
    return folder


def test_an_update_writes_changed_files_and_removes_what_the_site_no_longer_has(output: Path) -> None:
    home_mtime = (output / "index.html").stat().st_mtime_ns
    destination = Destination.open(output)
    files = [OutputFile("index.html", b"<p>home</p>"), OutputFile("articles/new/index.html", b"<p>new</p>")]
    summary = write_output(destination, files)
    assert tree(output) == {"index.html": b"<p>home</p>", "articles/new/index.html": b"<p>new</p>"}
    assert (output / "index.html").stat().st_mtime_ns == home_mtime  # same bytes: not rewritten
    assert (summary.written, summary.unchanged, summary.removed) == (1, 1, 1)
    assert not (output / "articles" / "old").exists()  # its folder went with it


def test_a_failure_before_the_end_leaves_the_output_untouched(output: Path) -> None:
    before = tree(output)
    destination = Destination.open(output)

    def files() -> Iterator[OutputFile]:
        yield OutputFile("index.html", b"<p>changed</p>")
        yield OutputFile("articles/brand-new/index.html", b"<p>new</p>")
        raise RuntimeError("a page failed")

    with pytest.raises(RuntimeError):
        write_output(destination, files())
    assert tree(output) == before  # no half-written file, no .ssg-new left behind
    assert not (output / "articles" / "brand-new").exists()


def test_a_streamed_page_that_fails_half_way_leaves_nothing(output: Path) -> None:
    destination = Destination.open(output)

    def parts() -> Iterator[str]:
        yield "<p>first half"
        raise ValueError("the template failed")

    with pytest.raises(ValueError):
        destination.prepare_parts("claims/index.html", parts())
    assert sorted(tree(output)) == ["articles/old/index.html", "index.html"]
    assert sorted(p.name for p in output.parent.iterdir()) == ["out"]  # nothing left beside it either


def test_a_streamed_page_with_the_same_text_is_not_written_again(output: Path) -> None:
    destination = Destination.open(output)
    folder_mtime = output.stat().st_mtime_ns
    assert destination.prepare_parts("index.html", iter(["<p>", "home</p>"])) is None
    assert output.stat().st_mtime_ns == folder_mtime  # not even a temporary file came and went in it
    prepared = destination.prepare_parts("claims/index.html", iter(["<p>", "höme</p>"]))
    assert prepared is not None and prepared.read_text(encoding="utf-8") == "<p>höme</p>"
    write_output(destination, [OutputFile("claims/index.html", prepared=prepared)])
    assert tree(output) == {"claims/index.html": "<p>höme</p>".encode()}


def test_a_first_build_goes_to_a_staging_folder_renamed_at_the_end(tmp_path: Path) -> None:
    output = tmp_path / "site-out"
    destination = Destination.open(output)
    assert destination.stage is not None and not output.exists()
    prepared = destination.prepare("index.html", b"<p>home</p>")
    summary = write_output(destination, [OutputFile("index.html", prepared=prepared)])
    assert tree(output) == {"index.html": b"<p>home</p>"} and summary.written == 1
    assert not destination.stage.exists()

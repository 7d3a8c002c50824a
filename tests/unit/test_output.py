"""Writing the output (ssg/output.py): only changed files are touched, and a failure leaves the folder as it was."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ssg import output as output_module
from ssg.output import Destination, OutputFile, remove_leftovers, write_output


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
    destination.discard()  # what a build does at its end, failed or not
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


def test_prepared_files_are_never_inside_the_output_folder(output: Path) -> None:
    destination = Destination.open(output)
    prepared = destination.prepare("articles/new/index.html", b"<p>new</p>")
    assert prepared is not None and not prepared.is_relative_to(output)
    assert prepared.parent.parent.parent == destination.new_path("")  # in the spare folder, by rel path
    assert not (output / "articles" / "new").exists()  # not even its folder, before the commit


def commit_killed_after(output: Path, steps: int) -> None:
    """Run an update in a forked child that dies (as by SIGKILL: no cleanup runs) before its step number `steps`
    of the commit (a step: a file renamed into place or removed)."""
    pid = os.fork()
    if pid == 0:  # the child: count steps, die at the chosen one
        done = [0]
        replace, unlink = Path.replace, Path.unlink

        def step(original):
            def counted(self: Path, *args, **kwargs):
                if done[0] == steps:
                    os._exit(9)
                done[0] += 1
                return original(self, *args, **kwargs)

            return counted

        Path.replace, Path.unlink = step(replace), step(unlink)  # type: ignore[method-assign]
        files = [
            OutputFile("index.html", b"<p>home 2</p>"),
            OutputFile("articles/new/index.html", b"<p>new</p>"),
            OutputFile("about/index.html", b"<p>about</p>"),
        ]
        write_output(Destination.open(output), files)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9, "the child was meant to die half-way through its commit"


@pytest.mark.parametrize("steps", [0, 1, 2, 3])  # 3: the renames done, killed removing the old page
def test_a_commit_killed_half_way_is_rolled_back_by_the_next_build(output: Path, steps: int) -> None:
    before = tree(output)
    commit_killed_after(output, steps)
    left = tree(output)
    assert set(left) <= set(before) | {"articles/new/index.html", "about/index.html"}  # no stray file in it
    assert all(left[p] in (before.get(p), b"<p>home 2</p>", b"<p>new</p>", b"<p>about</p>") for p in left)  # whole
    assert any(p.name.startswith(".out.undo-") for p in output.parent.iterdir())
    remove_leftovers(output)  # what the next build does first
    assert tree(output) == before
    assert sorted(p.name for p in output.parent.iterdir()) == ["out"]


def test_a_rollback_killed_in_turn_is_finished_by_the_next_one(output: Path, monkeypatch) -> None:
    before = tree(output)
    commit_killed_after(output, 2)
    undo = next(p for p in output.parent.iterdir() if p.name.startswith(".out.undo-"))
    monkeypatch.setattr(output_module, "end_journal", lambda output_dir, undo: None)  # "killed" before the end
    output_module.roll_back(output, undo)
    monkeypatch.undo()
    remove_leftovers(output)
    assert tree(output) == before
    assert sorted(p.name for p in output.parent.iterdir()) == ["out"]

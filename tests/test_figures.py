"""talk.tools.figures: what the slides show that is not typed. Who gives
the talk and where it lives come from talk/talk.toml (or the git remote);
line counts from the file they count; microseconds from the newest
benchmark run. A value still unknown is named in one line by the build and
never reaches a slide."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks import bench_groups as groups
from benchmarks.report import newest, rows_by_group
from conftest import copy_talk
from talk.tools import figures, slides
from talk.tools._common import ROOT

EXTENSION = ROOT / "flask-flags" / "flask_flags.py"


# --- counted from files --------------------------------------------------------

def test_code_lines_leave_out_docstrings_comments_and_blank_lines(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('''"""A module
docstring."""

import os  # a comment counts as code here: the line holds code


class A:
    """Docstring."""

    x = (1,
         2)  # two lines of one statement

    def f(self):
        # only a comment
        return os.sep
''', encoding="utf-8")
    assert figures.code_lines(sample) == 6


def test_code_lines_of_a_file_that_is_not_python(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("def (:\n", encoding="utf-8")
    with pytest.raises(figures.FigureError, match="broken.py: not Python"):
        figures.code_lines(broken)


def test_the_extension_is_about_a_hundred_lines():
    """At most 120 lines of code and 200 in all, so that "about 100
    lines" holds; the slide's figure is counted from the file."""
    assert 80 <= figures.code_lines(EXTENSION) <= 120
    assert len(EXTENSION.read_text(encoding="utf-8").splitlines()) <= 200


def test_the_slide_shows_the_counted_lines(built_deck):
    text = built_deck.read_text(encoding="utf-8")
    assert (f"The whole extension: {figures.code_lines(EXTENSION)} lines "
            "of code") in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))


# --- who and where ----------------------------------------------------------------

def write_toml(path: Path, **values: str) -> Path:
    path.write_text("[talk]\n" + "".join(
        f'{key} = "{value}"\n' for key, value in values.items()),
        encoding="utf-8")
    return path


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True,
                   capture_output=True)


def test_the_repository_url_comes_from_an_https_origin(tmp_path):
    toml = write_toml(tmp_path / "talk.toml", speaker="Ada")
    git(tmp_path, "init", "-q")
    assert figures.talk_info(toml, tmp_path).repository_url == ""
    git(tmp_path, "remote", "add", "origin", "git@github.com:a/b.git")
    assert figures.talk_info(toml, tmp_path).repository_url == ""  # not http
    git(tmp_path, "remote", "set-url", "origin", "https://github.com/a/b")
    assert figures.talk_info(toml, tmp_path).repository_url == (
        "https://github.com/a/b")
    toml = write_toml(toml, speaker="Ada", repository_url="https://x.test/r")
    assert figures.talk_info(toml, tmp_path).repository_url == (
        "https://x.test/r")  # the file wins


@pytest.mark.parametrize("text, message", [
    ("[talk\n", "talk.toml: "),
    ("[talk]\nspeaker = 3\n", "speaker must be a string, not 3"),
    ("talk = 1\n", "[talk] must be a table"),
])
def test_a_broken_talk_toml_is_named(tmp_path, text, message):
    path = tmp_path / "talk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(figures.FigureError, match=re.escape(message)):
        figures.talk_info(path, tmp_path)


def test_unknown_values_are_named_once_each(tmp_path):
    info = figures.talk_info(tmp_path / "none.toml", tmp_path)
    notices = figures.unknown(info, "here.toml")
    assert len(notices) == 3
    assert [n.split(":")[0] for n in notices] == [
        "speaker unknown", "the talk's URL is unknown",
        "the repository's URL is unknown"]
    assert all("here.toml" in notice for notice in notices)


def test_known_values_reach_the_title_and_closing_slides(tmp_path):
    talk = copy_talk(tmp_path)
    write_toml(talk / "talk.toml", speaker="Ada Lovelace",
               speaker_url="github.com/ada",
               talk_url="https://pycon.test/talks/42",
               repository_url="https://github.com/ada/flask-talk")
    build = slides.build(talk / "index.rst", tmp_path / "out")
    assert build.notices == ()
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    for step_id in ("title", "closing"):
        step = page.split(f'id="{step_id}"')[1].split('class="step ')[0]
        assert "Ada Lovelace" in step and "github.com/ada" in step
        assert "https://pycon.test/talks/42" in step
        assert "https://github.com/ada/flask-talk" in step
        assert 'src="generated/repo-qr.svg"' in step
    qr = (tmp_path / "out" / "generated" / "repo-qr.svg").read_text("utf-8")
    assert qr.lstrip().startswith("<svg") and "path" in qr


def test_unknown_values_are_said_by_the_build_and_left_off(tmp_path, capsys):
    talk = copy_talk(tmp_path)
    write_toml(talk / "talk.toml", speaker="Ada Lovelace")
    status = slides.main([str(talk / "index.rst"), str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 0
    notes = [line for line in err.splitlines() if "note:" in line]
    assert len(notes) == 2 and all(
        line.startswith("slides: note: ") for line in notes)
    assert "talk_url" in notes[0] and "repository_url" in notes[1]
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    title = page.split('id="title"')[1].split('class="step ')[0]
    assert "Ada Lovelace" in title
    assert not re.search(r"Slides and code|Talk:|repo-qr|unknown|TODO",
                         title)


# --- measured: the newest benchmark run ------------------------------------

def newest_groups() -> dict:
    return rows_by_group(json.loads(newest(figures.RESULTS).read_text(
        encoding="utf-8")))


def test_micro_shows_noise_as_about_zero():
    assert figures.micro(0.3e-6) == figures.micro(-0.4e-6) == "≈ 0"
    assert figures.micro(3.04e-6) == "+3.0"
    assert figures.micro(1234.5e-6) == "+1,234.5"


def test_the_tables_come_from_the_newest_run(built_deck):
    """The slides' microseconds are the newest run's, with the run and the
    machine named."""
    run = figures.newest_run()
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", built_deck.read_text(
        encoding="utf-8")))
    assert run.name in page and run.machine in page
    middleware = next(r for r in newest_groups()[groups.TIMING]
                      if r.name == "middleware")
    assert figures.micro(middleware.overhead) in page
    naive = run.overhead(groups.FLAGS_SCALE, "naive_10000_0")
    assert naive > 10e-6  # the naive snapshot of 10,000 flags costs
    assert figures.micro(naive) in figures.snapshot_cost(run)


def test_a_run_without_a_figure_fails_the_build_by_name(tmp_path):
    results = tmp_path / "results"
    shutil.copytree(figures.RESULTS, results)
    path = newest(results)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["benchmarks"] = [b for b in data["benchmarks"]
                          if b["group"] != groups.FLAG_TABLE]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(figures.FigureError,
                       match=rf"{path.name}: no 'table_flag'.*make bench"):
        figures.generate(tmp_path / "out", figures.TALK_TOML, results)
    with pytest.raises(figures.FigureError, match="no benchmark run"):
        figures.generate(tmp_path / "out", figures.TALK_TOML,
                         tmp_path / "empty")

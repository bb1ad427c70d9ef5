"""talk.tools.figures: what the slides show that is not typed. Who gives
the talk and where it lives come from talk/talk.toml (or the git remote);
line counts from the file they count; microseconds from the benchmark run
talk.toml pins. A value still unknown is named in one line by the build and
never reaches a slide; a broken pinned run stops it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from benchmarks import bench_groups as groups
from benchmarks import report
from conftest import copy_talk
from talk.tools import figures, slides
from talk.tools import ROOT, ToolError

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


def test_the_extension_stays_small():
    """What matters is that the slide's figure is the counted one (the
    next test), not a line budget: readability beats the count, and the
    full docstrings are not counted. The bounds only catch a runaway
    file: at most 190 lines of code (179 now) and 400 in all (370)."""
    assert 80 <= figures.code_lines(EXTENSION) <= 190
    assert len(EXTENSION.read_text(encoding="utf-8").splitlines()) <= 400


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
    assert figures.talk_info(toml, tmp_path).repository_url == (
        "https://github.com/a/b")  # a presenter's SSH clone
    git(tmp_path, "remote", "set-url", "origin", "https://github.com/a/b")
    assert figures.talk_info(toml, tmp_path).repository_url == (
        "https://github.com/a/b")
    toml = write_toml(toml, speaker="Ada", repository_url="https://x.test/r")
    assert figures.talk_info(toml, tmp_path).repository_url == (
        "https://x.test/r")  # the file wins


@pytest.mark.parametrize("remote, page", [
    ("git@github.com:owner/repo.git", "https://github.com/owner/repo"),
    ("git@gitlab.com:group/sub/repo.git", "https://gitlab.com/group/sub/repo"),
    ("ssh://git@github.com/owner/repo.git", "https://github.com/owner/repo"),
    ("ssh://git@git.example.org:2222/team/repo",
     "https://git.example.org/team/repo"),
    ("git+ssh://git@codeberg.org/owner/repo.git",
     "https://codeberg.org/owner/repo"),
    ("https://github.com/owner/repo.git", "https://github.com/owner/repo"),
    ("https://ada:s3cret@github.com/owner/repo.git",
     "https://github.com/owner/repo"),
    ("https://ghp_token@github.com/owner/repo", "https://github.com/owner/repo"),
    ("http://localhost:8080/owner/repo", "http://localhost:8080/owner/repo"),
    ("file:///srv/git/repo.git", ""),
    ("/srv/git/repo.git", ""),
    ("", ""),
])
def test_a_remote_gives_its_web_page_without_credentials(remote, page):
    assert figures.web_url(remote) == page


def test_credentials_in_talk_toml_are_never_shown(tmp_path):
    toml = write_toml(tmp_path / "talk.toml", speaker="Ada",
                      repository_url="https://ada:s3cret@x.test/r.git")
    assert figures.talk_info(toml, tmp_path).repository_url == (
        "https://x.test/r")


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


def test_a_talk_toml_that_is_not_utf8_is_named_once_with_its_line(tmp_path):
    path = tmp_path / "talk.toml"
    path.write_bytes(b'[talk]\nspeaker = "Ad\xe1"\n')
    with pytest.raises(ToolError) as caught:
        figures.talk_info(path, tmp_path)
    assert str(caught.value) == (f"{path}:2: byte 0xe1 (column 14) is not UTF-8: "
                                 "save the file as UTF-8")


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
    assert [n for n in build.notices if "unknown" in n] == []
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
    notes = [line for line in err.splitlines() if "note:" in line
             and "benchmark" not in line]
    assert len(notes) == 2 and all(
        line.startswith("slides: note: ") for line in notes)
    assert "talk_url" in notes[0] and "repository_url" in notes[1]
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    title = page.split('id="title"')[1].split('class="step ')[0]
    assert "Ada Lovelace" in title
    assert not re.search(r"Slides and code|Talk:|repo-qr|unknown|TODO",
                         title)


# --- measured: the pinned benchmark run ------------------------------------

def test_the_tables_come_from_the_pinned_run(built_deck):
    """The slides' microseconds and queries are the pinned run's, with the
    run and the machine named."""
    run = figures.pinned_run()
    pin = tomllib.loads(figures.TALK_TOML.read_text(encoding="utf-8"))[
        "figures"]["run"]
    assert run.name == f"run {pin}"
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", built_deck.read_text(
        encoding="utf-8")))
    assert run.name in page and run.machine in page
    signals = run.row(groups.TIMING, name="signals")
    assert report.micro(signals.overhead) in page


def test_the_turning_point_the_snapshot_with_a_table_costs_more():
    """On a page that runs one query of its own, at 10 and 100 flags with
    the table handler: the snapshot sends one flag query per flag, answers
    kept in g 1 per check (0 without one), the page's own query counted
    apart; the snapshot's time is a multiple of theirs (ratios of one
    run)."""
    run = figures.pinned_run()
    for flags in (10, 100):
        for page_queries in (0, 1):
            def row(extension, checks):
                return run.row(groups.TURNING, extension=extension,
                               flags=flags, checks=checks,
                               page_queries=page_queries)
            assert [row(e, c).queries for e, c in [
                ("naive", 0), ("naive", 1), ("talk", 1), ("talk", 0)]] == [
                    flags, flags, 1, 0]
            assert row("naive", 1).overhead > 3 * row("talk", 1).overhead > 0


def test_the_turning_point_slide_is_the_pinned_runs_medians():
    """Rows and columns of the slide's table, and every figure on it,
    from the pinned run: each cell its row's flag queries and median µs
    added, the ratios from the figures shown."""
    run = figures.pinned_run()
    text = report.turning_point(run)

    def row(extension, checks, flags=10, page_queries=1):
        return run.row(groups.TURNING, extension=extension, flags=flags,
                       checks=checks, page_queries=page_queries)

    def cell(extension, checks, flags):
        found = row(extension, checks, flags)
        queries = f"{found.queries} quer" + (
            "y" if found.queries == 1 else "ies")
        return queries + (
            "" if found.baseline else f", {report.micro(found.overhead)} µs")

    expected = [["flags configured", "10", "100"]] + [
        [label] + [cell(extension, checks, flags) for flags in (10, 100)]
        for label, extension, checks in report.TURNING_ROWS]
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index("* - flags configured")
    assert lines[start:start + 15] == [
        f"{'* - ' if i == 0 else '- '}{value}"
        for cells in expected for i, value in enumerate(cells)]
    assert lines[start + 15] == ""  # nothing more in the table
    assert [r[0] for r in expected[1:]] == [
        "snapshot, no check", "snapshot, one check",
        "kept in ``g``, one check", "kept in ``g``, no check"]
    shown = report.shown_micro
    naive, lazy = row("naive", 1), row("talk", 1)
    times = report.multiple(shown(naive.overhead) / shown(lazy.overhead))
    assert (f"At 10 flags, one check: the snapshot {times} the time, "
            f"{report.multiple(naive.queries)} the queries") in text
    base = row("talk", 0).typical
    assert (f"µs added to a page that runs one query of its own "
            f"({base * report.US:,.0f} µs at 10 flags; its query is not in "
            "the counts)") in text
    alone = row("talk", 1, page_queries=0)
    alone_naive = row("naive", 1, page_queries=0)
    multiple = report.multiple(shown(alone_naive.overhead)
                               / shown(alone.overhead))
    assert (f"With none, one check also opens the session: "
            f"{report.micro(alone.overhead)} µs, the snapshot {multiple}"
            ) in text
    assert run.source() in text


def copy_results(tmp_path):
    results = tmp_path / "results"
    shutil.copytree(report.RESULTS, results)
    return results, report.pinned(figures.pinned_run().path.name[:4], results)


def test_a_run_without_a_figure_fails_the_build_by_name(tmp_path):
    results, path = copy_results(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["benchmarks"] = [b for b in data["benchmarks"]
                          if b["group"] != groups.FLAG_TABLE]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(figures.FigureError,
                       match=rf"{path.name}: 0 rows with name='table_flag'"):
        figures.generate(tmp_path / "out", figures.TALK_TOML, results)


@pytest.mark.parametrize("content", [b"{\"datetime\": ", b"\xff{}", b"[]"])
def test_a_broken_pinned_run_fails_loudly_never_an_older_one(tmp_path,
                                                             content):
    """An unreadable or malformed pinned run is one line naming the file;
    the older runs beside it are not used instead."""
    results, path = copy_results(tmp_path)
    path.write_bytes(content)
    with pytest.raises(figures.FigureError) as caught:
        figures.generate(tmp_path / "out", figures.TALK_TOML, results)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    assert not (tmp_path / "out" / "decision-table.txt").exists()


@pytest.mark.parametrize("pin, message", [
    ('run = 5', "[figures] run must pin a kept benchmark run"),
    ('run = "9999"', "0 runs numbered '9999'"),
])
def test_a_bad_pin_is_named(tmp_path, pin, message):
    toml = tmp_path / "talk.toml"
    toml.write_text(f"[figures]\n{pin}\n", encoding="utf-8")
    with pytest.raises(figures.FigureError, match=re.escape(message)):
        figures.generate(tmp_path / "out", toml)


def test_a_newer_run_is_said_in_one_line_and_not_used(tmp_path):
    run = figures.pinned_run()
    data = json.loads(run.path.read_text(encoding="utf-8"))
    data["datetime"] = "2999-01-01T00:00:00+00:00"
    newer = tmp_path / "new" / "29990101T000000Z.json"
    newer.parent.mkdir()
    newer.write_text(json.dumps(data), encoding="utf-8")
    notices, sources = figures.generate(tmp_path / "out", figures.TALK_TOML,
                                        new_results=tmp_path / "new")
    said = [n for n in notices if "benchmark" in n]
    assert len(said) == 1 and run.name in said[0] and newer.name in said[0]
    assert run.path.resolve() in sources and newer not in sources
    assert figures.run_notice(run, report.RESULTS) == (
        f"benchmark figures from {run.name} (pinned in talk.toml)")

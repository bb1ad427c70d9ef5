"""talk.tools.rehearse (``make rehearse``): the steps and notes of each
section file (from docutils' tree), each section's plan against its speaking
time plus its live-coding, demo and question minutes within 20%, and the
live-coding segments timed from their checkpoint diffs. On small decks and
checkpoint folders in tmp_path."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pytest

from talk.tools import rehearse
from talk.tools import ROOT, TALK

SECTION = """\
Text before the first step is not a step.

----

:class: section-start

Title
=====

Subtitle
--------

* a bullet

.. note::

   one two three four five
   six seven -- eight.

----

Second step
===========

.. include:: /generated/step01-step02.diff
   :code: diff

.. note:: first line counts too

   ``g._flags`` is one word

Not a note.

.. code:: rst

   .. note:: in a code block: not a note

----

.. note:: a step with no title
"""


def test_steps_and_their_notes_come_from_the_doctree():
    assert rehearse.steps(SECTION, "x.rst") == (8, 8, 5)


@pytest.mark.parametrize(("words", "wpm", "minutes"),
                         [(130, 130, 1.0), (0, 130, 0.0), (65, 130, 0.5), (390, 195, 2.0)])
def test_speaking_minutes(words, wpm, minutes):
    section = rehearse.Section(1, "x", 1.0, live_coding=1.5, demos=0.5,
                               questions=1.0, steps=(words,))
    assert rehearse.needs(section, wpm) == pytest.approx(minutes + 3.0)


def write_talk(tmp_path, outline: str, notes_words: dict[str, int],
               includes: dict[str, str] | None = None):
    """proposal.md with *outline* and one section file per entry of
    *notes_words*: one step whose notes have that many words (and the
    text *includes* gives that file)."""
    talk = tmp_path / "talk"
    talk.mkdir()
    for name, words in notes_words.items():
        note = textwrap.fill(" ".join(["word"] * words), 70,
                             initial_indent="   ", subsequent_indent="   ")
        extra = (includes or {}).get(name, "")
        (talk / name).write_text(f"----\n\nA step\n======\n\n{extra}\n\n"
                                 f".. note::\n\n{note}\n", encoding="utf-8")
    proposal = tmp_path / "proposal.md"
    proposal.write_text(f"# Talk\n\n## Outline\n\n{outline}\n## Notes\n",
                        encoding="utf-8")
    return proposal, talk


def run(capsys, *args) -> tuple[int, str, str]:
    status = rehearse.main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return status, out, err


# 130 words = 1 min of speaking.
FITTING = """\
1. Introduction (3 min)
    - me
2. Live coding (10 min; live coding 6 min; demos 1.5 min)
    - code
3. Short (0.5 min)
    - end
"""


def test_sections_that_fit_their_plan_exit_0(tmp_path, capsys):
    # 3 min = 390 words; 10 min = 2.5 min of talk + 6 + 1.5; 0.5 min = 65 words
    proposal, talk = write_talk(tmp_path, FITTING, {
        "01_intro.rst": 390, "02_live.rst": 325, "03_short.rst": 65})
    sections = rehearse.rehearse(proposal, talk, tmp_path / "no checkpoints")
    assert [(s.number, s.minutes, s.live_coding, s.demos, s.steps, s.words)
            for s in sections] == [(1, 3.0, 0.0, 0.0, (390,), 390),
                                   (2, 10.0, 6.0, 1.5, (325,), 325),
                                   (3, 0.5, 0.0, 0.0, (65,), 65)]
    assert [rehearse.needs(s) for s in sections] == pytest.approx([3.0, 10.0, 0.5])
    assert [rehearse.words_to_change(s) for s in sections] == [0, 0, 0]
    status, out, err = run(capsys, proposal, talk)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[:10] == ["Section", "plan", "steps", "words",
                                     "talk", "live", "demos", "q&a", "needs",
                                     "off"]
    assert lines[2].split() == ["2.", "Live", "coding", "10.0", "1", "325",
                                "2.5", "6.0", "1.5", "0.0", "10.0", "+0%"]
    assert lines[4].split() == ["Total", "13.5", "3", "780", "6.0", "6.0",
                                "1.5", "0.0", "13.5", "+0%"]
    assert len(lines) == 5  # no live segment: no live-coding lines


@pytest.mark.parametrize(("words", "change"), [
    # plan 5 min; needs = 2 min of live coding + words / 130
    (325, 0),      # needs 4.5: the plan is 11% over it
    (390, 0),      # needs 5.0
    (520, 0),      # needs 6.0: the plan is 16.7% under it
    (585, -33),    # needs 6.5: cut 33 words
    (250, 32),     # needs 3.92: add 32 words
])
def test_a_plan_fits_within_20_percent(tmp_path, capsys, words, change):
    proposal, talk = write_talk(
        tmp_path, "1. Intro (5 min; live coding 2 min)\n    - x\n",
        {"01_intro.rst": words})
    [section] = rehearse.rehearse(proposal, talk, tmp_path)
    assert rehearse.words_to_change(section) == change
    status, out, err = run(capsys, proposal, talk)
    assert status == (1 if change else 0)
    if change:
        what = (f"cut {-change} words of notes, or plan more" if change < 0
                else f"add {change} words of notes, or plan less")
        assert err == (f"rehearse: section 1: plans 5 min, needs "
                       f"{rehearse.needs(section):.1f} min: {what}\n")
        # the hint is exact: that many words more or fewer makes it fit
        fixed = replace(section, steps=(words + change,))
        assert rehearse.words_to_change(fixed) == 0
        one_short = change - change // abs(change)
        assert rehearse.words_to_change(
            replace(section, steps=(words + one_short,))) != 0


# --- live coding: the checkpoint diffs ---------------------------------------

STEP1 = "from flask import Flask\n\napp = Flask(__name__)\n"
#: adds 4 lines: 10 + 0 (blank) + 11 + 18 characters once indents and
#: trailing spaces are left out; "app = ..." is removed (costs nothing)
STEP2 = ("from flask import Flask\n"
         "import abc\n"              # 10
         "\n"                        # 0
         "def make(): \n"            # 11
         "    return Flask(name)\n")  # 18
STEP3 = STEP2 + "x = 1\n"           # 5


def checkpoint_folder(tmp_path):
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    for name, text in [("step01_start.py", STEP1), ("step02_factory.py", STEP2),
                       ("step03_more.py", STEP3), ("notes.py", "ignored = 1\n")]:
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def live_talk(tmp_path, live_minutes: str):
    """Section 2 includes both diffs: (39 + 5) characters at 100 a minute,
    plus 2 x 0.5 min to run them: 1.44 min, shown as 1.4."""
    outline = (f"1. Intro (1 min)\n    - me\n2. Code (3 min{live_minutes})\n"
               "    - code\n")
    includes = {"02_code.rst": ".. include:: /generated/step01-step02.diff\n"
                               "   :code: diff\n\n"
                               ".. include:: /generated/step02-step03.diff\n"}
    return write_talk(tmp_path, outline, {"01_intro.rst": 130,
                                          "02_code.rst": 195}, includes)


@pytest.mark.parametrize(("live", "status", "short"), [
    ("; live coding 1.5 min", 0, None),
    ("; live coding 1.4 min", 0, None),     # 1.44 is 1.4 to 0.1 min
    ("; live coding 1 min", 1, "0.4"),
    ("", 1, "1.4"),
])
def test_live_segments_are_timed_from_their_diffs(tmp_path, capsys, live,
                                                   status, short):
    proposal, talk = live_talk(tmp_path, live)
    folder = checkpoint_folder(tmp_path)
    first, second = rehearse.rehearse(proposal, talk, folder)
    assert (first.live, second.live) == (
        (), (("step01 -> step02", 39), ("step02 -> step03", 5)))
    assert rehearse.typing(second) == pytest.approx(1.44)
    assert rehearse.typing(second, cpm=10) == pytest.approx(5.4)
    code, out, err = run(capsys, proposal, talk, "--checkpoints", folder)
    assert out.splitlines()[-4:] == [
        "2. live coding, typed at 100 characters/min plus 0.5 min a segment "
        "to run and show:",
        "  step01 -> step02: 39 characters, 0.9 min",
        "  step02 -> step03: 5 characters, 0.6 min",
        f"  all 2: 1.4 min; the outline gives {second.live_coding:g}"]
    assert code == status
    live_errors = [line for line in err.splitlines() if "live segments" in line]
    if short is None:
        assert live_errors == []
    else:
        assert live_errors == [
            f"rehearse: section 2: its 2 live segments need 1.4 min, the "
            f"outline gives {second.live_coding:g}: {short} min short; give "
            "it more in proposal.md, or type less"]


def test_the_typing_rate_is_an_option(tmp_path, capsys):
    proposal, talk = live_talk(tmp_path, "; live coding 1.5 min")
    folder = checkpoint_folder(tmp_path)
    code, out, err = run(capsys, proposal, talk, "--checkpoints", folder,
                         "--cpm", "20")
    assert code == 1
    assert "  all 2: 3.2 min; the outline gives 1.5" in out
    assert "need 3.2 min, the outline gives 1.5: 1.7 min short" in err


# --- bad input ---------------------------------------------------------------

@pytest.mark.parametrize(("breakage", "error"), [
    ("outline", "rehearse: {proposal}:6: neither a section"),
    ("proposal bytes", "rehearse: {proposal}:5: byte 0xe9 (column 7)"),
    ("section bytes", "rehearse: {talk}/01_intro.rst:6: byte 0xff (column 1)"),
    ("no proposal", "rehearse: {tmp}/nope.md: cannot read it"),
    ("no talk folder", "rehearse: {tmp}/nope: 0 section files for 3 outline items"),
    ("extra file", "rehearse: {talk}: 4 section files for 3 outline items in "
                   "{proposal}: name one file 0N_*.rst for each item N"),
    ("missing file", "rehearse: {talk}: 2 section files for 3 outline items"),
    ("checkpoints", "rehearse: {tmp}/checkpoints/step01_b.py: checkpoint 1 "
                    "is step01_a.py too"),
])
def test_bad_input_is_one_line_and_exit_1(tmp_path, capsys, breakage, error):
    proposal, talk = write_talk(tmp_path, FITTING, {
        "01_intro.rst": 390, "02_live.rst": 325, "03_short.rst": 65})
    args = []
    if breakage == "outline":
        proposal.write_text("## Outline\n\n1. Intro (3 min)\n    - me\n\n"
                            "Intro (3 min)\n", encoding="utf-8")
    elif breakage == "proposal bytes":
        proposal.write_bytes(b"## Outline\n\n1. Intro (3 min)\n    - me\n2. Caf\xe9 (1 min)\n")
    elif breakage == "section bytes":
        path = talk / "01_intro.rst"
        lines = path.read_bytes().splitlines(keepends=True)
        lines[5] = b"\xff" + lines[5]
        path.write_bytes(b"".join(lines))
    elif breakage == "no proposal":
        proposal = tmp_path / "nope.md"
    elif breakage == "no talk folder":
        talk = tmp_path / "nope"
    elif breakage == "extra file":
        (talk / "07_extra.rst").write_text("----\n\nX\n=\n", encoding="utf-8")
    elif breakage == "missing file":
        (talk / "02_live.rst").unlink()
    else:
        folder = tmp_path / "checkpoints"
        folder.mkdir()
        for name in ("step01_a.py", "step01_b.py"):
            (folder / name).write_text("x = 1\n", encoding="utf-8")
        args = ["--checkpoints", folder]
    status, out, err = run(capsys, proposal, talk, *args)
    assert status == 1
    assert err.startswith(error.format(proposal=proposal, talk=talk, tmp=tmp_path))
    assert err.count("\n") == 1 and "Traceback" not in err
    assert out == ""


@pytest.mark.parametrize("args", [
    ["--wpm", "0"], ["--wpm", "fast"], ["--wpm", "inf"], ["--wpm", "nan"],
    ["--wpm", "-130"], ["--cpm", "inf"], ["--cpm", "0"], ["--nope"],
    ["a.md", "talk", "extra"]])
def test_a_bad_command_line_exits_2_with_one_line(capsys, args):
    with pytest.raises(SystemExit) as exit_:
        rehearse.main(args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if "error:" in line]) == 1


# --- the real talk -----------------------------------------------------------

def test_the_real_talk_has_a_file_per_outline_section(built_deck):
    """The real proposal and deck: every outline section has its file, the
    section files hold every step of the deck, and every live-coding diff
    is a segment of section 3."""
    sections = rehearse.rehearse(ROOT / "proposal.md", TALK)
    assert [s.number for s in sections] == [1, 2, 3, 4, 5, 6]
    html = built_deck.read_text(encoding="utf-8")
    assert sum(len(s.steps) for s in sections) == html.count('<div class="step ')
    assert [len(s.live) for s in sections] == [0, 0, 3, 0, 0, 0]


def test_the_real_talk_fits_its_plan(capsys):
    """What ``make rehearse`` checks: every section's plan is within 20% of
    its notes at 130 words a minute plus its live coding, demos and
    questions; the live coding typed at 100 characters a minute fits the
    outline's minutes; 30 minutes in all."""
    sections = rehearse.rehearse(ROOT / "proposal.md", TALK)
    assert sum(s.minutes for s in sections) == 30
    assert sum(s.live_coding for s in sections) <= 5
    status, out, err = run(capsys, str(ROOT / "proposal.md"), str(TALK))
    assert (status, err) == (0, "")

"""talk.tools.rehearse (``make rehearse``): the steps and notes of each
section file, and each section's plan against its speaking time plus its
live-coding and demo minutes, within 20%. On small decks in tmp_path."""

from __future__ import annotations

import textwrap

import pytest

from talk.tools import rehearse
from talk.tools._common import ROOT, TALK

SECTION = """\
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

.. include:: ../demos/x.py
   :code: python

.. note:: first line counts too

   ``g._flags`` is one word

Not a note.
"""


def test_steps_split_on_transitions_not_on_underlines():
    steps = rehearse.split_steps(SECTION)
    assert len(steps) == 2
    assert [rehearse.step_title(step) for step in steps] == ["Title", "Second step"]


def test_note_words_are_counted():
    first, second = rehearse.split_steps(SECTION)
    assert rehearse.note_text(first) == "one two three four five\nsix seven -- eight."
    assert rehearse.count_words(rehearse.note_text(first)) == 8
    assert rehearse.count_words(rehearse.note_text(second)) == 8
    assert "Not a note" not in rehearse.note_text(second)


@pytest.mark.parametrize(("words", "wpm", "minutes"),
                         [(130, 130, 1.0), (0, 130, 0.0), (65, 130, 0.5), (390, 195, 2.0)])
def test_speaking_minutes(words, wpm, minutes):
    assert rehearse.speaking_minutes(words, wpm) == pytest.approx(minutes)
    with pytest.raises(ValueError):
        rehearse.speaking_minutes(words, 0)


def write_talk(tmp_path, outline: str, notes_words: dict[str, int]):
    """proposal.md with *outline* and one section file per entry of
    *notes_words*: one step whose notes have that many words."""
    talk = tmp_path / "talk"
    talk.mkdir()
    for name, words in notes_words.items():
        note = textwrap.fill(" ".join(["word"] * words), 70,
                             initial_indent="   ", subsequent_indent="   ")
        (talk / name).write_text(f"----\n\nA step\n======\n\n.. note::\n\n{note}\n",
                                 encoding="utf-8")
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
    sections = rehearse.rehearse(proposal, talk)
    assert [(s.number, s.file, s.planned, s.live_coding, s.demos, len(s.steps),
             s.words) for s in sections] == [
        (1, "01_intro.rst", 3.0, 0.0, 0.0, 1, 390),
        (2, "02_live.rst", 10.0, 6.0, 1.5, 1, 325),
        (3, "03_short.rst", 0.5, 0.0, 0.0, 1, 65),
    ]
    assert [s.needs() for s in sections] == pytest.approx([3.0, 10.0, 0.5])
    assert all(s.fits() for s in sections)
    status, out, err = run(capsys, proposal, talk)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[:10] == ["Section", "plan", "steps", "words",
                                     "talk", "live", "demos", "q&a", "needs",
                                     "off"]
    assert lines[2].split() == ["2.", "Live", "coding", "10.0", "1", "325",
                                "2.5", "6.0", "1.5", "0.0", "10.0", "+0%"]
    assert lines[4].split() == ["Total", "13.5", "3", "780", "6.0", "6.0",
                                "1.5", "0.0", "13.5"]


@pytest.mark.parametrize(("words", "fits", "flag"), [
    # plan 5 min; needs = 2 min of live coding + words / 130
    (325, True, ""),      # needs 4.5: the plan is 11% over it
    (390, True, ""),      # needs 5.0
    (520, True, ""),      # needs 6.0: the plan is 16.7% under it
    (585, False, "TOO LONG: cut 33 words of notes, or plan more"),   # 6.5
    (250, False, "TOO SHORT: add 32 words of notes, or plan less"),  # 3.92
])
def test_a_plan_fits_within_20_percent(tmp_path, capsys, words, fits, flag):
    proposal, talk = write_talk(
        tmp_path, "1. Intro (5 min; live coding 2 min)\n    - x\n",
        {"01_intro.rst": words})
    [section] = rehearse.rehearse(proposal, talk)
    assert section.fits() is fits
    status, out, err = run(capsys, proposal, talk)
    assert status == (0 if fits else 1)
    assert out.splitlines()[1].endswith(flag)
    if not fits:
        assert err == (f"rehearse: section 1: plans 5 min, needs "
                       f"{section.needs():.1f} min: {flag}\n")
        # the hint is exact: that many words more or fewer makes it fit
        change = section.words_to_change()
        section.steps[0].notes_words += change
        assert section.fits()
        section.steps[0].notes_words -= change // abs(change)
        assert not section.fits()


def test_outline_and_files_that_disagree_fail(tmp_path, capsys):
    proposal, talk = write_talk(tmp_path, FITTING, {"01_intro.rst": 390,
                                                    "07_extra.rst": 50})
    sections = rehearse.rehearse(proposal, talk)
    assert [(s.number, s.file) for s in sections] == [
        (1, "01_intro.rst"), (2, None), (3, None), (7, "07_extra.rst")]
    status, out, err = run(capsys, proposal, talk)
    assert status == 1
    assert "NO FILE" in out and "NOT IN OUTLINE: 07_extra.rst" in out
    assert err.count("the outline and the section files disagree") == 3


@pytest.mark.parametrize(("breakage", "error"), [
    ("outline", "rehearse: {proposal}:6: neither a section"),
    ("proposal bytes", "rehearse: {proposal}:5: byte 0xe9 (column 7)"),
    ("section bytes", "rehearse: {talk}/01_intro.rst:6: byte 0xff (column 1)"),
    ("no proposal", "rehearse: {tmp}/nope.md: cannot read it"),
    ("no talk folder", "rehearse: {tmp}/nope: no such folder"),
])
def test_bad_input_is_one_line_and_exit_1(tmp_path, capsys, breakage, error):
    proposal, talk = write_talk(tmp_path, FITTING, {"01_intro.rst": 390})
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
    else:
        talk = tmp_path / "nope"
    status, out, err = run(capsys, proposal, talk)
    assert status == 1
    assert err.startswith(error.format(proposal=proposal, talk=talk, tmp=tmp_path))
    assert err.count("\n") == 1 and "Traceback" not in err
    assert out == ""


@pytest.mark.parametrize("args", [["--wpm", "0"], ["--wpm", "fast"], ["--nope"],
                                  ["a.md", "talk", "extra"]])
def test_a_bad_command_line_exits_2(capsys, args):
    with pytest.raises(SystemExit) as exit_:
        rehearse.main(args)
    assert exit_.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_the_real_talk_has_a_file_per_outline_section(built_deck):
    """The real proposal and deck: every outline section has its file, the
    section files hold every step of the deck, and every section fits the
    minutes the proposal plans for it (what ``make rehearse`` checks)."""
    sections = rehearse.rehearse(ROOT / "proposal.md", TALK)
    assert [s.number for s in sections] == [1, 2, 3, 4, 5, 6]
    assert all(s.file and s.planned for s in sections)
    html = built_deck.read_text(encoding="utf-8")
    assert sum(len(s.steps) for s in sections) == html.count('<div class="step ')
    report = rehearse.report(sections)
    assert report.splitlines()[0].startswith("Section")
    assert report.splitlines()[7].startswith("Total")


def test_the_real_talk_fits_its_plan(capsys):
    """Every section's planned minutes are within 20% of its notes at 130
    words a minute plus its live coding, demos and questions; they add up
    to the 30 minutes; at most three live-coding segments."""
    sections = rehearse.rehearse(ROOT / "proposal.md", TALK)
    assert [s for s in sections if not s.fits()] == []
    assert sum(s.planned for s in sections) == 30
    assert sum(s.live_coding for s in sections) <= 4.5
    status, out, err = run(capsys, str(ROOT / "proposal.md"), str(TALK))
    assert (status, err) == (0, "")

"""talk/rehearse.py: the Outline, the steps, the notes and the maths."""

from __future__ import annotations

import sys
import textwrap

import pytest

from conftest import ROOT, TALK

sys.path.insert(0, str(TALK))
import rehearse  # noqa: E402  (talk/rehearse.py)

PROPOSAL = """\
# Talk

## Outline

1. Introduction (3 min)
    - Who I am (1 min of it)
2. Architecture: in five minutes (6 min)
3. Short (0.5 min)

## Additional notes

4. Not an outline item (9 min)
"""

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


def test_outline_items_and_minutes():
    assert rehearse.parse_outline(PROPOSAL) == {
        1: ("Introduction", 3.0),
        2: ("Architecture: in five minutes", 6.0),
        3: ("Short", 0.5),
    }


@pytest.mark.parametrize("text", ["# Talk\n\nno outline\n",
                                  "## Outline\n\n- no numbered items\n"])
def test_outline_missing_is_an_error(text):
    with pytest.raises(rehearse.OutlineError):
        rehearse.parse_outline(text)


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


@pytest.mark.parametrize(("minutes", "text"),
                         [(0, "0:00"), (1 / 130, "0:01"), (1.5, "1:30"), (10.999, "11:00")])
def test_clock(minutes, text):
    assert rehearse.clock(minutes) == text


def test_speaking_rate_must_be_positive():
    with pytest.raises(ValueError):
        rehearse.speaking_minutes(10, 0)


def write_talk(tmp_path, notes_words: dict[str, int]):
    talk = tmp_path / "talk"
    talk.mkdir()
    for name, words in notes_words.items():
        note = textwrap.fill(" ".join(["word"] * words), 70,
                             initial_indent="   ", subsequent_indent="   ")
        (talk / name).write_text(f"----\n\nA step\n======\n\n.. note::\n\n{note}\n",
                                 encoding="utf-8")
    (talk / "index.rst").write_text(":title: x\n", encoding="utf-8")
    proposal = tmp_path / "proposal.md"
    proposal.write_text(PROPOSAL, encoding="utf-8")
    return proposal, talk


def test_a_section_over_its_minutes_is_flagged(tmp_path):
    # 3 min = 390 words; 6 min = 780 words; 0.5 min = 65 words.
    proposal, talk = write_talk(tmp_path, {"01_intro.rst": 390,
                                           "02_arch.rst": 781,
                                           "03_short.rst": 60})
    sections = rehearse.rehearse(proposal, talk)
    assert [(s.number, s.file, s.planned, len(s.steps), s.words) for s in sections] == [
        (1, "01_intro.rst", 3.0, 1, 390),
        (2, "02_arch.rst", 6.0, 1, 781),
        (3, "03_short.rst", 0.5, 1, 60),
    ]
    assert [s.over_by() for s in sections] == pytest.approx([0.0, 1 / 130, 0.0])
    assert rehearse.problems(sections) == ["section 2: over by 0:01"]
    text = rehearse.report(sections)
    lines = text.splitlines()
    assert "OVER" not in lines[1]
    assert "OVER by 0:01 (1 words to cut)" in lines[2]
    assert lines[4].split() == ["Total", "9.5", "3", "1231", "9.5"]
    assert rehearse.main([str(proposal), str(talk), "--check"]) == 1
    assert rehearse.main([str(proposal), str(talk)]) == 0


def test_outline_and_files_that_disagree_are_reported(tmp_path):
    proposal, talk = write_talk(tmp_path, {"01_intro.rst": 50, "07_extra.rst": 50})
    sections = rehearse.rehearse(proposal, talk)
    assert [(s.number, s.file) for s in sections] == [
        (1, "01_intro.rst"), (2, None), (3, None), (7, "07_extra.rst")]
    text = rehearse.report(sections)
    assert "NO FILE" in text and "NOT IN OUTLINE: 07_extra.rst" in text
    assert len(rehearse.problems(sections)) == 3


def test_the_real_talk_matches_its_outline_and_build(capsys, built_deck):
    sections = rehearse.rehearse(ROOT / "proposal.md", TALK)
    assert [s.number for s in sections] == [1, 2, 3, 4, 5, 6]
    assert all(s.file and s.planned for s in sections)
    assert sum(s.planned for s in sections) == 30
    html = built_deck.read_text(encoding="utf-8")
    assert sum(len(s.steps) for s in sections) == html.count('<div class="step ')
    assert rehearse.main([]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("Section")
    assert "Total" in out

"""Checks on proposal.md: structure, outline numbering and timing, deck sections."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROPOSAL = ROOT / "proposal.md"

HEADINGS = [
    "Title",
    "Category",
    "Duration",
    "Description",
    "Audience",
    "Python level",
    "Objectives",
    "Detailed abstract",
    "Outline",
    "Additional notes",
]

_HEADING = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
_SECTION_LINE = re.compile(r"^(\d+)\. (\S.*?) \((\d+) min\)$")
_BULLET_LINE = re.compile(r"^\s+- \S")
_DURATION = re.compile(r"\b(\d+)\s+minutes?\b")


def read_proposal() -> str:
    return PROPOSAL.read_text(encoding="utf-8")


def headings(text: str) -> list[str]:
    """The level-2 heading names, in file order."""
    return _HEADING.findall(text)


def section(text: str, name: str) -> str:
    """The body under ``## name`` up to the next level-2 heading."""
    parts = _HEADING.split(text)
    # split() gives [preamble, name1, body1, name2, body2, ...]
    bodies = dict(zip(parts[1::2], parts[2::2]))
    if name not in bodies:
        raise KeyError(f"no '## {name}' heading in proposal.md")
    return bodies[name].strip()


def parse_outline(body: str) -> list[tuple[int, str, int]]:
    """Return (number, title, minutes) per outline section.

    Every non-blank line must be either ``N. Title (M min)`` or an indented
    ``- `` bullet under a section; anything else (a ``(5min)`` typo, an
    unindented bullet) raises ValueError rather than being skipped.
    """
    sections: list[tuple[int, str, int]] = []
    for lineno, line in enumerate(body.splitlines(), 1):
        if not line.strip():
            continue
        match = _SECTION_LINE.match(line)
        if match:
            sections.append((int(match[1]), match[2], int(match[3])))
        elif _BULLET_LINE.match(line) and sections:
            continue
        else:
            raise ValueError(f"outline line {lineno} is neither a section nor a bullet: {line!r}")
    return sections


def numbering_problems(numbers: list[int]) -> list[str]:
    """Describe every place where the numbers are not exactly 1, 2, ..., N."""
    return [
        f"position {pos}: expected {pos}, got {num}"
        for pos, num in enumerate(numbers, 1)
        if num != pos
    ]


def duration_minutes(text: str) -> int:
    match = _DURATION.search(section(text, "Duration"))
    if match is None:
        raise ValueError("Duration section does not say 'N minutes'")
    return int(match[1])


def outline_minutes(sections: list[tuple[int, str, int]]) -> int:
    return sum(minutes for _, _, minutes in sections)


# --- the proposal itself -------------------------------------------------


def test_headings_present_in_order():
    assert headings(read_proposal()) == HEADINGS


def test_outline_is_numbered_without_gaps():
    sections = parse_outline(section(read_proposal(), "Outline"))
    assert len(sections) >= 2
    assert numbering_problems([num for num, _, _ in sections]) == []


def test_every_outline_section_has_bullets():
    body = section(read_proposal(), "Outline")
    current = None
    bullets: dict[int, int] = {}
    for line in body.splitlines():
        match = _SECTION_LINE.match(line)
        if match:
            current = int(match[1])
            bullets[current] = 0
        elif _BULLET_LINE.match(line):
            bullets[current] += 1
    assert bullets and all(count > 0 for count in bullets.values()), bullets


def test_outline_minutes_add_up_to_duration():
    text = read_proposal()
    sections = parse_outline(section(text, "Outline"))
    assert duration_minutes(text) == 30
    assert outline_minutes(sections) == duration_minutes(text)


def test_title_is_no_longer_the_placeholder():
    title = section(read_proposal(), "Title")
    assert "[need less boring title]" not in title
    assert "boring" not in title.lower()
    assert re.search(r"flask extensions?", title, re.IGNORECASE)


def test_abstract_is_real_and_pug_free():
    abstract = section(read_proposal(), "Detailed abstract")
    assert "pug" not in abstract.lower()
    assert 300 <= len(abstract.split()) <= 550
    assert "Flask-FeatureFlags" in abstract


def test_category_and_level():
    text = read_proposal()
    assert section(text, "Category") == "Best Practices/Patterns"
    assert section(text, "Python level") == "Intermediate"


def test_each_outline_section_is_in_the_deck():
    sections = parse_outline(section(read_proposal(), "Outline"))
    problems = []
    for num, title, _ in sections:
        files = sorted(ROOT.glob(f"talk/0{num}_*.rst"))
        if not files:
            problems.append(f"section {num}: no talk/0{num}_*.rst")
        elif not any(title in f.read_text(encoding="utf-8") for f in files):
            names = ", ".join(f.name for f in files)
            problems.append(f"section {num}: {title!r} not found in {names}")
    assert problems == []


# --- the helpers catch the mistakes the first draft of the proposal had ---

DRAFT_OUTLINE = """\
1. Introduction (5 min)
    - About me
2. Architecture (5 min)
    - WSGI
3. Flask-FeatureFlags (10 min)
    - signals
5. The crazy stuff (5 min)
    - monkeypatching
6. Questions (4 min)
    - questions
"""


def test_helpers_flag_a_gap_in_the_numbering():
    sections = parse_outline(DRAFT_OUTLINE)
    assert [num for num, _, _ in sections] == [1, 2, 3, 5, 6]
    assert numbering_problems([num for num, _, _ in sections]) != []


def test_helpers_flag_a_wrong_sum():
    sections = parse_outline(DRAFT_OUTLINE)
    assert outline_minutes(sections) == 29
    assert outline_minutes(sections) != 30


@pytest.mark.parametrize(
    "line",
    ["2. Flask is meant for tinkering (5min)", "* About me", "Questions (5 min)"],
)
def test_helpers_reject_malformed_outline_lines(line):
    with pytest.raises(ValueError):
        parse_outline("1. Introduction (3 min)\n    - about me\n" + line + "\n")

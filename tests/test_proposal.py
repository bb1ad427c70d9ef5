"""proposal.md: its structure, its outline (read by talk.tools.outline, the
one parser, which rehearse uses too) and the deck's sections."""

from __future__ import annotations

import re

import pytest

from talk.tools import ToolError
from talk.tools import ROOT
from talk.tools.outline import OutlineError, Section, parse_outline, read_outline

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
_DURATION = re.compile(r"\b(\d+)\s+minutes?\b")


def read_proposal() -> str:
    return PROPOSAL.read_text(encoding="utf-8")


def section(text: str, name: str) -> str:
    """The body under ``## name`` up to the next level-2 heading."""
    parts = _HEADING.split(text)
    # split() gives [preamble, name1, body1, name2, body2, ...]
    bodies = dict(zip(parts[1::2], parts[2::2]))
    if name not in bodies:
        raise KeyError(f"no '## {name}' heading in proposal.md")
    return bodies[name].strip()


# --- the proposal itself -------------------------------------------------------

def test_headings_present_in_order():
    assert _HEADING.findall(read_proposal()) == HEADINGS


def test_outline_sections_have_bullets_and_add_up_to_the_duration():
    text = read_proposal()
    sections = read_outline(PROPOSAL)
    assert len(sections) >= 2
    assert all(item.bullets for item in sections), sections
    duration = _DURATION.search(section(text, "Duration"))
    assert duration and int(duration[1]) == 30
    assert sum(item.minutes for item in sections) == 30


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
    problems = []
    for item in read_outline(PROPOSAL):
        files = sorted(ROOT.glob(f"talk/0{item.number}_*.rst"))
        if not files:
            problems.append(f"section {item.number}: no talk/0{item.number}_*.rst")
        elif not any(item.title in f.read_text(encoding="utf-8") for f in files):
            names = ", ".join(f.name for f in files)
            problems.append(f"section {item.number}: {item.title!r} not found "
                            f"in {names}")
    assert problems == []


# --- the outline parser --------------------------------------------------------

OUTLINE = """\
# Talk

## Outline

1. Introduction (3 min)
    - Who I am
    - Why extensions
2. Flask (the framework): in five minutes (2.5 min)
    - WSGI

3. Building it (10 min; live coding 3 min; demos 1.5 min)
    - feature flags
4. Pushing on (6 min; demo 2 min)
    - hooks

## Additional notes

5. Not an outline item (9 min)
"""


def test_the_outline_format():
    assert parse_outline(OUTLINE) == [
        Section(1, "Introduction", 3.0, bullets=("Who I am", "Why extensions"),
                line=5),
        Section(2, "Flask (the framework): in five minutes", 2.5,
                bullets=("WSGI",), line=8),
        Section(3, "Building it", 10.0, live_coding=3.0, demos=1.5,
                bullets=("feature flags",), line=11),
        Section(4, "Pushing on", 6.0, demos=2.0, bullets=("hooks",), line=13),
    ]


def test_decimal_minutes_agree_everywhere(tmp_path):
    """Three parsers once disagreed on "(2.5 min)"; now rehearse and the
    tests read the same outline (``python -m demos list`` reads none)."""
    proposal = tmp_path / "proposal.md"
    proposal.write_text(OUTLINE, encoding="utf-8")
    sections = {item.number: item for item in read_outline(proposal)}
    assert sections[2].title == "Flask (the framework): in five minutes"
    assert sections[2].minutes == 2.5


@pytest.mark.parametrize(("line", "error"), [
    ("2. Flask is meant for tinkering (5min)", r"proposal.md:4: '5min'"),
    ("* About me", r"proposal.md:4: neither a section"),
    ("Questions (5 min)", r"proposal.md:4: neither a section"),
    ("3. A gap in the numbering (5 min)",
     r"proposal.md:4: section 3 where section 2 comes next"),
    ("2. Twice (5 min; live coding 1 min; live coding 2 min)",
     r"'live coding 2 min'"),
    ("2. Unknown part (5 min; slides 2 min)", r"'slides 2 min'"),
    ("2. Demos first (demos 1 min; 5 min)", r"'demos 1 min'"),
])
def test_a_malformed_line_is_an_error_naming_its_line(line, error):
    with pytest.raises(OutlineError, match=error):
        parse_outline(f"## Outline\n\n1. Introduction (3 min)\n{line}\n")


@pytest.mark.parametrize(("text", "error"), [
    ("# Talk\n\nno outline\n", "proposal.md: no '## Outline' heading"),
    ("## Outline\n\n## Next\n", r"proposal.md:1: no 'N. Title \(M min\)'"),
    ("## Outline\n\n    - a bullet first\n", "proposal.md:3: neither"),
])
def test_a_missing_outline_is_an_error(text, error):
    with pytest.raises(OutlineError, match=error):
        parse_outline(text)


def test_a_proposal_that_is_not_utf8_names_its_line(tmp_path):
    proposal = tmp_path / "proposal.md"
    proposal.write_bytes(b"## Outline\n\n1. Intro (3 min)\n2. Caf\xe9 (2 min)\n")
    with pytest.raises(ToolError,
                       match=r"proposal.md:4: byte 0xe9 \(column 7\)"):
        read_outline(proposal)


def test_the_first_bad_character_is_named_with_its_column_in_characters(tmp_path):
    """read_text (talk.tools._common) names whichever comes first, a control
    character or a byte that is not UTF-8; its column counts characters."""
    proposal = tmp_path / "proposal.md"
    proposal.write_bytes("## Outline\n\n1. Café\x07 (3 min)\n2. Caf".encode()
                         + b"\xe9 (2 min)\n")
    with pytest.raises(ToolError, match=r"proposal.md:3: control character "
                                        r"U\+0007 \(column 8\): remove it"):
        read_outline(proposal)
    proposal.write_bytes("## Outline\n\n1. Café ".encode() + b"\xff (3 min)\n2. \x01\n")
    with pytest.raises(ToolError, match=r"proposal.md:3: byte 0xff \(column 9\) is "
                                        "not UTF-8: save the file as UTF-8"):
        read_outline(proposal)

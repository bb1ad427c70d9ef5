"""Rehearsal sheet: the minutes each section plans against what it needs.

Usage::

    python -m talk.tools.rehearse [--wpm 130] [PROPOSAL.md] [TALK_DIR]

PROPOSAL.md defaults to ``proposal.md`` and TALK_DIR to ``talk/``. A section
is an item of the proposal's outline (read by :mod:`talk.tools.outline`,
whose docstring gives the format, e.g. ``3. Building the extension (10 min;
live coding 3 min; demos 1 min)``) and the file ``TALK_DIR/0N_*.rst`` with
its number. For each section it prints:

* plan: the minutes the outline plans for it;
* steps, words: the steps of its file and the words of their speaker notes
  (``.. note::`` blocks);
* talk: the minutes those words take at 130 words a minute (``--wpm``);
* live, demos, q&a: the minutes of live coding, of demos and of questions
  the outline gives it;
* needs: talk + live + demos + q&a, in minutes;
* off: how far the plan is from what the section needs, in percent of it.

A section fits when its plan is within 20% of what it needs (0.8 x needs <=
plan <= 1.2 x needs). One that does not is flagged with the words to cut or
to add; so are an outline item with no file and a file with no outline
item. Steps whose notes fall outside the house range of 40-130 words are
listed under the table, as a hint.

Exit status: 0 when every section fits; 1 when one does not, or when the
proposal or a section file cannot be read (one line names the file and
line); 2 for a bad command line.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from talk.tools._common import ROOT, TALK, ToolError, read_text, shown
from talk.tools.outline import read_outline

WORDS_PER_MINUTE = 130
#: A plan fits within this fraction of what the section needs.
TOLERANCE = 0.20
NOTE_WORDS = (40, 130)

_SECTION_FILE = re.compile(r"^0*(\d+)_.*\.rst$")
_TRANSITION = re.compile(r"^-{4,}\s*$")
_NOTE = re.compile(r"^(\s*)\.\.\s+note::\s*(.*)$")


@dataclass
class Step:
    title: str
    notes_words: int


@dataclass
class Section:
    """One section: the outline's plan (None when not in the outline) and
    its file's steps (*file* None when there is no file). Minutes."""

    number: int
    title: str
    planned: float | None
    file: str | None
    live_coding: float = 0.0
    demos: float = 0.0
    steps: list[Step] = field(default_factory=list)
    questions: float = 0.0

    @property
    def words(self) -> int:
        return sum(step.notes_words for step in self.steps)

    def speaking(self, wpm: float = WORDS_PER_MINUTE) -> float:
        """Minutes to say the speaker notes at *wpm* words a minute."""
        return speaking_minutes(self.words, wpm)

    def needs(self, wpm: float = WORDS_PER_MINUTE) -> float:
        """Minutes the section takes: speaking, live coding, demos and
        questions."""
        return (self.speaking(wpm) + self.live_coding + self.demos
                + self.questions)

    def off(self, wpm: float = WORDS_PER_MINUTE) -> float | None:
        """(plan - needs) / needs; None without a plan or without needs."""
        needs = self.needs(wpm)
        if self.planned is None or needs == 0:
            return None
        return (self.planned - needs) / needs

    def fits(self, wpm: float = WORDS_PER_MINUTE) -> bool:
        """True if the plan is within TOLERANCE of what the section needs."""
        if self.planned is None or self.file is None:
            return False
        needs = self.needs(wpm)
        return abs(self.planned - needs) <= TOLERANCE * needs + 1e-9

    def words_to_change(self, wpm: float = WORDS_PER_MINUTE) -> int:
        """Words of notes to add (positive) or cut (negative) for the
        section to fit its plan; 0 when it fits."""
        if self.planned is None or self.fits(wpm):
            return 0
        needs = self.needs(wpm)
        lowest, highest = (self.planned / (1 + TOLERANCE),
                           self.planned / (1 - TOLERANCE))
        if needs > highest:
            return -math.ceil((needs - highest) * wpm - 1e-9)
        return math.ceil((lowest - needs) * wpm - 1e-9)


def speaking_minutes(words: int, wpm: float = WORDS_PER_MINUTE) -> float:
    """Minutes it takes to say *words* at *wpm* words a minute; raises
    ValueError unless *wpm* is positive."""
    if wpm <= 0:
        raise ValueError("words per minute must be positive")
    return words / wpm


def split_steps(rst: str) -> list[str]:
    """The text of each step of a section file.

    Steps start at a transition line (four or more ``-`` after a blank line
    or at the top of the file); a title underline of dashes, which follows
    text, is not one. Text before the first transition is dropped.
    """
    steps: list[list[str]] = []
    previous = ""
    for line in rst.splitlines():
        if _TRANSITION.match(line) and not previous.strip():
            steps.append([])
        elif steps:
            steps[-1].append(line)
        previous = line
    return ["\n".join(step) for step in steps]


def note_text(step: str) -> str:
    """The text of every ``.. note::`` block in *step*, joined by blank lines."""
    lines = step.splitlines()
    notes: list[str] = []
    i = 0
    while i < len(lines):
        match = _NOTE.match(lines[i])
        if not match:
            i += 1
            continue
        indent = len(match.group(1))
        block = [match.group(2)] if match.group(2).strip() else []
        i += 1
        while i < len(lines) and (not lines[i].strip()
                                  or len(lines[i]) - len(lines[i].lstrip()) > indent):
            block.append(lines[i].strip())
            i += 1
        notes.append("\n".join(block).strip())
    return "\n\n".join(notes)


def count_words(text: str) -> int:
    """Words a speaker says: white-space separated tokens with a letter or
    digit (``g._flags`` is one word, a lone ``-`` none)."""
    return sum(1 for token in text.split() if re.search(r"\w", token))


def step_title(step: str) -> str:
    """The first title of a step (the text over a ``===`` or ``---`` line)."""
    lines = step.splitlines()
    for above, line in zip(lines, lines[1:]):
        if above.strip() and re.match(r"^([=\-~^\"'`#*+])\1{2,}\s*$", line) \
                and not above.startswith((":", "..")):
            return above.strip()
    return "(untitled step)"


def rehearse(proposal: Path, talk: Path) -> list[Section]:
    """One Section per outline item and per ``0N_*.rst`` file, by number.

    Raises ToolError (an OutlineError for the outline) naming the file and
    line of what cannot be read.
    """
    outline = {item.number: item for item in read_outline(proposal)}
    files = {}
    for path in sorted(Path(talk).glob("*.rst")):
        match = _SECTION_FILE.match(path.name)
        if match:
            files[int(match.group(1))] = path
    sections = []
    for number in sorted(set(outline) | set(files)):
        item = outline.get(number)
        path = files.get(number)
        section = Section(
            number, item.title if item else path.stem,
            item.minutes if item else None, path.name if path else None,
            item.live_coding if item else 0.0, item.demos if item else 0.0,
            questions=item.questions if item else 0.0)
        if path is not None:
            for step in split_steps(read_text(path)):
                section.steps.append(
                    Step(step_title(step), count_words(note_text(step))))
        sections.append(section)
    return sections


def _minutes(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.1f}"


def _flag(section: Section, wpm: float) -> str:
    if section.file is None:
        return "NO FILE: no 0N_*.rst for this outline item"
    if section.planned is None:
        return f"NOT IN OUTLINE: {section.file}"
    change = section.words_to_change(wpm)
    if change < 0:
        return f"TOO LONG: cut {-change} words of notes, or plan more"
    if change > 0:
        return f"TOO SHORT: add {change} words of notes, or plan less"
    return ""


def report(sections: list[Section], wpm: float = WORDS_PER_MINUTE) -> str:
    """The rehearsal table, with flags, as text."""
    width = 34
    lines = [f"{'Section':<{width}} {'plan':>5} {'steps':>5} {'words':>5} "
             f"{'talk':>5} {'live':>5} {'demos':>5} {'q&a':>5} "
             f"{'needs':>5} {'off':>5}"
             f"  (minutes; talk at {wpm:g} words/min; fits within "
             f"{TOLERANCE:.0%})"]
    for s in sections:
        title = f"{s.number}. {s.title}"
        title = title if len(title) <= width else title[:width - 1] + "…"
        off = s.off(wpm)
        shown_off = "    -" if off is None else f"{off:+5.0%}"
        lines.append(
            f"{title:<{width}} {_minutes(s.planned)} {len(s.steps):>5} "
            f"{s.words:>5} {s.speaking(wpm):5.1f} {s.live_coding:5.1f} "
            f"{s.demos:5.1f} {s.questions:5.1f} {s.needs(wpm):5.1f} "
            f"{shown_off:>5}  "
            f"{_flag(s, wpm)}".rstrip())
    planned = sum(s.planned or 0 for s in sections)
    lines.append(
        f"{'Total':<{width}} {planned:5.1f} "
        f"{sum(len(s.steps) for s in sections):>5} "
        f"{sum(s.words for s in sections):>5} "
        f"{sum(s.speaking(wpm) for s in sections):5.1f} "
        f"{sum(s.live_coding for s in sections):5.1f} "
        f"{sum(s.demos for s in sections):5.1f} "
        f"{sum(s.questions for s in sections):5.1f} "
        f"{sum(s.needs(wpm) for s in sections):5.1f}")
    low, high = NOTE_WORDS
    odd = [f"  {s.number}. step {n} {step.title!r}: {step.notes_words} words"
           for s in sections for n, step in enumerate(s.steps, start=1)
           if not low <= step.notes_words <= high]
    if odd:
        lines.append(f"Steps whose notes are outside {low}-{high} words:")
        lines.extend(odd)
    return "\n".join(lines)


def problems(sections: list[Section], wpm: float = WORDS_PER_MINUTE) -> list[str]:
    """One line per section that does not fit its plan, or that the
    outline and the section files disagree on."""
    found = []
    for s in sections:
        if s.file is None or s.planned is None:
            found.append(f"section {s.number}: the outline and the section "
                         "files disagree")
        elif not s.fits(wpm):
            found.append(f"section {s.number}: plans {s.planned:g} min, "
                         f"needs {s.needs(wpm):.1f} min: {_flag(s, wpm)}")
    return found


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}")
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def main(argv: list[str] | None = None) -> int:
    """Run rehearse with the command line *argv*; returns the exit status
    (argparse exits 2 itself for a bad command line)."""
    parser = argparse.ArgumentParser(
        prog="python -m talk.tools.rehearse",
        description=__doc__.split("\n\n")[0],
        epilog="Exit status: 0 every section fits its plan; 1 one does not, "
               "or a file cannot be read; 2 a bad command line.")
    parser.add_argument("proposal", nargs="?", type=Path,
                        default=ROOT / "proposal.md", metavar="PROPOSAL.md")
    parser.add_argument("talk", nargs="?", type=Path, default=TALK,
                        metavar="TALK_DIR")
    parser.add_argument("--wpm", type=_positive, default=WORDS_PER_MINUTE,
                        help="speaking rate in words a minute (default 130)")
    args = parser.parse_args(argv)
    try:
        if not args.talk.is_dir():
            raise ToolError(f"{shown(args.talk)}: no such folder")
        sections = rehearse(args.proposal, args.talk)
    except ToolError as exc:
        print(f"rehearse: {exc}", file=sys.stderr)
        return 1
    print(report(sections, args.wpm))
    found = problems(sections, args.wpm)
    for line in found:
        print(f"rehearse: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

"""Rehearsal sheet: planned minutes against what the speaker notes say.

Usage::

    python talk/rehearse.py [--wpm 130] [--check] [PROPOSAL.md] [TALK_DIR]

For every section of the talk (a file ``TALK_DIR/0N_*.rst``; defaults
``proposal.md`` and ``talk/``) it prints the minutes planned in the
proposal's Outline (lines ``N. Title (M min)``), the number of steps, the
words of speaker notes (``.. note::`` blocks) and the speaking time those
words take at about 130 words a minute. A section whose notes take longer
than planned is flagged ``OVER``; steps whose notes fall outside the house
range of 40-80 words are listed under the table.

Exit status: 0; 1 with ``--check`` if a section runs over or a section has
no Outline entry (or the other way round); 2 if the Outline cannot be read.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 130
NOTE_WORDS = (40, 80)

_OUTLINE_ITEM = re.compile(r"^(\d+)\.\s+(.+?)\s*\((\d+(?:\.\d+)?)\s*min\)\s*$")
_SECTION_FILE = re.compile(r"^0*(\d+)_.*\.rst$")
_TRANSITION = re.compile(r"^-{4,}\s*$")
_NOTE = re.compile(r"^(\s*)\.\.\s+note::\s*(.*)$")


class OutlineError(ValueError):
    """The proposal has no usable ``## Outline``."""


@dataclass
class Step:
    title: str
    notes_words: int


@dataclass
class Section:
    number: int
    title: str                      # from the Outline, else the file name
    planned: float | None           # minutes; None: not in the Outline
    file: str | None                # None: in the Outline, no file
    steps: list[Step] = field(default_factory=list)

    @property
    def words(self) -> int:
        return sum(step.notes_words for step in self.steps)

    def speaking(self, wpm: float = WORDS_PER_MINUTE) -> float:
        return speaking_minutes(self.words, wpm)

    def over_by(self, wpm: float = WORDS_PER_MINUTE) -> float:
        """Minutes the notes take beyond the plan (0 when within it)."""
        if self.planned is None:
            return 0.0
        return max(0.0, self.speaking(wpm) - self.planned)


def speaking_minutes(words: int, wpm: float = WORDS_PER_MINUTE) -> float:
    """Minutes it takes to say *words* at *wpm* words a minute."""
    if wpm <= 0:
        raise ValueError("words per minute must be positive")
    return words / wpm


def parse_outline(markdown: str) -> dict[int, tuple[str, float]]:
    """``{N: (title, minutes)}`` from the ``## Outline`` of *markdown*.

    Raises OutlineError if there is no Outline heading or no item in it.
    """
    lines = markdown.splitlines()
    try:
        start = next(i for i, line in enumerate(lines)
                     if re.match(r"^##\s+Outline\s*$", line))
    except StopIteration:
        raise OutlineError("no '## Outline' heading") from None
    items: dict[int, tuple[str, float]] = {}
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        match = _OUTLINE_ITEM.match(line)
        if match:
            items[int(match.group(1))] = (match.group(2), float(match.group(3)))
    if not items:
        raise OutlineError("no 'N. Title (M min)' line under '## Outline'")
    return items


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


def read_section(number: int, path: Path, outline) -> Section:
    title, planned = outline.get(number, (path.stem, None))
    section = Section(number, title, planned, path.name)
    for step in split_steps(path.read_text(encoding="utf-8")):
        section.steps.append(Step(step_title(step), count_words(note_text(step))))
    return section


def rehearse(proposal: Path, talk: Path) -> list[Section]:
    """One Section per ``0N_*.rst`` file and per Outline item, by number."""
    outline = parse_outline(proposal.read_text(encoding="utf-8"))
    files = {}
    for path in sorted(talk.glob("*.rst")):
        match = _SECTION_FILE.match(path.name)
        if match:
            files[int(match.group(1))] = path
    sections = []
    for number in sorted(set(outline) | set(files)):
        if number in files:
            sections.append(read_section(number, files[number], outline))
        else:
            title, planned = outline[number]
            sections.append(Section(number, title, planned, None))
    return sections


def clock(minutes: float) -> str:
    """``m:ss`` for a number of minutes, seconds rounded up (0.01 -> 0:01)."""
    seconds = -int(-round(minutes * 60, 6) // 1)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _minutes(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.1f}"


def report(sections: list[Section], wpm: float = WORDS_PER_MINUTE) -> str:
    """The rehearsal table, with flags, as text."""
    width = 38
    lines = [f"{'Section':<{width}} {'plan':>5} {'steps':>5} {'words':>6} "
             f"{'talk':>5}  (minutes at {wpm:g} words/min)"]
    for s in sections:
        title = f"{s.number}. {s.title}"
        title = title if len(title) <= width else title[:width - 1] + "…"
        flag = ""
        if s.file is None:
            flag = "NO FILE: no talk/0N_*.rst for this Outline item"
        elif s.planned is None:
            flag = f"NOT IN OUTLINE: {s.file}"
        elif s.over_by(wpm) > 0:
            flag = (f"OVER by {clock(s.over_by(wpm))} "
                    f"({s.words - int(s.planned * wpm)} words to cut)")
        lines.append(f"{title:<{width}} {_minutes(s.planned)} {len(s.steps):>5} "
                     f"{s.words:>6} {s.speaking(wpm):5.1f}  {flag}".rstrip())
    planned = sum(s.planned or 0 for s in sections)
    words = sum(s.words for s in sections)
    steps = sum(len(s.steps) for s in sections)
    lines.append(f"{'Total':<{width}} {planned:5.1f} {steps:>5} {words:>6} "
                 f"{speaking_minutes(words, wpm):5.1f}")
    low, high = NOTE_WORDS
    odd = [f"  {s.number}. step {n} {step.title!r}: {step.notes_words} words"
           for s in sections for n, step in enumerate(s.steps, start=1)
           if not low <= step.notes_words <= high]
    if odd:
        lines.append(f"Steps whose notes are outside {low}-{high} words:")
        lines.extend(odd)
    return "\n".join(lines)


def problems(sections: list[Section], wpm: float = WORDS_PER_MINUTE) -> list[str]:
    """Sections that run over, or that the Outline and talk/ disagree on."""
    found = []
    for s in sections:
        if s.file is None or s.planned is None:
            found.append(f"section {s.number}: Outline and talk/ disagree")
        elif s.over_by(wpm) > 0:
            found.append(f"section {s.number}: over by {clock(s.over_by(wpm))}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rehearse", description=__doc__.split("\n\n")[0])
    parser.add_argument("proposal", nargs="?", type=Path, default=ROOT / "proposal.md")
    parser.add_argument("talk", nargs="?", type=Path, default=ROOT / "talk")
    parser.add_argument("--wpm", type=float, default=WORDS_PER_MINUTE,
                        help="speaking rate in words a minute (default 130)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a section runs over")
    args = parser.parse_args(argv)
    if args.wpm <= 0:
        parser.error("--wpm must be positive")
    try:
        sections = rehearse(args.proposal, args.talk)
    except (OSError, OutlineError) as exc:
        print(f"rehearse: {args.proposal}: {exc}", file=sys.stderr)
        return 2
    print(report(sections, args.wpm))
    return 1 if args.check and problems(sections, args.wpm) else 0


if __name__ == "__main__":
    sys.exit(main())

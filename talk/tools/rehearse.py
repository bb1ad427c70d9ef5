"""Rehearsal sheet: the minutes each section plans against what it needs.

Item N of the outline in PROPOSAL.md (:mod:`talk.tools.outline`) is the file
``TALK_DIR/0N_*.rst``. It needs its notes at ``--wpm`` words a minute plus the outline's
live coding, demos and questions, and fits when its plan is within 20% of that. Its live
segments (the checkpoint diffs from ``--checkpoints`` it includes), typed at ``--cpm``
characters a minute and run, must fit its live-coding minutes (to 0.1 min). Exit status:
0 all fit; 1 one does not (saying by how much), or bad input; 2 a bad command line.
"""

import math
import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from docutils import nodes
from docutils.core import publish_doctree
from hovercraft.parse import HovercraftReader

from demos.checkpoints import CHECKPOINTS, checkpoints, typed
from talk.tools._common import ROOT, TALK, ToolError, parser, read_text, run, shown
from talk.tools.outline import Section, read_outline

WORDS_PER_MINUTE, CHARACTERS_PER_MINUTE = 130, 100
RUN_MINUTES = 0.5  #: to run a live segment and show its result
TOLERANCE = 0.20  #: a plan fits within this fraction of what it needs
#: docutils reads no included or raw file, and leaves its messages to the build
QUIET = {"_disable_config": True, "report_level": 5, "halt_level": 5,
         "file_insertion_enabled": False, "raw_enabled": False}
#: A row of the sheet: section, plan, steps, words, talk, live, demos, q&a, needs, off.
ROW = "{:34}{:6.1f}{:6}{:6}" + "{:6.1f}" * 5 + "{:+6.0%}"


def steps(rst: str, source: str) -> tuple[int, ...]:
    """Words of notes in each step (from a transition) of the section file text *rst*,
    named *source*: the white-space separated tokens with a letter or digit in its
    ``.. note::`` blocks, in docutils' tree."""
    tree = publish_doctree(rst, source_path=source, reader=HovercraftReader(),
                           settings_overrides=QUIET)
    words: list[int] = []
    for node in tree.findall(nodes.Element):
        if isinstance(node, nodes.transition):
            words.append(0)
        elif words and isinstance(node, nodes.note):
            words[-1] += len(re.findall(r"\S*\w\S*", node.astext()))
    return tuple(words)


def rehearse(proposal: Path, talk: Path, folder: Path = CHECKPOINTS) -> list[Section]:
    """The outline's sections with their files' steps and live segments: the pairs of
    consecutive checkpoints in *folder* whose ``stepNN-stepMM.diff`` the file includes,
    with the characters typed from one to the next (demos.checkpoints.typed).
    Raises ToolError naming a file (and line) that cannot be read, when the files are not
    one per outline item, or for two checkpoints with one number."""
    outline = read_outline(proposal)
    files = [path for path in sorted(Path(talk).glob("*_*.rst"))
             if path.name.split("_")[0].isdigit()]
    if [int(path.name.split("_")[0]) for path in files] != [s.number for s in outline]:
        raise ToolError(f"{shown(talk)}: {len(files)} section files for {len(outline)} "
                        f"outline items in {shown(proposal)}: name one file 0N_*.rst for "
                        "each item N")
    try:
        found = [(n, read_text(path)) for n, path in checkpoints(folder).items()]
    except ValueError as exc:
        raise ToolError(str(exc)) from None
    sections = []
    for section, path in zip(outline, files):
        text = read_text(path)
        live = tuple((f"step{a:02d} -> step{b:02d}", typed(old, new))
                     for (a, old), (b, new) in zip(found, found[1:])
                     if f"step{a:02d}-step{b:02d}.diff" in text)
        sections.append(replace(section, live=live, steps=steps(text, str(path))))
    return sections


def needs(s: Section, wpm: float = WORDS_PER_MINUTE) -> float:
    """Minutes section *s* needs: notes at *wpm*, live coding, demos, Q&A."""
    return s.words / wpm + s.live_coding + s.demos + s.questions


def typing(s: Section, cpm: float = CHARACTERS_PER_MINUTE) -> float:
    """Minutes the live segments of *s* take, typed at *cpm*, plus RUN_MINUTES each."""
    return sum(chars / cpm + RUN_MINUTES for _, chars in s.live)


def words_to_change(s: Section, wpm: float = WORDS_PER_MINUTE) -> int:
    """Words of notes to add (> 0) or cut (< 0) for *s* to fit its plan."""
    low, high = s.minutes / (1 + TOLERANCE), s.minutes / (1 - TOLERANCE)
    if needs(s, wpm) > high + 1e-9:
        return -math.ceil((needs(s, wpm) - high) * wpm - 1e-9)
    return max(0, math.ceil((low - needs(s, wpm)) * wpm - 1e-9))


def _problems(s: Section, wpm: float, cpm: float) -> Iterator[str]:
    """Why section *s* does not fit its plan or its live-coding minutes."""
    change = words_to_change(s, wpm)
    plan = f"section {s.number}: plans {s.minutes:g} min, needs {needs(s, wpm):.1f} min"
    if change < 0:
        yield f"{plan}: cut {-change} words of notes, or plan more"
    elif change > 0:
        yield f"{plan}: add {change} words of notes, or plan less"
    short = round(typing(s, cpm), 1) - s.live_coding
    if short > 1e-9:
        yield (f"section {s.number}: its {len(s.live)} live segments need "
               f"{typing(s, cpm):.1f} min, the outline gives {s.live_coding:g}: "
               f"{short:.1f} min short; give it more in proposal.md, or type less")


def main(argv: list[str] | None = None) -> int:
    """Run rehearse with the command line *argv*; returns the exit status."""
    command = parser("rehearse", __doc__)
    command.add_argument("proposal", metavar="PROPOSAL.md", nargs="?", type=Path,
                         default=ROOT / "proposal.md")
    command.add_argument("talk", metavar="TALK_DIR", nargs="?", type=Path, default=TALK)
    command.add_argument("--wpm", type=float, default=WORDS_PER_MINUTE,
                         help="speaking, words a minute (default 130)")
    command.add_argument("--cpm", type=float, default=CHARACTERS_PER_MINUTE,
                         help="typing on stage, characters a minute (100)")
    command.add_argument("--checkpoints", metavar="DIR", type=Path, default=CHECKPOINTS)
    args = command.parse_args(argv)
    if not all(0 < rate < math.inf for rate in (args.wpm, args.cpm)):
        command.error("--wpm and --cpm take a number above 0")  # exits 2
    return run("rehearse", _command, args)


def _command(args) -> int:
    """Print the sheet, and on stderr each section that does not fit; 1 if one does not."""
    wpm, cpm = args.wpm, args.cpm
    sections = rehearse(args.proposal, args.talk, args.checkpoints)
    rows = [(f"{s.number}. {s.title}"[:34], s.minutes, len(s.steps), s.words, s.words / wpm,
             s.live_coding, s.demos, s.questions, needs(s, wpm)) for s in sections]
    rows.append(("Total", *(sum(column) for column in list(zip(*rows))[1:])))
    print(f"{'Section':34}  plan steps words  talk  live demos   q&a needs   off"
          f"  (minutes; talk at {wpm:g} words/min; fits within {TOLERANCE:.0%})")
    for row in rows:  # off: how far the plan, row[1], is from what it needs, row[-1]
        print(ROW.format(*row, (row[1] - row[-1]) / row[-1] if row[-1] else 0.0))
    for s in [s for s in sections if s.live]:
        print(f"{s.number}. live coding, typed at {cpm:g} characters/min plus "
              f"{RUN_MINUTES:g} min a segment to run and show:")
        for name, chars in s.live:
            print(f"  {name}: {chars} characters, {chars / cpm + RUN_MINUTES:.1f} min")
        print(f"  all {len(s.live)}: {typing(s, cpm):.1f} min; the outline gives "
              f"{s.live_coding:g}")
    problems = [line for s in sections for line in _problems(s, wpm, cpm)]
    for line in problems:
        print(f"rehearse: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""The proposal's outline: the one reader of ``## Outline`` in proposal.md
(used by rehearse, ``python -m demos list``, the slide build and the tests).

Under ``## Outline``, up to the next ``## `` heading, each non-blank line is
a section, ``N. Title (M min)``, or a ``- `` bullet indented under one. The
planned minutes may be followed, after ``;`` and in any order, by the
minutes spent ``live coding L min``, on ``demos D min`` (or ``demo``) and on
``questions Q min``: ``3. Building it (10 min; live coding 3 min)``. Minutes
may be decimal (``2.5 min``); sections are numbered 1, 2, 3 ... in order;
the last parentheses on the line hold the minutes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

from talk.tools._common import ToolError, read_text, shown

_HEADING = re.compile(r"^##\s+Outline\s*$")
_SECTION = re.compile(r"^(\d+)\.\s+(\S.*?)\s+\(([^()]*)\)\s*$")
_BULLET = re.compile(r"^\s+-\s+(\S.*)$")
_PART = re.compile(r"^(?:(live coding|demos?|questions?) )?(\d+(?:\.\d+)?) min$")
FORMAT = ("'N. Title (M min)' or 'N. Title (M min; live coding L min; "
          "demos D min; questions Q min)'")


class OutlineError(ToolError, ValueError):
    """The outline is missing or a line of it is not in the format; the
    message names the file and line."""


@dataclass(frozen=True)
class Section:
    """A section: its outline item (*minutes* planned, None when it has no
    item; *line* in the proposal) and, filled by rehearse, its file
    (``0N_*.rst``, None when none), its steps, each ``(title, words of
    notes)``, and its live-coding segments, each ``(name, characters
    typed)``. Minutes are floats."""

    number: int
    title: str
    minutes: float | None
    live_coding: float = 0.0
    demos: float = 0.0
    bullets: tuple[str, ...] = ()
    questions: float = 0.0
    line: int = 0
    file: str | None = None
    steps: tuple[tuple[str, int], ...] = ()
    live: tuple[tuple[str, int], ...] = ()

    @property
    def words(self) -> int:
        return sum(words for _, words in self.steps)


def parse_outline(markdown: str, source: str = "proposal.md") -> list[Section]:
    """The sections of the ``## Outline`` in the Markdown text *markdown*.

    *source* names the file in messages. Raises OutlineError when there is
    no ``## Outline`` heading or no section under it, for a line that is
    neither a section nor a bullet under one, minutes not in the format, or
    numbers that do not run 1, 2, 3 ...
    """
    lines = markdown.splitlines()
    start = next((i for i, line in enumerate(lines) if _HEADING.match(line)),
                 None)
    if start is None:
        raise OutlineError(f"{source}: no '## Outline' heading")
    sections: list[Section] = []
    for number, line in enumerate(lines[start + 1:], start=start + 2):
        bullet, where = _BULLET.match(line), f"{source}:{number}"
        if line.startswith("## "):
            break
        if bullet and sections:
            sections[-1] = replace(sections[-1], bullets=(
                *sections[-1].bullets, bullet.group(1)))
            continue
        match = _SECTION.match(line) if line.strip() else None
        if line.strip() and match is None:
            raise OutlineError(f"{where}: neither a section ({FORMAT}) nor a "
                               f"'- ' bullet indented under one: {line.strip()!r}")
        if match and int(match.group(1)) != len(sections) + 1:
            raise OutlineError(f"{where}: section {match.group(1)} where "
                               f"section {len(sections) + 1} comes next")
        if match:
            minutes = _minutes(match.group(3), where)
            sections.append(Section(
                len(sections) + 1, match.group(2), minutes[None],
                minutes.get("live coding", 0.0), minutes.get("demo", 0.0),
                questions=minutes.get("question", 0.0), line=number))
    if not sections:
        raise OutlineError(f"{source}:{start + 1}: no {FORMAT} line under "
                           "'## Outline'")
    return sections


def read_outline(path: os.PathLike | str) -> list[Section]:
    """:func:`parse_outline` of the UTF-8 file *path*. Raises OutlineError,
    or ToolError when the file cannot be read or is not UTF-8."""
    return parse_outline(read_text(path), shown(path))


def _minutes(text: str, where: str) -> dict[str | None, float]:
    """``{None: planned, "live coding": L, "demo": D, "question": Q}``."""
    minutes: dict[str | None, float] = {}
    for index, part in enumerate(p.strip() for p in text.split(";")):
        found = _PART.match(part)
        kind = found.group(1) and found.group(1).removesuffix("s") if found else ""
        if not found or (kind is None) != (index == 0) or kind in minutes:
            raise OutlineError(f"{where}: {part!r} in ({text}): write the "
                               f"minutes as {FORMAT}")
        minutes[kind] = float(found.group(2))
    return minutes

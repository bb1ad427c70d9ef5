"""The proposal's outline: the one reader of ``## Outline`` in proposal.md.

``python -m talk.tools.rehearse``, ``python -m demos list`` and the tests
all read the outline with :func:`read_outline` (or :func:`parse_outline`).

The format. Under the ``## Outline`` heading, up to the next ``## ``
heading, every non-blank line is either a section or a bullet indented
under one::

    1. Introduction (3 min)
        - Who I am
    3. Building an extension (10 min; live coding 3 min; demos 1 min)
        - What feature flags are for

A section is ``N. Title (M min)``: its number, its title and the minutes the
proposal plans for it. After the planned minutes, separated by ``;``, the
parentheses may also give the minutes of that section spent live coding
(``live coding L min``), showing demos (``demos D min``, or ``demo D
min``) and answering questions (``questions Q min``), in any order. Minutes are whole or decimal (``2.5
min``), with a space before ``min``. Sections are numbered 1, 2, 3 ... in
order. A title may hold parentheses of its own: the last pair on the line
holds the minutes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

from talk.tools._common import ToolError, read_text, shown

_HEADING = re.compile(r"^##\s+Outline\s*$")
_NEXT_HEADING = re.compile(r"^##\s")
_SECTION = re.compile(r"^(\d+)\.\s+(\S.*?)\s+\(([^()]*)\)\s*$")
_BULLET = re.compile(r"^\s+-\s+(\S.*)$")
_NUMBER = r"(\d+(?:\.\d+)?)"
_PLANNED = re.compile(rf"^{_NUMBER} min$")
_EXTRA = re.compile(rf"^(live coding|demos?|questions) {_NUMBER} min$")
FORMAT = ("'N. Title (M min)' or 'N. Title (M min; live coding L min; "
          "demos D min; questions Q min)'")


class OutlineError(ToolError, ValueError):
    """The outline is missing or a line of it does not follow the format;
    the message names the file and line."""


@dataclass(frozen=True)
class Section:
    """One section of the outline. Minutes are floats; *line* is the
    section's line number in the file."""

    number: int
    title: str
    minutes: float
    live_coding: float = 0.0
    demos: float = 0.0
    bullets: tuple[str, ...] = ()
    questions: float = 0.0
    line: int = 0


def parse_outline(markdown: str, source: str = "proposal.md") -> list[Section]:
    """The sections of the ``## Outline`` in the Markdown text *markdown*.

    *source* names the file in error messages. Raises OutlineError when
    there is no ``## Outline`` heading, no section under it, a line that is
    neither a section nor an indented ``- `` bullet under one, minutes not
    in the format, or numbers that do not run 1, 2, 3 ...
    """
    lines = markdown.splitlines()
    start = next((i for i, line in enumerate(lines) if _HEADING.match(line)),
                 None)
    if start is None:
        raise OutlineError(f"{source}: no '## Outline' heading")
    sections: list[tuple[Section, list[str]]] = []
    for number, line in enumerate(lines[start + 1:], start=start + 2):
        if _NEXT_HEADING.match(line):
            break
        if not line.strip():
            continue
        bullet = _BULLET.match(line)
        if bullet and sections:
            sections[-1][1].append(bullet.group(1))
        else:
            sections.append((_section(line, number, source,
                                      len(sections) + 1), []))
    if not sections:
        raise OutlineError(f"{source}:{start + 1}: no {FORMAT} line under "
                           "'## Outline'")
    return [replace(section, bullets=tuple(bullets))
            for section, bullets in sections]


def read_outline(path: os.PathLike | str) -> list[Section]:
    """:func:`parse_outline` of the file *path* (UTF-8). Raises
    OutlineError, or ToolError when the file cannot be read or is not
    UTF-8."""
    return parse_outline(read_text(path), shown(path))


def _section(line: str, number: int, source: str, expected: int) -> Section:
    match = _SECTION.match(line)
    if match is None:
        raise OutlineError(
            f"{source}:{number}: neither a section ({FORMAT}) nor a '- ' "
            f"bullet indented under one: {line.strip()!r}")
    minutes: dict[str, float] = {}
    for index, part in enumerate(p.strip() for p in match.group(3).split(";")):
        planned = _PLANNED.match(part) if index == 0 else None
        extra = _EXTRA.match(part) if index else None
        if planned:
            minutes["planned"] = float(planned.group(1))
        elif extra and extra.group(1).removesuffix("s") not in minutes:
            minutes[extra.group(1).removesuffix("s")] = float(
                extra.group(2))
        else:
            raise OutlineError(
                f"{source}:{number}: {part!r} in ({match.group(3)}): "
                f"write the minutes as {FORMAT}")
    if int(match.group(1)) != expected:
        raise OutlineError(f"{source}:{number}: section {match.group(1)} "
                           f"where section {expected} comes next")
    return Section(int(match.group(1)), match.group(2), minutes["planned"],
                   minutes.get("live coding", 0.0), minutes.get("demo", 0.0),
                   line=number, questions=minutes.get("question", 0.0))


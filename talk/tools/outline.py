"""The one reader of the ``## Outline`` in proposal.md (for rehearse, the
slide build, ``python -m demos list`` and the tests). Up to the next ``## ``
heading, each non-blank line is a section, ``N. Title (M min)``, or a ``- ``
bullet indented under one. The planned minutes may be followed, after ``;``
and in any order, by the minutes of ``live coding L min``, ``demos D min``
(or ``demo``) and ``questions Q min``. Minutes may be decimal; sections are
numbered 1, 2, 3 ... in order; the last parentheses on the line hold the
minutes, so a title may hold some too.
"""

import os
import re
from dataclasses import dataclass, replace

from talk.tools._common import ToolError, read_text, shown

_HEADING = re.compile(r"^##\s+Outline\s*$")
_SECTION = re.compile(r"^(\d+)\.\s+(\S.*?)\s+\(([^()]*)\)\s*$")
_BULLET = re.compile(r"^\s+-\s+(\S.*)$")
_PART = re.compile(r"^(?:(live coding|demos?|questions?) )?(\d+(?:\.\d+)?) min$")
_FIELD = {None: "minutes", "live coding": "live_coding", "demo": "demos",
          "demos": "demos", "question": "questions", "questions": "questions"}
FORMAT = ("'N. Title (M min)' or 'N. Title (M min; live coding L min; "
          "demos D min; questions Q min)'")


class OutlineError(ToolError, ValueError):
    """A missing outline or a line not in the format (file:line in the message)."""


@dataclass(frozen=True)
class Section:
    """A section: its outline item (*line* in the proposal; minutes as floats)
    and, filled by rehearse from its file ``0N_*.rst``, its steps' words of
    notes and its live-coding segments ``(name, characters typed)``."""

    number: int
    title: str
    minutes: float
    live_coding: float = 0.0
    demos: float = 0.0
    bullets: tuple[str, ...] = ()
    questions: float = 0.0
    line: int = 0
    steps: tuple[int, ...] = ()
    live: tuple[tuple[str, int], ...] = ()

    @property
    def words(self) -> int:
        return sum(self.steps)


def parse_outline(markdown: str, source: str = "proposal.md") -> list[Section]:
    """The sections of the outline in the Markdown text *markdown*, named
    *source* in messages. Raises OutlineError naming the line when there is
    no outline or no section, for a line in neither format, or for numbers
    that do not run 1, 2, 3 ..."""
    lines = markdown.splitlines()
    heads = [n for n, line in enumerate(lines, 1) if _HEADING.match(line)]
    if not heads:
        raise OutlineError(f"{source}: no '## Outline' heading")
    sections: list[Section] = []
    for number, line in enumerate(lines[heads[0]:], heads[0] + 1):
        where = f"{source}:{number}"
        found = _SECTION.match(line)
        bullet = _BULLET.match(line)
        if line.startswith("## "):
            break
        if bullet and sections:
            last = sections[-1]
            sections[-1] = replace(last, bullets=(*last.bullets, bullet[1]))
        elif found and int(found[1]) == len(sections) + 1:
            sections.append(Section(len(sections) + 1, found[2], line=number,
                                    **_minutes(found[3], where)))
        elif found:
            raise OutlineError(f"{where}: section {found[1]} where section "
                               f"{len(sections) + 1} comes next")
        elif line.strip():
            raise OutlineError(f"{where}: neither a section ({FORMAT}) nor a '- ' "
                               f"bullet indented under one: {line.strip()!r}")
    if not sections:
        raise OutlineError(f"{source}:{heads[0]}: no {FORMAT} line under '## Outline'")
    return sections


def read_outline(path: os.PathLike | str) -> list[Section]:
    """:func:`parse_outline` of the UTF-8 file *path*; raises OutlineError, or
    ToolError when the file cannot be read or is not UTF-8."""
    return parse_outline(read_text(path), shown(path))


def _minutes(text: str, where: str) -> dict[str, float]:
    """The Section fields that the parentheses' *text* gives."""
    fields: dict[str, float] = {}
    for index, part in enumerate(p.strip() for p in text.split(";")):
        found = _PART.match(part)
        field = _FIELD[found[1]] if found else ""
        first_is_the_plan = (field == "minutes") == (index == 0)
        if not found or not first_is_the_plan or field in fields:
            raise OutlineError(f"{where}: {part!r} in ({text}): write the "
                               f"minutes as {FORMAT}")
        fields[field] = float(found[2])
    return fields

"""The one reader of proposal.md's ``## Outline`` (for rehearse, the slide build and the
tests). Up to the next ``## ``, each non-blank line is a section, ``N. Title (M min)``,
numbered 1, 2, 3 ... in order, or a ``- `` bullet indented under one. The planned minutes
may be followed, after ``;`` and in any order, by ``live coding L min``, ``demos D min``
(or ``demo``) and ``questions Q min``. Minutes may be decimal; the last parentheses on a
line hold them (a title may hold some too)."""

import os
import re
from dataclasses import dataclass, replace

from talk.tools._common import ToolError, read_text, shown

_SECTION = re.compile(r"(\d+)\.\s+(\S.*?)\s+\(([^()]*)\)\s*")
_BULLET = re.compile(r"\s+-\s+(\S.*)")
_PART = re.compile(r"(?:(live coding|demos?|questions?) )?(\d+(?:\.\d+)?) min")
_FIELD = {None: "minutes", "live coding": "live_coding", "demo": "demos",
          "demos": "demos", "question": "questions", "questions": "questions"}
FORMAT = ("'N. Title (M min)' or 'N. Title (M min; live coding L min; "
          "demos D min; questions Q min)'")


class OutlineError(ToolError, ValueError):
    """A missing outline or a line not in the format (file:line in the message)."""


@dataclass(frozen=True)
class Section:
    """An outline item (*line* in the proposal, minutes as floats) and, filled by rehearse
    from its ``0N_*.rst``, its steps' words of notes and live segments ``(name, chars)``."""

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
    """The sections of the outline in the Markdown text *markdown*, named *source* in
    messages. Raises OutlineError naming the line when there is no outline or no
    section, for a line in neither format, or for numbers that do not run 1, 2, 3 ..."""
    lines = markdown.splitlines()
    start = next((n for n, line in enumerate(lines, 1)
                  if line.split() == ["##", "Outline"]), 0)
    if not start:
        raise OutlineError(f"{source}: no '## Outline' heading")
    sections: list[Section] = []
    for number, line in enumerate(lines[start:], start + 1):
        found = _SECTION.fullmatch(line)
        bullet = _BULLET.fullmatch(line)
        if line.startswith("## "):
            break
        if bullet and sections:
            last = sections[-1]
            sections[-1] = replace(last, bullets=(*last.bullets, bullet[1]))
        elif found and int(found[1]) == len(sections) + 1:
            sections.append(Section(len(sections) + 1, found[2], line=number,
                                    **_minutes(found[3], f"{source}:{number}")))
        elif found:
            raise OutlineError(f"{source}:{number}: section {found[1]} where section "
                               f"{len(sections) + 1} comes next")
        elif line.strip():
            raise OutlineError(f"{source}:{number}: neither a section ({FORMAT}) nor a "
                               f"'- ' bullet indented under one: {line.strip()!r}")
    if not sections:
        raise OutlineError(f"{source}:{start}: no {FORMAT} line under '## Outline'")
    return sections


def read_outline(path: os.PathLike | str) -> list[Section]:
    """:func:`parse_outline` of the UTF-8 file *path* (ToolError if unreadable or not)."""
    return parse_outline(read_text(path), shown(path))


def _minutes(text: str, where: str) -> dict[str, float]:
    """The Section fields that the parentheses' *text* gives."""
    fields: dict[str, float] = {}
    for index, part in enumerate(p.strip() for p in text.split(";")):
        found = _PART.fullmatch(part)
        field = _FIELD[found[1]] if found else ""
        if not found or (field == "minutes") != (index == 0) or field in fields:
            raise OutlineError(f"{where}: {part!r} in ({text}): write the "
                               f"minutes as {FORMAT}")
        fields[field] = float(found[2])
    return fields

"""The live-coding checkpoints: where they are, how they are named, and
what changes from one to the next.

Not talk material. Used by ``python -m demos checkpoint``, by the slide
build (:func:`diff`: each pair of consecutive checkpoints on a slide), by
``make rehearse`` (:func:`typed`: the minutes of a live segment) and by the
tests.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

#: demos/checkpoints/: this package's folder; the step files are plain
#: files beside this module, run by path, never imported by name.
CHECKPOINTS = Path(__file__).resolve().parent
#: ``stepNN_what_it_adds.py``; NN, two digits, is the checkpoint's number.
PATTERN = re.compile(r"^step(\d{2})_\w+\.py$")
#: What to try once checkpoint N runs: ``{N: (path, status, answer, why)}``.
#: *answer* is text the body holds, or a dict the JSON body includes.
#: ``python -m demos checkpoint N`` prints it; tests/test_checkpoints.py
#: requests each one.
TRY: dict[int, tuple[str, int, str | dict, str]] = {
    1: ("/checkout", 200, "The new one-click checkout.",
        "is_active says yes to every flag, for now"),
    2: ("/checkout", 404, "Not Found", "new_checkout is off in the config"),
    3: ("/", 200, {"snapshot": {"new_checkout": False}},
        "the request's own copy of the flags, in g"),
    4: ("/", 200, {"extensions": ["flask_flags"]},
        "init_app registered the extension on the app"),
}


def checkpoints(folder: Path = CHECKPOINTS) -> dict[int, Path]:
    """``{number: path}`` of the checkpoint files in *folder*, by number.

    Other files are left out; a folder that does not exist has none.
    Raises ValueError when two files have the same number.
    """
    found: dict[int, Path] = {}
    for path in sorted(Path(folder).glob("step*.py")):
        match = PATTERN.match(path.name)
        if match is None:
            continue
        number = int(match.group(1))
        if number in found:
            raise ValueError(f"{path}: checkpoint {number} is "
                             f"{found[number].name} too")
        found[number] = path
    return dict(sorted(found.items()))


#: A line that opens a function or class: the context a hunk is shown in.
_OPENER = re.compile(r"^\s*(async\s+def|def|class)\s")
#: A unified diff's hunk header; group 1 is the hunk's first new line.
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)")


def diff(old: str, new: str) -> str:
    """The change from checkpoint text *old* to *new* as a slide shows it:
    difflib's unified diff with no context lines, without its two file
    lines, ``@@`` headers and lines that add or remove only blank space;
    a line ``⋮`` between two changed places. Like git's hunk headers, a
    change inside a function or class is shown under the ``def`` or
    ``class`` line that opens it (a context line), joined to the change
    just above it when nothing lies between. Empty when nothing
    changed."""
    new_lines = new.splitlines()
    hunks: list[list[str]] = []
    next_line = 0  # the new text's line after the last hunk (1-based)
    changes = difflib.unified_diff(old.splitlines(), new_lines, n=0,
                                   lineterm="")
    for line in list(changes)[2:]:
        header = _HUNK.match(line)
        if not header:
            if line[1:].strip():
                hunks[-1].append(line)
            next_line += line.startswith("+")
            continue
        first = int(header.group(1)) + (line.endswith(",0 @@"))
        opener = _opener(new_lines, first)
        if opener and hunks and opener[0] == next_line:
            hunks[-1].append(" " + new_lines[opener[0] - 1])
        else:
            hunks.append([" " + new_lines[opener[0] - 1]] if opener else [])
        next_line = first
    return "\n\u22ee\n".join("\n".join(hunk) for hunk in hunks
                              if any(line[0] != " " for line in hunk))


def _opener(lines: list[str], first: int) -> tuple[int] | tuple[()]:
    """``(n,)``, the 1-based number of the def or class line that opens the
    block where line *first* of *lines* sits, or ``()`` at module level."""
    start = lines[first - 1] if 0 < first <= len(lines) else ""
    indent = len(start) - len(start.lstrip())
    for number in range(first - 1, 0, -1):
        line = lines[number - 1]
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip())
        if depth < indent and _OPENER.match(line):
            return (number,)
        if depth == 0:
            return ()
    return ()


def typed(old: str, new: str) -> int:
    """Characters typed on stage to turn checkpoint text *old* into *new*:
    those of each line :func:`diff` adds, without leading or trailing white
    space (the editor indents); removed lines cost nothing."""
    added = [line[1:].strip() for line in diff(old, new).splitlines()
             if line.startswith("+")]
    return sum(len(line) for line in added)

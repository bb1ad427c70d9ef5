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


def diff(old: str, new: str) -> str:
    """The change from checkpoint text *old* to *new* as a slide shows it:
    difflib's unified diff with no context lines, without its two file
    lines, ``@@`` headers and lines that add or remove only blank space;
    a line ``⋮`` between two changed places. Empty when nothing changed."""
    hunks: list[list[str]] = []
    changes = difflib.unified_diff(old.splitlines(), new.splitlines(),
                                   n=0, lineterm="")
    for line in list(changes)[2:]:
        if line.startswith("@@"):
            hunks.append([])
        elif line[1:].strip():
            hunks[-1].append(line)
    return "\n\u22ee\n".join("\n".join(hunk) for hunk in hunks if hunk)


def typed(old: str, new: str) -> int:
    """Characters typed on stage to turn checkpoint text *old* into *new*:
    those of each line :func:`diff` adds, without leading or trailing white
    space (the editor indents); removed lines cost nothing."""
    added = [line[1:].strip() for line in diff(old, new).splitlines()
             if line.startswith("+")]
    return sum(len(line) for line in added)

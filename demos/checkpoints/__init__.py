"""The live-coding checkpoints: where they are and how they are named.

Not talk material. The one pattern used by ``python -m demos checkpoint``,
by the slide build (which turns each pair of consecutive checkpoints into a
diff on a slide) and by the tests.
"""

from __future__ import annotations

import re
from pathlib import Path

#: demos/checkpoints/: this package's folder; the step files are plain
#: files beside this module, run by path, never imported by name.
CHECKPOINTS = Path(__file__).resolve().parent
#: ``stepNN_what_it_adds.py``; NN, two digits, is the checkpoint's number.
PATTERN = re.compile(r"^step(\d{2})_\w+\.py$")


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

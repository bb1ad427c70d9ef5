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

"""What attendees read says what is true: the history files fail on
today's Flask as they say, and no internal word is left in the text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import demos

DEMOS = Path(demos.__file__).parent
ROOT = DEMOS.parent


@pytest.mark.parametrize("path, error", [
    ("app_ctx_stack.py", "cannot import name '_app_ctx_stack' from 'flask'"),
    ("flask_ext_import.py", "No module named 'flask.ext'"),
])
def test_history_uses_what_flask_removed(path, error):
    """The history files say they do not run on today's Flask: they
    don't (``_app_ctx_stack`` went in Flask 3.0, ``flask.ext`` in 1.0)."""
    source = (DEMOS / "history" / path).read_text(encoding="utf-8")
    with pytest.raises(ImportError, match=re.escape(error)):
        exec(compile(source, path, "exec"), {"__name__": "history"})


def attendee_text() -> list[Path]:
    """What attendees read: the demos (code, templates, notes), the
    extension and its package, the slides and their notes, the proposal
    and README.md."""
    files = [ROOT / "README.md", ROOT / "proposal.md"]
    files += [path for folder in ("flask-flags", "talk")
              for path in (ROOT / folder).rglob("*")
              if path.suffix in {".py", ".md", ".rst", ".toml", ".svg"}
              and "__pycache__" not in path.parts
              and not path.name.startswith("test_")]
    files += [path for path in DEMOS.rglob("*")
              if path.suffix in {".py", ".html", ".md", ".txt"}
              and "__pycache__" not in path.parts]
    return sorted(files)


def test_no_internal_words_in_attendee_text():
    """Sources are named by their titles; "seed" was the project's own
    word for the talks it was built from and means nothing to attendees."""
    files = attendee_text()
    found = [f"{path.relative_to(ROOT)}:{number}"
             for path in files
             for number, line in enumerate(
                 path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\bseeds?\b", line, re.IGNORECASE)]
    assert len(files) > 20
    assert found == []

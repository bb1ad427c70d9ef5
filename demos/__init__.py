"""Runnable demos for the talk "Developing Flask Extensions".

Each demo module exposes ``create_app(test_config=None)`` returning a Flask
app whose ``GET /`` says what it demonstrates. Run one with::

    flask --app demos.<name> run        # serves on 127.0.0.1:5000
"""

from __future__ import annotations

import sys


def not_installed(module: str | None) -> str:
    """The one line ``python -m demos`` prints when *module* (a package
    the demos need) cannot be imported by this Python: use the venv."""
    return (f"{module} is not installed for "
            f"{sys.executable}; use .venv/bin/python -m demos "
            "(make slides creates .venv)")

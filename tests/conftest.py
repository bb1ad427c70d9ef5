"""Fixtures in the style of Flask's tutorial (flaskr): ``app``, ``client``,
``runner``. A test module names the demo it tests with ``DEMO = <module>``;
``app`` builds it with ``create_app({"TESTING": True})``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TALK = ROOT / "talk"


@pytest.fixture
def app(request):
    demo = getattr(request.module, "DEMO", None)
    if demo is None:
        pytest.fail(f"{request.module.__name__} sets no DEMO module")
    return demo.create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def build_slides(source: Path, target: Path) -> subprocess.CompletedProcess:
    """Run the strict slide build (talk/build.py) on *source* into *target*."""
    return subprocess.run(
        [sys.executable, str(TALK / "build.py"), str(source), str(target)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )


@pytest.fixture(scope="session")
def built_deck(tmp_path_factory) -> Path:
    """The real deck, built once per session; returns its index.html path."""
    target = tmp_path_factory.mktemp("deck") / "slides"
    result = build_slides(TALK / "index.rst", target)
    assert result.returncode == 0, result.stderr
    return target / "index.html"

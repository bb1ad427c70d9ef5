"""Fixtures in the style of Flask's tutorial (flaskr): ``app``, ``client``,
``runner``. A test module names the demo it tests with ``DEMO = <module>``;
``app`` builds it with ``create_app({"TESTING": True})``.

For the deck: ``copy_talk`` copies the slide sources into a temporary
folder (tests never edit the real ones), ``built_deck`` is the real deck
built once per test session.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from demos.cli import discover
from talk.tools import slides
from talk.tools._common import ROOT, TALK

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session", autouse=True)
def demos_instance_path(tmp_path_factory):
    """Demos keep SQLite files in their instance folder: point it at a temp
    folder for the whole session (subprocesses inherit it), so no test
    writes into the checkout."""
    folder = tmp_path_factory.mktemp("instance")
    old = os.environ.get("DEMOS_INSTANCE_PATH")
    os.environ["DEMOS_INSTANCE_PATH"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("DEMOS_INSTANCE_PATH", None)
    else:
        os.environ["DEMOS_INSTANCE_PATH"] = old


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


def demo_modules() -> list[str]:
    """``demos.<x>`` for every demo, found by demos.cli's discovery."""
    found, broken = discover()
    assert not broken, broken
    return [f"demos.{demo.name}" for demo in found]


def require(ok: bool, reason: str) -> None:
    """Skip (an attendee's laptop) or fail (CI=true) when something a test
    needs, such as Chromium or decktape, is missing."""
    if not ok:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: not skipping)")
        pytest.skip(reason)


def copy_talk(folder: Path) -> Path:
    """A copy of the slide sources (talk/ without its tools) in *folder*,
    beside links to the real demos/ and flask-flags/ that its slides
    include (read only: copy them to change them)."""
    talk = folder / "talk"
    shutil.copytree(TALK, talk, ignore=shutil.ignore_patterns(
        "__pycache__", "tools", "__init__.py"))
    for name in ("demos", "flask-flags"):
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    return talk


@pytest.fixture(scope="session")
def good_build(tmp_path_factory) -> tuple[Path, Path]:
    """The real deck, copied (copy_talk) and built once per session:
    ``(talk copy, build folder)``. Copy them before changing anything."""
    folder = tmp_path_factory.mktemp("deck")
    talk = copy_talk(folder)
    target = folder / "slides"
    slides.build(talk / "index.rst", target)
    return talk, target


@pytest.fixture(scope="session")
def built_deck(good_build) -> Path:
    """The index.html of the real deck, built once per session."""
    return good_build[1] / "index.html"

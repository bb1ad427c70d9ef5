"""Fixtures in the style of Flask's tutorial (flaskr): ``app``, ``client``,
``runner``. A test module names the demo it tests with ``DEMO = <module>``;
``app`` builds it with ``create_app({"TESTING": True})``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TALK = ROOT / "talk"


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
    """Every ``demos.<x>`` module with a ``create_app``: the demos."""
    import importlib
    import pkgutil

    import demos

    names = []
    for info in pkgutil.iter_modules(demos.__path__, "demos."):
        module = importlib.import_module(info.name)
        if callable(getattr(module, "create_app", None)):
            names.append(info.name)
    return names


def build_slides(source: Path, target: Path) -> subprocess.CompletedProcess:
    """Run the strict slide build (talk/build.py) on *source* into *target*."""
    return subprocess.run(
        [sys.executable, str(TALK / "build.py"), str(source), str(target)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )


def copy_talk(folder: Path) -> Path:
    """A copy of talk/ in *folder* whose includes point at the real demos/.

    The build writes the checkpoint diffs to ``../build/generated`` beside
    the source, so building a copy writes them under *folder*, not the repo.
    """
    talk = folder / "talk"
    shutil.copytree(TALK, talk, ignore=shutil.ignore_patterns("__pycache__"))
    for rst in talk.glob("*.rst"):
        text = rst.read_text(encoding="utf-8")
        for folder_name in ("demos", "flask-flags"):
            text = text.replace(f"../{folder_name}/",
                                f"{(ROOT / folder_name).as_posix()}/")
        rst.write_text(text, encoding="utf-8")
    return talk


@pytest.fixture(scope="session")
def built_deck(tmp_path_factory) -> Path:
    """The real deck, built once per session from a copy of talk/ (see
    copy_talk); returns its index.html path."""
    folder = tmp_path_factory.mktemp("deck")
    target = folder / "slides"
    result = build_slides(copy_talk(folder) / "index.rst", target)
    assert result.returncode == 0, result.stderr
    return target / "index.html"

"""What every demo promises: create_app, GET / 200, safe defaults; and the
history files, which are compiled but never run."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from conftest import demo_modules

import demos

DEMOS = Path(demos.__file__).parent


def test_there_are_demos():
    assert {"demos.hello", "demos.feature_flags", "demos.signals",
            "demos.g_object", "demos.decorators", "demos.jinja",
            "demos.featureflags_06"} <= set(demo_modules())


@pytest.mark.parametrize("name", demo_modules())
def test_get_index_is_200(name):
    app = importlib.import_module(name).create_app({"TESTING": True})
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert len(response.get_data(as_text=True)) > 10


@pytest.mark.parametrize("name", demo_modules())
def test_safe_defaults(name, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    module = importlib.import_module(name)
    app = module.create_app()
    assert app.debug is False
    source = Path(module.__file__).read_text(encoding="utf-8")
    assert "SECRET_KEY=" not in source.replace(" ", "")
    assert "0.0.0.0" not in source


def test_secret_key_from_environment_or_random(monkeypatch):
    """Through a demo's public app factory (signed_links signs with it)."""
    from demos.signed_links import create_app
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert create_app().secret_key == "from-the-environment"
    monkeypatch.delenv("SECRET_KEY")
    key = create_app().secret_key
    assert isinstance(key, str) and len(key) >= 32
    assert key != "from-the-environment"  # random per process, not in code


@pytest.mark.parametrize("path", sorted((DEMOS / "history").glob("*.py")),
                         ids=lambda p: p.name)
def test_history_compiles_and_is_labelled(path):
    source = path.read_text(encoding="utf-8")
    compile(source, str(path), "exec")
    assert source.startswith("# HISTORY:")


def test_history_is_not_importable_as_part_of_demos():
    assert not (DEMOS / "history" / "__init__.py").exists()


"""demos/featureflags_06.py: the real Flask-FeatureFlags 0.6 on Flask 3.1."""

import importlib

import pytest

import demos.featureflags_06

DEMO = demos.featureflags_06


def test_index_renders_with_its_jinja_test(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'<body class="dark">' in response.data


def test_decorator_redirects_while_off(client):
    """0.6 calls ``redirect(url)`` with no code: 302 on Flask 3.1, 303 on
    Flask 3.2, whose default changes."""
    response = client.get("/checkout")
    assert response.status_code in (302, 303)
    assert response.location == "/"


def test_decorator_lets_through_when_on(app, client):
    app.config["FEATURE_FLAGS"]["new_checkout"] = True
    assert client.get("/checkout").data == b"The new one-click checkout."


@pytest.mark.parametrize("module", [
    "flask_featureflags.contrib.inline",
    "flask_featureflags.contrib.sqlalchemy",
])
def test_contrib_modules_no_longer_import(module):
    with pytest.raises(ImportError):
        importlib.import_module(module)

"""demos/feature_flags.py: the talk's extension in an app."""

import pytest

import demos.feature_flags
from demos.feature_flags import preview_handler
from flask_flags import (NoFeatureFlagFound, checked_flags, is_active,
                         missing_feature)

DEMO = demos.feature_flags


def test_index_renders_with_the_jinja_test(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'<body class="dark">' in response.data  # dark_mode on
    assert b"/checkout/classic" in response.data     # new_checkout off


def test_index_when_new_checkout_is_on(app, client):
    app.config["FEATURE_FLAGS"]["new_checkout"] = True
    response = client.get("/")
    assert b"Try one-click checkout" in response.data


def test_checkout_redirects_while_off(client):
    response = client.get("/checkout")
    assert response.status_code == 302
    assert response.location == "/checkout/classic"
    assert client.get("/checkout/classic").data == b"The classic checkout."


def test_preview_handler_turns_one_flag_on(client):
    response = client.get("/checkout?preview=new_checkout")
    assert response.status_code == 200
    assert response.data == b"The new one-click checkout."
    assert client.get("/labs?preview=new_checkout").status_code == 404


def test_labs_is_404_while_off_and_200_when_on(app, client):
    assert client.get("/labs").status_code == 404
    app.config["FEATURE_FLAGS"]["labs"] = True
    assert client.get("/labs").data == b"Experiments in progress."


def test_flags_shows_what_decided(client):
    body = client.get("/flags?preview=labs").get_json()
    assert body["checked"] == {"new_checkout": False, "dark_mode": True,
                               "labs": True}
    assert body["why"] == {"new_checkout": "off", "dark_mode": "on",
                           "labs": "on"}
    assert body["decided_by"] == {"new_checkout": "AppConfigFlagHandler",
                                  "dark_mode": "AppConfigFlagHandler",
                                  "labs": "preview_handler"}


def test_apps_from_the_factory_do_not_share_flags():
    one = DEMO.create_app({"TESTING": True})
    two = DEMO.create_app({"TESTING": True})
    one.config["FEATURE_FLAGS"]["labs"] = True
    assert one.test_client().get("/labs").status_code == 200
    assert two.test_client().get("/labs").status_code == 404


def test_preview_handler_knows_only_the_flag_it_previews(app):
    """It must raise NoFeatureFlagFound for every other flag, not answer
    False: a flag nobody configured then stays "missing" (and is
    signalled), instead of "off by preview_handler"."""
    sent = []
    with app.test_request_context("/?preview=labs"), \
            missing_feature.connected_to(
                lambda sender, feature: sent.append(feature), sender=app):
        with pytest.raises(NoFeatureFlagFound):
            preview_handler("nobody_knows_me")
        assert is_active("nobody_knows_me") is False
        assert checked_flags()["nobody_knows_me"].reason == "missing"
        assert checked_flags()["nobody_knows_me"].handler is None
    assert sent == ["nobody_knows_me"]

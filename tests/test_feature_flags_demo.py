"""demos/feature_flags.py: the talk's extension in an app."""

import pytest
from werkzeug.test import Client

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
    body = client.get("/flags?preview=new_checkout").get_json()
    assert body["checked"] == {"new_checkout": True, "dark_mode": True,
                               "labs": False}
    assert body["why"] == {"new_checkout": "on", "dark_mode": "on",
                           "labs": "off"}
    assert body["decided_by"] == {"new_checkout": "preview_handler",
                                  "dark_mode": "AppConfigFlagHandler",
                                  "labs": "AppConfigFlagHandler"}


def test_only_allow_listed_flags_can_be_previewed(app):
    """Anyone can add ?preview= to a URL: a flag outside FLAG_PREVIEWS
    stays as the config says, through the app as a server calls it."""
    assert app.config["FLAG_PREVIEWS"] == {"new_checkout"}
    wsgi = Client(app.wsgi_app)
    assert wsgi.get("/labs?preview=labs").status_code == 404
    body = wsgi.get("/flags?preview=labs").get_json()
    assert body["checked"]["labs"] is False
    assert body["decided_by"]["labs"] == "AppConfigFlagHandler"
    assert wsgi.get("/checkout?preview=new_checkout").data == (
        b"The new one-click checkout.")
    with app.test_request_context("/?preview=labs"):
        with pytest.raises(NoFeatureFlagFound):  # not False: undecided
            preview_handler("labs")
    app.config["FLAG_PREVIEWS"] = {"new_checkout", "labs"}
    assert wsgi.get("/labs?preview=labs").status_code == 200


def test_no_allow_list_means_no_previews():
    app = DEMO.create_app({"TESTING": True})
    del app.config["FLAG_PREVIEWS"]
    wsgi = Client(app.wsgi_app)
    response = wsgi.get("/checkout?preview=new_checkout")
    assert response.status_code == 302
    assert response.location == "/checkout/classic"


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
    with app.test_request_context("/?preview=new_checkout"), \
            missing_feature.connected_to(
                lambda sender, feature: sent.append(feature), sender=app):
        assert preview_handler("new_checkout") is True
        with pytest.raises(NoFeatureFlagFound):
            preview_handler("nobody_knows_me")
        assert is_active("nobody_knows_me") is False
        assert checked_flags()["nobody_knows_me"].reason == "missing"
        assert checked_flags()["nobody_knows_me"].handler is None
    assert sent == ["nobody_knows_me"]


# [start:flag-test]
def test_new_checkout_when_on(app, client, monkeypatch):
    flags = app.config["FEATURE_FLAGS"]
    monkeypatch.setitem(flags, "new_checkout", True)  # undone
    response = client.get("/checkout")
    assert response.text == "The new one-click checkout."
# [end:flag-test]


def test_missing_flags_are_counted_per_app():
    """missing_feature is sent with the app as sender: each app's
    receiver counts its own requests only."""
    one = DEMO.create_app({"TESTING": True})
    two = DEMO.create_app({"TESTING": True})
    for _ in range(3):
        Client(one.wsgi_app).get("/")  # the page asks for holiday_sale
    body = Client(one.wsgi_app).get("/flags").json
    assert body["missing"] == {"holiday_sale": 3}
    assert Client(two.wsgi_app).get("/flags").json["missing"] == {}

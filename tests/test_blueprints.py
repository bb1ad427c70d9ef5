"""demos/blueprints.py: one blueprint registered twice; a language code
pulled from the URL into g and put back by url_for."""

import pytest
from flask import Flask, g, url_for

import demos.blueprints

DEMO = demos.blueprints


def test_index_lists_the_routes(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"/special/admin/" in response.data


def test_first_registration_takes_the_username_from_the_url(client):
    assert client.get("/users/ada/").get_json() == {
        "user": "ada", "url": "/users/ada/"}


def test_second_registration_takes_it_from_url_defaults(client):
    assert client.get("/special/admin/").get_json() == {
        "user": "admin", "url": "/special/admin/"}


def test_both_registrations_have_their_own_endpoints(app):
    assert {"users", "admin"} <= set(app.blueprints)
    assert app.blueprints["users"] is app.blueprints["admin"] is DEMO.users
    with app.test_request_context():
        assert url_for("users.profile", username="bob") == "/users/bob/"
        assert url_for("admin.profile") == "/special/admin/"


def test_registering_twice_under_one_name_is_an_error():
    app = Flask(__name__)
    app.register_blueprint(DEMO.users, url_prefix="/a/<username>")
    with pytest.raises(ValueError, match="name="):
        app.register_blueprint(DEMO.users, url_prefix="/b/<username>")


def test_lang_code_is_pulled_into_g(app, client):
    with client:
        response = client.get("/de/about")
        assert g.lang_code == "de"
    assert response.get_json() == {"lang_code": "de", "home": "/de/"}


def test_url_for_adds_the_lang_code(client):
    assert client.get("/fr/").get_json() == {
        "lang_code": "fr", "about": "/fr/about"}


def test_url_for_takes_an_explicit_lang_code(app):
    with app.test_request_context():
        g.lang_code = "en"
        assert url_for("pages.about") == "/en/about"
        assert url_for("pages.about", lang_code="fr") == "/fr/about"

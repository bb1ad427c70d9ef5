"""demos/subclassing.py: a Flask subclass with custom return types and a
custom response class."""

import pytest
from flask import Flask, redirect

import demos.subclassing

DEMO = demos.subclassing

NOSNIFF = ("X-Content-Type-Options", "nosniff")


def test_the_app_is_the_subclass(app):
    assert isinstance(app, DEMO.JSONFlask)
    assert app.response_class is DEMO.NoSniffResponse


def test_index_lists_the_routes(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"/users/42" in response.data
    assert response.mimetype == "text/html"


def test_a_view_can_return_an_object_with_to_json(client):
    response = client.get("/users/42")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"id": 42, "username": "john"}


def test_other_return_values_work_as_usual(client):
    response = client.get("/text")
    assert response.data == b"Just text."
    assert response.mimetype == "text/html"


def test_every_response_gets_the_default_header(client):
    for path, status in (("/", 200), ("/users/7", 200), ("/text", 200),
                         ("/users/1", 404)):
        response = client.get(path)
        assert response.status_code == status
        assert response.headers[NOSNIFF[0]] == NOSNIFF[1], path


def test_redirects_are_the_custom_class_too(app):
    with app.test_request_context():
        response = redirect("/text")
    assert isinstance(response, DEMO.NoSniffResponse)
    assert response.headers[NOSNIFF[0]] == NOSNIFF[1]


def test_a_header_the_view_sets_wins(app):
    response = app.response_class("x", headers={NOSNIFF[0]: "other"})
    assert response.headers.getlist(NOSNIFF[0]) == ["other"]


def test_a_plain_flask_app_rejects_such_objects():
    app = Flask(__name__)
    app.add_url_rule("/", view_func=lambda: DEMO.User(1, "x"))
    app.config["TESTING"] = True
    with pytest.raises(TypeError, match="User"):
        app.test_client().get("/")

"""demos/subclassing.py: a Flask subclass with custom return types and a
default header on every response.

The header claims are checked through ``app.wsgi_app``, as a server calls
the app: Flask's test client would turn every response into
``app.response_class`` first, and once hid that a ``response_class`` which
sets the header in ``__init__`` misses HTTP errors.
"""

import pytest
from flask import Flask, Response, abort, request
from werkzeug.test import Client

import demos.subclassing

DEMO = demos.subclassing

NOSNIFF = ("X-Content-Type-Options", "nosniff")


@pytest.fixture
def server_app():
    """The demo as a server runs it: testing off, so an unhandled exception
    becomes Flask's own 500 instead of being re-raised."""
    return DEMO.create_app({"TESTING": False,
                            "PROPAGATE_EXCEPTIONS": False})


@pytest.fixture
def wsgi(server_app):
    """A client that calls ``server_app.wsgi_app`` directly."""
    return Client(server_app.wsgi_app)


def test_the_app_is_the_subclass(app):
    assert isinstance(app, DEMO.JSONFlask)


def test_index_lists_the_routes(wsgi):
    response = wsgi.get("/")
    assert response.status_code == 200
    assert b"/users/42" in response.data
    assert response.mimetype == "text/html"


def test_a_view_can_return_an_object_with_to_json(wsgi):
    response = wsgi.get("/users/42")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"id": 42, "username": "john"}


def test_other_return_values_work_as_usual(wsgi):
    response = wsgi.get("/text")
    assert response.data == b"Just text."
    assert response.mimetype == "text/html"


@pytest.mark.parametrize("path, status", [
    ("/", 200),                # a template
    ("/users/7", 200),         # JSON from to_json()
    ("/text", 200),            # a plain string
    ("/go", 302),              # a redirect
    ("/users/1", 404),         # abort(404)
    ("/no/such/page", 404),    # a routing 404
    ("/fail", 500),            # an unhandled exception
    ("/text", 405),            # a routing 405 (POST below)
])
def test_every_response_gets_the_header(wsgi, caplog, path, status):
    method = "POST" if status == 405 else "GET"
    response = wsgi.open(path, method=method)
    assert response.status_code == status
    assert response.headers.getlist(NOSNIFF[0]) == [NOSNIFF[1]], path
    if status == 500:  # Flask's own 500, logged: the exception did happen
        assert "this view always fails" in caplog.text


def test_the_redirect_goes_where_it_says(wsgi):
    response = wsgi.get("/go", follow_redirects=True)
    assert response.data == b"Just text."
    assert response.headers[NOSNIFF[0]] == NOSNIFF[1]


def test_a_header_the_view_sets_wins(server_app, wsgi):
    server_app.add_url_rule(
        "/own", view_func=lambda: ("x", {NOSNIFF[0]: "other"}))
    response = wsgi.get("/own")
    assert response.headers.getlist(NOSNIFF[0]) == ["other"]


def test_a_header_in_response_init_misses_http_errors():
    """Why the demo sets the header in make_response: Flask converts an
    HTTP error with ``response_class.force_type``, which swaps the class of
    Werkzeug's response without running ``__init__``."""

    class InitResponse(Response):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.headers.setdefault(*NOSNIFF)

    app = Flask(__name__)
    app.response_class = InitResponse
    app.add_url_rule("/text", "text", lambda: "text")
    app.add_url_rule("/gone", "gone", lambda: abort(404))
    wsgi = Client(app.wsgi_app)
    assert wsgi.get("/text").headers.get(NOSNIFF[0]) == NOSNIFF[1]
    assert NOSNIFF[0] not in wsgi.get("/gone").headers
    assert NOSNIFF[0] not in wsgi.get("/no/such/page").headers
    # Flask's test client wraps every response in response_class again,
    # running __init__, so there it seemed to work:
    assert app.test_client().get("/gone").headers[NOSNIFF[0]] == NOSNIFF[1]


def test_what_flasks_test_client_adds(server_app, wsgi):
    """Both clients go through ``app.wsgi_app``. Flask's test client adds
    REMOTE_ADDR 127.0.0.1, rebuilds each response as the app's
    ``response_class``, and, with TESTING on, an unhandled exception is
    raised into the test instead of becoming a 500."""
    server_app.add_url_rule("/addr", "addr",
                            lambda: request.remote_addr or "none")
    assert wsgi.get("/addr").data == b"none"
    assert server_app.test_client().get("/addr").data == b"127.0.0.1"
    assert type(wsgi.get("/text")) is not server_app.response_class
    assert isinstance(server_app.test_client().get("/text"),
                      server_app.response_class)
    assert wsgi.get("/fail").status_code == 500
    testing = DEMO.create_app({"TESTING": True})
    with pytest.raises(RuntimeError, match="this view always fails"):
        testing.test_client().get("/fail")


def test_a_plain_flask_app_rejects_such_objects():
    app = Flask(__name__)
    app.add_url_rule("/", view_func=lambda: DEMO.User(1, "x"))
    app.config["TESTING"] = True
    with pytest.raises(TypeError, match="User"):
        app.test_client().get("/")

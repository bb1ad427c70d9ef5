"""demos/hooks.py: the order of request hooks and the error handler."""

import importlib.metadata

from werkzeug.test import Client

import demos.hooks

DEMO = demos.hooks

GOOD = ["before_request", "view", "after_request", "teardown_request",
        "teardown_appcontext"]
HANDLED = ["before_request", "view", "errorhandler", "after_request",
           "teardown_request", "teardown_appcontext"]


def test_index_lists_the_routes(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"/trace" in response.data


def test_order_of_a_good_request(app, client):
    response = client.get("/ok")
    assert response.get_json() == {"ok": True}
    assert app.extensions["hooks_demo"] == GOOD


def test_order_when_the_error_handler_answers(app, client):
    response = client.get("/missing")
    assert response.status_code == 404
    assert response.get_json() == {"error": "there is no such page"}
    assert app.extensions["hooks_demo"] == HANDLED


def test_trace_route_shows_the_previous_request(client):
    client.get("/missing")
    assert client.get("/trace").get_json() == {"previous": HANDLED}
    # /trace's own view records no "view" step
    assert client.get("/trace").get_json() == {"previous": [
        "before_request", "after_request", "teardown_request",
        "teardown_appcontext"]}


def test_teardown_gets_no_error_when_a_handler_answered(app, client):
    errors = []
    app.teardown_request(errors.append)
    client.get("/missing")
    assert errors == [None]


def test_an_app_context_by_hand_runs_only_teardown_appcontext(app):
    with app.app_context():
        pass
    assert app.extensions["hooks_demo"] == ["teardown_appcontext"]


# --- when teardown_appcontext runs, through app.wsgi_app as a server calls it

def flask_version():
    return tuple(int(part) for part in
                 importlib.metadata.version("flask").split(".")[:2])


def test_teardown_appcontext_ends_each_request_a_server_sends(app):
    wsgi = Client(app.wsgi_app)
    wsgi.get("/ok")
    assert app.extensions["hooks_demo"] == GOOD
    wsgi.get("/missing")
    assert app.extensions["hooks_demo"] == HANDLED


def test_teardown_appcontext_waits_for_an_app_context_pushed_first(app):
    """Flask 3.1: a request inside an app context of the same app, pushed
    by hand (a test, a script), reuses it; teardown_appcontext then runs
    when that context ends, not after the request. Flask 3.2 gives the
    request a context of its own."""
    wsgi = Client(app.wsgi_app)
    with app.app_context():
        wsgi.get("/ok")
        after_request = list(app.extensions["hooks_demo"])
    if flask_version() < (3, 2):
        assert after_request == []
        assert app.extensions["hooks_demo"] == GOOD
    else:
        assert after_request == GOOD

"""demos/hooks.py: the order of request hooks and the error handler."""

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

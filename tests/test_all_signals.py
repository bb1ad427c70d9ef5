"""demos/all_signals.py: every built-in signal, in firing order."""

import flask.signals
import pytest
from blinker import NamedSignal

import demos.all_signals

DEMO = demos.all_signals

PAGE = ["appcontext_pushed", "request_started", "message_flashed",
        "before_render_template", "template_rendered", "request_finished",
        "request_tearing_down", "appcontext_tearing_down",
        "appcontext_popped"]
FAIL = ["appcontext_pushed", "request_started", "got_request_exception",
        "request_finished", "request_tearing_down",
        "appcontext_tearing_down", "appcontext_popped"]


def records(app):
    return list(app.extensions["all_signals"])


def test_every_builtin_signal_is_connected():
    builtin = {value for value in vars(flask.signals).values()
               if isinstance(value, NamedSignal)}
    assert len(builtin) == 10
    assert builtin == set(DEMO.SIGNALS)


def test_index_lists_the_routes(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"/log" in response.data


def test_order_for_a_page_that_flashes_and_renders(app, client):
    response = client.get("/page")
    assert response.data == b"<p>Signals fired.</p>"
    assert records(app) == [{"path": "/page", "signals": PAGE}]


def test_order_for_a_failing_view(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/fail").status_code == 500
    assert records(app) == [{"path": "/fail", "signals": FAIL}]


def test_the_exception_still_propagates_in_testing(app, client):
    with pytest.raises(RuntimeError, match="always fails"):
        client.get("/fail")
    # no response was made, so no request_finished
    assert records(app)[0]["signals"] == [
        name for name in FAIL if name != "request_finished"]


def test_log_shows_earlier_requests_in_order(client):
    client.get("/page")
    client.get("/page")
    body = client.get("/log").get_json()
    assert body == {"records": [{"path": "/page", "signals": PAGE}] * 2}


def test_an_app_context_by_hand_fires_only_the_appcontext_signals(app):
    with app.app_context():
        pass
    assert records(app) == [{"path": None, "signals": [
        "appcontext_pushed", "appcontext_tearing_down", "appcontext_popped"]}]


def test_receivers_only_hear_their_own_app(app, client):
    other = DEMO.create_app({"TESTING": True})
    other.test_client().get("/page")
    assert records(app) == []
    assert len(records(other)) == 1


def test_only_the_last_records_are_kept(app, client):
    for _ in range(DEMO.KEEP + 5):
        client.get("/page")
    assert len(records(app)) == DEMO.KEEP

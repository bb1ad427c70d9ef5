"""demos/signals.py: receivers on Flask's request signals."""

import pytest

import demos.signals

DEMO = demos.signals


def events(app):
    return app.extensions["signals_demo"]


def test_index_says_what_it_shows(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"request_started" in response.data


def test_receivers_time_a_request(app, client):
    assert client.get("/hello").status_code == 200
    recorded = events(app)
    assert recorded[0] == {"event": "page_viewed", "path": "/hello",
                           "page": "hello"}
    finished = recorded[1]
    assert finished["event"] == "finished"
    assert finished["status"] == 200
    assert isinstance(finished["seconds"], float)
    assert 0 <= finished["seconds"] < 5


def test_exception_signal_fires_for_a_failing_view(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/fail").status_code == 500
    kinds = [event["event"] for event in events(app)]
    assert kinds == ["exception", "finished"]
    assert events(app)[0]["error"] == "RuntimeError"


def test_exception_propagates_in_testing(client):
    with pytest.raises(RuntimeError, match="always fails"):
        client.get("/fail")


def test_receivers_only_hear_their_own_app(app, client):
    other = DEMO.create_app({"TESTING": True})
    other.test_client().get("/hello")
    assert events(app) == []
    client.get("/hello")
    assert len(events(app)) == 2
    assert len(events(other)) == 2


def test_log_shows_the_records(client):
    client.get("/hello")
    body = client.get("/log").get_json()
    assert [event["event"] for event in body["events"]] == [
        "page_viewed", "finished"]

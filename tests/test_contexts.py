"""demos/contexts.py: what the context-bound globals are, in and out of a
request, and how long g lives."""

import importlib.metadata
import json

import pytest
from flask import current_app, g, has_app_context, request

import demos.contexts

DEMO = demos.contexts

NO_APP = "Working outside of application context."
NO_REQUEST = "Working outside of request context."


def test_index_lists_the_routes(client):
    response = client.get("/")
    assert response.status_code == 200
    for path in (b"/inside", b"/thread", b"/count", b"/by-hand"):
        assert path in response.data


def test_inside_a_request_every_global_is_bound(client):
    body = client.get("/inside").get_json()
    assert body == {
        "app_context": True, "request_context": True,
        "current_app": "demos.contexts", "g": ["_contexts_count"],
        "request": "/inside", "session": {"visits": 1},
    }


def test_session_outlives_the_request_but_g_does_not(client):
    client.get("/inside")
    body = client.get("/inside").get_json()
    assert body["session"] == {"visits": 2}
    assert body["g"] == ["_contexts_count"]
    assert client.get("/count").get_json() == {"count": 1}
    assert client.get("/count").get_json() == {"count": 1}


def test_a_new_thread_has_no_context(client):
    body = client.get("/thread").get_json()
    assert body == {
        "app_context": False, "request_context": False,
        "current_app": NO_APP, "g": NO_APP,
        "request": NO_REQUEST, "session": NO_REQUEST,
    }


def test_outside_any_context_the_globals_raise():
    assert not has_app_context()
    with pytest.raises(RuntimeError, match=NO_APP):
        current_app.name
    with pytest.raises(RuntimeError, match=NO_APP):
        g.anything = 1
    with pytest.raises(RuntimeError, match=NO_REQUEST):
        request.path
    assert DEMO.report()["current_app"] == NO_APP


def test_app_context_by_hand_binds_current_app_but_not_request(app):
    with app.app_context():
        seen = DEMO.report()
    assert seen["app_context"] is True
    assert seen["request_context"] is False
    assert seen["current_app"] == "demos.contexts"
    assert seen["request"] == NO_REQUEST
    assert not has_app_context()


def test_by_hand_g_lasts_one_app_context(app):
    result = DEMO.by_hand(app)
    assert result["counts"] == [1, 2, 1]
    seen = result["request"]
    assert seen["request_context"] is True
    assert seen["request"] == "/by-hand"
    assert seen["g"] == ["_contexts_count"]
    assert not has_app_context()


def test_by_hand_from_a_view_runs_with_no_context_of_the_request(client):
    body = client.get("/by-hand").get_json()
    assert body["counts"] == [1, 2, 1]
    assert body["request"]["request"] == "/by-hand"
    assert body["request"]["g"] == ["_contexts_count"]


def test_an_app_context_pushed_first_is_reused_until_flask_3_2(app):
    """What by_hand() avoids: under Flask 3.1 a request context pushed
    inside an app context of the same app shares its g; Flask 3.2, which
    merges the two contexts, gives the request a fresh one."""
    flask_version = tuple(int(part) for part in
                          importlib.metadata.version("flask").split(".")[:2])
    with app.app_context():
        DEMO.count()
        with app.test_request_context("/"):
            assert DEMO.count() == (2 if flask_version < (3, 2) else 1)


def test_cli_command_has_an_app_context_only(runner):
    result = runner.invoke(args=["report"])
    assert result.exit_code == 0, result.output
    seen = json.loads(result.output)
    assert seen["app_context"] is True
    assert seen["request_context"] is False
    assert seen["current_app"] == "demos.contexts"
    assert seen["g"] == []
    assert seen["session"] == NO_REQUEST

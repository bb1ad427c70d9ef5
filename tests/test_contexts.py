"""demos/contexts.py: what the context-bound globals are, in and out of a
request, and how long g lives."""

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


def test_by_hand_shares_g_with_a_nested_request_context(app):
    result = DEMO.by_hand(app)
    assert result["counts"] == [1, 2, 1]
    nested = result["nested"]
    assert nested["request_context"] is True
    assert nested["request"] == "/by-hand"
    assert nested["g"] == ["_contexts_count"]
    assert not has_app_context()


def test_by_hand_inside_a_request_pushes_its_own_contexts(client):
    body = client.get("/by-hand").get_json()
    assert body["counts"] == [1, 2, 1]
    assert body["nested"]["request"] == "/by-hand"


def test_cli_command_has_an_app_context_only(runner):
    result = runner.invoke(args=["report"])
    assert result.exit_code == 0, result.output
    seen = json.loads(result.output)
    assert seen["app_context"] is True
    assert seen["request_context"] is False
    assert seen["current_app"] == "demos.contexts"
    assert seen["g"] == []
    assert seen["session"] == NO_REQUEST

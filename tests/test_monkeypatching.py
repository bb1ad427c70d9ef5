"""demos/monkeypatching.py: patches that are put back, whatever happens
and whatever order the tests run in."""

import pytest
from flask import Flask, abort
from werkzeug.test import Client

import demos.monkeypatching
from demos.monkeypatching import HEADER, count_responses, patched

DEMO = demos.monkeypatching
ORIGINAL = vars(Flask)["make_response"]


@pytest.fixture(autouse=True)
def nothing_left_patched():
    assert vars(Flask)["make_response"] is ORIGINAL
    yield
    assert vars(Flask)["make_response"] is ORIGINAL


def header(app):
    with app.test_request_context():
        return app.make_response("hi").headers.get(HEADER)


def test_class_patch_reaches_every_app_then_goes(app):
    other = Flask("other")
    with patched(Flask, "make_response", count_responses):
        assert Flask.make_response is not ORIGINAL
        assert header(app) == "1"
        assert header(other) == "2"   # an app that never asked for it
    assert Flask.make_response is ORIGINAL
    assert header(app) is None and header(other) is None


def test_app_patch_touches_one_app_and_is_removed(app):
    other = Flask("other")
    with patched(app, "make_response", count_responses):
        assert "make_response" in vars(app)
        assert [header(app), header(app)] == ["1", "2"]
        assert header(other) is None
    assert "make_response" not in vars(app)
    assert app.make_response.__func__ is ORIGINAL


def test_restored_when_the_block_raises(app):
    with pytest.raises(ZeroDivisionError):
        with patched(Flask, "make_response", count_responses):
            1 / 0
    with pytest.raises(KeyError):
        with patched(app, "make_response", count_responses):
            raise KeyError("boom")
    assert "make_response" not in vars(app)


def test_an_own_attribute_is_put_back_as_it_was(app):
    def custom(rv):
        return ORIGINAL(app, rv)

    app.make_response = custom
    with patched(app, "make_response", count_responses):
        assert header(app) == "1"
    assert vars(app)["make_response"] is custom


def test_a_missing_method_fails_loudly_and_changes_nothing(app):
    """A renamed or misspelt method is an AttributeError on entering the
    block, not a patch that silently does nothing."""
    with pytest.raises(AttributeError, match="make_responze"):
        with patched(Flask, "make_responze", count_responses):
            pytest.fail("the block must not run")
    assert "make_responze" not in vars(Flask)
    with pytest.raises(AttributeError, match="make_responze"):
        with patched(app, "make_responze", count_responses):
            pytest.fail("the block must not run")
    assert "make_responze" not in vars(app)


def test_every_response_of_a_patched_app_is_counted():
    """Through ``app.wsgi_app``, as a server calls it: a page, an abort,
    a routing 404 and an unhandled exception's 500 all pass through the
    wrapped make_response."""
    app = DEMO.create_app({"TESTING": False, "PROPAGATE_EXCEPTIONS": False})
    app.add_url_rule("/gone", "gone", lambda: abort(410))
    app.add_url_rule("/fail", "fail", lambda: 1 / 0)
    wsgi = Client(app.wsgi_app)
    with patched(app, "make_response", count_responses):
        responses = [wsgi.get(path)
                     for path in ("/", "/gone", "/nowhere", "/fail")]
    assert [r.status_code for r in responses] == [200, 410, 404, 500]
    assert [r.headers.get(HEADER) for r in responses] == ["1", "2", "3",
                                                          "4"]
    assert HEADER not in wsgi.get("/").headers


def test_exiting_out_of_order_leaves_a_wrapper_behind():
    """Why it is evil: two patches undone in the wrong order resurrect one
    of them, and nobody is left to remove it."""
    first = patched(Flask, "make_response", count_responses)
    second = patched(Flask, "make_response", count_responses)
    try:
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)   # puts ORIGINAL back...
        second.__exit__(None, None, None)  # ...then first's wrapper
        assert Flask.make_response is not ORIGINAL
        assert Flask.make_response.__wrapped__ is ORIGINAL
    finally:
        Flask.make_response = ORIGINAL     # clean up what the demo broke


@pytest.mark.parametrize("scope", ["app", "class"])
def test_route_shows_inside_and_after(client, scope):
    body = client.get(f"/patch?scope={scope}").get_json()
    assert body == {"scope": scope, "inside": ["1", "2", "3"],
                    "after": None, "restored": True}
    assert HEADER not in client.get("/patch").headers

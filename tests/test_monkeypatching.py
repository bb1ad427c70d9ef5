"""demos/monkeypatching.py: Flask-DebugToolbar 0.16 breaks async views,
and two tame fixes, a subclass and a patch that is put back. Requests go
through ``app.wsgi_app``, as a server calls the app, with TESTING off so
that a failure is the 500 a browser would get."""

import gc
import importlib.metadata
import inspect
import re
from functools import wraps

import pytest
from flask import Flask
from flask_debugtoolbar import DebugToolbarExtension

import demos.monkeypatching
from conftest import ROOT
from demos.monkeypatching import (SyncViewsToolbar, create_app, patched,
                                  status_of_async, sync_view_first)

DEMO = demos.monkeypatching
ORIGINAL = vars(DebugToolbarExtension)["process_view"]
SERVER = {"TESTING": False, "PROPAGATE_EXCEPTIONS": False}
ON = {**SERVER, "DEBUG_TB_ENABLED": True}

@pytest.fixture(autouse=True)
def nothing_left_patched():
    assert vars(DebugToolbarExtension)["process_view"] is ORIGINAL
    yield
    assert vars(DebugToolbarExtension)["process_view"] is ORIGINAL


def test_the_toolbar_breaks_async_views():
    assert status_of_async(create_app({**SERVER,
                                       "DEBUG_TB_ENABLED": False})) == 200
    app = create_app(ON)
    assert status_of_async(app) == 500
    assert "dispatch_request" in vars(app)   # replaced on this app


def live_async_views():
    return [thing for thing in gc.get_objects()
            if inspect.iscoroutine(thing) and thing.__name__ == "async_view"]


def test_the_bugs_coroutine_is_freed_at_once(caplog):
    """Not left for a later garbage collection to warn about (warnings are
    errors here), even while the logged traceback is kept (caplog)."""
    assert status_of_async(create_app(ON)) == 500
    assert "was a coroutine" in caplog.text
    assert live_async_views() == []


def test_the_async_view_fails_for_every_visitor():
    """The dispatch is replaced for every request, not only those that
    show the toolbar: a host outside DEBUG_TB_HOSTS gets the 500 too."""
    app = create_app(ON)
    response = app.test_client().get(
        "/async", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert response.status_code == 500
    assert b"flDebug" not in response.data


def test_def_views_are_fine_with_the_toolbar():
    response = create_app(ON).test_client().get("/sync")
    assert response.status_code == 200
    assert response.get_json() == {"view": "def"}


def test_the_subclass_fixes_it_and_changes_nothing_else():
    app = create_app(ON, SyncViewsToolbar)
    assert status_of_async(app) == 200
    page = app.test_client().get("/")
    assert b'<div id="flDebug"' in page.data    # the toolbar still shows


def test_the_subclass_leaves_the_library_alone():
    create_app(ON, SyncViewsToolbar)
    assert status_of_async(create_app(ON)) == 500


def test_the_patch_fixes_it_and_undoing_it_restores_the_library():
    app = create_app(ON)
    toolbar = app.extensions["monkeypatching_toolbar"]
    assert status_of_async(app) == 500
    with patched(toolbar, "process_view", sync_view_first):
        assert "process_view" in vars(toolbar)
        assert status_of_async(app) == 200
    assert "process_view" not in vars(toolbar)
    assert status_of_async(app) == 500


def test_the_patch_is_put_back_when_the_block_raises():
    app = create_app(ON)
    toolbar = app.extensions["monkeypatching_toolbar"]
    with pytest.raises(KeyError):
        with patched(toolbar, "process_view", sync_view_first):
            raise KeyError("boom")
    assert "process_view" not in vars(toolbar)
    assert status_of_async(app) == 500


def passing_through(process_view):
    """A wrapper for the class's function: it gets self too."""
    @wraps(process_view)
    def same(*args):
        return process_view(*args)
    return same


def test_patching_the_class_reaches_every_toolbar_then_goes():
    app = create_app(ON, SyncViewsToolbar)
    with patched(DebugToolbarExtension, "process_view", passing_through):
        assert DebugToolbarExtension.process_view.__wrapped__ is ORIGINAL
        other = DebugToolbarExtension()   # made inside: patched too
        assert other.process_view.__func__.__wrapped__ is ORIGINAL
        assert status_of_async(app) == 200  # super() reaches the wrapper
    assert DebugToolbarExtension.process_view is ORIGINAL


def test_an_own_attribute_is_put_back_as_it_was():
    toolbar = DebugToolbarExtension()
    own = toolbar.process_view
    toolbar.process_view = own
    with patched(toolbar, "process_view", sync_view_first):
        assert vars(toolbar)["process_view"] is not own
    assert vars(toolbar)["process_view"] is own


def test_a_missing_method_fails_loudly_and_changes_nothing():
    """A renamed or misspelt method is an AttributeError on entering the
    block, not a patch that silently does nothing."""
    toolbar = DebugToolbarExtension()
    with pytest.raises(AttributeError, match="process_veiw"):
        with patched(toolbar, "process_veiw", sync_view_first):
            pytest.fail("the block must not run")
    assert "process_veiw" not in vars(toolbar)
    with pytest.raises(AttributeError, match="process_veiw"):
        with patched(DebugToolbarExtension, "process_veiw", passing_through):
            pytest.fail("the block must not run")
    assert "process_veiw" not in vars(DebugToolbarExtension)


def test_exiting_out_of_order_leaves_a_wrapper_behind():
    """Why it is evil: two patches undone in the wrong order resurrect one
    of them, and nobody is left to remove it."""
    first = patched(DebugToolbarExtension, "process_view", passing_through)
    second = patched(DebugToolbarExtension, "process_view", passing_through)
    try:
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)   # puts ORIGINAL back...
        second.__exit__(None, None, None)  # ...then first's wrapper
        assert DebugToolbarExtension.process_view is not ORIGINAL
        assert DebugToolbarExtension.process_view.__wrapped__ is ORIGINAL
    finally:
        DebugToolbarExtension.process_view = ORIGINAL  # clean up


def test_compare_route_shows_the_bug_and_both_fixes(client):
    assert client.get("/compare").get_json() == {
        "no toolbar": 200, "toolbar": 500, "SyncViewsToolbar": 200,
        "inside patched()": 200, "after patched()": 500}


# --- what the slides say about the two libraries -------------------------------

def test_the_quoted_lines_are_in_the_installed_libraries():
    """The deck quotes how each dispatch_request calls the view."""
    flask_source = inspect.getsource(Flask.dispatch_request)
    toolbar_source = inspect.getsource(DebugToolbarExtension.dispatch_request)
    assert ("return self.ensure_sync(self.view_functions[rule.endpoint])"
            "(**view_args)") in flask_source
    assert "return view_func(**view_args)" in toolbar_source
    assert "ensure_sync" not in toolbar_source
    init_source = inspect.getsource(DebugToolbarExtension.init_app)
    assert "app.dispatch_request = self.dispatch_request" in init_source


def test_the_slide_names_the_installed_version():
    version = importlib.metadata.version("Flask-DebugToolbar")
    slides = (ROOT / "talk" / "04_envelope.rst").read_text(encoding="utf-8")
    named = set(re.findall(r"Flask-DebugToolbar (\d+\.\d+)", slides))
    assert named == {".".join(version.split(".")[:2])}
    assert "flask-debugtoolbar#158" in slides

"""Many apps, one extension: the app-factory pattern with the talk's
extension (flask-flags/flask_flags.py).

One ``FeatureFlag`` object, ``init_app`` on two apps with different
``FEATURE_FLAGS`` and different handlers. Each app sees only its own flags
and handlers, in app contexts, in requests, and when one app's context is
nested in the other's. The state lives in ``app.extensions``, never on the
extension object.
"""

from __future__ import annotations

import gc
import weakref

import pytest
from flask import (Flask, current_app, g, render_template_string,
                   request_started)

import flask_flags
from flask_flags import (FeatureFlag, NoFeatureFlagFound, is_active,
                               missing_feature)

FLAGS_A = {"shared": True, "only_a": True, "differs": True}
FLAGS_B = {"shared": True, "only_b": True, "differs": False}


def a_handler(feature):
    """App A's extra handler: knows "from_a_handler"."""
    if feature == "from_a_handler":
        return True
    raise NoFeatureFlagFound(feature)


def b_handler(feature):
    """App B's extra handler: knows "from_b_handler"."""
    if feature == "from_b_handler":
        return True
    raise NoFeatureFlagFound(feature)


ext = FeatureFlag()  # module level, as in an app factory


def create_app(name: str, flags: dict, handler) -> Flask:
    app = Flask(name)
    app.config.update(TESTING=True, FEATURE_FLAGS=dict(flags))
    ext.init_app(app)
    ext.add_handler(handler, app=app)

    @app.route("/flags")
    def flags_view():
        return {"app": current_app.name, "seen": seen_flags()}

    @app.route("/template")
    def template_view():
        return render_template_string("{{ 'only_a' is active_feature }} "
                                      "{{ 'only_b' is active_feature }}")

    return app


NAMES = ["shared", "only_a", "only_b", "differs", "from_a_handler",
         "from_b_handler"]
SEEN_BY_A = {"shared": True, "only_a": True, "only_b": False,
             "differs": True, "from_a_handler": True,
             "from_b_handler": False}
SEEN_BY_B = {"shared": True, "only_a": False, "only_b": True,
             "differs": False, "from_a_handler": False,
             "from_b_handler": True}


def seen_flags() -> dict:
    return {name: is_active(name) for name in NAMES}


@pytest.fixture
def apps():
    return create_app("app_a", FLAGS_A, a_handler), create_app(
        "app_b", FLAGS_B, b_handler)


def test_state_lives_in_app_extensions_not_on_the_extension(apps):
    a, b = apps
    assert vars(ext) == {}
    state_a, state_b = (app.extensions["flask_flags"] for app in apps)
    assert state_a.extension is ext and state_b.extension is ext
    assert state_a.handlers is not state_b.handlers
    assert state_a.handlers == [flask_flags.AppConfigFlagHandler, a_handler]
    assert state_b.handlers == [flask_flags.AppConfigFlagHandler, b_handler]
    assert a.config["FEATURE_FLAGS"] is not b.config["FEATURE_FLAGS"]


def test_each_app_context_sees_its_own(apps):
    a, b = apps
    with a.app_context():
        assert seen_flags() == SEEN_BY_A
    with b.app_context():
        assert seen_flags() == SEEN_BY_B


def test_each_request_sees_its_own(apps):
    a, b = apps
    assert a.test_client().get("/flags").get_json() == {
        "app": "app_a", "seen": SEEN_BY_A}
    assert b.test_client().get("/flags").get_json() == {
        "app": "app_b", "seen": SEEN_BY_B}


def test_each_template_sees_its_own(apps):
    a, b = apps
    assert a.test_client().get("/template").data == b"True False"
    assert b.test_client().get("/template").data == b"False True"


def test_request_of_a_nested_in_app_context_of_b(apps):
    a, b = apps
    with b.app_context():
        assert seen_flags() == SEEN_BY_B
        with a.test_request_context("/"):
            assert seen_flags() == SEEN_BY_A
        # a full request of A, dispatched while B's context is pushed
        assert a.test_client().get("/flags").get_json()["seen"] == SEEN_BY_A
        assert seen_flags() == SEEN_BY_B
        assert "_flask_flags" not in g  # A's snapshot never reached B's g


def test_app_context_of_b_nested_in_a_request_of_a(apps):
    a, b = apps

    @a.route("/nested")
    def nested():
        before = seen_flags()
        with b.app_context():
            inside = seen_flags()
        return {"before": before, "inside": inside, "after": seen_flags()}

    body = a.test_client().get("/nested").get_json()
    assert body == {"before": SEEN_BY_A, "inside": SEEN_BY_B,
                    "after": SEEN_BY_A}


def test_changing_one_app_leaves_the_other_alone(apps):
    a, b = apps
    with a.app_context():
        ext.remove_handler(a_handler)
        ext.clear_handlers()
        assert is_active("shared") is False
    a.config["FEATURE_FLAGS"]["differs"] = False
    with b.app_context():
        assert seen_flags() == SEEN_BY_B
    assert b.extensions["flask_flags"].handlers == [
        flask_flags.AppConfigFlagHandler, b_handler]


def test_handler_methods_with_app_argument_outside_any_context(apps):
    a, b = apps

    def extra(feature):
        return feature == "extra"

    ext.add_handler(extra, app=b)
    with a.app_context():
        assert is_active("extra") is False
    with b.app_context():
        assert is_active("extra") is True
    ext.remove_handler(extra, app=b)
    with b.app_context():
        assert is_active("extra") is False


def test_missing_feature_receivers_can_tell_the_apps_apart(apps):
    a, b = apps
    seen = []

    def receiver(sender, feature):
        seen.append((sender, current_app.name, feature))

    with missing_feature.connected_to(receiver):
        a.test_client().get("/flags")
        b.test_client().get("/flags")
    assert seen == [(ext, "app_a", "only_b"), (ext, "app_a", "from_b_handler"),
                    (ext, "app_b", "only_a"), (ext, "app_b", "from_a_handler")]


def test_debug_settings_are_per_app(apps):
    a, b = apps
    a.debug = True
    a.config["RAISE_ERROR_ON_MISSING_FEATURES"] = True
    with a.app_context(), pytest.raises(KeyError, match="nowhere"):
        is_active("nowhere")
    with b.app_context():
        assert is_active("nowhere") is False


def test_an_app_without_the_extension_is_untouched(apps):
    plain = Flask("plain")

    @plain.route("/")
    def view():
        return {"snapshot": "_flask_flags" in g}

    assert plain.test_client().get("/").get_json() == {"snapshot": False}
    with plain.app_context(), pytest.raises(RuntimeError,
                                            match="not installed"):
        is_active("shared")


def test_the_extension_keeps_no_app_alive():
    app = create_app("short_lived", FLAGS_A, a_handler)
    assert app.test_client().get("/flags").status_code == 200
    ref = weakref.ref(app)
    del app
    gc.collect()
    assert ref() is None
    assert vars(ext) == {}


def test_init_app_twice_on_one_app_connects_once():
    app = create_app("twice", {"a": True}, a_handler)
    ext.init_app(app)  # again: the chain is reset, one receiver still
    receivers = list(request_started.receivers_for(app))
    assert receivers.count(flask_flags._take_snapshot) == 1
    assert app.extensions["flask_flags"].handlers == [
        flask_flags.AppConfigFlagHandler]

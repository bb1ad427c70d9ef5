"""The talk's extension, flask-flags/flask_flags.py, on small apps of its own."""

import logging

import pytest
from flask import Flask, g, render_template_string

import flask_flags
from flask_flags import (FeatureFlag, NoFeatureFlagFound,
                               StopCheckingFeatureFlags, is_active,
                               is_active_feature, missing_feature)


def make_app(flags=None, **config):
    app = Flask(__name__)
    app.config.update(TESTING=True, FEATURE_FLAGS=flags or {}, **config)
    ext = FeatureFlag(app)
    return app, ext


def test_init_app_sets_defaults_and_state():
    app = Flask(__name__)
    ext = FeatureFlag()
    ext.init_app(app)
    assert app.config["FEATURE_FLAGS"] == {}
    assert app.config["RAISE_ERROR_ON_MISSING_FEATURES"] is False
    state = app.extensions["flask_flags"]
    assert state.extension is ext
    assert state.handlers == [flask_flags.AppConfigFlagHandler]
    assert not hasattr(ext, "app")


def test_config_flags_on_and_off():
    app, _ = make_app({"on": True, "off": False})
    with app.app_context():
        assert is_active("on") is True
        assert is_active("off") is False


def test_missing_flag_is_off_and_sends_signal():
    app, ext = make_app({})
    seen = []

    def receiver(sender, feature):
        seen.append((sender, feature))

    with missing_feature.connected_to(receiver):
        with app.app_context():
            assert is_active("nope") is False
    assert seen == [(ext, "nope")]


def test_missing_flag_raises_in_debug_when_asked():
    app, _ = make_app({}, RAISE_ERROR_ON_MISSING_FEATURES=True)
    app.debug = True
    with app.app_context(), pytest.raises(KeyError, match="nope"):
        is_active("nope")


def test_missing_flag_does_not_raise_outside_debug():
    app, _ = make_app({}, RAISE_ERROR_ON_MISSING_FEATURES=True)
    with app.app_context():
        assert is_active("nope") is False


def test_outside_app_context_is_off_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="flask_flags"):
        assert is_active("anything") is False
    assert "outside an app context" in caplog.text


def test_handler_chain_order_and_stop():
    app, ext = make_app({"a": False})
    calls = []

    def yes(feature):
        calls.append("yes")
        return feature == "a"

    def stop(feature):
        calls.append("stop")
        raise StopCheckingFeatureFlags

    with app.app_context():
        ext.add_handler(stop)
        ext.add_handler(yes)
        assert is_active("a") is False  # config False, then stop
        assert calls == ["stop"]
        ext.remove_handler(stop)
        ext.remove_handler(stop)  # absent: not an error
        assert is_active("a") is True
        ext.clear_handlers()
        assert is_active("a") is False


def test_handler_that_raises_fails_closed_with_a_log_record(caplog):
    app, ext = make_app({"a": True})

    def broken(feature):
        raise ZeroDivisionError

    with app.app_context():
        ext.clear_handlers()
        ext.add_handler(broken)
        ext.add_handler(lambda feature: True)
        with caplog.at_level(logging.ERROR, logger="flask_flags"):
            assert is_active("a") is False
    assert "broken" in caplog.text


def test_one_snapshot_per_request():
    app, _ = make_app({"a": True})

    @app.route("/")
    def view():
        first = is_active("a")
        app.config["FEATURE_FLAGS"]["a"] = False  # flipped mid-request
        return {"first": first, "second": is_active("a"),
                "snapshot": g._flask_flags.flags}

    body = app.test_client().get("/").get_json()
    assert body == {"first": True, "second": True, "snapshot": {"a": True}}
    assert app.test_client().get("/").get_json()["first"] is False


def test_snapshot_is_per_request_and_gone_after_it():
    app, _ = make_app({"a": True})

    @app.route("/")
    def view():
        return {"has_snapshot": "_flask_flags" in g}

    with app.test_client() as client:
        assert client.get("/").get_json() == {"has_snapshot": True}
    with app.app_context():
        assert "_flask_flags" not in g


def test_answers_are_cached_for_the_request():
    app, ext = make_app({})
    calls = []

    def counting(feature):
        calls.append(feature)
        return True

    with app.app_context():
        ext.add_handler(counting)

    @app.route("/")
    def view():
        return str(sum(is_active("x") for _ in range(100)))

    assert app.test_client().get("/").data == b"100"
    assert calls == ["x"]


def test_decorator_404_when_off_and_view_when_on():
    app, _ = make_app({"on": True, "off": False})

    @app.route("/on")
    @is_active_feature("on")
    def on():
        return "on"

    @app.route("/off")
    @is_active_feature("off")
    def off():
        return "off"

    client = app.test_client()
    assert client.get("/on").data == b"on"
    assert client.get("/off").status_code == 404


def test_decorator_redirects_to_url_or_endpoint():
    app, _ = make_app({"off": False})

    @app.route("/elsewhere")
    def elsewhere():
        return "elsewhere"

    @app.route("/url")
    @is_active_feature("off", redirect_to="/somewhere")
    def by_url():
        return "never"

    @app.route("/endpoint")
    @is_active_feature("off", redirect="elsewhere")
    def by_endpoint():
        return "never"

    client = app.test_client()
    response = client.get("/url")
    assert (response.status_code, response.location) == (302, "/somewhere")
    response = client.get("/endpoint")
    assert (response.status_code, response.location) == (302, "/elsewhere")


def test_decorator_rejects_both_redirects():
    with pytest.raises(ValueError, match="not both"):
        is_active_feature("x", redirect_to="/a", redirect="b")


def test_jinja_test():
    app, _ = make_app({"on": True, "off": False})
    template = "{{ 'on' is active_feature }} {{ 'off' is active_feature }}"
    with app.test_request_context():
        assert render_template_string(template) == "True False"


@pytest.mark.parametrize("flags, message", [
    (["a"], "must be a mapping"),
    ({1: True}, "is not a string"),
    ({"a": "yes"}, "must be True or False"),
])
def test_bad_flags_fail_at_init_app(flags, message):
    app = Flask(__name__)
    app.config["FEATURE_FLAGS"] = flags
    with pytest.raises(TypeError, match=message):
        FeatureFlag(app)


def test_handler_methods_need_an_app():
    with pytest.raises(RuntimeError, match="no app given"):
        FeatureFlag().add_handler(lambda feature: True)


def test_not_installed_is_a_clear_error():
    with Flask(__name__).app_context(), pytest.raises(
            RuntimeError, match="not installed"):
        is_active("x")


def test_one_extension_many_apps_keeps_handlers_apart():
    ext = FeatureFlag()
    one, two = Flask("one"), Flask("two")
    one.config["FEATURE_FLAGS"] = {"x": False}
    two.config["FEATURE_FLAGS"] = {"x": False}
    ext.init_app(one)
    ext.init_app(two)
    ext.add_handler(lambda feature: True, app=one)
    with one.app_context():
        assert is_active("x") is True
    with two.app_context():
        assert is_active("x") is False


def test_check_is_is_active():
    app, ext = make_app({"on": True})
    with app.app_context():
        assert ext.check("on") is True


def test_handler_can_say_not_found():
    app, ext = make_app({})

    def unknown(feature):
        raise NoFeatureFlagFound(feature)

    with app.app_context():
        ext.add_handler(unknown)
        assert is_active("x") is False

"""One contract, two implementations: the talk's extension
(flask-flags/flask_flags.py) and Flask-FeatureFlags 0.6 from PyPI.

Every ``test_*`` that takes ``impl`` runs on both, through a small adapter,
so each behaviour they share is written down once. Where the talk's version
differs on purpose, a ``test_difference_*`` runs the same scenario on both
and asserts each outcome; the module docstring of flask-flags/flask_flags.py says
why.

Handler methods are called inside ``with app.app_context():`` so the same
code works for both: the talk's version acts on ``current_app``, 0.6 on the
list it keeps on the extension object.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from dataclasses import dataclass
from types import ModuleType

import flask_featureflags
import pytest
from flask import Blueprint, Flask, render_template_string

import flask_flags


@dataclass(frozen=True)
class Impl:
    """What a test needs from one implementation: the module and the
    names that differ (extension key, logger)."""

    name: str
    module: ModuleType
    logger: str

    def __getattr__(self, attr: str):
        # FeatureFlag, is_active, is_active_feature, AppConfigFlagHandler,
        # StopCheckingFeatureFlags, NoFeatureFlagFound, missing_feature,
        # EXTENSION_NAME: the same names in both modules.
        return getattr(self.module, attr)

    def make_app(self, flags: dict | None = None, **config) -> tuple:
        """A TESTING app with *flags* as FEATURE_FLAGS; (app, extension)."""
        app = Flask(f"contract_{self.name}")
        app.config.update(TESTING=True, FEATURE_FLAGS=dict(flags or {}),
                          **config)
        return app, self.FeatureFlag(app)

    def outside_app_context(self):
        """Context for a check outside any app context.

        0.6 logs with ``Logger.warn``, deprecated since Python 3.3: it
        raises DeprecationWarning under this project's warnings-as-errors.
        Expect exactly that warning for 0.6 only; the talk's version must
        warn nothing (any warning fails the test).
        """
        if self.module is flask_featureflags:
            return pytest.warns(DeprecationWarning,
                                match="'warn' method is deprecated")
        return contextlib.nullcontext()


TALK = Impl("talk", flask_flags, logger="flask_flags")
V06 = Impl("0.6", flask_featureflags, logger="flask-featureflags")


@pytest.fixture(params=[TALK, V06], ids=lambda impl: impl.name)
def impl(request) -> Impl:
    return request.param


@contextlib.contextmanager
def signals_to(impl: Impl):
    """Collect ``missing_feature`` sends as (sender, feature) pairs."""
    seen = []

    def receiver(sender, feature):
        seen.append((sender, feature))

    with impl.missing_feature.connected_to(receiver):
        yield seen


# --- set-up -----------------------------------------------------------------

def test_init_app_sets_config_defaults_and_registers(impl):
    app = Flask("contract")
    ext = impl.FeatureFlag()
    ext.init_app(app)
    assert app.config["FEATURE_FLAGS"] == {}
    assert app.config["RAISE_ERROR_ON_MISSING_FEATURES"] is False
    assert impl.EXTENSION_NAME in app.extensions
    assert "active_feature" in app.jinja_env.tests


def test_init_app_keeps_configured_values(impl):
    app, _ = impl.make_app({"a": True}, RAISE_ERROR_ON_MISSING_FEATURES=True)
    assert app.config["FEATURE_FLAGS"] == {"a": True}
    assert app.config["RAISE_ERROR_ON_MISSING_FEATURES"] is True


def test_factory_style_init_app(impl):
    ext = impl.FeatureFlag()
    app = Flask("contract")
    app.config["FEATURE_FLAGS"] = {"on": True}
    ext.init_app(app)
    with app.app_context():
        assert impl.is_active("on") is True


# --- config flags -----------------------------------------------------------

def test_config_flags_in_an_app_context(impl):
    app, ext = impl.make_app({"on": True, "off": False})
    with app.app_context():
        assert impl.is_active("on") is True
        assert impl.is_active("off") is False
        assert ext.check("on") is True


def test_config_flags_in_a_request(impl):
    app, _ = impl.make_app({"on": True, "off": False})

    @app.route("/")
    def view():
        return {"on": impl.is_active("on"), "off": impl.is_active("off")}

    assert app.test_client().get("/").get_json() == {"on": True,
                                                     "off": False}


def test_config_change_between_requests_is_seen(impl):
    app, _ = impl.make_app({"a": False})

    @app.route("/")
    def view():
        return str(impl.is_active("a"))

    client = app.test_client()
    assert client.get("/").data == b"False"
    app.config["FEATURE_FLAGS"]["a"] = True
    assert client.get("/").data == b"True"


# --- missing flags ----------------------------------------------------------

def test_missing_flag_is_off_logged_and_signalled(impl, caplog):
    app, ext = impl.make_app({})
    with signals_to(impl) as seen, app.app_context(), \
            caplog.at_level(logging.INFO, logger=impl.logger):
        assert impl.is_active("nope") is False
    assert seen == [(ext, "nope")]
    assert "No feature flag defined for" in caplog.text
    assert "nope" in caplog.text


def test_missing_flag_signal_at_every_check_in_an_app_context(impl):
    """Without a request nothing is cached, in either version."""
    app, ext = impl.make_app({})
    with signals_to(impl) as seen, app.app_context():
        impl.is_active("nope")
        impl.is_active("nope")
    assert seen == [(ext, "nope"), (ext, "nope")]


def test_configured_flag_sends_no_signal(impl):
    app, _ = impl.make_app({"off": False})
    with signals_to(impl) as seen, app.app_context():
        assert impl.is_active("off") is False
    assert seen == []


@pytest.mark.parametrize("debug, raise_error, raises", [
    (True, True, True),
    (True, False, False),
    (False, True, False),
    (False, False, False),
])
def test_raise_error_on_missing_features_only_in_debug(impl, debug,
                                                        raise_error, raises):
    app, _ = impl.make_app({"known": True},
                           RAISE_ERROR_ON_MISSING_FEATURES=raise_error)
    app.debug = debug
    with app.app_context():
        assert impl.is_active("known") is True
        if raises:
            with pytest.raises(KeyError, match="nope"):
                impl.is_active("nope")
        else:
            assert impl.is_active("nope") is False


def test_raise_error_on_missing_features_fails_the_request(impl):
    app, _ = impl.make_app({}, RAISE_ERROR_ON_MISSING_FEATURES=True)
    app.debug = True

    @app.route("/")
    def view():
        return str(impl.is_active("nope"))

    with pytest.raises(KeyError, match="nope"):
        app.test_client().get("/")


def test_deleted_feature_flags_means_every_flag_is_missing(impl):
    """0.6's tests: "feature is off if config section doesn't exist"."""
    app, ext = impl.make_app({"a": True})

    @app.route("/")
    def view():
        return str(impl.is_active("a"))

    del app.config["FEATURE_FLAGS"]
    with signals_to(impl) as seen:
        assert app.test_client().get("/").data == b"False"
    assert seen == [(ext, "a")]
    app.debug = True
    app.config["RAISE_ERROR_ON_MISSING_FEATURES"] = True
    with pytest.raises(KeyError, match="a"):
        app.test_client().get("/")


# --- the handler chain ------------------------------------------------------

def test_default_chain_is_the_config_handler(impl):
    app, ext = impl.make_app({"a": True})
    with app.app_context():
        ext.clear_handlers()
        assert impl.is_active("a") is False
        ext.add_handler(impl.AppConfigFlagHandler)
        assert impl.is_active("a") is True


def test_handlers_are_asked_in_order_and_true_wins(impl):
    app, ext = impl.make_app({"a": False})
    calls = []

    def first(feature):
        calls.append("first")
        return True

    def second(feature):
        calls.append("second")
        return True

    with app.app_context():
        ext.add_handler(first)
        ext.add_handler(second)
        assert impl.is_active("a") is True
    # config said False (known, keep asking), first said True: stop there
    assert calls == ["first"]


def test_a_false_answer_does_not_stop_the_chain(impl):
    app, ext = impl.make_app({})
    with app.app_context():
        ext.clear_handlers()
        ext.add_handler(lambda feature: False)
        ext.add_handler(lambda feature: feature == "a")
        assert impl.is_active("a") is True
        assert impl.is_active("b") is False


def test_truthy_answers_count_as_true(impl):
    app, ext = impl.make_app({})
    with signals_to(impl) as seen, app.app_context():
        ext.clear_handlers()
        ext.add_handler(lambda feature: "yes" if feature == "a" else None)
        assert impl.is_active("a") is True
        assert impl.is_active("b") is False  # None: known, and off
    assert seen == []


def test_stop_checking_means_off_and_asks_nobody_else(impl):
    app, ext = impl.make_app({"a": False})
    calls = []

    def stop(feature):
        calls.append("stop")
        raise impl.StopCheckingFeatureFlags

    def yes(feature):
        calls.append("yes")
        return True

    with signals_to(impl) as seen, app.app_context():
        ext.clear_handlers()
        ext.add_handler(stop)
        ext.add_handler(yes)
        assert impl.is_active("a") is False
    assert calls == ["stop"]
    assert seen == []  # stopped is not missing


def test_no_feature_flag_found_asks_the_next_handler(impl):
    app, ext = impl.make_app({})

    def unknown(feature):
        raise impl.NoFeatureFlagFound

    with app.app_context():
        ext.clear_handlers()
        ext.add_handler(unknown)
        ext.add_handler(lambda feature: feature == "a")
        assert impl.is_active("a") is True


def test_every_handler_not_found_is_missing(impl):
    app, ext = impl.make_app({})

    def unknown(feature):
        raise impl.NoFeatureFlagFound

    with signals_to(impl) as seen, app.app_context():
        ext.add_handler(unknown)
        assert impl.is_active("a") is False
    assert seen == [(ext, "a")]


def test_remove_handler_and_absent_is_not_an_error(impl):
    app, ext = impl.make_app({"a": False})

    def yes(feature):
        return True

    with app.app_context():
        ext.add_handler(yes)
        assert impl.is_active("a") is True
        ext.remove_handler(yes)
        ext.remove_handler(yes)
        assert impl.is_active("a") is False


def test_clear_handlers_turns_everything_off_and_missing(impl):
    app, ext = impl.make_app({"a": True})
    with signals_to(impl) as seen, app.app_context():
        ext.clear_handlers()
        assert impl.is_active("a") is False
    assert seen == [(ext, "a")]


# --- the decorator ----------------------------------------------------------

def decorated_app(impl: Impl, flags: dict) -> Flask:
    app, _ = impl.make_app(flags)
    bp = Blueprint("bp", __name__)

    @app.route("/elsewhere")
    def elsewhere():
        return "elsewhere"

    @bp.route("/target")
    def target():
        return "target"

    @app.route("/plain/<int:n>")
    @impl.is_active_feature("f")
    def plain(n):
        return f"plain {n}"

    @app.route("/url")
    @impl.is_active_feature("f", redirect_to="/somewhere")
    def by_url():
        return "by_url"

    @app.route("/endpoint")
    @impl.is_active_feature("f", redirect="elsewhere")
    def by_endpoint():
        return "by_endpoint"

    @app.route("/blueprint")
    @impl.is_active_feature("f", redirect="bp.target")
    def by_blueprint():
        return "by_blueprint"

    app.register_blueprint(bp)
    return app


def test_decorator_passes_through_when_on(impl):
    client = decorated_app(impl, {"f": True}).test_client()
    assert client.get("/plain/3").data == b"plain 3"
    assert client.get("/url").data == b"by_url"
    assert client.get("/endpoint").data == b"by_endpoint"


def test_decorator_404_when_off_or_missing(impl):
    assert decorated_app(impl, {"f": False}).test_client().get(
        "/plain/3").status_code == 404
    assert decorated_app(impl, {}).test_client().get(
        "/plain/3").status_code == 404


@pytest.mark.parametrize("path, location", [
    ("/url", "/somewhere"),
    ("/endpoint", "/elsewhere"),
    ("/blueprint", "/target"),
])
def test_decorator_redirects_when_off(impl, path, location):
    """Location stays relative in both: Werkzeug 2.1+ no longer makes it
    absolute (0.6's own tests expected ``http://localhost/...``)."""
    response = decorated_app(impl, {"f": False}).test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == location


def test_decorator_keeps_the_view_name(impl):
    @impl.is_active_feature("f")
    def my_view():
        """Docs."""

    assert (my_view.__name__, my_view.__doc__) == ("my_view", "Docs.")


# --- Jinja ------------------------------------------------------------------

def test_jinja_test_active_feature(impl):
    app, _ = impl.make_app({"on": True, "off": False})
    template = ("{{ 'on' is active_feature }} {{ 'off' is active_feature }}"
                " {% if 'on' is active_feature %}shown{% endif %}")

    @app.route("/")
    def view():
        return render_template_string(template)

    assert app.test_client().get("/").data == b"True False shown"


# --- outside an application context ----------------------------------------

def test_outside_an_app_context_is_off_with_a_warning(impl, caplog):
    with caplog.at_level(logging.WARNING, logger=impl.logger), \
            impl.outside_app_context():
        assert impl.is_active("anything") is False
    records = [r for r in caplog.records if r.name == impl.logger]
    assert [r.levelno for r in records] == [logging.WARNING]
    assert "anything" in records[0].getMessage()


def test_default_handler_outside_an_app_context_is_off(impl, caplog):
    """0.6's edge-case tests call AppConfigFlagHandler with no app."""
    with caplog.at_level(logging.WARNING, logger=impl.logger), \
            impl.outside_app_context():
        assert impl.AppConfigFlagHandler("BOGUS") is False
    assert "BOGUS" in caplog.text


# --- differences, on purpose ------------------------------------------------

def flip_mid_request(impl: Impl) -> dict:
    app, _ = impl.make_app({"a": True, "b": True})

    @app.route("/")
    def view():
        first = impl.is_active("a")
        app.config["FEATURE_FLAGS"] = {"a": False, "b": False}
        return {"a_again": impl.is_active("a"), "a": first,
                "b": impl.is_active("b")}

    return app.test_client().get("/").get_json()


def test_difference_one_snapshot_per_request():
    """Talk: the flags as they were when the request started; 0.6: the
    live config at every check."""
    assert flip_mid_request(TALK) == {"a": True, "a_again": True, "b": True}
    assert flip_mid_request(V06) == {"a": True, "a_again": False,
                                     "b": False}


def checks_in_one_request(impl: Impl) -> tuple[list, list]:
    """Check a known and a missing flag three times in one request;
    return (handler calls, missing_feature sends)."""
    app, ext = impl.make_app({})
    calls = []

    def counting(feature):
        calls.append(feature)
        if feature == "missing":
            raise impl.NoFeatureFlagFound
        return True

    with app.app_context():
        ext.add_handler(counting)

    @app.route("/")
    def view():
        return str([impl.is_active(name) for name in ["known", "missing"] * 3])

    with signals_to(impl) as seen:
        body = app.test_client().get("/").data
    assert body == b"[True, False, True, False, True, False]"
    return calls, [feature for _, feature in seen]


def test_difference_answers_cached_per_request():
    """Talk: handlers run, and missing_feature is sent, once per request
    and flag; 0.6: at every check."""
    assert checks_in_one_request(TALK) == (["known", "missing"],
                                           ["missing"])
    assert checks_in_one_request(V06) == (["known", "missing"] * 3,
                                          ["missing"] * 3)


def handlers_across_apps(impl: Impl) -> tuple[bool, bool, dict]:
    ext = impl.FeatureFlag()
    one, two = Flask("one"), Flask("two")
    for app in (one, two):
        app.config["FEATURE_FLAGS"] = {"x": False}
        ext.init_app(app)
    with one.app_context():
        ext.add_handler(lambda feature: True)
    answers = []
    for app in (one, two):
        with app.app_context():
            answers.append(impl.is_active("x"))
    return answers[0], answers[1], vars(ext)


def test_difference_handler_state_per_app():
    """Talk: a handler added in app one's context is app one's only, and
    the extension object holds nothing; 0.6: one list on the object."""
    one, two, state = handlers_across_apps(TALK)
    assert (one, two, state) == (True, False, {})
    one, two, state = handlers_across_apps(V06)
    assert (one, two, list(state)) == (True, True, ["handlers"])


def test_difference_handler_methods_outside_an_app_context():
    """Talk: the chain belongs to an app, so name one; 0.6: its own list."""
    with pytest.raises(RuntimeError, match="no app given"):
        TALK.FeatureFlag().add_handler(lambda feature: True)
    ext = V06.FeatureFlag()
    ext.add_handler(len)
    assert ext.handlers[-1] is len


def test_difference_a_handler_that_raises(caplog):
    """Talk: fail closed, with an ERROR record and traceback; 0.6: the
    exception reaches the caller."""

    def broken(feature):
        raise ZeroDivisionError("boom")

    for impl in (TALK, V06):
        app, ext = impl.make_app({"a": False})
        with app.app_context():
            ext.add_handler(broken)
            ext.add_handler(lambda feature: True)
            if impl is TALK:
                with caplog.at_level(logging.ERROR, logger=impl.logger):
                    assert impl.is_active("a") is False
            else:
                with pytest.raises(ZeroDivisionError, match="boom"):
                    impl.is_active("a")
    [record] = [r for r in caplog.records if r.name == TALK.logger]
    assert record.levelno == logging.ERROR
    assert "broken" in record.getMessage()
    assert record.exc_info[0] is ZeroDivisionError


@pytest.mark.parametrize("flags", [["a"], {1: True}, {"a": "yes"}, None])
def test_difference_bad_feature_flags(flags):
    """Talk: TypeError at init_app; 0.6 takes anything."""
    app = Flask("contract")
    app.config["FEATURE_FLAGS"] = flags
    with pytest.raises(TypeError, match=r"config\['FEATURE_FLAGS'\]"):
        TALK.FeatureFlag(app)
    assert TALK.EXTENSION_NAME not in app.extensions
    V06.FeatureFlag(app)
    assert app.config["FEATURE_FLAGS"] is flags


def test_difference_flag_values_by_truthiness():
    app = Flask("contract")
    app.config["FEATURE_FLAGS"] = {"a": "no"}  # a non-empty string
    V06.FeatureFlag(app)
    with app.app_context():
        assert V06.is_active("a") is True  # 0.6: truthy, so on
    with pytest.raises(TypeError, match="must be True or False, not 'no'"):
        TALK.make_app({"a": "no"})


def test_difference_non_callable_handler():
    """Talk: TypeError at add_handler; 0.6: at the first check."""
    app, ext = TALK.make_app({})
    with app.app_context(), pytest.raises(TypeError, match="callable"):
        ext.add_handler("not a function")
    app, ext = V06.make_app({})
    with app.app_context():
        ext.add_handler("not a function")
        with pytest.raises(TypeError, match="not callable"):
            V06.is_active("a")


def test_difference_both_redirect_arguments():
    """Talk: ValueError when decorating; 0.6: the endpoint wins."""
    with pytest.raises(ValueError, match="not both"):
        TALK.is_active_feature("f", redirect_to="/url", redirect="elsewhere")
    app, _ = V06.make_app({"f": False})

    @app.route("/elsewhere")
    def elsewhere():
        return "elsewhere"

    @app.route("/both")
    @V06.is_active_feature("f", redirect_to="/url", redirect="elsewhere")
    def both():
        return "both"

    assert app.test_client().get("/both").location == "/elsewhere"


def test_difference_extension_not_installed():
    """Talk: RuntimeError that says what to do; 0.6: AssertionError."""
    with Flask("bare").app_context():
        with pytest.raises(RuntimeError, match="init_app"):
            TALK.is_active("x")
        with pytest.raises(AssertionError, match="extention installed"):
            V06.is_active("x")


def test_difference_no_deprecated_logging_call():
    """Talk: log.warning, no warning at all; 0.6: Logger.warn, which
    Python deprecated (caught here on purpose, for 0.6 only)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert TALK.is_active("x") is False
    assert caught == []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert V06.is_active("x") is False
    assert [w.category for w in caught] == [DeprecationWarning]

"""One contract, two implementations: Flask-Flags (flask_flags) and
Flask-FeatureFlags 0.6 from PyPI.

Every test that takes ``impl`` runs on both, written the way 0.6's README
uses the extension: ``ext = FeatureFlag(app)``, then ``ext.add_handler``
at import time, outside any app context. Where Flask-Flags differs on
purpose, a ``test_difference_*`` runs one scenario on both and asserts
each outcome; DIFFERENCES.md lists them, one line each.
"""

import asyncio
import contextlib
import importlib.metadata
import inspect
import logging
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import flask_featureflags
import pytest
from flask import Blueprint, Flask, render_template, render_template_string
from jinja2 import DictLoader
from werkzeug.test import Client

import flask_flags


@dataclass(frozen=True)
class Impl:
    """One implementation: its module and the names that differ."""

    name: str
    module: ModuleType
    logger: str

    def __getattr__(self, attr: str):
        # FeatureFlag, is_active, is_active_feature, missing_feature, ...
        return getattr(self.module, attr)

    def make_app(self, flags: dict | None = None, **config) -> tuple:
        """A TESTING app with *flags* as FEATURE_FLAGS: (app, ext)."""
        app = Flask(f"contract_{self.name.replace('.', '')}")
        app.config.update({"TESTING": True, "FEATURE_FLAGS": flags or {},
                           **config})
        return app, self.FeatureFlag(app)

    def outside_app_context(self):
        """0.6 logs with the deprecated ``Logger.warn``: expect exactly
        that DeprecationWarning from 0.6; Flask-Flags must warn nothing."""
        if self.module is flask_featureflags:
            return pytest.warns(DeprecationWarning, match="'warn' method")
        return contextlib.nullcontext()


TALK = Impl("flask_flags", flask_flags, logger="flask_flags")
V06 = Impl("0.6", flask_featureflags, logger="flask-featureflags")


@pytest.fixture(params=[TALK, V06], ids=lambda impl: impl.name)
def impl(request) -> Impl:
    return request.param


@contextlib.contextmanager
def missing_sent(impl: Impl):
    """Collect the feature names ``missing_feature`` is sent with."""
    seen = []

    def receiver(sender, feature):
        seen.append(feature)

    with impl.missing_feature.connected_to(receiver):
        yield seen


def view_app(impl: Impl, flags: dict, *names: str, **config) -> tuple:
    """An app whose "/" answers ``[is_active(name) for name in names]``."""
    app, ext = impl.make_app(flags, **config)

    @app.route("/")
    def view():
        return [impl.is_active(name) for name in names]

    return app, ext


def wsgi_client(app: Flask) -> Client:
    """Calls ``app.wsgi_app`` as a server does (Flask's test client wraps
    every response in ``app.response_class``; this one does not)."""
    return Client(app.wsgi_app)


def get_json(app: Flask, path: str = "/"):
    return wsgi_client(app).get(path).json


# --- set-up -----------------------------------------------------------------

def test_init_app_sets_config_defaults_and_the_jinja_test(impl):
    app = Flask("contract")
    impl.FeatureFlag().init_app(app)
    assert app.config["FEATURE_FLAGS"] == {}
    assert app.config["RAISE_ERROR_ON_MISSING_FEATURES"] is False
    assert "active_feature" in app.jinja_env.tests


def test_init_app_keeps_configured_values(impl):
    app, _ = impl.make_app({"a": True}, RAISE_ERROR_ON_MISSING_FEATURES=True)
    assert app.config["FEATURE_FLAGS"] == {"a": True}
    assert app.config["RAISE_ERROR_ON_MISSING_FEATURES"] is True


def test_app_factory_init_app(impl):
    ext, app = impl.FeatureFlag(), Flask("contract")
    app.config["FEATURE_FLAGS"] = {"on": True}
    ext.init_app(app)
    with app.test_request_context():
        assert impl.is_active("on") is True
        assert impl.is_active("DOES_NOT_EXIST") is False


# --- flags from the config ---------------------------------------------------

def test_config_flags_in_a_request_in_an_app_context_and_check(impl):
    app, ext = view_app(impl, {"on": True, "off": False}, "on", "off")
    assert get_json(app) == [True, False]
    with app.app_context():
        assert (impl.is_active("on"), ext.check("off")) == (True, False)


def test_a_config_change_is_seen_by_the_next_request(impl):
    app, _ = view_app(impl, {"a": False}, "a")
    assert get_json(app) == [False]
    app.config["FEATURE_FLAGS"]["a"] = True
    assert get_json(app) == [True]


def test_an_app_context_without_a_request_asks_at_every_check(impl):
    app, _ = impl.make_app({"a": True})
    with app.app_context(), missing_sent(impl) as seen:
        assert impl.is_active("a") is True
        app.config["FEATURE_FLAGS"]["a"] = False
        assert impl.is_active("a") is False
        impl.is_active("nope")
        impl.is_active("nope")
    assert seen == ["nope", "nope"]


# --- missing flags ----------------------------------------------------------

def test_a_missing_flag_is_off_logged_and_signalled(impl, caplog):
    app, _ = view_app(impl, {"off": False}, "nope", "off")
    with missing_sent(impl) as seen, \
            caplog.at_level(logging.INFO, logger=impl.logger):
        assert get_json(app) == [False, False]
    assert seen == ["nope"]  # a flag that is off is not missing
    assert "No feature flag defined for" in caplog.text


@pytest.mark.parametrize("debug, raise_error, raises", [
    (True, True, True), (True, False, False),
    (False, True, False), (False, False, False),
])
def test_raise_error_on_missing_features_only_in_debug(impl, debug,
                                                        raise_error, raises):
    app, _ = view_app(impl, {"known": True}, "known", "nope",
                      RAISE_ERROR_ON_MISSING_FEATURES=raise_error)
    app.debug = debug
    if raises:
        with pytest.raises(KeyError, match="nope"):
            get_json(app)
    else:
        assert get_json(app) == [True, False]


def test_deleted_settings_mean_no_flags_and_no_error(impl):
    """0.6's own tests delete both settings between tests."""
    app, _ = view_app(impl, {"a": True}, "a")
    app.debug = True
    del app.config["FEATURE_FLAGS"]
    del app.config["RAISE_ERROR_ON_MISSING_FEATURES"]
    with missing_sent(impl) as seen:
        assert get_json(app) == [False]
    assert seen == ["a"]


# --- the handler chain, changed at import time as 0.6's README does -------

def test_the_default_chain_is_the_config_handler(impl):
    app, ext = view_app(impl, {"a": True}, "a")
    assert ext.handlers == [impl.AppConfigFlagHandler]
    ext.clear_handlers()
    assert (len(ext.handlers), get_json(app)) == (0, [False])
    ext.add_handler(impl.AppConfigFlagHandler)
    assert get_json(app) == [True]


def test_handlers_are_asked_in_order_and_true_wins(impl):
    app, ext = view_app(impl, {"a": False, "b": False}, "a", "b")
    calls = []

    def first(feature):
        calls.append(feature)
        return feature == "a"

    def second(feature):
        calls.append(f"second {feature}")
        return True

    ext.add_handler(first)
    ext.add_handler(second)
    assert get_json(app) == [True, True]  # b: False from first, then True
    assert calls == ["a", "b", "second b"]


def test_stop_checking_means_off_and_asks_nobody_else(impl):
    app, ext = view_app(impl, {"a": True}, "a")

    def stop(feature):
        raise impl.StopCheckingFeatureFlags

    ext.clear_handlers()
    ext.add_handler(stop)
    ext.add_handler(lambda feature: True)
    with missing_sent(impl) as seen:
        assert get_json(app) == [False]
    assert seen == []  # stopped is not missing


def test_no_feature_flag_found_asks_the_next_handler(impl):
    app, ext = view_app(impl, {}, "a", "b")

    def unknown(feature):
        raise impl.NoFeatureFlagFound

    ext.add_handler(unknown)
    ext.add_handler(lambda feature: feature == "a")
    with missing_sent(impl) as seen:
        assert get_json(app) == [True, False]
    assert seen == []  # the last handler knew "b", and said off


def test_remove_handler_removes_one_and_absent_is_no_error(impl):
    app, ext = view_app(impl, {"a": False}, "a")

    def yes(feature):
        return True

    ext.add_handler(yes)
    ext.add_handler(yes)
    ext.remove_handler(yes)
    assert get_json(app) == [True]
    ext.remove_handler(yes)
    ext.remove_handler(yes)
    assert (len(ext.handlers), get_json(app)) == (1, [False])


def test_clear_handlers_makes_every_flag_missing(impl):
    app, ext = view_app(impl, {"a": True}, "a")
    ext.clear_handlers()
    with missing_sent(impl) as seen:
        assert get_json(app) == [False]
    assert seen == ["a"]


# --- the decorator ----------------------------------------------------------

def decorated_app(impl: Impl, flags: dict) -> Flask:
    app, _ = impl.make_app(flags)
    blueprint = Blueprint("bp", __name__)

    @app.route("/elsewhere")
    def elsewhere():
        return "elsewhere"

    @blueprint.route("/target")
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

    app.register_blueprint(blueprint)
    return app


def test_decorator_passes_through_when_on(impl):
    client = wsgi_client(decorated_app(impl, {"f": True}))
    assert client.get("/plain/3").text == "plain 3"
    assert client.get("/url").text == "by_url"
    assert client.get("/endpoint").text == "by_endpoint"


def test_decorator_404_when_off_or_missing(impl):
    for flags in ({"f": False}, {}):
        client = wsgi_client(decorated_app(impl, flags))
        assert client.get("/plain/3").status_code == 404


@pytest.mark.parametrize("path, location", [
    ("/url", "/somewhere"), ("/endpoint", "/elsewhere"),
    ("/blueprint", "/target"),
])
def test_decorator_redirects_when_off(impl, path, location):
    """Location stays relative in both: Werkzeug 2.1+ no longer makes it
    absolute (0.6's own tests expected ``http://localhost/...``)."""
    response = wsgi_client(decorated_app(impl, {"f": False})).get(path)
    assert (response.status_code, response.location) == (302, location)


def test_decorator_keeps_the_view_name(impl):
    @impl.is_active_feature("f")
    def my_view():
        """Docs."""

    assert (my_view.__name__, my_view.__doc__) == ("my_view", "Docs.")


# --- Jinja, and outside any application context ----------------------------

def test_the_active_feature_jinja_test(impl):
    app, _ = impl.make_app({"on": True, "off": False})
    template = ("{{ 'on' is active_feature }} {{ 'off' is active_feature }}"
                "{% if 'on' is active_feature %} shown{% endif %}")

    @app.route("/")
    def view():
        return render_template_string(template)

    assert wsgi_client(app).get("/").text == "True False shown"


def test_outside_an_app_context_is_off_with_a_warning(impl, caplog):
    with caplog.at_level(logging.WARNING, logger=impl.logger), \
            impl.outside_app_context():
        assert impl.is_active("anything") is False
        assert impl.AppConfigFlagHandler("BOGUS") is False
    records = [r for r in caplog.records if r.name == impl.logger]
    assert [r.levelno for r in records] == [logging.WARNING] * 2
    assert "anything" in records[0].getMessage()


# --- differences, on purpose (DIFFERENCES.md) -------------------------------

def counted_checks(impl: Impl) -> tuple:
    """Check "known" and "missing" three times each in one request, with
    the config flipped after the first check: (answers, handler calls,
    missing_feature sends)."""
    app, ext = impl.make_app({"known": True})
    calls = []

    def counting(feature):
        calls.append(feature)
        raise impl.NoFeatureFlagFound

    ext.add_handler(counting)

    @app.route("/")
    def view():
        first = impl.is_active("known")
        app.config["FEATURE_FLAGS"]["known"] = False
        return [first] + [impl.is_active(name) for name in
                          ["known", "missing"] * 3]

    with missing_sent(impl) as seen:
        answers = get_json(app)
    return answers, calls, seen


def test_difference_answers_are_kept_for_the_request():
    """Flask-Flags asks once per request and flag, so a request sees one
    answer per flag; 0.6 asks the chain, and signals, at every check."""
    assert counted_checks(TALK) == ([True] + [True, False] * 3,
                                    ["missing"], ["missing"])
    assert counted_checks(V06) == ([True] + [False, False] * 3,
                                   ["known", "missing"] * 3,
                                   ["missing"] * 3)
    # g belongs to the app context: requests a test runs inside one
    # pushed app context (Flask 3.1 reuses it) share their answers.
    for impl, expected in ((TALK, [True, True]), (V06, [True, False])):
        app, _ = view_app(impl, {"a": True}, "a")
        with app.app_context():
            first = get_json(app)
            app.config["FEATURE_FLAGS"]["a"] = False
            assert first + get_json(app) == expected


def test_difference_missing_feature_is_sent_by_the_app():
    for impl in (TALK, V06):
        app, ext = impl.make_app({})
        senders = []
        with impl.missing_feature.connected_to(
                lambda sender, feature: senders.append(sender)):
            with app.app_context():
                impl.is_active("nope")
        assert senders == [app if impl is TALK else ext]


@pytest.mark.parametrize("answer", ["false", 1, None, [True]])
def test_difference_a_handler_answer_must_be_a_bool(answer, caplog):
    """Flask-Flags: anything but True or False is logged, and off;
    0.6: judged by truthiness, so "false" turns the flag on."""
    for impl in (TALK, V06):
        app, ext = view_app(impl, {"a": answer}, "a")
        with caplog.at_level(logging.ERROR, logger=impl.logger):
            active = get_json(app)[0]
        assert active is (impl is V06 and bool(answer))
    [record] = [r for r in caplog.records if r.name == TALK.logger]
    assert repr(answer) in str(record.exc_info[1])


def broken(feature):
    raise ZeroDivisionError("boom")


@pytest.mark.parametrize("handler, error", [(broken, ZeroDivisionError),
                                            ("not callable", TypeError)])
def test_difference_a_failing_handler_fails_closed(handler, error, caplog):
    """Flask-Flags: the error is logged with its traceback, the flag is
    off; 0.6: the exception reaches the view (a 500)."""
    for impl in (TALK, V06):
        app, ext = view_app(impl, {"a": False}, "a")
        ext.add_handler(handler)
        ext.add_handler(lambda feature: True)
        if impl is TALK:
            with caplog.at_level(logging.ERROR, logger=impl.logger):
                assert get_json(app) == [False]
        else:
            with pytest.raises(error):
                get_json(app)
    [record] = [r for r in caplog.records if r.name == TALK.logger]
    assert record.exc_info[0] is error


def name_outcomes(impl: Impl, name) -> list:
    """What checking *name* gives in a view, an app context and a
    template: "ok" or the exception's type name."""
    app, _ = impl.make_app({"a": True})

    @app.route("/view")
    def view():
        return str(impl.is_active(name))

    @app.route("/template")
    def template():
        return render_template_string("{{ name is active_feature }}",
                                      name=name)

    def in_an_app_context():
        with app.app_context():
            impl.is_active(name)

    outcomes = []
    for run in (lambda: wsgi_client(app).get("/view"), in_an_app_context,
                lambda: wsgi_client(app).get("/template")):
        try:
            run()
            outcomes.append("ok")
        except Exception as error:
            outcomes.append(type(error).__name__)
    return outcomes


@pytest.mark.parametrize("name", [1, None, ("a",)])
def test_difference_a_flag_name_must_be_a_str(name):
    """Flask-Flags: TypeError in a view, an app context and a template;
    0.6: a missing flag, so off (an unhashable name is a TypeError in
    both)."""
    assert name_outcomes(TALK, name) == ["TypeError"] * 3
    assert name_outcomes(V06, name) == ["ok"] * 3


def test_difference_init_app_twice_on_one_app():
    for impl in (TALK, V06):
        app, ext = impl.make_app({})
        if impl is TALK:
            with pytest.raises(RuntimeError,
                               match="already has a FeatureFlag. Call"
                                     " 'init_app' once per app"):
                ext.init_app(app)
        else:
            ext.init_app(app)  # 0.6: silently registers again


def test_difference_an_unknown_redirect_endpoint(caplog):
    """Flask-Flags: logged, and a 404; 0.6: a BuildError (a 500)."""
    for impl in (TALK, V06):
        app, _ = impl.make_app({"f": False}, TESTING=False)

        @app.route("/")
        @impl.is_active_feature("f", redirect="no_such_endpoint")
        def view():
            return "on"

        with caplog.at_level(logging.ERROR, logger=impl.logger):
            status = wsgi_client(app).get("/").status_code
        assert status == (404 if impl is TALK else 500)
    [record] = [r for r in caplog.records if r.name == TALK.logger]
    assert "no_such_endpoint" in record.getMessage()


def test_difference_both_redirect_arguments():
    """Flask-Flags: ValueError when decorating; 0.6: the endpoint wins."""
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

    assert wsgi_client(app).get("/both").location == "/elsewhere"


def test_difference_an_app_without_the_extension():
    """Flask-Flags: RuntimeError that says what to do; 0.6: AssertionError."""
    with Flask("bare").app_context():
        with pytest.raises(RuntimeError, match="the app 'bare' has no"
                           " FeatureFlag. Did you forget to call 'init_app'"):
            TALK.is_active("x")
        with pytest.raises(AssertionError, match="extention installed"):
            V06.is_active("x")


def test_difference_logger_and_extension_names():
    """Flask-Flags: logger and app.extensions key "flask_flags" (an
    AppState), and ``log.warning``; 0.6: "flask-featureflags",
    "FeatureFlags" (the extension itself) and the deprecated
    ``log.warn`` (caught here for 0.6 only)."""
    for impl, key, warned in [(TALK, "flask_flags", []),
                              (V06, "FeatureFlags", [DeprecationWarning])]:
        app, ext = impl.make_app({})
        assert list(app.extensions) == [key]
        state = app.extensions[key]
        if impl is TALK:
            assert isinstance(state, flask_flags.AppState)
            assert (state.extension, state.handlers) == (ext, None)
        else:
            assert state is ext
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert impl.is_active("x") is False
        assert [w.category for w in caught] == warned


def test_difference_async_views():
    """Flask-Flags runs an ``async def`` view through
    ``current_app.ensure_sync``; 0.6 hands Flask the coroutine itself,
    which Flask refuses with a 500 ("it was a coroutine")."""
    for impl in (TALK, V06):
        app, _ = impl.make_app({"f": True})

        @app.route("/")
        @impl.is_active_feature("f")
        async def view():
            await asyncio.sleep(0)
            return "async on"

        if impl is TALK:
            assert wsgi_client(app).get("/").text == "async on"
        else:
            with app.test_request_context():
                result = view()
            assert inspect.iscoroutine(result)
            result.close()


def test_every_difference_is_listed_once_in_differences_md():
    listed = re.findall(r"`(test_difference_\w+)`", (
        Path(__file__).parents[1] / "DIFFERENCES.md").read_text("utf-8"))
    pinned = [name for name in globals()
              if name.startswith("test_difference_")]
    assert sorted(listed) == sorted(pinned)
    assert len(set(listed)) == len(listed)


def cached_template_answers(impl: Impl) -> list[str]:
    """Render one template file twice, the flag flipped in between."""
    app, _ = impl.make_app({"beta": True})
    app.jinja_loader = DictLoader({"page.html":
                                   "{{ 'beta' is active_feature }}"})
    app.add_url_rule("/", "page", lambda: render_template("page.html"))
    first = wsgi_client(app).get("/").text
    app.config["FEATURE_FLAGS"]["beta"] = False
    return [first, wsgi_client(app).get("/").text]


def test_difference_the_jinja_test_is_asked_at_every_render():
    """Flask-Flags' test takes the context (jinja2.pass_context), so Jinja
    never calls it while compiling; 0.6's plain function is called once,
    at compile time, for a literal name, and its answer stays in the
    cached template."""
    assert cached_template_answers(TALK) == ["True", "False"]
    assert cached_template_answers(V06) == ["True", "True"]


def test_difference_the_module_name():
    """Code written for 0.6 imports ``flask_featureflags``; Flask-Flags
    is ``import flask_flags`` and ships no module by the old name (the
    real 0.6, installed beside it here, would collide)."""
    assert (TALK.module.__name__, V06.module.__name__) == (
        "flask_flags", "flask_featureflags")
    files = importlib.metadata.files("Flask-Flags") or []
    assert [f for f in files if "featureflags" in str(f).lower()] == []
    assert V06.FeatureFlag is not TALK.FeatureFlag


def test_difference_no_jinja_test_name():
    """0.6 names its Jinja test in ``FeatureFlag.JINJA_TEST_NAME``;
    Flask-Flags has no such attribute: the test is "active_feature"."""
    assert V06.FeatureFlag.JINJA_TEST_NAME == "active_feature"
    assert not hasattr(TALK.FeatureFlag, "JINJA_TEST_NAME")
    for impl in (TALK, V06):
        app, _ = impl.make_app({})
        assert "active_feature" in app.jinja_env.tests


def test_difference_check_asks_the_current_app():
    """``ext.check(name)`` is ``is_active(name)`` in Flask-Flags: the
    current app's chain, the answer kept for the request. 0.6's
    ``check`` asks ``ext``'s own handlers, whichever app is current."""
    for impl in (TALK, V06):
        app, _ = impl.make_app({"a": True})
        other = impl.FeatureFlag()  # never installed on an app
        other.clear_handlers()
        with app.test_request_context():
            assert other.check("a") is (impl is TALK)


def test_difference_handlers_must_be_a_list():
    """Flask-Flags refuses ``ext.handlers = None`` at once, saying what
    to call instead; 0.6 takes it and fails at the next check."""
    for impl in (TALK, V06):
        app, ext = view_app(impl, {"a": True}, "a")
        if impl is TALK:
            with pytest.raises(TypeError, match="clear_handlers"):
                ext.handlers = None
            assert get_json(app) == [True]
        else:
            ext.handlers = None
            with pytest.raises(TypeError, match="NoneType"):
                get_json(app)

"""Bad input to the talk's extension (flask-flags/flask_flags.py): each case has
one documented behaviour, either a clear error at ``init_app`` or at the
call, naming what is wrong and where, or a fail-closed ``False`` with a log
record.

=========================================  ==================================
input                                      behaviour
=========================================  ==================================
``FEATURE_FLAGS`` not a mapping            TypeError at ``init_app``
a flag value that is not a bool            TypeError at ``init_app``
a flag name that is not a string           TypeError at ``init_app``
``FEATURE_FLAGS`` made invalid at run      TypeError when the next request
time                                       starts (a 500, raised under
                                           TESTING); in an app context
                                           without a request: off + ERROR
``FEATURE_FLAGS`` deleted at run time      no flags: each one is missing
``add_handler`` with a non-callable        TypeError at ``add_handler``
handler method, app without extension      RuntimeError at the call
decorator given redirect_to and redirect   ValueError when decorating
a handler that raises                      off + ERROR record, traceback
=========================================  ==================================
"""

from __future__ import annotations

import logging
from types import MappingProxyType

import pytest
from flask import Flask

from flask_flags import (FeatureFlag, is_active, is_active_feature)

WHERE = r"app 'bad_input': config\['FEATURE_FLAGS'\]"


def make_app(flags, **config) -> Flask:
    app = Flask("bad_input")
    app.config.update(FEATURE_FLAGS=flags, **config)
    return app


def app_with_view(flags, testing=True):
    app = make_app(flags, TESTING=testing)
    ext = FeatureFlag(app)

    @app.route("/")
    def view():
        return {"a": is_active("a")}

    return app, ext


# --- FEATURE_FLAGS at init_app ---------------------------------------------

@pytest.mark.parametrize("flags, kind", [
    (["a"], "list"),
    ("a", "str"),
    (None, "NoneType"),
    ({"a"}, "set"),
    ((("a", True),), "tuple"),
])
def test_feature_flags_not_a_mapping(flags, kind):
    app = make_app(flags)
    with pytest.raises(TypeError,
                       match=f"{WHERE} must be a mapping of flag name to "
                             f"bool, not {kind}"):
        FeatureFlag(app)
    assert "flask_flags" not in app.extensions  # nothing half-installed


@pytest.mark.parametrize("value", ["yes", "False", 1, 0, None, [True]])
def test_flag_value_not_a_bool(value):
    app = make_app({"good": True, "bad": value})
    with pytest.raises(TypeError) as info:
        FeatureFlag().init_app(app)
    assert str(info.value) == (
        "app 'bad_input': config['FEATURE_FLAGS']['bad'] must be True or "
        f"False, not {value!r}")


@pytest.mark.parametrize("name", [1, None, ("a",), b"a"])
def test_flag_name_not_a_string(name):
    app = make_app({"good": True, name: True})
    with pytest.raises(TypeError,
                       match=f"{WHERE}: flag name .* is not a string"):
        FeatureFlag(app)


def test_any_mapping_of_str_to_bool_is_fine():
    app = make_app(MappingProxyType({"a": True}), TESTING=True)
    FeatureFlag(app)

    @app.route("/")
    def view():
        return str(is_active("a"))

    assert app.test_client().get("/").data == b"True"


# --- FEATURE_FLAGS changed at run time -------------------------------------

@pytest.mark.parametrize("change, message", [
    (lambda config: config.__setitem__("FEATURE_FLAGS", ["a"]),
     " must be a mapping of flag name to bool, not list"),
    (lambda config: config["FEATURE_FLAGS"].__setitem__("a", "yes"),
     r"\['a'\] must be True or False, not 'yes'"),
    (lambda config: config["FEATURE_FLAGS"].__setitem__(2, True),
     ": flag name 2 is not a string"),
    (lambda config: config.__setitem__("FEATURE_FLAGS", None),
     " must be a mapping of flag name to bool, not NoneType"),
], ids=["replaced-by-list", "value-str", "name-int", "none"])
def test_made_invalid_at_run_time_fails_the_next_request(change, message):
    app, _ = app_with_view({"a": True})
    client = app.test_client()
    assert client.get("/").get_json() == {"a": True}
    change(app.config)
    with pytest.raises(TypeError, match=f"{WHERE}{message}"):
        client.get("/")


def test_made_invalid_at_run_time_is_a_500_in_production(caplog):
    app, _ = app_with_view({"a": True}, testing=False)
    client = app.test_client()
    app.config["FEATURE_FLAGS"] = {"a": 1}
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = client.get("/")
    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == app.logger.name]
    assert record.exc_info[0] is TypeError
    assert "must be True or False, not 1" in str(record.exc_info[1])
    app.config["FEATURE_FLAGS"] = {"a": False}  # fixed: fine again
    assert client.get("/").get_json() == {"a": False}


def test_made_invalid_at_run_time_outside_a_request_is_off(caplog):
    app, _ = app_with_view({"a": True})
    app.config["FEATURE_FLAGS"]["a"] = "yes"
    with app.app_context(), caplog.at_level(logging.ERROR,
                                            logger="flask_flags"):
        assert is_active("a") is False
    [record] = caplog.records
    assert "AppConfigFlagHandler" in record.getMessage()
    assert record.exc_info[0] is TypeError
    assert "must be True or False, not 'yes'" in str(record.exc_info[1])


def test_feature_flags_deleted_at_run_time_means_no_flags():
    """Not an error: as in 0.6, every flag is then missing (see
    tests/test_contract.py)."""
    app, _ = app_with_view({"a": True})
    del app.config["FEATURE_FLAGS"]
    assert app.test_client().get("/").get_json() == {"a": False}


def test_raise_error_setting_removed_at_run_time_means_false():
    app, _ = app_with_view({})
    app.debug = True
    del app.config["RAISE_ERROR_ON_MISSING_FEATURES"]
    with app.app_context():
        assert is_active("nope") is False


# --- handlers ---------------------------------------------------------------

@pytest.mark.parametrize("handler", [None, "is_on", 42, {"a": True}])
def test_add_handler_with_a_non_callable(handler):
    app, ext = app_with_view({"a": True})
    with app.app_context():
        with pytest.raises(TypeError, match=r"handler must be callable "
                                            r"\(flag name -> bool\), not "):
            ext.add_handler(handler)
        assert is_active("a") is True  # the chain is unchanged
    assert len(app.extensions["flask_flags"].handlers) == 1


def test_handler_methods_on_an_app_without_the_extension():
    with pytest.raises(RuntimeError,
                       match="not installed on app 'bare'.*init_app"):
        FeatureFlag().add_handler(len, app=Flask("bare"))


def test_a_handler_that_raises_fails_closed_with_a_log_record(caplog):
    app, ext = app_with_view({"a": False})
    later = []

    def broken(feature):
        raise ZeroDivisionError("boom")

    with app.app_context():
        ext.add_handler(broken)
        ext.add_handler(lambda feature: later.append(feature) or True)

    @app.route("/twice")
    def twice():
        return {"a": [is_active("a"), is_active("a")]}

    with caplog.at_level(logging.ERROR, logger="flask_flags"):
        response = app.test_client().get("/twice")
    assert (response.status_code, response.get_json()) == (
        200, {"a": [False, False]})
    assert later == []  # fail closed: nobody else asked
    [record] = caplog.records  # once: the answer is cached for the request
    assert record.name == "flask_flags"
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "handler broken raised: 'a' off"
    assert record.exc_info[0] is ZeroDivisionError


def test_a_handler_without_a_name_is_named_by_repr(caplog):
    app, ext = app_with_view({})

    class Broken:
        def __call__(self, feature):
            raise OSError

        def __repr__(self):
            return "<Broken handler>"

    with app.app_context(), caplog.at_level(logging.ERROR,
                                            logger="flask_flags"):
        ext.add_handler(Broken())
        assert is_active("a") is False
    assert "<Broken handler>" in caplog.text


# --- the decorator ----------------------------------------------------------

def test_decorator_given_both_redirects_fails_when_decorating():
    with pytest.raises(ValueError,
                       match="give redirect_to or redirect, not both"):
        @is_active_feature("a", redirect_to="/b", redirect="c")
        def view():  # pragma: no cover - never decorated
            return "never"

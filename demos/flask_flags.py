"""flask_flags: the talk's feature-flag extension, rebuilt for Flask 3.1.

It keeps the public API of Flask-FeatureFlags 0.6 (``FeatureFlag``,
``is_active``, ``is_active_feature``, the ``active_feature`` Jinja test, the
handler chain, the ``missing_feature`` signal) and does what the talk says an
extension does: it hooks the request lifecycle with Flask's
``request_started`` signal and keeps one snapshot of the flags per request in
``g``, so one request sees one consistent set of flags.

Differences from 0.6, on purpose:

- per-app state lives in ``app.extensions["flask_flags"]``, so one
  ``FeatureFlag`` object serves many apps (app factory), each with its own
  handler chain; handler methods act on ``current_app`` or ``app=``;
- answers are cached for the request: a flag is decided once per request and
  ``missing_feature`` is sent once per request and flag;
- bad ``FEATURE_FLAGS`` raise ``TypeError`` at ``init_app``; a handler that
  raises is logged and the flag is off (fail closed);
- logging uses ``log.warning`` (0.6 used the deprecated ``log.warn``).

Patterns: Flask's "Flask Extension Development" guide
(https://flask.palletsprojects.com/en/stable/extensiondev/) and the
"Extension Primer" of seed 004, "Advanced Flask Patterns".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from functools import wraps

from flask import Flask, abort, current_app, g, has_app_context
from flask import redirect as _redirect
from flask import request_started, url_for
from flask.signals import Namespace

log = logging.getLogger("flask_flags")

FEATURE_FLAGS_CONFIG = "FEATURE_FLAGS"
RAISE_ERROR_ON_MISSING_FEATURES = "RAISE_ERROR_ON_MISSING_FEATURES"
EXTENSION_NAME = "flask_flags"
_G_NAME = "_flask_flags"  # our attribute on g, prefixed with our name

Handler = Callable[[str], bool]


class StopCheckingFeatureFlags(Exception):
    """Raise in a handler: the flag is off, ask no further handler."""


class NoFeatureFlagFound(Exception):
    """Raise in a handler: this handler does not know the flag."""


_signals = Namespace()
#: Sent as ``missing_feature.send(ext, feature=name)`` when no handler
#: knows a flag (once per request and flag).
missing_feature = _signals.signal("missing-feature")


@dataclass
class _AppState:
    """One app's state, kept in ``app.extensions[EXTENSION_NAME]``."""

    extension: FeatureFlag
    handlers: list[Handler]


@dataclass
class _RequestFlags:
    """One request's state, kept in ``g``: a frozen copy of the flags and
    the answers so far, ``{name: (active, name of deciding handler)}``."""

    flags: dict[str, bool]
    answers: dict[str, tuple[bool, str | None]] = field(default_factory=dict)


# [start:init-app]
class FeatureFlag:
    JINJA_TEST_NAME = "active_feature"

    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        flags = app.config.setdefault(FEATURE_FLAGS_CONFIG, {})
        _validate(flags)
        app.config.setdefault(RAISE_ERROR_ON_MISSING_FEATURES, False)
        app.extensions[EXTENSION_NAME] = _AppState(
            self, [AppConfigFlagHandler])
        app.add_template_test(is_active, name=self.JINJA_TEST_NAME)
        request_started.connect(_take_snapshot, app)
# [end:init-app]

    # [start:handlers]
    def add_handler(self, function: Handler, app: Flask | None = None):
        """Append *function* (flag name -> bool) to the app's chain."""
        _state(app).handlers.append(function)

    def remove_handler(self, function: Handler, app: Flask | None = None):
        """Remove *function* from the chain; absent is not an error."""
        with suppress(ValueError):
            _state(app).handlers.remove(function)

    def clear_handlers(self, app: Flask | None = None) -> None:
        """Empty the chain: every flag is then missing, so off."""
        _state(app).handlers.clear()
    # [end:handlers]

    def check(self, feature: str) -> bool:
        """0.6's name for :func:`is_active`."""
        return is_active(feature)


# [start:snapshot]
def _take_snapshot(app: Flask, **extra: object) -> None:
    """request_started receiver: freeze this request's flags in g."""
    flags = dict(app.config[FEATURE_FLAGS_CONFIG])
    setattr(g, _G_NAME, _RequestFlags(flags))
# [end:snapshot]


def AppConfigFlagHandler(feature: str) -> bool:  # noqa: N802 (0.6's name)
    """Default handler: the request's snapshot, else ``FEATURE_FLAGS``.

    Raises NoFeatureFlagFound when the flag is not configured.
    """
    snapshot = g.get(_G_NAME)
    flags = snapshot.flags if snapshot else current_app.config[
        FEATURE_FLAGS_CONFIG]
    try:
        return flags[feature]
    except KeyError:
        raise NoFeatureFlagFound(feature) from None


# [start:is-active]
def is_active(feature: str) -> bool:
    """True if *feature* is on for this request (or app context).

    Outside an application context it logs a warning and returns False.
    Raises KeyError for a missing flag when the app is in debug mode and
    ``RAISE_ERROR_ON_MISSING_FEATURES`` is set.
    """
    if not has_app_context():
        log.warning("flag %r checked outside an app context: off", feature)
        return False
    snapshot = g.get(_G_NAME)
    if snapshot is not None and feature in snapshot.answers:
        return snapshot.answers[feature][0]
    active, decider = _ask_handlers(feature)
    if snapshot is not None:
        snapshot.answers[feature] = (active, decider)
    return active
# [end:is-active]


# [start:chain]
def _ask_handlers(feature: str) -> tuple[bool, str | None]:
    state, found = _state(), False
    for handler in state.handlers:
        name = getattr(handler, "__name__", repr(handler))
        try:
            if handler(feature):
                return True, name
        except StopCheckingFeatureFlags:
            return False, name
        except NoFeatureFlagFound:
            continue
        except Exception:
            log.exception("flag handler %s failed on %r: off", name, feature)
            return False, name
        found = True
    if not found:
        _report_missing(state, feature)
    return False, None
# [end:chain]


def _report_missing(state: _AppState, feature: str) -> None:
    message = f"No feature flag defined for {feature!r}"
    app = current_app
    if app.debug and app.config[RAISE_ERROR_ON_MISSING_FEATURES]:
        raise KeyError(message)
    log.info(message)
    missing_feature.send(state.extension, feature=feature)


# [start:decorator]
def is_active_feature(feature: str, redirect_to: str | None = None,
                      redirect: str | None = None):
    """View decorator: when *feature* is off, redirect (302) to the URL
    *redirect_to* or the endpoint *redirect*, else abort with 404.

    Raises ValueError when given both *redirect_to* and *redirect*."""
    if redirect_to and redirect:
        raise ValueError("is_active_feature(): give redirect_to or "
                         "redirect, not both")

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not is_active(feature):
                if redirect_to or redirect:
                    return _redirect(redirect_to or url_for(redirect))
                abort(404)
            return view(*args, **kwargs)
        return wrapper
    return decorator
# [end:decorator]


def _state(app: Flask | None = None) -> _AppState:
    """The app's state; *app* defaults to ``current_app``.

    Raises RuntimeError when there is no app or it has no FeatureFlag.
    """
    if app is None:
        if not has_app_context():
            raise RuntimeError(
                "flask_flags: no app given and no application context; "
                "pass app=... or use 'with app.app_context():'")
        app = current_app
    try:
        return app.extensions[EXTENSION_NAME]
    except KeyError:
        raise RuntimeError(
            f"flask_flags: FeatureFlag is not installed on app {app.name!r}; "
            "call FeatureFlag(app) or init_app(app) first") from None


def _validate(flags: object) -> None:
    """Raise TypeError unless *flags* maps str names to bool values."""
    if not isinstance(flags, Mapping):
        raise TypeError(
            f"app.config[{FEATURE_FLAGS_CONFIG!r}] must be a mapping of "
            f"flag name to bool, not {type(flags).__name__}")
    for name, value in flags.items():
        if not isinstance(name, str):
            raise TypeError(f"{FEATURE_FLAGS_CONFIG}: flag name {name!r} "
                            "is not a string")
        if not isinstance(value, bool):
            raise TypeError(f"{FEATURE_FLAGS_CONFIG}[{name!r}] must be True "
                            f"or False, not {value!r}")

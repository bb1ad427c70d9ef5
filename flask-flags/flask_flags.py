"""flask_flags: the talk's feature-flag extension (talk section 3).

It keeps the public API of Flask-FeatureFlags 0.6 (``FeatureFlag``,
``is_active``, ``is_active_feature``, the ``active_feature`` Jinja test, the
handler chain, the ``missing_feature`` signal) and does what the talk says an
extension does: it hooks the request lifecycle with Flask's
``request_started`` signal and keeps one snapshot of the flags per request in
``g``, so one request sees one consistent set of flags. What both versions
share is pinned by tests/test_contract.py, which runs one test suite on both.

Differences from 0.6, on purpose (each one has a ``test_difference_*`` in
tests/test_contract.py that asserts both behaviours):

- State per app: ``app.extensions["flask_flags"]`` holds the app's handler
  chain, and the ``FeatureFlag`` object holds nothing, so one object serves
  many apps (app factory), each with its own chain. Handler methods act on
  ``app=`` or ``current_app`` and raise ``RuntimeError`` with neither. 0.6
  keeps one handler list on the object, shared by every app it serves.
- One snapshot per request: at ``request_started`` the flags are copied to
  ``g._flask_flags``, so a request sees the flags as they were when it
  started, even if the config changes meanwhile; 0.6 reads the live config
  at every check. Answers are cached for the request: handlers run, and
  ``missing_feature`` is sent, once per request and flag (0.6: at every
  check). In an app context without a request nothing is cached.
- Fail closed: a handler that raises anything but the two chain exceptions
  is logged (ERROR, with traceback, logger ``flask_flags``) and the flag is
  off; 0.6 lets the exception propagate into the view.
- Checked input: ``FEATURE_FLAGS`` must map ``str`` names to ``bool``
  values, else ``TypeError`` at ``init_app``; if it is changed at run time to
  something invalid, the next request fails with that ``TypeError`` when its
  snapshot is taken (a 500; raised under ``TESTING``), and a check in an app
  context without a request logs it and answers off. ``add_handler`` raises
  ``TypeError`` for a non-callable, ``is_active_feature`` raises
  ``ValueError`` when given both ``redirect_to`` and ``redirect``. 0.6
  accepts all of these: it treats flag values by truthiness, fails at the
  first check with a non-callable handler, and quietly prefers ``redirect``.
- Errors and logging: a check on an app without the extension raises
  ``RuntimeError`` (0.6: ``AssertionError``); a check outside an app
  context logs with ``log.warning``. 0.6 calls ``log.warn``, deprecated,
  which emits a ``DeprecationWarning`` and so fails warnings-as-errors.

Same in both: a missing or deleted ``FEATURE_FLAGS`` key means no flags
(each check is a missing flag); ``AppConfigFlagHandler`` called outside an
app context answers off with a warning; and a redirect's ``Location`` stays
relative (``/elsewhere``), because Werkzeug 2.1+ no longer makes it
absolute, though 0.6's own tests expected ``http://localhost/...``.

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
Answer = tuple[bool, "str | None"]  # (active, name of deciding handler)


class StopCheckingFeatureFlags(Exception):
    """Raise in a handler: the flag is off, ask no further handler."""


class NoFeatureFlagFound(Exception):
    """Raise in a handler: this handler does not know the flag."""


_signals = Namespace()
#: Sent as ``missing_feature.send(ext, feature=name)`` when no handler
#: knows a flag: once per request and flag, or at every check made in an
#: app context without a request.
missing_feature = _signals.signal("missing-feature")


@dataclass
class _AppState:
    """One app's state, kept in ``app.extensions[EXTENSION_NAME]``."""

    extension: FeatureFlag
    handlers: list[Handler]


@dataclass(slots=True)
class _RequestFlags:
    """One request's state, kept in ``g``: the app, a frozen copy of its
    flags and the answers so far, ``{name: (active, deciding handler)}``
    (the handler's name, or None when no handler said yes or stop)."""

    app: Flask
    flags: dict[str, bool]
    answers: dict[str, tuple[bool, str | None]] = field(default_factory=dict)


# [start:init-app]
class FeatureFlag:
    JINJA_TEST_NAME = "active_feature"

    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        app.config.setdefault(FEATURE_FLAGS_CONFIG, {})
        _checked_copy(app)  # TypeError now, not at the first request
        app.config.setdefault(RAISE_ERROR_ON_MISSING_FEATURES, False)
        app.extensions[EXTENSION_NAME] = _AppState(
            self, [AppConfigFlagHandler])
        app.add_template_test(is_active, name=self.JINJA_TEST_NAME)
        request_started.connect(_take_snapshot, app)
# [end:init-app]

    # [start:handlers]
    def add_handler(self, function, app: Flask | None = None):
        """Append *function* (flag name -> bool) to the app's chain.
        Raises TypeError if it is not callable."""
        _state(app).handlers.append(_callable(function))

    def remove_handler(self, function, app: Flask | None = None):
        """Remove *function* from the chain; absent: no error."""
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
    """request_started receiver: freeze this request's flags in g.
    TypeError if FEATURE_FLAGS was made invalid since init_app."""
    flags = _checked_copy(app)
    setattr(g, _G_NAME, _RequestFlags(app, flags))
# [end:snapshot]


def AppConfigFlagHandler(feature: str) -> bool:  # noqa: N802 (0.6's name)
    """Default handler: the flag's value in the request's snapshot, else
    (an app context without a request) in ``FEATURE_FLAGS``.

    Raises NoFeatureFlagFound when the flag is not configured, TypeError
    when ``FEATURE_FLAGS`` is invalid (the chain logs it: off). Outside an
    app context it logs a warning and returns False, as 0.6 did.
    """
    if not has_app_context():
        log.warning("%r checked outside an app context: off", feature)
        return False
    snapshot = getattr(g._get_current_object(), _G_NAME, None)
    if snapshot is not None:
        flags = snapshot.flags
    else:
        flags = _checked_copy(current_app._get_current_object())
    try:
        return flags[feature]
    except KeyError:
        raise NoFeatureFlagFound(feature) from None


# [start:is-active]
def is_active(feature: str) -> bool:
    """Is *feature* on for this request (or app context)? Off, with a
    warning, outside one. Raises KeyError: see _report_missing."""
    if not has_app_context():
        log.warning("%r checked outside an app context: off", feature)
        return False
    ctx_g = g._get_current_object()  # one proxy lookup, not three
    snapshot = getattr(ctx_g, _G_NAME, None)
    if snapshot is None:  # an app context without a request
        app = current_app._get_current_object()
        return _ask_handlers(feature, app)[0]
    answer = snapshot.answers.get(feature)
    if answer is None:
        answer = _ask_handlers(feature, snapshot.app)
        snapshot.answers[feature] = answer
    return answer[0]
# [end:is-active]


# [start:chain]
def _ask_handlers(feature: str, app: Flask) -> Answer:
    state, found = _state(app), False
    for handler in state.handlers:
        try:
            if handler(feature):
                return True, _name(handler)
            found = True
        except StopCheckingFeatureFlags:
            return False, _name(handler)
        except NoFeatureFlagFound:
            pass
        except Exception:
            name = _name(handler)
            log.exception("handler %s raised: %r off", name, feature)
            return False, name
    if not found:
        _report_missing(state, feature, app)
    return False, None
# [end:chain]


def _report_missing(state: _AppState, feature: str, app: Flask) -> None:
    """No handler knows *feature*: raise KeyError if *app* is in debug
    mode and ``RAISE_ERROR_ON_MISSING_FEATURES`` is set, else log it and
    send ``missing_feature``."""
    if app.debug and app.config.get(RAISE_ERROR_ON_MISSING_FEATURES):
        raise KeyError(f"No feature flag defined for {feature!r}")
    log.info("No feature flag defined for %r", feature)
    missing_feature.send(state.extension, feature=feature)


def _name(handler: Handler) -> str:
    """A handler's name for logs and the debug toolbar."""
    return getattr(handler, "__name__", None) or repr(handler)


# [start:decorator]
def is_active_feature(feature: str, redirect_to: str | None = None,
                      redirect: str | None = None):
    """Decorate a view: if *feature* is off, 302 to URL *redirect_to*
    or endpoint *redirect*, else 404. ValueError: both given."""
    if redirect_to and redirect:
        raise ValueError("give redirect_to or redirect, not both")

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


def _checked_copy(app: Flask) -> dict[str, bool]:
    """A copy of *app*'s ``FEATURE_FLAGS``, checked; ``{}`` if the key is
    gone (every flag is then missing, as in 0.6).

    Raises TypeError, naming the app and the bad entry, unless it is a
    mapping of ``str`` names to ``bool`` values. The copy is taken before
    the check, so another thread changing the config cannot break it.
    """
    flags = app.config.get(FEATURE_FLAGS_CONFIG, {})
    if not isinstance(flags, Mapping):
        raise TypeError(f"{_where(app)} must be a mapping of flag name to "
                        f"bool, not {type(flags).__name__}")
    copy = dict(flags)
    for name, value in copy.items():
        if not isinstance(name, str):
            raise TypeError(f"{_where(app)}: flag name {name!r} is not a "
                            "string")
        if value is not True and value is not False:
            raise TypeError(f"{_where(app)}[{name!r}] must be True or False, "
                            f"not {value!r}")
    return copy


def _where(app: Flask) -> str:
    return f"app {app.name!r}: config[{FEATURE_FLAGS_CONFIG!r}]"


def _callable(function: object) -> Handler:
    """*function* itself; TypeError unless it is callable."""
    if not callable(function):
        raise TypeError("flask_flags: a handler must be callable "
                        f"(flag name -> bool), not {function!r}")
    return function

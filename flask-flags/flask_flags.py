"""Flask-Flags: feature flags, a drop-in for Flask-FeatureFlags 0.6,
built as Flask's "Flask Extension Development" page says. is_active(name)
asks a chain of handlers (name -> bool); TypeError for a non-str name.

The chain lives on the FeatureFlag object, as in 0.6, so code may
change it at import time; it serves every app the object serves,
unless ``app=`` gives one app its own. A change builds a new list and
swaps it in: a request reading the old one is never disturbed.
"""

import logging
from functools import wraps
from types import SimpleNamespace
from typing import Any, NamedTuple

from blinker import Namespace
from jinja2 import pass_context
from flask import (Flask, abort, current_app, g, has_app_context,
                   has_request_context, redirect as _redirect, url_for)
from werkzeug.routing import BuildError

FEATURE_FLAGS_CONFIG = "FEATURE_FLAGS"
RAISE_ERROR_ON_MISSING_FEATURES = "RAISE_ERROR_ON_MISSING_FEATURES"
EXTENSION_NAME = "flask_flags"
log = logging.getLogger("flask_flags")

# [start:signal]
#: missing_feature.send(app, feature=name): nobody knows a flag;
#: once per request and flag, or at every check outside one.
missing_feature = Namespace().signal("missing-feature")
# [end:signal]


class StopCheckingFeatureFlags(Exception):
    """Raise in a handler: the flag is off, ask no other handler."""


class NoFeatureFlagFound(Exception):
    """Raise in a handler: it does not know the flag, ask the next."""


class Answer(NamedTuple):
    """*reason*: "on", "off", "missing" (no handler knows the flag) or
    "error" (a handler raised or gave a non-bool); *handler*: who."""

    active: bool
    reason: str
    handler: Any


# [start:is-active]
def is_active(feature: str) -> bool:
    """Is *feature* on? One answer per flag and request, on g."""
    if not isinstance(feature, str):
        raise TypeError(f"flask_flags: {feature!r} is not a str")
    if not has_request_context():
        return _active_outside_a_request(feature)
    ctx_g = g._get_current_object()  # pay the proxy once
    answers = ctx_g.setdefault("_flask_flags", {})  # prefixed
    if feature not in answers:
        answers[feature] = _ask_handlers(feature)
    return answers[feature][0]
# [end:is-active]


def _active_outside_a_request(feature: str) -> bool:
    if has_app_context():  # a CLI command or a job: ask each time
        return _ask_handlers(feature)[0]
    log.warning("%r checked outside an app context: off", feature)
    return False


def checked_flags() -> dict[str, Answer]:
    """This request's checks so far, in order: {name: Answer}."""
    answers = g.get("_flask_flags", {}) if has_request_context() else {}
    return {name: Answer(*answer) for name, answer in answers.items()}


#: The Jinja test. pass_context keeps Jinja from calling it once, when it
#: compiles a template, and caching that answer with the template.
_template_test = pass_context(lambda context, feature: is_active(feature))


class FeatureFlag:
    def __init__(self, app: Flask | None = None) -> None:
        self.handlers: list = [AppConfigFlagHandler]
        if app is not None:
            self.init_app(app)

    # [start:init-app]
    def init_app(self, app: Flask) -> None:
        """RuntimeError if *app* has a FeatureFlag already."""
        if EXTENSION_NAME in app.extensions:
            raise RuntimeError(f"init_app twice on {app.name}")
        config = app.config
        config.setdefault(FEATURE_FLAGS_CONFIG, {})
        config.setdefault(RAISE_ERROR_ON_MISSING_FEATURES, False)
        app.extensions[EXTENSION_NAME] = SimpleNamespace(
            extension=self, handlers=None)  # None: self.handlers
        app.add_template_test(_template_test, "active_feature")
    # [end:init-app]

    def add_handler(self, function, app: Flask | None = None):
        """Append *function* to this object's chain, or *app*'s."""
        self._edit(app, lambda chain: chain.append(function))

    def remove_handler(self, function, app: Flask | None = None):
        """Remove *function* from the chain; absent: no error."""
        self._edit(app, lambda c: function in c and c.remove(function))

    def clear_handlers(self, app: Flask | None = None) -> None:
        """Empty the chain: every flag is then missing, so off."""
        self._edit(app, list.clear)

    def _edit(self, app: Flask | None, change) -> None:
        owner = self if app is None else _state(app)
        change(chain := list(_chain(owner)))  # copy on write: edit a
        owner.handlers = chain  # copy, then swap it in, all at once

    check = staticmethod(is_active)  # 0.6's name for is_active


def _ask_handlers(feature: str) -> tuple:  # an Answer's fields
    app, said_off = current_app._get_current_object(), None
    for handler in _chain(_state(app)):
        # [start:chain]
        try:
            answer = handler(feature)
            if answer is not True and answer is not False:
                raise TypeError(f"{answer!r} is not a bool")
        except NoFeatureFlagFound:  # ask the next handler
            continue
        except StopCheckingFeatureFlags:
            return False, "off", handler
        except Exception:  # fail closed
            log.exception("%r failed: %r off", handler, feature)
            return False, "error", handler
        # [end:chain]
        if answer:
            return True, "on", handler
        said_off = said_off or (False, "off", handler)
    return said_off or _missing(feature, app)


def _missing(feature: str, app: Flask) -> tuple:
    if app.debug and app.config.get(RAISE_ERROR_ON_MISSING_FEATURES):
        raise KeyError(f"No feature flag defined for {feature!r}")
    log.info("No feature flag defined for %r", feature)
    missing_feature.send(app, feature=feature)
    return False, "missing", None


def AppConfigFlagHandler(feature: str) -> bool:  # noqa: N802 (0.6)
    """The default handler: ``FEATURE_FLAGS[feature]`` of the app.
    NoFeatureFlagFound if absent. Outside an app context: False."""
    if not has_app_context():
        log.warning("%r checked outside an app context", feature)
        return False
    try:
        app = current_app._get_current_object()
        return app.config[FEATURE_FLAGS_CONFIG][feature]
    except KeyError:
        raise NoFeatureFlagFound(feature) from None


# [start:decorator]
def is_active_feature(feature, redirect_to=None, redirect=None):
    """Guard a view (def or async def): off: redirect, or 404."""
    if redirect_to and redirect:
        raise ValueError("redirect_to or redirect, not both")
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not is_active(feature):
                return _off(feature, redirect_to, redirect)
            return current_app.ensure_sync(view)(*args, **kwargs)
        return wrapper
    return decorator
# [end:decorator]


def _off(feature: str, url: str | None, endpoint: str | None):
    try:
        url = url_for(endpoint) if endpoint else url
    except BuildError:
        log.error("%r is off; no endpoint %r: 404", feature, endpoint)
    return _redirect(url) if url else abort(404)


def _state(app: Flask) -> SimpleNamespace:
    if EXTENSION_NAME not in app.extensions:
        raise RuntimeError(f"flask_flags: no init_app({app.name})")
    return app.extensions[EXTENSION_NAME]


def _chain(own) -> list:  # own: a FeatureFlag, or an app's state
    return own.extension.handlers if own.handlers is None else own.handlers

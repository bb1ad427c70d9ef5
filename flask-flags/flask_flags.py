"""Flask-Flags: feature flags for Flask, from the talk "Developing Flask
Extensions". It keeps the API of Flask-FeatureFlags 0.6 under a new
module name (``import flask_flags``); DIFFERENCES.md lists every
difference.

The shape follows Flask's documentation page "Flask Extension
Development" (https://flask.palletsprojects.com/en/stable/extensiondev/):
one module, an extension object with ``init_app``, per-app state in
``app.extensions["flask_flags"]``, per-request state in ``g`` under a
prefixed name, and no ``self.app``.

Answers come from a chain of handlers, functions that take a flag's
name and answer ``True`` or ``False`` (see :func:`ask_handlers`). The
chain lives on the :class:`FeatureFlag` object, as in 0.6, and serves
every app the object serves; ``app=`` gives one app a chain of its own.
Changes to a chain are serialised by a lock and copy on write: each
builds a new list and swaps it in, so a request that is reading the old
list is never disturbed and readers never wait.

Config keys read: ``FEATURE_FLAGS`` (a mapping of flag name to ``True``
or ``False``) and ``RAISE_ERROR_ON_MISSING_FEATURES``.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal, NamedTuple

from blinker import Namespace
from flask import (Flask, abort, current_app, g, has_app_context,
                   has_request_context, redirect as _redirect, url_for)
from jinja2 import pass_context
from werkzeug.routing import BuildError

FEATURE_FLAGS_CONFIG = "FEATURE_FLAGS"
RAISE_ERROR_ON_MISSING_FEATURES = "RAISE_ERROR_ON_MISSING_FEATURES"
EXTENSION_NAME = "flask_flags"
log = logging.getLogger("flask_flags")

#: Handler = a function that takes a flag's name and returns True or
#: False, or raises NoFeatureFlagFound or StopCheckingFeatureFlags.
Handler = Callable[[str], bool]

#: Sent by the app when no handler knows a flag: once per request
#: and flag, or at each check outside a request. A receiver gets
#: (app, feature=name); connect(receiver, app) hears one app.
missing_feature = Namespace().signal("missing-feature")


class StopCheckingFeatureFlags(Exception):
    """Raise in a handler: the flag is off, ask no other handler."""


class NoFeatureFlagFound(Exception):
    """Raise in a handler: it does not know the flag, ask the next."""


class Answer(NamedTuple):
    """One flag's answer, as :func:`checked_flags` reports it.

    *active*: the flag is on. *reason*: "on" or "off" (a handler said
    so), "missing" (no handler knows the flag) or "error" (a handler
    raised, or answered something other than a bool). *handler*: the
    handler that decided, or None when the flag is missing.
    """

    active: bool
    reason: Literal["on", "off", "missing", "error"]
    handler: Any


@dataclass
class AppState:
    """What one app keeps in ``app.extensions["flask_flags"]``.

    *extension*: the :class:`FeatureFlag` installed on the app.
    *handlers*: the app's own chain, or None (the default) while the
    app uses the extension's chain.
    """

    extension: "FeatureFlag"
    handlers: list | None = None

    def chain(self) -> list:
        """The chain this app asks: its own, or the extension's."""
        own = self.handlers
        return self.extension.handlers if own is None else own


def is_active(feature: str) -> bool:
    """Is the flag *feature* on for the current app?

    In a request the chain is asked once per flag, and the
    :class:`Answer` is kept in ``g`` for the rest of the request, so a
    request sees one answer per flag and one that checks no flag costs
    nothing. In an app context without a request (a CLI command, a job)
    the chain is asked at every call. Outside an app context: False,
    with a warning in the log.

    Raises TypeError if *feature* is not a str, RuntimeError if the app
    has no FeatureFlag, and KeyError for a flag no handler knows when
    the app is in debug mode and ``RAISE_ERROR_ON_MISSING_FEATURES`` is
    set. Pattern: Flask-FeatureFlags 0.6's ``is_active``; keeping the
    answer in ``g`` is the talk's fix to a snapshot per request.
    """
    if not isinstance(feature, str):
        raise TypeError(f"flask_flags: {feature!r} is not a str")
    if not has_request_context():
        return _active_outside_a_request(feature)
    answers = g.setdefault("_flask_flags", {})  # prefixed name
    if feature not in answers:
        answers[feature] = _ask_the_app(feature)
    return answers[feature].active


def _active_outside_a_request(feature: str) -> bool:
    if has_app_context():  # a CLI command or a job: ask each time
        return _ask_the_app(feature).active
    log.warning("flask_flags: %r checked outside an app context:"
                " off. Push one with app.app_context().", feature)
    return False


def checked_flags() -> dict[str, Answer]:
    """This request's checks so far, in order: ``{name: Answer}``.

    A copy: changing it changes nothing. Empty outside a request.
    """
    if not has_request_context():
        return {}
    return dict(g.get("_flask_flags", {}))


@pass_context
def active_feature(context, feature: str) -> bool:
    """The ``active_feature`` Jinja test that init_app registers:
    ``{% if "name" is active_feature %}``, :func:`is_active` in a
    template. ``pass_context`` keeps Jinja from calling it while it
    compiles a template, and from keeping that answer in the cache.
    """
    return is_active(feature)


class FeatureFlag:
    """The extension: ``FeatureFlag(app)``, or ``FeatureFlag()`` then
    ``init_app(app)`` in an app factory. One object can serve many apps.

    *handlers*: the object's chain, a list that every app it serves
    asks unless the app has a chain of its own; it starts as
    ``[AppConfigFlagHandler]``. Assign a new list to replace it; change
    it with :meth:`add_handler`, :meth:`remove_handler` and
    :meth:`clear_handlers`, which are safe while requests run.

    Pattern: Flask's "Flask Extension Development" page and
    Flask-FeatureFlags 0.6's ``FeatureFlag``.
    """

    def __init__(self, app: Flask | None = None) -> None:
        self._lock = threading.Lock()  # for writers; readers never wait
        self.handlers = [AppConfigFlagHandler]
        if app is not None:
            self.init_app(app)

    @property
    def handlers(self) -> list:
        """The object's chain. Raises TypeError when set to anything
        but a list (``None`` included): clear_handlers() empties it."""
        return self._handlers

    @handlers.setter
    def handlers(self, chain: list) -> None:
        if not isinstance(chain, list):
            raise TypeError(f"flask_flags: handlers must be a list, not"
                            f" {chain!r}. To turn every flag off, call"
                            " clear_handlers().")
        self._handlers = chain

    def init_app(self, app: Flask) -> None:
        """Install the extension on *app*.

        Sets the defaults ``FEATURE_FLAGS = {}`` and
        ``RAISE_ERROR_ON_MISSING_FEATURES = False`` (values the app set
        win), stores an :class:`AppState` in
        ``app.extensions["flask_flags"]`` and registers the
        ``active_feature`` Jinja test. Keeps nothing of *app* on self.

        Raises RuntimeError if *app* has a FeatureFlag already.
        """
        if EXTENSION_NAME in app.extensions:
            raise RuntimeError(
                f"flask_flags: the app {app.name!r} already has a"
                " FeatureFlag. Call 'init_app' once per app.")
        app.config.setdefault(FEATURE_FLAGS_CONFIG, {})
        app.config.setdefault(RAISE_ERROR_ON_MISSING_FEATURES, False)
        app.extensions[EXTENSION_NAME] = AppState(extension=self)
        app.add_template_test(active_feature, "active_feature")

    def add_handler(self, function: Handler,
                    app: Flask | None = None) -> None:
        """Append *function* to the object's chain, or with *app* to
        that app's own chain.

        The first change with *app* gives the app a chain of its own, a
        copy of the object's chain at that moment; from then on the two
        are independent: changes without ``app=`` no longer reach it.

        Safe while requests run: writers take the object's lock, and
        the new list is swapped in whole. Raises RuntimeError if *app*
        is not served by this object.
        """
        with self._lock:
            chain = [*self._chain_of(app), function]  # a new list
            self._replace_chain(app, chain)

    def remove_handler(self, function: Handler,
                       app: Flask | None = None) -> None:
        """Remove the first *function* from the object's chain, or with
        *app* from that app's chain (its own chain, made as
        :meth:`add_handler` says). An absent *function* changes
        nothing: no error, and no chain of its own for *app*. Raises
        RuntimeError if *app* is not served by this object.
        """
        with self._lock:
            chain = list(self._chain_of(app))
            if function in chain:
                chain.remove(function)
                self._replace_chain(app, chain)

    def clear_handlers(self, app: Flask | None = None) -> None:
        """Empty the object's chain, or give *app* an empty chain of
        its own: every flag is then missing, so off. Raises
        RuntimeError if *app* is not served by this object."""
        with self._lock:
            self._replace_chain(app, [])

    def check(self, feature: str) -> bool:
        """0.6's name for :func:`is_active`: asks the current app's
        chain, and keeps the answer for the request."""
        return is_active(feature)

    def _chain_of(self, app: Flask | None) -> list:
        if app is None:
            return self.handlers
        return self._state_of(app).chain()

    def _replace_chain(self, app: Flask | None, chain: list) -> None:
        if app is None:
            self.handlers = chain
        else:
            self._state_of(app).handlers = chain

    def _state_of(self, app: Flask) -> AppState:
        state = app.extensions.get(EXTENSION_NAME)
        if state is None or state.extension is not self:
            raise RuntimeError(f"flask_flags: the app {app.name!r} is not"
                               " registered with this FeatureFlag. Did"
                               " you forget to call 'init_app'?")
        return state


def ask_handlers(feature: str, handlers: list) -> Answer:
    """Ask *handlers* in order about *feature*; return an :class:`Answer`.

    The first handler that answers True wins at once. One that raises
    NoFeatureFlagFound does not know the flag: the next is asked. One
    that raises StopCheckingFeatureFlags turns the flag off, and no
    other is asked. A handler that raises anything else, or answers
    anything but a bool, turns it off too, logged with its traceback:
    the chain fails closed. If nobody said True, the first handler that
    said False is the answer; if nobody knew the flag, it is "missing".
    Pattern: Flask-FeatureFlags 0.6's ``FeatureFlag.check``.
    """
    said_off = None  # the first handler that answered False
    for handler in handlers:
        try:
            if _ask_one(handler, feature):  # a bool, or raises
                return Answer(True, "on", handler)
            said_off = said_off or Answer(False, "off", handler)
        except NoFeatureFlagFound:  # not its flag: ask the next
            continue
        except Exception as error:  # stopped, or failed: off
            return _stopped_at(handler, feature, error)
    return said_off or Answer(False, "missing", None)


def _ask_one(handler: Handler, feature: str) -> bool:
    answer = handler(feature)
    if answer is not True and answer is not False:
        raise TypeError(f"{answer!r} is not a bool")
    return answer


def _stopped_at(handler: Handler, feature: str, error) -> Answer:
    if isinstance(error, StopCheckingFeatureFlags):
        return Answer(False, "off", handler)  # the handler said so
    log.error("flask_flags: handler %r failed on %r: off", handler,
              feature, exc_info=error)  # fail closed
    return Answer(False, "error", handler)


def _ask_the_app(feature: str) -> Answer:
    app = current_app._get_current_object()  # the signal's sender
    answer = ask_handlers(feature, _state(app).chain())
    if answer.reason != "missing":
        return answer
    if app.debug and app.config.get(RAISE_ERROR_ON_MISSING_FEATURES):
        raise KeyError(f"No feature flag defined for {feature!r}")
    log.info("No feature flag defined for %r", feature)
    missing_feature.send(app, feature=feature)
    return answer


def AppConfigFlagHandler(feature: str) -> bool:  # noqa: N802 (0.6)
    """The default handler: ``FEATURE_FLAGS[feature]`` of the current
    app. Raises NoFeatureFlagFound if the flag (or FEATURE_FLAGS
    itself) is absent. Outside an app context: False, with a warning.
    """
    if not has_app_context():
        log.warning("flask_flags: %r checked outside an app context",
                    feature)
        return False
    try:
        return current_app.config[FEATURE_FLAGS_CONFIG][feature]
    except KeyError:
        raise NoFeatureFlagFound(feature) from None


def is_active_feature(feature, redirect_to=None, redirect=None):
    """Decorate a view (``def`` or ``async def``) so that it runs only
    while the flag *feature* is on. While it is off the view answers a
    redirect to the URL *redirect_to*, or to the endpoint *redirect*
    (through ``url_for``), or else 404. An unknown endpoint is logged
    and answered 404. Async views run through
    ``current_app.ensure_sync``, as Flask's page on async views asks.

    Raises ValueError if both *redirect_to* and *redirect* are given.
    Pattern: Flask-FeatureFlags 0.6's ``is_active_feature``.
    """
    if redirect_to and redirect:
        raise ValueError("flask_flags: pass redirect_to (a URL)"
                         " or redirect (an endpoint), not both")
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not is_active(feature):
                return _off(feature, redirect_to, redirect)
            return current_app.ensure_sync(view)(*args, **kwargs)
        return wrapper
    return decorator


def _off(feature: str, url: str | None, endpoint: str | None):
    try:
        url = url_for(endpoint) if endpoint else url
    except BuildError:
        log.error("flask_flags: %r is off and redirect=%r is no"
                  " endpoint: 404. Check its name.", feature, endpoint)
    if url:
        return _redirect(url, code=302)  # 0.6 did; Flask 3.2 says 303
    abort(404)


def _state(app: Flask) -> AppState:
    if EXTENSION_NAME not in app.extensions:
        raise RuntimeError(
            f"flask_flags: the app {app.name!r} has no FeatureFlag."
            " Did you forget to call 'init_app'?")
    return app.extensions[EXTENSION_NAME]

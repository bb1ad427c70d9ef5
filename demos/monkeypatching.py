"""Monkeypatching, the real kind: Flask-DebugToolbar and async views (talk section 4).

Flask-DebugToolbar 0.16's ``init_app`` replaces one method of your app:
``app.dispatch_request = self.dispatch_request``
(flask_debugtoolbar/__init__.py, ``DebugToolbarExtension.init_app``). Its
``dispatch_request`` is a copy of Flask's that lets the toolbar's panels
wrap the view (``process_view``). Flask's own, ``Flask.dispatch_request``
in flask/app.py, has called the view through ``app.ensure_sync`` since
Flask 2.0: an ``async def`` view then runs in an event loop (asgiref,
which Flask's ``async`` extra installs). The copy calls the view
directly, so an async view hands back a coroutine, which Flask cannot
turn into a response: TypeError, answered with a 500. Turn the toolbar
on and every async view of the app breaks. Upstream:
https://github.com/pallets-eco/flask-debugtoolbar/issues/158, open since
2021.

The tame fixes here give the toolbar the view the way Flask would call
it, ``app.ensure_sync(view)``, before its panels see it:

* ``SyncViewsToolbar``, a subclass of the extension: use it instead of
  ``DebugToolbarExtension``; nothing global changes.
* ``patched(owner, name, wrap)`` with ``sync_view_first``: the same fix on
  one toolbar object (``patched(toolbar, "process_view",
  sync_view_first)``) for the length of a ``with`` block; the original is
  put back on the way out, also when the block raises. ``patched`` raises
  AttributeError, changing nothing, when *owner* has no such attribute
  (renamed in a new release, or misspelt).

The app (``create_app``) has the plain toolbar, on in debug mode only
(``DEBUG_TB_ENABLED`` defaults to ``app.debug``; the tests set it), a
``def`` view ``/sync`` and an ``async def`` view ``/async``. ``/compare``
sends ``GET /async`` through ``wsgi_app`` of fresh apps, without the
toolbar, with it, with the subclass, and inside and after a ``patched``
block, and returns their status codes. Its receiver ``close_leftovers``
frees the coroutine the bug leaves behind as soon as the 500 is made.

Patterns: ``unittest.mock.patch.object``, which restores the same way;
Flask's "Using async and await" page
(https://flask.palletsprojects.com/en/stable/async-await/), which asks
extensions to call views through ``ensure_sync``.
"""

from __future__ import annotations

import asyncio
import traceback
import warnings
from contextlib import contextmanager
from functools import wraps

from flask import Flask, got_request_exception
from flask_debugtoolbar import DebugToolbarExtension
from werkzeug.test import Client

# Flask-DebugToolbar 0.16's template and SQLAlchemy panels add routes to the
# toolbar's one shared blueprint when they are first imported, and Flask 3
# refuses new routes on a blueprint an app has registered already: import
# them before any toolbar app exists (see demos/debugtoolbar.py).
import flask_debugtoolbar.panels.sqlalchemy  # noqa: E402,F401  isort:skip
import flask_debugtoolbar.panels.template  # noqa: E402,F401  isort:skip

from demos._common import add_index, new_app

_MISSING = object()

#: One light panel: the bug is in the dispatch, whatever the panels.
PANELS = ("flask_debugtoolbar.panels.timer.TimerDebugPanel",)


# [start:patched]
@contextmanager
def patched(owner, name, wrap):
    """Inside the block, ``owner.name`` is ``wrap(original)``;
    *owner* is a class (for its instances) or one object.
    AttributeError, nothing changed, if *owner* has no *name*."""
    saved = vars(owner).get(name, _MISSING)
    setattr(owner, name, wrap(getattr(owner, name)))
    try:
        yield
    finally:  # put back exactly what was there, even on errors
        if saved is _MISSING:
            delattr(owner, name)  # the inherited method shows again
        else:
            setattr(owner, name, saved)
# [end:patched]


# sync_view_first wraps the bound process_view(app, view, view_args) of
# one toolbar object, for patched(toolbar, "process_view", ...).
# [start:wrapper]
def sync_view_first(process_view):
    @wraps(process_view)
    def process_sync_view(app, view_func, view_args):
        view_func = app.ensure_sync(view_func)  # as Flask does
        return process_view(app, view_func, view_args)
    return process_sync_view
# [end:wrapper]


# The toolbar, with async views working: its panels get the view the
# way Flask's own dispatch_request would call it.
# [start:subclass]
class SyncViewsToolbar(DebugToolbarExtension):
    def process_view(self, app, view_func, view_args):
        view_func = app.ensure_sync(view_func)  # as Flask does
        return super().process_view(app, view_func, view_args)
# [end:subclass]


def create_app(test_config=None, toolbar_class=DebugToolbarExtension):
    """Return the demo app with a new *toolbar_class* installed (the plain
    ``DebugToolbarExtension`` unless told); the toolbar is on in debug mode,
    or when *test_config* sets ``DEBUG_TB_ENABLED``."""
    app = new_app(__name__, test_config,
                  DEBUG_TB_HOSTS=("127.0.0.1",),
                  DEBUG_TB_INTERCEPT_REDIRECTS=False,
                  DEBUG_TB_PANELS=PANELS)
    app.add_url_rule("/sync", view_func=sync_view)
    app.add_url_rule("/async", view_func=async_view)
    app.add_url_rule("/compare", view_func=compare)
    app.extensions["monkeypatching_toolbar"] = toolbar_class(app)
    got_request_exception.connect(close_leftovers, app)
    state = ("on: /async answers 500" if app.config["DEBUG_TB_ENABLED"]
             else "off (serve with --debug to switch it on)")
    add_index(app, "Monkeypatching", "Flask-DebugToolbar replaces "
              "app.dispatch_request, and its copy calls views without "
              f"ensure_sync. The toolbar is {state}.", [
                  ("/sync", "a def view: fine either way"),
                  ("/async", "an async def view: 500 with the toolbar on"),
                  ("/compare", "GET /async on fresh apps: no toolbar, "
                   "the toolbar, the subclass, a patch and its undoing"),
              ])
    return app


def sync_view():
    """``{"view": "def"}``."""
    return {"view": "def"}


# An async view: Flask runs it in an event loop (asgiref) through
# ensure_sync; it returns {"view": "async def"}.
# [start:async-view]
async def async_view():
    await asyncio.sleep(0)  # give the event loop a turn
    return {"view": "async def"}
# [end:async-view]


def close_leftovers(sender, exception, **extra):
    """``got_request_exception`` receiver: under the plain toolbar, the
    async view's coroutine, never awaited, is left in the frames of the
    exception's traceback. Clearing them frees it now, and quietly,
    rather than at some later garbage collection with a RuntimeWarning
    ("coroutine ... was never awaited"). The logged traceback keeps its
    lines; only the frames' local variables go."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        traceback.clear_frames(exception.__traceback__)


def status_of_async(app: Flask) -> int:
    """The status code of ``GET /async`` through ``app.wsgi_app``, from
    127.0.0.1, as a browser on this machine sends it."""
    client = Client(app.wsgi_app)
    response = client.get("/async", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    return response.status_code


def compare():
    """JSON: ``GET /async``'s status code on fresh apps (TESTING off, so a
    failure is a 500, as a server answers)."""
    config = {"DEBUG_TB_ENABLED": True, "TESTING": False,
              "PROPAGATE_EXCEPTIONS": False}
    patched_app = create_app(config)
    toolbar = patched_app.extensions["monkeypatching_toolbar"]
    with patched(toolbar, "process_view", sync_view_first):
        inside = status_of_async(patched_app)
    return {
        "no toolbar": status_of_async(create_app(
            {**config, "DEBUG_TB_ENABLED": False})),
        "toolbar": status_of_async(create_app(config)),
        "SyncViewsToolbar": status_of_async(create_app(
            config, SyncViewsToolbar)),
        "inside patched()": inside,
        "after patched()": status_of_async(patched_app),
    }

"""Signals: hooking into the request lifecycle (talk section 2).

Flask sends ``request_started`` before a view runs, ``request_finished``
with the response, and ``got_request_exception`` when a view raises. An
extension connects receivers to them for one app (``sender=app``), so two
apps in one process keep their records apart. An app can also define its
own signals with ``flask.signals.Namespace``.

Pattern: Flask's "Signals" page
(https://flask.palletsprojects.com/en/stable/signals/).
"""

from time import perf_counter

from flask import (current_app, g, got_request_exception, request,
                   request_finished, request_started)
from flask.signals import Namespace

from demos._common import add_index, new_app

# [start:custom-signal]
_signals = Namespace()
page_viewed = _signals.signal("page-viewed")
# [end:custom-signal]


def create_app(test_config=None):
    """Return the signals demo app; its records are in
    ``app.extensions["signals_demo"]``, a list of dicts."""
    app = new_app(__name__, test_config)
    app.extensions["signals_demo"] = []
    connect_receivers(app)
    got_request_exception.connect(on_exception, app)
    page_viewed.connect(on_page_viewed, app)
    add_index(app, "Signals", "Receivers on request_started, "
              "request_finished and got_request_exception record every "
              "request; a custom page_viewed signal counts page views.", [
                  ("/hello", "a request the receivers time"),
                  ("/fail", "a view that raises: got_request_exception"),
                  ("/log", "what the receivers recorded, as JSON"),
              ])
    app.add_url_rule("/hello", view_func=hello)
    app.add_url_rule("/fail", view_func=fail)
    app.add_url_rule("/log", view_func=show_log)
    return app


# [start:receivers]
def connect_receivers(app):  # for this app only: sender=app
    request_started.connect(on_started, app)
    request_finished.connect(on_finished, app)

def on_started(sender, **extra):
    g._signals_demo_start = perf_counter()

def on_finished(sender, response, **extra):
    seconds = perf_counter() - g._signals_demo_start
    _record(sender, "finished", seconds=seconds,
            status=response.status_code)
# [end:receivers]


def on_exception(sender, exception, **extra):
    _record(sender, "exception", error=type(exception).__name__)


def on_page_viewed(sender, page, **extra):
    _record(sender, "page_viewed", page=page)


def _record(app, event, **details):
    app.extensions["signals_demo"].append(
        {"event": event, "path": request.path, **details})


def hello():
    # [start:send]
    page_viewed.send(current_app._get_current_object(), page="hello")
    # [end:send]
    return "Hello! Two receivers saw this request."


def fail():
    raise RuntimeError("this view always fails")


def show_log():
    return {"events": current_app.extensions["signals_demo"]}

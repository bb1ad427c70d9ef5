"""Every built-in Flask signal, in the order one request fires them (talk section 2).

One receiver per signal, connected for this app only (``sender=app``),
records the signal's name. ``appcontext_pushed`` starts a new record, one
per application context: for a request that flashes a message and renders a
template, ``appcontext_pushed``, ``request_started``, ``message_flashed``,
``before_render_template``, ``template_rendered``, ``request_finished``,
``request_tearing_down``, ``appcontext_tearing_down``, ``appcontext_popped``.
A view that raises (unhandled) sends ``got_request_exception`` instead of
the template signals. The last three fire after the response was built, so
``/log`` shows the records of earlier requests; they are also in
``app.extensions["all_signals"]``. The records assume one request at a time:
concurrent requests would mix their signals into one record.

Pattern: Flask's "Signals" page and its list of core signals
(https://flask.palletsprojects.com/en/stable/api/#core-signals-list).
"""

from collections import deque
from functools import partial

from flask import (appcontext_popped, appcontext_pushed,
                   appcontext_tearing_down, before_render_template,
                   current_app, flash, got_request_exception,
                   message_flashed, render_template_string, request,
                   request_finished, request_started, request_tearing_down,
                   template_rendered)

from demos._common import add_index, new_app

#: How many records (application contexts) the app keeps.
KEEP = 20


def create_app(test_config=None):
    """Return the all-signals demo app. ``app.extensions["all_signals"]``
    is a deque of records ``{"path": str or None, "signals": [names]}``,
    one per application context, oldest first."""
    app = new_app(__name__, test_config)
    app.extensions["all_signals"] = deque(maxlen=KEEP)
    connect_all(app)
    add_index(app, "All of Flask's signals", "One receiver per built-in "
              "signal records the order they fire in.", [
                  ("/page", "flashes a message and renders a template"),
                  ("/fail", "a view that raises: got_request_exception"),
                  ("/log", "the signals of the earlier requests, in order"),
              ])
    app.add_url_rule("/page", view_func=page)
    app.add_url_rule("/fail", view_func=fail)
    app.add_url_rule("/log", view_func=show_log)
    return app


# connect_all(app) connects record() to each signal for *app* only; weak=False
# because the partial objects would otherwise be garbage at once.
# [start:connect]
SIGNALS = [appcontext_pushed, request_started, message_flashed,
           before_render_template, template_rendered,
           got_request_exception, request_finished,
           request_tearing_down, appcontext_tearing_down,
           appcontext_popped]

def connect_all(app):
    for signal in SIGNALS:
        name = signal.name.replace("-", "_")
        signal.connect(partial(record, name), app, weak=False)
# [end:connect]


def record(name, sender, **extra):
    """Receiver: append *name* to *sender*'s current record; a new record
    starts at ``appcontext_pushed``; ``request_started`` notes the path."""
    records = sender.extensions["all_signals"]
    if name == "appcontext_pushed" or not records:
        records.append({"path": None, "signals": []})
    if name == "request_started":
        records[-1]["path"] = request.path
    records[-1]["signals"].append(name)


def page():
    """Flash a message and render it: both template signals fire."""
    flash("Signals fired.")
    return render_template_string(
        "{% for message in get_flashed_messages() %}"
        "<p>{{ message }}</p>{% endfor %}")


def fail():
    """Raise RuntimeError, unhandled: got_request_exception fires."""
    raise RuntimeError("this view always fails")


def show_log():
    """The finished records, oldest first (this request's is unfinished)."""
    return {"records": list(current_app.extensions["all_signals"])[:-1]}

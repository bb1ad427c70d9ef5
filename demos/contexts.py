"""Application and request contexts, and how long ``g`` lives (talk section 2).

In Flask 3.1, ``current_app`` and ``g`` belong to the application context;
``request`` and ``session`` to the request context. Flask pushes both for
each request and pops them after it. (Flask 3.2 merges the two into one
context; nothing here depends on which.) A CLI command gets an application context only, and
a new thread starts with none: touching a global there raises
``RuntimeError: Working outside of application context.`` Scripts and tests
push contexts by hand with ``app.app_context()`` and
``app.test_request_context()``.

``report()`` answers "where am I?": which contexts are active, and what each
global holds, or the first line of the error Flask raises for it.

Pattern: Flask's "The Application Context" and "The Request Context" pages
(https://flask.palletsprojects.com/en/stable/appcontext/,
https://flask.palletsprojects.com/en/stable/reqcontext/); Armin
Ronacher's talk "Advanced Flask Patterns", written for Flask 0.9
("Understanding State and Context").
"""

import json
from threading import Thread

import click
from flask import (current_app, g, has_app_context, has_request_context,
                   request, session)
from flask.cli import with_appcontext

from demos._common import add_index, new_app


def create_app(test_config=None):
    """Return the contexts demo app, with a ``flask report`` command."""
    app = new_app(__name__, test_config)
    add_index(app, "Contexts", "What current_app, g, request and session "
              "are inside a request, in a CLI command, in a new thread and "
              "in contexts pushed by hand; g lasts one app context.", [
                  ("/inside", "in a request: both contexts"),
                  ("/thread", "in a new thread: no context at all"),
                  ("/count", "g starts empty for every request"),
                  ("/by-hand", "contexts pushed by hand"),
              ])
    app.add_url_rule("/inside", view_func=inside)
    app.add_url_rule("/thread", view_func=thread)
    app.add_url_rule("/count", view_func=count_view)
    app.add_url_rule("/by-hand", view_func=by_hand_view)
    app.cli.add_command(report_command)
    return app


# report() returns a dict: "app_context" and "request_context" (bools), and
# for each global its value here, or the first line of Flask's RuntimeError.
# [start:report]
PROBES = {"current_app": lambda: current_app.name,
          "g": lambda: sorted(vars(g)),
          "request": lambda: request.path,
          "session": lambda: dict(session)}

def report():
    seen = {"app_context": has_app_context(),
            "request_context": has_request_context()}
    for name, probe in PROBES.items():
        try:
            seen[name] = probe()
        except RuntimeError as error:  # that context is not pushed
            seen[name] = str(error).splitlines()[0]
    return seen
# [end:report]


# count() adds one to a counter in g and returns it: the number of calls in
# the current application context (1 for the first call). by_hand() pushes
# each context on its own, never one inside the other: Flask 3.1 reuses an
# app context already pushed for a request context of the same app, and
# Flask 3.2 no longer will.
# [start:by-hand]
def count():
    g._contexts_count = g.get("_contexts_count", 0) + 1
    return g._contexts_count

def by_hand(app):
    with app.app_context():            # current_app and g
        first = count()
        second = count()               # same app context, same g
    with app.test_request_context("/by-hand?x=1"):  # + request:
        third = count()                # its own context, a fresh g
        seen = report()
    return {"counts": [first, second, third], "request": seen}
# [end:by-hand]


def inside():
    """``report()`` from a view, after using g and the session."""
    count()
    session["visits"] = session.get("visits", 0) + 1
    return report()


def in_new_thread(func, *args):
    """Return ``func(*args)`` called in a new thread, which starts with no
    Flask context (threads do not inherit context variables)."""
    result = {}

    def run():
        result["value"] = func(*args)

    worker = Thread(target=run)
    worker.start()
    worker.join()
    return result["value"]


def thread():
    """``report()`` from a thread the view starts: nothing is bound."""
    return in_new_thread(report)


def count_view():
    """``count()`` once: always 1, as g starts empty for each request."""
    return {"count": count()}


def by_hand_view():
    """``by_hand()`` on this app, run in a new thread so that no context
    of this request is active: counts [1, 2, 1] and the report made in
    the request context pushed by hand."""
    return in_new_thread(by_hand, current_app._get_current_object())


@click.command("report")
@with_appcontext
def report_command():
    """Print report() as JSON: a CLI command has an app context only."""
    click.echo(json.dumps(report(), sort_keys=True))

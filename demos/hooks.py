"""Request hooks and an error handler, in the order Flask calls them (talk section 2).

Every hook adds its name to a trace kept in ``g``; the
``teardown_appcontext`` function, the last to run, files the finished trace
in ``app.extensions["hooks_demo"]`` so the next request can show it (by then
the response of the traced request was already sent).

A good request runs ``before_request``, the view, ``after_request``,
``teardown_request`` and ``teardown_appcontext``. When the view raises an
exception that has an error handler, the handler's response takes the view's
place and every hook after it still runs; the teardown functions then get
``error=None``, as the error was handled. ``teardown_appcontext`` runs when
the application context ends: right after a request that pushed its own,
as every request a server sends does, but in Flask 3.1 a request inside an
app context pushed by hand (a test, a script) reuses that context, and
its ``teardown_appcontext`` waits for the end of the ``with`` block.

Pattern: Flask's "Application Structure and Lifecycle" page
(https://flask.palletsprojects.com/en/stable/lifecycle/); Armin
Ronacher's talk "Advanced Flask Patterns", written for Flask 0.9
("Teardown Management").
"""

from functools import partial

from flask import current_app, g

from demos._common import add_index, new_app


class PageMissing(Exception):
    """Raised by a view; the app's error handler turns it into a 404."""


def create_app(test_config=None):
    """Return the hooks demo app; ``app.extensions["hooks_demo"]`` is the
    trace of the last finished request: a list of hook names."""
    app = new_app(__name__, test_config)
    app.extensions["hooks_demo"] = []
    add_hooks(app)
    add_index(app, "Hooks", "Each hook records its name; /trace shows the "
              "order of the previous request.", [
                  ("/ok", "a good request"),
                  ("/missing", "a view that raises: the error handler answers"),
                  ("/trace", "the hooks of the previous request, in order"),
              ])
    app.add_url_rule("/ok", view_func=ok)
    app.add_url_rule("/missing", view_func=missing)
    app.add_url_rule("/trace", view_func=show_trace)
    return app


# trace(step, value) appends step to this request's trace and returns value,
# so after_request hands its response back and before_request returns None.
# [start:hooks]
def trace(step, value=None):
    g.setdefault("_hooks_trace", []).append(step)
    return value

def add_hooks(app):
    app.before_request(partial(trace, "before_request"))
    app.after_request(partial(trace, "after_request"))
    app.teardown_request(partial(trace, "teardown_request"))
    app.teardown_appcontext(file_trace)
    app.register_error_handler(PageMissing, not_found)

def not_found(error):
    trace("errorhandler")
    return {"error": str(error)}, 404
# [end:hooks]


def file_trace(error):
    """teardown_appcontext: record the step, then keep the whole trace."""
    trace("teardown_appcontext")
    current_app.extensions["hooks_demo"] = g.pop("_hooks_trace")


def ok():
    """A good view."""
    trace("view")
    return {"ok": True}


def missing():
    """A view that raises PageMissing, handled by ``not_found``."""
    trace("view")
    raise PageMissing("there is no such page")


def show_trace():
    """The previous request's trace (this one's is not finished yet)."""
    return {"previous": current_app.extensions["hooks_demo"]}

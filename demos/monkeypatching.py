"""Monkeypatching Flask at run time, and putting it back (talk section 4).

Some extensions replace Flask's own methods: Flask-DebugToolbar 0.16, when
enabled, sets ``app.dispatch_request`` to its own in ``init_app``.
``patched`` replaces a method for the length of a ``with`` block and
restores the original on the way out, also when the block raises.
``count_responses`` is the wrapper used here: it wraps ``make_response``,
so every response the wrapped method makes, errors included, gets an
``X-Response-Count`` header (1, 2, ...).

Patch the class (``Flask``) and every app in the process that uses
Flask's ``make_response`` changes, mid-request too; patch one app and only
that app does. Either way it is global state that depends on order: a
patch put back out of order resurrects a wrapper nobody owns (see the
tests). A method that is not there (renamed in a new Flask, or misspelt)
fails loudly: ``patched`` raises AttributeError before changing anything.

Pattern: Armin Ronacher's talk "Advanced Flask Patterns" (written for
Flask 0.9) for ``make_response``, and ``unittest.mock.patch.object``,
which restores the same way.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import wraps
from itertools import count

from flask import Flask, current_app, request

from demos._common import add_index, new_app

HEADER = "X-Response-Count"
_MISSING = object()


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


# [start:wrapper]
def count_responses(make_response):
    """Wrap *make_response*: add X-Response-Count (1, 2, ...)."""
    numbers = count(1)

    @wraps(make_response)
    def counting(*args):  # (self, rv) on the class, (rv) on an app
        response = make_response(*args)
        response.headers[HEADER] = str(next(numbers))
        return response
    return counting
# [end:wrapper]


def create_app(test_config=None):
    """Return the monkeypatching demo app."""
    app = new_app(__name__, test_config)
    add_index(app, "Monkeypatching", "patched() replaces make_response "
              "inside a with block and puts the original back after it.", [
                  ("/patch", "patch this app only, make three responses, "
                   "unpatch, make one more"),
                  ("/patch?scope=class", "the same on the Flask class: "
                   "every app in the process"),
              ])
    app.add_url_rule("/patch", view_func=patch_demo)
    return app


def patch_demo():
    """JSON: the X-Response-Count of responses made inside and after the
    block, and whether the original method is back."""
    app = current_app._get_current_object()
    owner = Flask if request.args.get("scope") == "class" else app
    with patched(owner, "make_response", count_responses):
        inside = [app.make_response("hi").headers.get(HEADER)
                  for _ in range(3)]
    after = app.make_response("hi").headers.get(HEADER)
    restored = ("make_response" not in vars(app)
                and app.make_response.__func__ is vars(Flask)["make_response"])
    return {"scope": "class" if owner is Flask else "app",
            "inside": inside, "after": after, "restored": restored}

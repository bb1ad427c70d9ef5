"""Subclassing Flask: custom return types and a default header (talk section 2).

``JSONFlask.make_response`` accepts any object with a ``to_json()`` method
as a view's return value: it turns the object into the dict ``to_json()``
returns, and Flask answers a dict with JSON. It also gives every response
the header ``X-Content-Type-Options: nosniff``, unless the view set that
header itself: JSON, strings, redirects, ``abort(404)``, routing errors
and unhandled exceptions (500) all reach the client through
``make_response``. (In debug or testing mode an unhandled exception is
re-raised instead, and the 500 comes from the debugger or the server.)

Why not a ``response_class`` that sets the header in ``__init__``? Flask
turns an HTTP error (a 404, a 500) into a response with
``response_class.force_type``, which swaps the ``__class__`` of Werkzeug's
own response without calling ``__init__``: errors would lack the header.

Pattern: Armin Ronacher's talk "Advanced Flask Patterns" ("Custom Return
Types"), written for Flask 0.9; Flask's API docs for
``Flask.make_response``
(https://flask.palletsprojects.com/en/stable/api/#flask.Flask.make_response).
"""

from dataclasses import dataclass

from flask import Flask, abort, redirect, url_for

from demos._common import add_index, new_app


# A Flask subclass that lets views return any object with a
# to_json() method and gives every response a default header.
# [start:subclass]
class JSONFlask(Flask):
    def make_response(self, rv):
        if hasattr(rv, "to_json"):
            rv = rv.to_json()  # a dict: Flask answers with JSON
        response = super().make_response(rv)
        # Every response passes here, errors and redirects too.
        response.headers.setdefault(
            "X-Content-Type-Options", "nosniff")
        return response
# [end:subclass]


@dataclass
class User:
    """A user; ``to_json()`` returns ``{"id": int, "username": str}``."""

    id: int
    username: str

    def to_json(self):
        return {"id": self.id, "username": self.username}


USERS = {42: User(42, "john"), 7: User(7, "ada")}


def create_app(test_config=None):
    """Return the subclassing demo app, an instance of ``JSONFlask``."""
    app = new_app(__name__, test_config, app_class=JSONFlask)
    add_index(app, "Subclassing Flask", "Views return User objects; "
              "JSONFlask.make_response turns them into JSON and gives "
              "every response X-Content-Type-Options: nosniff.", [
                  ("/users/42", "a view that returns a User object"),
                  ("/users/1", "no such user: abort(404), still nosniff"),
                  ("/text", "a plain string, as usual"),
                  ("/go", "a redirect to /text, still nosniff"),
                  ("/fail", "a view that raises: a 500, still nosniff"),
              ])
    app.add_url_rule("/users/<int:user_id>", view_func=user)
    app.add_url_rule("/text", view_func=text)
    app.add_url_rule("/go", view_func=go)
    app.add_url_rule("/fail", view_func=fail)
    return app


def user(user_id):
    """The User with *user_id*, returned as an object; 404 if unknown."""
    if user_id not in USERS:
        abort(404)
    return USERS[user_id]


def text():
    """A string: ``make_response`` leaves it to Flask."""
    return "Just text."


def go():
    """A 302 redirect to ``/text`` (explicit: Flask 3.2 defaults to 303)."""
    return redirect(url_for("text"), code=302)


def fail():
    """Raises RuntimeError: an unhandled exception, so a 500."""
    raise RuntimeError("this view always fails")

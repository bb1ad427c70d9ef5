"""Subclassing Flask: custom return types and a custom response class (talk section 2).

``JSONFlask.make_response`` accepts any object with a ``to_json()`` method
as a view's return value: it turns the object into the dict ``to_json()``
returns, and Flask answers a dict with JSON. ``JSONFlask.response_class`` is
``NoSniffResponse``, a Response subclass whose every instance, including
JSON, error and redirect responses, carries ``X-Content-Type-Options:
nosniff`` unless the view set that header itself.

Pattern: seed 004, Advanced Flask Patterns ("Custom Return Types"); Flask's
API docs for ``Flask.make_response`` and ``Flask.response_class``
(https://flask.palletsprojects.com/en/stable/api/#flask.Flask.make_response).
"""

from dataclasses import dataclass

from flask import Flask, Response, abort

from demos._common import add_index, new_app


# A Response that sets a default header, and a Flask subclass that uses it
# and lets views return any object with a to_json() method.
# [start:subclass]
class NoSniffResponse(Response):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers.setdefault("X-Content-Type-Options", "nosniff")

class JSONFlask(Flask):
    response_class = NoSniffResponse

    def make_response(self, rv):
        if hasattr(rv, "to_json"):
            rv = rv.to_json()  # a dict: Flask answers with JSON
        return super().make_response(rv)
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
              "JSONFlask.make_response turns them into JSON, and every "
              "response is a NoSniffResponse.", [
                  ("/users/42", "a view that returns a User object"),
                  ("/users/1", "no such user: a 404, still a NoSniffResponse"),
                  ("/text", "a plain string, as usual"),
              ])
    app.add_url_rule("/users/<int:user_id>", view_func=user)
    app.add_url_rule("/text", view_func=text)
    return app


def user(user_id):
    """The User with *user_id*, returned as an object; 404 if unknown."""
    if user_id not in USERS:
        abort(404)
    return USERS[user_id]


def text():
    """A string: ``make_response`` leaves it to Flask."""
    return "Just text."

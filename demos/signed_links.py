"""Signed activation links instead of stored tokens (talk section 4).

An activation link carries the user name, signed with the app's
``SECRET_KEY`` by itsdangerous' ``URLSafeTimedSerializer`` with the salt
``"activate"``, so a token made for another purpose (another salt) does not
work here. Nothing is stored when the link is made; ``/activate/<code>``
checks the signature and its age (``ACTIVATION_MAX_AGE``, seconds).
A tampered or foreign link is a 404, an expired one a 410 with a message;
never a 500. Using a link twice says the account is already active: the
signature cannot tell, so that check needs the user's state (here a set per
app, standing in for the users table).

Pattern: Armin Ronacher's talk "Advanced Flask Patterns", written for
Flask 0.9 ("Sign&Roundtrip instead of Store"), rewritten with itsdangerous 2.2's timed serializer.
"""

from __future__ import annotations

from flask import abort, current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from demos._common import add_index, new_app

EXTENSION_NAME = "signed_links"


# [start:links]
def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key,
                                  salt="activate")

def activate(code):
    max_age = current_app.config["ACTIVATION_MAX_AGE"]  # seconds
    try:
        user = _serializer().loads(code, max_age=max_age)
    except SignatureExpired:
        abort(410, "This link has expired: ask for a new one.")
    except BadSignature:
        abort(404)
    return _activate_once(user)
# [end:links]


def _activate_once(user: str) -> dict:
    active = current_app.extensions[EXTENSION_NAME]
    if user in active:
        return {"user": user, "activated": False,
                "message": "already active"}
    active.add(user)
    return {"user": user, "activated": True}


def activation_link(user: str) -> str:
    """An absolute URL that activates *user* (a name); nothing is stored."""
    code = _serializer().dumps(user)
    return url_for("activate", code=code, _external=True)


def signup(user):
    """Stand-in for the e-mail: returns the activation link as JSON."""
    return {"user": user, "link": activation_link(user)}


def create_app(test_config=None):
    """Return the signed-links demo app; links expire after
    ``ACTIVATION_MAX_AGE`` seconds (default one day)."""
    app = new_app(__name__, test_config, ACTIVATION_MAX_AGE=24 * 3600)
    app.extensions[EXTENSION_NAME] = set()  # activated users
    app.add_url_rule("/signup/<user>", view_func=signup)
    app.add_url_rule("/activate/<code>", view_func=activate)
    add_index(app, "Signed links", "An activation link signed with the "
              "secret key, the salt 'activate' and a maximum age: nothing "
              "is stored until the link comes back.", [
                  ("/signup/ada", "make a link for ada, then follow it"),
                  ("/activate/not-a-valid-code", "a bad link: 404"),
              ])
    return app

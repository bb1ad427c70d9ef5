"""Blueprints registered twice, and a language code pulled from the URL (talk section 2).

``users`` is one blueprint with one view, ``profile(username)``. It is
registered twice: under ``/users/<username>``, and under ``/special/admin``
with ``url_defaults={"username": "admin"}``. Flask 3.1 raises ValueError
when a blueprint is registered again under a name already taken, so the
second registration has its own ``name=`` ("admin"), which becomes its
endpoint prefix (``admin.profile``).

``pages`` has ``/<lang_code>`` in its URL prefix. A URL value preprocessor
moves the code out of the view arguments into ``g.lang_code``, and a URL
defaults function puts it back into every ``url_for`` for a ``pages``
endpoint, so views neither take nor pass it.

Patterns: Armin Ronacher's talk "Advanced Flask Patterns", written for
Flask 0.9 ("Multi-Register Blueprints", "URL Value Pulling"); Flask's "Using URL Processors" page
(https://flask.palletsprojects.com/en/stable/patterns/urlprocessors/).
"""

from flask import Blueprint, g, url_for

from demos._common import add_index, new_app

users = Blueprint("users", __name__)


@users.route("/")
def profile(username):
    """``{"user": username, "url": this page's URL}``."""
    return {"user": username, "url": url_for(".profile", username=username)}


# Registers ``users`` on *app* twice: "users" and "admin".
# [start:register-twice]
def register_users(app):
    app.register_blueprint(users, url_prefix="/users/<username>")
    app.register_blueprint(users, name="admin",
                           url_prefix="/special/admin",
                           url_defaults={"username": "admin"})
# [end:register-twice]


# [start:lang-code]
pages = Blueprint("pages", __name__, url_prefix="/<lang_code>")

@pages.url_value_preprocessor
def pull_lang_code(endpoint, values):
    g.lang_code = values.pop("lang_code")

@pages.url_defaults
def add_lang_code(endpoint, values):
    values.setdefault("lang_code", g.lang_code)
# [end:lang-code]


@pages.route("/")
def home():
    """``{"lang_code": ..., "about": URL of about, same language}``."""
    return {"lang_code": g.lang_code, "about": url_for(".about")}


@pages.route("/about")
def about():
    """``{"lang_code": ..., "home": URL of home, same language}``."""
    return {"lang_code": g.lang_code, "home": url_for(".home")}


def create_app(test_config=None):
    """Return the blueprints demo app."""
    app = new_app(__name__, test_config)
    register_users(app)
    app.register_blueprint(pages)
    add_index(app, "Blueprints", "One blueprint registered twice; a "
              "language code pulled from the URL into g and put back by "
              "url_for.", [
                  ("/users/ada/", "users.profile, username from the URL"),
                  ("/special/admin/", "admin.profile, username from "
                   "url_defaults"),
                  ("/fr/", "pages.home: g.lang_code is 'fr'"),
                  ("/de/about", "pages.about links home in German"),
              ])
    return app

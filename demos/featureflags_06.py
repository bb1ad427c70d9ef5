"""The real Flask-FeatureFlags 0.6, from PyPI, on Flask 3.1 (talk section 3).

Its core still works: ``FeatureFlag(app)``, ``FEATURE_FLAGS``, the view
decorator and the ``active_feature`` Jinja test. Its ``contrib`` modules
import ``flask.ext``, removed in Flask 1.0, so they no longer import.
Unlike the talk's extension it uses neither a request signal nor ``g``, and
its handlers are one list on the extension object, shared by every app.
"""

import flask_featureflags as feature
from flask import render_template

from demos._common import new_app


# [start:usage]
def create_app(test_config=None):
    app = new_app(__name__, test_config, FEATURE_FLAGS={
        "new_checkout": False,
        "dark_mode": True,
    })
    feature.FeatureFlag(app)
    app.add_url_rule("/", view_func=index)
    app.add_url_rule("/checkout", view_func=new_checkout)
    return app

@feature.is_active_feature("new_checkout", redirect_to="/")
def new_checkout():
    return "The new one-click checkout."
# [end:usage]


def index():
    return render_template("featureflags_06/index.html")


#: What ``python -m demos tour featureflags_06`` sends: (path, what it shows).
TOUR = [
    ("/", "a page rendered with 0.6's active_feature Jinja test"),
    ("/checkout", "new_checkout is off: 0.6's decorator redirects to /"),
]

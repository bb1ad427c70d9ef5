"""The talk's feature-flag extension in use (talk section 3).

Flags come from ``FEATURE_FLAGS`` in the config, plus one extra handler that
lets ``?preview=<flag>`` turn a single flag on for one request, if the flag
is in the config's allow-list ``FLAG_PREVIEWS`` (here only
``new_checkout``): anyone can add a query string to a URL. Routes:

- ``/``: a page rendered with the ``active_feature`` Jinja test;
- ``/checkout``: the new checkout, or a 302 to ``/checkout/classic`` when
  ``new_checkout`` is off;
- ``/labs``: 404 unless ``labs`` is on;
- ``/flags``: the flags this request saw, as JSON, and how often each
  flag nobody configured was asked for (the ``missing_feature`` signal,
  counted per app: a typo in a template shows up here).
"""

from collections import Counter

from flask import Blueprint, current_app, render_template, request

from demos._common import new_app
from flask_flags import (FeatureFlag, NoFeatureFlagFound, checked_flags,
                         is_active, is_active_feature, missing_feature)

# [start:factory]
flags = FeatureFlag()

def create_app(test_config=None):
    app = new_app(__name__, test_config, FEATURE_FLAGS={
        "new_checkout": False, "dark_mode": True, "labs": False,
    }, FLAG_PREVIEWS={"new_checkout"})
    flags.init_app(app)
    flags.add_handler(preview_handler, app=app)
    watch_missing(app)
    app.register_blueprint(shop)
    return app
# [end:factory]


# [start:handler]
def preview_handler(feature):
    """?preview=<flag> turns on a flag FLAG_PREVIEWS lists."""
    if feature == allowed_preview():  # anyone can edit a URL
        return True
    raise NoFeatureFlagFound(feature)
# [end:handler]


# [start:missing]
def watch_missing(app):
    app.extensions["shop_missing"] = Counter()
    missing_feature.connect(count_missing, app)  # this app only

def count_missing(app, feature):  # the sender is the app
    app.extensions["shop_missing"][feature] += 1
# [end:missing]


def allowed_preview():
    """The flag name ``?preview=`` gives, if the app's config lists it in
    ``FLAG_PREVIEWS`` (a set of flag names; none if unset), else None.
    ``preview_handler`` raises NoFeatureFlagFound for every other flag,
    so the next handler in the chain decides."""
    # Anyone can add a query string to a URL: without this allow-list,
    # any visitor could switch on any flag.
    name = request.args.get("preview")
    if name in current_app.config.get("FLAG_PREVIEWS", ()):
        return name
    return None


shop = Blueprint("shop", __name__)


@shop.route("/")
def index():
    return render_template("feature_flags/index.html")


# [start:views]
@shop.route("/checkout")
@is_active_feature("new_checkout", redirect="shop.classic_checkout")
def new_checkout():
    return "The new one-click checkout."

@shop.route("/checkout/classic")
def classic_checkout():
    return "The classic checkout."

@shop.route("/labs")
@is_active_feature("labs")
def labs():
    return "Experiments in progress."
# [end:views]


@shop.route("/flags")
def seen_flags():
    """The flags as this request saw them, and what decided each check."""
    checked = {name: is_active(name) for name in ("new_checkout", "dark_mode",
                                                  "labs")}
    return {"checked": checked,
            "why": {name: answer.reason
                    for name, answer in checked_flags().items()},
            "decided_by": {name: getattr(answer.handler, "__name__", None)
                           for name, answer in checked_flags().items()},
            "missing": dict(current_app.extensions["shop_missing"])}


#: What ``python -m demos tour feature_flags`` sends: (path, what it shows).
TOUR = [
    ("/", "a page rendered with the active_feature Jinja test"),
    ("/checkout", "new_checkout is off: a redirect to the classic checkout"),
    ("/checkout?preview=new_checkout", "the preview handler turns it on"),
    ("/labs", "labs is off: 404"),
    ("/labs?preview=labs", "still 404: labs is not in FLAG_PREVIEWS"),
    ("/flags", "the flags this request saw and what decided each"),
]

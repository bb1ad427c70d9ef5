from flask import Flask, abort, current_app, g, request_started

app = Flask(__name__)
app.config["FEATURE_FLAGS"] = {"new_checkout": False}


@request_started.connect_via(app)
def take_snapshot(sender, **extra):
    g.flask_flags = dict(sender.config["FEATURE_FLAGS"])


class FeatureFlag:
    def __init__(self, app=None):
        if app is not None:
            self.init_app(app)

    def init_app(self, app):
        pass


flags = FeatureFlag(app)


def is_active(feature):
    flags = g.flask_flags
    return flags.get(feature, False)


@app.route("/")
def index():
    return {
        "new_checkout": is_active("new_checkout"),
        "snapshot": g.get("flask_flags"),
        "extensions": list(app.extensions),
    }


@app.route("/checkout")
def checkout():
    if not is_active("new_checkout"):
        abort(404)
    return "The new one-click checkout."

from flask import Flask, abort, current_app, g, request_started

app = Flask(__name__)
app.config["FEATURE_FLAGS"] = {"new_checkout": False}


def take_snapshot(sender, **extra):
    pass


class FeatureFlag:
    def __init__(self, app=None):
        if app is not None:
            self.init_app(app)

    def init_app(self, app):
        pass


flags = FeatureFlag(app)


def is_active(feature):
    return True


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

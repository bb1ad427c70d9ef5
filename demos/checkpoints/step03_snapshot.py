from flask import Flask, abort, g, request_started

app = Flask(__name__)
app.config["FEATURE_FLAGS"] = {"new_checkout": False}


@request_started.connect_via(app)
def take_snapshot(sender, **extra):
    g.flask_flags = dict(sender.config["FEATURE_FLAGS"])


def is_active(feature):
    return g.flask_flags.get(feature, False)


@app.route("/checkout")
def checkout():
    if not is_active("new_checkout"):
        abort(404)
    return "The new one-click checkout."

from flask import Flask, abort, current_app

app = Flask(__name__)
app.config["FEATURE_FLAGS"] = {"new_checkout": False}


def is_active(feature):
    flags = current_app.config["FEATURE_FLAGS"]
    return flags.get(feature, False)


@app.route("/checkout")
def checkout():
    if not is_active("new_checkout"):
        abort(404)
    return "The new one-click checkout."

from functools import wraps

from flask import (Flask, abort, g, render_template_string,
                   request_started)

def take_snapshot(app, **extra):
    g._flask_flags = dict(app.config["FEATURE_FLAGS"])

def is_active(feature):
    return g._flask_flags.get(feature, False)

def is_active_feature(feature):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not is_active(feature):
                abort(404)
            return view(*args, **kwargs)
        return wrapper
    return decorator

app = Flask(__name__)
app.config["FEATURE_FLAGS"] = {"new_checkout": False}
app.add_template_test(is_active, name="active_feature")
request_started.connect(take_snapshot, app)

@app.route("/")
def hello():
    return render_template_string(
        "Hello World!{% if 'new_checkout' is active_feature %}"
        " Try the new checkout.{% endif %}")

@app.route("/checkout")
@is_active_feature("new_checkout")
def checkout():
    return "The new one-click checkout."

from functools import wraps

from flask import Flask, abort, current_app

def is_active(feature):
    return current_app.config["FEATURE_FLAGS"].get(feature, False)

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

@app.route("/")
def hello():
    if is_active("new_checkout"):
        return "Hello World! Try the new checkout."
    return "Hello World!"

@app.route("/checkout")
@is_active_feature("new_checkout")
def checkout():
    return "The new one-click checkout."

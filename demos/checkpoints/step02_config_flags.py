from flask import Flask, current_app

def is_active(feature):
    return current_app.config["FEATURE_FLAGS"].get(feature, False)

app = Flask(__name__)
app.config["FEATURE_FLAGS"] = {"new_checkout": False}

@app.route("/")
def hello():
    if is_active("new_checkout"):
        return "Hello World! Try the new checkout."
    return "Hello World!"

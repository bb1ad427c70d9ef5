from flask import Flask

app = Flask(__name__)

@app.route("/checkout")
def checkout():
    return "The new one-click checkout."

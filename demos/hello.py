"""The seven-line Flask app (talk section 2, "Flask in five minutes").

``flask --app demos.hello run`` serves the module-level ``app``;
``create_app()`` builds a fresh copy for the tests.
"""

# [start:seven-lines]
from flask import Flask

app = Flask(__name__)

@app.route("/")
def hello():
    return "Hello World!"
# [end:seven-lines]


def create_app(test_config=None):
    """Return a new seven-line app; *test_config* updates its config."""
    from demos._common import new_app

    fresh = new_app(__name__, test_config)
    fresh.add_url_rule("/", view_func=hello)
    return fresh


#: What ``python -m demos tour hello`` sends: (path, what it shows).
TOUR = [("/", "the one view of the seven-line app")]

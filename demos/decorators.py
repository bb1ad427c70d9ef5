"""Decorators that change what a view does (talk section 3).

``add_timing_information`` is the timing decorator from Armin Ronacher's
talk "Advanced Flask Patterns" (written for Flask 0.9), kept honest for
Flask 3.1: ``time.perf_counter`` instead of ``time.time``, ``functools.wraps``
and an ``X-Runtime`` header in seconds. ``templated`` is the "Templating
Decorator" from Flask's "View Decorators" page
(https://flask.palletsprojects.com/en/stable/patterns/viewdecorators/).
"""

from functools import wraps
from time import perf_counter

from flask import make_response, render_template

from demos._common import add_index, new_app


# [start:timing]
def add_timing_information(view):
    """Add ``X-Runtime``: the view's run time in seconds, as a float."""
    @wraps(view)
    def timed(*args, **kwargs):
        started = perf_counter()
        response = make_response(view(*args, **kwargs))
        runtime = perf_counter() - started
        response.headers["X-Runtime"] = f"{runtime:.6f}"
        return response
    return timed
# [end:timing]


# [start:templated]
def templated(template):
    """Render *template* with the dict the view returns."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            context = view(*args, **kwargs)
            if not isinstance(context, dict):
                return context
            return render_template(template, **context)
        return wrapper
    return decorator
# [end:templated]


def create_app(test_config=None):
    """Return the decorators demo app."""
    app = new_app(__name__, test_config)
    add_index(app, "Decorators", "add_timing_information adds an X-Runtime "
              "header (seconds); templated renders the dict a view returns.",
              [("/timed", "a view with an X-Runtime header"),
               ("/slow", "a slower view: a larger X-Runtime"),
               ("/hello/Ada", "a view that returns a dict, rendered")])
    app.add_url_rule("/timed", view_func=timed_view)
    app.add_url_rule("/slow", view_func=slow_view)
    app.add_url_rule("/hello/<name>", view_func=hello)
    return app


# [start:usage]
@add_timing_information
def timed_view():
    return "Look at the X-Runtime header."
# [end:usage]


@add_timing_information
def slow_view():
    total = sum(i * i for i in range(200_000))
    return f"Summed squares: {total}"


@templated("decorators/hello.html")
def hello(name):
    return {"name": name}

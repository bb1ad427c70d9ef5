"""``g``: per-request storage, including functions (talk section 2).

``g`` lives in the application context, which Flask pushes for each request
it serves and pops after it: whatever a request puts there is gone for the
next one. (Flask 3.1 reuses an application context of the same app that is
already pushed, as in a test that wraps requests in ``app.app_context()``:
those requests share one ``g``. Flask 3.2 merges the two contexts and gives
every request a fresh one.)
Extensions name their attributes with a prefix (``_gdemo_...`` here) so they
never collide with the app's or another extension's.

Two patterns: a value computed lazily, at most once per request; and a
function stashed in ``g`` by a hook, so views and templates call it.

Pattern: Flask's "The Application Context" page
(https://flask.palletsprojects.com/en/stable/appcontext/); Armin
Ronacher's talk "Flask for Fun and Profit" (PyBay 2016), whose
``get_user()`` keeps its answer in ``g``.
"""

from functools import partial

from flask import g, render_template_string, request

from demos._common import add_index, new_app

GREETINGS = {"en": "Hello", "fr": "Bonjour", "de": "Hallo"}


def create_app(test_config=None):
    """Return the ``g`` demo app; ``app.extensions["gdemo_loads"]`` counts
    how often the lazy value was computed."""
    app = new_app(__name__, test_config)
    app.extensions["gdemo_loads"] = 0
    add_index(app, "The g object", "A value loaded lazily once per request, "
              "and a function stashed in g by a before_request hook.", [
                  ("/greet?name=Ada&lang=fr", "a function from g, in a view"),
                  ("/template?name=Ada&lang=de", "the same function, in Jinja"),
                  ("/twice", "the lazy value asked for twice, loaded once"),
              ])
    app.before_request(stash_greeter)
    app.add_url_rule("/greet", view_func=greet_view)
    app.add_url_rule("/template", view_func=template_view)
    app.add_url_rule("/twice", view_func=twice)
    return app


# [start:lazy]
def get_visitor():
    """This request's visitor: worked out once per request."""
    if "_gdemo_visitor" not in g:  # our prefix: _gdemo_
        name = request.args.get("name", "stranger")
        g._gdemo_visitor = name.title()
        _count_load()
    return g._gdemo_visitor
# [end:lazy]


def _count_load():
    from flask import current_app
    current_app.extensions["gdemo_loads"] += 1


def greet(name, language="en"):
    return f"{GREETINGS.get(language, GREETINGS['en'])}, {name}!"


# [start:stash]
def stash_greeter():
    lang = request.args.get("lang", "en")
    g.gdemo_greet = partial(greet, language=lang)

def greet_view():
    return g.gdemo_greet(get_visitor())

def template_view():
    return render_template_string(
        "<p>{{ g.gdemo_greet(name) }}</p>", name=get_visitor())
# [end:stash]


def twice():
    first, second = get_visitor(), get_visitor()
    return {"first": first, "second": second, "same": first is second}

"""Customizing Jinja from an extension (talk section 3).

``init_jinja(app)`` registers, as an extension's ``init_app`` would, four
things on *app*: a test, ``weekend`` (``{% if day is weekend %}``: True for
a Saturday or Sunday ``date``); a filter, ``initials``
(``{{ "ada lovelace" | initials }}`` gives ``AL``); a global, ``today()``
(``date.today``); and a context processor that gives every template
``talk``, the talk's title. Each is registered on *app* (its Jinja
environment, or its context processors), so it exists only in the apps
that called ``init_jinja``.

Pattern: Flask's "Templates" page, "Registering Filters" and "Context
Processors" (https://flask.palletsprojects.com/en/stable/templating/).
"""

from datetime import date

from flask import render_template

from demos._common import add_index, new_app

TALK_TITLE = "Developing Flask Extensions"


# [start:register]
def init_jinja(app):
    app.add_template_test(is_weekend, name="weekend")
    app.add_template_filter(initials)
    app.add_template_global(date.today, name="today")
    app.context_processor(lambda: {"talk": TALK_TITLE})

def is_weekend(day):
    return day.weekday() >= 5

def initials(name):
    return "".join(part[0].upper() for part in name.split())
# [end:register]


def create_app(test_config=None):
    """Return the Jinja demo app."""
    app = new_app(__name__, test_config)
    init_jinja(app)
    add_index(app, "Customizing Jinja", "A template test, a filter, a global "
              "and a context processor, registered on the app.", [
                  ("/speaker/Rachel%20Sanders", "all four in one template"),
                  ("/day/2026-11-21", "the weekend test on a given date"),
              ])
    app.add_url_rule("/speaker/<name>", view_func=speaker)
    app.add_url_rule("/day/<isodate>", view_func=day)
    return app


def speaker(name):
    return render_template("jinja/speaker.html", name=name)


def day(isodate):
    try:
        when = date.fromisoformat(isodate)
    except ValueError:
        return {"error": f"not an ISO date: {isodate!r}"}, 400
    return render_template("jinja/day.html", day=when)

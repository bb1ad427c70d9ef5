"""Flask-DebugToolbar with a feature-flags panel (talk section 4).

Flask-DebugToolbar 0.16 on the talk's extension ``flask-flags/flask_flags.py``,
with a custom panel, ``FeatureFlagsPanel``: for the current request it
lists every flag that was checked, its value, why (on, off, missing or
error) and the handler that decided, read through the extension's public
``checked_flags()``.

The toolbar follows debug mode, Flask-DebugToolbar's own default
(``DEBUG_TB_ENABLED`` defaults to ``app.debug``): ``python -m demos run
debugtoolbar --debug`` or ``flask --app demos.debugtoolbar run --debug``
shows it, a plain run does not. Do not switch it on without debug mode,
and never in production: its host check, ``DEBUG_TB_HOSTS`` (127.0.0.1
here), compares ``request.remote_addr``, and behind a reverse proxy on
the same machine every visitor is 127.0.0.1. Redirects are not
intercepted and there is no config panel (it would show ``SECRET_KEY``).
``/hooks`` shows, read off the app, where the toolbar hooked in.
Patterns: Flask-DebugToolbar's docs
(https://flask-debugtoolbar.readthedocs.io/) and its own panels.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, template_rendered
from flask_debugtoolbar import DebugToolbarExtension
from flask_debugtoolbar.panels import DebugPanel

# Flask-DebugToolbar 0.16's template and SQLAlchemy panels add routes to the
# toolbar's one shared blueprint when they are first imported, and Flask 3
# refuses new routes on a blueprint an app has registered already. Import
# them now, before any toolbar app exists (the first one can come from any
# module: the benchmarks build one too).
import flask_debugtoolbar.panels.sqlalchemy  # noqa: E402,F401  isort:skip
import flask_debugtoolbar.panels.template  # noqa: E402,F401  isort:skip

from demos._common import add_index, new_app
from demos.feature_flags import preview_handler
from flask_flags import FeatureFlag, checked_flags

#: The panel's HTML, one row per flag of ``checked_flags()``; a handler
#: shows as its ``__name__`` (None: no handler knew the flag). The
#: toolbar's Jinja environment escapes the values.
ROWS = """<table><thead><tr><th>Flag</th><th>Active</th><th>Why</th>
<th>Decided by</th></tr></thead><tbody>
{% for name, answer in flags.items() %}<tr><td>{{ name }}</td>
<td>{{ answer.active }}</td><td>{{ answer.reason }}</td>
<td>{{ answer.handler.__name__ | default(answer.handler) }}</td></tr>
{% else %}<tr><td colspan="4">No flag checked</td></tr>
{% endfor %}</tbody></table>"""


# [start:panel]
class FeatureFlagsPanel(DebugPanel):
    name = "FeatureFlags"
    has_content = True

    def nav_subtitle(self):
        return f"{len(checked_flags())} checked"

    def content(self):
        template = self.jinja_env.from_string(ROWS)
        return template.render(flags=checked_flags())
# [end:panel]

    def nav_title(self):
        return "Feature flags"

    def title(self):
        return "Feature flags this request checked"

    def url(self):
        return ""


PANELS = (
    "flask_debugtoolbar.panels.versions.VersionDebugPanel",
    "flask_debugtoolbar.panels.timer.TimerDebugPanel",
    "flask_debugtoolbar.panels.headers.HeaderDebugPanel",
    "flask_debugtoolbar.panels.template.TemplateDebugPanel",
    "flask_debugtoolbar.panels.route_list.RouteListDebugPanel",
    f"{__name__}.FeatureFlagsPanel",
)

flags = FeatureFlag()
toolbar = DebugToolbarExtension()


def create_app(test_config=None):
    """Return the toolbar demo app. The toolbar is on in debug mode only,
    unless *test_config* sets ``DEBUG_TB_ENABLED`` (the tests do)."""
    app = new_app(__name__, test_config,
                  FEATURE_FLAGS={"new_checkout": False, "dark_mode": True},
                  FLAG_PREVIEWS={"new_checkout"},
                  DEBUG_TB_HOSTS=("127.0.0.1",),
                  DEBUG_TB_INTERCEPT_REDIRECTS=False,
                  DEBUG_TB_PANELS=PANELS)
    flags.init_app(app)
    flags.add_handler(preview_handler, app=app)
    toolbar.init_app(app)  # DEBUG_TB_ENABLED defaults to app.debug
    app.register_blueprint(pages)
    state = ("on" if app.config["DEBUG_TB_ENABLED"] else
             "off: it follows debug mode, so serve this demo with --debug")
    add_index(app, "Flask-DebugToolbar", "The toolbar with a panel that "
              "lists the flags each request checked and what decided them. "
              f"The toolbar is {state}.",
              [("/shop", "a page that checks three flags"),
               ("/shop?preview=new_checkout",
                "the same, with the preview handler deciding one"),
               ("/hooks", "where the toolbar hooked into this app (JSON)")])
    return app


pages = Blueprint("pages", __name__)


@pages.get("/shop")
def shop():
    return render_template("debugtoolbar/shop.html")


# [start:hooks]
@pages.get("/hooks")
def toolbar_hooks():
    """Where the toolbar hooked into this app, read off the app."""
    app = current_app._get_current_object()

    def names(functions):
        return [f.__qualname__ for f in functions]
    listeners = template_rendered.receivers_for(app)
    return {
        "dispatch_request": app.dispatch_request.__qualname__,
        "before_request": names(app.before_request_funcs[None]),
        "after_request": names(app.after_request_funcs[None]),
        "teardown_request": names(app.teardown_request_funcs[None]),
        "template_rendered": names(listeners),
    }
# [end:hooks]

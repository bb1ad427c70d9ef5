"""demos/debugtoolbar.py: Flask-DebugToolbar 0.16 with the feature-flags
panel, debug off."""

import re

import demos.debugtoolbar
from demos.debugtoolbar import FeatureFlagsPanel, flags, toolbar
from flask_flags import is_active

DEMO = demos.debugtoolbar


def panel_html(page: str) -> str:
    """The content of the feature-flags panel in a page with the toolbar."""
    match = re.search(r'id="flDebugFeatureFlagsPanel-content".*?'
                      r'<div class="flDebugScroll">(.*?)</div>', page, re.S)
    assert match, "feature-flags panel not in the page"
    return match.group(1)


def rows(html: str) -> list[list[str]]:
    return [re.findall(r"<td>(.*?)</td>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
            if "<td>" in row]


def test_toolbar_is_injected_with_debug_off(app, client):
    assert app.debug is False
    page = client.get("/shop").get_data(as_text=True)
    assert '<div id="flDebug"' in page
    assert page.index('id="flDebug"') < page.index("</body>")
    assert "Feature flags" in page and "3 checked" in page


def test_panel_lists_flags_values_and_handlers(client):
    page = client.get("/shop").get_data(as_text=True)
    assert rows(panel_html(page)) == [
        ["dark_mode", "True", "on", "AppConfigFlagHandler"],
        ["new_checkout", "False", "off", "AppConfigFlagHandler"],
        ["beta_banner", "False", "missing", "None"],
    ]


def test_panel_shows_the_handler_that_decided(client):
    page = client.get("/shop?preview=new_checkout").get_data(as_text=True)
    assert ["new_checkout", "True", "on", "preview_handler"] in rows(
        panel_html(page))


def test_panel_without_flags(client):
    page = client.get("/").get_data(as_text=True)
    assert "No flag checked" in panel_html(page)
    assert "0 checked" in page


def test_panel_content_escapes(app):
    def handler(feature):
        return True

    handler.__name__ = "h&h"
    flags.add_handler(handler, app=app)
    with app.test_request_context():
        is_active("<b>x</b>")
        panel = FeatureFlagsPanel(jinja_env=toolbar.jinja_env)
        html = panel.content()
    assert rows(html) == [["&lt;b&gt;x&lt;/b&gt;", "True", "on", "h&amp;h"]]
    assert panel.nav_title() == "Feature flags"


def test_hooks_show_where_the_toolbar_hooked_in(app, client):
    assert "dispatch_request" in vars(app)     # replaced on this app only
    hooks = client.get("/hooks").get_json()
    assert hooks["dispatch_request"] == (
        "DebugToolbarExtension.dispatch_request")
    assert hooks["before_request"] == ["DebugToolbarExtension.process_request"]
    assert hooks["after_request"] == ["DebugToolbarExtension.process_response"]
    assert "TemplateDebugPanel._store_template_info" in hooks[
        "template_rendered"]


def test_json_is_left_alone(client):
    response = client.get("/hooks")
    assert response.is_json and b"flDebug" not in response.data


def test_only_local_clients_see_the_toolbar(client):
    page = client.get("/shop", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert b"flDebug" not in page.data
    assert b"Classic checkout" in page.data


def test_toolbar_off_by_config():
    app = DEMO.create_app({"TESTING": True, "DEBUG_TB_ENABLED": False})
    assert "dispatch_request" not in vars(app)
    assert b"flDebug" not in app.test_client().get("/shop").data
    hooks = app.test_client().get("/hooks").get_json()
    assert hooks["dispatch_request"] == "Flask.dispatch_request"

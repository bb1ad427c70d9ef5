"""demos/debugtoolbar.py: Flask-DebugToolbar 0.16 with the feature-flags
panel. The toolbar follows debug mode; these tests switch it on through
the test config, and check the pages through ``app.wsgi_app``, as a
server calls the app."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import pytest
from werkzeug.test import Client

import demos.debugtoolbar
from conftest import ROOT
from demos.debugtoolbar import FeatureFlagsPanel, flags, toolbar
from flask_flags import is_active

DEMO = demos.debugtoolbar


class LocalClient(Client):
    """Calls ``app.wsgi_app`` from 127.0.0.1, as a browser on this machine
    does (Werkzeug's own test client sets no REMOTE_ADDR)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("environ_base", {"REMOTE_ADDR": "127.0.0.1"})
        return super().open(*args, **kwargs)


@pytest.fixture
def app():
    """The demo with the toolbar switched on by config, debug off."""
    return DEMO.create_app({"TESTING": True, "DEBUG_TB_ENABLED": True})


@pytest.fixture
def wsgi(app):
    return LocalClient(app.wsgi_app)


def page(wsgi, path, **kwargs) -> str:
    return wsgi.get(path, **kwargs).get_data(as_text=True)


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


# --- off unless debug mode ----------------------------------------------------

def test_toolbar_is_off_by_default(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = DEMO.create_app()
    assert app.debug is False
    assert app.config["DEBUG_TB_ENABLED"] is False
    assert "dispatch_request" not in vars(app)
    wsgi = LocalClient(app.wsgi_app)
    shop = page(wsgi, "/shop")
    assert "flDebug" not in shop and "Classic checkout" in shop
    assert "Serve this demo with\n  <code>python -m demos run" in shop
    assert "The toolbar is off" in page(wsgi, "/")
    hooks = wsgi.get("/hooks").get_json()
    assert hooks["dispatch_request"] == "Flask.dispatch_request"


def test_toolbar_follows_debug_mode(monkeypatch):
    """What ``flask --app demos.debugtoolbar run --debug`` does: Flask's
    CLI sets FLASK_DEBUG before it imports the app."""
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = DEMO.create_app()
    assert app.debug is True and app.config["DEBUG_TB_ENABLED"] is True
    shop = page(LocalClient(app.wsgi_app), "/shop")
    assert '<div id="flDebug"' in shop and "3 checked" in shop


def test_toolbar_off_by_config_even_in_debug_mode(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = DEMO.create_app({"DEBUG_TB_ENABLED": False})
    assert "dispatch_request" not in vars(app)
    assert "flDebug" not in page(LocalClient(app.wsgi_app), "/shop")


@contextmanager
def served(*args: str):
    """Serve ``python -m demos run debugtoolbar *args`` on a free port;
    yields ``(base URL, the server process)``."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "FLASK_DEBUG"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "demos", "run", "debugtoolbar",
         "--port", str(port), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        cwd=ROOT)
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def fetch(url: str, proc: subprocess.Popen, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"no answer from {url} (exit status {proc.poll()})")


@pytest.mark.parametrize("args, shown", [((), False), (("--debug",), True)],
                         ids=["plain", "debug"])
def test_python_m_demos_run_shows_the_toolbar_only_with_debug(args, shown):
    with served(*args) as (base, proc):
        shop = fetch(f"{base}/shop", proc)
    assert ('<div id="flDebug"' in shop) is shown
    assert "Classic checkout" in shop


# --- the host check reads remote_addr ----------------------------------------

def test_only_local_clients_see_the_toolbar(wsgi):
    shop = page(wsgi, "/shop", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert "flDebug" not in shop and "Classic checkout" in shop


def test_behind_a_local_proxy_everyone_is_local(wsgi):
    """Why the toolbar stays off outside debug mode: DEBUG_TB_HOSTS is
    checked against remote_addr, which for every visitor behind a reverse
    proxy on the same machine is the proxy's 127.0.0.1."""
    shop = page(wsgi, "/shop", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                headers={"X-Forwarded-For": "192.0.2.1"})
    assert '<div id="flDebug"' in shop


# --- the panel -----------------------------------------------------------------

def test_toolbar_is_injected_with_debug_off(app, wsgi):
    assert app.debug is False
    shop = page(wsgi, "/shop")
    assert '<div id="flDebug"' in shop
    assert shop.index('id="flDebug"') < shop.index("</body>")
    assert "Feature flags" in shop and "3 checked" in shop
    assert "Open the toolbar on the right" in shop
    assert "The toolbar is on." in page(wsgi, "/")


def test_panel_lists_flags_values_and_handlers(wsgi):
    assert rows(panel_html(page(wsgi, "/shop"))) == [
        ["dark_mode", "True", "on", "AppConfigFlagHandler"],
        ["new_checkout", "False", "off", "AppConfigFlagHandler"],
        ["beta_banner", "False", "missing", "None"],
    ]


def test_panel_shows_the_handler_that_decided(wsgi):
    shop = page(wsgi, "/shop?preview=new_checkout")
    assert ["new_checkout", "True", "on", "preview_handler"] in rows(
        panel_html(shop))


def test_preview_is_limited_to_the_allow_list(wsgi):
    shop = page(wsgi, "/shop?preview=beta_banner")
    assert ["beta_banner", "False", "missing", "None"] in rows(
        panel_html(shop))


def test_panel_without_flags(wsgi):
    index = page(wsgi, "/")
    assert "No flag checked" in panel_html(index)
    assert "0 checked" in index


def test_panel_content_escapes(app):
    def handler(feature):
        return True

    handler.__name__ = "h&h"
    flags.add_handler(handler, app=app)
    with app.test_request_context():
        is_active("<b>x</b>")
        panel = FeatureFlagsPanel(jinja_env=toolbar.jinja_env)
        html = panel.content()
        assert panel.nav_subtitle() == "1 checked"
    assert rows(html) == [["&lt;b&gt;x&lt;/b&gt;", "True", "on", "h&amp;h"]]
    assert panel.nav_title() == "Feature flags"


def test_hooks_show_where_the_toolbar_hooked_in(app, wsgi):
    assert "dispatch_request" in vars(app)     # replaced on this app only
    hooks = wsgi.get("/hooks").get_json()
    assert hooks["dispatch_request"] == (
        "DebugToolbarExtension.dispatch_request")
    assert hooks["before_request"] == ["DebugToolbarExtension.process_request"]
    assert hooks["after_request"] == ["DebugToolbarExtension.process_response"]
    assert "TemplateDebugPanel._store_template_info" in hooks[
        "template_rendered"]


def test_json_is_left_alone(wsgi):
    response = wsgi.get("/hooks")
    assert response.is_json and b"flDebug" not in response.data

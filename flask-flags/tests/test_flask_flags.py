"""What Flask-Flags adds to 0.6: chains per app, checked_flags(), async
views, signals per app, chains safe to change while requests run.
Behaviour both versions share is in test_contract.py."""

import gc
import http.client
import logging
import sys
import threading
import time
import weakref

import pytest
from flask import Flask, render_template_string
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.test import Client

from flask_flags import (Answer, AppConfigFlagHandler, FeatureFlag,
                         NoFeatureFlagFound, StopCheckingFeatureFlags,
                         checked_flags, is_active, is_active_feature,
                         missing_feature)


def beta_view() -> list:
    return [is_active("beta")]


# [start:two-apps]
@pytest.fixture
def two_apps():
    """One FeatureFlag object, two apps: "beta" on in a only."""
    flags, apps = FeatureFlag(), []
    for name, beta in [("a", True), ("b", False)]:
        app = Flask(name)
        app.config["FEATURE_FLAGS"] = {"beta": beta}
        flags.init_app(app)
        app.add_url_rule("/", view_func=beta_view)
        apps.append(app)
    return flags, apps
# [end:two-apps]


def get(app: Flask):
    """GET "/" through ``app.wsgi_app``, as a server calls it."""
    return Client(app.wsgi_app).get("/").json


# [start:test-two-apps]
def test_one_object_serves_two_apps(two_apps):
    flags, (a, b) = two_apps
    assert (get(a), get(b)) == ([True], [False])
    flags.add_handler(lambda name: True, app=b)  # b's own chain
    assert (get(a), get(b)) == ([True], [True])
# [end:test-two-apps]


def test_an_app_chain_of_its_own(two_apps):
    flags, (a, b) = two_apps

    def stop(feature):
        raise StopCheckingFeatureFlags

    flags.clear_handlers(app=a)  # a: its own, empty chain
    flags.add_handler(stop)  # the object's chain: b's
    assert flags.handlers == [AppConfigFlagHandler, stop]
    for app in (a, b):
        with app.app_context():
            assert is_active("beta") is False
    flags.add_handler(AppConfigFlagHandler, app=a)
    with a.app_context():
        assert is_active("beta") is True
    flags.remove_handler(stop)
    with b.app_context():
        assert is_active("beta") is False  # b's config says off


def test_missing_feature_receivers_tell_the_apps_apart(two_apps):
    _, apps = two_apps
    seen = {app.name: [] for app in apps}
    receivers = {app.name: (lambda sender, feature, name=app.name:
                            seen[name].append((sender, feature)))
                 for app in apps}
    for app in apps:
        missing_feature.connect(receivers[app.name], sender=app)
    try:
        for app, flag in zip(apps, ["only_a", "only_b"]):
            with app.app_context():
                is_active(flag)
    finally:
        for app in apps:
            missing_feature.disconnect(receivers[app.name], sender=app)
    a, b = apps
    assert seen == {"a": [(a, "only_a")], "b": [(b, "only_b")]}


def test_a_request_of_one_app_inside_an_app_context_of_another(two_apps):
    _, (a, b) = two_apps
    with b.app_context():
        assert is_active("beta") is False
        with a.test_request_context():
            assert is_active("beta") is True
            assert list(checked_flags()) == ["beta"]
        assert is_active("beta") is False


def test_the_object_keeps_no_app_alive():
    flags, app = FeatureFlag(), Flask("short_lived")
    flags.init_app(app)
    ref = weakref.ref(app)
    del app
    gc.collect()
    assert ref() is None


# --- checked_flags(): what this request asked, and why ---------------------

def test_checked_flags_says_why_each_flag_came_out_as_it_did(caplog):
    app = Flask("why")
    app.config.update(TESTING=True, FEATURE_FLAGS={"on": True, "off": False})
    flags = FeatureFlag(app)

    def table(feature):
        if feature == "table_off":
            return False
        raise NoFeatureFlagFound

    def broken(feature):
        if feature == "broken":
            raise ZeroDivisionError
        raise NoFeatureFlagFound

    flags.add_handler(table)
    flags.add_handler(broken)
    names = ["on", "off", "table_off", "missing", "broken", "on"]
    with app.test_request_context(), \
            caplog.at_level(logging.ERROR, logger="flask_flags"):
        assert [is_active(name) for name in names] == \
            [True] + [False] * 4 + [True]
        assert checked_flags() == {
            "on": Answer(True, "on", AppConfigFlagHandler),
            "off": Answer(False, "off", AppConfigFlagHandler),
            "table_off": Answer(False, "off", table),
            "missing": Answer(False, "missing", None),
            "broken": Answer(False, "error", broken),
        }
        checked_flags().clear()  # a copy: the request's answers stay
        assert len(checked_flags()) == 5
    with app.app_context():
        is_active("on")
        assert checked_flags() == {}  # no request, nothing kept
    assert checked_flags() == {}  # outside any context


def test_a_missing_flag_that_raises_is_not_kept():
    app = Flask("strict")
    app.config.update(FEATURE_FLAGS={}, RAISE_ERROR_ON_MISSING_FEATURES=True)
    app.debug = True
    FeatureFlag(app)
    with app.test_request_context():
        for _ in range(2):
            with pytest.raises(KeyError, match="nope"):
                is_active("nope")
        assert checked_flags() == {}


# --- async views, and templates ---------------------------------------------

@pytest.mark.parametrize("flag, expected", [(True, "on"), (False, 302)])
def test_the_decorator_on_def_and_async_def_views(flag, expected):
    app = Flask("views")
    app.config["FEATURE_FLAGS"] = {"f": flag}
    FeatureFlag(app)

    @app.route("/sync")
    @is_active_feature("f", redirect_to="/elsewhere")
    def sync_view():
        return "on"

    @app.route("/async")
    @is_active_feature("f", redirect_to="/elsewhere")
    async def async_view():
        return "on"

    client = Client(app.wsgi_app)
    for path in ("/sync", "/async"):
        response = client.get(path)
        assert (response.text if flag else response.status_code) == expected


def test_a_template_shares_the_request_answers():
    app = Flask("templates")
    app.config["FEATURE_FLAGS"] = {"beta": True}
    FeatureFlag(app)

    @app.route("/")
    def view():
        first = is_active("beta")
        app.config["FEATURE_FLAGS"]["beta"] = False
        return render_template_string(
            "{{ first }} {{ 'beta' is active_feature }}", first=first)

    assert Client(app.wsgi_app).get("/").text == "True True"


# --- changing a chain while requests run ------------------------------------

def test_a_chain_changed_while_checks_run_never_loses_a_handler():
    """A list changed in place while a check iterates it can skip a
    handler: with an always-true handler last, a check could answer
    False. A change here builds a new list and swaps it in."""
    app = Flask("threads")
    flags = FeatureFlag(app)
    flags.clear_handlers()

    def noise(feature):
        raise NoFeatureFlagFound

    def always(feature):
        return True

    flags.add_handler(noise)
    flags.add_handler(always)
    stop, answers = threading.Event(), []

    def check():
        with app.app_context():  # no request: the chain is asked each time
            while not stop.is_set():
                answers.append(is_active("x"))

    def churn():
        while not stop.is_set():
            flags.remove_handler(noise)  # shifts "always" one place left
            flags.handlers = [noise, always]  # and back, for the next go

    threads = [threading.Thread(target=check) for _ in range(3)]
    threads.append(threading.Thread(target=churn))
    for thread in threads:
        thread.start()
    threading.Event().wait(0.4)
    stop.set()
    for thread in threads:
        thread.join(timeout=5)
    assert len(answers) > 1000
    assert all(answers)


@pytest.fixture
def quick_switches():
    """Let threads switch every microsecond, so races show up quickly."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


THREADS, TIMES = 8, 500


@pytest.mark.parametrize("own_chain", [False, True],
                         ids=["object chain", "app chain"])
def test_concurrent_changes_lose_no_update(quick_switches, own_chain):
    """8 threads each add their own handler 500 times, then remove it
    500 times: no change is lost (issue 19: without the lock, 1,499 to
    1,947 handlers were left)."""
    app = Flask("writers")
    flags = FeatureFlag(app)
    target = app if own_chain else None

    def chain() -> list:
        state = app.extensions["flask_flags"]
        return state.handlers if own_chain else flags.handlers

    if own_chain:
        flags.add_handler(AppConfigFlagHandler, app=app)
        flags.remove_handler(AppConfigFlagHandler, app=app)
        assert chain() == [AppConfigFlagHandler]
    lengths, barrier = [], threading.Barrier(THREADS)

    def writer():
        def mine(feature):
            raise NoFeatureFlagFound

        for _ in range(TIMES):
            flags.add_handler(mine, app=target)
        barrier.wait(timeout=10)
        lengths.append(len(chain()))
        barrier.wait(timeout=10)
        for _ in range(TIMES):
            flags.remove_handler(mine, app=target)

    threads = [threading.Thread(target=writer) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads)
    assert lengths == [1 + THREADS * TIMES] * THREADS
    assert chain() == [AppConfigFlagHandler]


TOGGLES = 2000  # add-and-remove turns of each toggling thread


class QuietHandler(WSGIRequestHandler):
    timeout = 5  # seconds: no server thread waits forever

    def log_request(self, *args, **kwargs) -> None:
        pass


def test_a_removed_handler_never_answers_under_a_threaded_server(
        quick_switches):
    """A real threaded server, 4 clients checking "x" (off in the
    config) while 2 threads each add and remove a "force on" handler
    TOGGLES times. ON is seen while they run; after the last remove, the
    chain is the config again and every check says OFF (issue 19: a
    lost update left a removed handler answering ON for good)."""
    app = Flask("served")
    app.config["FEATURE_FLAGS"] = {"x": False}
    flags = FeatureFlag(app)
    app.add_url_rule("/", view_func=lambda: "ON" if is_active("x") else "OFF")
    server = make_server("127.0.0.1", 0, app, threaded=True,
                         request_handler=QuietHandler)
    serving = threading.Thread(target=server.serve_forever,
                               kwargs={"poll_interval": 0.05})
    serving.start()
    removed = threading.Event()
    before, after, errors = [], [], []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port,
                                          timeout=5)
        try:
            for _ in range(2000):  # bounded; ends soon after `removed`
                done = removed.is_set()
                conn.request("GET", "/")
                answer = conn.getresponse().read().decode()
                (after if done else before).append(answer)
                if len(after) >= 50:
                    break
        except Exception as error:  # reported by the test
            errors.append(repr(error))
        finally:
            conn.close()

    def toggler():
        def force_on(feature):
            return True

        for turn in range(TOGGLES):
            flags.add_handler(force_on)
            if turn % 50 == 0:
                time.sleep(0.001)  # let a request see it
            flags.remove_handler(force_on)

    clients = [threading.Thread(target=client) for _ in range(4)]
    togglers = [threading.Thread(target=toggler) for _ in range(2)]
    try:
        for thread in clients + togglers:
            thread.start()
        for thread in togglers:
            thread.join(timeout=10)
        removed.set()
        for thread in clients:
            thread.join(timeout=10)
    finally:
        server.shutdown()
        server.server_close()
        serving.join(timeout=5)
    assert not any(t.is_alive() for t in clients + togglers + [serving])
    assert errors == []
    assert flags.handlers == [AppConfigFlagHandler]
    assert "ON" in before and "OFF" in before  # the toggles were seen
    assert len(after) >= 50 and set(after) == {"OFF"}


# --- who owns a chain -------------------------------------------------------

def test_an_app_chain_is_a_copy_that_no_longer_follows_the_object(two_apps):
    """The first change with app= copies the object's chain into the
    app's own; later changes without app= reach only the other apps."""
    flags, (a, b) = two_apps

    def extra(feature):
        raise NoFeatureFlagFound

    def later(feature):
        return True

    flags.add_handler(extra)
    flags.add_handler(lambda feature: False, app=a)
    assert a.extensions["flask_flags"].handlers[:2] == [
        AppConfigFlagHandler, extra]
    flags.add_handler(later)
    assert flags.handlers == [AppConfigFlagHandler, extra, later]
    assert later not in a.extensions["flask_flags"].handlers
    assert (get(a), get(b)) == ([True], [True])  # a: config; b: later
    a.config["FEATURE_FLAGS"]["beta"] = False
    assert get(a) == [False]  # later does not reach a


def test_removing_an_absent_handler_changes_nothing(two_apps):
    flags, (a, b) = two_apps

    def absent(feature):
        return True

    flags.remove_handler(absent, app=a)
    flags.remove_handler(absent)
    assert a.extensions["flask_flags"].handlers is None  # no own chain
    assert flags.handlers == [AppConfigFlagHandler]
    flags.add_handler(absent)  # so the object's changes still reach a
    assert (get(a), get(b)) == ([True], [True])


def test_app_must_be_one_this_object_serves():
    flags, other = FeatureFlag(), FeatureFlag()
    app, bare = Flask("served"), Flask("bare")
    other.init_app(app)
    for target in (app, bare):
        with pytest.raises(RuntimeError, match=(
                f"the app '{target.name}' is not registered with this"
                " FeatureFlag. Did you forget to call 'init_app'")):
            flags.add_handler(AppConfigFlagHandler, app=target)
    assert app.extensions["flask_flags"].handlers is None


def test_handlers_must_be_a_list():
    """``flags.handlers = None`` is refused at once, with the fix; the
    chain is unchanged and add_handler still works."""
    flags = FeatureFlag()
    with pytest.raises(TypeError, match=r"handlers must be a list, not"
                       r" None\. To turn every flag off, call"
                       r" clear_handlers\(\)"):
        flags.handlers = None
    flags.add_handler(beta_view)
    assert flags.handlers == [AppConfigFlagHandler, beta_view]
    flags.handlers = []
    assert flags.handlers == []


def test_check_is_a_method_that_asks_like_is_active(two_apps):
    flags, (a, _) = two_apps
    with a.test_request_context():
        assert flags.check("beta") is True
        assert checked_flags() == {
            "beta": Answer(True, "on", AppConfigFlagHandler)}

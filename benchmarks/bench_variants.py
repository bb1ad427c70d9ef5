"""The apps and calls the benchmarks measure (not talk material).

Every *variant* serves the same small HTML page. The timing variants differ
in the hook that times the request and sets an ``X-Runtime`` header
(seconds; the teardown variant files the end time instead, a response being
sent by then); the flag variants differ in which extension answers the
flag checks: the talk's ``flask_flags`` or the real Flask-FeatureFlags 0.6.
The turning-point variants keep the flags in a table
(demos/flags_sqlalchemy.py) and ask them either lazily (``flask_flags``)
or in the live coding's naive snapshot (:class:`TableSnapshot`), on a
page that sends no query and on one that sends one query of its own, and
count the queries each request sends (:func:`count_queries`).

A request is dispatched the light way: ``app.wsgi_app(environ,
start_response)`` with an environ built once by werkzeug's
``EnvironBuilder`` and a ``start_response`` that does nothing, so the test
client's own work (~100-200 us) does not drown a cost of 1 us. The
``client`` group keeps the test client as the "real request" reference.
"""

from __future__ import annotations

import importlib.util
import secrets
from collections import deque
from collections.abc import Callable, Iterator
from types import ModuleType
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from time import perf_counter

import flask_featureflags as ff06
import sqlalchemy as sa
from flask import (Blueprint, Flask, Response, g, request, request_finished,
                   request_started)
from flask.ctx import RequestContext
from flask_debugtoolbar import DebugToolbarExtension
from sqlalchemy import event
from werkzeug.test import EnvironBuilder

from benchmarks.bench_groups import (  # noqa: F401
    CLIENT, FLAG_MISSING, FLAG_ON, FLAG_TABLE, FLAGS_REQUEST, FLAGS_SCALE,
    FLOOR, TIMING, TURNING)
import flask_flags as talk
from demos import flags_sqlalchemy
from demos.checkpoints import checkpoints
from demos.sqlalchemy_hooks import db
from demos.decorators import add_timing_information
import demos.debugtoolbar  # noqa: F401  loads the toolbar's panels first

PAGE = "<!doctype html><html><body><p>Hello</p></body></html>"
HEADER = "X-Runtime"
FLAGS = {"new_checkout": True, "dark_mode": False, "labs": False}
ON_FLAG, MISSING_FLAG = "new_checkout", "no_such_flag"
HUNDRED = 100
#: How many flags FEATURE_FLAGS holds in the scaling group.
FLAG_COUNTS = (10, 1_000, 10_000)



@dataclass(frozen=True)
class Variant:
    """One measured thing: *call* runs it once.

    *context* is entered (untimed) around a batch of calls, e.g. to push a
    request context; *setup* (untimed) runs before every call; *app* is
    there for behaviour tests. What the report finds rows by (never by
    parsing *name*): *extension* (``"talk"``, ``"06"``, ``"naive"``: the
    snapshot of the live coding, or None), *flags* (how many flags are
    configured), *checks* (flag checks a call makes beyond its
    baseline's, so per-check cost = overhead / checks) and
    *page_queries* (SQL queries the page sends of its own, flags aside).
    """

    name: str
    label: str
    call: Callable[[], object]
    setup: Callable[[], None] | None = None
    baseline: bool = False
    extension: str | None = None
    flags: int = 0
    checks: int = 0
    page_queries: int = 0
    app: Flask | None = None
    context: Callable[[], AbstractContextManager] = field(
        default=nullcontext)

    def info(self) -> dict[str, object]:
        """What the report needs, stored in the JSON's extra_info."""
        return {"variant": self.name, "label": self.label,
                "baseline": self.baseline, "extension": self.extension,
                "flags": self.flags, "checks": self.checks,
                "page_queries": self.page_queries}


def _ignore(status: str, headers: list, exc_info: object = None) -> None:
    """A WSGI start_response that does nothing."""


def wsgi_call(app: Flask, path: str = "/") -> Callable[[], None]:
    """Return a function that sends one GET *path* through ``app.wsgi_app``
    (middleware included) and reads the whole body."""
    environ = EnvironBuilder(path=path).get_environ()
    wsgi_app = app.wsgi_app

    def call() -> None:
        body = wsgi_app(dict(environ), _ignore)
        try:
            for _ in body:
                pass
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
    return call


def page() -> str:
    return PAGE


def _app(view: Callable, **config: object) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secrets.token_hex(32), **config)
    app.add_url_rule("/", "page", view)
    return app


# --- the ways to time a request ---------------------------------------------

def _hooks_app() -> Flask:
    app = _app(page)

    @app.before_request
    def start_timer() -> None:
        g._bench_started = perf_counter()

    @app.after_request
    def add_runtime(response: Response) -> Response:
        runtime = perf_counter() - g._bench_started
        response.headers[HEADER] = f"{runtime:.6f}"
        return response
    return app


def _on_started(sender: Flask, **extra: object) -> None:
    g._bench_started = perf_counter()


def _on_finished(sender: Flask, response: Response, **extra: object) -> None:
    runtime = perf_counter() - g._bench_started
    response.headers[HEADER] = f"{runtime:.6f}"


def _signals_app() -> Flask:
    app = _app(page)
    request_started.connect(_on_started, app)
    request_finished.connect(_on_finished, app)
    return app


class TimingMiddleware:
    """WSGI middleware: adds ``X-Runtime`` (seconds until the app called
    start_response) to every response of *wsgi_app*."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable):
        started = perf_counter()

        def timed_start_response(status, headers, exc_info=None):
            runtime = perf_counter() - started
            headers.append((HEADER, f"{runtime:.6f}"))
            return start_response(status, headers, exc_info)
        return self.wsgi_app(environ, timed_start_response)


def _middleware_app() -> Flask:
    app = _app(page)
    app.wsgi_app = TimingMiddleware(app.wsgi_app)
    return app


#: Flask-DebugToolbar's timer panel alone; None: the toolbar's own default
#: panels (0.16: versions, timer, headers, request and config variables,
#: templates, SQLAlchemy, logging, routes, profiler (off), g).
TIMER_PANEL = ("flask_debugtoolbar.panels.timer.TimerDebugPanel",)


def _toolbar_app(panels: tuple[str, ...] | None = TIMER_PANEL) -> Flask:
    """Flask-DebugToolbar with *panels*; an after_request registered
    before the toolbar runs after it and copies the timer panel's time
    (ms) into X-Runtime (seconds)."""
    config = {} if panels is None else {"DEBUG_TB_PANELS": panels}
    app = _app(page, DEBUG_TB_ENABLED=True, DEBUG_TB_INTERCEPT_REDIRECTS=False,
               **config)

    @app.after_request
    def copy_timer(response: Response) -> Response:
        toolbars = g.debug_toolbar.debug_toolbars_var.get()
        toolbar = toolbars[request._get_current_object()]
        timer = next(p for p in toolbar.panels if p.name == "Timer")
        response.headers[HEADER] = f"{timer.total_time / 1000:.6f}"
        return response

    DebugToolbarExtension(app)
    return app


#: Where the teardown variant files the time each request ended.
RUNTIMES = "bench_ended"


def _teardown_app() -> Flask:
    """One teardown_request, which runs even when the view raises (unlike
    after_request): it files the time the request ended (perf_counter)."""
    app = _app(page)
    app.extensions[RUNTIMES] = deque(maxlen=10)

    @app.teardown_request
    def file_end(error: BaseException | None) -> None:
        app.extensions[RUNTIMES].append(perf_counter())
    return app


def _blueprint_app() -> Flask:
    """The hooks app's two hooks on a blueprint: they run for its views
    only (the page is the blueprint's)."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secrets.token_hex(32))
    part = Blueprint("part", __name__)
    part.add_url_rule("/", "page", page)

    @part.before_request
    def start_timer() -> None:
        g._bench_started = perf_counter()

    @part.after_request
    def add_runtime(response: Response) -> Response:
        runtime = perf_counter() - g._bench_started
        response.headers[HEADER] = f"{runtime:.6f}"
        return response
    app.register_blueprint(part)
    return app


def timing_variants() -> dict[str, Variant]:
    """The bare view and the ways to time it, dispatched via wsgi_app."""
    apps = [
        ("bare", "bare view (no timing)", _app(page)),
        ("decorator", "@add_timing_information",
         _app(add_timing_information(page))),
        ("hooks", "before_request + after_request", _hooks_app()),
        ("teardown", "teardown_request", _teardown_app()),
        ("blueprint", "a blueprint's before/after_request",
         _blueprint_app()),
        ("signals", "request_started + request_finished", _signals_app()),
        ("middleware", "WSGI middleware", _middleware_app()),
        ("toolbar", "Flask-DebugToolbar (timer panel)", _toolbar_app()),
        ("toolbar_default", "Flask-DebugToolbar (default panels)",
         _toolbar_app(None)),
    ]
    return {name: Variant(name, label, wsgi_call(app), app=app,
                          baseline=name == "bare")
            for name, label, app in apps}


def client_variants() -> dict[str, Variant]:
    """The bare and the decorated view through the full test client."""
    variants = {}
    for name, label, view in [
            ("bare", "bare view, test client", page),
            ("decorator", "@add_timing_information, test client",
             add_timing_information(page))]:
        app = _app(view)
        client = app.test_client()
        variants[name] = Variant(name, label, lambda c=client: c.get("/"),
                                 app=app, baseline=name == "bare")
    return variants


def floor_variant() -> Variant:
    """What no timing can avoid: two perf_counter calls and one header."""
    response = Response(PAGE, mimetype="text/html")

    def floor() -> Response:
        started = perf_counter()
        runtime = perf_counter() - started
        response.headers[HEADER] = f"{runtime:.6f}"
        return response
    return Variant("floor", "floor: 2 x perf_counter + 1 header", floor)


# --- feature flags: the talk's is_active against 0.6 ------------------------

def _flags_app(ext: str | None, view: Callable) -> Flask:
    app = _app(view, FEATURE_FLAGS=dict(FLAGS))
    if ext == "talk":
        talk.FeatureFlag(app)
    elif ext == "06":
        ff06.FeatureFlag(app)
    return app


def _views(mod) -> dict[str, Callable[[], str]]:
    """Views that check flags with *mod*'s is_active (talk or 0.6)."""
    def one() -> str:
        return PAGE.replace("Hello", f"on={mod.is_active(ON_FLAG)}")

    def hundred() -> str:
        count = 0
        for _ in range(HUNDRED):
            count += mod.is_active(ON_FLAG)
        return PAGE.replace("Hello", f"count={count}")

    def missing() -> str:
        return PAGE.replace("Hello", f"on={mod.is_active(MISSING_FLAG)}")

    return {"installed": page, "one": one, "hundred": hundred,
            "missing": missing,
            "view": mod.is_active_feature(ON_FLAG)(page)}


FLAG_CASES = [  # (case, label, checks)
    ("installed", "installed, no check", 0),
    ("one", "1 check", 1),
    ("hundred", f"{HUNDRED} checks of one flag", HUNDRED),
    ("missing", "1 check of a missing flag", 1),
    ("view", "@is_active_feature view", 1),
]


def flag_request_variants() -> dict[str, Variant]:
    """Whole requests (wsgi_app): no extension, then each case for the
    talk's extension and for 0.6."""
    bare = _app(page, FEATURE_FLAGS=dict(FLAGS))
    variants = {"bare": Variant("bare", "bare view, no extension",
                                wsgi_call(bare), baseline=True,
                                flags=len(FLAGS), app=bare)}
    for ext, mod, who in [("talk", talk, "talk"), ("06", ff06, "0.6")]:
        views = _views(mod)
        for case, label, checks in FLAG_CASES:
            app = _flags_app(ext, views[case])
            name = f"{ext}_{case}"
            variants[name] = Variant(name, f"{who}: {label}", wsgi_call(app),
                                     extension=ext, flags=len(FLAGS),
                                     checks=checks, app=app)
    return variants


class _Requests:
    """A fresh request context for every check: *context* pushes the
    first, *setup* (untimed) pops it and pushes the next, so each timed
    check is the first of its request. Public API only: nothing resets
    the extension's state but a new request."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.current: RequestContext | None = None

    def _push(self) -> None:
        if self.current is not None:
            self.current.pop()
        self.current = self.app.test_request_context("/")
        self.current.push()

    def setup(self) -> None:
        self._push()

    @contextmanager
    def context(self) -> Iterator[None]:
        self._push()
        try:
            yield
        finally:
            self.current.pop()
            self.current = None


def flag_call_variants() -> dict[str, dict[str, Variant]]:
    """is_active called directly inside a pushed request context; per
    group, 0.6 is the baseline. "first" checks run in a new request
    context each (pushed in the untimed setup); "again" repeats a check
    already made in the request (the talk's kept answer). Same
    FEATURE_FLAGS as the request benchmarks."""
    apps = {ext: _app(page, FEATURE_FLAGS=dict(FLAGS)) for ext in ("talk",
                                                                  "06")}
    talk.FeatureFlag(apps["talk"])
    ff06.FeatureFlag(apps["06"])

    def variant(name, label, ext, flag, first=True, baseline=False):
        app = apps[ext]
        mod = talk if ext == "talk" else ff06
        requests = _Requests(app)
        return Variant(name, label, lambda: mod.is_active(flag),
                       baseline=baseline, extension=ext, flags=len(FLAGS),
                       checks=1, app=app, context=requests.context,
                       setup=requests.setup if first else None)

    return {
        FLAG_ON: {v.name: v for v in [
            variant("06_on", "0.6: is_active, flag on", "06", ON_FLAG,
                    baseline=True),
            variant("talk_first", "talk: first check in a request", "talk",
                    ON_FLAG),
            variant("talk_repeat", "talk: same flag again (kept)", "talk",
                    ON_FLAG, first=False),
        ]},
        FLAG_MISSING: {v.name: v for v in [
            variant("06_missing", "0.6: is_active, missing flag", "06",
                    MISSING_FLAG, baseline=True),
            variant("talk_missing", "talk: first check, missing flag", "talk",
                    MISSING_FLAG),
        ]},
    }


# --- does a request's cost grow with the number of flags configured? -------

def many_flags(count: int) -> dict[str, bool]:
    """*count* flags, ON_FLAG among them (on), the rest alternating."""
    flags = {f"flag_{i:05d}": i % 2 == 0 for i in range(count - 1)}
    flags[ON_FLAG] = True
    return flags


#: The live-coding checkpoint whose request_started receiver copies every
#: flag into g: the talk's naive version, measured here.
SNAPSHOT_CHECKPOINT = 3


def checkpoint(number: int = SNAPSHOT_CHECKPOINT) -> ModuleType:
    """The checkpoint file ``demos/checkpoints/stepNN_*.py`` number
    *number*, imported under its own name (it defines a module-level
    ``app``). Raises KeyError when there is no such checkpoint."""
    path = checkpoints()[number]
    spec = importlib.util.spec_from_file_location(
        f"checkpoint_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scale_variants() -> dict[int, dict[str, Variant]]:
    """Per flag count: the bare app (same config, no extension); the
    talk's extension and 0.6 with 0 and 1 check per request; and the naive
    snapshot of the live coding (a request_started receiver copying every
    flag into g) with no check."""
    naive = checkpoint()
    by_count = {}
    for count in FLAG_COUNTS:
        flags = many_flags(count)
        bare = _app(page, FEATURE_FLAGS=dict(flags))
        variants = {f"bare_{count}": Variant(
            f"bare_{count}", f"{count:,} flags, no extension",
            wsgi_call(bare), baseline=True, flags=count, app=bare)}
        for ext, mod, who in [("talk", talk, "talk"), ("06", ff06, "0.6")]:
            for checks, view in [(0, page), (1, _views(mod)["one"])]:
                app = _app(view, FEATURE_FLAGS=dict(flags))
                mod.FeatureFlag(app)
                name = f"{ext}_{count}_{checks}"
                variants[name] = Variant(
                    name, f"{who}: {count:,} flags, {checks} check"
                    + "s" * (checks != 1), wsgi_call(app), extension=ext,
                    flags=count, checks=checks, app=app)
        app = _app(page, FEATURE_FLAGS=dict(flags))
        request_started.connect(naive.take_snapshot, app, weak=False)
        variants[f"naive_{count}_0"] = Variant(
            f"naive_{count}_0", f"naive snapshot: {count:,} flags, 0 checks",
            wsgi_call(app), extension="naive", flags=count, app=app)
        by_count[count] = variants
    return by_count


# --- a flag kept in a database table ----------------------------------------

def _table_app(views: dict[str, Callable[[], str]], **config: object
               ) -> Flask:
    """The table-flags demo (demos/flags_sqlalchemy.py) on SQLite in
    memory with *config*, plus ``/bench/none`` (the page) and
    ``/bench/NAME`` for each of *views*; its table created and filled
    (TABLE_FLAGS) by one request."""
    app = flags_sqlalchemy.create_app({
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "SECRET_KEY": secrets.token_hex(32), **config})
    for name, view in {"none": page, **views}.items():
        app.add_url_rule(f"/bench/{name}", f"bench_{name}", view)
    wsgi_call(app, "/flags")()  # creates and fills the table
    return app


def _checks(name: str, is_active: Callable[[str], bool]) -> Callable[[], str]:
    """A view that checks flag *name* once with *is_active*."""
    def view() -> str:
        return PAGE.replace("Hello", f"on={is_active(name)}")
    return view


def table_variants() -> dict[str, Variant]:
    """The table-flags app: a request that checks no flag (the baseline),
    one that checks a flag kept in the table (one SELECT), and one that
    checks a config flag; all three through Flask-SQLAlchemy's
    per-request teardown."""
    app = _table_app({"table": _checks("labs", talk.is_active),
                      "config": _checks("dark_mode", talk.is_active)})
    flags = len(app.config["FEATURE_FLAGS"])
    return {name: Variant(name, label, wsgi_call(app, path), app=app,
                          baseline=checks == 0, extension="talk",
                          flags=flags, checks=checks)
            for name, label, path, checks in [
                ("table_none", "table flags app, no check", "/bench/none", 0),
                ("table_flag", "1 check of a table flag", "/bench/table", 1),
                ("config_flag", "1 check of a config flag", "/bench/config",
                 1)]}


# --- the turning point: a snapshot with the table handler in the chain ------

#: How many flags the app configures in the turning-point group.
TURNING_COUNTS = (10, 100)


class TableSnapshot:
    """The live coding's naive snapshot (checkpoint 3: a request_started
    receiver copies every flag into g) for an app whose flags also come
    from a table: on every request, for every flag in FEATURE_FLAGS, it
    asks the handlers in turn, as flask_flags does (True wins; False or
    NoFeatureFlagFound: ask the next; StopCheckingFeatureFlags: off). With
    the table handler after the config handler, each flag the config has
    off costs one query, whether the request checks it or not."""

    def __init__(self, app: Flask, handlers: list[Callable[[str], bool]]
                 ) -> None:
        self.handlers = list(handlers)
        request_started.connect(self.take_snapshot, app, weak=False)

    def take_snapshot(self, sender: Flask, **extra: object) -> None:
        g.bench_flags = {name: self.ask(name)
                         for name in sender.config["FEATURE_FLAGS"]}

    def ask(self, name: str) -> bool:
        for handler in self.handlers:
            try:
                if handler(name):
                    return True
            except talk.NoFeatureFlagFound:
                continue
            except talk.StopCheckingFeatureFlags:
                return False
        return False


def snapshot_is_active(name: str) -> bool:
    """The checkpoint's is_active: the snapshot's answer."""
    return g.bench_flags.get(name, False)


def own_query() -> None:
    """The page's own query: one ``SELECT 1`` through the demo's
    Flask-SQLAlchemy session, as a page of an app that keeps its flags in
    a table reads its own data from the same database."""
    db.session.execute(sa.select(1))


def _page_with_query() -> str:
    own_query()
    return PAGE


def _checks_with_query(name: str, is_active: Callable[[str], bool]
                       ) -> Callable[[], str]:
    """A view that sends its own query, then checks flag *name* once."""
    def view() -> str:
        own_query()
        return PAGE.replace("Hello", f"on={is_active(name)}")
    return view


#: The turning point's two pages: (page_queries, name part, path part).
TURNING_PAGES = ((0, "", ""), (1, "query_", "query_"))


def turning_variants() -> dict[tuple[int, int], dict[str, Variant]]:
    """Per (flag count, page queries): the table-flags app with *count*
    flags, off in the config (FEATURE_FLAGS) and kept in the table
    (TABLE_FLAGS, ON_FLAG on), serving a page that sends no query of its
    own (page queries 0) or one ``SELECT 1`` (1, :func:`own_query`): a
    request that checks no flag with answers kept in g (the baseline: no
    flag query), one that checks ON_FLAG that way (one flag query), and
    with the naive snapshot (*count* flag queries) one that checks no flag
    and one that checks ON_FLAG."""
    by_key = {}
    for count in TURNING_COUNTS:
        flags = many_flags(count)
        config = {"FEATURE_FLAGS": dict.fromkeys(flags, False),
                  "TABLE_FLAGS": flags}
        apps = {}
        for kind, is_active in (("lazy", talk.is_active),
                                ("naive", snapshot_is_active)):
            apps[kind] = _table_app({
                "one": _checks(ON_FLAG, is_active),
                "query_none": _page_with_query,
                "query_one": _checks_with_query(ON_FLAG, is_active)},
                **config)
        TableSnapshot(apps["naive"], [talk.AppConfigFlagHandler,
                                      flags_sqlalchemy.table_flag_handler])
        for page_queries, name, path in TURNING_PAGES:
            page = " own query," if page_queries else ""
            variants = []
            for kind, extension, who in (("lazy", "talk", "kept in g"),
                                         ("naive", "naive", "snapshot")):
                for checks, case in ((0, "none"), (1, "one")):
                    variants.append(Variant(
                        f"{kind}_{name}{case}_{count}",
                        f"{count} flags,{page} {who}: "
                        + ("1 check" if checks else "no check"),
                        wsgi_call(apps[kind], f"/bench/{path}{case}"),
                        baseline=kind == "lazy" and not checks,
                        extension=extension, flags=count, checks=checks,
                        page_queries=page_queries, app=apps[kind]))
            by_key[count, page_queries] = {v.name: v for v in variants}
    return by_key


def count_queries(variant: Variant) -> tuple[int, int]:
    """``(flag queries, other statements)`` that one call of *variant*
    sends to its app's database, counted with SQLAlchemy's
    ``before_cursor_execute`` event on the app's engine (listened to for
    that call only); a flag query is a statement that names the flag table
    (``feature_flag``)."""
    with variant.app.app_context():
        engine = db.engine
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        variant.call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    table = flags_sqlalchemy.FlagRow.__tablename__
    flag = sum(table in statement for statement in statements)
    return flag, len(statements) - flag

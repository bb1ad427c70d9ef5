"""Fixtures in the style of Flask's tutorial (flaskr): ``app``, ``client``,
``runner``. A test module names the demo it tests with ``DEMO = <module>``;
``app`` builds it with ``create_app({"TESTING": True})``.

The SQLAlchemy demos' tests take ``database`` (directly or through
``make_app``) and so run twice: on SQLite and on PostgreSQL (ids end in
``[sqlite]`` and ``[postgresql]``; ``pytest -k postgres`` picks the
latter). See tests/engines.py for how the server is started.

For the deck: ``copy_talk`` copies the slide sources into a temporary
folder (tests never edit the real ones), ``built_deck`` is the real deck
built once per test session.
"""

from __future__ import annotations

import os
import shutil
import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest

import engines
from demos.cli import discover
from talk.tools import slides
from talk.tools import ROOT, TALK

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session", autouse=True)
def demos_instance_path(tmp_path_factory):
    """Demos keep SQLite files in their instance folder: point it at a temp
    folder for the whole session (subprocesses inherit it), so no test
    writes into the checkout."""
    folder = tmp_path_factory.mktemp("instance")
    old = os.environ.get("DEMOS_INSTANCE_PATH")
    os.environ["DEMOS_INSTANCE_PATH"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("DEMOS_INSTANCE_PATH", None)
    else:
        os.environ["DEMOS_INSTANCE_PATH"] = old


@pytest.fixture
def app(request):
    demo = getattr(request.module, "DEMO", None)
    if demo is None:
        pytest.fail(f"{request.module.__name__} sets no DEMO module")
    return demo.create_app({"TESTING": True})


@pytest.fixture(scope="session")
def postgresql_server():
    """A PostgreSQL server for the whole session (tests/engines.py), or a
    skip that says why not (a failure in CI, CI=true). At the end, no
    client may still be connected to it (``pg_stat_activity``)."""
    reason = engines.why_no_postgresql()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: not skipping)")
        pytest.skip(reason)
    server = engines.PostgreSQLServer(engines.find_bindir()).start()
    try:
        yield server
        left = server.wait_for_no_clients()
        assert left == [], f"clients still connected at the end: {left}"
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """An empty database for one test: a SQLite file under tmp_path, then
    a new database on the session's PostgreSQL server, dropped after the
    test (and only once no client is connected to it)."""
    if request.param == "sqlite":
        yield engines.SQLiteDatabase(tmp_path / "demo.db")
        return
    server = request.getfixturevalue("postgresql_server")
    with server.new_database() as new:
        yield new


@pytest.fixture
def new_database(database, tmp_path):
    """``new_database()``: one more empty database on the engine of
    ``database``, for tests that need several."""
    with ExitStack() as stack:
        def new():
            if database.engine == "sqlite":
                return engines.SQLiteDatabase(
                    tmp_path / f"{uuid.uuid4().hex[:8]}.db")
            return stack.enter_context(database.server.new_database())

        yield new


@pytest.fixture
def make_app(request, database, new_database):
    """``make_app(demo=None, **config)``: a SQLAlchemy demo's app (the test
    module's ``DEMO`` unless *demo* is given) with ``TESTING`` on, on
    ``database`` unless *config* names another ``SQLALCHEMY_DATABASE_URI``
    (None leaves it out, so the demo reads ``DATABASE_URL``).

    After the test, for every app made: no connection is checked out of its
    engine's pool (``engine.pool.checkedout() == 0``) and, on PostgreSQL,
    no client connection is left in a transaction (``pg_stat_activity``);
    then the engine is disposed."""
    from demos.sqlalchemy_hooks import db

    made = []

    def make(demo=None, **config):
        module = demo or request.module.DEMO
        config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database.url,
                  **config}
        if config["SQLALCHEMY_DATABASE_URI"] is None:
            del config["SQLALCHEMY_DATABASE_URI"]
        app = module.create_app(config)
        with app.app_context():
            made.append(db.engine)
        return app

    yield make
    try:
        out = {str(e.url): e.pool.checkedout() for e in made
               if e.pool.checkedout()}
        assert out == {}, f"connections still checked out: {out}"
        busy = [row for row in database.client_backends()
                if row[1] != "idle"]
        assert busy == [], f"connections left in a transaction: {busy}"
    finally:
        for engine in made:
            engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def demo_modules() -> list[str]:
    """``demos.<x>`` for every demo, found by demos.cli's discovery."""
    found, broken = discover()
    assert not broken, broken
    return [f"demos.{demo.name}" for demo in found]


def require(ok: bool, reason: str) -> None:
    """Skip (an attendee's laptop) or fail (CI=true) when something a test
    needs, such as Chromium or decktape, is missing."""
    if not ok:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: not skipping)")
        pytest.skip(reason)


#: The folders beside talk/ that slides include files from.
INCLUDED_FOLDERS = ("demos", "flask-flags", "tests", ".github")


def copy_talk(folder: Path) -> Path:
    """A copy of the slide sources (talk/ without its tools) in *folder*,
    beside links to the real folders its slides include from
    (INCLUDED_FOLDERS; read only: copy them to change them)."""
    talk = folder / "talk"
    shutil.copytree(TALK, talk, ignore=shutil.ignore_patterns(
        "__pycache__", "tools", "__init__.py"))
    for name in INCLUDED_FOLDERS:
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    return talk


@pytest.fixture(scope="session")
def good_build(tmp_path_factory) -> tuple[Path, Path]:
    """The real deck, copied (copy_talk) and built once per session:
    ``(talk copy, build folder)``. Copy them before changing anything."""
    folder = tmp_path_factory.mktemp("deck")
    talk = copy_talk(folder)
    target = folder / "slides"
    slides.build(talk / "index.rst", target)
    return talk, target


@pytest.fixture(scope="session")
def built_deck(good_build) -> Path:
    """The index.html of the real deck, built once per session."""
    return good_build[1] / "index.html"

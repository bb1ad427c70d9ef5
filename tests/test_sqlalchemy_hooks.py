"""demos/sqlalchemy_hooks.py: session events, query timing, and the
commit-or-roll-back teardown, on a SQLite file under tmp_path."""

import sqlite3

import pytest
from sqlalchemy import event, text

import demos.sqlalchemy_hooks
from demos.sqlalchemy_hooks import db

DEMO = demos.sqlalchemy_hooks


def make_app(path, **config):
    return DEMO.create_app({"TESTING": True,
                            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                            **config})


def dispose(app):
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "hooks.db"


@pytest.fixture
def app(db_path):
    app = make_app(db_path)
    yield app
    dispose(app)


def stored_notes(path):
    """The note texts on disk, read without SQLAlchemy or Flask."""
    with sqlite3.connect(path) as con:
        return [row[0] for row in con.execute("SELECT text FROM note")]


def events(app):
    return [entry["event"] for entry in app.extensions["sqlalchemy_hooks"]
            .journal]


def test_index_does_not_touch_the_database(client, db_path):
    assert client.get("/").status_code == 200
    assert not db_path.exists()


def test_database_url_default_env_and_test_config(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = DEMO.create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{app.instance_path}/demo.db")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    app = DEMO.create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/env.db")
    app = make_app(tmp_path / "test.db")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/test.db")


def test_successful_request_is_committed_by_teardown(client, app, db_path):
    response = client.post("/notes", data={"text": "kept"})
    assert response.status_code == 201
    assert stored_notes(db_path) == ["kept"]
    assert events(app) == ["flush", "commit"]
    assert app.extensions["sqlalchemy_hooks"].journal[0]["new"] == ["Note"]


def test_request_failing_half_way_writes_nothing(client, app, db_path):
    with pytest.raises(RuntimeError, match="after the INSERT"):
        client.post("/notes/fail")
    assert stored_notes(db_path) == []
    assert events(app) == ["flush", "rollback"]


def test_failing_request_is_a_500_and_writes_nothing(app, client, db_path):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.post("/notes/fail").status_code == 500
    assert stored_notes(db_path) == []
    assert events(app) == ["flush", "rollback"]


def test_handled_error_response_is_rolled_back_too(client, app, db_path):
    # abort(409) is handled, so teardown gets error=None: the status counts
    assert client.post("/notes/conflict").status_code == 409
    assert stored_notes(db_path) == []
    assert events(app) == ["flush", "rollback"]


def test_a_request_without_the_database_commits_nothing(client, app):
    client.post("/notes", data={"text": "one"})
    before = events(app)
    assert client.get("/").status_code == 200
    assert events(app) == before


def test_queries_are_timed_per_request(client):
    client.post("/notes", data={"text": "first"})
    queries = client.get("/notes").get_json()["queries"]
    assert len(queries) == 1          # this request's query only
    assert queries[0]["sql"].startswith("SELECT note.text")
    assert isinstance(queries[0]["seconds"], float)
    assert 0 <= queries[0]["seconds"] < 5


def test_insert_is_timed(client):
    queries = client.post("/notes", data={"text": "x"}).get_json()["queries"]
    assert [q["sql"] for q in queries][-1].startswith("INSERT INTO note")


def test_timing_outside_an_app_context_records_nothing(app):
    with app.app_context():
        engine = db.engine
    with engine.connect() as connection:      # no app context: no g
        assert connection.execute(text("SELECT 1")).scalar() == 1
    with app.test_request_context():
        assert DEMO.get_timed_queries() == []


def test_listeners_are_per_engine_and_apps_share_nothing(tmp_path):
    one, two = make_app(tmp_path / "one.db"), make_app(tmp_path / "two.db")
    three = None
    try:
        with one.app_context():
            engine_one = db.engine
        listeners = len(engine_one.dispatch.before_cursor_execute)
        three = make_app(tmp_path / "three.db")      # a third app...
        assert len(engine_one.dispatch.before_cursor_execute) == listeners
        assert event.contains(engine_one, "before_cursor_execute",
                              DEMO._start)
        one.test_client().post("/notes", data={"text": "only in one"})
        assert events(one) == ["flush", "commit"]
        assert events(two) == [] and events(three) == []
        assert stored_notes(tmp_path / "one.db") == ["only in one"]
        assert not (tmp_path / "two.db").exists()
    finally:
        for app in (one, two, three):
            if app is not None:
                dispose(app)

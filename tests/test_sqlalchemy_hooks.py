"""demos/sqlalchemy_hooks.py: session events, query timing, the view that
commits and the teardown that only rolls back; each test on SQLite and on
PostgreSQL (the ``database`` fixture, tests/conftest.py)."""

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DataError
from werkzeug.test import Client

import demos.sqlalchemy_hooks
from demos.sqlalchemy_hooks import db

DEMO = demos.sqlalchemy_hooks


@pytest.fixture
def app(make_app):
    return make_app()


def stored_notes(database):
    """The note texts in the database, read without SQLAlchemy or Flask."""
    return [note for (note,) in database.rows(
        "SELECT text FROM note ORDER BY id")]


def events(app):
    return [entry["event"] for entry in app.extensions["sqlalchemy_hooks"]
            .journal]


def test_the_app_runs_on_the_engine_it_was_given(app, database):
    with app.app_context():
        assert db.engine.dialect.name == database.engine
        version = db.session.execute(text(
            "SELECT sqlite_version()" if database.engine == "sqlite"
            else "SHOW server_version")).scalar_one()
    assert version[0].isdigit()


def test_index_does_not_touch_the_database(client, app, database):
    assert client.get("/").status_code == 200
    with app.app_context():
        assert db.engine.pool.checkedin() == 0      # never connected
    assert database.tables() == []


def test_database_url_default_env_and_test_config(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = DEMO.create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{app.instance_path}/demo.db")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    app = DEMO.create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/env.db")
    monkeypatch.setenv("DATABASE_URL",
                       "postgresql+psycopg://demo@localhost/demo")
    app = DEMO.create_app()
    with app.app_context():                      # never connects
        assert db.engine.dialect.name == "postgresql"
        assert db.engine.dialect.driver == "psycopg"
    app = DEMO.create_app({"SQLALCHEMY_DATABASE_URI":
                           f"sqlite:///{tmp_path}/test.db"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/test.db")


def test_database_url_names_the_database(monkeypatch, make_app, database):
    monkeypatch.setenv("DATABASE_URL", database.url)
    app = make_app(SQLALCHEMY_DATABASE_URI=None)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == database.url
    assert app.test_client().post("/notes", data={"text": "env"}
                                  ).status_code == 201
    assert stored_notes(database) == ["env"]


def test_the_view_commits_its_write(client, app, database):
    response = client.post("/notes", data={"text": "kept"})
    assert response.status_code == 201
    assert stored_notes(database) == ["kept"]
    assert events(app) == ["flush", "commit"]
    assert app.extensions["sqlalchemy_hooks"].journal[0]["new"] == ["Note"]


def test_request_failing_half_way_writes_nothing(client, app, database):
    with pytest.raises(RuntimeError, match="after the INSERT"):
        client.post("/notes/fail")
    assert stored_notes(database) == []
    assert events(app) == ["flush", "rollback"]


def test_handled_409_after_a_write_is_rolled_back(client, app, database):
    # abort(409) is handled, so teardown gets error=None: nothing commits
    assert client.post("/notes/conflict").status_code == 409
    assert stored_notes(database) == []
    assert events(app) == ["flush", "rollback"]


# Through app.wsgi_app, as a WSGI server calls it, with TESTING off, as in
# production: an exception becomes a 500 there instead of reaching the test.

@pytest.fixture
def wsgi(make_app):
    """(app with TESTING off, werkzeug Client on its wsgi_app)."""
    app = make_app(TESTING=False)
    return app, Client(app.wsgi_app)


def test_wsgi_a_write_is_committed_by_the_view(wsgi, database):
    app, client = wsgi
    assert client.post("/notes", data={"text": "kept"}).status_code == 201
    assert stored_notes(database) == ["kept"]
    assert events(app) == ["flush", "commit"]


def test_wsgi_a_409_after_a_write_commits_nothing(wsgi, database):
    app, client = wsgi
    assert client.post("/notes/conflict").status_code == 409
    assert stored_notes(database) == []
    assert events(app) == ["flush", "rollback"]


def test_wsgi_an_exception_rolls_back(wsgi, database):
    app, client = wsgi
    assert client.post("/notes/fail").status_code == 500
    assert stored_notes(database) == []
    assert events(app) == ["flush", "rollback"]


def test_wsgi_only_committed_writes_are_kept(wsgi, database):
    app, client = wsgi
    for path in ("/notes", "/notes/conflict", "/notes/fail", "/notes"):
        client.post(path, data={"text": path})
    assert stored_notes(database) == ["/notes", "/notes"]
    response = client.get("/notes")
    assert response.status_code == 200
    assert response.json["notes"] == ["/notes", "/notes"]


def test_a_request_without_the_database_journals_nothing(client, app):
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


def test_listeners_are_per_engine_and_apps_share_nothing(make_app,
                                                         new_database):
    bases = [new_database() for _ in range(3)]
    one, two = (make_app(SQLALCHEMY_DATABASE_URI=base.url)
                for base in bases[:2])
    with one.app_context():
        engine_one = db.engine
    listeners = len(engine_one.dispatch.before_cursor_execute)
    three = make_app(SQLALCHEMY_DATABASE_URI=bases[2].url)  # a third app...
    assert len(engine_one.dispatch.before_cursor_execute) == listeners
    assert event.contains(engine_one, "before_cursor_execute", DEMO._start)
    one.test_client().post("/notes", data={"text": "only in one"})
    assert events(one) == ["flush", "commit"]
    assert events(two) == [] and events(three) == []
    assert stored_notes(bases[0]) == ["only in one"]
    assert bases[1].tables() == []


# Input the note.text column (String(200)) cannot hold: unchecked, SQLite
# stored it and PostgreSQL refused it (a 500); now both answer 400.

def test_a_note_of_exactly_200_characters_is_stored(client, database):
    text = "é" * 199 + "🐍"               # characters, not bytes, count
    assert client.post("/notes", data={"text": text}).status_code == 201
    assert stored_notes(database) == [text]


@pytest.mark.parametrize("text, words", [
    ("x" * 201, ["form field text", "201 characters", "note.text",
                 "at most 200"]),
    ("a\x00b", ["form field text", "NUL", "note.text"]),
], ids=["201-characters", "nul"])
def test_a_note_the_column_cannot_hold_is_a_400_on_both_engines(
        wsgi, database, text, words):
    app, client = wsgi                       # TESTING off: no 500 either
    response = client.post("/notes", data={"text": text})
    assert response.status_code == 400
    error = response.json["error"]
    assert all(word in error for word in words), error
    assert "\n" not in error
    assert stored_notes(database) == []
    assert events(app) == []                 # refused before any flush


def test_postgresql_itself_refuses_what_sqlite_stores(app, client, database):
    """Why the demo checks: the engines differ without it."""
    client.get("/notes")                     # creates the table
    with app.app_context():
        insert = db.insert(DEMO.Note).values(text="x" * 201)
        if database.engine == "sqlite":
            db.session.execute(insert)
            db.session.commit()
            assert [len(text) for text in stored_notes(database)] == [201]
        else:
            with pytest.raises(DataError, match="character varying"):
                db.session.execute(insert)
            db.session.rollback()
            assert stored_notes(database) == []

"""demos/resources.py: a lazily opened SQLite connection in g; the view
commits, and teardown_appcontext rolls back what no view committed and
closes it."""

import sqlite3
from pathlib import Path

import pytest
from flask import g
from werkzeug.test import Client

import demos.resources

DEMO = demos.resources


@pytest.fixture
def database(tmp_path):
    return tmp_path / "data" / "demo.sqlite"


@pytest.fixture
def app(database):
    """The demo app with its database file under tmp_path."""
    return DEMO.create_app({"TESTING": True, "DATABASE": str(database)})


def tally(client):
    return client.get("/stats").get_json()


def stored_hits(database):
    """The hits on disk, counted without Flask."""
    db = sqlite3.connect(database)
    try:
        return db.execute("SELECT count(*) FROM hits").fetchone()[0]
    finally:
        db.close()


def test_index_lists_the_routes(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"/hits" in response.data


def test_database_defaults_to_the_instance_folder_without_creating_it():
    app = DEMO.create_app({"TESTING": True})
    path = Path(app.config["DATABASE"])
    assert path.parent == Path(app.instance_path)
    assert path.name == "resources.sqlite"
    assert app.test_client().get("/stats").get_json() == {
        "opened": 0, "closed": 0}


def test_a_view_that_does_not_use_the_database_opens_nothing(client, database):
    assert client.get("/").status_code == 200
    assert tally(client) == {"opened": 0, "closed": 0}
    assert not database.exists()


def test_one_connection_per_request_closed_after_it(client, database):
    assert client.get("/hits").get_json() == {"hits": 1}
    assert tally(client) == {"opened": 1, "closed": 1}
    assert database.is_file()


def test_data_persists_across_requests(client, database):
    for expected in (1, 2, 3):
        assert client.get("/hits").get_json() == {"hits": expected}
    assert tally(client) == {"opened": 3, "closed": 3}
    assert stored_hits(database) == 3


def test_the_connection_lives_in_g_until_teardown(app, client):
    seen = []

    @app.teardown_appcontext  # registered last, so it runs before close_db
    def capture(error):
        db = g.get("_resources_db")
        seen.append(db)
        if db is not None:
            assert db.execute("SELECT count(*) FROM hits").fetchone() == (1,)

    client.get("/hits")
    client.get("/stats")
    db, none = seen
    assert none is None
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.execute("SELECT 1")


def test_get_db_in_an_app_context_pushed_by_hand(app):
    with app.app_context():
        db = DEMO.get_db()
        assert DEMO.get_db() is db
        assert app.extensions["resources_demo"]["opened"] == 1
    with pytest.raises(sqlite3.ProgrammingError):
        db.execute("SELECT 1")
    assert app.extensions["resources_demo"]["closed"] == 1


def test_a_failed_request_is_rolled_back_and_still_closed(client):
    with pytest.raises(RuntimeError, match="rolled back"):
        client.get("/fail")
    assert tally(client) == {"opened": 1, "closed": 1}
    assert client.get("/hits").get_json() == {"hits": 1}


def test_a_handled_409_after_a_write_is_rolled_back(client, database):
    assert client.get("/conflict").status_code == 409
    assert stored_hits(database) == 0
    assert tally(client) == {"opened": 1, "closed": 1}


# Through app.wsgi_app, as a WSGI server calls it, with TESTING off as in
# production (an exception is a 500, not raised into the test).

@pytest.fixture
def wsgi(database):
    app = DEMO.create_app({"DATABASE": str(database)})
    return Client(app.wsgi_app)


def test_wsgi_a_write_is_committed_by_the_view(wsgi, database):
    response = wsgi.get("/hits")
    assert response.status_code == 200
    assert stored_hits(database) == 1


def test_wsgi_a_409_after_a_write_commits_nothing(wsgi, database):
    wsgi.get("/hits")
    assert wsgi.get("/conflict").status_code == 409
    assert stored_hits(database) == 1
    assert wsgi.get("/stats").json == {"opened": 2, "closed": 2}


def test_wsgi_an_exception_rolls_back(wsgi, database):
    wsgi.get("/hits")
    assert wsgi.get("/fail").status_code == 500
    assert stored_hits(database) == 1
    assert wsgi.get("/hits").json == {"hits": 2}

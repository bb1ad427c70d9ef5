"""demos/resources.py: a lazily opened SQLite connection in g, closed at
teardown_appcontext."""

import sqlite3
from pathlib import Path

import pytest
from flask import g

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
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM hits").fetchone() == (3,)
    db.close()


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

"""demos/flags_sqlalchemy.py: flags in a table, read by a handler in the
talk's flag chain, on a SQLite file under tmp_path."""

import sqlite3

import pytest
import demos.flags_sqlalchemy
from demos.flags_sqlalchemy import FlagRow, table_flag_handler
from flask_flags import (NoFeatureFlagFound, checked_flags, is_active,
                         missing_feature)
from demos.sqlalchemy_hooks import create_tables_once, db

DEMO = demos.flags_sqlalchemy


def make_app(path, **config):
    return DEMO.create_app({"TESTING": True,
                            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                            **config})


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "flags.db"


@pytest.fixture
def app(db_path):
    app = make_app(db_path)
    yield app
    with app.app_context():
        db.engine.dispose()


def stored(path):
    with sqlite3.connect(path) as con:
        return dict(con.execute("SELECT feature, is_active FROM feature_flag"))


def test_table_is_created_and_filled_from_the_config(client, db_path):
    assert not db_path.exists()                 # GET / does not need it
    client.get("/")
    assert not db_path.exists()
    client.get("/flags")
    assert stored(db_path) == {"new_checkout": 0, "labs": 1}


def test_flags_say_what_decided(client):
    assert client.get("/flags").get_json() == {
        "dark_mode": {"active": True, "why": "on",
                      "decided_by": "AppConfigFlagHandler"},
        "labs": {"active": True, "why": "on",
                 "decided_by": "table_flag_handler"},
        "new_checkout": {"active": False, "why": "off",
                         "decided_by": "table_flag_handler"},
    }


def test_table_flag_on_and_off(client):
    assert client.get("/labs").status_code == 200          # on in the table
    assert client.get("/checkout").status_code == 404      # off in the table


def test_toggle_flips_and_commits(client, db_path):
    response = client.post("/flags/new_checkout/toggle")
    assert response.get_json() == {"feature": "new_checkout",
                                   "is_active": True}
    assert stored(db_path)["new_checkout"] == 1            # on disk
    assert client.get("/checkout").data == b"The new one-click checkout."
    client.post("/flags/new_checkout/toggle")
    assert client.get("/checkout").status_code == 404


def test_toggle_of_an_unknown_flag_is_404(client, db_path):
    assert client.post("/flags/nope/toggle").status_code == 404
    assert "nope" not in stored(db_path)


def test_unknown_flag_falls_through_to_missing(app):
    missing = []

    def on_missing(sender, feature):
        missing.append(feature)

    with app.test_request_context(), \
            missing_feature.connected_to(on_missing):
        create_tables_once()
        with pytest.raises(NoFeatureFlagFound):
            table_flag_handler("nope")
        assert table_flag_handler("labs") is True
        assert is_active("nope") is False
        assert is_active("new_checkout") is False      # known, off
    assert missing == ["nope"]


def test_config_handler_comes_before_the_table(tmp_path):
    app = make_app(tmp_path / "c.db", TABLE_FLAGS={"dark_mode": False})
    try:
        body = app.test_client().get("/flags").get_json()
        assert body["dark_mode"] == {"active": True, "why": "on",
                                     "decided_by": "AppConfigFlagHandler"}
    finally:
        with app.app_context():
            db.engine.dispose()


def test_one_request_sees_one_value_even_if_the_row_changes(app, client):
    def twice():
        first = is_active("labs")
        row = db.session.scalar(db.select(FlagRow).filter_by(feature="labs"))
        row.is_active = False
        db.session.flush()                      # the table now says off
        return {"first": first, "second": is_active("labs"),
                "table": table_flag_handler("labs"),
                "decided_by": checked_flags()["labs"].handler.__name__}

    app.add_url_rule("/twice", view_func=twice)
    client.get("/flags")                        # creates the table
    assert client.get("/twice").get_json() == {
        "first": True, "second": True, "table": False,
        "decided_by": "table_flag_handler"}
    assert client.get("/labs").status_code == 404   # the next request


def test_seed_only_when_the_table_is_created(db_path, client):
    client.post("/flags/labs/toggle")                      # labs off
    again = make_app(db_path, TABLE_FLAGS={"labs": True, "extra": True})
    try:
        again.test_client().get("/flags")
        assert stored(db_path) == {"new_checkout": 0, "labs": 0}
    finally:
        with again.app_context():
            db.engine.dispose()

"""demos/flags_sqlalchemy.py: flags in a table, read by a handler in the
talk's flag chain; each test on SQLite and on PostgreSQL (the ``database``
fixture, tests/conftest.py)."""

from urllib.parse import quote

import pytest
from flask import abort
from werkzeug.test import Client

import demos.flags_sqlalchemy
from demos.flags_sqlalchemy import FlagRow, table_flag_handler
from flask_flags import (NoFeatureFlagFound, checked_flags, is_active,
                         missing_feature)
from demos.sqlalchemy_hooks import create_tables_once, db

DEMO = demos.flags_sqlalchemy


@pytest.fixture
def app(make_app):
    return make_app()


def stored(database):
    """The feature_flag table, read without SQLAlchemy or Flask."""
    return dict(database.rows("SELECT feature, is_active FROM feature_flag"))


def test_table_is_created_and_filled_from_the_config(client, database):
    client.get("/")                             # GET / does not need it
    assert database.tables() == []
    client.get("/flags")
    assert "feature_flag" in database.tables()
    assert stored(database) == {"new_checkout": False, "labs": True}


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


def test_toggle_flips_and_commits(client, database):
    response = client.post("/flags/new_checkout/toggle")
    assert response.get_json() == {"feature": "new_checkout",
                                   "is_active": True}
    assert stored(database)["new_checkout"] == 1           # committed
    assert client.get("/checkout").data == b"The new one-click checkout."
    client.post("/flags/new_checkout/toggle")
    assert client.get("/checkout").status_code == 404


def test_toggle_of_an_unknown_flag_is_404(client, database):
    assert client.post("/flags/nope/toggle").status_code == 404
    assert "nope" not in stored(database)


def test_wsgi_toggle_commits_and_a_409_after_a_write_keeps_nothing(
        make_app, database):
    """Through app.wsgi_app with TESTING off, as a server calls it."""
    app = make_app(TESTING=False)

    def flip(name):
        row = db.session.scalar(db.select(FlagRow).filter_by(feature=name))
        row.is_active = not row.is_active
        db.session.flush()                      # written, not committed

    def flip_then_conflict(name):
        flip(name)
        abort(409)

    def flip_then_fail(name):
        flip(name)
        raise RuntimeError("failed after the UPDATE")

    app.add_url_rule("/flags/<name>/conflict", view_func=flip_then_conflict,
                     methods=["POST"])
    app.add_url_rule("/flags/<name>/fail", view_func=flip_then_fail,
                     methods=["POST"])
    client = Client(app.wsgi_app)
    assert client.post("/flags/labs/toggle").status_code == 200
    assert stored(database)["labs"] == 0                   # committed
    assert client.post("/flags/labs/conflict").status_code == 409
    assert client.post("/flags/labs/fail").status_code == 500
    assert stored(database)["labs"] == 0                   # both undone
    assert client.get("/labs").status_code == 404


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


def test_config_handler_comes_before_the_table(make_app):
    app = make_app(TABLE_FLAGS={"dark_mode": False})
    body = app.test_client().get("/flags").get_json()
    assert body["dark_mode"] == {"active": True, "why": "on",
                                 "decided_by": "AppConfigFlagHandler"}


def test_one_request_sees_one_value_even_if_the_row_changes(app, client):
    def twice():
        first = is_active("labs")
        row = db.session.scalar(db.select(FlagRow).filter_by(feature="labs"))
        row.is_active = False
        db.session.flush()                      # the table now says off
        answer = {"first": first, "second": is_active("labs"),
                  "table": table_flag_handler("labs"),
                  "decided_by": checked_flags()["labs"].handler.__name__}
        db.session.commit()                     # for the next request
        return answer

    app.add_url_rule("/twice", view_func=twice)
    client.get("/flags")                        # creates the table
    assert client.get("/twice").get_json() == {
        "first": True, "second": True, "table": False,
        "decided_by": "table_flag_handler"}
    assert client.get("/labs").status_code == 404   # the next request


def test_table_filled_only_when_it_is_created(make_app, client, database):
    client.post("/flags/labs/toggle")                      # labs off
    again = make_app(TABLE_FLAGS={"labs": True, "extra": True})
    again.test_client().get("/flags")
    assert stored(database) == {"new_checkout": False, "labs": False}


# Flag names the feature_flag.feature column (String(255)) cannot hold:
# unchecked, PostgreSQL refused a NUL in the lookup (a 500) where SQLite
# answered 404; now both answer 400 and name the limit.

@pytest.mark.parametrize("name, words", [
    ("x" * 256, ["flag name", "256 characters", "feature_flag.feature",
                 "at most 255"]),
    ("la\x00bs", ["flag name", "NUL", "feature_flag.feature"]),
], ids=["256-characters", "nul"])
def test_toggle_of_a_name_the_table_cannot_hold_is_a_400(
        make_app, database, name, words):
    client = Client(make_app(TESTING=False).wsgi_app)
    response = client.post(f"/flags/{quote(name)}/toggle")
    assert response.status_code == 400
    error = response.json["error"]
    assert all(word in error for word in words), error
    assert client.post(f"/flags/{'x' * 255}/toggle").status_code == 404
    assert stored(database) == {"new_checkout": False, "labs": True}


def test_table_flags_the_table_cannot_hold_stop_create_app(tmp_path):
    url = f"sqlite:///{tmp_path}/never.db"
    with pytest.raises(ValueError, match=r"^TABLE_FLAGS name 'x+\.\.\.x+' is "
                       r"256 characters long; feature_flag\.feature holds "
                       r"at most 255: shorten it$"):
        DEMO.create_app({"SQLALCHEMY_DATABASE_URI": url,
                         "TABLE_FLAGS": {"x" * 256: True}})
    with pytest.raises(ValueError, match="NUL"):
        DEMO.create_app({"SQLALCHEMY_DATABASE_URI": url,
                         "TABLE_FLAGS": {"a\x00": True}})
    with pytest.raises(ValueError, match="^TABLE_FLAGS name 'labs' is 'yes': "
                       "set True or False$"):
        DEMO.create_app({"SQLALCHEMY_DATABASE_URI": url,
                         "TABLE_FLAGS": {"labs": "yes"}})
    assert not (tmp_path / "never.db").exists()

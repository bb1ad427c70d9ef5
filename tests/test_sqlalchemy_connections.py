"""No database connection is left checked out by the SQLAlchemy demos,
after many requests, successful and failing, on SQLite and on PostgreSQL
(the ``database`` fixture). ``make_app`` (tests/conftest.py) then checks
the pool and, on PostgreSQL, ``pg_stat_activity`` once more."""

from collections import Counter

import pytest
from sqlalchemy import event

import demos.flags_sqlalchemy
import demos.sqlalchemy_hooks
from demos.sqlalchemy_hooks import db

REQUESTS = {
    demos.sqlalchemy_hooks: [
        ("post", "/notes", 201), ("get", "/notes", 200),
        ("post", "/notes/fail", 500), ("post", "/notes/conflict", 409),
        ("get", "/journal", 200), ("get", "/", 200),
    ],
    demos.flags_sqlalchemy: [
        ("get", "/flags", 200), ("post", "/flags/labs/toggle", 200),
        ("get", "/labs", 404), ("post", "/flags/labs/toggle", 200),
        ("get", "/checkout", 404), ("post", "/flags/nope/toggle", 404),
        ("post", "/flags/%00/toggle", 400),
    ],
}


@pytest.fixture(params=list(REQUESTS), ids=lambda m: m.__name__)
def counted(request, make_app):
    """(app, engine, pool counter, requests) for one demo on a new
    database."""
    app = make_app(request.param, PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        engine = db.engine
    counts = Counter(checkout=0, checkin=0)

    def count_checkout(*args):
        counts["checkout"] += 1

    def count_checkin(*args):
        counts["checkin"] += 1

    event.listen(engine, "checkout", count_checkout)
    event.listen(engine, "checkin", count_checkin)
    return app, engine, counts, REQUESTS[request.param]


def test_every_checkout_is_checked_in(counted, database):
    app, engine, counts, requests = counted
    client = app.test_client()
    for _ in range(10):
        for method, path, status in requests:
            assert getattr(client, method)(path).status_code == status
    assert counts["checkout"] >= 40
    assert counts["checkin"] == counts["checkout"]
    assert engine.pool.checkedout() == 0
    assert [state for (_, state, _) in database.client_backends()
            if state != "idle"] == []          # PostgreSQL: none in use


def test_raising_requests_give_their_connection_back(counted):
    app, engine, counts, _ = counted
    app.config["PROPAGATE_EXCEPTIONS"] = True
    client = app.test_client()

    def boom():
        db.session.execute(db.select(1))        # holds a connection
        raise RuntimeError("boom")

    app.add_url_rule("/boom", view_func=boom)
    for _ in range(20):
        with pytest.raises(RuntimeError):
            client.get("/boom")
    assert counts["checkout"] == counts["checkin"] == 20
    assert engine.pool.checkedout() == 0

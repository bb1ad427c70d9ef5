"""A database connection per application context, opened lazily (talk section 2).

``get_db()`` opens a SQLite connection the first time something asks for it
and keeps it in ``g`` under a prefixed name (``g._resources_db``). A view
that writes commits its own work (``get_db().commit()``); the
``teardown_appcontext`` function ``close_db`` never commits: it rolls back
whatever no view committed and closes the connection when the context is
popped. So a view that raises, or that writes and then calls
``abort(409)`` (handled, so teardown gets ``error=None``), keeps nothing. A
request that never calls ``get_db()`` opens nothing. The database is a
file in the app's instance folder unless the ``DATABASE`` config value
names another path.

This is the "Proper Connection Management" of the talk "Advanced Flask
Patterns" (Flask 0.9), whose teardown only closes, without
``_app_ctx_stack``, which Flask 3 removed (the old version is in
demos/history/app_ctx_stack.py). Pattern: Flask's tutorial, "Define and
Access the Database"
(https://flask.palletsprojects.com/en/stable/tutorial/database/), whose
views call ``db.commit()`` and whose ``close_db`` only closes.
"""

import sqlite3
from collections import Counter
from pathlib import Path

from flask import abort, current_app, g

from demos._common import add_index, new_app


def create_app(test_config=None):
    """Return the resources demo app. ``app.extensions["resources_demo"]``
    is a Counter of connections "opened" and "closed"."""
    app = new_app(__name__, test_config)
    init_app(app)
    add_index(app, "Resources in g", "A SQLite connection opened on first "
              "use, kept in g; the view commits, and teardown_appcontext "
              "rolls back what no view committed and closes it.",
              [("/hits", "counts its own hits in SQLite: opens a connection"),
               ("/stats", "connections opened and closed: opens none"),
               ("/fail", "writes a hit, then fails: teardown rolls it back"),
               ("/conflict", "writes a hit, then 409: rolled back too")])
    app.add_url_rule("/hits", view_func=hits)
    app.add_url_rule("/stats", view_func=stats)
    app.add_url_rule("/fail", view_func=fail)
    app.add_url_rule("/conflict", view_func=conflict)
    return app


def init_app(app):
    """Default ``DATABASE`` to a file in the instance folder, register the
    teardown and the open/close counter. Creates no file or folder."""
    default = Path(app.instance_path) / "resources.sqlite"
    app.config.setdefault("DATABASE", str(default))
    app.extensions["resources_demo"] = Counter()
    app.teardown_appcontext(close_db)


# get_db() returns this app context's sqlite3 connection (opened on the
# first call); close_db(error) is the teardown_appcontext function: it
# rolls back what no view committed (whatever *error* is) and closes.
# [start:get-db]
def get_db():
    if "_resources_db" not in g:
        g._resources_db = connect(current_app.config["DATABASE"])
    return g._resources_db

def close_db(error):
    db = g.pop("_resources_db", None)
    if db is not None:
        db.rollback()  # never commit here: the view does
        db.close()
# [end:get-db]


class TalliedConnection(sqlite3.Connection):
    """A sqlite3 connection that counts its ``close()`` in ``tally``."""

    tally = None

    def close(self):
        if self.tally is not None:
            self.tally["closed"] += 1
            self.tally = None
        super().close()


def connect(path):
    """Open the SQLite database at *path* (folder and file made if missing),
    create the ``hits`` table if needed, and count the open."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, factory=TalliedConnection)
    db.tally = current_app.extensions["resources_demo"]
    db.tally["opened"] += 1
    db.execute("CREATE TABLE IF NOT EXISTS hits (id INTEGER PRIMARY KEY)")
    return db


def hits():
    """Record a hit and commit; return the total. get_db() three times:
    one connection."""
    get_db().execute("INSERT INTO hits DEFAULT VALUES")
    get_db().commit()
    (total,) = get_db().execute("SELECT count(*) FROM hits").fetchone()
    return {"hits": total}


def stats():
    """Connections opened and closed so far; this view opens none."""
    tally = current_app.extensions["resources_demo"]
    return {"opened": tally["opened"], "closed": tally["closed"]}


def fail():
    """Insert a hit, then raise RuntimeError: close_db rolls it back."""
    get_db().execute("INSERT INTO hits DEFAULT VALUES")
    raise RuntimeError("failed after writing: the hit is rolled back")


def conflict():
    """Insert a hit, then ``abort(409)``: Flask handles it, so close_db
    gets ``error=None``; no view committed, so the hit is rolled back."""
    get_db().execute("INSERT INTO hits DEFAULT VALUES")
    abort(409)

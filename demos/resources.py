"""A database connection per application context, opened lazily (talk section 2).

``get_db()`` opens a SQLite connection the first time something asks for it
and keeps it in ``g`` under a prefixed name (``g._resources_db``); a
``teardown_appcontext`` function commits (unless the request failed) and
closes it when the context is popped. A request that never calls
``get_db()`` opens nothing. The database is a file in the app's instance
folder unless the ``DATABASE`` config value names another path.

This is seed 004's "Proper Connection Management" (Advanced Flask Patterns,
Flask 0.9) without ``_app_ctx_stack``, which Flask 3 removed; the old version
is in demos/history/app_ctx_stack.py. Pattern: Flask's tutorial, "Define and
Access the Database"
(https://flask.palletsprojects.com/en/stable/tutorial/database/).
"""

import sqlite3
from collections import Counter
from pathlib import Path

from flask import current_app, g

from demos._common import add_index, new_app


def create_app(test_config=None):
    """Return the resources demo app. ``app.extensions["resources_demo"]``
    is a Counter of connections "opened" and "closed"."""
    app = new_app(__name__, test_config)
    init_app(app)
    add_index(app, "Resources in g", "A SQLite connection opened on first "
              "use, kept in g, committed and closed at teardown_appcontext.",
              [("/hits", "counts its own hits in SQLite: opens a connection"),
               ("/stats", "connections opened and closed: opens none"),
               ("/fail", "writes a hit, then fails: teardown rolls it back")])
    app.add_url_rule("/hits", view_func=hits)
    app.add_url_rule("/stats", view_func=stats)
    app.add_url_rule("/fail", view_func=fail)
    return app


def init_app(app):
    """Default ``DATABASE`` to a file in the instance folder, register the
    teardown and the open/close counter. Creates no file or folder."""
    default = Path(app.instance_path) / "resources.sqlite"
    app.config.setdefault("DATABASE", str(default))
    app.extensions["resources_demo"] = Counter()
    app.teardown_appcontext(close_db)


# get_db() returns this app context's sqlite3 connection (opened on the
# first call); close_db(error) is the teardown_appcontext function.
# [start:get-db]
def get_db():
    if "_resources_db" not in g:
        g._resources_db = connect(current_app.config["DATABASE"])
    return g._resources_db

def close_db(error):
    db = g.pop("_resources_db", None)
    if db is not None:
        if error is None:   # no unhandled exception: keep the work
            db.commit()
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
    """Record a hit; return the total. get_db() twice: one connection."""
    get_db().execute("INSERT INTO hits DEFAULT VALUES")
    (total,) = get_db().execute("SELECT count(*) FROM hits").fetchone()
    return {"hits": total}


def stats():
    """Connections opened and closed so far; this view opens none."""
    tally = current_app.extensions["resources_demo"]
    return {"opened": tally["opened"], "closed": tally["closed"]}


def fail():
    """Insert a hit, then raise RuntimeError: close_db does not commit."""
    get_db().execute("INSERT INTO hits DEFAULT VALUES")
    raise RuntimeError("failed after writing: the hit is rolled back")

"""Feature flags stored in a database table (talk section 3).

Flask-FeatureFlags 0.6 shipped ``contrib.sqlalchemy``, a handler that reads
flags from a table; on Flask 3 it no longer imports (it imports
``flask.ext``, removed in Flask 1.0). This is its working replacement for
the talk's extension ``flask-flags/flask_flags.py``: ``table_flag_handler`` reads
the ``feature_flag`` table (0.6's columns: ``id``, ``feature``,
``is_active``) through SQLAlchemy 2.x and joins the app's handler chain
with ``flags.add_handler(table_flag_handler, app=app)``, after the config
handler. A flag that is not in the table raises ``NoFeatureFlagFound``, so
the chain goes on and, if nobody knows it, the flag is missing (off).

The database, its URL (``DATABASE_URL`` or the instance folder; tested on
SQLite and PostgreSQL) and the teardown that rolls back whatever no view
committed come from ``demos/sqlalchemy_hooks.py``; the view that writes
(``toggle``) commits. The table is filled from ``TABLE_FLAGS`` in the
config when it is created. A flag name the ``feature`` column cannot hold
(over 255 characters, or with a NUL character) is refused alike on SQLite
and PostgreSQL: a 400 from ``toggle``, a ValueError from ``create_app`` for
``TABLE_FLAGS`` (``why_unstorable`` in ``demos/sqlalchemy_hooks.py``).
Pattern: Flask-FeatureFlags 0.6's ``contrib/sqlalchemy``.
"""

from __future__ import annotations

import reprlib

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from demos._common import add_index, new_app
from flask_flags import (FeatureFlag, NoFeatureFlagFound, checked_flags,
                         is_active, is_active_feature)
from demos.sqlalchemy_hooks import (create_tables_once, db, init_db,
                                    why_unstorable)


class FlagRow(db.Model):
    """One row of 0.6's ``feature_flag`` table."""

    __tablename__ = "feature_flag"
    id: Mapped[int] = mapped_column(primary_key=True)
    feature: Mapped[str] = mapped_column(sa.String(255), unique=True)
    is_active: Mapped[bool] = mapped_column(default=False)


flags = FeatureFlag()


# [start:handler]
def table_flag_handler(feature: str) -> bool:
    """Its is_active row in the table, or NoFeatureFlagFound."""
    query = sa.select(FlagRow.is_active).where(
        FlagRow.feature == feature)
    active = db.session.scalar(query)
    if active is None:
        raise NoFeatureFlagFound(feature)
    return active

def init_flags(app):
    flags.init_app(app)  # config handler first, then the table
    flags.add_handler(table_flag_handler, app=app)
# [end:handler]


#: What ``python -m demos tour flags_sqlalchemy`` sends: flip a flag stored
#: in the table and watch the checkout answer change.
TOUR = [
    ("/", "the front page: what the demo shows, with links"),
    ("/flags", "every flag, its value and what decided it"),
    ("/checkout", "404 while new_checkout is off in the table"),
    ("POST /flags/new_checkout/toggle", "flips new_checkout in the table"),
    ("/checkout", "the new checkout, now that the flag is on"),
    ("/labs", "labs is on in the table"),
]


def create_app(test_config=None):
    """Return the table-flags demo app (database: demos/sqlalchemy_hooks).
    ValueError if a ``TABLE_FLAGS`` name cannot be stored in the table,
    or its value is not True or False."""
    app = new_app(__name__, test_config,
                  FEATURE_FLAGS={"dark_mode": True},
                  TABLE_FLAGS={"new_checkout": False, "labs": True})
    for name, active in app.config["TABLE_FLAGS"].items():
        what = f"TABLE_FLAGS name {reprlib.repr(name)}"
        problem = why_unstorable(FlagRow.feature, name, what)
        if problem is not None:
            raise ValueError(problem)
        if not isinstance(active, bool):
            raise ValueError(f"{what} is {active!r}: set True or False")
    init_db(app)
    init_flags(app)
    app.register_blueprint(shop)
    add_index(app, "Feature flags in a table", "dark_mode comes from the "
              "config, new_checkout and labs from the feature_flag table. "
              "Flip one with curl -X POST /flags/<name>/toggle.", [
                  ("/flags", "every flag, its value and what decided it"),
                  ("/checkout", "404 while new_checkout is off"),
                  ("/labs", "404 while labs is off"),
              ])
    return app


@event.listens_for(FlagRow.__table__, "after_create")
def _fill_table(table, connection, **kwargs):
    """When the table is created, insert the app's ``TABLE_FLAGS``."""
    if has_app_context():
        rows = current_app.config.get("TABLE_FLAGS", {}).items()
        if rows:
            connection.execute(table.insert(), [
                {"feature": name, "is_active": on} for name, on in rows])


shop = Blueprint("flags_shop", __name__)
shop.before_request(create_tables_once)


@shop.get("/flags")
def show_flags():
    """Config and table flags: value and deciding handler for each."""
    names = sorted({*current_app.config["FEATURE_FLAGS"],
                    *db.session.scalars(sa.select(FlagRow.feature))})
    for name in names:
        is_active(name)
    return {name: {"active": active, "why": reason,
                   "decided_by": getattr(handler, "__name__", None)}
            for name, (active, reason, handler) in checked_flags().items()}


@shop.post("/flags/<name>/toggle")
def toggle(name):
    """Flip a table flag and commit. Returns the feature and its new
    ``is_active``; 404 if the table has no such flag; 400 and
    ``{"error": why}`` for a name the table could not hold (too long, or a
    NUL character), on SQLite and PostgreSQL alike."""
    problem = why_unstorable(FlagRow.feature, name, "flag name")
    if problem is not None:
        return {"error": problem}, 400
    row = db.session.scalar(sa.select(FlagRow).where(FlagRow.feature == name))
    if row is None:
        abort(404)
    active = not row.is_active
    row.is_active = active
    db.session.commit()  # the view commits; teardown never does
    return {"feature": name, "is_active": active}


@shop.get("/checkout")
@is_active_feature("new_checkout")
def new_checkout():
    return "The new one-click checkout."


@shop.get("/labs")
@is_active_feature("labs")
def labs():
    return "Experiments in progress."

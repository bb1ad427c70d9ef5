"""SQLAlchemy's hooks inside a Flask app (talk section 4).

In: Flask-SQLAlchemy 3.1 on a real database: a SQLite file in the app's
instance folder (``sqlite:///<instance_path>/demo.db``), or the URL in the
environment variable ``DATABASE_URL``; tests pass
``SQLALCHEMY_DATABASE_URI``. The tests run every behaviour below on SQLite
and on PostgreSQL 15 through psycopg 3
(``postgresql+psycopg://user@host/dbname``). The tables are created on the
first request that uses the database, so ``GET /`` never touches it.
Out: the JSON of ``/notes`` and ``/journal``. It shows:

- SQLAlchemy ORM session events (``before_flush``, ``after_commit``,
  ``after_rollback``) writing a journal per app. Flask-SQLAlchemy's own
  ``models_committed`` signal would need
  ``SQLALCHEMY_TRACK_MODIFICATIONS=True``; the ORM events need nothing.
- per-query timing from the engine events ``before_cursor_execute`` and
  ``after_cursor_execute`` (``perf_counter``, seconds), kept for the request
  in ``g._sqlalchemy_hooks_queries``, in the style of Flask-SQLAlchemy's
  ``record_queries.py``. Listeners go on each app's own engine, so apps
  (and tests) never see each other's queries.
- who commits: the view. A view that writes calls ``db.session.commit()``
  when its work is done; the teardown never commits, it only rolls back
  what no view committed (an exception, an ``abort(409)`` after a flush,
  a read), and Flask-SQLAlchemy's own ``teardown_appcontext`` then closes
  the session. Committing in teardown "when nothing failed" is wrong: an
  ``abort(409)`` is handled inside ``full_dispatch_request``, so teardown
  gets ``error=None`` and would commit the write. Flask-SQLAlchemy
  deprecated that pattern (``SQLALCHEMY_COMMIT_ON_TEARDOWN``) in 2.4.3 and
  removed it in 3.0. Pattern: Flask-SQLAlchemy 3.1's docs, "Modifying and
  Querying Data" (the view commits) and "Flask Application Context" (the
  session is removed at teardown); Flask's docs, "SQLAlchemy in Flask".
- the same answer on both engines for input a column cannot hold: a note
  over ``String(200)`` or with a NUL character is a 400 that names the
  field and the limit (``why_unstorable``). Unchecked, SQLite would store
  it and PostgreSQL would refuse it, a 500.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

import sqlalchemy as sa
from flask import (Blueprint, Flask, abort, current_app, g, has_app_context,
                   request)
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from demos._common import add_index, new_app

EXTENSION_NAME = "sqlalchemy_hooks"
_G_QUERIES = "_sqlalchemy_hooks_queries"  # our name on g, prefixed


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Note(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(200))


@dataclass(frozen=True)
class QueryTime:
    """One SQL statement this request ran and its run time in seconds."""

    statement: str
    seconds: float


@dataclass
class _AppState:
    """Per-app state in ``app.extensions[EXTENSION_NAME]``: the last 50
    session events (dicts) and whether the tables exist."""

    journal: deque[dict] = field(default_factory=lambda: deque(maxlen=50))
    tables_ready: bool = False


def init_db(app: Flask) -> None:
    """Set up ``db`` on *app*: the database URL (``SQLALCHEMY_DATABASE_URI``,
    else ``DATABASE_URL``, else ``demo.db`` in the instance folder), query
    timing on the app's engines, and the roll-back teardown. Returns None."""
    default = "sqlite:///" + os.path.join(app.instance_path, "demo.db")
    app.config.setdefault("SQLALCHEMY_DATABASE_URI",
                          os.environ.get("DATABASE_URL") or default)
    db.init_app(app)
    app.extensions[EXTENSION_NAME] = _AppState()
    with app.app_context():
        for engine in db.engines.values():  # this app's engines only
            _time_queries(engine)
    app.teardown_request(_roll_back)


def why_unstorable(attribute, value: str, what: str) -> str | None:
    """Why the string *value* (named *what* in the message, e.g. "form
    field text") cannot go into the mapped string column *attribute* (e.g.
    ``Note.text``) on every engine; None if it can.

    Two things differ between the engines, and both are refused here:
    a value longer than the column's ``String(n)`` (PostgreSQL: "value too
    long for type character varying(n)"; SQLite has no limit and stores
    it whole), and a NUL character (PostgreSQL refuses it; SQLite stores
    it). Lengths are in characters, as PostgreSQL counts them. The message
    is one line: what, its length, the column and its limit.
    """
    column = attribute.expression  # the Column behind Note.text
    where = f"{column.table.name}.{column.name}"
    limit = getattr(column.type, "length", None)
    if limit is not None and len(value) > limit:
        return (f"{what} is {len(value)} characters long; {where} holds "
                f"at most {limit}: shorten it")
    if "\x00" in value:
        return (f"{what} contains a NUL character (\\x00), which {where} "
                f"cannot hold on PostgreSQL: remove it")
    return None


def create_tables_once() -> None:
    """``before_request`` for views that use the database: create the
    tables (and a SQLite file's folder) on the app's first such request."""
    state = current_app.extensions[EXTENSION_NAME]
    if state.tables_ready:
        return
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (
            None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    db.create_all()
    state.tables_ready = True


def _time_queries(engine):  # init_db calls this per app engine
    event.listen(engine, "before_cursor_execute", _start, named=True)
    event.listen(engine, "after_cursor_execute", _stop, named=True)


# [start:events]
@event.listens_for(db.session, "after_commit")  # the ORM's
def _after_commit(session):
    _journal("commit")

def _start(context, **kwargs):  # before each query
    context._sqlalchemy_hooks_t0 = perf_counter()

def _stop(context, statement, **kwargs):  # after each query
    if has_app_context():  # this request's queries, in g
        seconds = perf_counter() - context._sqlalchemy_hooks_t0
        queries = g.setdefault(_G_QUERIES, [])
        queries.append(QueryTime(statement, seconds))
# [end:events]


def get_timed_queries() -> list[QueryTime]:
    """This request's SQL statements, in order, with their seconds."""
    return g.get(_G_QUERIES, [])


@event.listens_for(db.session, "before_flush")
def _before_flush(session, flush_context, instances):
    _journal("flush", new=_names(session.new),
             dirty=_names(session.dirty),
             deleted=_names(session.deleted))


@event.listens_for(db.session, "after_rollback")
def _after_rollback(session):
    _journal("rollback")


def _journal(name: str, **details: object) -> None:
    """Append one session event to the current app's journal, if any."""
    if has_app_context():
        state = current_app.extensions.get(EXTENSION_NAME)
        if state is not None:
            state.journal.append({"event": name, **details})


def _names(objects) -> list[str]:
    return sorted(type(obj).__name__ for obj in objects)


def _timed() -> list[dict]:
    return [{"sql": q.statement, "seconds": q.seconds}
            for q in get_timed_queries()]


notes = Blueprint("notes", __name__)
notes.before_request(create_tables_once)


@notes.get("/notes")
def list_notes():
    """The notes, and the statements this request ran (seconds each)."""
    texts = db.session.scalars(sa.select(Note.text).order_by(Note.id)).all()
    return {"notes": texts, "queries": _timed()}


# add_note() is the view that writes: it commits, and returns 201 with its
# timed queries (or a 400 and {"error": why} for a text the column cannot
# hold). _roll_back(error) is the teardown_request function that
# init_db registers: it never commits, and ignores *error* (None after a
# handled abort(409)), since only a commit keeps anything.
# [start:teardown]
@notes.post("/notes")
def add_note():
    text = request.form.get("text", "hello")
    problem = why_unstorable(Note.text, text, "form field text")
    if problem is not None:  # a 400 on SQLite and PostgreSQL alike
        return {"error": problem}, 400
    db.session.add(Note(text=text))
    db.session.commit()  # the view commits its own work
    return {"queries": _timed()}, 201

def _roll_back(error):  # teardown_request: never commits
    session = db.session()  # this app context's Session
    if session.in_transaction():  # left uncommitted: raised,
        session.rollback()        # abort()ed after a write, or a read
# [end:teardown]


@notes.post("/notes/fail")
def fail_half_way():
    """Flush a note, then raise RuntimeError: the teardown rolls it back."""
    db.session.add(Note(text="never stored"))
    db.session.flush()
    raise RuntimeError("failed after the INSERT")

@notes.post("/notes/conflict")
def conflict_half_way():
    """Flush a note, then ``abort(409)``: handled, so teardown gets
    ``error=None``; nothing committed it, so it is rolled back."""
    db.session.add(Note(text="never stored either"))
    db.session.flush()
    abort(409)


@notes.get("/journal")
def journal():
    """The session events of this app, oldest first."""
    return {"journal": list(current_app.extensions[EXTENSION_NAME].journal)}


#: What ``python -m demos tour sqlalchemy_hooks`` sends: a write the view
#: commits, one that raises half-way and one that answers 409 half-way (both
#: rolled back), the notes, and the journal of session events.
TOUR = [
    ("/", "the front page: what the demo shows, with links"),
    ("POST /notes", "a note written and committed by the view: 201",
     {"text": "hello"}),
    ("POST /notes/fail", "an INSERT, then the view raises: 500, rolled back"),
    ("POST /notes/conflict", "an INSERT, then abort(409): rolled back too"),
    ("/notes", "only the committed note, and this request's queries"),
    ("/journal", "flush, commit and rollback events, in order"),
]


def create_app(test_config=None):
    """Return the SQLAlchemy hooks demo app (database: see the module)."""
    app = new_app(__name__, test_config)
    init_db(app)
    app.register_blueprint(notes)
    add_index(app, "SQLAlchemy hooks", "Session events write a journal, "
              "engine events time each query (seconds), the view commits "
              "its write, and teardown rolls back whatever no view "
              "committed. "
              "Add notes with curl -X POST: /notes (form field text), "
              "/notes/fail (raises after its INSERT), /notes/conflict "
              "(409 after its INSERT).", [
                  ("/notes", "the notes and this request's timed queries"),
                  ("/journal", "flush, commit and rollback events, as JSON"),
              ])
    return app

"""The two database engines the SQLAlchemy demos are tested on: SQLite and
PostgreSQL.

PostgreSQL is Debian's ``postgresql`` package (``.ci/run`` installs it when
it is missing). :class:`PostgreSQLServer` runs its ``initdb`` and
``pg_ctl`` in a new temporary directory, once per test session (per
pytest-xdist worker), and the server listens only on a Unix socket in that
directory: no TCP port, so two sessions never clash. The directory is in
memory (/dev/shm) where it has room: on a disk, creating the few hundred
files of each test's database is most of the test's time (ext4's inode
allocation; about 0.3 s a database here, 0.05 s in memory). initdb
refuses to run as root, so as root both run as the ``postgres`` user
(``runuser -u postgres``), which Debian's package creates. Each test then
gets an empty database of its own from pytest-postgresql's
``DatabaseJanitor``, dropped after the test; the SQLAlchemy driver is
psycopg 3 (``postgresql+psycopg://``).

A :class:`SQLiteDatabase` or :class:`PostgreSQLDatabase` is one empty
database: its SQLAlchemy URL, and a way to read it with the plain driver
(sqlite3, psycopg), outside SQLAlchemy and Flask.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import sqlite3
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

#: Debian installs each major version's server programs here, not on PATH.
DEBIAN_BINDIRS = "/usr/lib/postgresql/*/bin"
#: The superuser initdb creates, whoever runs it; local sockets trust it.
SUPERUSER = "postgres"
#: Where the server's files go when it has RAM_ROOM bytes free (a tmpfs).
RAM_DIR = Path("/dev/shm")
RAM_ROOM = 1 << 30  # the server and a few databases need about 60 MB


def scratch_dir() -> str | None:
    """RAM_DIR if it is a writable folder with RAM_ROOM free, else None
    (tempfile's default folder)."""
    try:
        stat = os.statvfs(RAM_DIR)
    except OSError:
        return None
    if os.access(RAM_DIR, os.W_OK) and stat.f_bavail * stat.f_frsize >= RAM_ROOM:
        return str(RAM_DIR)
    return None


def find_bindir() -> Path | None:
    """The folder holding both PostgreSQL's ``pg_ctl`` and ``initdb``: the
    one of ``pg_ctl`` on PATH (symlinks followed), else the newest
    ``/usr/lib/postgresql/<major>/bin``; None if there is none."""
    candidates = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    debian = [Path(folder) for folder in glob.glob(DEBIAN_BINDIRS)]
    debian.sort(key=lambda folder: int(folder.parent.name)
                if folder.parent.name.isdigit() else 0, reverse=True)
    for folder in candidates + debian:
        if all(os.access(folder / name, os.X_OK)
               for name in ("pg_ctl", "initdb")):
            return folder
    return None


def why_no_postgresql() -> str | None:
    """Why :class:`PostgreSQLServer` cannot start here, or None if it can."""
    if find_bindir() is None:
        return ("PostgreSQL not found: no pg_ctl on PATH or in "
                f"{DEBIAN_BINDIRS} (apt-get install postgresql)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return ("running as root, and there is no postgres user to run "
                    "initdb as (initdb refuses root): apt-get install "
                    "postgresql creates it")
    return None


class PostgreSQLServer:
    """A throwaway PostgreSQL server: ``start()`` it, ``stop()`` it.

    Everything lives in one new temporary directory (``folder``, in
    ``scratch_dir()``): the data directory, the log and the Unix socket. As
    root, the server runs as the ``postgres`` user and the directory belongs
    to it.
    """

    host_port = 5432  # only names the socket file: .s.PGSQL.5432

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="demos-pg-",
                                            dir=scratch_dir()))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._as_postgres: list[str] = []
        if os.geteuid() == 0:
            self._as_postgres = ["runuser", "-u", "postgres", "--"]
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)

    @property
    def host(self) -> str:
        """The socket directory: psycopg's and libpq's ``host``."""
        return str(self.folder)

    def _run(self, program: str, *args: str) -> None:
        command = [*self._as_postgres, str(self.bindir / program), *args]
        done = subprocess.run(command, capture_output=True, text=True,
                              cwd="/", timeout=60)
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)} exited {done.returncode}:\n"
                f"{done.stdout}{done.stderr}{log}")

    def start(self) -> PostgreSQLServer:
        """initdb (fsync off, trust on the socket), then start the server
        on the socket only (``listen_addresses=''``). Returns self."""
        try:
            self._run("initdb", "-D", str(self.data), f"--username={SUPERUSER}",
                      "--auth=trust", "--encoding=UTF8", "--no-locale",
                      "--no-sync")
            self._run("pg_ctl", "start", "--wait", "--silent",
                      "-D", str(self.data), "-l", str(self.log), "-o",
                      f"-F -c listen_addresses='' -k {self.folder} "
                      f"-p {self.host_port}")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the server (fast: running sessions are cut) and delete the
        temporary directory."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "stop", "--wait", "--silent",
                          "-D", str(self.data), "-m", "fast")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def connect(self, dbname: str = "postgres"):
        """A psycopg connection (autocommit) to *dbname* as the superuser."""
        import psycopg

        return psycopg.connect(host=self.host, port=self.host_port,
                               user=SUPERUSER, dbname=dbname, autocommit=True)

    def version(self) -> str:
        with self.connect() as connection:
            return connection.execute("SHOW server_version").fetchone()[0]

    def client_backends(self, dbname: str | None = None) -> list[tuple]:
        """``(database, state, query)`` of every client connection but this
        one, from ``pg_stat_activity``; only those to *dbname* if given."""
        with self.connect() as connection:
            rows = connection.execute(
                "SELECT datname, state, query FROM pg_stat_activity"
                " WHERE backend_type = 'client backend'"
                " AND pid <> pg_backend_pid()").fetchall()
        return [row for row in rows if dbname in (None, row[0])]

    @contextmanager
    def new_database(self):
        """Yield a :class:`PostgreSQLDatabase`, new and empty; drop it
        after. Raises AssertionError, before dropping it, if a client is
        still connected to it 5 seconds after the block: every engine that
        used it must have been disposed."""
        from pytest_postgresql.janitor import DatabaseJanitor

        name = f"demo_{uuid.uuid4().hex[:12]}"
        janitor = DatabaseJanitor(user=SUPERUSER, host=self.host,
                                  port=self.host_port, dbname=name)
        with janitor:
            yield PostgreSQLDatabase(self, name)
            left = self.wait_for_no_clients(name)
            assert left == [], f"connections left open to {name}: {left}"

    def wait_for_no_clients(self, dbname: str | None = None,
                            seconds: float = 5) -> list[tuple]:
        """Wait up to *seconds* for every client connection (to *dbname*
        if given) to be gone: a closed connection's server process may take
        a moment to exit. Returns those still there (``client_backends``)."""
        deadline = time.monotonic() + seconds
        while (left := self.client_backends(dbname)) and (
                time.monotonic() < deadline):
            time.sleep(0.02)
        return left


class SQLiteDatabase:
    """One SQLite file (made on first connection)."""

    engine = "sqlite"

    def __init__(self, path: Path):
        self.path = path
        self.url = f"sqlite:///{path}"

    def rows(self, sql: str) -> list[tuple]:
        """The rows of *sql*, read with sqlite3."""
        connection = sqlite3.connect(self.path)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def tables(self) -> list[str]:
        """The table names, sorted; [] for a file not made yet (not made
        by this call either)."""
        if not self.path.exists():
            return []
        return [name for (name,) in self.rows(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " ORDER BY name")]

    def client_backends(self) -> list[tuple]:
        """SQLite has no server: always []."""
        return []


class PostgreSQLDatabase:
    """One database on a :class:`PostgreSQLServer`."""

    engine = "postgresql"

    def __init__(self, server: PostgreSQLServer, name: str):
        self.server = server
        self.name = name
        self.url = (f"postgresql+psycopg://{SUPERUSER}@/{name}"
                    f"?host={server.host}&port={server.host_port}")

    def rows(self, sql: str) -> list[tuple]:
        """The rows of *sql*, read with psycopg."""
        with self.server.connect(self.name) as connection:
            return connection.execute(sql).fetchall()

    def tables(self) -> list[str]:
        """The table names in the ``public`` schema, sorted."""
        return [name for (name,) in self.rows(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " ORDER BY tablename")]

    def client_backends(self) -> list[tuple]:
        """``(database, state, query)`` of each client connected to the
        server (to this database or another one of the test's)."""
        return self.server.client_backends()

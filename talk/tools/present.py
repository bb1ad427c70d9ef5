"""Serve the deck on a loopback address and rebuild it when a file changes.

Usage::

    python -m talk.tools.present [--host 127.0.0.1] [--port 8000] [SOURCE.rst]

SOURCE defaults to ``talk/index.rst``. This is hovercraft's serve mode
(``hovercraft talk/index.rst``) made safe for the stage:

* it binds a loopback address only: 127.0.0.0/8 or ``::1`` (a name such as
  ``localhost`` must resolve to loopback addresses only). hovercraft's
  default is 0.0.0.0:8000;
* every build is :mod:`talk.tools.slides`' strict build, the same as ``make
  slides``, into a temporary folder of its own;
* it watches the deck's folder and every file the build read (the demo
  files the slides include, the checkpoints of the live-coding diffs), and
  rebuilds when one changes: reload the page to see it;
* a broken build does not stop it. hovercraft's own watcher thread dies on
  such an error and never rebuilds again; here the error is printed, the
  last good deck stays on screen under a red banner naming the file and
  line, and the next save that fixes it rebuilds;
* a rebuild never takes the deck away: requests go to the last good build
  until the new one is complete, and an old build is removed only once no
  request is reading it;
* it serves the deck's files and nothing else: no folder listings; a path
  with a NUL byte (``%00``) gets 400; HEAD answers with the headers GET
  would send; a connection that sends nothing for ``IDLE_TIMEOUT`` seconds
  is closed.

Exit status: 0 after Ctrl-C (or SIGTERM); 1 if the first build fails or the
address cannot be used; 2 for a bad command line (a port outside 0-65535).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import html
import ipaddress
import itertools
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from talk.tools import slides
from talk.tools._common import TALK, ToolError, shown

#: Seconds to wait after a change before rebuilding (editors save in steps).
SETTLE = 0.3
#: Seconds a connection may stay silent before the server closes it.
IDLE_TIMEOUT = 10.0
_IGNORED_PARTS = {"__pycache__", ".git"}
#: Files in the deck's folder that can change the deck (not editors' or
#: sed's temporary files).
DECK_SUFFIXES = {".rst", ".css", ".js", ".txt", ".png", ".jpg", ".svg"}


def log(message: str) -> None:
    print(f"present: {message}", file=sys.stderr, flush=True)


def loopback_address(host: str, port: int = 0):
    """``(family, address)`` to bind for *host*, or None unless every
    address *host* resolves to is a loopback one (127.0.0.0/8, ::1)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return None
    try:
        loopback = bool(infos) and all(
            ipaddress.ip_address(info[4][0]).is_loopback for info in infos)
    except ValueError:  # e.g. a scoped IPv6 address
        return None
    return (infos[0][0], infos[0][4]) if loopback else None


def is_loopback(host: str) -> bool:
    """True if *host* resolves to loopback addresses only."""
    return loopback_address(host) is not None


def port_number(text: str) -> int:
    """argparse type: a TCP port, 0 (any free one) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}")
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is not in 0-65535")
    return port


class Deck:
    """The served deck: each rebuild goes to a new folder under *workdir*
    and is served once complete; remembers the last build error."""

    def __init__(self, source: Path, workdir: Path):
        self.source = Path(source).resolve()
        self.workdir = Path(workdir)
        self.error: str | None = None
        self.watched: set[Path] = {self.source}
        self._building = threading.Lock()
        self._state = threading.Lock()
        self._current: Path | None = None
        self._readers: Counter[Path] = Counter()
        self._retired: set[Path] = set()
        self._numbers = itertools.count(1)

    def rebuild(self) -> bool:
        """Build the deck; True on success. On failure the last good build
        stays served and ``error`` says why, with the file and line."""
        started = time.perf_counter()
        with self._building:
            folder = self.workdir / f"build-{next(self._numbers)}"
            folder.mkdir()
            try:
                result = slides.render(self.source, folder)
            except ToolError as exc:
                self.error = str(exc)
                self._retire(folder)
            except Exception as exc:  # noqa: BLE001 - keep serving, say why
                self.error = f"{type(exc).__name__}: {exc}"
                self._retire(folder)
            else:
                self.error = None
                self.watched = set(result.dependencies)
                with self._state:
                    old, self._current = self._current, folder
                if old is not None:
                    self._retire(old)
        if self.error:
            log(f"build FAILED: {self.error}")
            log("still serving the last good deck; fix the file and save to "
                "rebuild")
            return False
        log(f"built {result.steps} steps in "
            f"{time.perf_counter() - started:.2f} s: reload the page")
        return True

    @contextlib.contextmanager
    def serving(self) -> Iterator[Path | None]:
        """The folder of the deck to serve one request from (None before
        the first good build); it is not removed until the block ends."""
        with self._state:
            folder = self._current
            self._readers[folder] += 1
        try:
            yield folder
        finally:
            with self._state:
                self._readers[folder] -= 1
            self._sweep()

    def wants(self, path: str) -> bool:
        """Does a change to *path* call for a rebuild?"""
        changed = Path(path).resolve()
        if _IGNORED_PARTS & set(changed.parts) or changed.name.startswith(".") \
                or changed.name.endswith("~"):
            return False
        return changed in self.watched or (
            changed.is_relative_to(self.source.parent)
            and changed.suffix in DECK_SUFFIXES)

    def _retire(self, folder: Path) -> None:
        with self._state:
            self._retired.add(folder)
        self._sweep()

    def _sweep(self) -> None:
        with self._state:
            idle = {f for f in self._retired if not self._readers[f]}
            self._retired -= idle
        for folder in idle:
            shutil.rmtree(folder, ignore_errors=True)


class Server(ThreadingHTTPServer):
    """A threading HTTP server for IPv4 or IPv6 that logs a failed request
    in one line instead of a traceback."""

    daemon_threads = True

    def __init__(self, family: int, address, handler):
        self.address_family = family
        super().__init__(address, handler)

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            log(f"a request from {client_address[0]} failed: "
                f"{type(error).__name__}: {error}")


def make_handler(deck: Deck, idle_timeout: float = IDLE_TIMEOUT):
    """The request handler class for *deck* (see the module docstring)."""

    class Handler(SimpleHTTPRequestHandler):
        """Static files of the build; no caching; a banner while broken."""

        timeout = idle_timeout

        def do_GET(self):
            self._answer(with_body=True)

        def do_HEAD(self):
            self._answer(with_body=False)

        def _answer(self, with_body: bool) -> None:
            if "\x00" in unquote(self.path):
                self.send_error(400, "NUL byte in the path")
                return
            with deck.serving() as folder:
                if folder is None:
                    self.send_error(503, "The deck is not built yet")
                    return
                self.directory = str(folder)
                error = deck.error
                if error and urlsplit(self.path).path in ("/", "/index.html"):
                    self._send_page(_with_banner(folder, error), with_body)
                elif with_body:
                    super().do_GET()
                else:
                    super().do_HEAD()

        def _send_page(self, body: bytes, with_body: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def list_directory(self, path):
            self.send_error(404, "No folder listings")
            return None

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def log_request(self, code="-", size="-"):
            code = str(getattr(code, "value", code))
            if code.startswith(("4", "5")):
                log(f"{self.requestline!r}: {code}")

        def log_message(self, format, *args):  # noqa: A002 - stdlib signature
            pass

    return Handler


def make_server(deck: Deck, host: str, port: int,
                idle_timeout: float = IDLE_TIMEOUT) -> Server:
    """A Server for *deck* bound to *host*:*port*, not yet serving.

    Raises ToolError if *host* is not a loopback address or the address
    cannot be used.
    """
    found = loopback_address(host, port)
    if found is None:
        raise ToolError(f"refusing to serve on {host!r}: use 127.0.0.1, ::1 "
                        "or another loopback address")
    family, address = found
    handler = functools.partial(make_handler(deck, idle_timeout),
                                directory=str(deck.workdir))
    try:
        return Server(family, address, handler)
    except OSError as exc:
        raise ToolError(f"cannot serve on {host} port {port}: "
                        f"{exc.strerror or exc}") from None


def _with_banner(folder: Path, error: str) -> bytes:
    page = (folder / "index.html").read_text(encoding="utf-8")
    banner = (
        '<div id="present-build-error" style="position:fixed;top:0;'
        'left:0;right:0;z-index:1000;background:#a40000;color:#fff;'
        'font:bold 18px/1.3 sans-serif;padding:8px 12px;'
        'white-space:pre-wrap">Build FAILED (showing the last good '
        f"deck): {html.escape(error)}</div>")
    return _insert_after_body(page, banner).encode("utf-8")


def _insert_after_body(page: str, banner: str) -> str:
    start = page.find("<body")
    end = page.find(">", start) if start >= 0 else -1
    if end < 0:
        return banner + page
    return page[:end + 1] + banner + page[end + 1:]


class Changes:
    """Paths changed since the last rebuild, filled by watchdog's thread."""

    def __init__(self):
        self.event = threading.Event()
        self.lock = threading.Lock()
        self.paths: set[str] = set()

    def add(self, path: str) -> None:
        with self.lock:
            self.paths.add(shown(path))
        self.event.set()

    def take(self) -> list[str]:
        with self.lock:
            paths, self.paths = sorted(self.paths), set()
        self.event.clear()
        return paths


def watch(deck: Deck, changed: Changes):
    """Start watchdog on the deck's folder and the folders of the files the
    last build read; returns the observer, or None (said in one line) when
    the system will not watch them, e.g. out of inotify watches."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class OnChange(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.is_directory or event.event_type in ("opened",
                                                          "closed_no_write"):
                return
            for path in (event.src_path, getattr(event, "dest_path", "")):
                if path and deck.wants(os.fsdecode(path)):
                    changed.add(os.fsdecode(path))
                    return

    observer = Observer()
    handler = OnChange()
    top = deck.source.parent
    try:
        observer.schedule(handler, str(top), recursive=True)
        for folder in sorted({path.parent for path in deck.watched}):
            if not folder.is_relative_to(top) and folder.is_dir():
                observer.schedule(handler, str(folder), recursive=False)
        observer.start()
    except OSError as exc:
        log(f"cannot watch the deck's files ({exc.strerror or exc}): still "
            "serving, without rebuilds")
        return None
    return observer


def _unwatch(observer) -> None:
    if observer is not None:
        observer.stop()
        observer.join()


def _stop(signum, frame):
    raise KeyboardInterrupt


def serve(source: Path, host: str, port: int) -> int:
    """Serve *source* on *host*:*port* until Ctrl-C or SIGTERM; returns the
    exit status."""
    if loopback_address(host, port) is None:
        log(f"refusing to serve on {host!r}: use 127.0.0.1, ::1 or another "
            "loopback address")
        return 1
    # Ctrl-C and `kill PID` both stop cleanly (and remove the temp builds),
    # also when started in the background, where SIGINT comes ignored.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    with tempfile.TemporaryDirectory(prefix="present-") as tmp:
        deck = Deck(source, Path(tmp))
        if not deck.rebuild():
            return 1
        try:
            server = make_server(deck, host, port)
        except ToolError as exc:
            log(str(exc))
            return 1
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        changed = Changes()
        observer = watch(deck, changed)
        watched = deck.watched
        bound, bound_port = server.server_address[:2]
        where = f"[{bound}]" if ":" in bound else bound
        log(f"serving http://{where}:{bound_port}/ (watching "
            f"{shown(deck.source.parent)}/ and {len(deck.watched)} deck "
            "files; Ctrl-C stops)")
        try:
            while True:
                if not changed.event.wait(0.5):
                    continue
                time.sleep(SETTLE)
                log("changed: " + ", ".join(changed.take()))
                deck.rebuild()
                if deck.watched != watched:  # a new include: watch its folder
                    _unwatch(observer)
                    observer = watch(deck, changed)
                    watched = deck.watched
        except KeyboardInterrupt:
            log("stopped")
        finally:
            _unwatch(observer)
            server.shutdown()
            server.server_close()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run present with the command line *argv*; returns the exit status
    (argparse exits 2 itself for a bad command line)."""
    parser = argparse.ArgumentParser(
        prog="python -m talk.tools.present",
        description="Serve the deck on a loopback address and rebuild it, "
                    "strictly, when a file changes.",
        epilog="Exit status: 0 after Ctrl-C; 1 if the first build fails or "
               "the address cannot be used; 2 a bad command line.")
    parser.add_argument("source", nargs="?", type=Path,
                        default=TALK / "index.rst", metavar="SOURCE.rst",
                        help="the deck's master file (default talk/index.rst)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="a loopback address or name (default 127.0.0.1)")
    parser.add_argument("--port", type=port_number, default=8000,
                        help="TCP port, 0 for any free one (default 8000)")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        log(f"{shown(args.source)}: no such file")
        return 1
    return serve(args.source, args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())

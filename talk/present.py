"""Serve the deck on 127.0.0.1 and rebuild it when a source file changes.

Usage::

    python talk/present.py [--host 127.0.0.1] [--port 8000] [SOURCE.rst]

SOURCE defaults to ``talk/index.rst``. This is hovercraft's serve mode
(``hovercraft talk/index.rst``) made safe for the stage:

* it binds a loopback address only (hovercraft's default is 0.0.0.0:8000)
  and refuses any other;
* every build is talk/build.py's strict build (DOCUTILSCONFIG =
  talk/docutils.conf, ``--slide-numbers --skip-help``), the same as
  ``make slides``;
* it watches every file in talk/ and every file docutils reports as a
  dependency of the deck (the demo files that slides include), and
  rebuilds when one changes: reload the page to see it;
* a broken build (a missing include, marker or file, a bad directive) does
  not stop it. hovercraft's own watcher thread dies on such an error and
  never rebuilds again while the server goes on serving the old deck; here
  the error is printed, the last good deck stays on screen with a red
  banner naming the file and line, and the next save that fixes it
  rebuilds.

Exit status: 0 after Ctrl-C, 1 if the first build fails or the address
cannot be used, 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import functools
import html
import ipaddress
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TALK = Path(__file__).resolve().parent
sys.path.insert(0, str(TALK))

import build as slides  # noqa: E402  (talk/build.py: the strict build)

#: Seconds to wait after a change before rebuilding (editors save in steps).
SETTLE = 0.3
_IGNORED_PARTS = {"__pycache__", ".git"}
#: Files in talk/ that can change the deck (not editors' or sed's temp files).
TALK_SUFFIXES = {".rst", ".css", ".js", ".conf", ".txt", ".png", ".jpg", ".svg"}


def log(message: str) -> None:
    print(f"present: {message}", file=sys.stderr, flush=True)


def is_loopback(host: str) -> bool:
    """True if *host* resolves to a loopback address (127.0.0.0/8, ::1)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return bool(infos) and all(
        ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def dependencies(source: Path) -> set[Path]:
    """Files docutils read to parse *source* (its includes), as absolute paths.

    Parses with the strict settings; raises docutils' SystemMessage on error.
    """
    os.environ["DOCUTILSCONFIG"] = str(slides.DOCUTILS_CONF)
    from hovercraft.parse import rst2xml

    _, found = rst2xml(source.read_bytes(), str(source))
    deps = {Path(name).resolve() for name in found} | {source.resolve()}
    if any(path.suffix == ".diff" for path in deps):
        # the live-coding diffs are generated from the checkpoint files
        deps |= {path.resolve() for path in slides.CHECKPOINTS.glob("*.py")}
    return deps


class Deck:
    """The served build: rebuilt on demand; remembers the last error."""

    def __init__(self, source: Path, target: Path):
        self.source = source
        self.target = target
        self.error: str | None = None
        self.watched: set[Path] = {source.resolve()}
        self.lock = threading.Lock()

    def rebuild(self) -> bool:
        """Build into the served folder; True on success. On failure the
        last good build stays and ``error`` says why."""
        started = time.perf_counter()
        with self.lock:
            try:
                steps = slides.build(self.source, self.target)
                self.watched = dependencies(self.source)
            except slides.BuildError as exc:
                self.error = str(exc)
            except Exception as exc:  # noqa: BLE001 - keep serving, say why
                self.error = f"{type(exc).__name__}: {exc}"
            else:
                self.error = None
        if self.error:
            log(f"build FAILED: {self.error}")
            log("still serving the last good deck; fix the file and save to rebuild")
            return False
        log(f"built {steps} steps in {time.perf_counter() - started:.2f} s: "
            "reload the page")
        return True

    def wants(self, path: str) -> bool:
        """Does a change to *path* call for a rebuild?"""
        changed = Path(path).resolve()
        if _IGNORED_PARTS & set(changed.parts) or changed.name.startswith(".") \
                or changed.name.endswith("~"):
            return False
        return changed in self.watched or (
            changed.is_relative_to(TALK) and changed.suffix in TALK_SUFFIXES)


def make_handler(deck: Deck):
    class Handler(SimpleHTTPRequestHandler):
        """Static files of the build; no caching; a banner while broken."""

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_GET(self):
            error = deck.error
            if error and self.path.split("?")[0] in ("/", "/index.html"):
                page = (deck.target / "index.html").read_text(encoding="utf-8")
                banner = (
                    '<div id="present-build-error" style="position:fixed;top:0;'
                    'left:0;right:0;z-index:1000;background:#a40000;color:#fff;'
                    'font:bold 18px/1.3 sans-serif;padding:8px 12px;'
                    'white-space:pre-wrap">Build FAILED (showing the last good '
                    f"deck): {html.escape(error)}</div>")
                body = _insert_after_body(page, banner).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def log_request(self, code="-", size="-"):
            if str(getattr(code, "value", code)).startswith(("4", "5")):
                log(f"{self.requestline!r}: {getattr(code, 'value', code)}")

        def log_message(self, format, *args):  # noqa: A002 - stdlib signature
            pass

    return functools.partial(Handler, directory=str(deck.target))


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
            self.paths.add(os.path.relpath(path))
        self.event.set()

    def take(self) -> list[str]:
        with self.lock:
            paths, self.paths = sorted(self.paths), set()
        self.event.clear()
        return paths


def watch(deck: Deck, changed: Changes):
    """Start watchdog on talk/ and the folders of the deck's dependencies."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class OnChange(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.is_directory or event.event_type in ("opened", "closed_no_write"):
                return
            for path in (event.src_path, getattr(event, "dest_path", "")):
                if path and deck.wants(os.fsdecode(path)):
                    changed.add(os.fsdecode(path))
                    return

    observer = Observer()
    handler = OnChange()
    observer.schedule(handler, str(TALK), recursive=True)
    for folder in sorted({path.parent for path in deck.watched}):
        if not folder.is_relative_to(TALK) and folder.is_dir():
            observer.schedule(handler, str(folder), recursive=False)
    observer.start()
    return observer


def _stop(signum, frame):
    raise KeyboardInterrupt


def serve(source: Path, host: str, port: int) -> int:
    if not is_loopback(host):
        log(f"refusing to serve on {host!r}: use 127.0.0.1 (or another loopback address)")
        return 1
    # Ctrl-C and `kill PID` both stop cleanly (and remove the temp build),
    # also when started in the background, where SIGINT comes ignored.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    with tempfile.TemporaryDirectory(prefix="present-") as tmp:
        deck = Deck(source.resolve(), Path(tmp) / "slides")
        if not deck.rebuild():
            return 1
        try:
            server = ThreadingHTTPServer((host, port), make_handler(deck))
        except OSError as exc:
            log(f"cannot serve on {host}:{port}: {exc.strerror or exc}")
            return 1
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        changed = Changes()
        observer = watch(deck, changed)
        watched = deck.watched
        log(f"serving http://{host}:{server.server_address[1]}/ "
            f"(watching talk/ and {len(deck.watched)} deck files; Ctrl-C stops)")
        try:
            while True:
                if not changed.event.wait(0.5):
                    continue
                time.sleep(SETTLE)
                log("changed: " + ", ".join(changed.take()))
                deck.rebuild()
                if deck.watched != watched:  # a new include: watch its folder
                    observer.stop()
                    observer.join()
                    observer = watch(deck, changed)
                    watched = deck.watched
        except KeyboardInterrupt:
            log("stopped")
        finally:
            observer.stop()
            observer.join()
            server.shutdown()
            server.server_close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="present", description="Serve the deck on 127.0.0.1 and rebuild on change.")
    parser.add_argument("source", nargs="?", type=Path, default=TALK / "index.rst")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if not args.source.is_file():
        log(f"{args.source}: no such file")
        return 1
    return serve(args.source, args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())

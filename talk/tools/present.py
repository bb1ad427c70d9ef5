"""Serve the deck on a loopback address; rebuild it when a file it reads changes.

``make present`` (hovercraft's serve mode binds 0.0.0.0 and dies on an error). Each
build is :func:`talk.tools.slides.render` into a new folder, served once complete; the
page polls ``/__build__`` and reloads after a rebuild, or shows a failed one's error
over the last good deck. Exit status: 0 after Ctrl-C or SIGTERM; 1 if the first build
fails or the address is not a free loopback one; 2 a bad command line.
"""

import argparse
import html
import ipaddress
import shutil
import signal
import socket
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import watchfiles

from talk.tools import slides
from talk.tools._common import TALK, ToolError, shown

#: Kinds of new file that may change the deck: slides, images, checkpoints, bench runs.
NEW_FILES = {".rst", ".css", ".js", ".txt", ".png", ".jpg", ".svg", ".py", ".json"}
IGNORED = watchfiles.DefaultFilter()  # editors' backups, .git, __pycache__, ...
RELOAD = """<script>setInterval(() => fetch("/__build__", {cache: "no-store"})
  .then(r => r.text()).then(v => { if (v !== "%s") location.reload(); }, () => {}), 1000);
</script>"""
BANNER = ('<div id="present-build-error" style="position:fixed;top:0;left:0;right:0;'
          'z-index:1000;background:#a40000;color:#fff;font:bold 18px/1.3 sans-serif;'
          'padding:8px 12px">Build FAILED (showing the last good deck): %s</div>')


def log(message: str) -> None:
    print(f"present: {message}", file=sys.stderr, flush=True)


class Deck:
    """The builds of *source*, each in a new folder in *workdir*."""

    def __init__(self, source: Path, workdir: Path):
        self.source, self.workdir = Path(source).resolve(), Path(workdir)
        self.current: Path | None = None  # the last good build, None before it
        self.error: str | None = None  # why the last build failed, None if it did not
        self.page = ""  # the last good build's index.html as slides wrote it
        self.watched = {self.source}  # the files the last good build read
        self.folders = [self.source.parent]  # theirs, for watchfiles
        self.made: list[Path] = []  # the builds it made and keeps, oldest first
        self.version = 0  # changed by every rebuild

    def rebuild(self) -> bool:
        """Build into a new folder and serve it; True on success. Else the last good
        build stays, under a banner of ``error``: a ToolError's line, or what was raised."""
        folder = Path(tempfile.mkdtemp(prefix="build-", dir=self.workdir))
        try:
            result = slides.render(self.source, folder)
        except Exception as exc:  # noqa: BLE001 - keep serving, say why
            shutil.rmtree(folder)
            if isinstance(exc, ToolError):  # the build's own one line
                self.error = str(exc)
            else:
                self.error = f"{shown(self.source)}: {type(exc).__name__}: {exc}"
            log(f"build FAILED: {self.error}")
            if self.current is not None:
                self.publish(self.current)
            return False
        self.page = (folder / "index.html").read_text("utf-8")
        self.error, self.watched = None, set(result.dependencies)
        self.folders = sorted({p.parent for p in self.watched if p.parent.is_dir()})
        self.publish(folder)
        self.current = folder  # the switch, once its page is written
        self.made.append(folder)
        if len(self.made) > 2:  # the one before may still be being read
            shutil.rmtree(self.made.pop(0))
        log(f"built {result.steps} steps")
        return True

    def publish(self, folder: Path) -> None:
        """Write *folder*'s index.html (page, banner, reload) and __build__ anew."""
        self.version += 1
        banner = BANNER % html.escape(self.error) if self.error else ""
        head, end, tail = self.page.rpartition("</body>")
        page = f"{head}{banner}{RELOAD % self.version}{end}{tail}"
        for name, text in (("index.html", page), ("__build__", str(self.version))):
            (folder / ".present-new").write_text(text, "utf-8")
            (folder / ".present-new").replace(folder / name)  # atomic

    def wants(self, change: watchfiles.Change, path: str) -> bool:
        """watchfiles filter: True for a file the deck read, or a new file of
        NEW_FILES' kinds, unless DefaultFilter ignores it."""
        changed = Path(path).resolve()
        new = change == watchfiles.Change.added and changed.suffix in NEW_FILES
        return IGNORED(change, path) and (changed in self.watched or new)


class Handler(SimpleHTTPRequestHandler):
    """The current build's files, uncached: no folder listings, ``%00`` is 400."""

    timeout = 10.0  # seconds a silent connection stays open

    def send_head(self):
        folder = self.server.deck.current  # one build for the whole request
        if "\x00" in unquote(self.path):
            return self.send_error(400, "NUL byte in the path")
        if folder is None:
            return self.send_error(503, "The deck is being built: reload in a moment")
        self.directory = str(folder)
        return super().send_head()

    def list_directory(self, path):
        return self.send_error(404, "No folder listings")

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_request(self, code="-", size="-"):  # errors only
        if int(code) >= 400:
            log(f"{self.requestline!r}: {int(code)}")

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


class Server(ThreadingHTTPServer):
    """The built *deck* on *host*:*port*, IPv4 or IPv6, not yet serving. Raises
    ToolError unless every address of *host* is loopback and can be used."""

    request_queue_size = 128  # the listen backlog; socketserver's 5 drops clients

    def __init__(self, deck: Deck, host: str, port: int):
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            loopback = all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)
        except (OSError, UnicodeError, ValueError):  # ValueError: scoped IPv6
            loopback = False
        if not loopback:
            raise ToolError(f"refusing to serve on {host!r}: use 127.0.0.1, ::1 "
                            "or another loopback address")
        self.deck, self.address_family = deck, infos[0][0]
        try:
            super().__init__(infos[0][4], Handler)
        except OSError as exc:
            raise ToolError(f"cannot serve on {host} port {port}: "
                            f"{exc.strerror or exc}") from None

    def handle_error(self, request, client_address):  # one line, no traceback
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):  # not a client gone
            log(f"a request failed: {error!r}")


def watch(deck: Deck) -> None:
    """Rebuild *deck* after each burst of changes it wants, until
    KeyboardInterrupt; a new folder to watch restarts watchfiles."""
    while True:
        folders = deck.folders
        try:
            for changes in watchfiles.watch(*folders, watch_filter=deck.wants,
                                            recursive=False):
                log("changed: " + ", ".join(sorted(shown(p) for _, p in changes)))
                if deck.rebuild() and deck.folders != folders:
                    break  # a new include in another folder: watch it too
        except (OSError, RuntimeError) as exc:
            log(f"cannot watch the deck's files ({exc}): serving without rebuilds")
            signal.pause()


def main(argv: list[str] | None = None) -> int:
    """Run present with the command line *argv*; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m talk.tools.present",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("source", nargs="?", type=Path, default=TALK / "index.rst",
                        metavar="SOURCE.rst", help="default talk/index.rst")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address or name")
    parser.add_argument("--port", type=int, default=8000, help="0 for any free port")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"port {args.port} is not in 0-65535")
    with tempfile.TemporaryDirectory(prefix="present-") as workdir:
        deck = Deck(args.source, Path(workdir))
        try:
            server = Server(deck, args.host, args.port)
        except ToolError as exc:
            log(str(exc))
            return 1
        for signum in (signal.SIGINT, signal.SIGTERM):  # also when in the background
            signal.signal(signum, signal.default_int_handler)
        with server:
            threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True).start()
            try:
                if not deck.rebuild():
                    return 1
                host, port = server.server_address[:2]
                if ":" in host:  # an IPv6 address goes in brackets in a URL
                    host = f"[{host}]"
                log(f"serving http://{host}:{port}/ "
                    "(the page reloads after each rebuild; Ctrl-C stops)")
                watch(deck)
            except KeyboardInterrupt:
                log("stopped")
            finally:
                server.shutdown()  # within the 0.1 s serve_forever polls
    return 0


if __name__ == "__main__":
    sys.exit(main())

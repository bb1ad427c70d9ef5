"""talk.tools.present (``make present``): loopback only (::1 included),
strict rebuilds, a banner while broken, a reload after each rebuild, and a
server that serves the deck's files and nothing else, never a 404 while a
rebuild swaps the deck in, with a backlog for 200 connections at once.
(The page reloading itself in a browser: tests/test_stage_browser.py.)"""

from __future__ import annotations

import html
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import watchfiles

from conftest import copy_talk
from talk.tools import present, slides
from talk.tools import ROOT, ToolError


@pytest.mark.parametrize(("host", "ok"), [("127.0.0.1", True), ("localhost", True),
                                          ("127.0.0.2", True), ("::1", True),
                                          ("0.0.0.0", False), ("::", False),
                                          ("", False), ("no such host.invalid", False)])
def test_only_loopback_addresses(host, ok):
    assert (present.loopback_address(host) is not None) is ok


def test_a_name_that_also_resolves_elsewhere_is_not_loopback(monkeypatch):
    """Every address must be loopback, not just one: a name listed as both
    127.0.0.1 and a LAN address would otherwise be served to the LAN."""
    import socket

    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
                for address in ("127.0.0.1", "192.0.2.7")]

    monkeypatch.setattr(present.socket, "getaddrinfo", getaddrinfo)
    assert present.loopback_address("both.example") is None


def test_refuses_to_serve_on_all_interfaces(capsys):
    assert present.main(["--host", "0.0.0.0", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err == ("present: refusing to serve on '0.0.0.0': use 127.0.0.1, "
                   "::1 or another loopback address\n")


@pytest.mark.parametrize("args", [["--port", "70000"], ["--port", "-1"],
                                  ["--port", "http"], ["--nope"],
                                  ["--port", "99999999999999999999"]])
def test_a_bad_command_line_exits_2(capsys, args):
    with pytest.raises(SystemExit) as exit_:
        present.main(args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "OverflowError" not in err


def test_a_missing_deck_is_one_line(capsys, tmp_path):
    assert present.main([str(tmp_path / "nope.rst")]) == 1
    assert capsys.readouterr().err == f"present: {tmp_path}/nope.rst: no such file\n"


# --- the server, in this process, on a small deck ------------------------------

SECTION = """\
----

Step one
========

Some text.

----

Step two
========

More text.
"""


def small_deck(folder: Path) -> Path:
    (folder / "theme").mkdir(parents=True)
    (folder / "theme" / "deck.css").write_text("p { color: #000; }\n",
                                              encoding="utf-8")
    (folder / "01_one.rst").write_text(SECTION, encoding="utf-8")
    index = folder / "index.rst"
    index.write_text(":title: Small\n:css: theme/deck.css\n\n"
                     ".. include:: 01_one.rst\n", encoding="utf-8")
    return index


class Served:
    """A Deck and its server on a free loopback port, in threads."""

    def __init__(self, tmp_path: Path, host: str = "127.0.0.1"):
        self.source = small_deck(tmp_path / "talk")
        (tmp_path / "work").mkdir()
        self.deck = present.Deck(self.source, tmp_path / "work")
        assert self.deck.rebuild()
        self.server = present.make_server(self.deck, host, 0)
        self.host, self.port = host, self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       args=(0.05,), daemon=True)
        self.thread.start()

    def request(self, method: str, path: str):
        """(status, headers, body) of one request."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request(method, path)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def served(tmp_path, monkeypatch):
    monkeypatch.setattr(present.Handler, "timeout", 0.5)
    running = Served(tmp_path)
    yield running
    running.close()


def without_date(headers: dict) -> dict:
    return {name: value for name, value in headers.items() if name != "Date"}


def test_before_the_first_build_the_server_says_503(tmp_path):
    deck = present.Deck(small_deck(tmp_path / "talk"), tmp_path)
    with present.make_server(deck, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, args=(0.05,))
        thread.start()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1])
            connection.request("GET", "/")
            assert connection.getresponse().status == 503
            connection.close()
        finally:
            server.shutdown()
            thread.join()


def test_head_answers_as_get_does_with_and_without_the_banner(served):
    for broken in (False, True):
        if broken:
            (served.source.parent / "01_one.rst").write_text(
                SECTION.replace("Some text.", ".. nnote:: x"),
                encoding="utf-8")
            assert not served.deck.rebuild()
        for path in ("/", "/index.html", "/theme/deck.css"):
            status, headers, body = served.request("GET", path)
            head_status, head_headers, head_body = served.request("HEAD", path)
            assert status == head_status == 200
            assert without_date(head_headers) == without_date(headers)
            assert int(headers["Content-Length"]) == len(body) and head_body == b""
        page = served.request("GET", "/")[2].decode()
        assert ('id="present-build-error"' in page) is broken
        assert page.count('class="step ') == 2


def test_no_folder_listing_and_a_nul_byte_is_400(served, capsys):
    assert served.request("GET", "/theme/")[0] == 404
    assert served.request("HEAD", "/css/")[0] == 404
    assert served.request("GET", "/theme/deck.css")[0] == 200
    for path in ("/%00", "/theme/%00deck.css", "/index.html%00"):
        assert served.request("GET", path)[0] == 400
        assert served.request("HEAD", path)[0] == 400
    err = capsys.readouterr().err
    assert "Traceback" not in err and "ValueError" not in err
    assert "GET /%00 HTTP/1.1': 400" in err


def test_an_idle_connection_is_closed(served):
    started = time.monotonic()
    with socket.create_connection((served.host, served.port), timeout=10) as sock:
        assert sock.recv(1) == b""  # closed by the server, nothing sent
    assert time.monotonic() - started < 5
    assert served.request("GET", "/")[0] == 200


def test_no_request_fails_while_rebuilds_swap_the_deck(served):
    """Requests in a loop while the deck is rebuilt again and again (at
    least 6 rebuilds and 100 requests, at most 30 s: a loaded machine
    serves fewer while it rebuilds): every one is 200."""
    statuses: list[int] = []
    stop = threading.Event()

    def hammer():
        while not stop.is_set():
            for path in ("/", "/index.html", "/theme/deck.css", "/css/hovercraft.css"):
                statuses.append(served.request("GET", path)[0])

    thread = threading.Thread(target=hammer)
    thread.start()
    rebuilds, deadline = 0, time.monotonic() + 30
    try:
        while (rebuilds < 6 or len(statuses) < 100) and time.monotonic() < deadline:
            assert served.deck.rebuild()
            rebuilds += 1
    finally:
        stop.set()
        thread.join(timeout=30)
    assert rebuilds >= 6 and len(statuses) >= 100
    assert set(statuses) == {200}
    assert len(list(served.deck.workdir.iterdir())) == 2  # the current one and the one before


def test_present_removes_only_the_builds_it_made(served):
    """A failed build's folder goes at once, a replaced one a build later;
    what someone else put in the work folder stays."""
    workdir = served.deck.workdir
    (workdir / "build-mine").mkdir()
    (workdir / "notes.txt").write_text("keep me", encoding="utf-8")
    first = served.deck.current
    assert served.deck.rebuild() and first.is_dir()
    assert served.deck.rebuild() and not first.exists()
    (served.source.parent / "index.rst").write_bytes(b"")
    assert not served.deck.rebuild()
    assert {path.name for path in workdir.iterdir()} == {
        "build-mine", "notes.txt", *(path.name for path in served.deck.made)}
    assert len(served.deck.made) == 2 and served.deck.current == served.deck.made[-1]


def test_the_page_reloads_itself_after_each_rebuild(served):
    """Every served page polls /__build__ and reloads when it is not the
    version the page was served with: after a good or a failed rebuild."""
    def version() -> bytes:
        status, headers, body = served.request("GET", "/__build__")
        assert status == 200 and headers["Cache-Control"] == "no-store"
        return body

    page = served.request("GET", "/")[2].decode()
    assert f'if (v !== "{version().decode()}") {{ location.reload(); }}' in page
    assert page.index("location.reload()") < page.index("</body>")
    before = version()
    assert served.deck.rebuild()
    assert version() != before
    before = version()
    (served.source.parent / "index.rst").write_bytes(b"")
    assert not served.deck.rebuild()
    assert version() != before
    assert served.request("GET", "/index.html")[2].count(b"location.reload()") == 1


def test_200_connections_at_once_are_all_answered(tmp_path):
    """socketserver's listen backlog of 5 left connections unanswered after
    30 s; with 128, 200 clients starting at once all get their answer."""
    running = Served(tmp_path)
    start = threading.Barrier(200)
    statuses: list[int] = []

    def client():
        start.wait()
        statuses.append(running.request("GET", "/theme/deck.css")[0])

    threads = [threading.Thread(target=client) for _ in range(200)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        running.close()
    assert running.server.request_queue_size >= 128
    assert statuses == [200] * 200


def write(name: str, data: bytes):
    return lambda talk: (talk / name).write_bytes(data)


BROKEN = {
    "title underline of 2 characters": (
        write("01_one.rst", SECTION.replace("Step one\n========",
                                            "Step one\n==").encode()),
        "01_one.rst:4: (INFO/1) Possible title underline, too short"),
    "byte that is not UTF-8": (
        write("01_one.rst", SECTION.encode().replace(b"More text.",
                                                     b"More \xff text.")),
        "01_one.rst:13: byte 0xff (column 6) is not UTF-8"),
    "empty section file": (write("01_one.rst", b""),
                           "01_one.rst:1: the file is empty"),
    "section file with no step": (
        write("01_one.rst", SECTION.replace("----\n", "").encode()),
        "01_one.rst:1: starts no step"),
    "deck with no step": (write("index.rst", b":title: Small\n\nText.\n"),
                          "index.rst:1: the deck has no step"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_deck_stays_served_under_a_banner(served, case, capsys):
    """make present shows what make slides says, file:line, over the last
    good deck."""
    change, where = BROKEN[case]
    change(served.source.parent)
    capsys.readouterr()
    assert not served.deck.rebuild()
    assert where in served.deck.error
    assert capsys.readouterr().err == f"present: build FAILED: {served.deck.error}\n"
    assert slides.main([str(served.source), str(served.source.parent / "out")]) == 1
    assert capsys.readouterr().err == f"slides: FAILED: {served.deck.error}\n"
    page = served.request("GET", "/")[2].decode()
    banner = re.search(r'<div id="present-build-error"[^>]*>(.*?)</div>', page)
    assert banner and html.escape(where) in banner.group(1)
    assert page.count('class="step ') == 2


def test_serves_ipv6_loopback(tmp_path):
    """``--host ::1`` serves over IPv6 (the server was IPv4 only)."""
    try:
        running = Served(tmp_path, host="::1")
    except ToolError as exc:  # a machine without IPv6: refused clearly
        assert re.fullmatch(r"cannot serve on ::1 port 0: .+", str(exc))
        return
    try:
        assert running.server.address_family == socket.AF_INET6
        status, headers, body = running.request("GET", "/")
        assert status == 200 and b'class="step ' in body
    finally:
        running.close()


def test_the_files_the_build_read_are_watched(tmp_path):
    """Editing an included demo or a checkpoint (its diffs are generated
    from it) rebuilds the deck."""
    talk = copy_talk(tmp_path)
    (tmp_path / "work").mkdir()
    deck = present.Deck(talk / "index.rst", tmp_path / "work")
    assert deck.rebuild()
    checkpoints = {p.resolve() for p in (ROOT / "demos" / "checkpoints").glob("step*.py")}
    assert checkpoints and checkpoints <= deck.watched
    assert (ROOT / "flask-flags" / "flask_flags.py").resolve() in deck.watched
    assert (talk / "theme" / "projector.css").resolve() in deck.watched
    assert not any(path.is_relative_to(tmp_path / "work") for path in deck.watched)
    assert set(deck.folders) >= {talk, talk / "theme", ROOT / "demos" / "checkpoints",
                                 ROOT / "flask-flags"}

    def wants(path: Path) -> bool:
        return deck.wants(watchfiles.Change.modified, str(path))

    assert wants(ROOT / "demos" / "checkpoints" / "step03_snapshot.py")
    assert wants(ROOT / "demos" / "checkpoints" / "step09_new.py")
    assert wants(talk / "02_architecture.rst")
    assert not wants(talk / ".02_architecture.rst.swp")
    assert not wants(talk / "02_architecture.rst~")
    assert not wants(ROOT / "demos" / "cli.py")
    runs = [path for path in deck.watched if path.suffix == ".json"]
    assert runs and wants(runs[0].parent / "9999_a_newer_run.json")  # make bench ran


def test_a_system_that_will_not_watch_is_said_in_one_line(tmp_path, capsys,
                                                          monkeypatch):
    def refuse(*paths, **options):
        raise OSError(28, "OS file watch limit reached")

    def pause():
        raise KeyboardInterrupt

    monkeypatch.setattr(present.watchfiles, "watch", refuse)
    monkeypatch.setattr(present.signal, "pause", pause)
    deck = present.Deck(small_deck(tmp_path / "talk"), tmp_path)
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C still stops it
        present.watch(deck)
    assert capsys.readouterr().err == (
        "present: cannot watch the deck's files ([Errno 28] OS file watch limit "
        "reached): serving without rebuilds\n")


# --- end to end: python -m talk.tools.present on a copy of talk/ ---------------------

class Process:
    """present in a subprocess; its stderr lines are collected."""

    def __init__(self, talk: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "talk.tools.present", "--port", "0",
             str(talk / "index.rst")],
            cwd=talk.parent, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        line = self.wait_for(r"serving (http://\S+)")
        self.url = re.search(r"serving (http://\S+)", line).group(1)

    def _read(self):
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if re.search(pattern, line):
                    return line
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no {pattern!r} in present's output: {self.lines}")

    def get(self) -> str:
        host, port = self.url.removeprefix("http://").rstrip("/").rsplit(":", 1)
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            connection.request("GET", "/")
            return connection.getresponse().read().decode("utf-8")
        finally:
            connection.close()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=10)
        finally:
            self.reader.join(timeout=5)
            self.process.stderr.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_serves_rebuilds_and_survives_a_broken_include(tmp_path):
    """The module as `make present` runs it, on a copy of the talk (an
    included demo changing is test_the_files_the_build_read_are_watched;
    the page reloading itself, tests/test_stage_browser.py)."""
    talk = copy_talk(tmp_path)
    server = Process(talk)
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", server.url)
        assert server.get().count('<div class="step ') >= 20

        # A broken include: said on stderr and on the page; the server
        # stays up with the last good deck.
        mark = len(server.lines)
        edit(talk / "02_architecture.rst", "# [start:lazy]", "# [start:no-such-marker]")
        failed = server.wait_for(r"build FAILED", after=mark)
        assert re.search(r"02_architecture.rst:\d+: \(ERROR/3\)", failed)
        page = server.get()
        assert 'id="present-build-error"' in page and "02_architecture.rst" in page
        assert page.count('<div class="step ') >= 20 and server.process.poll() is None

        # Fixing it rebuilds, and the banner goes.
        mark = len(server.lines)
        edit(talk / "02_architecture.rst", "# [start:no-such-marker]", "# [start:lazy]")
        server.wait_for(r"built \d+ steps", after=mark)
        assert "present-build-error" not in server.get()
    finally:
        status = server.stop()
    assert status == 0
    assert "present: stopped" in server.lines
    assert not any("Traceback" in line for line in server.lines)

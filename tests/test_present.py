"""talk.tools.present (``make present``): loopback only (::1 included),
strict rebuilds, a banner while broken, a reload after each rebuild, and a
server that serves the deck's files and nothing else, never a 404 while a
rebuild swaps the deck in, with a backlog for 200 connections at once.
(The page reloading itself in a browser: tests/test_stage_browser.py.)

The server tests share one server (module scope) and build small decks
(small_deck: a few steps, the real theme) in a tenth of a second each."""

from __future__ import annotations

import html
import http.client
import os
import re
import shutil
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
from talk.tools import ROOT, TALK, ToolError


@pytest.mark.parametrize(("host", "ok"), [("127.0.0.1", True), ("localhost", True),
                                          ("127.0.0.2", True), ("::1", True),
                                          ("0.0.0.0", False), ("::", False),
                                          ("", False), ("no such host.invalid", False)])
def test_only_loopback_addresses(host, ok):
    try:
        present.Server(None, host, 0).server_close()
    except ToolError as exc:  # "cannot serve on ::1" on a machine without IPv6
        assert str(exc).startswith("refusing to serve") is not ok, exc
    else:
        assert ok


def test_a_name_that_also_resolves_elsewhere_is_not_loopback(monkeypatch):
    """Every address must be loopback, not just one: a name listed as both
    127.0.0.1 and a LAN address would otherwise be served to the LAN."""
    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
                for address in ("127.0.0.1", "192.0.2.7")]

    monkeypatch.setattr(present.socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(ToolError, match="refusing to serve on 'both.example'"):
        present.Server(None, "both.example", 0)


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
    """The first build fails: one line naming the file, exit 1."""
    before = signal.getsignal(signal.SIGTERM)
    try:
        assert present.main([str(tmp_path / "nope.rst"), "--port", "0"]) == 1
    finally:
        signal.signal(signal.SIGTERM, before)  # main's, for Ctrl-C in the background
    err = capsys.readouterr().err
    assert err.startswith(f"present: build FAILED: {tmp_path}/nope.rst: ")
    assert err.count("\n") == 1 and "No such file" in err


# --- the server, in this process, on small decks ---------------------------------

def section(number: int) -> str:
    """The section file 0N_section.rst: two steps, their titles on lines 3
    and 10, their text on lines 6 and 13."""
    one, two = f"Section {number}, step one", f"Section {number}, step two"
    return (f"----\n\n{one}\n{'=' * len(one)}\n\nSome text.\n\n"
            f"----\n\n{two}\n{'=' * len(two)}\n\nMore text.\n")


#: small_deck's index.rst before its includes, as talk/index.rst starts.
INDEX = (":title: Small\n:css: theme/projector.css\n:js-header: theme/deck.js\n"
         ":data-transition-duration: 300\n\n")


def small_deck(talk: Path, sections: int = 1) -> Path:
    """A deck of *sections* section files of two steps each in the folder
    *talk*, with the real theme (talk/theme); returns its index.rst."""
    shutil.copytree(TALK / "theme", talk / "theme")
    index = talk / "index.rst"
    with index.open("w", encoding="utf-8") as rst:
        rst.write(INDEX)
        for number in range(1, sections + 1):
            (talk / f"{number:02d}_section.rst").write_text(section(number),
                                                             encoding="utf-8")
            rst.write(f".. include:: {number:02d}_section.rst\n")
    return index


def built(folder: Path, sections: int = 1) -> present.Deck:
    """A Deck of small_deck(folder / "talk"), built once, its builds in folder / "work"."""
    (folder / "work").mkdir()
    deck = present.Deck(small_deck(folder / "talk", sections), folder / "work")
    assert deck.rebuild()
    return deck


class Served:
    """A server on a free loopback port, in a thread; ``deck`` is what it serves."""

    def __init__(self, deck: present.Deck, host: str = "127.0.0.1"):
        self.server = present.Server(deck, host, 0)
        self.host, self.port = host, self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def deck(self) -> present.Deck:
        return self.server.deck

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


@pytest.fixture(scope="module")
def shared_deck(tmp_path_factory):
    """A small deck, built once, for the tests that only read it."""
    return built(tmp_path_factory.mktemp("shared"))


@pytest.fixture(scope="module")
def server(shared_deck):
    """One server for the module; each test gives it the deck it serves."""
    running = Served(shared_deck)
    yield running
    running.close()


@pytest.fixture
def shared(server, shared_deck):
    server.server.deck = shared_deck
    return server


@pytest.fixture
def served(server, tmp_path):
    """The server, serving a small deck of the test's own (to edit, rebuild)."""
    server.server.deck = built(tmp_path)
    return server


def without_date(headers: dict) -> dict:
    return {name: value for name, value in headers.items() if name != "Date"}


def test_before_the_first_build_the_server_says_503(server, tmp_path):
    server.server.deck = present.Deck(small_deck(tmp_path / "talk"), tmp_path)
    assert server.request("GET", "/")[0] == 503
    assert server.request("GET", "/theme/deck.js")[0] == 503


def test_head_answers_as_get_does_with_and_without_the_banner(served):
    for broken in (False, True):
        if broken:
            (served.deck.source.parent / "01_section.rst").write_text(
                section(1).replace("Some text.", ".. nnote:: x"), encoding="utf-8")
            assert not served.deck.rebuild()
        for path in ("/", "/index.html", "/theme/projector.css"):
            status, headers, body = served.request("GET", path)
            head_status, head_headers, head_body = served.request("HEAD", path)
            assert status == head_status == 200
            assert without_date(head_headers) == without_date(headers)
            assert int(headers["Content-Length"]) == len(body) and head_body == b""
        page = served.request("GET", "/")[2].decode()
        assert ('id="present-build-error"' in page) is broken
        assert page.count('class="step ') == 2


def test_no_folder_listing_and_a_nul_byte_is_400(shared, capsys):
    assert shared.request("GET", "/theme/")[0] == 404
    assert shared.request("HEAD", "/css/")[0] == 404
    assert shared.request("GET", "/theme/projector.css")[0] == 200
    for path in ("/%00", "/theme/%00projector.css", "/index.html%00"):
        assert shared.request("GET", path)[0] == 400
        assert shared.request("HEAD", path)[0] == 400
    err = capsys.readouterr().err
    assert "Traceback" not in err and "ValueError" not in err
    assert "GET /%00 HTTP/1.1': 400" in err


def test_no_file_outside_the_build_is_served(shared):
    """``..`` (plain or escaped), ``//`` and backslashes stay inside the
    build: the deck's own source, two folders up, is not served."""
    assert (shared.deck.current.parents[1] / "talk" / "index.rst").is_file()
    for path in ("/../../talk/index.rst", "/%2e%2e/%2E%2E/talk/index.rst",
                 "/theme/..%2f..%2f..%2ftalk/index.rst", "//etc/passwd",
                 "/..\\..\\talk\\index.rst", "/theme/../../../talk/index.rst"):
        assert shared.request("GET", path)[0] == 404, path


def test_an_idle_connection_is_closed(shared, monkeypatch):
    monkeypatch.setattr(present.Handler, "timeout", 0.2)  # 10 s in make present
    started = time.monotonic()
    with socket.create_connection((shared.host, shared.port), timeout=10) as sock:
        assert sock.recv(1) == b""  # closed by the server, nothing sent
    assert time.monotonic() - started < 5
    assert shared.request("GET", "/")[0] == 200


def test_200_connections_at_once_are_all_answered(shared):
    """socketserver's listen backlog of 5 left connections unanswered after
    30 s; with 128, 200 clients starting at once all get their answer."""
    start = threading.Barrier(200)
    statuses: list[int] = []

    def client():
        start.wait()
        statuses.append(shared.request("GET", "/theme/projector.css")[0])

    threads = [threading.Thread(target=client) for _ in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert shared.server.request_queue_size >= 128
    assert statuses == [200] * 200


def test_no_request_fails_while_rebuilds_swap_the_deck(served):
    """Requests in a loop while the deck is rebuilt again and again (at
    least 6 rebuilds and 100 requests, at most 30 s: a loaded machine
    serves fewer while it rebuilds): every one is 200."""
    statuses: list[int] = []
    stop = threading.Event()

    def hammer():
        while not stop.is_set():
            for path in ("/", "/index.html", "/theme/deck.js", "/css/hovercraft.css"):
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
    deck = served.deck
    (deck.workdir / "build-mine").mkdir()
    (deck.workdir / "notes.txt").write_text("keep me", encoding="utf-8")
    first = deck.current
    assert deck.rebuild() and first.is_dir()
    assert deck.rebuild() and not first.exists()
    (deck.source.parent / "index.rst").write_bytes(b"")
    assert not deck.rebuild()
    assert {path.name for path in deck.workdir.iterdir()} == {
        "build-mine", "notes.txt", *(path.name for path in deck.made)}
    assert len(deck.made) == 2 and deck.current == deck.made[-1]


def test_the_page_reloads_itself_after_each_rebuild(served):
    """Every served page polls /__build__ and reloads when it is not the
    version the page was served with: after a good or a failed rebuild."""
    def version() -> bytes:
        status, headers, body = served.request("GET", "/__build__")
        assert status == 200 and headers["Cache-Control"] == "no-store"
        return body

    page = served.request("GET", "/")[2].decode()
    assert f'if (v !== "{version().decode()}") location.reload();' in page
    assert page.index("location.reload()") < page.index("</body>")
    before = version()
    assert served.deck.rebuild()
    assert version() != before
    before = version()
    (served.deck.source.parent / "index.rst").write_bytes(b"")
    assert not served.deck.rebuild()
    assert version() != before
    assert served.request("GET", "/index.html")[2].count(b"location.reload()") == 1


#: What breaks the deck: (file, its new bytes, the error's file:line and words).
BROKEN = {
    "title underline of 2 characters": (
        "01_section.rst", section(1).replace("=" * 19, "==", 1).encode(),
        "01_section.rst:4: (INFO/1) Possible title underline, too short"),
    "byte that is not UTF-8": (
        "01_section.rst", section(1).replace("More text.", "More \xff text.").encode(
            "latin-1"), "01_section.rst:13: byte 0xff (column 6) is not UTF-8"),
    "empty section file": ("01_section.rst", b"", "01_section.rst:1: the file is empty"),
    "section file with no step": ("01_section.rst", section(1).replace(
        "----\n", "").encode(), "01_section.rst:1: starts no step"),
    "deck with no step": ("index.rst", b":title: Small\n\nText.\n",
                          "index.rst:1: the deck has no step"),
}


@pytest.fixture(scope="module")
def last_good(tmp_path_factory):
    """A small deck, built once, that the broken-deck cases break in turn."""
    return built(tmp_path_factory.mktemp("broken"))


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_deck_stays_served_under_a_banner(server, last_good, case, capsys):
    """make present shows what make slides says, file:line, over the last
    good deck."""
    name, data, where = BROKEN[case]
    talk = last_good.source.parent
    good = (talk / name).read_bytes()
    server.server.deck = last_good
    (talk / name).write_bytes(data)
    try:
        capsys.readouterr()
        assert not last_good.rebuild()
        assert where in last_good.error
        assert capsys.readouterr().err == f"present: build FAILED: {last_good.error}\n"
        assert slides.main([str(talk / "index.rst"), str(talk.parent / "out")]) == 1
        assert capsys.readouterr().err == f"slides: FAILED: {last_good.error}\n"
        page = server.request("GET", "/")[2].decode()
        banner = re.search(r'<div id="present-build-error"[^>]*>(.*?)</div>', page)
        assert banner and html.escape(where) in banner.group(1)
        assert page.count('class="step ') == 2
    finally:
        (talk / name).write_bytes(good)


def test_an_unexpected_error_is_one_line_too(server, last_good, monkeypatch, capsys):
    """Not a ToolError (a bug in a tool or in hovercraft): the deck, the
    exception's name and message, and the last good deck stays served."""
    def render(source, folder):
        raise RuntimeError("boom")

    monkeypatch.setattr(present.slides, "render", render)
    server.server.deck = last_good
    capsys.readouterr()
    assert not last_good.rebuild()
    error = f"{last_good.source}: RuntimeError: boom"
    assert last_good.error == error
    assert capsys.readouterr().err == f"present: build FAILED: {error}\n"
    page = server.request("GET", "/")[2].decode()
    assert html.escape(error) in page and page.count('class="step ') == 2


def test_serves_ipv6_loopback(shared_deck):
    """``--host ::1`` serves over IPv6 (the server was IPv4 only)."""
    try:
        running = Served(shared_deck, host="::1")
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
    from it), a new slide file, checkpoint or benchmark run rebuild the
    deck; editors' backups and files the deck does not read do not."""
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

    def wants(path: Path, change=watchfiles.Change.modified) -> bool:
        return deck.wants(change, str(path))

    added = watchfiles.Change.added
    assert wants(ROOT / "demos" / "checkpoints" / "step03_snapshot.py")
    assert wants(ROOT / "demos" / "checkpoints" / "step09_new.py", added)
    assert wants(talk / "02_architecture.rst")
    assert wants(talk / "07_new.rst", added)
    assert not wants(talk / "notes.md", added)
    assert not wants(talk / ".02_architecture.rst.swp", added)
    assert not wants(talk / "02_architecture.rst~", added)
    assert not wants(ROOT / "demos" / "cli.py")
    runs = [path for path in deck.watched if path.suffix == ".json"]
    assert runs and wants(runs[0].parent / "9999_a_newer_run.json", added)  # make bench ran


def test_a_system_that_will_not_watch_is_said_in_one_line(shared_deck, capsys,
                                                          monkeypatch):
    def refuse(*paths, **options):
        raise OSError(28, "OS file watch limit reached")

    def pause():
        raise KeyboardInterrupt

    monkeypatch.setattr(present.watchfiles, "watch", refuse)
    monkeypatch.setattr(present.signal, "pause", pause)
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C still stops it
        present.watch(shared_deck)
    assert capsys.readouterr().err == (
        "present: cannot watch the deck's files ([Errno 28] OS file watch limit "
        "reached): serving without rebuilds\n")


# --- end to end: python -m talk.tools.present on a small deck ----------------------

class Process:
    """present in a subprocess; its stderr lines are collected."""

    def __init__(self, talk: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "talk.tools.present", "--port", "0",
             str(talk / "index.rst")],
            cwd=ROOT, stderr=subprocess.PIPE, text=True,
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
            time.sleep(0.02)
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
    """The module as `make present` runs it, on a small deck that includes
    part of a demo in another folder (the real deck's files watched:
    test_the_files_the_build_read_are_watched; the page reloading itself,
    tests/test_stage_browser.py)."""
    talk = tmp_path / "talk"
    small_deck(talk, sections=2)
    (tmp_path / "demo.py").write_text("# [start:lazy]\nimport flask\n# [end:lazy]\n",
                                      encoding="utf-8")
    with (talk / "02_section.rst").open("a", encoding="utf-8") as rst:
        rst.write("\n.. include:: ../demo.py\n   :code: python\n"
                  "   :start-after: # [start:lazy]\n   :end-before: # [end:lazy]\n")
    server = Process(talk)
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", server.url)
        assert server.get().count('<div class="step ') == 4

        # A broken include: said on stderr and on the page; the server
        # stays up with the last good deck.
        mark = len(server.lines)
        edit(talk / "02_section.rst", "# [start:lazy]", "# [start:no-such-marker]")
        failed = server.wait_for(r"build FAILED", after=mark)
        assert re.search(r"02_section.rst:\d+: \(ERROR/3\)", failed)
        page = server.get()
        assert 'id="present-build-error"' in page and "02_section.rst" in page
        assert page.count('<div class="step ') == 4 and server.process.poll() is None

        # Editing the demo (in another folder) rebuilds too: still broken.
        mark = len(server.lines)
        edit(tmp_path / "demo.py", "import flask", "import flask  # edited")
        server.wait_for(r"build FAILED", after=mark)

        # Fixing it rebuilds, and the banner goes.
        mark = len(server.lines)
        edit(talk / "02_section.rst", "# [start:no-such-marker]", "# [start:lazy]")
        server.wait_for(r"built 4 steps", after=mark)
        assert "present-build-error" not in server.get()
    finally:
        status = server.stop()
    assert status == 0
    assert "present: stopped" in server.lines
    assert not any("Traceback" in line for line in server.lines)

"""talk/present.py (`make present`): loopback only, strict rebuilds on change,
and a broken include while serving keeps the server and says so."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, TALK

sys.path.insert(0, str(TALK))
import present  # noqa: E402  (talk/present.py)


@pytest.mark.parametrize(("host", "ok"), [("127.0.0.1", True), ("localhost", True),
                                          ("127.0.0.2", True), ("::1", True),
                                          ("0.0.0.0", False), ("", False)])
def test_only_loopback_addresses(host, ok):
    assert present.is_loopback(host) is ok


def test_refuses_to_serve_on_all_interfaces(capsys):
    assert present.main(["--host", "0.0.0.0", "--port", "0"]) == 1
    assert "refusing to serve on '0.0.0.0'" in capsys.readouterr().err


def test_banner_goes_right_after_body():
    page = '<html><head></head><body class="x"><div id="impress"></div></body></html>'
    assert present._insert_after_body(page, "<p>B</p>") == \
        '<html><head></head><body class="x"><p>B</p><div id="impress"></div></body></html>'


# --- end to end: a copy of talk/ and demos/ served on a free port -----------

class Server:
    """present.py in a subprocess; its stderr lines are collected."""

    def __init__(self, talk: Path):
        self.process = subprocess.Popen(
            [sys.executable, str(talk / "present.py"), "--port", "0"],
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

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if re.search(pattern, line):
                    return line
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no {pattern!r} in present's output: {self.lines}")

    def get(self, path: str = "") -> str:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return response.read().decode("utf-8")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=10)
        finally:
            self.reader.join(timeout=5)
            self.process.stderr.close()


@pytest.fixture
def server(tmp_path):
    shutil.copytree(TALK, tmp_path / "talk",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for folder in ("demos", "flask-flags"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.
                        ignore_patterns("__pycache__", "instance"))
    running = Server(tmp_path / "talk")
    yield running
    running.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_serves_rebuilds_and_survives_a_broken_include(server, tmp_path):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", server.url)
    first = server.get()
    assert first.count('<div class="step ') >= 20
    assert "theme/deck.js" in first

    # An included demo file changes: the next reload shows it.
    mark = len(server.lines)
    edit(tmp_path / "demos" / "hello.py", "app = Flask(__name__)",
         "app = Flask(__name__)  # edited while serving")
    server.wait_for(r"built \d+ steps", after=mark)
    assert "edited while serving" in server.get()

    # A broken include: said on stderr and on the page; the server stays up
    # with the last good deck.
    mark = len(server.lines)
    edit(tmp_path / "talk" / "02_architecture.rst", "# [start:seven-lines]",
         "# [start:no-such-marker]")
    failed = server.wait_for(r"build FAILED", after=mark)
    assert "02_architecture.rst" in failed
    page = server.get()
    assert 'id="present-build-error"' in page and "02_architecture.rst" in page
    assert "edited while serving" in page
    assert server.process.poll() is None

    # Fixing it rebuilds, and the banner goes.
    mark = len(server.lines)
    edit(tmp_path / "talk" / "02_architecture.rst", "# [start:no-such-marker]",
         "# [start:seven-lines]")
    server.wait_for(r"built \d+ steps", after=mark)
    assert "present-build-error" not in server.get()

    assert server.stop() == 0
    assert "present: stopped" in server.lines


# hovercraft 2.7 (its last release) imports pkg_resources, which setuptools
# deprecates; importing it in this process is the point of this test.
@pytest.mark.filterwarnings(
    "ignore:pkg_resources is deprecated:DeprecationWarning")
def test_checkpoint_files_are_dependencies_of_the_deck():
    """The live-coding diffs are generated from demos/checkpoints, so an
    edited checkpoint must trigger a rebuild too."""
    present.slides.generate_diffs(
        (TALK / present.slides.GENERATED).resolve())
    deps = present.dependencies(TALK / "index.rst")
    checkpoints = {p.resolve() for p in present.slides.CHECKPOINTS.glob("*.py")}
    assert checkpoints and checkpoints <= deps
    assert (ROOT / "flask-flags" / "flask_flags.py").resolve() in deps

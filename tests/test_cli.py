"""``python -m demos``: list, tour, run and checkpoint (demos/cli.py)."""

from __future__ import annotations

import http.client
import importlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import types
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask, redirect, request

from demos import cli
from demos.checkpoints import CHECKPOINTS, TRY, checkpoints

ROOT = Path(__file__).resolve().parent.parent
#: Modules of the demos package that are not demos.
NOT_DEMOS = {"__init__", "__main__", "_common", "cli"}
ENV = {k: v for k, v in os.environ.items()
       if k not in ("FLASK_DEBUG", "PYTHONPATH")}


def demo_names() -> list[str]:
    return [demo.name for demo in cli.discover()[0]]


def invoke(*args: str):
    return CliRunner().invoke(cli.main, list(args))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- list -------------------------------------------------------------------

def test_discovery_finds_every_demo_module():
    found, broken = cli.discover()
    assert broken == {}
    files = {path.stem for path in (ROOT / "demos").glob("*.py")}
    assert sorted(demo.name for demo in found) == sorted(files - NOT_DEMOS)
    assert "checkpoints" not in demo_names()


def test_list_shows_every_demo_in_talk_order_with_its_section():
    result = invoke("list")
    assert result.exit_code == 0, result.output
    rows = re.findall(r"^ *(\d+|-)  (\w+) +(\S.*)$", result.stdout, re.M)
    assert [name for _, name, _ in rows] == demo_names()
    sections = [None if s == "-" else int(s) for s, _, _ in rows]
    assert sections == [cli.describe(importlib.import_module(
        f"demos.{name}"))[0] for _, name, _ in rows]
    assert [s or 99 for s in sections] == sorted(s or 99 for s in sections)
    assert ("2", "hello", "The seven-line Flask app") in rows


@pytest.mark.parametrize(("first_line", "expected"), [
    ('The seven-line app (talk section 2, "Flask in five minutes").',
     (2, "The seven-line app")),
    ("``g``: per-request storage (talk section 3).",
     (3, "g: per-request storage")),
    ("The real 0.6 on Flask 3.1 (section 3).", (3, "The real 0.6 on Flask 3.1")),
    ("No section here.", (None, "No section here")),
])
def test_section_and_summary_come_from_the_docstring(first_line, expected):
    module = types.ModuleType("fake", f"{first_line}\n\nMore text.\n")
    assert cli.describe(module) == expected


def test_outside_the_venv_one_line_says_to_use_it():
    """-S: no site-packages, so no Flask nor click, as with the system
    Python on a fresh clone."""
    result = subprocess.run([sys.executable, "-S", "-m", "demos", "list"],
                            capture_output=True, text=True, timeout=30,
                            cwd=ROOT, env=ENV)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: click is not installed for ")
    assert "use .venv/bin/python -m demos (make slides" in result.stderr


def test_a_missing_package_behind_one_demo_is_the_same_one_line(monkeypatch):
    monkeypatch.delitem(sys.modules, "demos.sqlalchemy_hooks")
    monkeypatch.setitem(sys.modules, "flask_sqlalchemy", None)
    result = invoke("list")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: flask_sqlalchemy is not "
                                    "installed for ")
    assert result.stderr.count("\n") == 1


# --- tour -------------------------------------------------------------------

REQUEST = re.compile(r"^(GET|POST) (\S+) -> (\d{3}) .*\n    shows: (.+)$",
                     re.M)


@pytest.mark.parametrize("name", demo_names())
def test_tour_says_what_each_request_shows(name):
    result = invoke("tour", name)
    assert result.exit_code == 0, result.output
    requests = REQUEST.findall(result.stdout)
    module = importlib.import_module(f"demos.{name}")
    app = module.create_app({"TESTING": True})
    expected = getattr(module, "TOUR", None) or [
        ("/", ""), *app.extensions["demos_index"]]
    assert [(method, path) for method, path, _, _ in requests] == [
        (item[0].rpartition(" ")[0] or "GET", item[0].rpartition(" ")[2])
        for item in expected]
    assert result.stdout.count("    body: ") == len(requests)
    for method, path, status, shows in requests:
        # an error or a redirect is one the line expects
        if not status.startswith("2"):
            assert re.search(rf"{status}|redirect|raises|fails", shows), (
                path, status, shows)


def test_tour_prints_headers_and_survives_a_view_that_raises():
    out = invoke("tour", "signals").stdout
    assert "GET /fail -> 500 INTERNAL SERVER ERROR" in out
    assert "raised: RuntimeError: this view always fails" in out
    assert "GET /log -> 200 OK" in out  # the tour went on
    assert re.search(r"X-Runtime: \d", invoke("tour", "decorators").stdout)
    out = invoke("tour", "feature_flags").stdout
    assert ("GET /checkout -> 302 FOUND\n    shows: new_checkout is off: a "
            "redirect to the classic checkout\n    Location: "
            "/checkout/classic") in out


def toured(monkeypatch) -> types.ModuleType:
    """A demo with a TOUR: a long body, a form, a redirect."""
    def create_app(test_config=None):
        app = Flask("toured")
        app.add_url_rule("/long", "long", lambda: "word " * 60)
        app.add_url_rule("/echo", "echo", lambda: dict(request.form),
                         methods=["POST"])
        app.add_url_rule("/go", "go", lambda: redirect("/long"))
        return app

    module = types.ModuleType("toured")
    module.create_app = create_app
    module.TOUR = [("/long", "a long body"),
                   ("POST /echo", "the form, back", {"word": "hi"}),
                   ("/go", "a redirect to /long"), ("/nope", "a 404")]
    monkeypatch.setattr(cli, "load_demo", lambda name: module)
    return module


def test_tour_cuts_bodies_and_full_prints_them_whole(monkeypatch):
    toured(monkeypatch)
    out = invoke("tour", "toured").stdout
    assert "    body: " + "word " * 20 + "... (299 characters: --full)" in out
    assert 'POST /echo -> 200 OK\n    shows: the form, back' in out
    assert '{"word":"hi"}' in out
    assert "GET /go -> 302 FOUND" in out and "Location: /long" in out
    assert "GET /nope -> 404 NOT FOUND\n    shows: a 404" in out
    full = invoke("tour", "toured", "--full").stdout
    assert "    body: \n        " + "word " * 59 + "word \n" in full
    assert "--full)" not in full


# --- run and the live file ---------------------------------------------------

def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def wait_for(url: str, expected: int, seconds: float) -> tuple[int, str]:
    """Poll *url* until it answers *expected* (bounded)."""
    deadline, answer = time.monotonic() + seconds, (0, "")
    while time.monotonic() < deadline:
        try:
            answer = get(url)
        except (OSError, http.client.HTTPException):  # restarting
            pass
        if answer[0] == expected:
            break
        time.sleep(0.05)
    return answer


def serving(args: list[str], cwd: Path) -> subprocess.Popen:
    """``python -m demos run *args*`` in a process group of its own: the
    reloader's server is a child of the process started here."""
    return subprocess.Popen([sys.executable, "-m", "demos", "run", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=ENV, cwd=cwd,
                            start_new_session=True)


def stop(proc: subprocess.Popen) -> str:
    """Stop the group as Ctrl+C does (SIGINT); return what it printed."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        return proc.communicate(timeout=10)[0]
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.communicate()[0]


def test_run_serves_the_demo_on_localhost_only():
    port = free_port()
    proc = serving(["hello", "--port", str(port)], ROOT)
    try:
        answer = wait_for(f"http://127.0.0.1:{port}/", 200, 20)
        assert answer == (200, "Hello World!"), proc.poll()
        if sys.platform.startswith("linux"):  # 127.0.0.2 is loopback too
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.2", port), timeout=2)
    finally:
        out = stop(proc)
    assert "Debug mode: off" in out and f"http://127.0.0.1:{port}" in out
    assert "Traceback" not in out


def cold_start() -> float:
    """Seconds a new Python takes to import Flask and its debugger now."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", "import flask.cli, werkzeug.debug"],
                   check=True, timeout=60)
    return time.monotonic() - started


def test_a_saved_edit_is_served_within_two_seconds(tmp_path):
    """The presenter's loop: checkpoint 1 to live/app.py, serve it with
    --debug, type; a typo is fixed by the next checkpoint, --force.

    A reload starts a new process. Where starting Python and Flask takes
    over 0.4 s (about 0.25 s on this machine when idle; 0.8-1.2 s with
    load 13 on its 2 cores), the bound grows to five such starts, taken
    in the same run, as the benchmarks compare."""
    bound = max(2.0, 5 * cold_start())
    live = tmp_path / "live" / "app.py"
    assert invoke("checkpoint", "1", "--to", str(live)).exit_code == 0
    port = free_port()
    proc = serving(["live/app.py", "--debug", "--port", str(port)], tmp_path)
    url = f"http://127.0.0.1:{port}/checkout"
    try:
        assert wait_for(url, 200, 20)[0] == 200, proc.poll()
        time.sleep(0.1)
        live.write_text(live.read_text(encoding="utf-8").replace(
            "return True", "return False"), encoding="utf-8")
        started = time.monotonic()
        assert wait_for(url, 404, bound)[0] == 404
        assert time.monotonic() - started <= bound
        with live.open("a", encoding="utf-8") as file:
            file.write("oops(\n")
        assert wait_for(url, 500, bound)[0] == 500  # served, not crashed
        result = invoke("checkpoint", "4", "--to", str(live), "--force")
        assert result.exit_code == 0, result.output
        started = time.monotonic()
        status, text = wait_for(f"http://127.0.0.1:{port}/", 200, bound)
        assert '"flask_flags"' in text
        assert time.monotonic() - started <= bound
    finally:
        out = stop(proc)
    assert "Restarting with stat" in out and "Inotify" not in out


def test_run_says_in_one_line_when_create_app_fails(monkeypatch):
    """In this process (the real launch is pinned above): the server is
    replaced by one that fails the test, so a regression cannot hang it."""
    def serve_forever(*args, **kwargs):
        raise AssertionError("served an app that failed to load")

    monkeypatch.setattr(cli, "run_simple", serve_forever)
    monkeypatch.setenv("DATABASE_URL", "garbage")
    monkeypatch.setenv("FLASK_DEBUG", "")  # run sets it: restored after
    result = invoke("run", "sqlalchemy_hooks", "--port", str(free_port()))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: demos.sqlalchemy_hooks: ")
    assert result.stderr.count("\n") == 1


# --- checkpoint ---------------------------------------------------------------

def test_checkpoint_to_a_file_makes_it_equal_and_says_what_to_try(tmp_path):
    live = tmp_path / "live" / "app.py"
    for number, path in checkpoints().items():
        result = invoke("checkpoint", str(number), "--to", str(live))
        assert result.exit_code == 0, result.output
        assert live.read_bytes() == path.read_bytes()
        where, status, _, why = TRY[number]
        assert f"try: http://127.0.0.1:5000{where} -> {status}, " in \
            result.stdout and why in result.stdout
        assert f"serve it: python -m demos run {live}" in result.stdout
    assert invoke("checkpoint", "2", "--to", str(live)).exit_code == 0


def test_an_edited_file_needs_force(tmp_path):
    live = tmp_path / "app.py"
    assert invoke("checkpoint", "2", "--to", str(live)).exit_code == 0
    live.write_text("# typed on stage\n", encoding="utf-8")
    result = invoke("checkpoint", "3", "--to", str(live))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {live} was edited since its "
                             "checkpoint: add --force to overwrite it\n")
    assert live.read_text(encoding="utf-8") == "# typed on stage\n"
    assert invoke("checkpoint", "3", "--to", str(live), "--force"
                  ).exit_code == 0
    assert live.read_bytes() == (CHECKPOINTS / "step03_snapshot.py"
                                 ).read_bytes()


def test_checkpoint_to_a_folder_writes_the_step_file(tmp_path, monkeypatch):
    result = invoke("checkpoint", "step03", "--to", f"{tmp_path}/live/")
    assert result.exit_code == 0, result.output
    written = tmp_path / "live" / "step03_snapshot.py"
    assert written.read_bytes() == (CHECKPOINTS / written.name).read_bytes()
    monkeypatch.chdir(tmp_path)  # no --to: the working folder
    result = invoke("checkpoint", "1")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "step01_start.py").is_file()


def test_a_target_that_cannot_be_written_is_one_line(tmp_path):
    (tmp_path / "step04_extension.py").mkdir()
    result = invoke("checkpoint", "4", "--to", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {tmp_path}/step04_extension.py: "
                             "Is a directory\n")


# --- errors -------------------------------------------------------------------

@pytest.mark.parametrize(("args", "listed"), [
    (("run", "nope"), "hello"),
    (("tour", "nope"), "feature_flags"),
    (("tour", "_common"), "feature_flags"),  # a module, not a demo
    (("checkpoint", "99"), "1 (step01_start.py)"),
    (("checkpoint", "two"), "4 (step04_extension.py)"),
])
def test_a_bad_name_exits_2_with_the_valid_names(args, listed):
    result = invoke(*args)
    assert result.exit_code == 2
    assert listed in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_a_bad_command_line_exits_2():
    assert invoke().exit_code == 2
    assert invoke("run", "hello", "--port", "99999").exit_code == 2


def test_live_is_ignored_by_git():
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/live/" in lines


def test_list_gives_each_demo_the_section_whose_slide_shows_it():
    """A demo included on a slide says that slide's section in its
    docstring, so `list` and the deck agree."""
    talk = ROOT / "talk"
    for rst in sorted(talk.glob("0[0-9]_*.rst")):
        section = int(rst.name[:2])
        shown = re.findall(r"^\.\. include:: \.\./demos/(\w+)\.py$",
                           rst.read_text(encoding="utf-8"), re.MULTILINE)
        for name in shown:
            module = importlib.import_module(f"demos.{name}")
            assert cli.describe(module)[0] == section, (name, rst.name)

"""``python -m demos``: list, run, tour and checkpoint (demos/cli.py)."""

from __future__ import annotations

import importlib
import os
import re
import socket
import subprocess
import sys
import time
import types
import urllib.request
from pathlib import Path

import pytest

from demos import cli
from demos.checkpoints import CHECKPOINTS
from talk.tools._common import ROOT

_SECTION = re.compile(r"\((?:talk )?section (\d+)")
#: Modules of the demos package that are not demos.
NOT_DEMOS = {"__init__", "__main__", "_common", "checkpoints", "cli"}


def demo_names() -> list[str]:
    return [demo.name for demo in cli.discover()[0]]


def test_discovery_finds_every_demo_module():
    found, broken = cli.discover()
    assert broken == {}
    files = sorted(path.stem for path in (ROOT / "demos").glob("*.py"))
    assert sorted(demo.name for demo in found) == sorted(
        set(files) - NOT_DEMOS)
    assert all(callable(demo.module.create_app) for demo in found)


def section_of(name: str) -> int | None:
    doc = importlib.import_module(f"demos.{name}").__doc__ or ""
    match = _SECTION.search(doc.strip().splitlines()[0] if doc.strip() else "")
    return int(match.group(1)) if match else None


def run_cli(*args: str, timeout: float = 60, cwd: Path = ROOT):
    env = {k: v for k, v in os.environ.items() if k != "FLASK_DEBUG"}
    return subprocess.run([sys.executable, "-m", "demos", *args],
                          capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, env=env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- list -------------------------------------------------------------------

def test_list_shows_every_demo_in_talk_order(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    listed, section, sections = [], None, {}
    for line in out.splitlines():
        header = re.match(r"Section (\d+)", line)
        if header:
            section = int(header.group(1))
        elif line.startswith("  "):
            name, summary = line.split(None, 1)
            listed.append(name)
            sections[name] = section
            assert summary.strip() and "section" not in summary
    assert listed == demo_names()
    assert sections == {name: section_of(name) for name in listed}
    order = [sections[name] or 99 for name in listed]
    assert order == sorted(order)


def test_list_from_the_command_line():
    result = run_cli("list")
    assert result.returncode == 0, result.stderr
    assert "Section 2" in result.stdout and "  hello " in result.stdout


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


# --- tour -------------------------------------------------------------------

@pytest.mark.parametrize("name", demo_names())
def test_tour_visits_the_index_and_its_links(name, capsys):
    assert cli.main(["tour", name]) == 0
    out = capsys.readouterr().out
    requests = re.findall(r"^(GET|POST|PUT|DELETE|PATCH) (\S+) -> (\d{3})",
                          out, re.M)
    module = importlib.import_module(f"demos.{name}")
    if getattr(module, "TOUR", None) is None:
        assert requests[0] == ("GET", "/", "200")
        page = module.create_app({"TESTING": True}).test_client().get("/")
        expected = cli.local_links(page.get_data(as_text=True))
        assert [path for _, path, _ in requests[1:]] == expected
    else:
        assert len(requests) == len(module.TOUR)
    assert out.count("    body: ") == len(requests)


def test_tour_prints_headers_and_survives_a_view_that_raises(capsys):
    assert cli.main(["tour", "signals"]) == 0
    out = capsys.readouterr().out
    assert "GET /fail -> 500 INTERNAL SERVER ERROR" in out
    assert "raised: RuntimeError: this view always fails" in out
    assert "GET /log -> 200 OK" in out  # the tour went on
    assert cli.main(["tour", "decorators"]) == 0
    assert re.search(r"X-Runtime: \d", capsys.readouterr().out)
    assert cli.main(["tour", "feature_flags"]) == 0
    out = capsys.readouterr().out
    assert "GET /checkout -> 302 FOUND\n    Location: /checkout/classic" in out
    assert "Content-Type: application/json" in out


def test_a_module_tour_list_replaces_the_links(capsys):
    from flask import Flask, request

    def create_app(test_config=None):
        app = Flask("toured")
        app.config.from_mapping(test_config or {})
        app.add_url_rule("/", "index", lambda: '<a href="/never">x</a>')
        app.add_url_rule("/echo", "echo", lambda: dict(request.form),
                         methods=["POST"])
        return app

    module = types.ModuleType("toured")
    module.create_app = create_app
    module.TOUR = ["/", ("POST", "/echo", {"word": "hi"}), ("get", "/nope")]
    assert cli.tour(module) == 3
    out = capsys.readouterr().out
    assert "GET / -> 200 OK" in out and "/never" not in out.split("body")[0]
    assert 'POST /echo -> 200 OK' in out and '{"word":"hi"}' in out
    assert "GET /nope -> 404 NOT FOUND" in out


def test_local_links_keep_paths_and_queries_once_in_page_order():
    html = ('<a href="/b?x=1">b</a> <a href="https://example.org/">e</a>'
            '<a href="/">home</a> <a href="/b?x=1">again</a>'
            '<a href="mailto:a@b.c">m</a> <a href="c">rel</a>'
            '<a href="#top">top</a> <a>none</a>')
    assert cli.local_links(html) == ["/b?x=1", "/c"]


# --- run --------------------------------------------------------------------

def test_run_serves_the_demo_on_localhost_only():
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "FLASK_DEBUG"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "demos", "run", "hello", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline, body = time.monotonic() + 20, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/",
                                            timeout=2) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert body == "Hello World!", proc.poll()
        if sys.platform.startswith("linux"):  # 127.0.0.2 is loopback too
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.2", port), timeout=2)
    finally:
        proc.terminate()
        try:
            out, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    assert f"http://127.0.0.1:{port}/ (debug off" in out
    assert "Traceback" not in err


def test_run_names_a_free_port_when_the_port_is_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("run", "hello", "--port", str(port), timeout=30)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is taken" in result.stderr
    other = int(re.search(r"--port (\d+)", result.stderr).group(1))
    assert other != port
    assert cli.port_is_free(other)
    assert "Traceback" not in result.stderr


# --- checkpoint ---------------------------------------------------------------

def test_checkpoint_writes_a_file_flask_can_serve(tmp_path, capsys):
    assert cli.main(["checkpoint", "3", "--to", str(tmp_path / "live")]) == 0
    out = capsys.readouterr().out
    written = tmp_path / "live" / "step03_snapshot.py"
    assert written.read_text(encoding="utf-8") == (
        CHECKPOINTS / "step03_snapshot.py").read_text(encoding="utf-8")
    assert str(written) in out and f"flask --app {written} run" in out

    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", str(written), "routes"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"checkout\s+GET\s+/checkout", result.stdout)


def test_checkpoint_does_not_overwrite_changes_without_force(tmp_path, capsys):
    target = tmp_path / "step02_config_flag.py"
    assert cli.main(["checkpoint", "2", "--to", str(tmp_path)]) == 0
    assert cli.main(["checkpoint", "step02", "--to", str(tmp_path)]) == 0
    target.write_text("# my live-coded version\n", encoding="utf-8")
    assert cli.main(["checkpoint", "2", "--to", str(tmp_path)]) == 2
    assert "--force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "# my live-coded version\n"
    assert cli.main(["checkpoint", "2", "--to", str(tmp_path),
                     "--force"]) == 0
    assert "is_active" in target.read_text(encoding="utf-8")


def test_checkpoint_defaults_to_the_current_folder(tmp_path):
    result = run_cli("checkpoint", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "step01_seven_lines.py").is_file()
    assert "flask --app step01_seven_lines.py run" in result.stdout


# --- errors -------------------------------------------------------------------

@pytest.mark.parametrize(("args", "listed"), [
    (("run", "nope"), "hello"),
    (("tour", "nope"), "feature_flags"),
    (("tour", "_common"), "feature_flags"),  # a module, not a demo
    (("checkpoint", "99"), "step01_seven_lines.py"),
    (("checkpoint", "two"), "step04_extension.py"),
])
def test_a_bad_name_exits_2_with_the_valid_names(capsys, args, listed):
    assert cli.main(list(args)) == 2
    out, err = capsys.readouterr()
    assert listed in err
    assert "Traceback" not in err
    assert out == ""


def test_a_bad_command_line_exits_2():
    assert run_cli().returncode == 2
    assert run_cli("run", "hello", "--port", "99999").returncode == 2


def test_run_says_in_one_line_when_create_app_fails():
    """A demo whose app cannot be created (here: a DATABASE_URL that is
    not a URL) exits 1 with one line, not a traceback."""
    env = {k: v for k, v in os.environ.items() if k != "FLASK_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-m", "demos", "run", "sqlalchemy_hooks", "--port",
         str(free_port())], capture_output=True, text=True, timeout=60,
        env={**env, "DATABASE_URL": "garbage"})
    assert result.returncode == 1
    assert result.stderr.startswith("python -m demos run: demos.sqlalchemy_hooks: "
                                    "create_app() failed: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def checkpoint_error(capsys, folder, *extra) -> tuple[int, str]:
    status = cli.main(["checkpoint", "4", "--to", str(folder), *extra])
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return status, err


def test_checkpoint_target_that_is_a_folder(capsys, tmp_path):
    (tmp_path / "step04_extension.py").mkdir()
    status, err = checkpoint_error(capsys, tmp_path)
    assert status == 1
    assert f"{tmp_path}/step04_extension.py is a folder" in err


def test_checkpoint_target_that_cannot_be_read(capsys, tmp_path, monkeypatch):
    target = tmp_path / "step04_extension.py"
    target.write_text("# mine\n", encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(path):
        if path == target:
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)  # root reads anything
    status, err = checkpoint_error(capsys, tmp_path)
    assert status == 1
    assert err.endswith(f"cannot read {target} to compare it: Permission denied\n")
    assert target.read_text(encoding="utf-8") == "# mine\n"


def test_checkpoint_target_that_is_not_utf8(capsys, tmp_path):
    target = tmp_path / "step04_extension.py"
    target.write_bytes(b"# caf\xe9\n")
    status, err = checkpoint_error(capsys, tmp_path)
    assert status == 2
    assert "exists and differs from checkpoint 4; --force overwrites it" in err
    assert target.read_bytes() == b"# caf\xe9\n"
    assert cli.main(["checkpoint", "4", "--to", str(tmp_path), "--force"]) == 0
    assert target.read_bytes() == (CHECKPOINTS / target.name).read_bytes()


def test_checkpoint_target_whose_name_is_too_long(capsys, tmp_path):
    status, err = checkpoint_error(capsys, tmp_path / ("x" * 300))
    assert status == 1
    assert "cannot write" in err and "File name too long" in err

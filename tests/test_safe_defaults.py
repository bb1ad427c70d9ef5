"""Safe defaults, for every demo and for ``make present``: debug off unless
asked, no secret in code, nothing bound to 0.0.0.0.

tests/test_demos_contract.py already checks ``create_app().debug`` and the
module sources for a ``SECRET_KEY=`` literal and ``0.0.0.0``; this file
goes further: the ``flask --app demos.<x> run`` path itself, the secret key
of every demo (from the environment, else random per process), a syntax-tree
scan of every Python file under demos/ (subpackages and history included),
every text file under demos/ for 0.0.0.0, and ``make present`` as make
expands it.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import cli, run_command

from conftest import demo_modules
from talk.tools import ROOT

DEMOS = ROOT / "demos"
LOOPBACK = "127.0.0.1"
ANY_ADDRESS = "0.0.0.0"  # noqa: S104 - the value we look for, never bound
SAFE_HOSTS = {LOOPBACK, "localhost", "::1"}


def python_sources() -> list[Path]:
    """demos/**/*.py except tests."""
    return sorted(path for path in DEMOS.rglob("*.py")
                  if not path.name.startswith("test_")
                  and not path.name.endswith("_test.py")
                  and "tests" not in path.relative_to(DEMOS).parts
                  and "__pycache__" not in path.parts)


def text_sources() -> list[Path]:
    return sorted(path for path in DEMOS.rglob("*") if path.is_file()
                  and "__pycache__" not in path.parts
                  and path.suffix not in {".pyc", ".png", ".jpg", ".svg"})


def unset(monkeypatch, *names: str) -> None:
    """Remove environment variables for this test and restore them after,
    even ones the code under test sets (setenv records the original)."""
    for name in names:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


def test_there_are_demos_to_check():
    assert len(demo_modules()) >= 5
    assert len(python_sources()) >= len(demo_modules())


# --- flask --app demos.<x> run ---------------------------------------------

def test_flask_run_binds_loopback_by_default():
    [host] = [param for param in run_command.params if param.name == "host"]
    assert host.default == LOOPBACK


@pytest.fixture
def flask_run(monkeypatch):
    """Run ``flask --app <module> run [args]`` in-process with the server
    replaced by a recorder; returns the arguments it got."""
    unset(monkeypatch, "FLASK_APP", "FLASK_DEBUG", "FLASK_RUN_HOST",
          "FLASK_RUN_PORT", "FLASK_RUN_FROM_CLI", "SECRET_KEY")
    monkeypatch.setenv("FLASK_SKIP_DOTENV", "1")
    monkeypatch.chdir(ROOT)
    # The demos are installed: import them by name, as Flask does once its
    # prepare_import() has put the working folder on the import path.
    monkeypatch.setattr("flask.cli.prepare_import", lambda name: name)
    calls = []

    def fake_run_simple(host, port, app, **options):
        calls.append({"host": host, "port": port, "app": app, **options})

    monkeypatch.setattr("flask.cli.run_simple", fake_run_simple)

    def run(module: str, *args: str) -> dict:
        result = CliRunner().invoke(cli, ["--app", module, "run", *args],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        [call] = calls
        calls.clear()
        return call

    return run


@pytest.mark.parametrize("name", demo_modules())
def test_flask_run_is_local_and_not_debug(flask_run, name):
    call = flask_run(name)
    assert call["host"] == LOOPBACK
    assert call["app"].debug is False
    assert (call["use_debugger"], call["use_reloader"]) == (False, False)


def test_debug_only_when_asked_and_still_local(flask_run):
    call = flask_run("demos.hello", "--debug")
    assert call["host"] == LOOPBACK
    assert call["app"].debug is True
    assert call["use_debugger"] is True


@pytest.mark.parametrize("name", [".flaskenv", ".env"])
def test_no_env_file_widens_the_defaults(name):
    path = ROOT / name
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    assert ANY_ADDRESS not in text
    assert not re.search(r"^\s*FLASK_DEBUG\s*=\s*['\"]?(1|true|yes)", text,
                         re.I | re.M)
    assert not re.search(r"^\s*SECRET_KEY\s*=", text, re.M)


# --- SECRET_KEY -------------------------------------------------------------

@pytest.mark.parametrize("name", demo_modules())
def test_secret_key_comes_from_the_environment(monkeypatch, name):
    monkeypatch.setenv("SECRET_KEY", f"from-the-environment-{name}")
    app = importlib.import_module(name).create_app()
    assert app.secret_key == f"from-the-environment-{name}"


SECRET_KEYS_SCRIPT = """
import json
from demos.cli import discover
print(json.dumps({f"demos.{demo.name}": str(demo.module.create_app().secret_key)
                  for demo in discover()[0]}))
"""


def secret_keys_in_a_new_process() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in {"SECRET_KEY", "FLASK_DEBUG"}}
    result = subprocess.run([sys.executable, "-c", SECRET_KEYS_SCRIPT],
                            capture_output=True, text=True, cwd=ROOT,
                            env=env, timeout=60, check=True)
    return json.loads(result.stdout)


def test_secret_key_is_random_per_process_without_the_environment(
        monkeypatch):
    """A new Python and this one, each without SECRET_KEY: every demo has
    a long key, and none is the same in both processes."""
    unset(monkeypatch, "SECRET_KEY")
    first = secret_keys_in_a_new_process()
    second = {name: str(importlib.import_module(name).create_app().secret_key)
              for name in demo_modules()}
    assert set(first) == set(second) == set(demo_modules())
    for name in first:
        assert len(first[name]) >= 32 and len(second[name]) >= 32, name
        assert first[name] != second[name], name


SECRET_NAMES = {"secret_key", "SECRET_KEY"}
DEFAULT_TAKING = {"get", "getenv", "setdefault", "pop"}


def is_literal(node: ast.AST | None) -> bool:
    """True if *node* is, or may fall back to, a string written in code."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, bytes))
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BoolOp):
        return any(is_literal(value) for value in node.values)
    if isinstance(node, ast.IfExp):
        return is_literal(node.body) or is_literal(node.orelse)
    if isinstance(node, ast.BinOp):
        return is_literal(node.left) or is_literal(node.right)
    if isinstance(node, ast.Call):
        return is_literal(default_of(node))
    return False


def names_secret(node: ast.AST) -> bool:
    """``SECRET_KEY``, ``x.secret_key``, ``x["SECRET_KEY"]``."""
    if isinstance(node, ast.Name):
        return node.id in SECRET_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr in SECRET_NAMES
    if isinstance(node, ast.Subscript):
        return names_secret(node.slice)
    if isinstance(node, ast.Constant):
        return node.value in SECRET_NAMES
    return False


def default_of(call: ast.Call) -> ast.AST | None:
    """The default in ``environ.get(name, default)`` and the like."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(
        func, "id", None)
    if name not in DEFAULT_TAKING:
        return None
    if len(call.args) >= 2:
        return call.args[1]
    return next((kw.value for kw in call.keywords if kw.arg == "default"),
                None)


def secret_literals(source: str) -> list[int]:
    """Line numbers where a secret key gets a string written in code."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [
                node.target]
            if any(names_secret(t) for t in targets) and is_literal(
                    node.value):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            if any(kw.arg in SECRET_NAMES and is_literal(kw.value)
                   for kw in node.keywords):
                lines.append(node.lineno)
            elif node.args and names_secret(node.args[0]) and is_literal(
                    default_of(node)):
                lines.append(node.lineno)
        elif isinstance(node, ast.Dict):
            if any(key is not None and names_secret(key) and is_literal(value)
                   for key, value in zip(node.keys, node.values)):
                lines.append(node.lineno)
    return sorted(set(lines))


@pytest.mark.parametrize("source", [
    'SECRET_KEY = "dev"',
    'SECRET_KEY: str = "dev"',
    'app.secret_key = b"dev"',
    'app.config["SECRET_KEY"] = "dev"',
    'app.config.from_mapping(SECRET_KEY="dev")',
    'new_app(__name__, SECRET_KEY=f"dev-{1}")',
    'app.config.update({"SECRET_KEY": "dev"})',
    'SECRET_KEY = os.environ.get("SECRET_KEY", "dev")',
    'SECRET_KEY = os.getenv("SECRET_KEY", default="dev")',
    'SECRET_KEY = os.environ.get("SECRET_KEY") or "dev"',
    'os.environ.setdefault("SECRET_KEY", "dev")',
    'app.config["SECRET_KEY"] = "dev" if x else key',
])
def test_the_secret_scan_finds_literals(source):
    assert secret_literals(source) == [1]


@pytest.mark.parametrize("source", [
    'SECRET_KEY = os.environ["SECRET_KEY"]',
    'SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)',
    'new_app(SECRET_KEY=os.environ.get("SECRET_KEY") or _PROCESS_SECRET)',
    'app.config.from_mapping(SECRET_KEY=key)',
    'NAME = "SECRET_KEY"',
])
def test_the_secret_scan_accepts_secrets_from_elsewhere(source):
    assert secret_literals(source) == []


@pytest.mark.parametrize("path", python_sources(),
                         ids=lambda path: str(path.relative_to(DEMOS)))
def test_no_secret_key_literal_in_demo_code(path):
    source = path.read_text(encoding="utf-8")
    assert secret_literals(source) == [], path


# --- binding ----------------------------------------------------------------

def bind_literals(source: str) -> list[int]:
    """Lines that start a server on a literal host other than loopback:
    ``.run(host=...)``, ``run_simple("...")``, ``make_server("...")``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(
            func, "id", None)
        hosts = [kw.value for kw in node.keywords if kw.arg == "host"]
        if name in {"run_simple", "make_server"} and node.args:
            hosts.append(node.args[0])
        if name in {"run", "run_simple", "make_server"} and any(
                isinstance(h, ast.Constant) and h.value not in SAFE_HOSTS
                for h in hosts):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("source, found", [
    ('app.run(host="0.0.0.0")', [1]),
    ('app.run(host="")', [1]),
    ('run_simple("::", 5000, app)', [1]),
    ('make_server(host="192.168.1.2", port=0, app=app)', [1]),
    ('app.run(host="127.0.0.1")', []),
    ('make_server("localhost", 0, app)', []),
])
def test_the_bind_scan(source, found):
    assert bind_literals(source) == found


@pytest.mark.parametrize("path", python_sources(),
                         ids=lambda path: str(path.relative_to(DEMOS)))
def test_no_demo_binds_beyond_loopback(path):
    assert bind_literals(path.read_text(encoding="utf-8")) == [], path


def test_no_demo_file_mentions_the_any_address():
    offenders = [str(path.relative_to(ROOT)) for path in text_sources()
                 if ANY_ADDRESS in path.read_text(encoding="utf-8",
                                                  errors="replace")
                 or "FLASK_RUN_HOST" in path.read_text(encoding="utf-8",
                                                       errors="replace")]
    assert offenders == []


# --- make present -----------------------------------------------------------

@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_present_dry_run_binds_loopback():
    """make's own expansion (-n: print the commands, run nothing)."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"HOST", "PORT", "MAKEFLAGS"}}
    result = subprocess.run(["make", "-n", "present"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert LOOPBACK in result.stdout
    assert ANY_ADDRESS not in result.stdout

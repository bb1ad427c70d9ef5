"""``python -m demos``: list, tour and serve the demos; live-code from the
checkpoints (``--help`` lists the commands). Not talk material.

Exit status: 0 on success; 1 when something outside the command line
fails (a module or package missing, an app that cannot be created, a file
that cannot be written or was edited); 2 for a bad command line or an
unknown demo or checkpoint. An error is one line on stderr."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
import tempfile
import textwrap
import traceback
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import click
from flask.cli import ScriptInfo, show_server_banner
from markupsafe import Markup
from werkzeug.serving import is_running_from_reloader, run_simple

import demos
from demos.checkpoints import TRY, checkpoints

HOST = "127.0.0.1"
PORT = 5000
BODY_CHARS = 100  #: what ``tour`` prints of a body without --full
_SECTION = re.compile(r"\s*\((?:talk\s+)?section\s+(\d+)\b[^)]*\)\.?\s*$")


Failure = click.ClickException  # something outside the command line: exit 1


class Unknown(click.ClickException):
    """No demo or checkpoint of that name: exit status 2."""
    exit_code = 2


class Demo(NamedTuple):
    """A demo: name without ``demos.``, talk section or None, summary."""
    name: str
    section: int | None
    summary: str
    module: ModuleType


def describe(module: ModuleType) -> tuple[int | None, str]:
    """(talk section or None, one-line summary) from *module*'s docstring."""
    line = (module.__doc__ or "").strip().partition("\n")[0].replace("``", "")
    match = _SECTION.search(line)
    if match is None:
        return None, line.rstrip(".")
    return int(match.group(1)), line[:match.start()].rstrip(" .")


def discover() -> tuple[list[Demo], dict[str, str]]:
    """Import every module of the package: (the demos in talk order,
    ``{name: error}`` for the modules that failed to import). Raises
    Failure when a module needs a package this Python lacks."""
    found, broken = [], {}
    for name in sorted(info.name for info in pkgutil.iter_modules(
            demos.__path__) if info.name not in ("cli", "checkpoints")
            and not info.name.startswith("_")):
        try:
            module = importlib.import_module(f"demos.{name}")
        except ModuleNotFoundError as exc:  # this Python lacks a package
            if not (exc.name or "demos").startswith("demos"):
                raise Failure(demos.not_installed(exc.name)) from None
            broken[name] = f"{type(exc).__name__}: {exc}"
            continue
        except Exception as exc:  # a half-written demo must not stop `list`
            broken[name] = f"{type(exc).__name__}: {exc}"
            continue
        if callable(getattr(module, "create_app", None)):
            found.append(Demo(name, *describe(module), module))
    found.sort(key=lambda d: (d.section is None, d.section or 0, d.name))
    return found, broken


def load_demo(name: str) -> ModuleType:
    """Demo *name* (``hello`` or ``demos.hello``), imported; Unknown,
    listing the demos, when there is none."""
    name = name.removeprefix("demos.").removesuffix(".py")
    found = {demo.name: demo.module for demo in discover()[0]}
    if name not in found:
        raise Unknown(f"no demo named {name!r}; the demos: "
                      + ", ".join(found))
    return found[name]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Find, tour and serve the talk's demos; live-code from checkpoints."""


@main.command("list")
def list_demos() -> None:
    """Every demo, in talk order: section, name, what it shows."""
    found, broken = discover()
    width = max((len(demo.name) for demo in found), default=0)
    for demo in found:
        click.echo(f"{demo.section or '-':>2}  {demo.name:<{width}}  "
                   f"{demo.summary}")
    click.echo("\nThen: python -m demos tour NAME, or run NAME (serves it)")
    for name, error in broken.items():
        click.echo(f"demos.{name} cannot be imported: {error}", err=True)
    if broken:
        raise SystemExit(1)


def body(response, full: bool) -> str:
    """*response*'s body: whole and indented when *full*, else its first
    BODY_CHARS characters on one line (HTML as its text)."""
    data, mimetype = response.get_data(), response.mimetype
    if not (mimetype.startswith("text/") or response.is_json):
        return f"({len(data)} bytes of {mimetype})"
    text = data.decode(response.mimetype_params.get("charset", "utf-8"))
    if full:
        return "\n" + textwrap.indent(text.rstrip("\n"), " " * 8)
    if mimetype == "text/html":
        text = Markup(text).striptags()
    text = " ".join(text.split())
    if len(text) <= BODY_CHARS:
        return text or "(empty)"
    return f"{text[:BODY_CHARS]}... ({len(text)} characters: --full)"


@main.command()
@click.argument("name")
@click.option("--full", is_flag=True, help="Print whole bodies.")
def tour(name: str, full: bool) -> None:
    """Send demo NAME's requests to a new app; print what each shows, its
    status, headers and body. The requests: the module's TOUR, items
    ("[METHOD ]PATH", "what it shows"[, form]), or else GET / and the
    links on the demo's front page (add_index, in app.extensions)."""
    module = load_demo(name)
    with tempfile.TemporaryDirectory(prefix="demos-tour-") as instance:
        try:
            app = module.create_app({"TESTING": False,
                                     "DEMOS_INSTANCE_PATH": instance})
        except Exception as exc:  # a bad DATABASE_URL, say: one line
            raise Failure(f"demos.{name}: create_app() failed: "
                          f"{type(exc).__name__}: {exc}") from None
        raised: list[BaseException] = []
        def log_exception(exc_info):  # one line below, not a traceback
            raised.append(exc_info[1])
        app.log_exception = log_exception
        client = app.test_client()
        requests = getattr(module, "TOUR", None) or [
            ("/", "the front page: what the demo shows, with links"),
            *app.extensions.get("demos_index", [])]
        for request, what, *form in requests:
            method, _, path = request.rpartition(" ")
            method, form = method or "GET", dict(*form)
            raised.clear()
            response = client.open(path, method=method, data=form)
            click.echo(f"{method} {path} -> {response.status}\n"
                       f"    shows: {what}")
            for header, value in response.headers.items():
                if header == "Location" or header.lower().startswith("x-"):
                    click.echo(f"    {header}: {value}")
            for exc in raised:
                click.echo(f"    raised: {type(exc).__name__}: {exc}")
            click.echo(f"    body: {body(response, full)}")
            response.close()


def serve(import_path: str, port: int, debug: bool, reload: bool) -> None:
    """``flask --app IMPORT_PATH run`` on 127.0.0.1:*port*; debug mode and
    the debugger only if *debug*. With *reload*, Werkzeug's stat reloader
    restarts it when IMPORT_PATH or a loaded module changes: it skips
    .venv, where flask run's watchdog reloader overflows inotify. Then a
    file that fails to load answers 500 (traceback printed) until fixed."""
    os.environ["FLASK_DEBUG"] = "1" if debug else "0"  # as flask run does
    try:
        app = ScriptInfo(app_import_path=import_path).load_app()
    except Exception as exc:
        if not (reload and is_running_from_reloader()):
            raise Failure(f"{import_path}: the app cannot be loaded: "
                          f"{type(exc).__name__}: {exc}") from None
        traceback.print_exc()
        error = exc

        def app(environ, start_response):
            raise error
    show_server_banner(debug, import_path)
    try:
        run_simple(HOST, port, app, use_reloader=reload, use_debugger=debug,
                   reloader_type="stat", reloader_interval=0.25,
                   extra_files=[import_path] if reload else None)
    except KeyboardInterrupt:  # Ctrl+C: stopped as asked, not "Aborted!"
        pass


@main.command()
@click.argument("target")
@click.option("--port", type=click.IntRange(1, 65535), default=PORT)
@click.option("--debug", is_flag=True,
              help="Debug mode and the interactive debugger.")
def run(target: str, port: int, debug: bool) -> None:
    """Serve TARGET on 127.0.0.1 as flask --app TARGET run: a demo NAME,
    or a file (live/app.py) that restarts on every save."""
    if target.endswith(".py") and Path(target).is_file():
        serve(target, port, debug, reload=True)
    else:
        serve(load_demo(target).__name__, port, debug, reload=False)


@main.command()
@click.argument("number")
@click.option("--to", "target", default=".", show_default=True,
              help="A file to overwrite (live/app.py) or a folder.")
@click.option("--force", is_flag=True,
              help="Overwrite a file edited since its checkpoint.")
def checkpoint(number: str, target: str, force: bool) -> None:
    """Write live-coding checkpoint NUMBER to a file or a folder, and say
    what to try. A file is overwritten only if it holds a checkpoint
    (nothing typed is lost), or with --force."""
    known = checkpoints()
    key = number.strip().lower().removesuffix(".py")
    found = [(n, path) for n, path in known.items()
             if key in (str(n), f"{n:02d}", f"step{n:02d}", path.stem)]
    if not found:
        names = ", ".join(f"{n} ({p.name})" for n, p in known.items())
        raise Unknown(f"no checkpoint {number!r}; the checkpoints: {names}")
    [(n, source)] = found
    path = Path(target)
    if path.is_dir() or target.endswith(("/", os.sep)):
        path = path / source.name
    try:
        if path.exists() and not force and path.read_bytes() not in {
                p.read_bytes() for p in known.values()}:
            raise Failure(f"{path} was edited since its checkpoint: "
                          "add --force to overwrite it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(source.read_bytes())
    except OSError as exc:
        raise Failure(f"{path}: {exc.strerror or exc}") from None
    where, status, answer, why = TRY[n]
    shown = json.dumps(answer) if isinstance(answer, dict) else answer
    click.echo(f"{path} is checkpoint {n} ({source.name})\n"
               f"try: http://{HOST}:{PORT}{where} -> {status}, {shown}"
               f" ({why})\nserve it: python -m demos run {path}"
               "   (restarts on every save)")

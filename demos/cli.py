"""``python -m demos``: find, serve and tour the demos; hand out checkpoints.

Not talk material: a helper for the presenter and for attendees.

Commands::

    python -m demos list                          every demo, in talk order
    python -m demos run NAME [--port N] [--debug] serve demos.NAME on 127.0.0.1
    python -m demos tour NAME                     scripted requests, printed
    python -m demos checkpoint N [--to DIR]       copy live-coding checkpoint N

A demo is a module of the ``demos`` package with a ``create_app`` function.
Its talk section comes from the first line of its docstring, which ends with
``(talk section N).`` (or ``(talk section N, "title").``).

``tour`` sends ``GET /`` and then a ``GET`` for every local link on that
page, or the requests in the module's ``TOUR`` list if it has one. A ``TOUR``
item is a path (``"/hello"``), a ``(method, path)`` pair or a
``(method, path, form)`` triple with *form* a dict sent as form data.

Exit status: 0 on success; 1 when a demo cannot be imported, its app cannot
be created, a server cannot start or a checkpoint cannot be written; 2 for a
bad command line, an unknown demo or checkpoint, a port that is taken, or a
checkpoint file that would be overwritten. Every error is one line on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import pkgutil
import re
import socket
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from logging import Logger
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import got_request_exception

import demos
from demos.checkpoints import checkpoints
from talk.tools import ToolError
from talk.tools.outline import read_outline

HOST = "127.0.0.1"
DEFAULT_PORT = 5000
PACKAGE = Path(demos.__file__).resolve().parent
#: The proposal's outline gives the section titles, when the checkout has it.
PROPOSAL = PACKAGE.parent / "proposal.md"
#: How much of a response body ``tour`` prints, in characters.
BODY_CHARS = 100

_SECTION = re.compile(r"\s*\((?:talk\s+)?section\s+(\d+)\b[^)]*\)\.?\s*$")
_EXTRA_HEADERS = ("Location", "Content-Type")


class UsageError(Exception):
    """A wrong name or argument: exit status 2, message on stderr."""


class Failure(Exception):
    """Something outside the command line failed: exit status 1."""


# --- discovery --------------------------------------------------------------

@dataclass(frozen=True)
class Demo:
    """One demo module: *name* without ``demos.``, its talk *section* (None
    when the docstring does not say) and a one-line *summary*."""

    name: str
    section: int | None
    summary: str
    module: ModuleType


def module_names() -> list[str]:
    """Names of the modules in the ``demos`` package that may be demos
    (not ``cli``, ``checkpoints`` nor a ``_private`` one), without
    importing them."""
    return sorted(info.name for info in pkgutil.iter_modules(demos.__path__)
                  if not info.name.startswith("_")
                  and info.name not in ("cli", "checkpoints"))


def describe(module: ModuleType) -> tuple[int | None, str]:
    """(talk section, one-line summary) from *module*'s docstring."""
    first = (module.__doc__ or "").strip().splitlines() or [""]
    line = first[0].replace("``", "")
    match = _SECTION.search(line)
    if match is None:
        return None, line.rstrip(".")
    return int(match.group(1)), line[:match.start()].rstrip(" .")


def discover() -> tuple[list[Demo], dict[str, str]]:
    """Import every module of the package; return the demos (the modules
    with a ``create_app`` function) in talk order (section, then name) and
    ``{name: error}`` for modules that failed to import.

    The one demo discovery: ``list``, ``run``, ``tour`` and the tests use it.
    """
    found, broken = [], {}
    for name in module_names():
        try:
            module = importlib.import_module(f"demos.{name}")
        except Exception as exc:  # a half-written demo must not stop `list`
            broken[name] = f"{type(exc).__name__}: {exc}"
            continue
        if callable(getattr(module, "create_app", None)):
            found.append(Demo(name, *describe(module), module))
    found.sort(key=lambda d: (d.section is None, d.section or 0, d.name))
    return found, broken


def section_titles() -> dict[int, str]:
    """``{number: title}`` from the outline in proposal.md (read by
    talk.tools.outline); empty when the checkout has no readable one."""
    try:
        return {item.number: item.title for item in read_outline(PROPOSAL)}
    except ToolError:
        return {}


def load_demo(name: str) -> ModuleType:
    """Import and return demo *name* (``hello`` or ``demos.hello``).

    Raises UsageError when there is no such demo (the message lists the
    valid names) and Failure when the module cannot be imported.
    """
    name = name.removeprefix("demos.").removesuffix(".py")
    if name in module_names():
        try:
            module = importlib.import_module(f"demos.{name}")
        except Exception as exc:
            raise Failure(f"demos.{name} cannot be imported: "
                          f"{type(exc).__name__}: {exc}") from None
        if callable(getattr(module, "create_app", None)):
            return module
    valid = ", ".join(demo.name for demo in discover()[0])
    raise UsageError(f"no demo named {name!r}\nvalid demos: {valid}")


# --- list -------------------------------------------------------------------

def cmd_list(args: argparse.Namespace) -> int:
    found, broken = discover()
    titles = section_titles()
    width = max((len(demo.name) for demo in found), default=0)
    current: object = object()
    for demo in found:
        if demo.section != current:
            current = demo.section
            if demo.section is None:
                print("No talk section given")
            else:
                title = titles.get(demo.section, "")
                print(f"Section {demo.section}" + (f": {title}" if title
                                                    else ""))
        print(f"  {demo.name:<{width}}  {demo.summary}")
    print("\nServe one: python -m demos run NAME   "
          "See one in the terminal: python -m demos tour NAME")
    for name, error in broken.items():
        print(f"demos list: demos.{name} cannot be imported: {error}",
              file=sys.stderr)
    return 1 if broken else 0


# --- run --------------------------------------------------------------------

def port_is_free(port: int, host: str = HOST) -> bool:
    """True if a server could bind *host*:*port* now (TCP)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Werkzeug's server sets SO_REUSEADDR too: a socket in TIME_WAIT
        # does not block it, a listening one does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def free_port(near: int, host: str = HOST) -> int:
    """A free TCP port on *host*: the first after *near*, else any."""
    for port in range(near + 1, min(near + 50, 65536)):
        if port_is_free(port, host):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def cmd_run(args: argparse.Namespace) -> int:
    module = load_demo(args.name)
    if not port_is_free(args.port):
        other = free_port(args.port)
        raise UsageError(f"port {args.port} on {HOST} is taken (or not "
                         f"allowed); port {other} is free: try "
                         f"--port {other}")
    name = args.name.removeprefix("demos.").removesuffix(".py")
    try:
        # Debug mode is set before the app is made, as `flask run --debug`
        # does, so what reads it at set-up (the debug toolbar) sees it.
        app = module.create_app({"DEBUG": args.debug})
    except Exception as exc:  # a bad DATABASE_URL, say: one line
        raise Failure(f"demos.{name}: create_app() failed: "
                      f"{type(exc).__name__}: {_first_line(exc)}") from None
    print(f"demos.{name} on "
          f"http://{HOST}:{args.port}/ (debug {'on' if args.debug else 'off'}"
          "; Ctrl+C stops it)", flush=True)
    try:
        app.run(host=HOST, port=args.port, debug=args.debug,
                use_reloader=False)
    except OSError as exc:
        raise Failure(f"cannot serve on {HOST}:{args.port}: {exc}") from None
    except KeyboardInterrupt:
        pass
    return 0


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}")
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is not in 1-65535")
    return port


# --- tour -------------------------------------------------------------------

class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self.hrefs.extend(value for key, value in attrs
                              if key == "href" and value)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in ("script", "style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style", "title") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def local_links(html: str, base: str = "/") -> list[str]:
    """The local link targets (path and query) on *html*, in page order,
    without duplicates, external links or *base* itself."""
    parser = _Links()
    parser.feed(html)
    links: list[str] = []
    for href in parser.hrefs:
        url = urlsplit(urljoin(base, href))
        if url.scheme not in ("", "http", "https") or url.netloc:
            continue
        target = url.path + (f"?{url.query}" if url.query else "")
        if target and target != base and target not in links:
            links.append(target)
    return links


def body_start(response: Any, limit: int = BODY_CHARS) -> str:
    """The first *limit* characters of *response*'s body on one line; HTML
    is shown as its text, binary bodies by their size."""
    data = response.get_data()
    if not data:
        return "(empty)"
    if not (response.mimetype.startswith("text/")
            or response.mimetype.endswith(("json", "xml", "javascript"))):
        return f"({len(data)} bytes of {response.mimetype})"
    charset = response.mimetype_params.get("charset", "utf-8")
    text = data.decode(charset, "replace")
    if response.mimetype == "text/html":
        parser = _Text()
        parser.feed(text)
        text = " ".join(parser.parts)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _steps(module: ModuleType) -> list[tuple[str, str, dict | None]] | None:
    tour = getattr(module, "TOUR", None)
    if tour is None:
        return None
    steps = []
    for item in tour:
        if isinstance(item, str):
            steps.append(("GET", item, None))
        elif len(item) == 2:
            steps.append((item[0].upper(), item[1], None))
        else:
            steps.append((item[0].upper(), item[1], dict(item[2])))
    return steps


class _Quiet:
    """Silence *logger* while the tour runs: a view that raises is shown
    in one line, not as a logged traceback."""

    def __init__(self, logger: Logger) -> None:
        self.logger = logger

    def __enter__(self) -> None:
        self.disabled, self.logger.disabled = self.logger.disabled, True

    def __exit__(self, *exc: object) -> None:
        self.logger.disabled = self.disabled


def tour(module: ModuleType, out=None) -> int:
    """Send the tour's requests to a fresh app of *module* (not in testing
    mode, so a view that raises answers 500, and with its instance folder
    in a temporary folder, so no database is left behind) and print each
    one. Returns the number of requests sent."""
    out = out or sys.stdout
    with tempfile.TemporaryDirectory(prefix="demos-tour-") as instance:
        return _tour(module, out, instance)


def _tour(module: ModuleType, out, instance: str) -> int:
    app = module.create_app({"TESTING": False,
                             "DEMOS_INSTANCE_PATH": instance})
    raised: list[BaseException] = []

    def record(sender: object, exception: BaseException, **extra: object):
        raised.append(exception)

    steps = _steps(module)
    queue = steps if steps is not None else [("GET", "/", None)]
    sent = 0
    with got_request_exception.connected_to(record, app), _Quiet(app.logger):
        client = app.test_client()
        while queue:
            method, path, form = queue.pop(0)
            raised.clear()
            response = client.open(path, method=method, data=form)
            sent += 1
            print(f"{method} {path} -> {response.status}", file=out)
            for name in _EXTRA_HEADERS:
                if name in response.headers:
                    print(f"    {name}: {response.headers[name]}", file=out)
            for name, value in response.headers.items():
                if name.lower().startswith("x-"):
                    print(f"    {name}: {value}", file=out)
            for exc in raised:
                print(f"    raised: {type(exc).__name__}: {exc}", file=out)
            print(f"    body: {body_start(response)}", file=out)
            if steps is None and sent == 1 and response.mimetype == "text/html":
                queue = [("GET", link, None) for link in
                         local_links(response.get_data(as_text=True))]
            response.close()
    return sent


def cmd_tour(args: argparse.Namespace) -> int:
    module = load_demo(args.name)
    try:
        tour(module)
    except Exception as exc:  # create_app failed: one line, no traceback
        raise Failure(f"demos.{args.name}: {type(exc).__name__}: "
                      f"{_first_line(exc)}") from None
    return 0


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0]


# --- checkpoints -------------------------------------------------------------

def find_checkpoint(which: str) -> Path:
    """Checkpoint *which*: ``4``, ``04``, ``step04`` or a file name.

    Raises UsageError listing the checkpoints when there is no match."""
    try:
        known = checkpoints()
    except ValueError as exc:
        raise Failure(str(exc)) from None
    key = which.strip().lower().removesuffix(".py")
    for number, path in known.items():
        if key in (str(number), f"{number:02d}", f"step{number:02d}",
                   path.stem):
            return path
    listing = "\n".join(f"  {n}  {p.name}" for n, p in known.items())
    raise UsageError(f"no checkpoint {which!r}; the checkpoints are:\n"
                     f"{listing}")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cmd_checkpoint(args: argparse.Namespace) -> int:
    source = find_checkpoint(args.number)
    folder = Path(args.to)
    target = folder / source.name
    try:
        code = source.read_bytes()
    except OSError as exc:
        raise Failure(f"cannot read {_shown(source)}: "
                      f"{exc.strerror or exc}") from None
    try:
        if target.is_dir():
            raise Failure(f"{_shown(target)} is a folder: move it, or give "
                          "another --to")
        if target.exists() and not args.force:
            try:  # bytes, not text: a file that is not UTF-8 differs too
                same = target.read_bytes() == code
            except OSError as exc:
                raise Failure(f"cannot read {_shown(target)} to compare it: "
                              f"{exc.strerror or exc}") from None
            if not same:
                raise UsageError(f"{_shown(target)} exists and differs from "
                                 f"checkpoint {args.number}; --force "
                                 "overwrites it")
        folder.mkdir(parents=True, exist_ok=True)
        target.write_bytes(code)
    except OSError as exc:
        raise Failure(f"cannot write {_shown(target)}: "
                      f"{exc.strerror or exc}") from None
    print(_shown(target))
    print(f"serve it:  flask --app {_shown(target)} run"
          "   (add --debug to reload on every save)")
    return 0


# --- command line -------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="python -m demos",
        description="Find, serve and tour the talk's demos; copy the "
                    "live-coding checkpoints.",
        epilog="Exit status: 0 on success; 1 when a demo cannot be imported, "
               "its app cannot be created, a server cannot start or a "
               "checkpoint cannot be written; 2 for a bad command line, an "
               "unknown demo or checkpoint, a port that is taken, or a "
               "checkpoint file that would be overwritten.")
    commands = main_parser.add_subparsers(dest="command", required=True,
                                          metavar="COMMAND")
    listing = commands.add_parser("list", help="every demo, in talk order")
    listing.set_defaults(handler=cmd_list)

    run = commands.add_parser("run", help=f"serve a demo on {HOST}")
    run.add_argument("name", help="a demo, e.g. hello")
    run.add_argument("--port", type=_port, default=DEFAULT_PORT,
                     help=f"TCP port (default {DEFAULT_PORT})")
    run.add_argument("--debug", action="store_true",
                     help="Flask's debug mode, with the interactive "
                          "debugger (off by default)")
    run.set_defaults(handler=cmd_run)

    tour_parser = commands.add_parser(
        "tour", help="send a demo's requests through the test client and "
                     "print method, path, status, headers and body start")
    tour_parser.add_argument("name", help="a demo, e.g. feature_flags")
    tour_parser.set_defaults(handler=cmd_tour)

    point = commands.add_parser(
        "checkpoint", help="write a live-coding checkpoint to a folder")
    point.add_argument("number", help="checkpoint number, e.g. 3")
    point.add_argument("--to", default=".", metavar="DIR",
                       help="folder to write it to (default: here)")
    point.add_argument("--force", action="store_true",
                       help="overwrite a changed file of the same name")
    point.set_defaults(handler=cmd_checkpoint)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line *argv* (default ``sys.argv[1:]``); returns the
    exit status."""
    args = parser().parse_args(argv)
    prog = f"python -m demos {args.command}"
    try:
        return args.handler(args)
    except UsageError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    except Failure as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1

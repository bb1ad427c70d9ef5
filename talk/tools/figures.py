"""What the slides show that is not typed: made at every build.

:func:`generate` writes reStructuredText (and one SVG) into the build's
``generated`` folder, where the slides include it from (``.. include::
/generated/NAME``):

``title.txt``, ``closing.txt``
    The speaker, the talk's page and the repository, from the
    ``talk.toml`` beside the deck's master file (``talk/talk.toml``); the
    repository's URL, when the file leaves it
    empty, from ``git remote get-url origin`` if that is an http(s) URL.
    With a repository URL, ``repo-qr.svg`` is its QR code (segno). A value
    still unknown is left off the slides: :func:`generate` returns one
    line for each, for the build to print.
``figures.txt``
    Substitutions counted from files, such as ``|flask_flags_code_lines|``:
    the lines of ``flask-flags/flask_flags.py`` that hold code, not counting
    docstrings, comments and blank lines.
``snapshot-cost.txt``, ``table-cost.txt``, ``decision-table.txt``
    Microseconds from the newest pytest-benchmark run in
    ``benchmarks/results`` (read by :mod:`benchmarks.report`): medians of
    the per-round differences to the baseline of the same interleaved
    round, each table naming the run and the machine. A difference smaller
    than half a microsecond either way is shown as "≈ 0": below the noise
    of these machines.

Raises FigureError, naming the file, when talk.toml or the benchmark run
cannot be read or lacks a figure a slide needs.
"""

from __future__ import annotations

import ast
import io
import json
import subprocess
import tokenize
import tomllib
from dataclasses import dataclass
from pathlib import Path

from benchmarks import bench_groups as groups_
from benchmarks.report import Row, machine, newest, rows_by_group
from talk.tools._common import ROOT, TALK, ToolError, read_text, shown

TALK_TOML = TALK / "talk.toml"
TALK_TOML_NAME = TALK_TOML.name
#: The generated files that show who gives the talk and where it lives.
WHO_AND_WHERE = ("title.txt", "closing.txt")
RESULTS = ROOT / "benchmarks" / "results"
EXTENSION = ROOT / "flask-flags" / "flask_flags.py"
US = 1e6  # seconds -> microseconds
NOISE = 0.5e-6  # seconds: a difference below this shows as "≈ 0"


class FigureError(ToolError):
    """A figure could not be made; the message names the file."""


@dataclass(frozen=True)
class TalkInfo:
    """Who gives the talk and where it lives; "" when unknown."""

    speaker: str
    speaker_url: str
    talk_url: str
    repository_url: str


# --- who and where -----------------------------------------------------------

def talk_info(path: Path = TALK_TOML, root: Path = ROOT) -> TalkInfo:
    """The ``[talk]`` table of *path* (none if there is no such file); the
    repository's URL falls back on the git remote ``origin`` of *root* when
    that is an http(s) URL. Raises FigureError for a file that is not TOML
    or a value that is not a string."""
    try:
        text = read_text(path) if Path(path).is_file() else ""
        table = tomllib.loads(text).get("talk", {})
    except (tomllib.TOMLDecodeError, ToolError) as exc:
        raise FigureError(f"{shown(path)}: {exc}") from None
    if not isinstance(table, dict):
        raise FigureError(f"{shown(path)}: [talk] must be a table")
    values = {}
    for key in ("speaker", "speaker_url", "talk_url", "repository_url"):
        value = table.get(key, "")
        if not isinstance(value, str):
            raise FigureError(f"{shown(path)}: [talk] {key} must be a "
                              f"string, not {value!r}")
        values[key] = value.strip()
    if not values["repository_url"]:
        values["repository_url"] = _git_origin(root)
    return TalkInfo(**values)


def _git_origin(root: Path) -> str:
    try:
        url = subprocess.run(
            ["git", "-C", str(root), "remote", "get-url", "origin"],
            capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return url if url.startswith(("https://", "http://")) else ""


def unknown(info: TalkInfo, where: str = shown(TALK_TOML)) -> list[str]:
    """One line for each value the slides leave out, saying where to set it
    (*where*: the talk.toml to edit)."""
    notices = []
    if not info.speaker:
        notices.append(f"speaker unknown: set [talk] speaker in {where}")
    if not info.talk_url:
        notices.append(f"the talk's URL is unknown: set [talk] talk_url in "
                       f"{where}; the first and last slides leave it out")
    if not info.repository_url:
        notices.append(f"the repository's URL is unknown: set [talk] "
                       f"repository_url in {where} (or an https 'origin' "
                       "git remote); the first and last slides leave it "
                       "and its QR code out")
    return notices


def _who_and_where(info: TalkInfo, qr: str | None) -> str:
    lines = []
    if info.speaker:
        person = f"**{info.speaker}**"
        if info.speaker_url:
            person += f" · {info.speaker_url}"
        lines += [".. class:: speaker", "", person, ""]
    for label, url in (("Talk", info.talk_url),
                       ("Slides and code", info.repository_url)):
        if url:
            lines += [f"{label}: {url}", ""]
    if qr:
        lines += [f".. image:: {qr}", "   :class: qr",
                  f"   :alt: QR code of {info.repository_url}", ""]
    return "\n".join(lines) + "\n"


def write_qr(url: str, path: Path) -> None:
    """*path*: an SVG QR code of *url* (segno; dark on white)."""
    import segno

    segno.make(url, error="m").save(str(path), kind="svg", scale=8,
                                    border=2, dark="#1a1a1a",
                                    light="#ffffff", xmldecl=False)


# --- counted from files ------------------------------------------------------

def code_lines(path: Path) -> int:
    """Lines of the Python file *path* that hold code: not blank, not only
    a comment, and not part of a docstring. Raises FigureError for a file
    that is not Python."""
    source = read_text(path)
    try:
        tree = ast.parse(source, str(path))
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError) as exc:
        raise FigureError(f"{shown(path)}: not Python: {exc}") from None
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                             ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr)
                    and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
            tokenize.DEDENT, tokenize.ENDMARKER}
    code = set()
    for token in tokens:
        if token.type not in skip:
            code.update(range(token.start[0], token.end[0] + 1))
    return len(code - docstrings)


# --- measured: the newest benchmark run ---------------------------------------

@dataclass(frozen=True)
class Run:
    """One benchmark run: its file, groups of rows and machine."""

    path: Path
    groups: dict[str, list[Row]]
    machine: str

    @property
    def name(self) -> str:
        """``run 0003``: the number pytest-benchmark gave the file."""
        return f"run {self.path.name.split('_')[0]}"

    def overhead(self, group: str, variant: str) -> float:
        """Seconds *variant* adds to its baseline in *group*. Raises
        FigureError when the run does not have it."""
        row = next((r for r in self.groups.get(group, [])
                    if r.name == variant), None)
        if row is None or row.overhead is None:
            raise FigureError(f"{shown(self.path)}: no {variant!r} in "
                              f"{group!r}: run 'make bench'")
        return row.overhead

    def typical(self, group: str, variant: str) -> float:
        """Seconds per call of *variant* (its interleaved median)."""
        row = next((r for r in self.groups.get(group, [])
                    if r.name == variant), None)
        if row is None:
            raise FigureError(f"{shown(self.path)}: no {variant!r} in "
                              f"{group!r}: run 'make bench'")
        return row.typical

    def source(self) -> str:
        return f"Medians, {self.name}, {self.machine}"


def newest_run(results: Path = RESULTS) -> Run:
    """The newest run under *results*. Raises FigureError when there is
    none or it cannot be read."""
    try:
        path = newest(results)
        data = json.loads(read_text(path))
        return Run(path, rows_by_group(data), machine(data))
    except FileNotFoundError:
        raise FigureError(f"{shown(results)}: no benchmark run: run "
                          "'make bench'") from None
    except (ValueError, KeyError, TypeError, ToolError) as exc:
        raise FigureError(f"{shown(results)}: unreadable run: {exc}") from None


def micro(seconds: float) -> str:
    """``+3.0``, ``+1,234.5`` or ``≈ 0`` (microseconds)."""
    if abs(seconds) < NOISE:
        return "≈ 0"
    return f"{seconds * US:+,.1f}"


def _list_table(title: str, rows: list[list[str]], widths: str = "",
                css: str = "figures") -> str:
    lines = [f".. list-table:: {title}", "   :header-rows: 1",
             f"   :class: {css}"]
    if widths:
        lines.append(f"   :widths: {widths}")
    lines.append("")
    for row in rows:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    return "\n".join(lines) + "\n"


def snapshot_cost(run: Run) -> str:
    """The naive snapshot against answers kept in g and 0.6, by flags
    configured: µs added to a request that checks no flag."""
    counts = sorted({int(r.name.split("_")[1])
                     for r in run.groups.get(groups_.FLAGS_SCALE, [])
                     if r.name.startswith("naive_")})
    if not counts:
        raise FigureError(f"{shown(run.path)}: no naive snapshot rows: run "
                          "'make bench'")
    rows = [["flags configured"] + [f"{c:,}" for c in counts]]
    for label, prefix in (("snapshot at ``request_started``", "naive"),
                          ("answers kept in ``g``", "talk"),
                          ("Flask-FeatureFlags 0.6", "06")):
        rows.append([label] + [micro(run.overhead(
            groups_.FLAGS_SCALE, f"{prefix}_{count}_0")) for count in counts])
    table = _list_table("µs added to a request that checks no flag", rows)
    return table + f"\n.. class:: source\n\n{run.source()}\n"


def table_cost(run: Run) -> str:
    """One flag checked from a table against one from the config."""
    table = micro(run.overhead(groups_.FLAG_TABLE, "table_flag"))
    config = micro(run.overhead(groups_.FLAG_TABLE, "config_flag"))
    return (f".. class:: figure-line\n\nOne check per request: a table flag "
            f"{table} µs (the request's first query), a config flag "
            f"{config} µs\n\n"
            f".. class:: source\n\n{run.source()}, SQLite in memory\n")


#: The decision table: job, hook, and where its cost comes from.
DECISIONS = [
    ("time every request", "WSGI middleware", groups_.TIMING, "middleware"),
    ("change one view", "a decorator", groups_.TIMING, "decorator"),
    ("set up, clean up", "``before_request``, ``after_request``",
     groups_.TIMING, "hooks"),
    ("listen to an app", "signals", groups_.TIMING, "signals"),
    ("per-request state", "``g``, lazily", groups_.FLAGS_REQUEST,
     "talk_one"),
    ("a flag in a template", "a Jinja test", None, "only when used"),
    ("development insight", "the debug toolbar", groups_.TIMING,
     "toolbar"),
    ("nothing else works", "monkeypatching", None, "the patch's own"),
]


def decision_table(run: Run) -> str:
    """Which hook for which job, and what it costs here per request."""
    rows = [["job", "hook", "µs per request"]]
    for job, hook, group, variant in DECISIONS:
        if group is None:
            cost = variant
        elif group == groups_.FLAGS_REQUEST:  # a flag, checked in g
            again = run.typical(groups_.FLAG_ON, "talk_repeat")
            cost = (f"{micro(run.overhead(group, variant))}, again "
                    f"{again * US:.1f}")
        else:
            cost = micro(run.overhead(group, variant))
        rows.append([job, hook, cost])
    return (_list_table(f"{run.source()}", rows, widths="34 42 24",
                        css="figures decisions"))


# --- all of it ---------------------------------------------------------------

def generate(folder: Path, path: Path = TALK_TOML,
             results: Path = RESULTS) -> tuple[list[str], set[Path]]:
    """Write every generated file into *folder* (created). Returns the
    notices (one line for each value the slides leave out) and the files
    the figures were made from. Raises FigureError."""
    folder.mkdir(parents=True, exist_ok=True)
    info = talk_info(path)
    qr = None
    if info.repository_url:
        write_qr(info.repository_url, folder / "repo-qr.svg")
        qr = "generated/repo-qr.svg"  # the image, beside index.html
    text = _who_and_where(info, qr)
    (folder / "title.txt").write_text(text, encoding="utf-8")
    (folder / "closing.txt").write_text(text, encoding="utf-8")
    (folder / "figures.txt").write_text(
        f".. |flask_flags_code_lines| replace:: {code_lines(EXTENSION)}\n",
        encoding="utf-8")
    run = newest_run(results)
    for name, make in (("snapshot-cost.txt", snapshot_cost),
                       ("table-cost.txt", table_cost),
                       ("decision-table.txt", decision_table)):
        (folder / name).write_text(make(run), encoding="utf-8")
    return unknown(info, shown(path)), {Path(path).resolve(),
                                        EXTENSION.resolve(),
                                        run.path.resolve()}

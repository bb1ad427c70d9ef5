"""What the slides show that is not typed, made at every build: :func:`generate` writes
reStructuredText (and a QR code) into the build's ``generated`` folder, where slides
include it (``.. include:: /generated/NAME``):

- ``title.txt``, ``closing.txt``: the speaker, the talk's page and the repository, from
  the ``talk.toml`` beside the deck (:func:`talk_info`), and ``repo-qr.svg``, the
  repository's QR code (segno); a value still unknown is left off the slides.
- ``figures.txt``: ``|flask_flags_code_lines|``, the lines of code of flask_flags.py.
- ``turning-point.txt``, ``decision-table.txt``, ``table-cost.txt``: the tables
  (:mod:`benchmarks.report`) of the run that ``[figures] run = "NNNN"`` pins
  (``benchmarks/results/*/NNNN_*.json``).
"""

import ast
import io
import re
import subprocess
import tokenize
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

import segno

from benchmarks.report import (NEW_RESULTS, RESULTS, SLIDE_TABLES, Run, RunError,
                               load_run, pinned, runs)
from talk.tools._common import ROOT, TALK, ToolError, read_text, shown

TALK_TOML = TALK / "talk.toml"
TALK_TOML_NAME = TALK_TOML.name
WHO_AND_WHERE = ("title.txt", "closing.txt")  #: the files that say who and where
EXTENSION = ROOT / "flask-flags" / "flask_flags.py"


class FigureError(ToolError):
    """A figure could not be made; the message names the file."""


@dataclass(frozen=True)
class TalkInfo:
    """Who gives the talk and where it lives; "" when unknown."""

    speaker: str
    speaker_url: str
    talk_url: str
    repository_url: str


def _table(path: Path, name: str) -> dict:
    """Table [*name*] of the TOML file *path* ({} if there is no file)."""
    try:
        table = tomllib.loads(read_text(path) if Path(path).is_file() else "").get(name, {})
    except tomllib.TOMLDecodeError as exc:
        raise FigureError(f"{shown(path)}: {exc}") from None
    if not isinstance(table, dict):
        raise FigureError(f"{shown(path)}: [{name}] must be a table")
    return table


def talk_info(path: Path = TALK_TOML, root: Path = ROOT) -> TalkInfo:
    """The ``[talk]`` table of *path*; an empty repository_url comes from the git remote
    ``origin`` of *root* (:func:`web_url`). Raises FigureError (ToolError if unreadable)."""
    table, values = _table(path, "talk"), {}
    for key in (field.name for field in fields(TalkInfo)):
        value = table.get(key, "")
        if not isinstance(value, str):
            raise FigureError(f"{shown(path)}: [talk] {key} must be a string, "
                              f"not {value!r}")
        values[key] = value.strip()
    values["repository_url"] = web_url(values["repository_url"] or _git_origin(root))
    return TalkInfo(**values)


def _git_origin(root: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(root), "remote", "get-url", "origin"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def web_url(remote: str) -> str:
    """The web page of the git remote *remote*, or "" for none: ``git@host:owner/repo.git``,
    ``ssh://git@host[:port]/owner/repo.git`` and ``https://user:token@host/owner/repo.git``
    all give ``https://host/owner/repo`` (an ``http://`` remote stays http), never keeping a
    user, password, token or ssh port. Other schemes (``file://``, a local path) give ""."""
    scp = re.fullmatch(r"[\w.-]+@([\w.-]+):(?!/)(.+)", remote)  # scp-like: git@host:path
    parts = urlsplit(f"ssh://{scp[1]}/{scp[2]}" if scp else remote)
    if parts.scheme not in ("https", "http", "ssh", "git+ssh"):
        return ""
    host, path = parts.hostname or "", parts.path.strip("/").removesuffix(".git")
    if parts.scheme.startswith("http") and parts.port:
        host = f"{host}:{parts.port}"  # an ssh port is not the web page's
    scheme = "http" if parts.scheme == "http" else "https"  # http only stays so
    return f"{scheme}://{host}/{path}" if host and path else ""


def unknown(info: TalkInfo, where: str = shown(TALK_TOML)) -> list[str]:
    """One line for each value the slides leave out, saying where (*where*) to set it."""
    notices = []
    if not info.speaker:
        notices.append(f"speaker unknown: set [talk] speaker in {where}")
    if not info.talk_url:
        notices.append(f"the talk's URL is unknown: set [talk] talk_url in {where}; the "
                       "first and last slides leave it out")
    if not info.repository_url:
        notices.append(f"the repository's URL is unknown: set [talk] repository_url in "
                       f"{where} (or a git remote 'origin'); the first and last slides "
                       "leave it and its QR code out")
    return notices


def _who_and_where(info: TalkInfo) -> str:
    """The text of ``title.txt`` and ``closing.txt``: what *info* knows, and the QR code."""
    lines = []
    if info.speaker:
        person = f"**{info.speaker}**"
        if info.speaker_url:
            person += f" · {info.speaker_url}"
        lines += [".. class:: speaker", "", person, ""]
    for label, url in (("Talk", info.talk_url), ("Slides and code", info.repository_url)):
        if url:
            lines += [f"{label}: {url}", ""]
    if info.repository_url:  # the image, beside index.html
        lines += [".. image:: generated/repo-qr.svg", "   :class: qr",
                  f"   :alt: QR code of {info.repository_url}", ""]
    return "\n".join(lines) + "\n"


def code_lines(path: Path) -> int:
    """Lines of the Python file *path* that hold code: not blank, not only a comment,
    not part of a docstring. FigureError if it is not Python."""
    source = read_text(path)
    try:
        tree = ast.parse(source, str(path))
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError) as exc:
        raise FigureError(f"{shown(path)}: not Python: {exc}") from None
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
            tokenize.DEDENT, tokenize.ENDMARKER}
    code = {line for token in tokens if token.type not in skip
            for line in range(token.start[0], token.end[0] + 1)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                             ast.AsyncFunctionDef)) and ast.get_docstring(node) is not None:
            code -= set(range(node.body[0].lineno, node.body[0].end_lineno + 1))
    return len(code)


def pinned_run(path: Path = TALK_TOML, results: Path = RESULTS) -> Run:
    """The run ``[figures] run`` names in *path* (else in talk/talk.toml), read from
    *results*. Raises FigureError for a bad pin, RunError naming the file for a run
    that is missing or cannot be read."""
    number = _table(path, "figures").get("run") or _table(TALK_TOML, "figures").get("run")
    if not isinstance(number, str) or not re.fullmatch(r"\d{4}", number):
        raise FigureError(f"{shown(path)}: [figures] run must pin a kept benchmark run, "
                          f"e.g. run = \"0005\" for benchmarks/results/*/0005_*.json, "
                          f"not {number!r}")
    return load_run(pinned(number, results))


def run_notice(run: Run, *folders: Path) -> str:
    """One line naming *run*, and the newest run in *folders* if newer."""
    notice = f"benchmark figures from {run.name} (pinned in talk.toml)"
    newer = [found for stamp, found in runs(*folders) if stamp > run.datetime]
    if newer:
        notice += (f"; a newer run exists: {shown(newer[-1])} ('make bench-keep', then "
                   "pin it to use it)")
    return notice


def generate(folder: Path, path: Path = TALK_TOML, results: Path = RESULTS,
             new_results: Path = NEW_RESULTS) -> tuple[list[str], set[Path]]:
    """Write the generated files into *folder* (created). Returns the notices (one line
    each: :func:`unknown`'s, :func:`run_notice`'s) and the files the figures came from.
    Raises FigureError (ToolError for a file that cannot be read)."""
    folder.mkdir(parents=True, exist_ok=True)
    info = talk_info(path)
    if info.repository_url:
        segno.make(info.repository_url, error="m").save(
            str(folder / "repo-qr.svg"), kind="svg", scale=8, border=2,
            dark="#1a1a1a", light="#ffffff", xmldecl=False)
    files = dict.fromkeys(WHO_AND_WHERE, _who_and_where(info)) | {
        "figures.txt": f".. |flask_flags_code_lines| replace:: {code_lines(EXTENSION)}\n"}
    try:
        run = pinned_run(path, results)
        files.update({name: make(run) for name, make in SLIDE_TABLES.items()})
    except RunError as exc:
        raise FigureError(str(exc)) from None
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    notices = [*unknown(info, shown(path)), run_notice(run, results, new_results)]
    return notices, {Path(path).resolve(), EXTENSION.resolve(), run.path.resolve()}

"""What the talk's tools share: where things are, the one-line error and
the command line around it, and reading a UTF-8 file with the place of a
bad byte or control character.

Not talk material.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

#: The checkout: talk/tools/ is two folders down.
ROOT = Path(__file__).resolve().parents[2]
#: The slide sources.
TALK = ROOT / "talk"
#: Characters no source holds: C0 and C1 controls but tab, newline and
#: carriage return; DEL; Unicode's noncharacters.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
                     "\ufdd0-\ufdef\ufffe\uffff]")


class ToolError(Exception):
    """Bad input, or a step that failed: the tool prints the message (which
    names the file, and the line where there is one) and exits 1."""


def shown(path: os.PathLike | str) -> str:
    """*path* relative to the working directory when it is inside it, for
    messages; otherwise as given."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def read_text(path: os.PathLike | str) -> str:
    """The text of the UTF-8 file *path*.

    Raises ToolError when the file cannot be read, or names the line and
    column of the first byte that is not UTF-8 or control character.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ToolError(f"{shown(path)}: cannot read it: "
                        f"{exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - line_start + 1
        raise ToolError(
            f"{shown(path)}:{line}: byte 0x{data[exc.start]:02x} (column "
            f"{column}) is not UTF-8: save the file as UTF-8") from None
    bad = CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - text.rfind("\n", 0, bad.start())
        raise ToolError(f"{shown(path)}:{line}: control character "
                        f"U+{ord(bad[0]):04X} (column {column}): remove it")
    return text


def parser(module: str, doc: str) -> argparse.ArgumentParser:
    """The command line of ``python -m talk.tools.MODULE``, described (in
    ``--help``) by its module docstring *doc*."""
    return argparse.ArgumentParser(
        prog=f"python -m talk.tools.{module}", description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter)


def run(name: str, work, args: argparse.Namespace) -> int:
    """Exit status of the tool *name*: that of ``work(args)`` (0 when it
    returns None), or 1 after one line on stderr, ``NAME: message``, for a
    ToolError or an OSError (a file that cannot be read or written)."""
    try:
        return work(args) or 0
    except ToolError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
    except OSError as exc:
        where = f"{shown(exc.filename)}: " if exc.filename else ""
        print(f"{name}: {where}{exc.strerror or exc}", file=sys.stderr)
    return 1


def claim(paths: list[Path], record: Path, tool: str) -> set[Path]:
    """Make *record*, the list of the files *tool* made, list *paths*
    (absolute); return the paths it listed before. Raises ToolError,
    writing nothing, when one of *paths* exists and was not on the list."""
    made = set()
    if record.is_file():
        made = {Path(line) for line in read_text(record).splitlines()}
    for path in paths:
        if path.exists() and path.resolve() not in made:
            raise ToolError(f"{shown(path)} exists and {tool} did not make it: "
                            "move it away or name another output")
    record.parent.mkdir(parents=True, exist_ok=True)
    listed = sorted(str(path.resolve()) for path in paths)
    record.write_text("".join(f"{line}\n" for line in listed), encoding="utf-8")
    return made

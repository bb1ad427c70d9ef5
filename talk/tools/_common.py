"""What the talk's tools share (not talk material): where things are, the one-line
error and the command line around it, reading UTF-8 with the place of a bad character."""

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  #: the checkout (talk/tools/ is two down)
TALK = ROOT / "talk"  #: the slide sources
#: Characters no source holds: C0, C1 controls but tab, LF, CR; DEL; noncharacters.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


class ToolError(Exception):
    """Bad input or a failed step: the tool prints it (naming file and line), exits 1."""


def shown(path: os.PathLike | str) -> str:
    """*path* for messages: relative to the working directory if inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def read_text(path: os.PathLike | str) -> str:
    """The text of the UTF-8 file *path*. Raises ToolError when it cannot be read,
    or naming the line and column of its first byte not UTF-8 or control character."""
    try:  # a byte that is not UTF-8 becomes one of U+DC80..U+DCFF (PEP 383)
        text = Path(path).read_bytes().decode("utf-8", "surrogateescape")
    except OSError as exc:
        raise ToolError(f"{shown(path)}: cannot read it: {exc.strerror or exc}") from None
    bad = re.search(f"[\udc80-\udcff]|{CONTROL.pattern}", text)
    if not bad:
        return text
    line = text.count("\n", 0, bad.start()) + 1
    column = bad.start() - text.rfind("\n", 0, bad.start())
    if "\udc80" <= bad[0] <= "\udcff":
        raise ToolError(f"{shown(path)}:{line}: byte 0x{ord(bad[0]) - 0xdc00:02x} "
                        f"(column {column}) is not UTF-8: save the file as UTF-8")
    raise ToolError(f"{shown(path)}:{line}: control character U+{ord(bad[0]):04X} "
                    f"(column {column}): remove it")


def parser(module: str, doc: str) -> argparse.ArgumentParser:
    """The command line of ``python -m talk.tools.MODULE``; ``--help`` shows *doc*."""
    return argparse.ArgumentParser(prog=f"python -m talk.tools.{module}", description=doc,
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
    made = ({Path(line) for line in read_text(record).splitlines()}
            if record.is_file() else set())
    for path in paths:
        if path.exists() and path.resolve() not in made:
            raise ToolError(f"{shown(path)} exists and {tool} did not make it: "
                            "move it away or name another output")
    record.parent.mkdir(parents=True, exist_ok=True)
    listed = sorted(str(path.resolve()) for path in paths)
    record.write_text("".join(f"{line}\n" for line in listed), encoding="utf-8")
    return made

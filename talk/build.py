"""Strict slide build: hovercraft, with every docutils warning made fatal.

Usage::

    python talk/build.py [SOURCE.rst] [TARGET_DIR]

SOURCE defaults to ``talk/index.rst`` and TARGET_DIR to ``build/slides``.

hovercraft 2.7 exits 0 when an include is broken and paints the error into
the slide. Here the build runs with ``talk/docutils.conf`` (``halt_level:
warning``), so a missing include file, a missing ``:start-after:`` marker,
a short title underline or an unknown directive stops it with the file and
line. A missing ``:css:`` file is checked before hovercraft runs, and the
HTML is searched for docutils system messages afterwards.

Before hovercraft runs, the live-coding diffs are generated: one unified
diff per pair of consecutive checkpoints in ``demos/checkpoints/``, written
to ``../build/generated/stepNN-stepMM.diff`` relative to the source folder
(``build/generated/`` for ``talk/``), where the slides include them from.
So a slide can never show a diff the code does not have. A diff too big
for a slide, or one that no slide includes, fails the build.

The deck is generated in a staging folder beside TARGET_DIR and swapped in
only when everything passed, so a failed build leaves the last good one.

Exit status: 0 on success, 1 when the build failed (one line on stderr says
which file and line), 2 for a wrong command line.
"""

from __future__ import annotations

import difflib
import contextlib
import io
import os
import re
import shutil
import sys
import time
from pathlib import Path

TALK = Path(__file__).resolve().parent
ROOT = TALK.parent
DOCUTILS_CONF = TALK / "docutils.conf"
CHECKPOINTS = ROOT / "demos" / "checkpoints"
#: Where the slides include the diffs from, relative to the source folder.
GENERATED = "../build/generated"
#: Context lines around each change: one keeps the diffs slide-sized.
DIFF_CONTEXT = 1
#: A diff must fit a 1024x768 slide under its title at 19px monospace.
MAX_DIFF_LINES = 20
MAX_DIFF_WIDTH = 70
_CHECKPOINT = re.compile(r"^step(\d{2})_\w+\.py$")
#: Field names in the master file that name CSS files for hovercraft.
_CSS_FIELD = re.compile(r"^:(css(?:-[\w-]+)?):\s*(.+)$", re.MULTILINE)


class BuildError(Exception):
    """The deck could not be built; the message names the file and line."""


def check_css(source: Path) -> None:
    """Raise BuildError if a ``:css:`` field of *source* names a missing file."""
    text = source.read_text(encoding="utf-8")
    for match in _CSS_FIELD.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        for name in match.group(2).split():
            if not (source.parent / name).is_file():
                raise BuildError(
                    f"{_rel(source)}:{line}: :{match.group(1)}: file "
                    f"{name!r} not found"
                )


def checkpoint_pairs(folder: Path = CHECKPOINTS) -> list[tuple[Path, Path]]:
    """Consecutive ``stepNN_*.py`` checkpoints in *folder*, as pairs."""
    steps = sorted(p for p in folder.glob("step*.py")
                   if _CHECKPOINT.match(p.name))
    return list(zip(steps, steps[1:]))


def diff_name(old: Path, new: Path) -> str:
    """``stepNN-stepMM.diff``: the file a slide includes for *old* -> *new*."""
    return f"{old.name[:6]}-{new.name[:6]}.diff"


def checkpoint_diff(old: Path, new: Path) -> str:
    """Unified diff of two checkpoint files, labelled with their names."""
    lines = difflib.unified_diff(
        old.read_text(encoding="utf-8").splitlines(),
        new.read_text(encoding="utf-8").splitlines(),
        old.name, new.name, n=DIFF_CONTEXT, lineterm="")
    return "\n".join(lines) + "\n"


def generate_diffs(out: Path, folder: Path = CHECKPOINTS) -> list[Path]:
    """Write the diff of every checkpoint pair into *out*; remove stale ones.

    Returns the paths written. Raises BuildError when a diff is longer or
    wider than a slide holds.
    """
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for old, new in checkpoint_pairs(folder):
        path = out / diff_name(old, new)
        text = checkpoint_diff(old, new)
        lines = text.splitlines()
        if not lines:
            raise BuildError(f"{_rel(new)}: the same code as {old.name}")
        widest = max(len(line) for line in lines)
        if len(lines) > MAX_DIFF_LINES or widest > MAX_DIFF_WIDTH:
            raise BuildError(
                f"{_rel(path)}: {len(lines)} lines, {widest} columns; a "
                f"slide holds {MAX_DIFF_LINES} lines of {MAX_DIFF_WIDTH}: "
                f"make the step from {old.name} to {new.name} smaller")
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            partial = path.with_name(f".{path.name}.{os.getpid()}")
            partial.write_text(text, encoding="utf-8")
            partial.replace(path)  # atomic: a parallel build never sees half
        written.append(path)
    for stale in set(out.glob("*.diff")) - set(written):
        stale.unlink(missing_ok=True)
    return written


def prepare_diffs(source: Path) -> list[Path]:
    """Generate the checkpoint diffs if the deck of *source* includes any.

    The ``.rst`` files beside *source* are searched for ``GENERATED``; a
    deck that does not use it gets no folder. Returns the diffs written.
    Raises BuildError when one is too big for a slide or no slide includes
    it: every live-coding step must be on a slide.
    """
    text = "\n".join(rst.read_text(encoding="utf-8")
                     for rst in sorted(source.parent.glob("*.rst")))
    if f"{GENERATED}/" not in text:
        return []
    diffs = generate_diffs((source.parent / GENERATED).resolve())
    for path in diffs:
        if f"{GENERATED}/{path.name}" not in text:
            raise BuildError(f"{_rel(path)} is generated from the "
                             "checkpoints but no slide includes it")
    return diffs


def generate(source: Path, target: Path) -> int:
    """Render *source* into the folder *target* with hovercraft.

    Returns the number of impress.js steps written. Raises BuildError for
    any docutils warning or error, or a system message left in the HTML.
    """
    os.environ["DOCUTILSCONFIG"] = str(DOCUTILS_CONF)
    from docutils.utils import SystemMessage
    from hovercraft import create_arg_parser
    from hovercraft.generate import generate as hovercraft_generate

    args = create_arg_parser().parse_args(
        [str(source), str(target), "--skip-help", "--slide-numbers"]
    )
    try:
        # docutils also prints the message it raises; BuildError says it once
        with contextlib.redirect_stderr(io.StringIO()):
            hovercraft_generate(args)
    except SystemMessage as exc:
        raise BuildError(str(exc).strip()) from None
    except (OSError, ValueError) as exc:
        raise BuildError(f"{_rel(source)}: {exc}") from None
    html = (target / "index.html").read_text(encoding="utf-8")
    if "system-message" in html or 'Problems with "' in html:
        raise BuildError(f"{_rel(source)}: docutils system message in HTML")
    return html.count('class="step ')


def build(source: Path, target: Path) -> int:
    """Build *source* into *target*, replacing it only on success.

    Returns the step count. Raises BuildError; *target* is then untouched.
    """
    check_css(source)
    prepare_diffs(source)
    staging = target.with_name(f".{target.name}.staging")
    old = target.with_name(f".{target.name}.old")
    for leftover in (staging, old):
        shutil.rmtree(leftover, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    try:
        steps = generate(source, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return steps


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) > 2 or any(a.startswith("-") for a in argv):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    source = Path(argv[0]) if argv else TALK / "index.rst"
    target = Path(argv[1]) if len(argv) > 1 else ROOT / "build" / "slides"
    if not source.is_file():
        print(f"slides: FAILED: {source}: no such file", file=sys.stderr)
        return 1
    started = time.perf_counter()
    try:
        steps = build(source.resolve(), target.resolve())
    except BuildError as exc:
        print(f"slides: FAILED: {exc}", file=sys.stderr)
        if target.exists():
            print(f"slides: the last good build in {_rel(target)} is kept",
                  file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    print(f"slides: {steps} steps -> {_rel(target / 'index.html')} "
          f"({seconds:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

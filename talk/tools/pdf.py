"""The deck as a PDF, one 1024x768 page per step, with selectable text.

Usage::

    python -m talk.tools.pdf [INDEX_HTML] [OUTPUT_PDF]

INDEX_HTML defaults to ``build/slides/index.html`` (``make slides``) and
OUTPUT_PDF to ``build/slides.pdf``. Runs decktape's impress.js plugin (npm,
pinned in package.json; ``make pdf`` installs it into node_modules with
``npm ci`` and PUPPETEER_SKIP_DOWNLOAD=1) on Debian's Chromium with the
arguments of :mod:`talk.tools.browser`. The deck is read from disk: no
server, no network.

Chromium is asked for reduced motion, so the deck moves from step to step
at once (see talk/theme/deck.js) and decktape waits only ``PAUSE_MS``
after each step instead of its default second: about 0.2 s a page.

Exit status: 0 on success; 1 if the deck, decktape or Chromium is missing
or decktape failed (the end of its output is shown); 2 for a bad command
line.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from talk.tools._common import ROOT, ToolError, shown
from talk.tools.browser import CHROME_ARGS, CHROMIUM, REDUCED_MOTION_ARG, VIEWPORT

DECKTAPE = ROOT / "node_modules" / ".bin" / "decktape"
#: Milliseconds decktape waits after each step. With reduced motion a step
#: is entered at once; this covers impress.js's stepenter event (a 0 ms
#: timer), on which the footer's slide number changes.
PAUSE_MS = 25


def command(index_html: Path, output: Path, decktape: Path = DECKTAPE) -> list[str]:
    """The decktape command line that prints *index_html* to *output*."""
    size = f"{VIEWPORT['width']}x{VIEWPORT['height']}"
    return [
        str(decktape), "impress",
        "--size", size,
        "--pause", str(PAUSE_MS),
        "--chrome-path", str(CHROMIUM),
        *(f"--chrome-arg={arg}" for arg in [*CHROME_ARGS, REDUCED_MOTION_ARG]),
        Path(index_html).resolve().as_uri() + "?print",  # code whole
        str(output),
    ]


def export(index_html: Path, output: Path, decktape: Path = DECKTAPE,
           timeout: float = 600) -> subprocess.CompletedProcess:
    """Print *index_html* to *output* with decktape; returns the process.

    Raises ToolError if the deck, decktape or Chromium is missing, and
    subprocess.TimeoutExpired after *timeout* seconds.
    """
    if not Path(index_html).is_file():
        raise ToolError(f"{shown(index_html)} not found: run `make slides` "
                        "first")
    for needed, hint in ((decktape, "run `make pdf` once: it installs "
                                    "decktape with npm ci"),
                         (CHROMIUM, "apt-get install chromium")):
        if not Path(needed).exists():
            raise ToolError(f"{needed} not found: {hint}")
    try:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ToolError(f"cannot write {shown(output)}: "
                        f"{exc.strerror or exc}") from None
    return subprocess.run(command(index_html, output, decktape),
                          capture_output=True, text=True, timeout=timeout)


def main(argv: list[str] | None = None) -> int:
    """Run the export with the command line *argv*; returns the exit status
    (argparse exits 2 itself for a bad command line)."""
    parser = argparse.ArgumentParser(
        prog="python -m talk.tools.pdf",
        description="Print the built deck to a PDF, one page per step.",
        epilog="Exit status: 0 printed; 1 the deck, decktape or Chromium is "
               "missing or decktape failed; 2 a bad command line.")
    parser.add_argument("index", nargs="?", type=Path, metavar="INDEX_HTML",
                        default=ROOT / "build" / "slides" / "index.html")
    parser.add_argument("output", nargs="?", type=Path, metavar="OUTPUT_PDF",
                        default=ROOT / "build" / "slides.pdf")
    args = parser.parse_args(argv)
    try:
        result = export(args.index, args.output)
    except ToolError as exc:
        print(f"pdf: {exc}", file=sys.stderr)
        return 1
    except subprocess.TimeoutExpired as exc:
        print(f"pdf: FAILED: decktape took over {exc.timeout:g} s",
              file=sys.stderr)
        return 1
    if result.returncode != 0 or not args.output.is_file():
        print(result.stdout[-3000:] + result.stderr[-3000:], file=sys.stderr)
        print(f"pdf: FAILED: decktape exited {result.returncode}",
              file=sys.stderr)
        return 1
    printed = [line for line in result.stdout.splitlines()
               if line.startswith("Printed")]
    print(f"pdf: {printed[-1] if printed else 'done'} -> {shown(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

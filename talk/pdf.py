"""The deck as a PDF, one 1024x768 page per step, with selectable text.

Usage::

    python talk/pdf.py [INDEX_HTML] [OUTPUT_PDF]

INDEX_HTML defaults to ``build/slides/index.html`` (``make slides``) and
OUTPUT_PDF to ``build/slides.pdf``. Runs decktape's impress.js plugin (npm,
pinned in package.json; ``make pdf`` installs it into node_modules with
``npm ci`` and PUPPETEER_SKIP_DOWNLOAD=1) on Debian's Chromium with the
arguments of talk/browser.py. The deck is read from disk: no server, no
network.

Exit status: 0 on success, 1 if decktape, Chromium or the deck is missing or
decktape failed (its output is shown).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import CHROME_ARGS, CHROMIUM, VIEWPORT  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DECKTAPE = ROOT / "node_modules" / ".bin" / "decktape"
#: Milliseconds decktape waits after each step: the deck's transition
#: (data-transition-duration, 300 ms) plus a margin.
PAUSE_MS = 450


def command(index_html: Path, output: Path, decktape: Path = DECKTAPE) -> list[str]:
    """The decktape command line that prints *index_html* to *output*."""
    size = f"{VIEWPORT['width']}x{VIEWPORT['height']}"
    return [
        str(decktape), "impress",
        "--size", size,
        "--pause", str(PAUSE_MS),
        "--chrome-path", str(CHROMIUM),
        *(f"--chrome-arg={arg}" for arg in CHROME_ARGS),
        Path(index_html).resolve().as_uri(),
        str(output),
    ]


def export(index_html: Path, output: Path, decktape: Path = DECKTAPE,
           timeout: float = 600) -> subprocess.CompletedProcess:
    """Print *index_html* to *output* with decktape; returns the process.

    Raises FileNotFoundError if decktape or Chromium is missing and
    subprocess.TimeoutExpired after *timeout* seconds.
    """
    for needed, hint in ((decktape, "run `make pdf` once: it installs decktape "
                                    "with npm ci"),
                         (CHROMIUM, "apt-get install chromium")):
        if not Path(needed).exists():
            raise FileNotFoundError(f"{needed} not found: {hint}")
    output.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.run(command(index_html, output, decktape),
                          capture_output=True, text=True, timeout=timeout)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) > 2 or any(a.startswith("-") for a in argv):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 1
    index = Path(argv[0]) if argv else ROOT / "build" / "slides" / "index.html"
    output = Path(argv[1]) if len(argv) > 1 else ROOT / "build" / "slides.pdf"
    if not index.is_file():
        print(f"pdf: {index} not found: run `make slides` first", file=sys.stderr)
        return 1
    try:
        result = export(index, output)
    except FileNotFoundError as exc:
        print(f"pdf: {exc}", file=sys.stderr)
        return 1
    if result.returncode != 0 or not output.is_file():
        print(result.stdout[-3000:] + result.stderr[-3000:], file=sys.stderr)
        print(f"pdf: FAILED: decktape exited {result.returncode}", file=sys.stderr)
        return 1
    printed = [line for line in result.stdout.splitlines() if line.startswith("Printed")]
    print(f"pdf: {printed[-1] if printed else 'done'} -> {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

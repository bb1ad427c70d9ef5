"""The deck printed: a PDF (decktape), or one PNG per step (playwright).

``python -m talk.tools.pdf [INDEX_HTML] [OUTPUT_PDF]`` (defaults:
build/slides/index.html, build/slides.pdf): decktape (npm; ``make pdf``
installs it) prints the deck on Debian's Chromium with reduced motion, one
1024x768 page per step with selectable text; :func:`stamp` adds the deck's
title as Title, the speaker as Author and a bookmark per section.

``--screenshots OUT_DIR`` instead: one 1024x768 PNG per step as the projector
shows it (decktape's own wait 2 s a step), named ``NN-<step id>.png``, or by
title when the id is hovercraft's ``step-N``. It deletes or overwrites only
the files its list ``OUT_DIR/.talk-screenshots`` names (_common.claim).

Exit status: 0 done; 1 one line for a missing deck, decktape or Chromium, or
a file it may not write, or decktape's output's end and a line; 2 a bad
command line.
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from lxml import html
from pypdf import PdfWriter

from talk.tools._common import ROOT, TALK, ToolError, claim, parser, read_text, run, shown
from talk.tools.browser import CHROME_ARGS, CHROMIUM, REDUCED_MOTION_ARG, VIEWPORT, opened

DECKTAPE = ROOT / "node_modules" / ".bin" / "decktape"
PAUSE_MS = 25  #: after each step: covers impress.js's stepenter (a 0 ms timer)
STEPS = '//div[@id="impress"]/div[contains(concat(" ", @class, " "), " step ")]'
MANIFEST = ".talk-screenshots"
#: True once impress.js has entered step *n* (the footer shows it then).
ENTERED = "n => document.querySelectorAll('#impress .step')[n].classList.contains('present')"


def deck_info(index: Path, toml: Path = TALK / "talk.toml"):
    """``(<title>, [talk] speaker, steps, sections)`` of the built deck *index*
    and *toml*: steps as lxml elements, sections as ``(heading, step from 0)``
    of the ``section-start`` steps. ToolError: no deck, or no speaker."""
    if not Path(index).is_file():
        raise ToolError(f"{shown(index)} not found: run `make slides` first")
    try:
        speaker = tomllib.loads(read_text(toml))["talk"]["speaker"]
    except (tomllib.TOMLDecodeError, KeyError) as exc:
        raise ToolError(f"{shown(toml)}: set [talk] speaker ({exc})") from None
    tree = html.fromstring(Path(index).read_bytes())
    steps = tree.xpath(STEPS)
    sections = [(" ".join(step.xpath("string(.//h1)").split()), number)
                for number, step in enumerate(steps)
                if "section-start" in step.get("class").split()]
    return tree.findtext(".//title"), speaker, steps, sections


def stamp(pdf: Path, title: str, author: str, bookmarks: list[tuple[str, int]]):
    """Rewrite the PDF file *pdf* with a Title, an Author and, as its only
    bookmarks, *bookmarks* ``(text, page from 0)``."""
    writer = PdfWriter()
    writer.append(pdf, import_outline=False)  # pypdf reads the whole file first
    writer.add_metadata({"/Title": title, "/Author": author})
    for text, page in bookmarks:
        writer.add_outline_item(title=text, page_number=page)
    writer.page_mode = "/UseOutlines"
    writer.write(pdf)


def export(index: Path, output: Path, timeout: float = 600) -> str:
    """Print the deck *index*, opened with ``?print`` (code blocks whole), to
    the PDF *output* with decktape, :func:`stamp` it and return decktape's
    last line. ToolError: see :func:`deck_info`; no decktape, over *timeout*
    s, or decktape failed (the end of its output in the message)."""
    title, speaker, _, sections = deck_info(index)
    chrome = [f"--chrome-arg={arg}" for arg in [*CHROME_ARGS, REDUCED_MOTION_ARG]]
    command = [DECKTAPE, "impress", "--size", "1024x768", "--pause", str(PAUSE_MS),
               "--chrome-path", CHROMIUM, *chrome,
               Path(index).resolve().as_uri() + "?print", output]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolError(f"FAILED: {exc} (`make pdf` installs decktape)") from None
    if done.returncode:  # decktape makes the output's folder, or fails
        raise ToolError(f"{done.stdout[-3000:]}{done.stderr[-3000:]}\n"
                        f"FAILED: decktape exited {done.returncode}")
    stamp(output, title, speaker, sections)
    return (done.stdout.strip().splitlines() or ["done"])[-1]


def file_names(steps: list) -> list[str]:
    """``NN-<slug>.png`` for each step (an lxml element) in order: its id,
    or its first heading's text when it has none or hovercraft's ``step-N``."""
    names = []
    for number, step in enumerate(steps, start=1):
        title = step.get("id", "")
        if re.fullmatch(r"(step-\d+)?", title):
            title = step.xpath("string((.//h1 | .//h2)[1])")
        slug = re.sub(r"\W+", "-", title.lower()).strip("-")[:50]
        names.append(f"{number:02d}-{slug or 'step'}.png")
    return names


def screenshots(index: Path, out_dir: Path) -> list[Path]:
    """Write one PNG per step of the deck *index* (opened with ``?print``,
    as decktape opens it) into *out_dir*; return them. Raises ToolError
    (see the module docstring), OSError when it cannot write."""
    paths = [out_dir / name for name in file_names(deck_info(index)[2])]
    made = claim(paths, out_dir / MANIFEST, "screenshots")
    for old in made - {path.resolve() for path in paths}:
        old.unlink(missing_ok=True)
    with opened(index, "?print", viewport=VIEWPORT, reduced_motion="reduce") as page:
        for number, path in enumerate(paths):
            page.evaluate("n => impress().goto(n)", number)
            page.wait_for_function(ENTERED, arg=number)
            page.screenshot(path=path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Run the tool with the command line *argv*; returns the exit status."""
    command = parser("pdf", __doc__)
    command.add_argument("--screenshots", type=Path, metavar="OUT_DIR",
                         help="write the PNGs into OUT_DIR instead of the PDF")
    command.add_argument("index", nargs="?", type=Path, metavar="INDEX_HTML",
                         default=ROOT / "build" / "slides" / "index.html")
    command.add_argument("output", nargs="?", type=Path, metavar="OUTPUT_PDF",
                         default=ROOT / "build" / "slides.pdf")
    args = command.parse_args(argv)
    return run("screenshots" if args.screenshots else "pdf", _command, args)


def _command(args) -> None:
    if args.screenshots:
        written = screenshots(args.index, args.screenshots)
        print(f"screenshots: {len(written)} PNGs in {shown(args.screenshots)}")
    else:
        print(f"pdf: {export(args.index, args.output)} -> {shown(args.output)}")


if __name__ == "__main__":
    sys.exit(main())

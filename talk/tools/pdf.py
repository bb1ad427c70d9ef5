"""The deck as a PDF: one 1024x768 page per step, with selectable text, the
deck's title as Title, the speaker as Author and a bookmark per section.

``python -m talk.tools.pdf [INDEX_HTML] [OUTPUT_PDF]`` (defaults:
build/slides/index.html, build/slides.pdf): decktape (npm; ``make pdf``
installs it) prints the deck from disk on Debian's Chromium with reduced
motion, then :func:`stamp`. Exit status: 0 printed; 1 a missing deck or
decktape, or decktape failed (its output's end is shown); 2 a bad command line.
"""

import io
import subprocess
import sys
import tomllib
from pathlib import Path

from talk.tools._common import ROOT, TALK, ToolError, parser, read_text, run, shown
from talk.tools.browser import CHROME_ARGS, CHROMIUM, REDUCED_MOTION_ARG

DECKTAPE = ROOT / "node_modules" / ".bin" / "decktape"
PAUSE_MS = 25  #: after each step: covers impress.js's stepenter (a 0 ms timer)
STEPS = '//div[@id="impress"]/div[contains(concat(" ", @class, " "), " step ")]'


def deck_info(index: Path, toml: Path = TALK / "talk.toml"):
    """``(<title>, [talk] speaker, steps, sections)`` of the built deck *index*
    and *toml*: steps as lxml elements, sections as ``(heading, step from 0)``
    of the ``section-start`` steps. ToolError: no deck, or no speaker."""
    from lxml import html

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
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(Path(pdf).read_bytes())), import_outline=False)
    writer.add_metadata({"/Title": title, "/Author": author})
    for text, page in bookmarks:
        writer.add_outline_item(title=text, page_number=page)
    writer.page_mode = "/UseOutlines"
    writer.write(pdf)


def decktape(index: Path, output: Path, *options: str, timeout: float = 600) -> str:
    """Print the deck *index*, opened with ``?print`` (code blocks whole), to
    the PDF *output* with decktape and its *options* (run in *output*'s
    folder); returns decktape's last line. ToolError: no decktape, over
    *timeout* s, or decktape failed (the end of its output in the message)."""
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    chrome = [f"--chrome-arg={arg}" for arg in [*CHROME_ARGS, REDUCED_MOTION_ARG]]
    command = [DECKTAPE, "impress", "--size", "1024x768", "--pause", str(PAUSE_MS),
               "--chrome-path", CHROMIUM, *chrome, *options,
               Path(index).resolve().as_uri() + "?print", output.name]
    try:
        done = subprocess.run(command, capture_output=True, text=True,
                              timeout=timeout, cwd=output.parent)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolError(f"FAILED: {exc} (`make pdf` installs decktape)") from None
    if done.returncode or not output.is_file():
        raise ToolError(f"{done.stdout[-3000:]}{done.stderr[-3000:]}\n"
                        f"FAILED: decktape exited {done.returncode}")
    return (done.stdout.strip().splitlines() or ["done"])[-1]


def export(index: Path, output: Path, timeout: float = 600) -> str:
    """Print *index* to *output* with decktape, :func:`stamp` it and return
    decktape's last line. ToolError: see :func:`deck_info` and :func:`decktape`."""
    title, speaker, _, sections = deck_info(index)
    printed = decktape(index, output, timeout=timeout)
    stamp(output, title, speaker, sections)
    return printed


def main(argv: list[str] | None = None) -> int:
    """Run the export with the command line *argv*; returns the exit status."""
    command = parser("pdf", __doc__)
    command.add_argument("index", nargs="?", type=Path,
                         default=ROOT / "build" / "slides" / "index.html")
    command.add_argument("output", nargs="?", type=Path,
                         default=ROOT / "build" / "slides.pdf")
    return run("pdf", _command, command.parse_args(argv))


def _command(args) -> None:
    print(f"pdf: {export(args.index, args.output)} -> {shown(args.output)}")


if __name__ == "__main__":
    sys.exit(main())

"""The deck printed: a PDF (decktape), or a handout or PNGs (playwright).

``python -m talk.tools.pdf [INDEX_HTML] [OUTPUT_PDF]`` (defaults build/slides/index.html,
build/slides.pdf): decktape (npm; ``make pdf`` installs it) prints the deck on Debian's
Chromium, one 1024x768 page per step with selectable text. ``--handout OUT_HTML``: the
talk as an article, each step then its notes, printed to A4 as OUTPUT_PDF (default
build/handout.pdf). ``--screenshots OUT_DIR``: a 1024x768 PNG per step as the projector
shows it (decktape's would wait 2 s a step). Both PDFs get the deck's title as Title, the
speaker as Author and a bookmark per section. The two options list what they made
(``.talk-handout`` beside OUT_HTML, ``OUT_DIR/.talk-screenshots``) and delete or
overwrite nothing else.

Exit status: 0 done; 1 one line for a missing deck, image, decktape or Chromium, or a
file it may not write, or decktape's output's end and a line; 2 a bad command line.
"""

import base64
import mimetypes
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from lxml import html
from lxml.html import builder as E
from playwright.sync_api import Error, sync_playwright
from pypdf import PdfReader, PdfWriter

from talk.tools._common import ROOT, ToolError, claim, parser, run, shown
from talk.tools.browser import CHROME_ARGS, CHROMIUM, REDUCED_MOTION_ARG, VIEWPORT, launch
from talk.tools.figures import talk_info

DECKTAPE = ROOT / "node_modules" / ".bin" / "decktape"
PAUSE_MS = 25  #: after each step: covers impress.js's stepenter (a 0 ms timer)
STEPS = '//div[@id="impress"]/div[contains(concat(" ", @class, " "), " step ")]'
MANIFEST = ".talk-screenshots"
#: True once impress.js has entered step *n* (the footer shows it then).
ENTERED = "n => document.querySelectorAll('#impress .step')[n].classList.contains('present')"
#: The handout's look, after the deck's css/highlight.css.
STYLE = """body { font: 11pt/1.45 serif; max-width: 44em; margin: auto; }
section { border-top: 1px solid #999; } img { max-width: 100%; }
pre { font-size: 9pt; white-space: pre-wrap; break-inside: avoid; }
td, th { border: 1px solid #999; } .notes { border-left: 3px solid #36c; padding-left: 1em; }
.notes::before { content: "Speaker notes"; font: bold 9pt sans-serif; }"""


def deck_info(index: Path):
    """``(<title>, speaker, steps, sections)`` of the built deck *index*, the speaker
    from talk.toml (:func:`talk.tools.figures.talk_info`, whose errors it raises):
    steps as lxml elements, sections as ``(heading, step from 0)`` of the
    ``section-start`` steps. ToolError: no deck."""
    if not Path(index).is_file():
        raise ToolError(f"{shown(index)} not found: run `make slides` first")
    speaker = talk_info().speaker
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
    """Print the deck *index*, opened with ``?print`` (code blocks whole) and reduced
    motion, to the PDF *output* with decktape, :func:`stamp` it and return decktape's last
    line. ToolError: see :func:`deck_info`; no decktape, over *timeout* s, or decktape
    failed (the end of its output in the message)."""
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


def screenshots(index: Path, out_dir: Path) -> list[Path]:
    """Write one PNG per step of the deck *index* (opened with ``?print``, as decktape
    opens it) into *out_dir*, ``NN-<slug>.png`` of the step's id, or of its first heading
    when it has none or hovercraft's ``step-N``; return them. Raises ToolError (see the
    module docstring), OSError when it cannot write."""
    paths = []
    for number, step in enumerate(deck_info(index)[2], start=1):
        title = step.get("id", "")
        if re.fullmatch(r"(step-\d+)?", title):
            title = step.xpath("string((.//h1 | .//h2)[1])")
        slug = re.sub(r"\W+", "-", title.lower()).strip("-")[:50]
        paths.append(out_dir / f"{number:02d}-{slug or 'step'}.png")
    made = claim(paths, out_dir / MANIFEST, "screenshots")
    for old in made - {path.resolve() for path in paths}:
        old.unlink(missing_ok=True)
    with opened(index, "?print", viewport=VIEWPORT, reduced_motion="reduce") as page:
        for number, path in enumerate(paths):
            page.evaluate("n => impress().goto(n)", number)
            page.wait_for_function(ENTERED, arg=number)
            page.screenshot(path=path)
    return paths


def handout(index: Path, out_html: Path, out_pdf: Path) -> int:
    """Write the handout of the built deck *index* to *out_html* and *out_pdf*:
    each step's content (text, code, live-coding diffs, tables, figures) then
    its notes, images embedded so that it stands alone. Returns the PDF's pages.
    Raises ToolError (see the module docstring), OSError when it cannot write."""
    title, speaker, steps, sections = deck_info(index)
    folder = Path(index).resolve().parent
    for step in steps:
        for image in step.iter("img"):
            path = (folder / image.get("src", "")).resolve()
            if not path.is_file() or not path.is_relative_to(folder):
                raise ToolError(f"{shown(index)}: image {image.get('src')!r} is not "
                                "a file in the deck's folder: rebuild it")
            data = base64.b64encode(path.read_bytes()).decode()
            image.set("src", f"data:{mimetypes.guess_type(path)[0]};base64,{data}")
        step.attrib.clear()
        step.tag = "section"
    css = (folder / "css" / "highlight.css").read_text(encoding="utf-8") + STYLE
    article = E.HTML(E.HEAD(E.META(charset="utf-8"), E.TITLE(title), E.STYLE(css)),
                     E.BODY(*steps))
    text = html.tostring(article, doctype="<!DOCTYPE html>", encoding="unicode")
    claim([out_html, out_pdf], out_html.parent / ".talk-handout", "handout")
    out_html.write_text(text, encoding="utf-8")
    with opened(out_html) as page:
        page.pdf(path=out_pdf, format="A4", outline=True, tagged=True,
                 margin={"top": "18mm", "bottom": "18mm"})
    reader = PdfReader(out_pdf)  # Chromium's outline: each step's h1 at the top
    pages = {" ".join(item.title.split()): reader.get_destination_page_number(item)
             for item in reader.outline if not isinstance(item, list)}
    stamp(out_pdf, title, speaker, [(heading, pages[heading])
                                    for heading, _ in sections if heading in pages])
    return len(reader.pages)


@contextmanager
def opened(path: Path, query: str = "", **options):
    """A page of a new headless Chromium (its context made with playwright's
    *options*) showing the file *path* with the URL query *query*, loaded.
    ToolError (one line) when Chromium is missing or fails."""
    try:
        with sync_playwright() as playwright:
            page = launch(playwright).new_page(**options)
            page.goto(Path(path).resolve().as_uri() + query)
            yield page
    except (Error, FileNotFoundError) as exc:
        raise ToolError(f"Chromium cannot show {shown(path)}: "
                        f"{str(exc).splitlines()[0]}") from None


def main(argv: list[str] | None = None) -> int:
    """Run the tool with the command line *argv*; returns the exit status."""
    command = parser("pdf", __doc__)
    outputs = command.add_mutually_exclusive_group()
    outputs.add_argument("--handout", type=Path, metavar="OUT_HTML",
                         help="write the handout instead of the deck's PDF")
    outputs.add_argument("--screenshots", type=Path, metavar="OUT_DIR",
                         help="write the PNGs instead of the deck's PDF")
    command.add_argument("index", nargs="?", type=Path, metavar="INDEX_HTML",
                         default=ROOT / "build" / "slides" / "index.html")
    command.add_argument("output", nargs="?", type=Path, metavar="OUTPUT_PDF")
    args = command.parse_args(argv)
    if args.screenshots and args.output:
        command.error("--screenshots writes no OUTPUT_PDF")
    tool = "pdf"
    if args.handout:
        tool = "handout"
    elif args.screenshots:
        tool = "screenshots"
    return run(tool, _command, args)


def _command(args) -> None:
    if args.handout:
        output = args.output or ROOT / "build" / "handout.pdf"
        pages = handout(args.index, args.handout, output)
        print(f"handout: {shown(args.handout)}, {shown(output)} ({pages} pages)")
    elif args.screenshots:
        written = screenshots(args.index, args.screenshots)
        print(f"screenshots: {len(written)} PNGs in {shown(args.screenshots)}")
    else:
        output = args.output or ROOT / "build" / "slides.pdf"
        print(f"pdf: {export(args.index, output)} -> {shown(output)}")


if __name__ == "__main__":
    sys.exit(main())

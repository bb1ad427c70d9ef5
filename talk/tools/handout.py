"""The talk as an article, from the built deck: one HTML page and its PDF.

``python -m talk.tools.handout [INDEX_HTML] [OUT_HTML] [OUT_PDF]`` (defaults
in build/: slides/index.html, handout/index.html, handout.pdf). Each step's
content (text, code, live-coding diffs, tables, figures), then its notes, as
the deck has them; images embedded, so the page stands alone. Chromium prints
it to A4; :func:`talk.tools.pdf.stamp` adds Title, Author and a bookmark per
section. It writes only files that are absent or on its list, ``.talk-handout``
beside OUT_HTML (talk.tools._common.claim). Exit status: 0 written; 1 a
missing deck, image or Chromium, or a file it did not make; 2 a bad command
line.
"""

import base64
import mimetypes
import sys
from pathlib import Path

from lxml import html
from lxml.html import builder as E
from pypdf import PdfReader

from talk.tools._common import ROOT, ToolError, claim, parser, run, shown
from talk.tools.browser import opened
from talk.tools.pdf import deck_info, stamp

STYLE = """body { font: 11pt/1.45 serif; max-width: 44em; margin: auto; }
section { border-top: 1px solid #999; } img { max-width: 100%; }
pre { font-size: 9pt; white-space: pre-wrap; break-inside: avoid; }
td, th { border: 1px solid #999; } .notes { border-left: 3px solid #36c; padding-left: 1em; }
.notes::before { content: "Speaker notes"; font: bold 9pt sans-serif; }"""


def article(index: Path) -> tuple[str, str, str, list[str]]:
    """``(html, title, speaker, section headings)`` of the article made from
    the built deck *index*; raises ToolError for a missing deck or image."""
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
    page = E.HTML(E.HEAD(E.META(charset="utf-8"), E.TITLE(title), E.STYLE(css)),
                  E.BODY(*steps))
    text = html.tostring(page, doctype="<!DOCTYPE html>", encoding="unicode")
    return text, title, speaker, [heading for heading, _ in sections]


def write(index: Path, out_html: Path, out_pdf: Path) -> int:
    """Write the article to *out_html* and *out_pdf*; returns the PDF's pages.
    Raises ToolError (see the module doc)."""
    text, title, speaker, headings = article(index)
    claim([out_html, out_pdf], out_html.parent / ".talk-handout", "handout")
    out_html.write_text(text, encoding="utf-8")
    with opened(out_html) as page:
        page.pdf(path=out_pdf, format="A4", outline=True, tagged=True,
                 margin={"top": "18mm", "bottom": "18mm"})
    reader = PdfReader(out_pdf)  # Chromium's outline: each step's h1 at the top
    pages = {" ".join(item.title.split()): reader.get_destination_page_number(item)
             for item in reader.outline if not isinstance(item, list)}
    stamp(out_pdf, title, speaker, [(h, pages[h]) for h in headings if h in pages])
    return len(reader.pages)


def main(argv: list[str] | None = None) -> int:
    """Run handout with the command line *argv*; returns the exit status."""
    command = parser("handout", __doc__)
    for name, default in [("index", "slides/index.html"),
                          ("out_html", "handout/index.html"), ("out_pdf", "handout.pdf")]:
        command.add_argument(name, nargs="?", type=Path, default=ROOT / "build" / default)
    return run("handout", _command, command.parse_args(argv))


def _command(args) -> None:
    pages = write(args.index, args.out_html, args.out_pdf)
    print(f"handout: {shown(args.out_html)}, {shown(args.out_pdf)} ({pages} pages)")


if __name__ == "__main__":
    sys.exit(main())

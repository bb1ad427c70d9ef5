"""One PNG per step of the built deck, as the projector shows it (1024x768):
``python -m talk.tools.screenshots [INDEX_HTML] [OUT_DIR]`` (defaults
build/slides/index.html, build/screenshots).

The deck is walked with the keyboard in Debian's Chromium (talk.tools.browser)
with reduced motion. A PNG is named ``NN-<step id>.png``, or after the step's
title when its id is hovercraft's ``step-N``. The tool lists what it wrote in
``OUT_DIR/.talk-screenshots`` and deletes or overwrites only those files; one
it did not write, under a name it would use, makes it refuse. Exit status: 0
written; 1 a missing deck or Chromium, a refused or unwritable OUT_DIR, a deck
that does not load (one line); 2 a bad command line.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from talk.tools._common import ROOT, ToolError, shown
from talk.tools.browser import VIEWPORT, launch, next_step, open_deck

MANIFEST = ".talk-screenshots"
HEADER = "# talk.tools.screenshots wrote these files; the next run replaces them"
#: Each step's id, or its title when the id is hovercraft's ``step-N``.
NAMES = """() => Array.from(document.querySelectorAll("#impress .step")).map(
    s => /^step-\\d+$/.test(s.id) ? ((s.querySelector("h1, h2") || s)
        .textContent || "step").trim() : s.id)"""


def file_names(titles: list[str]) -> list[str]:
    """``NN-<slug>.png`` for each step's id or title, in order."""
    return [f"{n:02d}-" + (re.sub(r"\W+", "-", title.lower()).strip("-")[:50]
                           or "step") + ".png"
            for n, title in enumerate(titles, start=1)]


def take(index_html: Path, out_dir: Path, browser=None) -> list[Path]:
    """Write one PNG per step of *index_html* into *out_dir*; return them.
    *browser* (playwright's Chromium) is started here when not given.
    Raises ToolError when *out_dir* holds a file it did not write under a
    name it would use, or Chromium is missing; OSError when it cannot write."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            try:
                browser = launch(playwright)
            except FileNotFoundError as exc:
                raise ToolError(str(exc)) from None
            try:
                return take(index_html, out_dir, browser)
            finally:
                browser.close()
    try:
        lines = (out_dir / MANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    made = set(lines[1:]) if lines[:1] == [HEADER] else set()
    context = browser.new_context(viewport=VIEWPORT, reduced_motion="reduce")
    try:
        page = open_deck(context, Path(index_html))
        names = file_names(page.evaluate(NAMES))
        foreign = [n for n in names if (out_dir / n).exists() and n not in made]
        if foreign:
            raise ToolError(f"{shown(out_dir / foreign[0])}: not written by "
                            "this tool: move it, or give another folder "
                            "(nothing was changed)")
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in made - set(names):
            (out_dir / name).unlink(missing_ok=True)
        (out_dir / MANIFEST).write_text(
            "".join(f"{line}\n" for line in [HEADER, *names]), encoding="utf-8")
        for number, name in enumerate(names):
            if number:
                next_step(page)
            page.screenshot(path=str(out_dir / name))
    finally:
        context.close()
    return [out_dir / name for name in names]


def main(argv: list[str] | None = None) -> int:
    """Run the tool with the command line *argv*; returns the exit status
    (argparse exits 2 itself for a bad command line)."""
    parser = argparse.ArgumentParser(prog="python -m talk.tools.screenshots")
    parser.add_argument("index", nargs="?", type=Path, metavar="INDEX_HTML",
                        default=ROOT / "build" / "slides" / "index.html")
    parser.add_argument("out_dir", nargs="?", type=Path, metavar="OUT_DIR",
                        default=ROOT / "build" / "screenshots")
    args = parser.parse_args(argv)
    from playwright.sync_api import Error as PlaywrightError

    try:
        if not args.index.is_file():
            raise ToolError(f"{shown(args.index)} not found: run `make "
                            "slides` first")
        written = take(args.index, args.out_dir)
    except ToolError as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"screenshots: FAILED: {shown(exc.filename or args.out_dir)}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 1
    except PlaywrightError as exc:
        print(f"screenshots: FAILED: {shown(args.index)}: "
              f"{' '.join(str(exc).split())[:300]}", file=sys.stderr)
        return 1
    print(f"screenshots: {len(written)} PNGs in {shown(args.out_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""One PNG per step of the built deck, as the projector shows it (1024x768):
``python -m talk.tools.screenshots [INDEX_HTML] [OUT_DIR]`` (defaults
build/slides/index.html, build/screenshots).

The deck is walked with the keyboard in Debian's Chromium (talk.tools.browser)
with reduced motion. A PNG is named ``NN-<step id>.png``, or after the step's
title when its id is hovercraft's ``step-N``. ``OUT_DIR/.talk-screenshots``
lists what the tool wrote (talk.tools._common.claim): it deletes or overwrites
only those files, and refuses when a file it did not write has a name it
would use. Exit status: 0 written; 1 (one line) a missing deck or Chromium, a
refused or unwritable OUT_DIR, a deck that does not load; 2 a bad command line.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from talk.tools._common import ROOT, ToolError, claim, parser, run, shown
from talk.tools.browser import VIEWPORT, launch, next_step, open_deck

MANIFEST = ".talk-screenshots"
#: Each step's id, or its title when the id is hovercraft's ``step-N``.
NAMES = """() => Array.from(document.querySelectorAll("#impress .step")).map(
    s => /^step-\\d+$/.test(s.id) ? ((s.querySelector("h1, h2") || s)
        .textContent || "step").trim() : s.id)"""


def file_names(titles: list[str]) -> list[str]:
    """``NN-<slug>.png`` for each step's id or title, in order."""
    names = []
    for number, title in enumerate(titles, start=1):
        slug = re.sub(r"\W+", "-", title.lower()).strip("-")[:50]
        names.append(f"{number:02d}-{slug or 'step'}.png")
    return names


def take(index_html: Path, out_dir: Path, browser=None) -> list[Path]:
    """Write one PNG per step of *index_html* into *out_dir*; return them.
    *browser* (playwright's Chromium) is started here when not given.
    Raises ToolError (see the module docstring), OSError when it cannot
    write or Chromium is missing."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            return take(index_html, out_dir, launch(playwright))
    context = browser.new_context(viewport=VIEWPORT, reduced_motion="reduce")
    try:
        page = open_deck(context, Path(index_html))
        paths = [out_dir / name for name in file_names(page.evaluate(NAMES))]
        made = claim(paths, out_dir / MANIFEST, "screenshots")
        for old in made - {path.resolve() for path in paths}:
            old.unlink(missing_ok=True)
        for number, path in enumerate(paths):
            if number:
                next_step(page)
            page.screenshot(path=str(path))
    finally:
        context.close()
    return paths


def main(argv: list[str] | None = None) -> int:
    """Run the tool with the command line *argv*; returns the exit status."""
    command = parser("screenshots", __doc__)
    command.add_argument("index", nargs="?", type=Path, metavar="INDEX_HTML",
                         default=ROOT / "build" / "slides" / "index.html")
    command.add_argument("out_dir", nargs="?", type=Path, metavar="OUT_DIR",
                         default=ROOT / "build" / "screenshots")
    return run("screenshots", _command, command.parse_args(argv))


def _command(args) -> None:
    from playwright.sync_api import Error

    if not args.index.is_file():
        raise ToolError(f"{shown(args.index)} not found: run `make slides` first")
    try:
        written = take(args.index, args.out_dir)
    except Error as exc:
        raise ToolError(f"{shown(args.index)}: "
                        f"{' '.join(str(exc).split())[:300]}") from None
    print(f"screenshots: {len(written)} PNGs in {shown(args.out_dir)}")


if __name__ == "__main__":
    sys.exit(main())

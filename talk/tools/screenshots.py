"""One PNG per step of the built deck, as the projector shows it (1024x768).

Usage::

    python -m talk.tools.screenshots [INDEX_HTML] [OUT_DIR]

INDEX_HTML defaults to ``build/slides/index.html`` (``make slides``) and
OUT_DIR to ``build/screenshots``. The deck is walked with the keyboard, like
a speaker would, in Debian's Chromium (see :mod:`talk.tools.browser`), with
reduced motion: each step is shown at once, as it looks once its transition
has ended. Files are named ``NN-<step id>.png``. OUT_DIR may hold only such
PNGs, from an earlier run, which are replaced; anything else in it makes the
tool refuse, so it never deletes a file it did not make.

Exit status: 0 on success; 1 if the deck or Chromium is missing, OUT_DIR
holds other files, or the deck does not load; 2 for a bad command line.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from talk.tools._common import ROOT, ToolError, shown
from talk.tools.browser import NEXT_KEYS, VIEWPORT, launch, next_step, open_deck, step_ids

#: What this tool writes: ``NN-<step id>.png``.
PNG_NAME = re.compile(r"^\d{2,}-[\w.-]+\.png$")


def check_out_dir(out_dir: Path) -> list[Path]:
    """The PNGs an earlier run left in *out_dir*; raises ToolError if it is
    a file or holds anything else."""
    if not out_dir.exists():
        return []
    if not out_dir.is_dir():
        raise ToolError(f"{shown(out_dir)} is a file, not a folder")
    found = sorted(out_dir.iterdir())
    foreign = [path for path in found
               if not (PNG_NAME.match(path.name) and path.is_file())]
    if foreign:
        raise ToolError(f"{shown(foreign[0])}: not a screenshot of this "
                        "tool; give a new or empty folder (nothing was "
                        "changed)")
    return found


def take(index_html: Path, out_dir: Path, browser=None) -> list[Path]:
    """Write one PNG per step of *index_html* into *out_dir*; return them.

    *browser*, a playwright Chromium, is started (and closed) here when not
    given. Raises ToolError when *out_dir* is refused (check_out_dir) or
    Chromium is missing.
    """
    old = check_out_dir(out_dir)
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
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in old:
        path.unlink()
    context = browser.new_context(viewport=VIEWPORT, reduced_motion="reduce")
    written = []
    try:
        page = open_deck(context, Path(index_html))
        for number, step_id in enumerate(step_ids(page), start=1):
            if number > 1:
                next_step(page, NEXT_KEYS[0])
            path = out_dir / f"{number:02d}-{step_id}.png"
            page.screenshot(path=str(path))
            written.append(path)
    finally:
        context.close()
    return written


def main(argv: list[str] | None = None) -> int:
    """Run the tool with the command line *argv*; returns the exit status
    (argparse exits 2 itself for a bad command line)."""
    parser = argparse.ArgumentParser(
        prog="python -m talk.tools.screenshots",
        description="One PNG per step of the built deck, at 1024x768.",
        epilog="Exit status: 0 written; 1 the deck or Chromium is missing, "
               "OUT_DIR holds other files or the deck does not load; 2 a "
               "bad command line.")
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
    except PlaywrightError as exc:
        message = " ".join(str(exc).split())[:300]
        print(f"screenshots: FAILED: {shown(args.index)}: {message}",
              file=sys.stderr)
        return 1
    print(f"screenshots: {len(written)} PNGs in {shown(args.out_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

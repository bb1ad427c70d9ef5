"""Debian's Chromium (``CHROMIUM``, /usr/bin/chromium), headless, for the
deck's tools (through playwright or decktape) and tests; never a downloaded
browser. The tests' helpers to walk the deck are in tests/test_browser.py."""

import os
from contextlib import contextmanager
from pathlib import Path

from talk.tools._common import ToolError, shown

#: Debian's Chromium; override with DECK_CHROMIUM=/path/to/chromium.
CHROMIUM = Path(os.environ.get("DECK_CHROMIUM", "/usr/bin/chromium"))
#: No sandbox (containers, CI as root), no GPU, no traffic of its own.
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
#: Asks the deck for reduced motion: no transitions (talk/theme/deck.js).
REDUCED_MOTION_ARG = "--force-prefers-reduced-motion"
#: The projector: impress.js scales the deck to fit, 1:1 at this size.
VIEWPORT = {"width": 1024, "height": 768}


def launch(playwright, extra_args=()):
    """Start headless Chromium with CHROME_ARGS and *extra_args*; raises
    FileNotFoundError if it is missing."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} not found (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=[*CHROME_ARGS, *extra_args])


@contextmanager
def opened(path: Path, query: str = "", **options):
    """A page of a new headless Chromium (its context made with playwright's
    *options*) showing the file *path* with the URL query *query*, loaded.
    ToolError (one line) when Chromium is missing or fails."""
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as playwright:
            page = launch(playwright).new_page(**options)
            page.goto(Path(path).resolve().as_uri() + query)
            yield page
    except (Error, FileNotFoundError) as exc:
        raise ToolError(f"Chromium cannot show {shown(path)}: "
                        f"{str(exc).splitlines()[0]}") from None

"""Debian's Chromium (``CHROMIUM``, /usr/bin/chromium), headless, for the
deck's tools (through playwright or decktape) and tests; never a downloaded
browser. The tests' helpers to walk the deck are in tests/test_browser.py."""

from __future__ import annotations

import os
from pathlib import Path

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

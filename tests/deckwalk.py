"""Walking the built deck in Chromium, for the browser tests
(tests/test_browser.py, tests/test_stage_browser.py): open it, record the
steps impress.js enters, press the keys that move on, wait for transitions.
"""

from __future__ import annotations

from pathlib import Path

#: Records every step impress.js enters, in order, in window.__deckEntered.
RECORD_STEPS = """window.__deckEntered = [];
document.addEventListener("impress:stepenter", function (event) {
    window.__deckEntered.push(event.target.id); }, true);"""
#: True once impress.js has entered its first step.
DECK_READY = """() => document.body.classList.contains("impress-enabled")
    && window.__deckEntered && window.__deckEntered.length > 0"""
#: True when no CSS transition or animation runs any more.
IDLE = """() => document.getAnimations()
    .every(a => a.playState !== "running" && a.playState !== "pending")"""
#: How many code substeps of the current step are still to be shown.
SUBSTEPS_LEFT = """document.querySelectorAll(
    "#impress .step.active .substep:not(.substep-visible)").length"""
#: Keys that move to the next step, used in turn.
NEXT_KEYS = ("ArrowRight", "Space", "PageDown")


def open_deck(context, url, prepare=None):
    """A new page of *context* showing the deck at *url* (an index.html Path
    or a URL), once impress.js has entered the first step and every
    transition has ended; *prepare(page)* runs first (to attach listeners)."""
    page = context.new_page()
    if prepare is not None:
        prepare(page)
    page.add_init_script(RECORD_STEPS)
    return show(page, url)


def show(page, url):
    """Load the deck at *url* anew in *page*, a page made by
    :func:`open_deck` or given RECORD_STEPS as an init script (it runs in
    every document loaded), and wait as open_deck does; returns *page*.
    Loading into a page is cheaper than a new context and page."""
    page.goto(url.resolve().as_uri() if isinstance(url, Path) else url)
    page.wait_for_function(DECK_READY)
    page.wait_for_function(IDLE)
    return page


def step_ids(page) -> list[str]:
    """Ids of the deck's steps, in the order impress.js visits them."""
    return page.eval_on_selector_all("#impress .step", "els => els.map(e => e.id)")


def next_step(page, key: str = NEXT_KEYS[0], timeout: float = 5_000) -> str:
    """Press *key* until impress.js enters the next step (once more for each
    code substep left on the step), wait for the transition; returns the
    id of the step entered."""
    before = page.evaluate("window.__deckEntered.length")
    for _ in range(1 + page.evaluate(SUBSTEPS_LEFT)):
        page.keyboard.press(key)
    page.wait_for_function(f"window.__deckEntered.length > {before}", timeout=timeout)
    page.wait_for_function(IDLE, timeout=timeout)
    return page.evaluate("window.__deckEntered[window.__deckEntered.length - 1]")

"""The stage in Debian's Chromium: `make present` reloads the open page by
itself after an edit, the keys stop at both ends of the deck, Home and End
jump there, and the presenter console shows the talk clock
(talk/theme/deck.js, talk.tools.present).

Skipped without Chromium, except in CI (CI=true), as tests/test_browser.py.
One Chromium for the module; the decks are small ones (test_present.small_deck:
two steps a section, the real theme), built in a tenth of a second.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import require
from deckwalk import DECK_READY, next_step, open_deck, step_ids
from talk.tools import browser as deck
from talk.tools import slides
from test_present import Process, edit, small_deck

pytestmark = pytest.mark.browser

#: A talk plan as generated/talk-plan.js sets it (PLAN.md, interface 3):
#: 30 minutes, section 2 from step 5 on.
PLAN = {"minutes": 30, "sections": [
    {"number": 1, "title": "One", "minutes": 10.0, "start": 0.0, "first_step": 0},
    {"number": 2, "title": "Two", "minutes": 20.0, "start": 10.0, "first_step": 5}]}
ACTIVE = "() => document.querySelector('#impress .step.active').id"
CLOCK = "() => (document.querySelector('#talk-clock') || {}).textContent || ''"


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for this module (file:// decks may script
    their console previews, as a speaker starts it)."""
    require(deck.CHROMIUM.exists(), f"{deck.CHROMIUM} not found: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = deck.launch(playwright, ["--allow-file-access-from-files"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    """The index.html of a small deck with one file per section of the
    outline (01_section.rst ... 06_section.rst), built once."""
    folder = tmp_path_factory.mktemp("small")
    slides.build(small_deck(folder / "talk", sections=6), folder / "slides")
    return folder / "slides" / "index.html"


@pytest.fixture
def context(chromium):
    """A 1024x768 context asking for reduced motion (no transitions)."""
    opened = chromium.new_context(viewport=deck.VIEWPORT, reduced_motion="reduce")
    yield opened
    opened.close()


def entered_after(page, keys: list[str]) -> list[str]:
    """The steps entered while *keys* are pressed in turn, up to the first
    one entered: the keys are handled in order, so the last key must enter
    a step, and a step entered by an earlier key shows first."""
    before = page.evaluate("window.__deckEntered.length")
    for key in keys:
        page.keyboard.press(key)
    page.wait_for_function(f"window.__deckEntered.length > {before}")
    return page.evaluate(f"window.__deckEntered.slice({before})")


def open_console(page):
    with page.expect_popup() as popup:
        page.keyboard.press("p")
    console = popup.value
    console.wait_for_load_state()
    return console


def test_the_console_shows_time_left_and_ahead_or_behind(context, small_build):
    """With the plan PLAN (in place of the build's own generated/talk-plan.js)
    and a fake clock: time left, and ahead or behind the plan of the section."""
    context.clock.install()
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    context.add_init_script(  # the deck's own `window.talkPlan = ...` is ignored
        f"Object.defineProperty(window, 'talkPlan', {{get: () => ({json.dumps(PLAN)}),"
        " set: () => {}});")
    page = open_deck(context, small_build)
    console = open_console(page)
    context.clock.fast_forward("05:00")  # at the title, 5 minutes in
    console.wait_for_function(f"({CLOCK})().includes('behind')")
    assert re.fullmatch(r"2[45]:\d\d left · section 1: [45]:\d\d behind",
                        console.evaluate(CLOCK))
    # The last step: the plan is near 30 minutes there, this is 5 in.
    entered_after(page, ["End"])
    console.wait_for_function(f"({CLOCK})().includes('ahead')")
    assert re.fullmatch(r"2[45]:\d\d left · section 2: 2\d:\d\d ahead",
                        console.evaluate(CLOCK))
    context.clock.fast_forward("30:00")  # past the talk's end
    console.wait_for_function(f"({CLOCK})().includes('over')")
    assert re.fullmatch(r"[45]:\d\d over · section 2: .+", console.evaluate(CLOCK))
    # Home and End work in the console window as well.
    console.keyboard.press("Home")
    page.wait_for_function(f"({ACTIVE})() === {json.dumps(step_ids(page)[0])}")
    assert errors == []


def test_keys_stop_at_both_ends_and_home_end_jump(context, small_build):
    """Right, Space or PageDown on the last step stay there (no wrap to the
    title); Left or PageUp on the first too; End and Home jump. The console
    follows the build's own plan (generated/talk-plan.js): at the last step,
    its last section; a build without a plan shows no clock."""
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    page = open_deck(context, small_build)
    ids = step_ids(page)
    assert entered_after(page, ["End"]) == [ids[-1]]
    # Had any of the three wrapped, Left would not come back to the one before.
    assert entered_after(page, ["ArrowRight", "Space", "PageDown", "ArrowLeft"]) == [ids[-2]]
    assert entered_after(page, ["Home"]) == [ids[0]]
    assert entered_after(page, ["ArrowLeft", "PageUp", "ArrowRight"]) == [ids[1]]
    console = open_console(page)
    console.wait_for_function("() => document.querySelector('#timer')")
    entered_after(page, ["End"])
    plan = page.evaluate("window.talkPlan || null")
    if plan is None:
        assert console.query_selector("#talk-clock") is None
    else:
        last = f"section {plan['sections'][-1]['number']}: "
        console.wait_for_function(f"({CLOCK})().includes({json.dumps(last)})")
        assert re.fullmatch(rf"\d+:\d\d left · {last}.+", console.evaluate(CLOCK))
    assert errors == []


def test_make_present_reloads_the_open_page_after_an_edit(context, tmp_path):
    """present runs on a free port with a small deck; the page, on its third
    step, reloads by itself after a slide source is saved, and shows the
    edit on the same step."""
    talk = tmp_path / "talk"
    small_deck(talk, sections=3)
    server = Process(talk)
    try:
        page = open_deck(context, server.url)
        next_step(page)
        next_step(page)
        step = page.evaluate(ACTIVE)
        page.evaluate("window.notReloaded = true")
        edit(talk / "02_section.rst", "Some text.", "Some text, edited live.")
        page.wait_for_function("() => !window.notReloaded && document.body"
                               ".textContent.includes('edited live')", timeout=30_000)
        page.wait_for_function(DECK_READY)
        assert page.evaluate(ACTIVE) == step
    finally:
        assert server.stop() == 0

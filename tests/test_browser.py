"""The built deck in a real browser, as the projector shows it (1024x768).

Debian's Chromium (/usr/bin/chromium) is driven by playwright; no browser is
ever downloaded, and one is started for all the tests here (``chromium``). Without Chromium these tests are skipped (an attendee's
laptop), except in CI (CI=true), where they fail instead.

One walk through the deck with the keyboard (module fixture ``walk``) records,
for every step, what impress.js entered, what overflows, the rendered font
sizes, the colours and the footer; the tests below check those records. The
walk asks for reduced motion, so each step is measured at once as it stands
when its transition has ended (about 3 s for the deck instead of 15); the
presenter console over http and test_the_deck_scales_to_any_projector move
through the deck with its transitions. The walk and the tests that only
look at the deck load it in turn into one shared page (``tab``): Chromium
spends about 1.5 s of CPU on a new context and page, 0.7 s on a load into
a page it has.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field

import pytest

from conftest import require
from deckwalk import IDLE, NEXT_KEYS, RECORD_STEPS, next_step, open_deck, show
from talk.tools import browser as deck
from talk.tools import present, slides
from talk.tools import TALK

pytestmark = pytest.mark.browser

#: Smallest rendered size, in CSS px of the 1024x768 window: code and text,
#: and the labels inside an SVG figure (its font sizes times its scale).
MIN_CODE_PX = 23
MIN_TEXT_PX = 24
MIN_FIGURE_PX = 20
#: The most lines a code block may hold on a slide.
MAX_CODE_LINES = 12
#: WCAG 2.x AA for normal text; asked of every text here, large or not.
MIN_CONTRAST = 4.5
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


# --- colour maths (WCAG 2.x) ------------------------------------------------

_RGB = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)")


def parse_colour(css: str) -> tuple[float, float, float, float]:
    """``rgb(r, g, b)`` / ``rgba(r, g, b, a)`` / ``#rrggbb`` -> (r, g, b, a)."""
    css = css.strip()
    if css.startswith("#") and len(css) == 7:
        return (int(css[1:3], 16), int(css[3:5], 16), int(css[5:7], 16), 1.0)
    match = _RGB.fullmatch(css)
    if not match:
        raise ValueError(f"unsupported colour {css!r}")
    r, g, b, a = match.groups()
    alpha = 1.0 if a is None else (float(a[:-1]) / 100 if a.endswith("%") else float(a))
    return (float(r), float(g), float(b), alpha)


def over(top, bottom):
    """Composite colour *top* (with alpha) over an opaque *bottom*."""
    alpha = top[3]
    return tuple(t * alpha + b * (1 - alpha) for t, b in zip(top[:3], bottom[:3])) + (1.0,)


def flatten(backgrounds: list[str]):
    """Backgrounds listed from the element outwards -> one opaque colour."""
    colour = (255.0, 255.0, 255.0, 1.0)  # the canvas behind everything
    for css in reversed(backgrounds):
        colour = over(parse_colour(css), colour)
    return colour


def luminance(colour) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground, background) -> float:
    """WCAG contrast ratio, 1.0 to 21.0, of two opaque colours."""
    lighter, darker = sorted((luminance(foreground), luminance(background)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_maths():
    white, black = parse_colour("#ffffff"), parse_colour("rgb(0, 0, 0)")
    assert contrast(black, white) == pytest.approx(21.0)
    assert contrast(white, white) == pytest.approx(1.0)
    # #767676 is the lightest grey that passes AA on white; #777777 fails.
    assert contrast(parse_colour("#767676"), white) == pytest.approx(4.54, abs=0.01)
    assert contrast(parse_colour("#777777"), white) < MIN_CONTRAST
    half_black = parse_colour("rgba(0, 0, 0, 0.5)")
    assert flatten(["rgba(0, 0, 0, 0.5)"])[:3] == pytest.approx((127.5,) * 3)
    assert over(half_black, white)[:3] == pytest.approx((127.5,) * 3)


# --- in the browser ---------------------------------------------------------

#: Run in the page while a step is shown: what overflows, is clipped, is too
#: small, which colours are used, and what the footer says.
MEASURE = """([minCode, minText]) => {
    const W = window.innerWidth, H = window.innerHeight;
    const step = document.querySelector("#impress .step.active");
    const scale = step.getBoundingClientRect().width / step.offsetWidth;
    const footer = document.getElementById("deck-footer");
    const fr = footer ? footer.getBoundingClientRect() : null;
    const label = (el) => {
        let s = el.tagName.toLowerCase();
        if (typeof el.className === "string" && el.className.trim()) {
            s += "." + el.className.trim().split(/\\s+/).join(".");
        }
        const t = (el.textContent || "").replace(/\\s+/g, " ").trim();
        return t ? `${s} "${t.slice(0, 45)}"` : s;
    };
    const round = (x) => Math.round(x * 10) / 10;
    const backgrounds = (el) => {
        const list = [];
        for (let e = el; e; e = e.parentElement) {
            const bg = getComputedStyle(e).backgroundColor;
            if (bg === "transparent" || /rgba\\(.*,\\s*0\\)$/.test(bg)) continue;
            list.push(bg);
            if (!bg.startsWith("rgba")) break;
        }
        return list;
    };
    const lines = (el) => {  // rendered lines of a block: height / line height
        const cs = getComputedStyle(el);
        const line = parseFloat(cs.lineHeight) * scale;
        const box = el.getBoundingClientRect().height
            - (parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom)
               + parseFloat(cs.borderTopWidth) + parseFloat(cs.borderBottomWidth)) * scale;
        return Math.round(box / line);
    };
    const out = {id: step.id, scale, overflow: [], clipped: [], small: [],
                 colours: [], footer: null,
                 code: Array.from(step.querySelectorAll("pre")).map(pre => ({
                     what: label(pre),
                     lines: pre.textContent.replace(/\\n+$/, "").split("\\n").length})),
                 titles: Array.from(step.querySelectorAll("h1, .title-step h2"))
                     .map(h => ({what: label(h), lines: lines(h)})),
                 images: Array.from(step.querySelectorAll("img")).map(img => ({
                     src: img.getAttribute("src"),
                     scale: img.getBoundingClientRect().width / img.naturalWidth})),
                 heading: (step.querySelector("h1, h2") || step).textContent
                     .replace(/\\s+/g, " ").trim().slice(0, 60)};
    for (const el of [step, ...step.querySelectorAll("*")]) {
        if (el.closest(".notes") || el.getClientRects().length === 0) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        const by = {left: -r.left, top: -r.top, right: r.right - W, bottom: r.bottom - H};
        for (const [side, px] of Object.entries(by)) {
            if (px > 0.5) out.overflow.push(`${label(el)}: ${round(px)} px past the ${side} edge`);
        }
        if (fr && el !== step && el.textContent.trim() && r.bottom > fr.top + 0.5
                && r.top < fr.bottom && r.right > fr.left && r.left < fr.right) {
            out.overflow.push(`${label(el)}: ${round(r.bottom - fr.top)} px under the footer`);
        }
        const cs = getComputedStyle(el);
        if (cs.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1) {
            out.clipped.push(`${label(el)}: ${el.scrollWidth - el.clientWidth} px cut off on the right`);
        }
        if (cs.overflowY !== "visible" && el.scrollHeight > el.clientHeight + 1) {
            out.clipped.push(`${label(el)}: ${el.scrollHeight - el.clientHeight} px cut off at the bottom`);
        }
    }
    const seen = new Set(), reported = new Set();
    const texts = (rootEl, check) => {
        const walker = document.createTreeWalker(rootEl, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode;
            const el = node.parentElement;
            if (!node.nodeValue.trim() || el.closest(".notes")
                    || el.getClientRects().length === 0) continue;
            const cs = getComputedStyle(el);
            if (check) {
                const px = parseFloat(cs.fontSize) * scale;
                const block = el.closest("pre, code, tt, kbd, samp");
                const min = block ? minCode : minText;
                const what = label(block || el);
                if (px < min - 0.01 && !reported.has(what)) {
                    reported.add(what);
                    out.small.push(`${what}: ${round(px)} px ${block ? "code" : "text"} (min ${min})`);
                }
            }
            const bgs = backgrounds(el);
            const key = cs.color + "|" + bgs.join("|");
            if (!seen.has(key)) {
                seen.add(key);
                out.colours.push({color: cs.color, backgrounds: bgs, what: label(el)});
            }
        }
    };
    texts(step, true);
    if (footer) {
        texts(footer, false);
        const number = document.getElementById("slide-number");
        out.footer = {
            visible: fr.width > 0 && fr.top >= 0 && fr.bottom <= H + 0.5,
            title: footer.querySelector(".deck-title").textContent,
            section: footer.querySelector(".deck-section").textContent,
            number: number ? number.textContent.trim() : null,
            total: number ? number.getAttribute("data-total") : null,
        };
    }
    return out;
}"""


@dataclass
class Walk:
    """What one keyboard walk through the deck saw."""
    title: str
    steps: list[dict]                 # id, classes, heading, notes: DOM order
    entered: list[str]                # impress:stepenter, in order
    active: list[str]                 # the .active step after each key
    seen: list[dict] = field(default_factory=list)   # MEASURE per step
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def watch(page, errors: list[str]) -> None:
    """Record the page's JavaScript errors and console errors in *errors*."""
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.on("console", lambda msg: errors.append(f"{page.url}: console: {msg.text}")
            if msg.type == "error" else None)


def block_network(context, requests: list[str], blocked: list[str],
                  allowed: tuple[str, ...] = LOCAL_SCHEMES) -> None:
    """Record every request; abort (and record) those not under *allowed*."""
    def route(route):
        url = route.request.url
        if url.startswith(allowed):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()
    context.on("request", lambda request: requests.append(request.url))
    context.route("**/*", route)


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium through playwright, one for every test here (the
    only module that drives one). Started with
    --allow-file-access-from-files, as a speaker presenting from disk starts
    it. Module-scoped, not session-scoped: playwright's sync API keeps an
    asyncio event loop in the thread, and while it lives asgiref refuses to
    run Flask's async views in later tests of the same process."""
    require(deck.CHROMIUM.exists(),
            f"{deck.CHROMIUM} not found: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = deck.launch(playwright, ["--allow-file-access-from-files"])
        yield launched
        launched.close()


@dataclass
class Tab:
    """The page the walk and the tests that only look at the deck share, and
    what it has recorded since the lists were last emptied."""
    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def tab(chromium):
    """One page, with the network blocked and errors recorded, for the walk
    and the tests that only look at the deck: each loads the deck anew with
    its own window size and motion (``load``), so no test sees another's
    page, at a fraction of the cost of a context and a page of its own (a
    renderer process to start). The console tests open a popup in contexts
    of their own."""
    context = chromium.new_context(viewport=deck.VIEWPORT)
    try:
        tab = Tab(context.new_page())
        block_network(context, tab.requests, tab.blocked)
        watch(tab.page, tab.errors)
        tab.page.add_init_script(RECORD_STEPS)
        yield tab
    finally:
        context.close()


def load(tab: Tab, url, size=deck.VIEWPORT, motion="no-preference"):
    """Show the deck at *url* in *tab* at window *size*, with transitions
    (``motion="no-preference"``) or without (``"reduce"``), as a new page
    with the context's viewport and reduced_motion would show it; returns
    the page."""
    tab.page.set_viewport_size(size)
    tab.page.emulate_media(reduced_motion=motion)
    return show(tab.page, url)


STEPS_JS = """() => Array.from(document.querySelectorAll("#impress .step")).map(s => ({
    id: s.id, classes: Array.from(s.classList),
    heading: ((s.querySelector("h1, h2") || s).textContent || "").replace(/\\s+/g, " ").trim(),
    notes: ((s.querySelector(".notes") || {}).textContent || "").replace(/\\s+/g, " ").trim(),
}))"""


@pytest.fixture(scope="module")
def walk(tab, built_deck) -> Walk:
    for recorded in (tab.errors, tab.requests, tab.blocked):
        recorded.clear()  # what an earlier test's page did
    page = load(tab, built_deck, motion="reduce")
    steps = page.evaluate(STEPS_JS)
    result = Walk(title=page.title(), steps=steps, entered=[], active=[])
    for number in range(len(steps)):
        if number:
            next_step(page, NEXT_KEYS[number % len(NEXT_KEYS)])
        result.seen.append(page.evaluate(MEASURE, [MIN_CODE_PX, MIN_TEXT_PX]))
        result.active.append(result.seen[-1]["id"])  # MEASURE's .active step
    result.entered = page.evaluate("window.__deckEntered.slice()")
    result.errors, result.requests, result.blocked = (
        list(tab.errors), list(tab.requests), list(tab.blocked))
    return result


def where(walk: Walk, number: int) -> str:
    step = walk.steps[number]
    return f"step {number + 1} #{step['id']} ({step['heading'][:50]!r})"


def test_keyboard_visits_every_step_in_order(walk, built_deck):
    html = built_deck.read_text(encoding="utf-8")
    assert len(walk.steps) == html.count('<div class="step ') > 0
    ids = [step["id"] for step in walk.steps]
    assert len(set(ids)) == len(ids)
    assert walk.entered == ids
    assert walk.active == ids


def test_no_javascript_error(walk):
    assert walk.errors == []


def test_no_request_leaves_the_machine(walk):
    assert walk.blocked == []
    assert [url for url in walk.requests if not url.startswith(LOCAL_SCHEMES)] == []
    loaded = {url.rsplit("/", 1)[-1] for url in walk.requests}
    assert {"index.html", "impress.js", "projector.css", "deck.js"} <= loaded


def test_nothing_overflows_the_window(walk):
    problems = [f"{where(walk, n)}: {issue}"
                for n, seen in enumerate(walk.seen)
                for issue in seen["overflow"] + seen["clipped"]]
    assert problems == [], "\n".join(problems)


def test_text_is_large_enough_for_the_back_row(walk):
    assert all(seen["scale"] == pytest.approx(1.0, abs=0.01) for seen in walk.seen)
    problems = [f"{where(walk, n)}: {issue}"
                for n, seen in enumerate(walk.seen) for issue in seen["small"]]
    assert problems == [], "\n".join(problems)


def test_no_code_block_holds_more_than_12_lines(walk):
    blocks = [(n, block) for n, seen in enumerate(walk.seen)
              for block in seen["code"]]
    assert len(blocks) > 10
    problems = [f"{where(walk, n)}: {block['what']}: {block['lines']} lines"
                for n, block in blocks if block["lines"] > MAX_CODE_LINES]
    assert problems == [], "\n".join(problems)


def test_every_title_is_on_one_line(walk):
    titles = [(n, title) for n, seen in enumerate(walk.seen)
              for title in seen["titles"]]
    assert len(titles) >= len(walk.steps)
    problems = [f"{where(walk, n)}: {title['what']}: {title['lines']} lines"
                for n, title in titles if title["lines"] != 1]
    assert problems == [], "\n".join(problems)


def test_figure_labels_are_large_enough(walk, built_deck):
    """Every SVG on a slide is drawn at least at its own size, and its
    smallest font size times that scale is at least MIN_FIGURE_PX."""
    images = [(n, image) for n, seen in enumerate(walk.seen)
              for image in seen["images"] if image["src"].endswith(".svg")]
    assert images, "no SVG figure on any slide"
    problems = []
    for n, image in images:
        svg = (built_deck.parent / image["src"]).read_text(encoding="utf-8")
        sizes = [float(px) for px in
                 re.findall(r"font-size:\s*([\d.]+)px", svg)]
        smallest = min(sizes) * image["scale"]
        if smallest < MIN_FIGURE_PX - 0.01:
            problems.append(f"{where(walk, n)}: {image['src']}: smallest "
                            f"label {smallest:.1f} px")
    assert problems == [], "\n".join(problems)


def test_text_and_code_colours_meet_wcag_aa(walk):
    problems = []
    pairs = 0
    for n, seen in enumerate(walk.seen):
        for colour in seen["colours"]:
            background = flatten(colour["backgrounds"])
            ratio = contrast(over(parse_colour(colour["color"]), background), background)
            pairs += 1
            if ratio < MIN_CONTRAST:
                problems.append(f"{where(walk, n)}: {colour['what']}: {colour['color']} "
                                f"on {colour['backgrounds']}: {ratio:.2f}:1")
    assert pairs > 10
    assert problems == [], "\n".join(problems)


def expected_sections(steps: list[dict]) -> list[str]:
    sections, current = [], ""
    for step in steps:
        if "section-start" in step["classes"]:
            current = step["heading"].split(":")[0].strip()
        sections.append(current)
    return sections


def test_footer_shows_title_section_and_slide_number(walk):
    total = str(len(walk.steps))
    sections = expected_sections(walk.steps)
    assert sum(1 for s in walk.steps if "section-start" in s["classes"]) >= 6
    shown = [seen["footer"] for seen in walk.seen]
    assert shown == [{"visible": True, "title": walk.title, "section": section,
                      "number": str(n), "total": total}
                     for n, section in enumerate(sections, start=1)]
    assert walk.title == "Developing Flask Extensions"
    assert all(sections[1:])  # every step after the title step has a section


def test_every_step_has_notes_for_the_console(walk):
    assert [where(walk, n) for n, s in enumerate(walk.steps) if not s["notes"]] == []


PROBE = """(classes) => {
    const pre = document.createElement("pre");
    pre.className = "highlight code python";
    for (const name of classes) {
        const span = document.createElement("span");
        span.className = name;
        span.textContent = "token_" + name;
        pre.appendChild(span);
        pre.appendChild(document.createTextNode("\\n"));
    }
    document.querySelector("#impress .step.active").appendChild(pre);
    return Array.from(pre.children).map(span => {
        const list = [];
        for (let e = span; e; e = e.parentElement) {
            const bg = getComputedStyle(e).backgroundColor;
            if (bg === "transparent" || /rgba\\(.*,\\s*0\\)$/.test(bg)) continue;
            list.push(bg);
            if (!bg.startsWith("rgba")) break;
        }
        return {name: span.className, color: getComputedStyle(span).color,
                backgrounds: list};
    });
}"""


def test_every_pygments_token_colour_meets_wcag_aa(tab, built_deck):
    """Every token class of hovercraft's highlight.css, not only those the
    deck uses today, is readable on the theme's code background."""
    css = (built_deck.parent / "css" / "highlight.css").read_text(encoding="utf-8")
    classes = sorted(set(re.findall(r"\.highlight \.(\w+)", css)))
    assert len(classes) > 40
    tokens = load(tab, built_deck).evaluate(PROBE, classes)
    problems = []
    for token in tokens:
        background = flatten(token["backgrounds"])
        ratio = contrast(over(parse_colour(token["color"]), background), background)
        if ratio < MIN_CONTRAST:
            problems.append(f".{token['name']}: {token['color']} on "
                            f"{token['backgrounds']}: {ratio:.2f}:1")
    assert problems == [], "\n".join(problems)


def test_the_checks_catch_a_bad_slide(tab, built_deck):
    """The measurements can fail: a slide made too long, too wide and too
    small on purpose is reported."""
    page = load(tab, built_deck)
    page.evaluate("""() => {
        const step = document.querySelector("#impress .step.active");
        const pre = document.createElement("pre");
        pre.textContent = "x = 1  # " + "wide ".repeat(40)
            + "\\ny = 2".repeat(12);
        step.appendChild(pre);
        const title = document.createElement("h1");
        title.textContent = "A title far too long for one line ".repeat(2);
        step.prepend(title);
        const tiny = document.createElement("p");
        tiny.style.fontSize = "14px";
        tiny.style.color = "#aaaaaa";
        tiny.textContent = "tiny grey text";
        step.appendChild(tiny);
        for (let i = 0; i < 30; i++) {
            step.appendChild(document.createElement("p")).textContent = "line " + i;
        }
    }""")
    page.wait_for_function(IDLE)
    seen = page.evaluate(MEASURE, [MIN_CODE_PX, MIN_TEXT_PX])
    assert any("past the top edge" in issue for issue in seen["overflow"])
    assert any("past the bottom edge" in issue for issue in seen["overflow"])
    assert any(issue.startswith("pre") and "cut off on the right" in issue
               for issue in seen["clipped"])
    assert any('"tiny grey text": 14 px text' in issue for issue in seen["small"])
    assert max(block["lines"] for block in seen["code"]) == 13
    assert max(title["lines"] for title in seen["titles"]) >= 2
    grey = [c for c in seen["colours"] if "tiny grey text" in c["what"]]
    assert contrast(parse_colour(grey[0]["color"]), flatten(grey[0]["backgrounds"])) < 3


@pytest.mark.parametrize("size", [(1920, 1080), (800, 600)])
def test_the_deck_scales_to_any_projector(tab, built_deck, size):
    """impress.js scales the 1024x768 design to the window, up as well as
    down (deck.js sets data-max-scale); the footer scales with it, and the
    tallest step still fits (reached with the transition)."""
    width, height = size
    page = load(tab, built_deck, {"width": width, "height": height})
    tallest = page.evaluate("""() => Array.from(document.querySelectorAll(
        "#impress .step")).reduce((a, b) => b.offsetHeight > a.offsetHeight ? b : a).id""")
    page.evaluate("id => impress().goto(id)", tallest)
    page.wait_for_function(f"document.querySelector('#impress .step.active').id === '{tallest}'")
    page.wait_for_function(IDLE)
    seen = page.evaluate(MEASURE, [0, 0])
    footer = page.eval_on_selector("#deck-footer", "el => el.getBoundingClientRect().height")
    scale = min(width / 1024, height / 768)
    assert seen["scale"] == pytest.approx(scale, rel=0.01)
    assert footer == pytest.approx(40 * scale, rel=0.01)
    assert seen["overflow"] + seen["clipped"] == []


# --- the presenter console --------------------------------------------------

@pytest.fixture
def served_deck(tmp_path, good_build):
    """The deck served as `make present` serves it (talk.tools.present, on
    a free port of 127.0.0.1); yields the URL of index.html."""
    talk, _ = good_build
    (tmp_path / "work").mkdir()
    served = present.Deck(talk / "index.rst", tmp_path / "work")
    assert served.rebuild()
    server = present.Server(served, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,),
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


TEXT_OF = "el => el.textContent.replace(/\\s+/g, ' ').trim()"


@pytest.mark.parametrize("how", ["from disk", "over http"])
def test_presenter_console_opens_with_the_current_notes(chromium, built_deck, request, how):
    """P opens hovercraft's console (a popup window) with the notes of the
    current step; it follows when the speaker moves on. Over http (as
    `make present` serves it) the deck moves with its transitions; from
    disk without (reduced motion), which is quicker.

    From disk, Chromium gives every file:// page an opaque origin of its own,
    so the console could not script its slide previews (iframes of the same
    file) and would log errors; a speaker presenting from disk starts
    Chromium with --allow-file-access-from-files, as ``chromium`` is (or
    uses `make present`).
    """
    if how == "from disk":
        url, allowed, motion = built_deck, LOCAL_SCHEMES, "reduce"
    else:
        url = request.getfixturevalue("served_deck")
        allowed = LOCAL_SCHEMES + (url.rsplit("/", 1)[0] + "/",)
        motion = "no-preference"
    errors: list[str] = []
    requests: list[str] = []
    blocked: list[str] = []
    context = chromium.new_context(viewport=deck.VIEWPORT, reduced_motion=motion)
    try:
        block_network(context, requests, blocked, allowed)
        page = open_deck(context, url, prepare=lambda page: watch(page, errors))
        next_step(page, "ArrowRight")
        next_step(page, "ArrowRight")
        with page.expect_popup() as popup:
            page.keyboard.press("p")
        console = popup.value
        watch(console, errors)
        console.wait_for_load_state()

        def shown() -> str:
            return console.eval_on_selector("#notes", TEXT_OF)

        def current() -> str:
            return page.eval_on_selector("#impress .step.active .notes", TEXT_OF)

        assert console.title().startswith("Speaker Console")
        assert len(current().split()) >= 20
        assert shown() == current()
        next_step(page, "ArrowRight")
        console.wait_for_function(
            f"([text]) => ({TEXT_OF})(document.querySelector('#notes')) === text",
            arg=[current()])
        assert shown() == current()
        console.wait_for_function(  # the console's clock ticks once a second
            "() => document.querySelector('#timer').textContent.trim() !== ''",
            timeout=5_000)
    finally:
        context.close()
    assert errors == []
    assert blocked == []


# --- reduced motion, screenshots ----------------------------------------------

def test_reduced_motion_moves_at_once(tab, built_deck):
    """With the system asking for reduced motion (decktape's PDF asks for
    it), theme/deck.js and projector.css turn impress.js's transitions off:
    the next step is entered, and the footer updated, without waiting."""
    page = load(tab, built_deck, motion="reduce")
    assert page.eval_on_selector("#impress", "el => el.dataset.transitionDuration") == "0"
    assert page.eval_on_selector(
        "#impress > div", "el => getComputedStyle(el).transitionDuration") == "0s"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("window.__deckEntered.length === 2", timeout=1_000)
    assert page.eval_on_selector("#slide-number", "el => el.textContent") == "2"


# --- code that steps with the clicker ------------------------------------------

#: Per step with code substeps: its id, the lines of each group (from the
#: block's text) and the rendered state after each click.
SUBSTEP_STATE = """() => {
    const step = document.querySelector("#impress .step.active");
    const pre = step.querySelector("pre:has(.substep)");
    const spans = Array.from(pre.children);
    const style = (el) => getComputedStyle(el);
    return {id: step.id,
            px: parseFloat(style(pre).fontSize),
            lines: pre.textContent.replace(/\\n$/, "").split("\\n").length,
            clipped: pre.scrollWidth > pre.clientWidth + 1,
            groups: Array.from(pre.querySelectorAll(".substep"))
                .map(el => el.textContent.replace(/\\n$/, "")),
            marked: spans.filter(el => style(el).boxShadow !== "none"
                                 && style(el).opacity === "1")
                .map(el => el.textContent.replace(/\\n$/, "")),
            dimmed: spans.filter(el => parseFloat(style(el).opacity) < 0.6).length,
            spans: spans.length};
}"""


def excerpt_steps() -> list[list[range]]:
    """The :steps: of every excerpt in the deck's sources, in order."""
    found = []
    for rst in sorted(TALK.glob("0*_*.rst")):
        for spec in re.findall(r"^\.\. excerpt::.*\n(?:   :.*\n)*?   :steps: (.*)$",
                               rst.read_text(encoding="utf-8"), re.M):
            found.append([range(int(a), int(b or a) + 1) for a, b in
                          re.findall(r"(\d+)(?:\s*-\s*(\d+))?", spec)])
    return found


def test_code_steps_with_the_clicker(tab, built_deck):
    """Each click marks the next group of lines (a bar, the rest dimmed:
    readable without colour), the step stays until every group was shown,
    the block shows whole before the first click, and it still holds at
    most 12 lines at 23 px."""
    expected = excerpt_steps()
    assert len(expected) >= 3
    page = load(tab, built_deck, motion="reduce")
    ids = page.eval_on_selector_all(
        "#impress .step:has(pre .substep)", "els => els.map(e => e.id)")
    assert len(ids) == len(expected)
    for step_id, groups in zip(ids, expected):
        page.evaluate("id => impress().goto(id)", step_id)
        page.wait_for_function(f"document.querySelector('#impress .step.active').id === '{step_id}'")
        page.wait_for_function(IDLE)
        whole = page.evaluate(SUBSTEP_STATE)
        assert (whole["marked"], whole["dimmed"]) == ([], 0), step_id
        lines = page.eval_on_selector(
            "#impress .step.active pre:has(.substep)", TEXT_LINES)
        assert whole["groups"] == ["\n".join(lines[n - 1] for n in group)
                                   for group in groups], step_id
        for number, group in enumerate(whole["groups"]):
            page.keyboard.press("ArrowRight")
            page.wait_for_function(IDLE)
            state = page.evaluate(SUBSTEP_STATE)
            assert state["id"] == step_id
            assert state["marked"] == [group]
            assert state["dimmed"] == state["spans"] - 1
            assert state["lines"] <= MAX_CODE_LINES and not state["clipped"]
            assert state["px"] >= MIN_CODE_PX
        assert next_step(page) != step_id


#: The lines of a block's text.
TEXT_LINES = "el => el.textContent.replace(/\\n$/, '').split('\\n')"


def test_printed_deck_shows_code_whole_and_the_talk_plan_loads_first(
        tab, built_deck):
    """Opened with ?print (talk.tools.pdf, for decktape), the deck has no
    substeps: decktape prints one page per step, each block whole. The talk
    plan (generated/talk-plan.js) is loaded before the deck's own script."""
    page = load(tab, built_deck.as_uri() + "?print", motion="reduce")
    substeps = page.evaluate("document.querySelectorAll('#impress .substep').length")
    stepped = page.evaluate("document.querySelectorAll('#impress pre .code-rest').length")
    plan = page.evaluate("window.talkPlan")
    scripts = page.eval_on_selector_all(
        "script[src]", "els => els.map(e => e.getAttribute('src'))")
    assert (substeps, stepped > 0) == (0, True)
    assert scripts.index("generated/talk-plan.js") < scripts.index("theme/deck.js")
    assert plan["minutes"] == sum(s["minutes"] for s in plan["sections"]) > 0

"""`make pdf` (talk.tools.pdf): decktape prints the built deck, one page per
step, as text, with a Title, the speaker as Author and a bookmark per
section (check_info, also used by test_handout); the real deck is printed
once for the module. `make screenshots` (talk.tools.pdf --screenshots): one
PNG per step, named by step title, of small decks built here.

Needs decktape (npm, installed by `make test`, `make pdf` or .ci/run with
`npm ci`) and Debian's Chromium. Without them the test is skipped on a
laptop, with the reason, and fails in CI (CI=true).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tomllib
from contextlib import contextmanager
from pathlib import Path

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from conftest import require
from talk.tools import browser as deck
from talk.tools import pdf as deckpdf
from talk.tools import slides
from talk.tools import ROOT, TALK, ToolError
from talk.tools.outline import read_outline

pytestmark = pytest.mark.browser


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def deck_steps(index: Path) -> list[dict]:
    """Heading and code lines of every step, in order, from the HTML."""
    tree = lxml_html.fromstring(index.read_bytes())
    steps = []
    for step in tree.xpath('//div[@id="impress"]/div[contains(concat(" ", @class, " "), " step ")]'):
        for notes in step.xpath('.//div[@class="notes"]'):
            notes.getparent().remove(notes)
        heading = step.xpath(".//h1 | .//h2")
        code = [squash(line) for pre in step.xpath(".//pre")
                for line in pre.text_content().splitlines() if line.strip()]
        steps.append({"heading": squash(heading[0].text_content()) if heading else "",
                      "code": code})
    return steps


def require_decktape():
    require(deck.CHROMIUM.exists(), f"{deck.CHROMIUM} not found: apt-get install chromium")
    require(shutil.which("npm") is not None or deckpdf.DECKTAPE.exists(),
            "npm not found: decktape (the PDF exporter) comes from npm")
    require(deckpdf.DECKTAPE.exists(),
            f"{deckpdf.DECKTAPE} not found: run `make pdf` once (npm ci installs decktape)")


@pytest.fixture(scope="module")
def pdf(built_deck, tmp_path_factory) -> Path:
    require_decktape()
    output = tmp_path_factory.mktemp("pdf") / "slides.pdf"
    assert deckpdf.export(built_deck, output, timeout=300).startswith("Printed")
    return output


@pytest.fixture(scope="module")
def printed(pdf) -> list[dict]:
    """Each page of the PDF, read once for the tests: its text (squashed),
    its size in pt and, for every text drawn on it, ``(scale, size in CSS
    px)``."""
    pages = []
    for page in PdfReader(pdf).pages:
        drawn = []

        def visit(text, cm, tm, font_dict, font_size):
            if text.strip():
                scale = abs(cm[0] * tm[0])
                drawn.append((round(scale, 3), font_size * scale / 0.75))

        text = page.extract_text(visitor_text=visit)
        size = (float(page.mediabox.width), float(page.mediabox.height))
        pages.append({"text": squash(text), "size": size, "drawn": drawn})
    return pages


def expected_info() -> tuple[str, str, list[str]]:
    """Title (index.rst's :title:), speaker (talk.toml) and the outline's
    sections as the deck heads them, read without talk.tools.pdf."""
    index = (TALK / "index.rst").read_text(encoding="utf-8")
    title = re.search(r"^:title: (.+)$", index, re.MULTILINE).group(1)
    speaker = tomllib.loads((TALK / "talk.toml").read_text(
        encoding="utf-8"))["talk"]["speaker"]
    sections = [f"{s.number}. {s.title}"
                for s in read_outline(ROOT / "proposal.md")]
    return title, speaker, sections


def check_info(pdf: Path) -> list[int]:
    """Assert the PDF's Title, Author (pypdf and pdfinfo) and one bookmark
    per outline section, each on a page showing its heading; returns the
    bookmarks' pages."""
    title, speaker, sections = expected_info()
    reader = PdfReader(pdf)
    assert (reader.metadata.title, reader.metadata.author) == (title, speaker)
    assert [item.title for item in reader.outline] == sections
    pages = [reader.get_destination_page_number(item) for item in reader.outline]
    assert pages == sorted(pages)
    for heading, page in zip(sections, pages):
        assert heading in squash(reader.pages[page].extract_text())
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                              text=True, check=True).stdout
        assert f"Title:           {title}\n" in info
        assert f"Author:          {speaker}\n" in info
    return pages


def test_one_page_per_step_in_order(printed, built_deck):
    steps = deck_steps(built_deck)
    assert len(steps) >= 20
    assert len(printed) == len(steps)
    for number, (page, step) in enumerate(zip(printed, steps), start=1):
        # A heading may wrap; compare it without white space.
        assert re.sub(r"\s", "", step["heading"]) in re.sub(r"\s", "", page["text"]), \
            f"page {number}"
        assert f"{number} / {len(steps)}" in page["text"], f"page {number}: footer"
        # 1024x768 CSS px = 768x576 pt: the projector's 4:3 page.
        assert page["size"] == pytest.approx((768, 576), abs=1)


def test_title_author_and_a_bookmark_per_section(pdf, built_deck):
    """The bookmarks go to the section-start steps, in the deck's order."""
    steps = [step["heading"] for step in deck_steps(built_deck)]
    assert check_info(pdf) == [steps.index(heading)
                               for heading in expected_info()[2]]


def test_code_is_selectable_text(printed, built_deck):
    steps = deck_steps(built_deck)
    pages = [page["text"] for page in printed]
    code_lines = sum(len(step["code"]) for step in steps)
    assert code_lines > 100
    longest = max((line for step in steps for line in step["code"]), key=len)
    assert longest in " ".join(pages)
    missing = [f"page {n}: {line!r}"
               for n, (step, text) in enumerate(zip(steps, pages), start=1)
               for line in step["code"] if line not in text]
    assert missing == []


def test_pages_are_printed_at_projector_size(printed):
    """Chromium shrinks a printed page whose content is wider than the page
    (impress.js lays all steps side by side); the theme prevents it. Every
    text must be drawn at 1 CSS px = 0.75 pt, none below 18 px."""
    drawn = [text for page in printed for text in page["drawn"]]
    assert {scale for scale, _ in drawn} == {0.75}
    assert 18 <= min(px for _, px in drawn) < 30


@pytest.mark.parametrize("args", [["--nope"], ["a.html", "b.pdf", "c"]])
def test_a_bad_command_line_exits_2(capsys, args):
    with pytest.raises(SystemExit) as exit_:
        deckpdf.main(args)
    assert exit_.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_missing_deck_is_one_line(capsys, tmp_path):
    assert deckpdf.main([str(tmp_path / "index.html"), str(tmp_path / "x.pdf")]) == 1
    assert capsys.readouterr().err == (
        f"pdf: {tmp_path}/index.html not found: run `make slides` first\n")
    assert list(tmp_path.iterdir()) == []


# --- screenshots ---------------------------------------------------------------

def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def small_decks(tmp_path_factory) -> dict[int, Path]:
    """Decks of 2 and 3 steps with the projector theme, built once:
    ``{steps: index.html}``."""
    decks = {}
    for steps in (2, 3):
        folder = tmp_path_factory.mktemp(f"deck{steps}")
        shutil.copytree(TALK / "theme", folder / "talk" / "theme")
        (folder / "talk" / "index.rst").write_text(
            ":title: Small\n:css: theme/projector.css\n:js-header: theme/deck.js\n\n"
            + "".join(f"----\n\nStep {n}\n======\n\nText {n}.\n\n"
                      for n in range(1, steps + 1)), encoding="utf-8")
        slides.build(folder / "talk" / "index.rst", folder / "deck")
        decks[steps] = folder / "deck" / "index.html"
    return decks


def test_screenshots_named_by_title_and_only_their_own_files_touched(
        small_decks, tmp_path, capsys):
    """Chromium's screenshots of a two-step deck, one per step at the
    projector's size, named by title; a user's PNGs in the folder survive,
    and one under a name the tool would use makes it refuse (before
    Chromium starts)."""
    require(deck.CHROMIUM.exists(), f"{deck.CHROMIUM} not found: apt-get install chromium")
    out = tmp_path / "shots"
    out.mkdir()
    mine = ["2024-07-14-beach.png", "20231225-christmas.png", "01-me-and-ada.png"]
    for name in mine:
        (out / name).write_bytes(b"mine")
    assert deckpdf.main(["--screenshots", str(out), str(small_decks[2])]) == 0
    assert capsys.readouterr().out == f"screenshots: 2 PNGs in {out}\n"
    written = [out / "01-step-1.png", out / "02-step-2.png"]
    assert {png_size(path) for path in written} == {(1024, 768)}
    assert len({path.read_bytes() for path in written}) == 2
    assert all((out / name).read_bytes() == b"mine" for name in mine)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*mine, *(p.name for p in written), deckpdf.MANIFEST])

    (out / "01-step-1.png").unlink()
    (out / deckpdf.MANIFEST).unlink()
    (out / "01-step-1.png").write_bytes(b"mine too")
    with pytest.raises(ToolError, match="01-step-1.png exists and screenshots did not"):
        deckpdf.screenshots(small_decks[2], out)
    assert (out / "01-step-1.png").read_bytes() == b"mine too"


class FakePage:
    """Chromium's page as screenshots() uses it: each PNG holds the deck's
    path and the step's number."""

    def __init__(self, index: Path):
        self.index, self.step = index, None

    def evaluate(self, script, number):
        self.step = number + 1

    def wait_for_function(self, script, arg):
        assert arg + 1 == self.step

    def screenshot(self, path):
        path.write_text(f"{self.index} {self.step}")


@contextmanager
def fake_opened(index, query, **options):
    yield FakePage(index)


def test_screenshots_replace_their_own_and_only_those(small_decks, tmp_path,
                                                      monkeypatch):
    """With Chromium faked: a second run over a shorter deck replaces its
    PNGs and deletes the one left over."""
    monkeypatch.setattr(deckpdf, "opened", fake_opened)
    out = tmp_path / "shots"
    (out / "mine").mkdir(parents=True)
    three, two = small_decks[3], small_decks[2]
    assert [p.name for p in deckpdf.screenshots(three, out)][-1] == "03-step-3.png"
    assert [p.read_text() for p in deckpdf.screenshots(two, out)] == [
        f"{two} 1", f"{two} 2"]
    assert sorted(p.name for p in out.iterdir()) == [
        deckpdf.MANIFEST, "01-step-1.png", "02-step-2.png", "mine"]


def test_screenshots_into_a_read_only_folder_is_one_line(
        capsys, small_decks, tmp_path, monkeypatch):
    """A folder it may not write to (simulated: root may write anywhere)."""
    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(deckpdf.Path, "write_text", refuse)
    assert deckpdf.main(["--screenshots", str(tmp_path), str(small_decks[2])]) == 1
    err = capsys.readouterr().err
    assert err == (f"screenshots: {tmp_path / deckpdf.MANIFEST}: "
                   "Permission denied\n")


def test_screenshots_without_chromium_is_one_line(capsys, small_decks, tmp_path,
                                                  monkeypatch):
    monkeypatch.setattr(deck, "CHROMIUM", tmp_path / "no-chromium")
    assert deckpdf.main(["--screenshots", str(tmp_path), str(small_decks[2])]) == 1
    assert capsys.readouterr().err == (
        f"screenshots: Chromium cannot show {small_decks[2]}: {tmp_path}/no-chromium "
        "not found (apt-get install chromium)\n")


def test_screenshots_command_line(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        deckpdf.main(["--screenshots", "out", "index.html", "slides.pdf"])
    assert exit_.value.code == 2
    assert "--screenshots writes no OUTPUT_PDF" in capsys.readouterr().err
    assert deckpdf.main(["--screenshots", str(tmp_path / "out"),
                         str(tmp_path / "index.html")]) == 1
    assert capsys.readouterr().err.endswith(
        f"screenshots: {tmp_path}/index.html not found: run `make slides` first\n")
    assert list(tmp_path.iterdir()) == []

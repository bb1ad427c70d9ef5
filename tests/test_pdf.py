"""`make pdf` (talk.tools.pdf): decktape prints the built deck, one page per
step, as text, with a Title, the speaker as Author and a bookmark per
section (check_info, also used by test_handout). `make screenshots`
(talk.tools.screenshots): decktape's screenshots, named by step title.

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
from pathlib import Path

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from conftest import require
from talk.tools import browser as deck
from talk.tools import pdf as deckpdf
from talk.tools import screenshots, slides
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


def test_one_page_per_step_in_order(pdf, built_deck):
    steps = deck_steps(built_deck)
    pages = PdfReader(pdf).pages
    assert len(steps) >= 20
    assert len(pages) == len(steps)
    for number, (page, step) in enumerate(zip(pages, steps), start=1):
        text = squash(page.extract_text())
        # A heading may wrap; compare it without white space.
        assert re.sub(r"\s", "", step["heading"]) in re.sub(r"\s", "", text), \
            f"page {number}"
        assert f"{number} / {len(steps)}" in text, f"page {number}: footer"
        # 1024x768 CSS px = 768x576 pt: the projector's 4:3 page.
        assert (float(page.mediabox.width), float(page.mediabox.height)) == \
            pytest.approx((768, 576), abs=1)


def test_title_author_and_a_bookmark_per_section(pdf, built_deck):
    """The bookmarks go to the section-start steps, in the deck's order."""
    steps = [step["heading"] for step in deck_steps(built_deck)]
    assert check_info(pdf) == [steps.index(heading)
                               for heading in expected_info()[2]]


def test_code_is_selectable_text(pdf, built_deck):
    steps = deck_steps(built_deck)
    pages = [squash(page.extract_text()) for page in PdfReader(pdf).pages]
    code_lines = sum(len(step["code"]) for step in steps)
    assert code_lines > 100
    longest = max((line for step in steps for line in step["code"]), key=len)
    assert longest in " ".join(pages)
    missing = [f"page {n}: {line!r}"
               for n, (step, text) in enumerate(zip(steps, pages), start=1)
               for line in step["code"] if line not in text]
    assert missing == []


def test_pages_are_printed_at_projector_size(pdf):
    """Chromium shrinks a printed page whose content is wider than the page
    (impress.js lays all steps side by side); the theme prevents it. Every
    text must be drawn at 1 CSS px = 0.75 pt, none below 18 px."""
    scales: set[float] = set()
    smallest = float("inf")

    def visit(text, cm, tm, font_dict, font_size):
        nonlocal smallest
        if text.strip():
            scale = abs(cm[0] * tm[0])
            scales.add(round(scale, 3))
            smallest = min(smallest, font_size * scale / 0.75)

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    assert scales == {0.75}
    assert 18 <= smallest < 30


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


def small_deck(good_build, folder: Path, steps: int) -> Path:
    """A deck of *steps* steps with the projector theme, built in *folder*."""
    talk = folder / "talk"
    shutil.copytree(good_build[0] / "theme", talk / "theme")
    (talk / "index.rst").write_text(
        ":title: Small\n:css: theme/projector.css\n:js-header: theme/deck.js\n\n"
        + "".join(f"----\n\nStep {n}\n======\n\nText {n}.\n\n"
                  for n in range(1, steps + 1)), encoding="utf-8")
    slides.build(talk / "index.rst", folder / "deck")
    return folder / "deck" / "index.html"


def test_screenshots_named_by_title_and_only_their_own_files_touched(
        good_build, tmp_path):
    """decktape's screenshots of a two-step deck, one per step, named by
    title; a user's PNGs in the folder survive, and one under a name the
    tool would use makes it refuse (before anything is printed)."""
    require_decktape()
    deck_html = small_deck(good_build, tmp_path, 2)
    out = tmp_path / "shots"
    out.mkdir()
    mine = ["2024-07-14-beach.png", "20231225-christmas.png", "01-me-and-ada.png"]
    for name in mine:
        (out / name).write_bytes(b"mine")
    written = screenshots.take(deck_html, out)
    assert [path.name for path in written] == ["01-step-1.png", "02-step-2.png"]
    assert {png_size(path) for path in written} == {(1024, 768)}
    assert len({path.read_bytes() for path in written}) == 2
    assert all((out / name).read_bytes() == b"mine" for name in mine)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*mine, *(p.name for p in written), screenshots.MANIFEST])

    (out / "01-step-1.png").unlink()
    (out / screenshots.MANIFEST).unlink()
    (out / "01-step-1.png").write_bytes(b"mine too")
    with pytest.raises(ToolError, match="01-step-1.png exists and screenshots did not"):
        screenshots.take(deck_html, out)
    assert (out / "01-step-1.png").read_bytes() == b"mine too"


def test_screenshots_replace_their_own_and_only_those(good_build, tmp_path,
                                                      monkeypatch):
    """With decktape faked (it writes deck_N_1024x768.png): a second run
    over a shorter deck replaces its PNGs and deletes the one left over."""
    def fake_decktape(index, output, *options, timeout):
        for number in range(1, len(deckpdf.deck_info(index)[2]) + 1):
            (output.parent / f"deck_{number}_1024x768.png").write_text(f"{index} {number}")
        return "Printed"

    monkeypatch.setattr(screenshots, "decktape", fake_decktape)
    out = tmp_path / "shots"
    (out / "mine").mkdir(parents=True)
    three = small_deck(good_build, tmp_path / "three", 3)
    two = small_deck(good_build, tmp_path / "two", 2)
    assert [p.name for p in screenshots.take(three, out)][-1] == "03-step-3.png"
    assert [p.read_text() for p in screenshots.take(two, out)] == [
        f"{two} 1", f"{two} 2"]
    assert sorted(p.name for p in out.iterdir()) == [
        screenshots.MANIFEST, "01-step-1.png", "02-step-2.png", "mine"]


def test_screenshots_into_a_read_only_folder_is_one_line(
        capsys, built_deck, tmp_path, monkeypatch):
    """A folder it may not write to (simulated: root may write anywhere)."""
    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(screenshots.Path, "write_text", refuse)
    assert screenshots.main([str(built_deck), str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == (f"screenshots: {tmp_path / screenshots.MANIFEST}: "
                   "Permission denied\n")


def test_screenshots_command_line(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        screenshots.main(["a", "b", "c"])
    assert exit_.value.code == 2
    assert screenshots.main([str(tmp_path / "index.html"), str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.endswith(
        f"screenshots: {tmp_path}/index.html not found: run `make slides` first\n")
    assert list(tmp_path.iterdir()) == []

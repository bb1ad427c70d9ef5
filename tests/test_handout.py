"""`make handout` (talk.tools.pdf --handout): the talk as an article, one HTML page
and a PDF made from the built deck: each step's content, then its notes,
with the live-coding diffs and the figures; the PDF with a Title, the
speaker as Author and a bookmark per section. The tool writes only what it
made (its list, ``.talk-handout``)."""

from __future__ import annotations

import re
import shutil

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from conftest import require
from talk.tools import browser
from talk.tools import pdf as deckpdf
from talk.tools import ToolError
from test_pdf import check_info, squash

STEP = '//div[@id="impress"]/div[contains(concat(" ", @class, " "), " step ")]'


@pytest.fixture(scope="module")
def written(built_deck, tmp_path_factory):
    require(browser.CHROMIUM.exists(),
            f"{browser.CHROMIUM} not found: apt-get install chromium")
    folder = tmp_path_factory.mktemp("handout")
    out_html, out_pdf = folder / "handout" / "index.html", folder / "handout.pdf"
    assert deckpdf.main(["--handout", str(out_html), str(built_deck), str(out_pdf)]) == 0
    return out_html, out_pdf


def texts(elements) -> list[str]:
    return [squash(element.text_content()) for element in elements]


@pytest.mark.browser
def test_each_step_then_its_notes_nothing_retyped(written, built_deck):
    deck = lxml_html.fromstring(built_deck.read_bytes())
    page = lxml_html.fromstring(written[0].read_bytes())
    steps, sections = deck.xpath(STEP), page.xpath("//body/section")
    assert len(sections) == len(steps) >= 20
    for step, section in zip(steps, sections):
        assert squash(section.text_content()) == squash(step.text_content())
        assert section[-1].get("class") == "notes"  # the notes come last
    # the live-coding diffs and the figures (tables, the diagram) are there
    assert texts(page.xpath("//pre[contains(@class, 'diff')]")) == \
        texts(deck.xpath("//pre[contains(@class, 'diff')]")) != []
    assert texts(page.xpath("//table")) == texts(deck.xpath("//table")) != []
    images = page.xpath("//img/@src")
    assert len(images) == len(deck.xpath("//img")) >= 1
    assert all(src.startswith("data:image/svg+xml;base64,") for src in images)
    # it stands alone: no script, no other file
    assert page.xpath("//script | //link | //*[@href and not(starts-with("
                      "@href, '#') or starts-with(@href, 'http'))]") == []


@pytest.mark.browser
def test_the_pdf_has_title_author_and_a_bookmark_per_section(written):
    pages = check_info(written[1])
    assert len(PdfReader(written[1]).pages) > pages[-1]


@pytest.mark.browser
def test_it_lists_what_it_made(written):
    record = written[0].parent / ".talk-handout"
    assert record.read_text(encoding="utf-8").split() == sorted(
        str(path.resolve()) for path in written)


def test_a_file_it_did_not_make_is_refused_and_kept(built_deck, tmp_path, capsys):
    out_html, out_pdf = tmp_path / "index.html", tmp_path / "handout.pdf"
    out_pdf.write_text("mine", encoding="utf-8")
    status = deckpdf.main(["--handout", str(out_html), str(built_deck), str(out_pdf)])
    assert status == 1
    assert capsys.readouterr().err == (
        f"handout: {out_pdf} exists and handout did not make it: move it "
        "away or name another output\n")
    assert out_pdf.read_text(encoding="utf-8") == "mine"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["handout.pdf"]


def test_claim_keeps_its_list(tmp_path):
    record, made = tmp_path / ".talk-handout", tmp_path / "a.html"
    deckpdf.claim([made], record, "handout")
    made.write_text("x", encoding="utf-8")
    deckpdf.claim([made], record, "handout")  # its own file: claimed again
    other = tmp_path / "b.pdf"
    other.write_text("y", encoding="utf-8")
    with pytest.raises(ToolError, match="b.pdf exists"):
        deckpdf.claim([made, other], record, "handout")
    assert record.read_text(encoding="utf-8") == f"{made}\n"


@pytest.mark.parametrize(("src", "why"), [
    ("missing.svg", "'missing.svg' is not a file in the deck's folder"),
    ("../outside.svg", "'../outside.svg' is not a file in the deck's folder"),
    ("css", "'css' is not a file in the deck's folder"),
])
def test_an_image_that_is_not_in_the_deck_is_one_line(built_deck, tmp_path,
                                                      capsys, src, why):
    deck = tmp_path / "slides"
    shutil.copytree(built_deck.parent, deck)
    (tmp_path / "outside.svg").write_text("<svg/>", encoding="utf-8")
    index = deck / "index.html"
    index.write_text(re.sub(r'src="lifecycle.svg"', f'src="{src}"',
                            index.read_text(encoding="utf-8")), encoding="utf-8")
    status = deckpdf.main(["--handout", str(tmp_path / "out" / "index.html"),
                           str(index), str(tmp_path / "out.pdf")])
    assert status == 1
    assert capsys.readouterr().err == f"handout: {index}: image {why}: rebuild it\n"
    assert not (tmp_path / "out").exists()


def test_a_missing_deck_is_one_line(tmp_path, capsys):
    assert deckpdf.main(["--handout", str(tmp_path / "out" / "index.html"),
                         str(tmp_path / "index.html")]) == 1
    assert capsys.readouterr().err == (
        f"handout: {tmp_path}/index.html not found: run `make slides` first\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [["--handout"], ["--handout", "b.html", "a.html", "c.pdf", "d"],
                                  ["--handout", "b.html", "--screenshots", "shots"]])
def test_a_bad_command_line_exits_2(capsys, args):
    with pytest.raises(SystemExit) as exit_:
        deckpdf.main(args)
    assert exit_.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_an_output_under_a_file_is_one_line(built_deck, tmp_path, capsys):
    (tmp_path / "a-file").write_text("mine", encoding="utf-8")
    status = deckpdf.main(["--handout", str(tmp_path / "a-file" / "index.html"),
                           str(built_deck), str(tmp_path / "out.pdf")])
    err = capsys.readouterr().err
    assert status == 1 and err.count("\n") == 1
    assert err.startswith("handout: ") and "a-file" in err
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "mine"

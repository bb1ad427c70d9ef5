"""The deck: structure, speaker notes, tested code, and the strict build."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest

from conftest import ROOT, TALK, build_slides, copy_talk

DEMOS = ROOT / "demos"
STEP = re.compile(r'<div class="step\b([^"]*)"[^>]*>(.*?)(?=<div class="step\b|\Z)',
                  re.S)


def steps(index: Path) -> list[tuple[str, str]]:
    """(classes, inner HTML) of every impress.js step, in order."""
    return STEP.findall(index.read_text(encoding="utf-8"))


def code_blocks(index: Path, language: str) -> list[str]:
    """Text of every ``<pre class="... code LANGUAGE">`` block."""
    text = index.read_text(encoding="utf-8")
    pattern = rf'<pre class="[^"]*\bcode {re.escape(language)}\b[^"]*">(.*?)</pre>'
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", block))
            for block in re.findall(pattern, text, re.S)]


def normalized(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def demo_sources() -> list[str]:
    return [normalized(path.read_text(encoding="utf-8"))
            for folder in (DEMOS, DEMOS.parent / "flask-flags")
            for path in folder.rglob("*") if path.is_file()
            and path.suffix in {".py", ".html", ".toml"}]


def test_deck_has_enough_steps(built_deck):
    assert len(steps(built_deck)) >= 30


def test_every_content_step_has_speaker_notes(built_deck):
    missing = [re.sub(r"<[^>]+>", "", body)[:60]
               for classes, body in steps(built_deck)
               if 'class="notes"' not in body]
    assert missing == []


def test_no_docutils_system_message(built_deck):
    text = built_deck.read_text(encoding="utf-8")
    assert "system-message" not in text
    assert "Problems with" not in text


def test_every_python_block_is_demo_code(built_deck):
    blocks = code_blocks(built_deck, "python")
    assert len(blocks) >= 10
    sources = demo_sources()
    retyped = [block for block in blocks
               if not any(normalized(block) in src for src in sources)]
    assert retyped == []


def test_every_code_block_on_a_slide_is_included(built_deck):
    """No ``.. code::`` with literal content: code comes via include."""
    for rst in TALK.glob("*.rst"):
        text = rst.read_text(encoding="utf-8")
        assert not re.search(r"^\.\. (code|code-block|sourcecode)::", text,
                             re.M), rst.name


def test_each_section_file_is_included_in_order():
    index = (TALK / "index.rst").read_text(encoding="utf-8")
    included = re.findall(r"^\.\. include:: (\S+)", index, re.M)
    files = sorted(path.name for path in TALK.glob("0*_*.rst"))
    assert included == files


# --- the strict build -------------------------------------------------------

def break_file(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BAD_INPUTS = {
    "missing include file": ("03_feature_flags.rst",
                             "flask_flags.py\n   :code:",
                             "no_such_file.py\n   :code:",
                             "03_feature_flags.rst:"),
    "missing marker": ("03_feature_flags.rst", "# [start:chain]",
                       "# [start:no-such-marker]", "03_feature_flags.rst:"),
    "short title underline": ("01_introduction.rst",
                              "The promise and the bane\n=========",
                              "The promise and the bane\n===",
                              "01_introduction.rst:"),
    "unknown directive": ("05_go_forth.rst", ".. note::", ".. nnote::",
                          "05_go_forth.rst:"),
    "missing css file": ("index.rst", ":css: theme/projector.css",
                         ":css: theme/missing.css", "missing.css"),
    "live-coding diff on no slide": ("03_feature_flags.rst",
                                     "generated/step06-step07.diff",
                                     "generated/step06-step99.diff",
                                     "step06-step07.diff"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_fails_the_build_and_keeps_the_last_good_one(tmp_path, case):
    talk = copy_talk(tmp_path)
    target = tmp_path / "out" / "slides"
    first = build_slides(talk / "index.rst", target)
    assert first.returncode == 0, first.stderr
    good = (target / "index.html").read_bytes()

    name, old, new, where = BAD_INPUTS[case]
    break_file(talk / name, old, new)
    result = build_slides(talk / "index.rst", target)

    assert result.returncode == 1
    assert "slides: FAILED:" in result.stderr
    assert where in result.stderr
    assert "Traceback" not in result.stderr
    assert (target / "index.html").read_bytes() == good
    assert sorted(p.name for p in target.parent.iterdir()) == ["slides"]


def test_missing_source_is_a_clear_error(tmp_path):
    result = build_slides(tmp_path / "nope.rst", tmp_path / "out")
    assert result.returncode == 1
    assert "nope.rst: no such file" in result.stderr

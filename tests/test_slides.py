"""The deck (structure, speaker notes, tested code) and the strict build
(talk.tools.slides): every broken input fails it with the file and line and
keeps the last good build, and it never deletes what it did not make.

Broken inputs are made on copies of the deck in tmp_path, never in talk/.
"""

from __future__ import annotations

import errno
import html as htmllib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INCLUDED_FOLDERS
from talk.tools import slides
from talk.tools import ROOT, TALK

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
    """Every file a slide may include code from: demos, the extension and
    its tests, the tests."""
    return [normalized(path.read_text(encoding="utf-8"))
            for folder in (DEMOS, ROOT / "flask-flags", ROOT / "tests")
            for path in folder.rglob("*") if path.is_file()
            and path.suffix in {".py", ".html", ".toml"}]


# --- the deck -----------------------------------------------------------------

def test_every_step_has_speaker_notes(built_deck):
    found = steps(built_deck)
    assert 22 <= len(found) <= 31  # about 27-31 steps hold 30 minutes
    missing = [re.sub(r"<[^>]+>", "", body)[:60]
               for classes, body in found if 'class="notes"' not in body]
    assert missing == []


def in_order(block: str, source: str) -> bool:
    """True if every line of *block*, stripped, is a line of *source* in
    the same order (an excerpt leaves the docstring out and dedents)."""
    lines = iter(line.strip() for line in source.splitlines())
    return all(line.strip() in lines for line in block.splitlines())


def test_every_python_block_is_demo_code(built_deck):
    blocks = code_blocks(built_deck, "python")
    assert len(blocks) >= 10
    sources = demo_sources()
    retyped = [block for block in blocks
               if not any(in_order(block, src) for src in sources)]
    assert retyped == []
    assert not in_order("x = 1\ny = 2", "y = 2\nx = 1")


def test_code_comes_by_include_and_sections_in_order():
    """No ``.. code::`` with literal content, and index.rst includes every
    section file, in order."""
    for rst in TALK.glob("*.rst"):
        text = rst.read_text(encoding="utf-8")
        assert not re.search(r"^\.\. (code|code-block|sourcecode)::", text,
                             re.M), rst.name
    index = (TALK / "index.rst").read_text(encoding="utf-8")
    included = re.findall(r"^\.\. include:: ([^/]\S*)", index, re.M)
    assert included == sorted(path.name for path in TALK.glob("0*_*.rst"))


def test_the_diffs_are_generated_inside_the_build(good_build):
    talk, target = good_build
    diffs = sorted(path.name for path in (target / "generated").iterdir())
    assert [name for name in diffs if name.endswith(".diff")] == [
        "step01-step02.diff", "step02-step03.diff", "step03-step04.diff"]
    # nothing beside the sources or the build: no ../build/generated
    assert sorted(path.name for path in talk.parent.iterdir()) == sorted(
        [*INCLUDED_FOLDERS, "slides", "talk"])
    listed = (target / slides.MARKER).read_text(encoding="utf-8")
    assert "generated/step01-step02.diff\n" in listed
    assert "index.html\n" in listed


# --- the strict build: helpers ---------------------------------------------------

def build(capsys, *args) -> tuple[int, str, str]:
    """Run ``python -m talk.tools.slides ARGS`` in-process: (status, out, err)."""
    status = slides.main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_failure(status: int, err: str, where: str) -> None:
    assert status == 1, err
    assert err.startswith("slides: FAILED: ") and err.count("\n") == 1, err
    assert where in err
    assert "Traceback" not in err


def tiny_deck(folder: Path, sections: dict[str, str] | None = None) -> Path:
    """A small deck in *folder*: index.rst and its section files; returns
    index.rst's path."""
    folder.mkdir(parents=True, exist_ok=True)
    if sections is None:
        sections = {"01_one.rst": "----\n\nStep one\n========\n\nText.\n\n"
                                  "----\n\nStep two\n========\n\nMore.\n"}
    for name, text in sections.items():
        (folder / name).write_text(text, encoding="utf-8")
    includes = "".join(f".. include:: {name}\n" for name in sections)
    index = folder / "index.rst"
    index.write_text(f":title: Tiny\n\n{includes}", encoding="utf-8")
    return index


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


#: A title as long as the deck's longest; its underline is broken below.
TITLE = "One extension, every hook it needs"
#: A small deck with one of each thing the bad inputs below break: a :css:
#: file, a note, demo code between markers, every live-coding diff of the
#: real checkpoints, two section files.
RICH = {
    "index.rst": ":title: Rich\n:css: theme/projector.css\n\n.. include:: 01_one.rst\n"
                 ".. include:: 02_two.rst\n",
    "theme/projector.css": "pre { color: black; }\n",
    "01_one.rst": f"----\n\n{TITLE}\n{'=' * len(TITLE)}\n\n.. note::\n\n   Say it.\n\n"
                  "----\n\nCode\n====\n\n.. include:: ../demo.py\n   :code: python\n"
                  "   :start-after: # [start:lazy]\n   :end-before: # [end:lazy]\n",
    "02_two.rst": "----\n\nLive coding\n===========\n\n" + "".join(
        f".. include:: /generated/step0{n}-step0{n + 1}.diff\n   :code: diff\n\n"
        for n in (1, 2, 3)),
    "../demo.py": "import os\n\n# [start:lazy]\nx = 1\n# caf\n# [end:lazy]\n",
}


@pytest.fixture(scope="module")
def rich_build(tmp_path_factory) -> Path:
    """A folder holding the RICH deck (talk/) and its good build
    (out/slides/), made once per module."""
    folder = tmp_path_factory.mktemp("rich")
    for name, text in RICH.items():
        (folder / "talk" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "talk" / name).write_text(text, encoding="utf-8")
    slides.build(folder / "talk" / "index.rst", folder / "out" / "slides")
    return folder


@pytest.fixture
def deck(tmp_path, rich_build) -> tuple[Path, Path]:
    """A copy of the RICH deck's sources and of its last good build:
    ``(talk, target)``, both in tmp_path."""
    shutil.copytree(rich_build, tmp_path, dirs_exist_ok=True)
    return tmp_path / "talk", tmp_path / "out" / "slides"


SHORT = "01_one.rst:4: (INFO/1) Possible title underline, too short for the title"
#: name: (file of the RICH deck, bytes in it (None: all), new bytes, where
#: the one line points)
BAD_INPUTS = {
    "missing include file": ("01_one.rst", b"../demo.py", b"../no_such_file.py",
                             '01_one.rst:15: (ERROR/3) Problems with "include" directive'),
    "missing marker": ("01_one.rst", b"# [start:lazy]", b"# [start:no-such-marker]",
                       '01_one.rst:15: (ERROR/3) Problem with "start-after" option'),
    "title underline of 1 character": ("01_one.rst", b"=" * len(TITLE), b"=", SHORT),
    "title underline of 2 characters": ("01_one.rst", b"=" * len(TITLE), b"==", SHORT),
    "title underline of 3 characters": ("01_one.rst", b"=" * len(TITLE), b"===", SHORT),
    "title underline shorter than the title": (
        "01_one.rst", b"=" * len(TITLE), b"=" * 10,
        "01_one.rst:4: (WARNING/2) Title underline too short"),
    "unknown directive": ("01_one.rst", b".. note::", b".. nnote::",
                          '01_one.rst:6: (ERROR/3) Unknown directive type "nnote"'),
    "missing css file": ("index.rst", b"theme/projector.css", b"theme/missing.css",
                         "index.rst:2: :css: file 'theme/missing.css' is not found"),
    "css file copied outside the build": (
        "index.rst", b"theme/projector.css", b"../demo.py",
        "index.rst:2: :css: file '../demo.py' would be copied outside the build"),
    "live-coding diff on no slide": (
        "02_two.rst", b".. include:: /generated/step03-step04.diff\n   :code: diff\n", b"",
        "/generated/step03-step04.diff is generated from the checkpoints but "
        "no slide includes it"),
    "byte that is not UTF-8 in a section file": (
        "01_one.rst", b"   Say it.", b"\xff   Say it.", "01_one.rst:8: byte 0xff (column 1)"),
    "byte that is not UTF-8 in the master file": (
        "index.rst", b":css:", b"\xff:css:", "index.rst:2: byte 0xff"),
    "byte that is not UTF-8 in an included demo": (
        "../demo.py", b"# caf", b"# caf\xe9", "demo.py:5: byte 0xe9 (column 6)"),
    "empty master file": ("index.rst", None, b"\n", "index.rst:1: the file is empty"),
    "empty section file": ("02_two.rst", None, b"\n", "02_two.rst:1: the file is empty"),
    "section file with no step": ("02_two.rst", b"----\n", b"",
                                  "02_two.rst:1: starts no step"),
    "deck with no step": ("index.rst", None, b":title: Nothing\n\nJust a paragraph.\n",
                          "index.rst:1: the deck has no step"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_fails_the_build_and_keeps_the_last_good_one(capsys, deck, case):
    talk, target = deck
    good = {path.relative_to(target): path.read_bytes()
            for path in target.rglob("*") if path.is_file()}
    name, old, new, where = BAD_INPUTS[case]
    data = (talk / name).read_bytes()
    assert old is None or old in data, f"{old!r} not in {name}"
    (talk / name).write_bytes(new if old is None else data.replace(old, new, 1))

    status, out, err = build(capsys, talk / "index.rst", target)

    assert_one_line_failure(status, err, where)
    assert f"(the last good build in {target} is kept)" in err
    assert out == ""
    assert {path.relative_to(target): path.read_bytes()
            for path in target.rglob("*") if path.is_file()} == good
    assert sorted(p.name for p in target.parent.iterdir()) == ["slides"]


def test_a_checkpoint_that_is_not_utf8_is_named(capsys, tmp_path):
    checkpoints = tmp_path / "checkpoints"
    checkpoints.mkdir()
    (checkpoints / "step01_a.py").write_text("app = 1\n", encoding="utf-8")
    (checkpoints / "step02_b.py").write_bytes(b"app = 1\nx = '\xff'\n")
    status, out, err = build(capsys, tiny_deck(tmp_path / "talk"),
                             tmp_path / "out", "--checkpoints", checkpoints)
    assert_one_line_failure(status, err, "step02_b.py:2: byte 0xff (column 6)")
    assert not (tmp_path / "out").exists()


def test_a_step_too_big_for_a_slide_fails_the_build(tmp_path):
    checkpoints = tmp_path / "checkpoints"
    checkpoints.mkdir()
    (checkpoints / "step01_small.py").write_text("app = 1\n", encoding="utf-8")
    (checkpoints / "step02_big.py").write_text(
        "app = 1\n" + "x = 2\n" * 30, encoding="utf-8")
    with pytest.raises(slides.BuildError, match=r"step01-step02.diff: 30 "
                       r"lines.*step01_small.py to step02_big.py smaller"):
        slides.generate_diffs(tmp_path / "out", checkpoints)


def test_two_checkpoints_holding_the_same_code_fail_the_build(tmp_path):
    checkpoints = tmp_path / "checkpoints"
    checkpoints.mkdir()
    (checkpoints / "step01_a.py").write_text("app = 1\n", encoding="utf-8")
    (checkpoints / "step02_b.py").write_text("app = 2\n", encoding="utf-8")
    (checkpoints / "step03_same.py").write_text("app = 2\n", encoding="utf-8")
    with pytest.raises(slides.BuildError,
                       match=r"step03_same\.py: the same code as step02_b\.py$"):
        slides.generate_diffs(tmp_path / "out", checkpoints)


def test_two_slides_may_share_a_title_but_another_info_fails(capsys, tmp_path):
    """docutils' "Duplicate implicit target name" (INFO) is the one
    message the strict build lets through."""
    index = tiny_deck(tmp_path / "talk", {
        "01_one.rst": "----\n\nSame\n====\n\nText.\n\n----\n\nSame\n====\n\nMore.\n"})
    assert build(capsys, index, tmp_path / "out")[::2] == (0, "")
    assert [body.count("Same") for _, body in steps(tmp_path / "out" / "index.html")] \
        == [1, 1]
    edit(tmp_path / "talk" / "01_one.rst", "More.", "3. three\n4. four")
    status, out, err = build(capsys, index, tmp_path / "out")
    assert_one_line_failure(status, err, "01_one.rst:13: (INFO/1) Enumerated list start "
                            "value not ordinal-1")


def test_docutils_settings_are_per_call(capsys, tmp_path, monkeypatch):
    """A docutils.conf in the working folder (or DOCUTILSCONFIG) cannot
    loosen the build, and the build changes no environment variable."""
    loose = tmp_path / "docutils.conf"
    loose.write_text("[general]\nhalt_level: 5\nreport_level: 5\n",
                     encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DOCUTILSCONFIG", str(loose))
    index = tiny_deck(tmp_path / "talk")
    before = dict(os.environ)
    assert build(capsys, index, tmp_path / "out")[0] == 0
    edit(tmp_path / "talk" / "01_one.rst", "Text.", ".. nnote:: x")
    status, out, err = build(capsys, index, tmp_path / "out")
    assert_one_line_failure(status, err, "01_one.rst:6: (ERROR/3) Unknown directive type")
    assert dict(os.environ) == before


# --- the target folder: never delete what the build did not make ------------------

def test_a_folder_holding_a_foreign_file_survives(capsys, tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("my notes\n", encoding="utf-8")
    status, out, err = build(capsys, tiny_deck(tmp_path / "talk"), target)
    assert_one_line_failure(status, err, f"{target} holds {target / 'notes.txt'}")
    assert "the last good build" not in err
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
    assert (target / "notes.txt").read_text(encoding="utf-8") == "my notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "talk"]


def test_the_checkout_given_as_target_is_refused(capsys, tmp_path, monkeypatch):
    """``talk/build.py talk/index.rst .`` once replaced the whole checkout."""
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / ".git" / "HEAD").write_text("ref: refs/heads/main\n",
                                            encoding="utf-8")
    index = tiny_deck(checkout / "talk")
    monkeypatch.chdir(checkout)
    status, out, err = build(capsys, "talk/index.rst", ".")
    assert_one_line_failure(status, err, "which the build did not make")
    assert (checkout / ".git" / "HEAD").read_text(encoding="utf-8") == \
        "ref: refs/heads/main\n"
    assert sorted(p.name for p in checkout.iterdir()) == [".git", "talk"]
    assert index.is_file()


def test_a_file_given_as_target_is_refused(capsys, tmp_path):
    target = tmp_path / "slides.html"
    target.write_text("mine\n", encoding="utf-8")
    status, out, err = build(capsys, tiny_deck(tmp_path / "talk"), target)
    assert_one_line_failure(status, err, f"{target} is a file, not a folder")
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slides.html", "talk"]


def test_a_symbolic_link_given_as_target_is_refused(capsys, tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    status, out, err = build(capsys, tiny_deck(tmp_path / "talk"),
                             tmp_path / "link")
    assert_one_line_failure(status, err, "is a symbolic link")
    assert (tmp_path / "link").is_symlink() and not any(
        (tmp_path / "real").iterdir())


def test_a_file_added_to_a_previous_build_survives(capsys, deck):
    talk, target = deck
    index = talk / "index.rst"
    (target / "css" / "mine.css").write_text("p {}\n", encoding="utf-8")
    status, out, err = build(capsys, index, target)
    assert_one_line_failure(status, err, "mine.css")
    assert (target / "css" / "mine.css").read_text(encoding="utf-8") == "p {}\n"


def test_a_previous_build_is_replaced_and_an_empty_folder_filled(capsys, tmp_path):
    talk = tmp_path / "talk"
    index = tiny_deck(talk, {
        "01_one.rst": "----\n\nA chart\n=======\n\n.. image:: chart.svg\n"})
    (talk / "chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>',
                                    encoding="utf-8")
    target = tmp_path / "out"
    target.mkdir()
    status, out, err = build(capsys, index, target)
    assert (status, err) == (0, "")
    assert re.fullmatch(rf"slides: 1 steps -> {re.escape(str(target))}/index"
                        r"\.html \(\d+\.\d\d s\)\n", out)
    assert (target / "chart.svg").is_file()
    assert slides.is_build(target)

    tiny_deck(talk)  # two steps, no chart
    assert build(capsys, index, target)[0] == 0
    assert steps(target / "index.html")[1][1].count("Step two") == 1
    assert not (target / "chart.svg").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "talk"]


#: A 1x1 PNG image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201d2c6c1d6"
    "0000000049454e44ae426082")


def test_an_image_the_deck_measures_is_not_read_as_text(capsys, tmp_path,
                                                        monkeypatch):
    """docutils records a figure's image as read when Pillow can measure it
    (from the deck's folder): it is copied, not checked as text."""
    talk = tmp_path / "talk"
    index = tiny_deck(talk, {"01_one.rst": "----\n\nA figure\n========\n\n"
                                           ".. figure:: dot.png\n   :figwidth: image\n"})
    (talk / "dot.png").write_bytes(PNG)
    monkeypatch.chdir(talk)
    status, out, err = build(capsys, index, tmp_path / "out")
    assert (status, err) == (0, "")
    assert (tmp_path / "out" / "dot.png").read_bytes() == PNG
    assert '<img src="dot.png"' in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_the_image_of_a_raw_html_img_is_copied(capsys, tmp_path):
    index = tiny_deck(tmp_path / "talk", one_step('.. raw:: html\n\n   <img src="x.png">'))
    (tmp_path / "talk" / "x.png").write_bytes(PNG)
    assert build(capsys, index, tmp_path / "out")[::2] == (0, "")
    assert (tmp_path / "out" / "x.png").read_bytes() == PNG


def test_the_command_line(capsys, tmp_path):
    """The module runs as ``python -m talk.tools.slides``; a bad command
    line exits 2, a missing source 1, each with no traceback."""
    index = tiny_deck(tmp_path / "talk")
    result = subprocess.run(
        [sys.executable, "-m", "talk.tools.slides", str(index),
         str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr) == (0, "")
    assert "slides: 2 steps ->" in result.stdout

    for args in (["--nope"], ["a.rst", "out", "extra"]):
        with pytest.raises(SystemExit) as exit_:
            slides.main(args)
        assert exit_.value.code == 2
        assert "Traceback" not in capsys.readouterr().err
    status, out, err = build(capsys, tmp_path / "nope.rst", tmp_path / "out2")
    assert_one_line_failure(status, err, "nope.rst: no such file")
    assert not (tmp_path / "out2").exists()


# --- nothing lost, one line for every bad input (issue 19) ----------------------

def one_step(body: str) -> dict[str, str]:
    return {"01_one.rst": f"----\n\nStep one\n========\n\n{body}\n"}


def nested(depth: int) -> str:
    return "".join(f"{'  ' * n}- item\n\n" for n in range(depth))


#: name: (sections of a tiny deck, extra files, where the one line points)
BAD_DECKS = {
    "image ../x outside the build": (
        one_step(".. image:: ../chart.svg"), {"chart.svg": "<svg/>"},
        "01_one.rst:6: '../chart.svg' would be copied outside the build"),
    "image that is a folder": (
        one_step(".. image:: pictures"), {"pictures/a.txt": "x"},
        "01_one.rst:6: 'pictures' is a folder"),
    "raw img without src": (
        one_step(".. raw:: html\n\n   <img alt=x>"), {},
        "01_one.rst:6: <img> without a src"),
    "raw source without src": (
        one_step(".. raw:: html\n\n   <video><source type=x></video>"), {},
        "01_one.rst:6: <source> without a src"),
    "raw img with an empty src": (
        one_step('.. raw:: html\n\n   <img src="">'), {},
        "01_one.rst:6: <img> without a src"),
    "U+001B in a slide": (one_step("Text \x1b[31m red."), {},
                          "01_one.rst:6: control character U+001B"),
    "U+FFFE in a slide": (one_step("Text \ufffe."), {},
                          "01_one.rst:6: control character U+FFFE"),
    "NUL in a slide": (one_step("Text \x00."), {},
                       "01_one.rst:6: control character U+0000"),
    "form feed in a title": ({"01_one.rst": "----\n\nStep\x0cone\n========\n"},
                             {}, "01_one.rst:3: control character U+000C"),
    "a list nested 200 deep": (one_step(nested(200)), {},
                               "index.rst: nested too deeply"),
    "math role": (one_step("Area :math:`x^2`."), {},
                  "index.rst: math needs MathJax from the network"),
    "math directive": (one_step(".. math::\n\n   x^2"), {},
                       "index.rst: math needs MathJax from the network"),
}


@pytest.mark.parametrize("case", sorted(BAD_DECKS))
def test_a_bad_deck_is_one_line_and_nothing_outside(capsys, tmp_path, case):
    sections, files, where = BAD_DECKS[case]
    index = tiny_deck(tmp_path / "talk", sections)
    for name, text in files.items():
        (tmp_path / "talk" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "talk" / name).write_text(text, encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    status, out, err = build(capsys, index, tmp_path / "out" / "slides")
    assert_one_line_failure(status, err, where)
    assert sorted(tmp_path.rglob("*")) == sorted(before + [tmp_path / "out"])


@pytest.mark.parametrize("where", ["css", "js"])
def test_a_bad_byte_or_url_in_css_or_js_is_named(capsys, tmp_path, where):
    talk = tmp_path / "talk"
    index = tiny_deck(talk)
    index.write_text(f":title: T\n:{where}: theme.{where}\n\n.. include:: "
                     "01_one.rst\n", encoding="utf-8")
    (talk / f"theme.{where}").write_bytes(b"a {}\n/* caf\xe9 */\n")
    status, out, err = build(capsys, index, tmp_path / "out")
    assert_one_line_failure(status, err, f"theme.{where}:2: byte 0xe9")
    (talk / f"theme.{where}").write_text("a { background: url(../x.png) }\n",
                                         encoding="utf-8")
    (tmp_path / "x.png").write_bytes(PNG)
    status, out, err = build(capsys, index, tmp_path / "out")
    if where == "css":
        assert_one_line_failure(status, err, "theme.css:1: '../x.png' would "
                                "be copied outside the build")
    else:
        assert status == 0  # JavaScript has no url() to copy
    assert {p.name for p in tmp_path.iterdir()} <= {"out", "talk", "x.png"}
    assert (tmp_path / "x.png").read_bytes() == PNG


def raise_oserror(number: int):
    def fail(*args, **kwargs):
        raise OSError(number, os.strerror(number))
    return fail


@pytest.mark.parametrize("number", [errno.EBUSY, errno.ENOSPC, errno.EACCES])
def test_an_oserror_is_one_line(capsys, deck, monkeypatch, number):
    """A mount point as target (EBUSY at the swap), a full disk (ENOSPC),
    a read-only parent (EACCES): simulated."""
    talk, target = deck
    monkeypatch.setattr(slides, "_swap", raise_oserror(number))
    status, out, err = build(capsys, talk / "index.rst", target)
    assert_one_line_failure(status, err, os.strerror(number))
    assert "the last good build" in err


def test_a_target_under_a_file_or_not_utf8_is_one_line(capsys, tmp_path):
    index = tiny_deck(tmp_path / "talk")
    (tmp_path / "file").write_text("x\n", encoding="utf-8")
    status, out, err = build(capsys, index, tmp_path / "file" / "slides")
    assert_one_line_failure(status, err, "file")
    status, out, err = build(capsys, index, os.fsdecode(
        os.fsencode(tmp_path) + b"/caf\xe9"))
    assert_one_line_failure(status, err, "the folder's name is not UTF-8")


def test_a_file_written_into_the_target_during_a_build_survives(
        capsys, deck, monkeypatch):
    talk, target = deck
    render = slides.render

    def render_and_meanwhile(source, folder, checkpoints):
        (target / "mine.txt").write_text("mine\n", encoding="utf-8")
        return render(source, folder, checkpoints)

    monkeypatch.setattr(slides, "render", render_and_meanwhile)
    status, out, err = build(capsys, talk / "index.rst", target)
    assert_one_line_failure(status, err, "mine.txt")
    assert (target / "mine.txt").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["slides"]


# --- excerpts by name and the talk plan ------------------------------------------

CODE = '''import functools

#: The answer.
ANSWER = 42

#: Typed.
TYPED: int = 3


class Box:
    """A box."""

    # Put it in.
    @functools.cache
    def put(self, thing):
        """Docstring."""
        return thing
'''


@pytest.mark.parametrize("options, shown", [
    (":name: ANSWER", "#: The answer.\nANSWER = 42"),
    (":name: TYPED", "#: Typed.\nTYPED: int = 3"),
    (":name: Box.put", "# Put it in.\n@functools.cache\ndef put(self, thing):\n"
                       "    return thing"),
    (":name: Box.put\n   :docstring:", "# Put it in.\n@functools.cache\n"
     "def put(self, thing):\n    \"\"\"Docstring.\"\"\"\n    return thing"),
])
def test_an_excerpt_shows_one_definition_by_name(capsys, tmp_path, options, shown):
    (tmp_path / "code.py").write_text(CODE, encoding="utf-8")
    index = tiny_deck(tmp_path / "talk", one_step(
        f".. excerpt:: ../code.py\n   {options}"))
    assert build(capsys, index, tmp_path / "out")[0] == 0
    assert code_blocks(tmp_path / "out" / "index.html", "python") == [shown]


@pytest.mark.parametrize("options, where", [
    (":name: gone", "01_one.rst:6: (ERROR/3) excerpt: no definitions of 'gone'"),
    (":name: Box.gone", "excerpt: no definitions of 'Box.gone'"),
    (":name: ANSWER\n   :steps: 2-3", "excerpt: :steps: '2-3'"),
    (":name: Box.put\n   :steps: 3, 1", "excerpt: :steps: '1'"),
])
def test_an_excerpt_fails_the_build_when_its_name_is_gone(capsys, tmp_path,
                                                          options, where):
    (tmp_path / "code.py").write_text(CODE, encoding="utf-8")
    index = tiny_deck(tmp_path / "talk", one_step(
        f".. excerpt:: ../code.py\n   {options}"))
    assert_one_line_failure(*build(capsys, index, tmp_path / "out")[::2], where)


def test_an_excerpt_of_a_file_python_cannot_parse_fails_the_build(capsys, tmp_path):
    (tmp_path / "code.py").write_text("def broken(:\n    pass\n", encoding="utf-8")
    index = tiny_deck(tmp_path / "talk", one_step(
        ".. excerpt:: ../code.py\n   :name: broken"))
    status, out, err = build(capsys, index, tmp_path / "out")
    assert_one_line_failure(status, err, "01_one.rst:6: (ERROR/3) excerpt: ")
    assert "(code.py, line 1)" in err


def test_excerpt_steps_are_substeps_of_their_step(capsys, tmp_path):
    (tmp_path / "code.py").write_text(CODE, encoding="utf-8")
    index = tiny_deck(tmp_path / "talk", one_step(
        ".. excerpt:: ../code.py\n   :name: Box.put\n   :steps: 1, 3-4"))
    assert build(capsys, index, tmp_path / "out")[0] == 0
    (_, body), = steps(tmp_path / "out" / "index.html")
    groups = re.findall(r'<span class="(substep|code-rest)">(.*?\n?)</span>'
                        r'(?=<span class="(?:substep|code-rest)">|</pre>)', body, re.S)
    assert [(kind, htmllib.unescape(re.sub(r"<[^>]+>", "", text)))
            for kind, text in groups] == [
        ("substep", "# Put it in.\n"), ("code-rest", "@functools.cache\n"),
        ("substep", "def put(self, thing):\n    return thing")]


def test_the_talk_plan_follows_the_outline(good_build):
    from talk.tools.outline import read_outline

    talk, target = good_build
    text = (target / "generated" / "talk-plan.js").read_text(encoding="utf-8")
    plan = json.loads(text.removeprefix("window.talkPlan = ").removesuffix(";\n"))
    outline = read_outline(ROOT / "proposal.md")
    assert [(s["number"], s["title"], s["minutes"]) for s in plan["sections"]] \
        == [(s.number, s.title, s.minutes) for s in outline]
    starts = [s["start"] for s in plan["sections"]]
    assert starts == [sum(s.minutes for s in outline[:n]) for n in range(len(outline))]
    assert plan["minutes"] == sum(s.minutes for s in outline) == 30
    found = steps(target / "index.html")
    firsts = [s["first_step"] for s in plan["sections"]]
    assert firsts[0] == 0 and firsts == sorted(firsts)
    assert all("section-start" in found[n][0] for n in firsts[1:])


def test_an_image_outside_the_checkout_is_refused(capsys, tmp_path):
    """A link in the deck's folder to a file elsewhere on the machine."""
    index = tiny_deck(tmp_path / "talk", one_step(".. image:: elsewhere.png"))
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere.png"
    outside.write_bytes(PNG)
    try:
        (tmp_path / "talk" / "elsewhere.png").symlink_to(outside)
        status, out, err = build(capsys, index, tmp_path / "out")
    finally:
        outside.unlink()
    assert_one_line_failure(status, err, "01_one.rst:6: 'elsewhere.png' is "
                            "outside the checkout")

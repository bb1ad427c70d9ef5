"""The attendees' README: short, quick start first, every link and target real.

Issue "Attendees' first ten minutes": a newcomer reads the first screen and
gives up after that, so the quick start sits in the first 150 words and the
whole README stays under 1,200; detail lives in PRESENTING.md and
CONTRIBUTING.md, which the README links.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["README.md", "PRESENTING.md", "CONTRIBUTING.md"]


def words(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split()


def test_the_readme_is_short_and_starts_with_the_quick_start():
    readme = words(ROOT / "README.md")
    assert len(readme) <= 1200
    first_screen = " ".join(readme[:150])
    for command in ("make slides", "-m demos tour hello", "-m demos run",
                    "build/slides/index.html"):
        assert command in first_screen, command
    assert first_screen.index("make slides") < first_screen.index("make test")


@pytest.mark.parametrize("name", DOCS)
def test_every_relative_link_names_a_file_that_exists(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#:]+)\)", text)
    assert links or name != "README.md"
    for link in links:
        assert (ROOT / link).exists(), f"{name}: {link}"


def test_the_readme_links_the_detail_files():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("PRESENTING.md", "CONTRIBUTING.md", "flask-flags/README.md"):
        assert f"]({name})" in text, name


@pytest.mark.parametrize("name", DOCS)
def test_every_make_target_named_exists(name):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.MULTILINE))
    named = set(re.findall(r"`make ([a-z-]+)", (ROOT / name).read_text(
        encoding="utf-8")))
    assert named and named <= targets, named - targets


@pytest.mark.parametrize("name", DOCS)
def test_each_file_says_what_it_is_for_first(name):
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ") and lines[2].strip(), name

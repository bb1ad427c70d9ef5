"""One PNG per step of the built deck, as the projector shows it (1024x768):
``python -m talk.tools.screenshots [INDEX_HTML] [OUT_DIR]`` (defaults
build/slides/index.html, build/screenshots).

decktape takes them (its ``--screenshots``, on the path of talk.tools.pdf);
this tool only names them: ``NN-<step id>.png``, or after the step's title
when it has no id of its own. ``OUT_DIR/.talk-screenshots`` lists
what it wrote (talk.tools._common.claim): it deletes or overwrites only those
files, and refuses when a file it did not write has a name it would use.
Exit status: 0 written; 1 (one line) a missing deck or decktape, a refused or
unwritable OUT_DIR, decktape failing; 2 a bad command line.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

from talk.tools._common import ROOT, claim, parser, run, shown
from talk.tools.pdf import deck_info, decktape

MANIFEST = ".talk-screenshots"


def file_names(steps: list) -> list[str]:
    """``NN-<slug>.png`` for each step (an lxml element) in order: its id,
    or its first heading's text when it has none or hovercraft's ``step-N``."""
    names = []
    for number, step in enumerate(steps, start=1):
        title = step.get("id", "")
        if not title or re.fullmatch(r"step-\d+", title):
            headings = step.xpath(".//h1 | .//h2")
            title = headings[0].text_content() if headings else ""
        slug = re.sub(r"\W+", "-", title.lower()).strip("-")[:50]
        names.append(f"{number:02d}-{slug or 'step'}.png")
    return names


def take(index_html: Path, out_dir: Path, timeout: float = 600) -> list[Path]:
    """Write one PNG per step of *index_html* into *out_dir*; return them.
    Raises ToolError (see the module docstring), OSError when it cannot
    write."""
    steps = deck_info(index_html)[2]
    paths = [out_dir / name for name in file_names(steps)]
    made = claim(paths, out_dir / MANIFEST, "screenshots")
    with tempfile.TemporaryDirectory() as folder:
        decktape(index_html, Path(folder) / "deck.pdf", "--screenshots",
                 "--screenshots-directory", ".", timeout=timeout)
        for old in made - {path.resolve() for path in paths}:
            old.unlink(missing_ok=True)
        for number, path in enumerate(paths, start=1):
            shutil.move(Path(folder) / f"deck_{number}_1024x768.png", path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Run the tool with the command line *argv*; returns the exit status."""
    command = parser("screenshots", __doc__)
    command.add_argument("index", nargs="?", type=Path, metavar="INDEX_HTML",
                         default=ROOT / "build" / "slides" / "index.html")
    command.add_argument("out_dir", nargs="?", type=Path, metavar="OUT_DIR",
                         default=ROOT / "build" / "screenshots")
    return run("screenshots", _command, command.parse_args(argv))


def _command(args) -> None:
    written = take(args.index, args.out_dir)
    print(f"screenshots: {len(written)} PNGs in {shown(args.out_dir)}")


if __name__ == "__main__":
    sys.exit(main())

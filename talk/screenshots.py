"""One PNG per step of the built deck, as the projector shows it (1024x768).

Usage::

    python talk/screenshots.py [INDEX_HTML] [OUT_DIR]

INDEX_HTML defaults to ``build/slides/index.html`` (``make slides``) and
OUT_DIR to ``build/screenshots``. The deck is walked with the keyboard, like
a speaker would, in Debian's Chromium (see talk/browser.py). Old PNGs in
OUT_DIR are removed first; files are named ``NN-<step id>.png``.

Exit status: 0 on success, 1 if the deck or Chromium is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import NEXT_KEYS, VIEWPORT, launch, next_step, open_deck, step_ids  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def take(index_html: Path, out_dir: Path) -> list[Path]:
    """Write one PNG per step of *index_html* into *out_dir*; return them."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.png"):
        old.unlink()
    written = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport=VIEWPORT)
            page = open_deck(context, index_html)
            ids = step_ids(page)
            for number, step_id in enumerate(ids, start=1):
                if number > 1:
                    next_step(page, NEXT_KEYS[0])
                path = out_dir / f"{number:02d}-{step_id}.png"
                page.screenshot(path=str(path))
                written.append(path)
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    index = Path(argv[0]) if argv else ROOT / "build" / "slides" / "index.html"
    out_dir = Path(argv[1]) if len(argv) > 1 else ROOT / "build" / "screenshots"
    if not index.is_file():
        print(f"screenshots: {index} not found: run `make slides` first",
              file=sys.stderr)
        return 1
    try:
        written = take(index, out_dir)
    except FileNotFoundError as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        return 1
    print(f"screenshots: {len(written)} PNGs in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

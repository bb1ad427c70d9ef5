"""The strict slide build: the deck as impress.js HTML, or one clear error.

Usage::

    python -m talk.tools.slides [SOURCE.rst] [TARGET_DIR] [--checkpoints DIR]

SOURCE defaults to ``talk/index.rst``, TARGET_DIR to ``build/slides`` and
DIR to ``demos/checkpoints``.

hovercraft 2.7 exits 0 on a broken include and paints docutils' error into
the slide. Here docutils parses the deck with settings given per call (no
``docutils.conf`` is read and nothing in ``os.environ`` changes), and the
build fails, naming the file and line, on:

* any docutils warning or error: a missing include file or
  ``:start-after:`` marker, an unknown directive, a title underline shorter
  than its title;
* docutils' INFO messages as well, which hovercraft never shows: a title
  underline of 1 to 3 characters is "Possible title underline, too short"
  and turns the title into a paragraph. Only "Duplicate implicit target
  name" (two slides with the same title) passes;
* a byte that is not UTF-8 in any file the deck reads;
* an empty file, an included ``.rst`` file that starts no step (a step
  starts at a transition, ``----``; other included text, such as a
  ``.txt`` fragment, need not), and a deck with no step;
* a ``:css:`` or ``:js-...:`` file that does not exist;
* a live-coding diff too big for a slide, or a deck that includes some of
  the live-coding diffs but not all;
* a docutils system message left in the HTML.

The live-coding diffs: one unified diff per pair of consecutive
checkpoints (``stepNN_*.py``, see :mod:`demos.checkpoints`) is written into
the build's own tree, ``TARGET_DIR/generated/stepNN-stepMM.diff``, before
the deck is parsed. A slide includes one with an absolute path, ``..
include:: /generated/step01-step02.diff``: absolute include paths are read
from the build's tree (docutils' ``root_prefix`` setting). So a slide never
shows a diff the code does not have.

The output: the deck is rendered into a new folder beside TARGET_DIR and
swapped in only when everything passed, so a failed build leaves the last
good one. The build lists what it made in ``TARGET_DIR/.talk-slides-build``
and replaces only such a folder: it refuses a TARGET_DIR that is a file, a
symbolic link, or a folder holding anything it did not make (an empty
folder is fine). It never deletes what it did not make.

Exit status: 0 on success; 1 when the build failed or TARGET_DIR is refused
(one line on stderr names the file and line, or the folder); 2 for a bad
command line.
"""

from __future__ import annotations

import argparse
import difflib
import io
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from demos.checkpoints import CHECKPOINTS, checkpoints
from talk.tools import figures
from talk.tools._common import ROOT, TALK, ToolError, read_text, shown

#: The list of what a build made, in the folder it made.
MARKER = ".talk-slides-build"
#: The build's folder of generated files; slides include ``/generated/...``.
GENERATED = "generated"
#: A diff must fit a 1024x768 slide under its title at 23px monospace, as
#: every code block must: 12 lines, 65 columns (plus the +/- mark: 66).
MAX_DIFF_LINES = 12
MAX_DIFF_WIDTH = 66
#: The line a slide's diff shows between two changes (hunks).
HUNK_SEPARATOR = "\u22ee"  # ⋮
#: docutils settings for every build: given per call, never from a file.
DOCUTILS_SETTINGS = {
    "_disable_config": True,       # no docutils.conf from /etc, ~ or here
    "halt_level": 2,               # stop at the first WARNING ...
    "report_level": 1,             # ... and keep INFO messages to check
    "input_encoding": "utf-8",
    "input_encoding_error_handler": "strict",
    "syntax_highlight": "short",   # as hovercraft 2.7 sets it
}
#: The INFO message that does not fail the build: two slides, one title.
_HARMLESS_INFO = "Duplicate implicit target name"
#: Field names in the master file that name CSS or JavaScript files.
_RESOURCE_FIELD = re.compile(r"^:((?:css|js)(?:-[\w-]+)?):\s*(.+)$",
                             re.MULTILINE)
#: Files docutils may record as read that are not text (a figure's image,
#: measured by Pillow): the text checks skip them.
_NOT_TEXT = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".ico"}
#: hovercraft 2.7's pattern for files a CSS file refers to.
_CSS_URL = re.compile(rb"""url\(['"]?(.*?)['"]?[\)\?\#]""")


class BuildError(ToolError):
    """The deck could not be built; the message names the file and line."""


@dataclass(frozen=True)
class Build:
    """What a build made: *steps* impress.js steps, from the files in
    *dependencies* (absolute paths: the sources, every included file, the
    CSS, JavaScript and images, and the checkpoints the diffs come from);
    *notices*: one line for each value the slides leave out (see
    talk.tools.figures)."""

    steps: int
    dependencies: frozenset[Path]
    notices: tuple[str, ...] = ()


# --- the live-coding diffs ---------------------------------------------------

def checkpoint_pairs(folder: Path = CHECKPOINTS) -> list[tuple[Path, Path]]:
    """Consecutive checkpoints in *folder*, as (older, newer) pairs."""
    try:
        steps = list(checkpoints(folder).values())
    except ValueError as exc:
        raise BuildError(str(exc)) from None
    return list(zip(steps, steps[1:]))


def diff_name(old: Path, new: Path) -> str:
    """``stepNN-stepMM.diff``: the file a slide includes for *old* -> *new*."""
    return f"{old.name[:6]}-{new.name[:6]}.diff"


def checkpoint_diff(old: Path, new: Path) -> str:
    """The diff a slide shows from checkpoint *old* to *new*: difflib's
    unified diff without context, file names or ``@@`` hunk headers, and
    without the lines that only add or remove blank space; a ``⋮`` line
    stands between two changes. "" when they hold the same code."""
    shown_lines: list[str] = []
    for line in difflib.unified_diff(
            read_text(old).splitlines(), read_text(new).splitlines(),
            n=0, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if shown_lines and shown_lines[-1] != HUNK_SEPARATOR:
                shown_lines.append(HUNK_SEPARATOR)
        elif line[1:].strip():
            shown_lines.append(line)
    while shown_lines and shown_lines[-1] == HUNK_SEPARATOR:
        shown_lines.pop()
    return "\n".join(shown_lines) + "\n" if shown_lines else ""


def generate_diffs(out: Path, folder: Path = CHECKPOINTS) -> list[Path]:
    """Write the diff of every checkpoint pair in *folder* into the folder
    *out* (created); returns the paths written.

    Raises BuildError when two checkpoints hold the same code or a diff is
    longer or wider than a slide holds.
    """
    written = []
    for old, new in checkpoint_pairs(folder):
        text = checkpoint_diff(old, new)
        lines = text.splitlines()
        if not lines:
            raise BuildError(f"{shown(new)}: the same code as {old.name}")
        widest = max(len(line) for line in lines)
        if len(lines) > MAX_DIFF_LINES or widest > MAX_DIFF_WIDTH:
            raise BuildError(
                f"/{GENERATED}/{diff_name(old, new)}: {len(lines)} lines, "
                f"{widest} columns; a slide holds {MAX_DIFF_LINES} lines of "
                f"{MAX_DIFF_WIDTH}: make the step from {old.name} to "
                f"{new.name} smaller")
        out.mkdir(parents=True, exist_ok=True)
        path = out / diff_name(old, new)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# --- rendering ---------------------------------------------------------------

def render(source: Path, folder: Path, checkpoint_folder: Path = CHECKPOINTS
           ) -> Build:
    """Render the deck *source* into *folder*, a new empty folder.

    Returns the Build. Raises BuildError (or its base ToolError for a file
    that cannot be read or is not UTF-8) when the deck is not strictly
    correct (see the module docstring); *folder* is then half-written.
    """
    source, folder = Path(source).resolve(), Path(folder).resolve()
    text = read_text(source)
    if not text.strip():
        raise BuildError(f"{shown(source)}:1: the file is empty")
    resources = _resources(source, text)
    diffs = generate_diffs(folder / GENERATED, checkpoint_folder)
    notices, figure_sources = figures.generate(
        folder / GENERATED, source.parent / figures.TALK_TOML_NAME)
    doctree, read = _parse(source, text, folder)
    _check_messages(doctree)
    _check_steps(doctree, source, read)

    included = [path for path in diffs if path in read]
    if included:
        missing = [path for path in diffs if path not in read]
        if missing:
            raise BuildError(
                f"/{GENERATED}/{missing[0].name} is generated from the "
                f"checkpoints but no slide includes it: every live-coding "
                f"step is on a slide")
        read |= {path.resolve() for path in
                 checkpoints(checkpoint_folder).values()}
    if not read & {folder / GENERATED / name
                   for name in figures.WHO_AND_WHERE}:
        notices = []  # no slide shows who and where: nothing is missing
    try:
        steps, copied = _write_html(doctree, source, folder)
    except OSError as exc:
        raise BuildError(f"{shown(source)}: {exc}") from None
    used = {path for path in read | resources | copied | figure_sources
            if not path.is_relative_to(folder)}
    return Build(steps, frozenset(used | {source}), tuple(notices))


def _resources(source: Path, text: str) -> set[Path]:
    """The CSS and JavaScript files the master file's fields name; raises
    BuildError for a missing one."""
    found = set()
    for match in _RESOURCE_FIELD.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        for name in match.group(2).split():
            path = (source.parent / name).resolve()
            if not path.is_file():
                raise BuildError(f"{shown(source)}:{line}: "
                                 f":{match.group(1)}: file {name!r} not found")
            found.add(path)
    return found


def _parse(source: Path, text: str, root: Path):
    """docutils' document tree of *source* and the files it read."""
    from docutils.core import publish_doctree
    from docutils.utils import SystemMessage
    from hovercraft.parse import HovercraftReader

    reader = HovercraftReader()
    settings = {**DOCUTILS_SETTINGS, "root_prefix": str(root),
                # docutils also prints what it raises: say it once, below
                "warning_stream": io.StringIO()}
    try:
        doctree = publish_doctree(text, source_path=str(source), reader=reader,
                                  settings_overrides=settings)
    except SystemMessage as exc:
        # A file that is not UTF-8: name it and its line, not the include.
        for name in reversed(reader.settings.record_dependencies.list):
            if Path(name).suffix.lower() not in _NOT_TEXT:
                read_text(name)
        raise BuildError(_one_line(str(exc))) from None
    read = {Path(name).resolve()
            for name in reader.settings.record_dependencies.list}
    return doctree, read


def _one_line(message: str) -> str:
    """docutils' message without the directive it quotes, on one line."""
    return " ".join(message.strip().split("\n\n")[0].split())


def _check_messages(doctree) -> None:
    """Raise BuildError for an INFO message docutils left in the tree;
    remove the harmless ones."""
    from docutils import nodes

    for message in list(doctree.findall(nodes.system_message)):
        text = message.astext()
        if _HARMLESS_INFO in text.splitlines()[0]:
            message.parent.remove(message)
            continue
        raise BuildError(_one_line(text))


def _check_steps(doctree, master: Path, read: set[Path]) -> None:
    """Raise BuildError for an empty file among *master* and the files in
    *read*, or an included ``.rst`` file that starts no step."""
    from docutils import nodes

    for path in sorted(read | {master}):
        if path.suffix.lower() not in _NOT_TEXT and not read_text(path).strip():
            raise BuildError(f"{shown(path)}:1: the file is empty")
    parsed, starts = set(), Counter()
    for node in doctree.findall(nodes.Element):
        if node.source and not isinstance(node, nodes.literal_block):
            parsed.add(Path(node.source).resolve())
        if isinstance(node, nodes.transition) and node.source:
            starts[Path(node.source).resolve()] += 1
    for path in sorted((parsed & read) - {master}):
        if path.suffix == ".rst" and not starts[path]:
            raise BuildError(f"{shown(path)}:1: starts no step: an included "
                             ".rst file begins each of its steps with a "
                             "transition line (----)")


def _write_html(doctree, source: Path, folder: Path) -> tuple[int, set[Path]]:
    """hovercraft 2.7's rst2html() and generate(), from a parsed tree:
    write index.html and the files it uses into *folder*. Returns the
    number of steps and the source files copied."""
    from docutils.core import publish_from_doctree
    from docutils.writers.docutils_xml import Writer
    from hovercraft.generate import ResourceResolver, copy_resource
    from hovercraft.parse import SlideMaker
    from hovercraft.position import position_slides
    from hovercraft.template import (CSS_RESOURCE, JS_POSITION_BODY,
                                     JS_POSITION_HEADER, JS_RESOURCE,
                                     OTHER_RESOURCE, Template)
    from lxml import etree, html

    xml = publish_from_doctree(doctree, writer=Writer(), settings_overrides={
        "_disable_config": True, "syntax_highlight": "short"})
    slides = SlideMaker(etree.fromstring(xml))
    tree = slides.walk()
    if slides.need_mathjax:
        raise BuildError(f"{shown(source)}: math needs MathJax from the "
                         "network, and the deck must work offline")
    template = Template()
    for field, value in tree.attrib.items():
        for name in value.split() if field.startswith(("css", "js")) else ():
            path = str(source.parent / name)
            media = field.split("-", 1)[1] if "-" in field else None
            if field.startswith("js"):
                where = JS_POSITION_HEADER if media == "header" \
                    else JS_POSITION_BODY
                template.add_resource(path, JS_RESOURCE, name, where)
            elif media in ("console", "preview"):
                template.add_resource(path, OTHER_RESOURCE, name)
            else:
                template.add_resource(path, CSS_RESOURCE, name,
                                      media or "screen,projection")
    position_slides(tree)
    tree.append(template.xml_node())
    tree.attrib["skip-help"] = tree.attrib["slide-numbers"] = "True"
    parser = etree.XMLParser()
    parser.resolvers.add(ResourceResolver())
    transform = etree.XSLT(etree.fromstring(template.xsl, parser))
    page = template.doctype + html.tostring(transform(tree))
    if b"system-message" in page or b'Problems with "' in page:
        raise BuildError(f"{shown(source)}: docutils system message in HTML")
    steps = page.count(b'class="step ')
    if not steps:
        raise BuildError(f"{shown(source)}:1: the deck has no step: start "
                         "each step with a transition line (----)")
    (folder / "index.html").write_bytes(page)

    for _ in template.copy_resources(str(folder)):
        pass  # a generator: hovercraft's files and the deck's CSS and JS
    copied = []
    for element in html.fromstring(page).iter("img", "source"):
        if element.attrib["src"].startswith(f"{GENERATED}/"):
            continue  # made by this build, already in its folder
        copied.append(copy_resource(element.attrib["src"], str(source.parent),
                                    str(folder)))
    for resource in template.resources:
        if resource.resource_type == CSS_RESOURCE and \
                not resource.is_in_template:
            here = os.path.dirname(resource.filepath)
            there = os.path.dirname(os.path.join(folder, resource.final_path()))
            for url in _CSS_URL.findall(template.read_data(resource)):
                copied.append(copy_resource(url.decode(), here, there))
    return steps, {Path(name).resolve() for name in copied if name}


# --- the target folder ---------------------------------------------------------

def build(source: Path, target: Path, checkpoint_folder: Path = CHECKPOINTS
          ) -> Build:
    """Build *source* into the folder *target*, replacing it only on success
    and only if it is new, empty or a previous build (see the module
    docstring).

    Returns the Build. Raises BuildError (ToolError for an unreadable file)
    and then leaves *target* and its folder as they were.
    """
    target = Path(os.path.abspath(target))
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-",
                                    dir=target.parent))
    try:
        staging.chmod(0o755)  # mkdtemp's 0700 would hide it from a server
        result = render(source, staging, checkpoint_folder)
        _write_manifest(staging)
        _swap(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return result


def check_target(target: Path) -> None:
    """Raise BuildError unless the build may replace *target*: a folder that
    does not exist yet, an empty one, or one a build made, holding only
    what that build listed."""
    if target.is_symlink():
        raise BuildError(f"{shown(target)} is a symbolic link: give a folder")
    if not target.exists():
        return
    if not target.is_dir():
        raise BuildError(f"{shown(target)} is a file, not a folder: give a "
                         "folder for the deck (the file is left as it is)")
    found = _paths(target)
    if not found:
        return
    made = _manifest(target)
    foreign = sorted(found - made - {MARKER}) if made is not None else sorted(
        found)
    if foreign:
        raise BuildError(
            f"{shown(target)} holds {shown(target / foreign[0])}"
            + (f" and {len(foreign) - 1} more" if len(foreign) > 1 else "")
            + ", which the build did not make: give a new or empty folder, or "
              "one a build made (nothing was changed)")


def is_build(folder: Path) -> bool:
    """True if *folder* is a folder a build made."""
    return Path(folder).is_dir() and _manifest(Path(folder)) is not None


def _paths(folder: Path) -> set[str]:
    """Every file and folder under *folder*, as POSIX paths relative to it."""
    found = set()
    for top, dirs, files in os.walk(folder):
        for name in dirs + files:
            found.add(Path(top, name).relative_to(folder).as_posix())
    return found


def _manifest(folder: Path) -> set[str] | None:
    try:
        lines = (folder / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if not lines or not lines[0].startswith("# talk.tools.slides"):
        return None
    return set(lines[1:])


def _write_manifest(folder: Path) -> None:
    (folder / MARKER).write_text(
        "# talk.tools.slides made this folder and every path below; the next "
        "build replaces them\n" + "".join(f"{path}\n" for path in sorted(
            _paths(folder))), encoding="utf-8")


def _swap(staging: Path, target: Path) -> None:
    """Put *staging* in the place of *target*; remove the previous build."""
    if not target.exists():
        staging.rename(target)
        return
    old = staging.with_name(staging.name.replace(".new-", ".old-", 1))
    target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old)


# --- command line --------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    """Run the build with the command line *argv*; returns the exit status
    (argparse exits 2 itself for a bad command line)."""
    parser = argparse.ArgumentParser(
        prog="python -m talk.tools.slides",
        description="Build the deck, strictly: any docutils message, empty "
                    "file or stepless section fails it and the last good "
                    "build stays.",
        epilog="Exit status: 0 built; 1 the build failed or TARGET_DIR is "
               "refused (one line on stderr); 2 a bad command line.")
    parser.add_argument("source", nargs="?", type=Path,
                        default=TALK / "index.rst", metavar="SOURCE.rst",
                        help="the deck's master file (default talk/index.rst)")
    parser.add_argument("target", nargs="?", type=Path,
                        default=ROOT / "build" / "slides", metavar="TARGET_DIR",
                        help="where the deck goes (default build/slides): a "
                             "new or empty folder, or a previous build")
    parser.add_argument("--checkpoints", type=Path, default=CHECKPOINTS,
                        metavar="DIR", help="the live-coding checkpoints "
                        "(default demos/checkpoints)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if not args.source.is_file():
            raise BuildError(f"{shown(args.source)}: no such file")
        result = build(args.source, args.target, args.checkpoints)
    except ToolError as exc:
        kept = (f" (the last good build in {shown(args.target)} is kept)"
                if is_build(args.target) else "")
        print(f"slides: FAILED: {exc}{kept}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    for notice in result.notices:
        print(f"slides: note: {notice}", file=sys.stderr)
    print(f"slides: {result.steps} steps -> "
          f"{shown(args.target / 'index.html')} ({seconds:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

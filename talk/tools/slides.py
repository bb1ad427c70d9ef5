"""The strict slide build: ``python -m talk.tools.slides [SOURCE.rst]
[TARGET_DIR] [--checkpoints DIR]`` (talk/index.rst, build/slides, demos/checkpoints).

Any docutils message fails the build (its settings are per call: no
docutils.conf loosens it), as do a byte not UTF-8 or a control character in
any file read, an empty file, an included .rst file that starts no step, a
missing :css:/:js: file, an image or CSS url() that is a folder, outside the
checkout or copied outside the build (``../x``), a live-coding diff too big or
on no slide: one line names the file (and line), exit status 1 (2: a bad
command line). Also made, in ``generated/``: the diffs (generate_diffs), the
figures (talk.tools.figures), talk-plan.js (talk_plan), print.js (PRINT_JS).
TARGET_DIR is replaced only on success and only if new, empty or a build's
(``.talk-slides-build`` lists what it made): nothing else is ever deleted.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from docutils.core import publish_doctree, publish_from_doctree
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.directives.misc import Include
from docutils.utils import SystemMessage
from docutils.utils.code_analyzer import Lexer
from docutils.writers.docutils_xml import Writer
from hovercraft import template as tpl
from hovercraft.generate import ResourceResolver
from hovercraft.parse import HovercraftReader, SlideMaker
from hovercraft.position import position_slides
from lxml import etree, html

from demos.checkpoints import CHECKPOINTS, checkpoints, diff
from talk.tools import figures
from talk.tools._common import CONTROL, ROOT, TALK, ToolError, parser, read_text, run, shown
from talk.tools.outline import read_outline

MARKER, GENERATED = ".talk-slides-build", "generated"
HEADER = ("# talk.tools.slides made this folder and every path below; the next "
          "build replaces them")
#: A diff fits a 1024x768 slide as every code block: 12 lines of 66 columns.
MAX_DIFF_LINES, MAX_DIFF_WIDTH = 12, 66
SETTINGS = {"_disable_config": True, "halt_level": 2, "report_level": 1,
            "input_encoding": "utf-8", "input_encoding_error_handler": "strict",
            "syntax_highlight": "short", "traceback": True, "warning_stream": False}
RESOURCE_FIELD = re.compile(r"^:((?:css|js)(?:-[\w-]+)?):\s*(.+)$", re.M)
CSS_URL = re.compile(r"""url\(['"]?(.*?)['"]?[\)\?\#]""")  # hovercraft's
STEPS = re.compile(r"\s*(\d+)\s*(?:-\s*(\d+))?\s*")  # one group of :steps:
#: Opened with ``?print`` (talk.tools.pdf), the deck has no code substeps:
#: decktape prints one page per step, each block whole.
PRINT_JS = """if (/[?&]print\\b/.test(location.search)) addEventListener(
  "DOMContentLoaded", () => document.querySelectorAll("#impress pre .substep")
    .forEach(el => el.classList.remove("substep")));
"""


class BuildError(ToolError):
    """The deck is not strictly correct; the message names file and line."""


@dataclass(frozen=True)
class Build:
    """*steps* made from *dependencies* (every file read, absolute);
    *notices*: values the slides leave out (talk.tools.figures)."""

    steps: int
    dependencies: frozenset[Path]
    notices: tuple[str, ...] = ()


class StrictInclude(Include):
    """docutils' include; a bad byte, a control character or an empty file
    is named with its line."""

    def read_file(self, path):
        try:
            text = super().read_file(path)
        except Exception:
            if os.path.isfile(path):
                read_text(path)  # raises, naming a bad byte's line
            raise
        if CONTROL.search(text):
            read_text(path)
        if not text.strip():
            raise BuildError(f"{shown(path)}:1: the file is empty")
        return text


class Excerpt(Directive):
    """``.. excerpt:: FILE`` ``:name: NAME``: the def, class, ``Class.method``
    or module-level assignment NAME of the Python file FILE (relative to the
    rst file), dedented, with its decorators and the comment lines above it,
    its docstring left out (unless ``:docstring:``). ``:steps: 1-3, 4, 5-9``:
    ascending groups of its lines, each an impress.js substep. A NAME not
    defined exactly once fails the build."""

    required_arguments = 1
    option_spec = {"name": directives.unchanged_required, "steps": directives.unchanged,
                   "docstring": directives.flag}

    def run(self):
        path = Path(self.state.document.current_source).parent / self.arguments[0]
        self.state.document.settings.record_dependencies.add(str(path))
        name = self.options.get("name", "")
        try:
            text = read_text(path)
            found = _find(ast.parse(text, str(path)).body, name.split("."))
        except (ToolError, SyntaxError) as exc:
            raise self.error(f"excerpt: {exc}") from None
        if len(found) != 1:
            raise self.error(f"excerpt: {len(found) or 'no'} definitions of {name!r} in "
                             f"{shown(path)}: give a def, class, method or assignment "
                             "defined once")
        lines = _lines(text.splitlines(), found[0], "docstring" in self.options)
        return [self.block("\n".join(lines), self.groups(len(lines)))]

    def groups(self, count: int) -> dict[int, int]:
        """``{line: group}`` of the ``:steps:`` option, for *count* lines."""
        parts = [part for part in self.options.get("steps", "").split(",") if part.strip()]
        group_of, last = {}, 0
        for group, part in enumerate(parts):
            match = STEPS.fullmatch(part)
            first, end = (int(match[1]), int(match[2] or match[1])) if match else (0, 0)
            if first <= last or end < first or end > count:
                raise self.error(f"excerpt: :steps: {part.strip()!r}: give ascending groups "
                                 f"of lines 1-{count}: 1-3, 4, 5-9")
            group_of.update(dict.fromkeys(range(first, end + 1), group))
            last = end
        return group_of

    def block(self, code: str, group_of: dict[int, int]):
        """The highlighted literal block of *code*; with substeps, each run
        of lines of one group (or of none) in a ``<span>`` of its own."""
        block = nodes.literal_block(code, classes=["code", "python"])
        self.add_name(block)
        parent, current, line = block, None, 1
        for classes, value in Lexer(code, "python", "short"):
            for piece in value.splitlines(keepends=True):
                if group_of and group_of.get(line, -1) != current:
                    current = group_of.get(line, -1)
                    parent = nodes.inline(classes=["code-rest" if current < 0 else "substep"])
                    block += parent
                if classes:
                    parent += nodes.inline(piece, piece, classes=classes)
                else:
                    parent += nodes.Text(piece)
                if piece.endswith("\n"):
                    line += 1
        return block


def _find(body: list, names: list[str]) -> list:
    """The nodes of *body* defining ``names[0]`` (then, in a class, the rest)."""
    found = []
    for node in body:
        if isinstance(node, ast.Assign):
            defined = [target.id for target in node.targets if isinstance(target, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined = [node.target.id]
        else:
            defined = [getattr(node, "name", None)]
        if names[0] in defined and len(names) == 1:
            found.append(node)
        elif names[0] in defined:
            found += _find(getattr(node, "body", []), names[1:])
    return found


def _lines(lines: list[str], node, docstring: bool) -> list[str]:
    """The lines of *node* shown by an excerpt (see Excerpt)."""
    decorators = getattr(node, "decorator_list", [])
    first = min([node.lineno] + [d.lineno for d in decorators]) - 1
    while first and lines[first - 1].lstrip().startswith("#"):
        first -= 1
    skip = range(0)
    if not docstring and hasattr(node, "body") and ast.get_docstring(node):
        skip = range(node.body[0].lineno - 1, node.body[0].end_lineno)
    kept = [line for n, line in enumerate(lines[:node.end_lineno])
            if n >= first and n not in skip]
    return textwrap.dedent("\n".join(kept)).splitlines()


directives.register_directive("include", StrictInclude)
directives.register_directive("excerpt", Excerpt)


def generate_diffs(out: Path, folder: Path = CHECKPOINTS) -> list[Path]:
    """Write ``stepNN-stepMM.diff`` (demos.checkpoints.diff) into *out* for
    each pair of consecutive checkpoints in *folder*; returns the paths.
    BuildError when two hold the same code or a diff does not fit a slide."""
    try:
        steps = list(checkpoints(folder).values())
    except ValueError as exc:
        raise BuildError(str(exc)) from None
    texts = [read_text(path) for path in steps]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for old, new, before, after in zip(steps, steps[1:], texts, texts[1:]):
        name = f"{old.name[:6]}-{new.name[:6]}.diff"
        lines = diff(before, after).splitlines()
        if not lines:
            raise BuildError(f"{shown(new)}: the same code as {old.name}")
        widest = max(len(line) for line in lines)
        if len(lines) > MAX_DIFF_LINES or widest > MAX_DIFF_WIDTH:
            raise BuildError(f"/{GENERATED}/{name}: {len(lines)} lines, {widest} columns; a "
                             f"slide holds {MAX_DIFF_LINES} lines of {MAX_DIFF_WIDTH}: make "
                             f"the step from {old.name} to {new.name} smaller")
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(out / name)
    return written


def talk_plan(proposal: Path, starts: list[Path]) -> str:
    """``window.talkPlan = {...};``: *proposal*'s outline, total minutes and
    per section its minutes, planned start and first step (0-based index in
    *starts*, the file of each step, of one from ``0N_*.rst``; else null)."""
    sections, start = [], 0.0
    for section in read_outline(proposal):
        prefix = f"{section.number:02d}_"
        first = next((n for n, path in enumerate(starts) if path.name.startswith(prefix)),
                     None)
        sections.append({"number": section.number, "title": section.title,
                         "minutes": section.minutes, "start": start, "first_step": first})
        start += section.minutes
    plan = json.dumps({"minutes": start, "sections": sections}, ensure_ascii=False)
    return f"window.talkPlan = {plan};\n"


def render(source: Path, folder: Path, checkpoint_folder: Path = CHECKPOINTS) -> Build:
    """Render the deck *source* into *folder*, a new empty folder; returns
    the Build. Raises BuildError (ToolError for an unreadable file) when the
    deck is not strictly correct; *folder* is then half-written."""
    source, folder = Path(source).resolve(), Path(folder).resolve()
    generated = folder / GENERATED
    text = read_text(source)
    if not text.strip():
        raise BuildError(f"{shown(source)}:1: the file is empty")
    diffs = generate_diffs(generated, checkpoint_folder)
    notices, used = figures.generate(generated, source.parent / figures.TALK_TOML_NAME)
    proposal = source.parent.parent / "proposal.md"
    if not proposal.is_file():
        proposal = ROOT / "proposal.md"
    reader, settings = HovercraftReader(), {**SETTINGS, "root_prefix": str(folder)}
    try:
        doctree = publish_doctree(text, str(source), reader=reader,
                                  settings_overrides=settings)
        read = {Path(name).resolve() for name in reader.settings.record_dependencies.list}
        starts = [Path(t.source).resolve() for t in doctree.findall(nodes.transition)]
        _check(doctree, read, starts, diffs)
        (generated / "talk-plan.js").write_text(talk_plan(proposal, starts), encoding="utf-8")
        (generated / "print.js").write_text(PRINT_JS, encoding="utf-8")
        steps, copied = _write_html(doctree, source, text, folder)
    except SystemMessage as exc:
        raise BuildError(" ".join(str(exc).split("\n\n")[0].split())) from None
    except RecursionError:
        raise BuildError(f"{shown(source)}: nested too deeply (a list in a list in a list "
                         "...)") from None
    if not read & {generated / name for name in figures.WHO_AND_WHERE}:
        notices = []  # no slide shows who and where: nothing is missing
    read |= {path.resolve() for path in checkpoints(checkpoint_folder).values()}
    every = read | copied | used | {proposal, source}
    return Build(steps, frozenset(p for p in every if not p.is_relative_to(folder)),
                 tuple(notices))


def _check(doctree, read: set[Path], starts: list[Path], diffs: list[Path]) -> None:
    """BuildError for an INFO message (but "Duplicate implicit target name":
    two slides, one title), an included .rst file (in *read*) that starts no
    step (none of *starts*), or a diff on no slide when another is on one."""
    for message in list(doctree.findall(nodes.system_message)):
        if "Duplicate implicit target name" not in message.astext().splitlines()[0]:
            raise SystemMessage(message, message["level"])
        message.parent.remove(message)
    for path in sorted(read):
        if path.suffix == ".rst" and path not in starts:
            raise BuildError(f"{shown(path)}:1: starts no step: an included .rst file "
                             "begins each of its steps with a transition line (----)")
    missing = [path for path in diffs if path not in read]
    if missing and len(missing) < len(diffs):
        raise BuildError(f"/{GENERATED}/{missing[0].name} is generated from the checkpoints "
                         "but no slide includes it: every live-coding step is on a slide")


def _write_html(doctree, source: Path, text: str, folder: Path) -> tuple[int, set[Path]]:
    """Write index.html, hovercraft's css/ and js/ and the deck's files
    (_resources) into *folder*; returns the number of steps and the files copied.

    Not hovercraft's ``generate()``/``rst2html()``: they parse the file again
    through ``rst2xml`` with only ``{"syntax_highlight": "short"}`` (not strict,
    docutils.conf read, no ``root_prefix``, which the ``/generated/NAME``
    includes need), and ``copy_resource`` joins paths unchecked (``../x`` lands
    outside the target). So: rst2html's middle (SlideMaker, position_slides,
    Template, XSLT) on the tree parsed once."""
    xml = publish_from_doctree(doctree, writer=Writer(), settings_overrides={
        "_disable_config": True, "syntax_highlight": "short"})
    slides = SlideMaker(etree.fromstring(xml))
    tree = slides.walk()
    if slides.need_mathjax:
        raise BuildError(f"{shown(source)}: math needs MathJax from the network, and the "
                         "deck must work offline")
    template = tpl.Template()
    shutil.copytree(template.template_root, folder, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("template.*"))  # hovercraft's css/, js/
    for name in ("talk-plan.js", "print.js"):
        template.add_resource(None, tpl.JS_RESOURCE, f"{GENERATED}/{name}",
                              tpl.JS_POSITION_HEADER)
    used = _resources(doctree, source, text, folder, template)
    position_slides(tree)
    tree.append(template.xml_node())
    tree.attrib["skip-help"] = tree.attrib["slide-numbers"] = "True"
    parser = etree.XMLParser()
    parser.resolvers.add(ResourceResolver())
    transform = etree.XSLT(etree.fromstring(template.xsl, parser))
    page = template.doctype + html.tostring(transform(tree))
    steps = page.count(b'class="step ')
    if not steps:
        raise BuildError(f"{shown(source)}:1: the deck has no step: start each step with a "
                         "transition line (----)")
    (folder / "index.html").write_bytes(page)
    return steps, used


def _resources(doctree, source: Path, text: str, folder: Path, template) -> set[Path]:
    """Copy into *folder* the files the deck uses, each checked (_copy): the
    ``:css:``/``:js:`` files of *text* (added to hovercraft's *template*),
    those their CSS ``url()``s name, the images and the ``<img>``/``<source>``
    of raw html (but ``data:``, ``#`` and generated ones); returns their paths."""
    checkout, used, wanted = source.parent.parent, set(), []  # wanted: _copy's arguments
    for match in RESOURCE_FIELD.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        where = f"{shown(source)}:{line}: :{match[1]}: file"
        kind, _, media = match[1].partition("-")
        for name in match[2].split():
            path = _copy(name, source.parent, folder, folder, checkout, where)
            used.add(path)
            content = read_text(path)  # a byte not UTF-8 or a control character fails
            if kind == "js":
                at = tpl.JS_POSITION_HEADER if media == "header" else tpl.JS_POSITION_BODY
                template.add_resource(path, tpl.JS_RESOURCE, name, at)
                continue
            if media not in ("console", "preview"):
                template.add_resource(path, tpl.CSS_RESOURCE, name,
                                      media or "screen,projection")
            for url in CSS_URL.finditer(content):
                line = content.count("\n", 0, url.start()) + 1
                wanted.append((url[1], path.parent, (folder / name).parent,
                               f"{shown(path)}:{line}:"))
    for node in doctree.findall(lambda node: isinstance(node, (nodes.image, nodes.raw))):
        where = f"{shown(node.source or '?')}:{node.line or 0}:"
        if isinstance(node, nodes.image):
            wanted.append((node["uri"], source.parent, folder, where))
        elif "html" in node.get("format", "").split():
            raw = html.fromstring(f"<div>{node.astext()}</div>")
            for element in raw.iter("img", "source"):
                if not element.get("src", "").strip():
                    raise BuildError(f"{where} <{element.tag}> without a src: give the "
                                     "file it shows")
                wanted.append((element.get("src"), source.parent, folder, where))
    for uri, here, there, where in wanted:
        target = there / uri
        if uri.startswith(("data:", "#")) or (
                target.is_file() and target.resolve().is_relative_to(folder / GENERATED)):
            continue
        used.add(_copy(uri, here, there, folder, checkout, where))
    return used


def _copy(uri: str, here: Path, there: Path, folder: Path, checkout: Path,
          where: str) -> Path:
    """Copy the file *uri* names (relative to *here*) to *there* / *uri*; returns
    its path. BuildError naming *where* unless it is a file of *checkout* (or of
    the repository) and the copy stays inside *folder*."""
    path, target = (here / uri).resolve(), there / uri
    if ":" in uri or not Path(os.path.normpath(target)).is_relative_to(folder):
        problem = ("would be copied outside the build (or is a URL): keep it in the "
                   "deck's folder")
    elif path.is_dir():
        problem = "is a folder"
    elif not path.is_file():
        problem = "is not found"
    elif not (path.is_relative_to(ROOT) or path.is_relative_to(checkout)):
        problem = "is outside the checkout"
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        return path
    raise BuildError(f"{where} {uri!r} {problem}")


def build(source: Path, target: Path, checkpoint_folder: Path = CHECKPOINTS) -> Build:
    """Build *source* into the folder *target*, replacing it only on success
    and only if it is new, empty or a previous build; returns the Build.
    Raises BuildError (any OSError too) and then leaves *target* as it was;
    a target that is a symbolic link, a file or not UTF-8 is refused."""
    target = Path(os.path.abspath(target))
    if re.search("[\ud800-\udfff]", str(target)):  # a byte not UTF-8 (PEP 383)
        raise BuildError(f"{ascii(str(target))}: the folder's name is not UTF-8: give "
                         "another")
    try:
        if target.is_symlink():
            raise BuildError(f"{shown(target)} is a symbolic link: give a folder")
        if target.exists() and not target.is_dir():
            raise BuildError(f"{shown(target)} is a file, not a folder: give a folder for "
                             "the deck (the file is left as it is)")
        _refuse_foreign(target, target)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".{target.name}.new-", dir=target.parent,
                                         ignore_cleanup_errors=True) as name:
            staging = Path(name)
            staging.chmod(0o755)  # mkdtemp's 0700 would hide it from a server
            result = render(source, staging, checkpoint_folder)
            made = sorted(path.relative_to(staging).as_posix() for path in staging.rglob("*"))
            (staging / MARKER).write_text("\n".join([HEADER, *made]) + "\n", encoding="utf-8")
            _swap(staging, target)
    except OSError as exc:
        raise BuildError(f"{shown(exc.filename or target)}: {exc.strerror or exc}") from None
    return result


def _listed(folder: Path) -> set[str]:
    """The paths below *folder* (relative, with ``/``) that the build which
    made it listed, and its list; empty if no build made it."""
    try:
        lines = (folder / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return set()
    return {MARKER, *lines[1:]} if lines[:1] == [HEADER] else set()


def is_build(folder: Path) -> bool:
    """True if *folder* is a folder a build made."""
    return bool(_listed(Path(folder)))


def _refuse_foreign(folder: Path, target: Path) -> None:
    """BuildError when *folder* (the build *target*, or its old copy) holds
    a path the build that made it did not list."""
    found = {path.relative_to(folder).as_posix() for path in folder.rglob("*")}
    foreign = sorted(found - _listed(folder))
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        raise BuildError(f"{shown(target)} holds {shown(target / foreign[0])}{more}, which "
                         "the build did not make: give a new or empty folder, or one a "
                         "build made (nothing was changed)")


def _swap(staging: Path, target: Path) -> None:
    """Put *staging* in the place of *target*, moved aside first and then
    deleted when it holds only what the previous build listed (a file
    written into it during the build makes it stay: BuildError)."""
    if not target.exists():
        staging.rename(target)
        return
    old = staging.with_name(staging.name.replace(".new-", ".old-", 1))
    target.rename(old)
    try:
        _refuse_foreign(old, target)
        staging.rename(target)
    except (OSError, BuildError):
        old.rename(target)
        raise
    shutil.rmtree(old)


def main(argv: list[str] | None = None) -> int:
    """Run the build with the command line *argv*; returns the exit status."""
    command = parser("slides", __doc__)
    command.add_argument("source", nargs="?", type=Path, metavar="SOURCE.rst",
                         default=TALK / "index.rst")
    command.add_argument("target", nargs="?", type=Path, metavar="TARGET_DIR",
                         default=ROOT / "build" / "slides")
    command.add_argument("--checkpoints", type=Path, default=CHECKPOINTS)
    return run("slides", _command, command.parse_args(argv))


def _command(args) -> None:
    started = time.perf_counter()
    try:
        if not args.source.is_file():
            raise BuildError(f"{shown(args.source)}: no such file")
        result = build(args.source, args.target, args.checkpoints)
    except ToolError as exc:
        kept = ""
        if is_build(args.target):
            kept = f" (the last good build in {shown(args.target)} is kept)"
        raise ToolError(f"FAILED: {exc}{kept}") from None
    for notice in result.notices:
        print(f"slides: note: {notice}", file=sys.stderr)
    print(f"slides: {result.steps} steps -> {shown(args.target / 'index.html')}"
          f" ({time.perf_counter() - started:.2f} s)")


if __name__ == "__main__":
    sys.exit(main())

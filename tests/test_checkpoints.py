"""demos/checkpoints/: the live-coded build-up of the feature-flag extension.

Each checkpoint is imported from its file, fresh for every test, and the
behaviour it adds is checked on it and on every later checkpoint; the same
check must fail on the checkpoint before, so each step really adds it. The
finished checkpoint must agree with flask-flags/flask_flags.py where they
overlap, and the diffs on the slides must be difflib's diffs of the files.
"""

from __future__ import annotations

import difflib
import html as htmllib
import importlib.util
import itertools
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask

import flask_flags
from demos.checkpoints import CHECKPOINTS, TRY, checkpoints, diff, typed
from demos.cli import discover

FILES = list(checkpoints().values())
_counter = itertools.count()


def load(path: Path) -> ModuleType:
    """Import the checkpoint at *path* as a new module (fresh app, config)."""
    name = f"_checkpoint_{path.stem}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # Flask finds its root path through it
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def checkpoint(number: int) -> ModuleType:
    """Checkpoint *number* (1-based), freshly imported."""
    return load(FILES[number - 1])


# --- what each step adds ------------------------------------------------------
# A check takes a freshly imported checkpoint and raises AssertionError or
# AttributeError when the behaviour is missing.

NEW = "The new one-click checkout."


def checkout_route(module):
    module.app.config["FEATURE_FLAGS"] = {"new_checkout": True}
    response = module.app.test_client().get("/checkout")
    assert (response.status_code, response.text) == (200, NEW)


def checkout_404_while_off(module):
    app = module.app
    app.config["FEATURE_FLAGS"] = {"new_checkout": False}
    assert app.test_client().get("/checkout").status_code == 404
    app.config["FEATURE_FLAGS"] = {}  # a flag nobody configured: off
    assert app.test_client().get("/checkout").status_code == 404
    app.config["FEATURE_FLAGS"] = {"new_checkout": True}
    assert app.test_client().get("/checkout").text == NEW


def one_snapshot_per_request(module):
    app = module.app

    @app.route("/flip")
    def flip():
        before = module.is_active("new_checkout")
        app.config["FEATURE_FLAGS"]["new_checkout"] = not before
        return {"before": before, "after": module.is_active("new_checkout")}

    app.config["FEATURE_FLAGS"] = {"new_checkout": False}
    client = app.test_client()
    assert client.get("/flip").json == {"before": False, "after": False}
    # the next request sees the flip
    assert client.get("/flip").json == {"before": True, "after": True}


def extension_object(module):
    flags = module.flags
    assert module.app.extensions.get("flask_flags") is flags
    other = Flask("other")
    other.config["FEATURE_FLAGS"] = {"new_checkout": True}
    flags.init_app(other)
    bare = Flask("bare")
    flags.init_app(bare)
    assert bare.config["FEATURE_FLAGS"] == {}
    assert not hasattr(flags, "app")
    for app, expected in ((other, True), (module.app, False), (bare, False)):
        app.add_url_rule("/state", "state", lambda: {
            "on": module.is_active("new_checkout")})
        assert app.test_client().get("/state").json == {"on": expected}


#: What each checkpoint adds, in order: one entry per file.
ADDS: dict[str, list[Callable[[ModuleType], None]]] = {
    "step01_start.py": [checkout_route],
    "step02_config_flag.py": [checkout_404_while_off],
    "step03_snapshot.py": [one_snapshot_per_request],
    "step04_extension.py": [extension_object],
}
#: (checkpoint number, check) for what that checkpoint adds...
ADDED = [(number, check) for number, checks in enumerate(ADDS.values(), 1)
         for check in checks]
#: ...and for everything it has: what it and the ones before it added.
HAS = [(number, check) for number in range(1, len(ADDS) + 1)
       for added, check in ADDED if added <= number]


def _id(value: object) -> str:
    return getattr(value, "__name__", str(value))


def test_the_series_is_numbered_and_every_file_is_checked():
    assert [path.name for path in FILES] == list(ADDS)
    assert sorted(CHECKPOINTS.glob("step*.py")) == FILES
    assert [int(path.name[4:6]) for path in FILES] == list(
        range(1, len(FILES) + 1))
    assert 2 <= len(FILES) <= 4  # at most 3 live-coding segments


@pytest.mark.parametrize(("number", "check"), HAS, ids=_id)
def test_checkpoint_has_everything_added_so_far(number, check):
    check(checkpoint(number))


@pytest.mark.parametrize(("number", "check"),
                         [(n, c) for n, c in ADDED if n > 1], ids=_id)
def test_the_checkpoint_before_lacks_what_a_step_adds(number, check):
    with pytest.raises((AssertionError, AttributeError)):
        check(checkpoint(number - 1))


def test_typed_counts_the_added_lines_without_indents_or_blanks():
    old = "def f():\n    return 1\n\nx = 1\n"
    new = "def f():\n    return 2\n\n\n    \nx = 1\ny = [x]\n"
    assert diff(old, new) == (" def f():\n-    return 1\n+    return 2\n"
                              "\u22ee\n+y = [x]")
    assert typed(old, new) == len("return 2") + len("y = [x]")
    assert (diff(old, old + "\n"), typed(new, old)) == ("", len("return 1"))


def test_a_change_is_shown_under_the_def_it_sits_in():
    old = ("@app.get('/')\ndef f():\n    pass\n\nclass C:\n"
           "    def m(self):\n        pass\n")
    new = ("@app.get('/')\n@deco\ndef f():\n    return 1\n\nclass C:\n"
           "    def m(self):\n        return 2\n")
    assert diff(old, new) == (
        "+@deco\n def f():\n-    pass\n+    return 1\n\u22ee\n"
        "     def m(self):\n-        pass\n+        return 2")
    assert typed(old, new) == len("@deco") + len("return 1") + len("return 2")


def test_each_segment_is_short_enough_to_type_on_stage():
    """The start holds the imports and skeletons; a segment types at most
    about 120 characters (a minute and a bit at 100 a minute)."""
    texts = [path.read_text(encoding="utf-8") for path in FILES]
    counts = [typed(old, new) for old, new in zip(texts, texts[1:])]
    assert max(counts) <= 125 and sum(counts) <= 350, counts


@pytest.mark.parametrize("number", sorted(TRY))
def test_what_to_try_after_each_checkpoint_answers_so(number):
    path, status, answer, why = TRY[number]
    response = checkpoint(number).app.test_client().get(path)
    assert response.status_code == status
    if isinstance(answer, dict):
        assert answer.items() <= response.json.items()
    else:
        assert answer in response.text


def test_every_checkpoint_has_something_to_try():
    assert sorted(TRY) == list(range(1, len(FILES) + 1))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_checkpoint_is_a_small_runnable_file(path):
    source = path.read_text(encoding="utf-8")
    compile(source, str(path), "exec")
    assert re.search(r"^app = Flask\(__name__\)$", source, re.M)
    assert max(len(line) for line in source.splitlines()) <= 65
    assert "SECRET_KEY" not in source and "0.0.0.0" not in source


def test_checkpoints_are_not_demo_modules():
    assert "checkpoints" not in [demo.name for demo in discover()[0]]


# --- the finished checkpoint against flask-flags/flask_flags.py -------------

def observe(ext) -> dict:
    """Run what the finished checkpoint and flask_flags share through
    *ext*: FeatureFlag().init_app, and is_active in requests, a flag
    flipped after its first check. Returns what was seen."""
    app = Flask(__name__)
    app.config["FEATURE_FLAGS"] = {"on": True, "off": False}
    flags = ext.FeatureFlag()
    flags.init_app(app)

    @app.route("/checks")
    def checks():
        names = ["on", "off", "missing"]
        before = {name: ext.is_active(name) for name in names}
        flags_now = app.config["FEATURE_FLAGS"]
        flags_now["on"], flags_now["off"] = not flags_now["on"], True
        return {"before": before,
                "again": {name: ext.is_active(name) for name in names}}

    client = app.test_client()
    seen = {"first": client.get("/checks").json,
            "second": client.get("/checks").json}
    other = Flask(__name__)
    flags.init_app(other)
    seen["other app"] = (other.config["FEATURE_FLAGS"],
                         "flask_flags" in other.extensions)
    return seen


def test_finished_checkpoint_behaves_like_flask_flags():
    finished = checkpoint(len(FILES))
    expected = observe(flask_flags)
    assert observe(finished) == expected
    # and the scenario is not vacuous: answers kept, then the flip seen
    assert expected["first"]["again"] == expected["first"]["before"] == {
        "on": True, "off": False, "missing": False}
    assert expected["second"]["before"]["on"] is False


# --- the slides show exactly the diffs of the files ----------------------------

def diff_blocks(index: Path) -> list[str]:
    text = index.read_text(encoding="utf-8")
    blocks = re.findall(r'<pre class="[^"]*\bcode diff\b[^"]*">(.*?)</pre>',
                        text, re.S)
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", block))
            for block in blocks]


def changes(old: Path, new: Path) -> list[list[str]]:
    """The hunks of difflib's diff of *old* and *new* with no context, as
    lists of +/- lines, lines that only add or remove blank space left
    out."""
    hunks: list[list[str]] = []
    for line in difflib.unified_diff(
            old.read_text(encoding="utf-8").splitlines(),
            new.read_text(encoding="utf-8").splitlines(), n=0, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            hunks.append([])
        elif line[1:].strip():
            hunks[-1].append(line)
    return [hunk for hunk in hunks if hunk]


def test_slides_show_the_diff_of_each_pair_of_checkpoints(built_deck):
    """Each live-coding slide shows every changed line of its step, in
    order, with no hunk header; the only other lines are the def or class
    line a change sits in and a line between two changed places; and each
    fits a code block (12 lines)."""
    shown = [block.rstrip("\n") for block in diff_blocks(built_deck)]
    assert len(shown) == len(FILES) - 1
    for block, old, new in zip(shown, FILES, FILES[1:]):
        lines = block.splitlines()
        changed = [line for line in lines if line[:1] in "+-"]
        assert changed == [line for hunk in changes(old, new)
                           for line in hunk]
        context = [line for line in lines if line.startswith(" ")]
        new_lines = new.read_text(encoding="utf-8").splitlines()
        for line in context:
            assert re.match(r" \s*(def|class) ", line), line
            assert line[1:] in new_lines
        assert set(lines) - set(changed) - set(context) <= {"\u22ee"}
    assert all("@@" not in block for block in shown)
    assert max(len(block.splitlines()) for block in shown) <= 12

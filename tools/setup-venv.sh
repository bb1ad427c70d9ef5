#!/bin/sh
# The first half of the Makefile's set-up (make slides, make test, ...), run
# before anything is installed: makes sure .venv is one that make can
# install into, and creates it if there is none. Not meant to be run by hand.
#
# In (environment, from the Makefile): VENV (.venv), STAMP (.venv/.installed,
# written by make once pip has installed everything), PYTHON (the Python to
# make .venv with), PYTHON_GIVEN ("yes" when PYTHON was set on make's
# command line or in the environment), GOAL (make's goal, for messages).
# The oldest Python allowed is read from pyproject.toml's requires-python
# (">=3.11").
#
# Out: exit 0 with $VENV present, and either complete (its $STAMP there) or
# just made (no $STAMP: make then installs into it). Else exit 1 with one
# line on stderr saying what to do (after the last lines of its log when
# `$PYTHON -m venv` fails). Nothing is made before $PYTHON is checked.
#
# A .venv is rebuilt (removed, then made again) when its set-up never
# finished (no $STAMP), when its Python no longer runs or is too old, or
# when PYTHON was given and is another version than the one in .venv. With
# the default PYTHON, a complete .venv of an allowed version is kept: one
# made with `make slides PYTHON=python3.12` stays. make removes only a
# .venv holding $MARKER, which it writes before anything else when it
# creates .venv; any other .venv it refuses to touch, and says so.

set -u

MARKER="$VENV/.made-by-make"
LOG="$VENV/install.log"
NEED=$(sed -n 's/^requires-python *= *">= *\([0-9][0-9]*\.[0-9][0-9]*\)".*/\1/p' \
       pyproject.toml)
case $NEED in
    [0-9]*.[0-9]*) ;;
    *) echo "pyproject.toml: no requires-python = \">=X.Y\" line to check" \
            "PYTHON against" >&2
       exit 1 ;;
esac

# X.Y.Z of the Python $1, or nothing if it does not run (its messages, such
# as a pyenv shim's "command not found", are not shown).
version_of() {
    "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' \
        2>/dev/null </dev/null
}

# Is $1 (X.Y.Z) a version, and at least $NEED (X.Y)?
allowed() {
    case $1 in
        [0-9]*.[0-9]*.[0-9]*) ;;
        *) return 1 ;;
    esac
    major=${1%%.*}
    minor=${1#*.}
    minor=${minor%%.*}
    need_major=${NEED%%.*}
    need_minor=${NEED#*.}
    [ "$major" -gt "$need_major" ] ||
        { [ "$major" -eq "$need_major" ] && [ "$minor" -ge "$need_minor" ]; }
}

# The first allowed Python on PATH, as "name (X.Y.Z)"; nothing if none.
allowed_python_on_path() {
    for name in python3 python3.14 python3.13 python3.12 python3.11; do
        [ "$name" = "$PYTHON" ] && continue
        found=$(version_of "$name")
        if allowed "$found"; then
            echo "$name (Python $found here)"
            return
        fi
    done
}

# Exit 1 with one line: what is wrong with PYTHON ($1), what is needed,
# and how to choose another.
refuse_python() {
    other=$(allowed_python_on_path)
    if [ -n "$other" ]; then
        how="choose one with make $GOAL PYTHON=$other"
    else
        how="install one, then make $GOAL PYTHON=python3.12 (its name or path)"
    fi
    echo "$1, and this project needs Python $NEED or newer: $how" >&2
    exit 1
}

# Sets python_version to PYTHON's X.Y.Z, or exits 1 (refuse_python).
check_python() {
    python_version=$(version_of "$PYTHON")
    case $python_version in
        [0-9]*.[0-9]*.[0-9]*) ;;
        *) refuse_python "PYTHON=$PYTHON does not run here" ;;
    esac
    allowed "$python_version" ||
        refuse_python "PYTHON=$PYTHON is Python $python_version"
}

# Why the existing $VENV cannot be used as it is; nothing if it can.
why_rebuild() {
    if [ ! -f "$STAMP" ]; then
        echo "its set-up never finished (no $STAMP)"
        return
    fi
    venv_version=$(version_of "$VENV/bin/python")
    case $venv_version in
        [0-9]*.[0-9]*.[0-9]*) ;;
        *) echo "its Python ($VENV/bin/python) no longer runs"
           return ;;
    esac
    if ! allowed "$venv_version"; then
        echo "it has Python $venv_version, older than $NEED"
    elif [ "$PYTHON_GIVEN" = yes ] &&
         [ "$venv_version" != "$python_version" ]; then
        echo "it has Python $venv_version, and PYTHON=$PYTHON is" \
             "Python $python_version"
    fi
}

python_version=
if [ "$PYTHON_GIVEN" = yes ]; then
    check_python
fi
if [ -e "$VENV" ] || [ -L "$VENV" ]; then
    reason=$(why_rebuild)
    if [ -z "$reason" ]; then
        exit 0
    fi
    if [ ! -f "$MARKER" ]; then
        echo "$VENV must be rebuilt: $reason; make did not make it" \
             "(no $MARKER), so remove it yourself (rm -rf $VENV), then run" \
             "make $GOAL again" >&2
        exit 1
    fi
    if [ -z "$python_version" ]; then
        check_python  # before removing anything
    fi
    echo "Rebuilding $VENV: $reason"
    rm -rf "$VENV"
elif [ -z "$python_version" ]; then
    check_python
fi

mkdir "$VENV" || exit 1
echo "make made $VENV with $PYTHON (Python $python_version); make deletes" \
     "$VENV only when this file is in it" > "$MARKER"
if ! "$PYTHON" -m venv "$VENV" > "$LOG" 2>&1; then
    tail -n 30 "$LOG"
    echo "$PYTHON -m venv failed: see $LOG" >&2
    exit 1
fi

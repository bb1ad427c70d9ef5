"""``python -m demos``: see :mod:`demos.cli`. Outside the project's venv
(no Flask, no click), one line says to use ``.venv/bin/python``, exit 1."""

import sys

import demos

try:
    from demos.cli import main
except ModuleNotFoundError as exc:
    sys.exit(f"Error: {demos.not_installed(exc.name)}")  # as click says it

# Guarded: discovery imports every module of the package.
if __name__ == "__main__":
    main(prog_name="python -m demos")

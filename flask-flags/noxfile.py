"""Flask-Flags's tests against the Flask versions its metadata allows.

Two sessions, each in a fresh virtualenv with Flask-Flags installed from
this directory as a wheel (not editable) and the ``test`` dependency group
of pyproject.toml:

- ``oldest_flask``: the lower bound of ``Flask>=X.Y`` in ``dependencies``,
  exactly (``Flask==X.Y``), with the newest Werkzeug of the same minor version
  (Flask and Werkzeug are released in step), on the oldest Python of the
  classifiers.
- ``newest_flask``: the newest Flask and Werkzeug on PyPI, on every Python
  of the classifiers.

Needs PyPI. ``make matrix`` runs both on the local Python (``--force-python``);
.github/workflows/test.yml runs ``nox --python X.Y`` once per classifier.
"""

from __future__ import annotations

import nox
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "venv"
nox.options.sessions = ["oldest_flask", "newest_flask"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHONS = nox.project.python_versions(PYPROJECT)
TEST_DEPENDENCIES = nox.project.dependency_groups(PYPROJECT, "test")


def flask_lower_bound(dependencies: list[str]) -> str:
    """The version ``X.Y`` of the ``Flask>=X.Y`` entry in *dependencies*.

    Raises ValueError when there is none: an extension that claims every
    Flask has no oldest version to test.
    """
    for requirement in map(Requirement, dependencies):
        if canonicalize_name(requirement.name) == "flask":
            for specifier in requirement.specifier:
                if specifier.operator == ">=":
                    return specifier.version
    raise ValueError(f"pyproject.toml: no 'Flask>=X.Y' in {dependencies!r}")


def run_tests(session: nox.Session) -> None:
    """List the versions installed, then run pytest on tests/ (warnings
    are errors: pyproject.toml's [tool.pytest.ini_options])."""
    session.run("python", "-m", "pip", "list", "--format=freeze",
                "--disable-pip-version-check")
    session.run("pytest", "-p", "no:cacheprovider", *session.posargs, "tests")


@nox.session(python=PYTHONS[0])
def oldest_flask(session: nox.Session) -> None:
    """The oldest Flask that ``dependencies`` allows, exactly."""
    lower = Version(flask_lower_bound(PYPROJECT["project"]["dependencies"]))
    session.install(".", *TEST_DEPENDENCIES, f"Flask=={lower}",
                    f"Werkzeug=={lower.major}.{lower.minor}.*")
    run_tests(session)


@nox.session(python=PYTHONS)
def newest_flask(session: nox.Session) -> None:
    """The newest Flask and Werkzeug on PyPI."""
    session.install("--upgrade", ".", *TEST_DEPENDENCIES, "Flask", "Werkzeug")
    run_tests(session)

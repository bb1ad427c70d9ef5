"""What every demo app shares: safe defaults and the ``GET /`` page.

Not talk material: the slides show the demo modules, not this file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, render_template

#: Used when SECRET_KEY is not in the environment: random per process, so no
#: secret is ever written in code and sessions end when the server stops.
_PROCESS_SECRET = secrets.token_hex(32)


def new_app(import_name: str, test_config: Mapping[str, Any] | None = None,
            *, app_class: type[Flask] = Flask, **defaults: Any) -> Flask:
    """Create a Flask app with the demos' safe defaults.

    *defaults* are config values the demo needs; *test_config* (a mapping)
    overrides them and the defaults. ``SECRET_KEY`` comes from the
    environment variable of that name, else a random per-process key.
    Debug stays off unless asked for (``flask run --debug``).
    *app_class* is the class to build: ``Flask`` or a subclass of it.
    The instance folder (where demos keep their SQLite files) is Flask's
    default, ``instance/`` in the checkout, unless ``DEMOS_INSTANCE_PATH``
    in *test_config* (``python -m demos tour``) or in the environment (the
    tests) names another folder.
    """
    instance_path = (dict(test_config or {}).get("DEMOS_INSTANCE_PATH")
                     or os.environ.get("DEMOS_INSTANCE_PATH") or None)
    if instance_path is not None:
        instance_path = os.path.abspath(instance_path)
    app = app_class(import_name, instance_relative_config=True,
                    instance_path=instance_path)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY") or _PROCESS_SECRET,
        **defaults,
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    return app


def add_index(app: Flask, title: str, summary: str,
              links: Iterable[tuple[str, str]] = ()) -> None:
    """Register ``GET /`` on *app*: a page with *title*, *summary* and
    *links*, a list of ``(path, what it shows)`` pairs, also kept in
    ``app.extensions["demos_index"]`` for ``python -m demos tour``."""
    links = list(links)
    app.extensions["demos_index"] = links

    def index() -> str:
        return render_template("_index.html", title=title, summary=summary,
                               links=links)

    app.add_url_rule("/", "index", index)

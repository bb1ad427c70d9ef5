"""The talk's tools, each run with ``python -m talk.tools.NAME`` or ``make``:
slides (the strict build), present, rehearse, pdf (also ``--handout`` and
``--screenshots``); outline reads the proposal's outline, browser starts
Debian's Chromium. Each prints one line and exits 1 on bad input, 2 for a bad
command line. ROOT is the checkout, TALK its talk/ folder."""

from talk.tools._common import ROOT, TALK, ToolError

__all__ = ["ROOT", "TALK", "ToolError"]

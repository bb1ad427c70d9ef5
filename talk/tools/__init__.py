"""The talk's tools, each run with ``python -m talk.tools.NAME`` or ``make``:
slides (the strict build), present, rehearse, pdf, screenshots; outline
reads the proposal's outline, browser starts Debian's Chromium. Each prints
one line and exits 1 on bad input, 2 for a bad command line."""

from talk.tools._common import ToolError

__all__ = ["ToolError"]

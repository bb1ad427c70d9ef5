"""The talk's tools, each run with ``python -m`` (or through ``make``):

- ``python -m talk.tools.slides`` (``make slides``): the strict build;
- ``python -m talk.tools.present`` (``make present``): serve on 127.0.0.1
  and rebuild on every change;
- ``python -m talk.tools.rehearse`` (``make rehearse``): planned minutes
  against speaker notes, live coding and demos;
- ``python -m talk.tools.pdf`` (``make pdf``): one PDF page per step;
- ``python -m talk.tools.screenshots`` (``make screenshots``): one PNG per
  step.

:mod:`talk.tools.outline` is the one reader of the proposal's outline and
:mod:`talk.tools.browser` starts Debian's Chromium for the tools and tests.
Each tool prints one line and exits 1 on bad input or a failure, and exits
2 for a bad command line.
"""

from talk.tools._common import ToolError

__all__ = ["ToolError"]

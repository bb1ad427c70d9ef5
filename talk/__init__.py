"""The talk "Developing Flask Extensions": its slide sources (``index.rst``,
one ``0N_*.rst`` file per section of the proposal's outline, ``theme/``) and,
in :mod:`talk.tools`, the tools that build, serve, rehearse and print them.
"""

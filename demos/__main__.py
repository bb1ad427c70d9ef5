"""``python -m demos``: list, run and tour the demos; see :mod:`demos.cli`."""

import sys

from demos.cli import main

# Guarded: pkgutil-based discovery imports every module of the package.
if __name__ == "__main__":
    sys.exit(main())

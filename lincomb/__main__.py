"""``python -m lincomb``: the same command line as the ``lincomb`` script."""

from __future__ import annotations

import sys

from lincomb.cli import main

if __name__ == "__main__":
    sys.exit(main())

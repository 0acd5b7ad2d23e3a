"""python -m tracker: the command line (status, import, export)."""

import sys

from tracker.cli import main

sys.exit(main())

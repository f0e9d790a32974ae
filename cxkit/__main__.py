"""``python -m cxkit``."""

import sys

from cxkit.cli import main

sys.exit(main())

"""``python -m cxkit.cli``."""

import sys

from cxkit.cli import main

sys.exit(main())

"""Transitional re-export: the compiled journey now lives in :mod:`cxkit.core.compiled`."""

from cxkit.core.compiled import *  # noqa: F403
from cxkit.core.compiled import __all__  # noqa: F401

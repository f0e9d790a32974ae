"""Kept for imports inside :mod:`cxkit.roi`; the one door is :mod:`cxkit.core.rng`."""

from cxkit.core.rng import SeedLike, as_generator

__all__ = ["SeedLike", "as_generator"]

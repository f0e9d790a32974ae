"""cxkit — design, simulate and justify customer journeys."""
__version__ = "0.1.0.dev0"

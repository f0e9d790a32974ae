"""cxkit.viz."""

"""cxkit.io."""

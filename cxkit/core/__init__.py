"""cxkit.core."""

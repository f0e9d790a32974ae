"""cxkit.analytics."""

"""cxkit.roi."""

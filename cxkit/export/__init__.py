"""cxkit.export."""

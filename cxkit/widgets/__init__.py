"""cxkit.widgets."""

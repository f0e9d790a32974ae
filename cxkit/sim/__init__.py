"""cxkit.sim."""

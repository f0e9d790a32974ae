"""Widgets are tested without a browser: setting ``.value`` fires the observers."""

from __future__ import annotations

import warnings

import pytest

ipywidgets = pytest.importorskip("ipywidgets")


@pytest.fixture(autouse=True)
def _close_widgets():
    """Widgets live in a global registry: close them after each test."""
    yield
    ipywidgets.Widget.close_all()


@pytest.fixture(autouse=True)
def _quiet_log_repairs():
    """The example logs hold a few duplicate events; the analytics warn about them."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="dropped .* duplicate events")
        yield

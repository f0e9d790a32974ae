"""`import cxkit` and `import cxkit.widgets` stay light; the widgets load on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import cxkit as cx


def test_importing_the_namespace_loads_no_ui_library():
    code = (
        "import sys, cxkit, cxkit.widgets as w\n"
        "names = ('ipywidgets', 'altair', 'anywidget', 'vl_convert')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print(sorted(w.__all__), heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        "['DotVoting', 'EventExplorer', 'HandoffExplorer', 'JourneyEditor', 'RoadmapPlanner'] []"
    )


def test_the_widgets_are_reached_from_cx_widgets():
    from cxkit.widgets.editor import JourneyEditor

    assert cx.widgets.JourneyEditor is JourneyEditor
    with pytest.raises(AttributeError, match="has no attribute 'Editor'"):
        cx.widgets.Editor  # noqa: B018

"""A journey displayed by a real Jupyter kernel is an SVG (works offline in JupyterLab)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import nbformat
from nbclient import NotebookClient


def test_kernel_displays_a_journey_as_svg(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import cxkit as cx\ncx.load_journey('complaint_recovery_ja')"),
        nbformat.v4.new_code_cell(
            "import altair as alt\ncx.viz.enable_offline_renderer('svg')\n"
            "cx.viz.emotion_curve(cx.load_journey('billing_inquiry'))"
        ),
    ]
    NotebookClient(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    (out,) = nb.cells[0].outputs
    assert out["output_type"] == "execute_result"
    assert set(out["data"]) == {"image/svg+xml", "text/plain"}
    texts = "".join(ET.fromstring(out["data"]["image/svg+xml"]).itertext())
    assert "ジャーニーマップ" in texts and "感動" in texts
    assert out["data"]["text/plain"].startswith("<Journey 'complaint_recovery_ja'")
    # a chart the user makes is shown by the offline renderer as SVG, no JavaScript
    (chart_out,) = nb.cells[1].outputs
    assert "image/svg+xml" in chart_out["data"]
    assert "application/vnd.vegalite.v6+json" not in chart_out["data"]
    assert "Emotion curve" in "".join(ET.fromstring(chart_out["data"]["image/svg+xml"]).itertext())

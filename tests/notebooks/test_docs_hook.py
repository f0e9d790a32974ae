"""The MkDocs hook that puts the executed notebooks in the docs site (docs/notebooks/hooks.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def hook():
    spec = importlib.util.spec_from_file_location(
        "cxkit_docs_notebooks", ROOT / "docs/notebooks/hooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_widget_views_become_a_note_and_no_state_is_kept(hook):
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    nb = new_notebook()
    widget = new_output(
        "display_data",
        data={
            "text/plain": "VBox(...)",
            "application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2},
        },
    )
    chart = new_output("display_data", data={"image/svg+xml": "<svg/>", "text/plain": "chart"})
    printed = new_output("stream", name="stdout", text="peak-end after : -3.25\n")
    nb.cells = [
        new_code_cell("editor", outputs=[widget]),
        new_code_cell("x", outputs=[chart, printed]),
    ]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    out = hook._without_widgets(nb)
    assert out.cells[0].outputs[0]["data"] == {
        "text/html": hook.WIDGET_NOTE,
        "text/plain": "(interactive widget)",
    }
    assert out.cells[1].outputs == [chart, printed]  # static outputs are kept as they are
    assert "widgets" not in out.metadata
    assert "make lab" in hook.WIDGET_NOTE and "http" not in hook.WIDGET_NOTE


def test_the_fingerprint_follows_the_notebook(hook, tmp_path):
    a = tmp_path / "a.ipynb"
    a.write_text('{"cells": []}', encoding="utf-8")
    first = hook._fingerprint(a)
    assert hook._fingerprint(a) == first
    a.write_text('{"cells": [1]}', encoding="utf-8")
    assert hook._fingerprint(a) != first


def test_the_hook_can_be_switched_off(hook, monkeypatch):
    monkeypatch.setenv("CXKIT_DOCS_NOTEBOOKS", "0")
    files = object()
    assert hook.on_files(files, config=None) is files


def test_the_index_page_links_every_notebook():
    index = (ROOT / "docs" / "notebooks" / "index.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"]({path.name})" in index

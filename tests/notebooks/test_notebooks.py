"""Every notebook under ``notebooks/`` runs top to bottom without an error.

The notebooks are executed with nbclient in a ``python3`` kernel that is pinned to
the Python running the tests (a kernelspec written to a temporary folder placed
first on ``JUPYTER_PATH``), so a user-level ``python3`` kernelspec pointing at
another interpreter cannot hijack the run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _outputs_text(nb) -> str:
    """All text a notebook printed or displayed (stream, plain-text and HTML results)."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                parts.append(out.text)
            elif out.output_type in ("execute_result", "display_data"):
                parts.append(str(out.data.get("text/plain", "")))
                parts.append(str(out.data.get("text/html", "")))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Run each notebook once, in a ``python3`` kernel that runs this interpreter."""
    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    cache: dict[Path, object] = {}

    def run(path: Path):
        if path not in cache:
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("JUPYTER_PATH", str(folder))  # searched before the user's folders
                mp.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
                nb = nbformat.read(path, as_version=4)
                client = nbclient.NotebookClient(
                    nb,
                    timeout=600,
                    kernel_name="python3",
                    resources={"metadata": {"path": str(path.parent)}},
                )
                client.execute()  # raises CellExecutionError on a failing cell
                cache[path] = nb
        return cache[path]

    return run


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS][:1] == ["00_workshop.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has stored outputs"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_without_errors(path, executed):
    nb = executed(path)
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert errors == []
    assert all(cell.execution_count is not None for cell in nb.cells if cell.cell_type == "code")


def test_workshop_shows_example_a(executed):
    import cxkit as cx

    nb = executed(ROOT / "notebooks" / "00_workshop.ipynb")
    text = _outputs_text(nb)
    assert f"cxkit {cx.__version__}" in text  # the kernel imported this cxkit
    assert "peak_end = -1.5" in text
    assert "journey emotion: dissatisfied / 不満" in text
    assert "CES = 2.5" in text
    assert "original  : -1.5" in text and "what-if   : -3.0" in text
    # the steps table carries the emotions in English and Japanese
    assert "dissatisfied" in text and "感動" in text and "満足" in text

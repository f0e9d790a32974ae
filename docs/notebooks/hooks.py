"""MkDocs hook: the notebooks of ``notebooks/``, executed, as pages of the docs site.

The notebooks are stored without outputs. Before mkdocs-jupyter turns ``.ipynb``
files into pages, this hook executes each one with nbclient (in a ``python3`` kernel
pinned to the interpreter running MkDocs), keeps the static outputs — tables, printed
numbers and the SVG charts of ``cx.viz.enable_offline_renderer("svg")`` — and
replaces each live widget by a short note (a widget needs a kernel; its saved state
would make the page load the widget manager from a CDN). The executed copies go to
``build/notebooks/`` and are re-run only when the notebook or cxkit's sources change.

Enable it in ``mkdocs.yml`` (next to ``docs/hooks.py``)::

    plugins:
      - mkdocs-jupyter:
          include: ["notebooks/*.ipynb"]
          execute: false          # executed here, without widget state
          include_source: true
    hooks:
      - docs/notebooks/hooks.py
    nav:
      - Notebooks:
          - notebooks/index.md
          - notebooks/00_workshop.ipynb
          - …

``CXKIT_DOCS_NOTEBOOKS=0`` skips them (a quick docs build).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.notebooks")

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "notebooks"
CACHE = ROOT / "build" / "notebooks"
#: Where the pages appear in the site (``notebooks/00_workshop.ipynb`` → ``notebooks/…``).
FOLDER = "notebooks"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = (
    '<div class="admonition note"><p class="admonition-title">Interactive widget</p>'
    "<p>This cell shows a live widget: open the notebook in JupyterLab "
    "(<code>make lab</code>) to use it. The cells below show the numbers it gives.</p></div>"
)


def _fingerprint(notebook: Path) -> str:
    """Hash of the notebook and of every cxkit source file (their outputs depend on both)."""
    h = hashlib.sha256(notebook.read_bytes())
    for path in sorted((ROOT / "cxkit").rglob("*")):
        if path.suffix in (".py", ".yaml", ".yml", ".parquet", ".csv") and path.is_file():
            h.update(path.relative_to(ROOT).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _without_widgets(nb: Any) -> Any:
    """Replace widget views by a note; drop any saved widget state."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_MIME in data:
                out["data"] = {"text/html": WIDGET_NOTE, "text/plain": "(interactive widget)"}
    nb.metadata.pop("widgets", None)
    return nb


def _execute(notebook: Path, target: Path) -> None:
    import nbclient
    import nbformat

    from cxkit.io import atomic_write_text

    with tempfile.TemporaryDirectory(prefix="cxkit-docs-kernel-") as folder:
        spec = Path(folder) / "kernels" / "python3"
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
        saved = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = folder  # before any user-level python3 kernelspec
        try:
            nb = nbformat.read(notebook, as_version=4)
            nbclient.NotebookClient(
                nb,
                timeout=900,
                kernel_name="python3",
                store_widget_state=False,
                resources={"metadata": {"path": str(notebook.parent)}},
            ).execute()
        finally:
            if saved is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = saved
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, nbformat.writes(_without_widgets(nb)))


def render_notebooks(cache: Path = CACHE) -> list[Path]:
    """Execute the notebooks that changed into ``cache/notebooks/``; return every copy."""
    out = []
    for notebook in sorted(SOURCE.glob("*.ipynb")):
        target = cache / FOLDER / notebook.name
        stamp = target.with_suffix(".sha256")
        fingerprint = _fingerprint(notebook)
        if not (target.exists() and stamp.exists() and stamp.read_text() == fingerprint):
            log.info("executing %s for the docs", notebook.name)
            _execute(notebook, target)
            from cxkit.io import atomic_write_text

            atomic_write_text(stamp, fingerprint)
        out.append(target)
    return out


@event_priority(50)  # before mkdocs-jupyter's on_files turns .ipynb files into pages
def on_files(files: Any, config: Any) -> Any:
    """Add the executed notebooks to the site under ``notebooks/``."""
    if os.environ.get("CXKIT_DOCS_NOTEBOOKS") == "0":
        return files
    from mkdocs.structure.files import File

    for path in render_notebooks():
        files.append(
            File(
                f"{FOLDER}/{path.name}",
                src_dir=str(CACHE),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
        )
    return files

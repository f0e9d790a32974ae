"""Working copies of the workshop notebooks: the repository's ``notebooks/`` stay clean.

A workshop writes into its notebooks (outputs, widget state, the facilitator's
edits). :func:`working_copy` copies the shipped notebooks into a folder of the
user's choice, once — a notebook already there is the session's work and is kept.
:func:`app_notebook` writes the notebook the app view serves: the cells that replay
an example session (tag ``scripted``) and the instructions for running cells (tag
``notebook-only``) are left out, and the journey of the workshop can be swapped in
the way papermill injects parameters (a cell after the one tagged ``parameters``).

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> [p.name for p in working_copy(folder)][:2]
['00_workshop.ipynb', '01_design_journey.ipynb']
>>> working_copy(folder)  # already there: nothing is overwritten
[]
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cxkit.core.errors import CxkitError
from cxkit.io._write import atomic_write_text

__all__ = ["APP_NOTEBOOKS", "app_notebook", "notebooks_dir", "working_copy"]

#: The notebook the app view serves, by language.
APP_NOTEBOOKS: dict[str, str] = {"en": "00_workshop.ipynb", "ja": "05_workshop_ja.ipynb"}

#: Cell tags left out of the app view: replays of an example session, and the
#: instructions for running cells (there are no cells to run in the app).
APP_DROPPED_TAGS = frozenset({"scripted", "notebook-only"})

#: Cell tags left out as well when the workshop runs on another journey than the
#: notebook's own example (texts that describe that example's numbers).
EXAMPLE_TAGS = frozenset({"example"})


def notebooks_dir() -> Path:
    """The folder holding the shipped notebooks.

    Inside an installed wheel they are ``cxkit/workshop/notebooks``; in a checkout
    (an editable install) they are the repository's ``notebooks/``.

    Raises
    ------
    CxkitError
        When neither folder holds the workshop notebook.

    Examples
    --------
    >>> (notebooks_dir() / "00_workshop.ipynb").is_file()
    True
    """
    here = Path(__file__).resolve().parent
    for folder in (here / "notebooks", here.parents[1] / "notebooks"):
        if (folder / APP_NOTEBOOKS["en"]).is_file():
            return folder
    raise CxkitError(
        f"the workshop notebooks are missing: looked in {here / 'notebooks'} and "
        f"{here.parents[1] / 'notebooks'}; expected {APP_NOTEBOOKS['en']} there "
        "(reinstall cxkit, or run from a checkout of the repository)"
    )


def working_copy(dest: str | os.PathLike[str], names: list[str] | None = None) -> list[Path]:
    """Copy the shipped notebooks into ``dest``, only those missing there.

    Parameters
    ----------
    dest
        The working folder (created if missing), e.g. ``workshop/``.
    names
        File names to copy (default: every shipped ``*.ipynb``).

    Returns
    -------
    list of Path
        The notebooks copied now (empty when all were there already).

    Raises
    ------
    CxkitError
        When ``dest`` is a file, or a name is not a shipped notebook.
    """
    source = notebooks_dir()
    shipped = sorted(p.name for p in source.glob("*.ipynb"))
    wanted = shipped if names is None else list(names)
    unknown = [n for n in wanted if n not in shipped]
    if unknown:
        raise CxkitError(
            f"no shipped notebook named {unknown[0]!r}; expected one of {', '.join(shipped)}"
        )
    folder = Path(dest)
    if folder.exists() and not folder.is_dir():
        raise CxkitError(f"{folder}: is a file; expected a folder for the workshop notebooks")
    folder.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in wanted:
        target = folder / name
        if not target.exists():
            atomic_write_text(target, (source / name).read_text(encoding="utf-8"))
            copied.append(target)
    return copied


def _tags(cell: dict[str, Any]) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _parameters_cell(journey: str) -> dict[str, Any]:
    """A code cell setting ``journey_name`` (a Python string literal: never code)."""
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": "injected-parameters",
        "metadata": {"tags": ["injected-parameters"]},
        "outputs": [],
        "source": f"# Injected by `cxkit workshop --journey`\njourney_name = {journey!r}\n",
    }


def app_notebook(
    dest: str | os.PathLike[str], lang: str = "en", journey: str | None = None
) -> Path:
    """Write the notebook the app view serves into the folder ``dest``.

    Parameters
    ----------
    dest
        The working folder (created if missing).
    lang
        ``"en"`` (``00_workshop.ipynb``) or ``"ja"`` (``05_workshop_ja.ipynb``).
    journey
        Another journey for the workshop: a template name or the absolute path of a
        YAML file. It is set after the cell tagged ``parameters``, and the cells
        tagged ``example`` (texts about the notebook's own journey) are left out.

    Returns
    -------
    Path
        The written notebook (same name as the shipped one).

    Examples
    --------
    >>> import tempfile, json
    >>> nb = app_notebook(tempfile.mkdtemp(), "ja", journey="billing_inquiry")
    >>> cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    >>> any("scripted" in c["metadata"].get("tags", []) for c in cells)
    False
    >>> [c["source"].splitlines()[1] for c in cells if c["id"] == "injected-parameters"]
    ["journey_name = 'billing_inquiry'"]
    """
    if lang not in APP_NOTEBOOKS:
        raise CxkitError(
            f"`lang` must be one of {', '.join(map(repr, APP_NOTEBOOKS))}, got {lang!r}"
        )
    name = APP_NOTEBOOKS[lang]
    nb = json.loads((notebooks_dir() / name).read_text(encoding="utf-8"))
    dropped = APP_DROPPED_TAGS | (EXAMPLE_TAGS if journey is not None else frozenset())
    cells = []
    for cell in nb["cells"]:
        if _tags(cell) & dropped:
            continue
        cells.append(cell)
        if journey is not None and "parameters" in _tags(cell):
            cells.append(_parameters_cell(journey))
    if journey is not None and not any(c.get("id") == "injected-parameters" for c in cells):
        raise CxkitError(f"{name}: no cell is tagged 'parameters'; cannot set the journey")
    nb["cells"] = cells
    folder = Path(dest)
    folder.mkdir(parents=True, exist_ok=True)
    return atomic_write_text(folder / name, json.dumps(nb, ensure_ascii=False, indent=1) + "\n")

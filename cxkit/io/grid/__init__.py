"""The Excel journey grid: a workbook a workshop fills in, read to a journey and back.

The layout (``docs/reference/excel-grid.md``): a main sheet "Journey" ("ジャーニー")
with the stages as columns and the lanes as rows (stage, step id, touchpoint, action,
expectation, experience, emotion, effort, wait, pain points, opportunities,
blueprint lanes, evidence, notes), one column per step, the stage written (merged)
over its steps; and sheets for what a grid cannot show: the journey's info and
persona, stages, touchpoints, hand-offs, outcomes, call reasons, channels and
initiatives. YAML → Excel → YAML gives an equal journey.

The reader builds the plain document the YAML loader reads and validates it with
the same checks (:func:`cxkit.io.journey_io.journey_from_data`), then shows each
problem at its cell: ``grid.xlsx!Journey!C7: steps[1].touchpoint: unknown touchpoint
'phnoe'; did you mean 'phone'?``.

Examples
--------
>>> import cxkit as cx
>>> j = cx.load_journey("complaint_recovery_ja")
>>> loads_grid(grid_bytes(j)) == j
True
"""

from __future__ import annotations

from dataclasses import replace

from cxkit.core.errors import JourneyValidationError, Problem
from cxkit.core.journey import Journey
from cxkit.io.grid._layout import LIMITS, Limits
from cxkit.io.grid._reader import Grid, read_grid
from cxkit.io.grid._writer import grid_bytes

__all__ = ["LIMITS", "Limits", "grid_bytes", "loads_grid", "validate_grid"]

#: The file suffixes read and written as journey grids.
GRID_SUFFIXES = (".xlsx", ".xlsm")


def validate_grid(raw: bytes, *, file: str = "<grid>") -> tuple[Journey | None, list[Problem]]:
    """The journey a workbook holds (``None`` if it has errors) and every problem,
    each located at its cell (``file!Sheet!C7``), errors first, in sheet order.

    Examples
    --------
    >>> import cxkit as cx
    >>> j, problems = validate_grid(b"not a workbook", file="x.xlsx")
    >>> j, problems[0].format()
    (None, 'x.xlsx: not an Excel workbook (an .xlsx file is a zip archive) — expected an .xlsx workbook')
    """  # noqa: E501
    from cxkit.io.journey_io import _from_located
    from cxkit.io.source import Located, parse_path

    grid = read_grid(raw, file)
    if any(p.severity == "error" for p in grid.problems) and not grid.data:
        return None, _sorted(grid.problems)
    journey, found = _from_located(Located(grid.data, file))
    located = [
        replace(p, file=grid.locate(parse_path(p.path)) if p.path else file, line=None, column=None)
        for p in found
    ]
    problems = _sorted(grid.problems + located)
    if any(p.severity == "error" for p in problems):
        journey = None
    return journey, problems


def loads_grid(raw: bytes, *, file: str = "<grid>", strict: bool = False) -> Journey:
    """The journey a workbook's bytes hold; :class:`JourneyValidationError` listing
    every problem at its cell otherwise.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> loads_grid(grid_bytes(j)) == j
    True
    """
    journey, problems = validate_grid(raw, file=file)
    if strict:
        problems = [replace(p, severity="error") for p in problems]
    if journey is None or any(p.severity == "error" for p in problems):
        raise JourneyValidationError(problems, file=file)
    return journey


def _sorted(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by sheet, row and column of their cell."""
    import re

    def key(p: Problem) -> tuple[bool, str, int, int]:
        m = re.search(r"!([A-Z]+)(\d+)$", p.file or "")
        col = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(m.group(1)))) if m else 0
        sheet = (p.file or "").rsplit("!", 2)[1] if m else ""
        return (p.severity != "error", sheet, int(m.group(2)) if m else 0, col)

    return sorted(problems, key=key)


__all__ += ["GRID_SUFFIXES", "Grid", "read_grid"]

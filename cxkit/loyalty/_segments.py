"""Named RFM segments: a rule table over the recency and frequency scores (1–5).

The default table is the widely used R × F grid of ten segments, with its bottom-left
corner split by recency into *hibernating* (R = 2) and *lost* (R = 1) — eleven
segments. Monetary value is not a rule: it is shown beside the segments (mean M per
cell of the RFM grid), as in the grid's usual form.

=====  ==================  ==================  ===============  ===============  ===============
R \\ F  1                   2                   3                4                5
=====  ==================  ==================  ===============  ===============  ===============
5      new                 potential_loyalist  potential_loyal  champions        champions
4      promising           potential_loyalist  potential_loyal  loyal            loyal
3      about_to_sleep      about_to_sleep      need_attention   loyal            loyal
2      hibernating         hibernating         at_risk          at_risk          cant_lose
1      lost                lost                at_risk          at_risk          cant_lose
=====  ==================  ==================  ===============  ===============  ===============

(``potential_loyal`` abbreviates ``potential_loyalist`` in this table.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from cxkit.core.errors import format_value
from cxkit.core.i18n import label
from cxkit.loyalty._schema import TransactionError

__all__ = ["DEFAULT_SEGMENTS", "NO_PURCHASE", "SegmentTable", "segment_label"]

#: The segment of a customer with no purchase (refunds only, or only in the customer table).
NO_PURCHASE = "no_purchase"

_GRID: tuple[tuple[str, ...], ...] = (  # rows R = 5 … 1, columns F = 1 … 5
    ("new", "potential_loyalist", "potential_loyalist", "champions", "champions"),
    ("promising", "potential_loyalist", "potential_loyalist", "loyal", "loyal"),
    ("about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"),
    ("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"),
    ("lost", "lost", "at_risk", "at_risk", "cant_lose"),
)

#: Segments from best to worst: the order of tables and charts.
ORDER: tuple[str, ...] = (
    "champions",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cant_lose",
    "hibernating",
    "lost",
)


def segment_label(segment: str, lang: str = "en") -> str:
    """The label of a segment id (``label("loyalty_seg_<id>")``), else the id itself.

    >>> segment_label("cant_lose"), segment_label("cant_lose", "ja")
    ("Can't lose them", '失ってはならない顧客')
    """
    key = f"loyalty_seg_{segment}"
    text = label(key, lang)
    return segment if text == key else text


@dataclass(frozen=True)
class SegmentTable:
    """A rule table: the segment of each (R, F) cell of a 5 × 5 score grid.

    Parameters
    ----------
    grid
        Five rows (R = 5 at the top, down to R = 1) of five segment ids
        (F = 1 … 5), as in the table of the module docstring.
    order
        Segment ids from best to worst (for tables and charts); defaults to the
        order of first appearance in the grid.

    Examples
    --------
    >>> DEFAULT_SEGMENTS.segment(5, 5), DEFAULT_SEGMENTS.segment(1, 1)
    ('champions', 'lost')
    >>> len(DEFAULT_SEGMENTS.segments)
    11
    """

    grid: tuple[tuple[str, ...], ...] = _GRID
    order: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        g = self.grid
        if (
            isinstance(g, (str, bytes))
            or not isinstance(g, Sequence)
            or len(g) != 5
            or not all(
                isinstance(r, Sequence) and not isinstance(r, str) and len(r) == 5 for r in g
            )
            or not all(isinstance(c, str) and 0 < len(c) <= 60 for r in g for c in r)
        ):
            raise TransactionError(
                "SegmentTable.grid must be 5 rows (R = 5 … 1) of 5 segment ids "
                f"(F = 1 … 5, text of 1–60 characters), got {format_value(g)}"
            )
        object.__setattr__(self, "grid", tuple(tuple(r) for r in g))
        seen = tuple(dict.fromkeys(c for r in self.grid for c in r))
        order = tuple(self.order) or seen
        if set(order) != set(seen):
            raise TransactionError(
                "SegmentTable.order must list every segment of the grid once, got "
                f"{format_value(order)}; the grid has {', '.join(sorted(seen))}"
            )
        object.__setattr__(self, "order", order)

    @property
    def segments(self) -> tuple[str, ...]:
        """The segment ids, best first."""
        return self.order

    def segment(self, r: int, f: int) -> str:
        """The segment of recency score ``r`` and frequency score ``f`` (1–5)."""
        return self.grid[5 - r][f - 1]

    def mapping(self) -> dict[int, str]:
        """``{10·R + F: segment}`` for every cell."""
        return {10 * r + f: self.segment(r, f) for r in range(1, 6) for f in range(1, 6)}

    def expr(self) -> pl.Expr:
        """The segment of each row from its ``r_score`` and ``f_score`` columns."""
        code = pl.col("r_score").cast(pl.Int16) * 10 + pl.col("f_score").cast(pl.Int16)
        return code.replace_strict(self.mapping(), default=NO_PURCHASE, return_dtype=pl.String)

    def rules(self, lang: str = "en") -> pl.DataFrame:
        """The rule table, one row per segment: its cells as ``R`` and ``F`` ranges."""
        rows = []
        for seg in self.order:
            cells = [(r, f) for r in range(1, 6) for f in range(1, 6) if self.segment(r, f) == seg]
            rows.append(
                {
                    "segment": seg,
                    "label": segment_label(seg, lang),
                    "cells": " ".join(f"R{r}F{f}" for r, f in sorted(cells, reverse=True)),
                    "n_cells": len(cells),
                }
            )
        return pl.DataFrame(rows)


#: The eleven-segment table of the module docstring.
DEFAULT_SEGMENTS = SegmentTable(_GRID, ORDER)


def as_table(segments: SegmentTable | Mapping[str, str] | None) -> SegmentTable:
    """``segments=`` as a :class:`SegmentTable` (``None``: the default table)."""
    if segments is None:
        return DEFAULT_SEGMENTS
    if isinstance(segments, SegmentTable):
        return segments
    raise TransactionError(f"`segments` must be a SegmentTable, got {format_value(segments)}")

"""RFM scores: quantile bins (default quintiles) or fixed edges, with stated ties.

Scores run from 1 (worst) to ``k`` (best); recency is reversed (fewer days since
the last purchase is better). Only customers with a purchase are scored.

**Quantile bins, ``ties="min"`` (default).** A customer's score is
``floor(k · below / n) + 1`` where ``n`` is the number of scored customers and
``below`` the number of customers with a strictly worse value (``rank(method="min")
− 1``). Equal values therefore always get equal scores, whatever their order in the
input. When a quantile edge falls inside a run of equal values the whole run takes
the score of its first (worst) member, so bins may hold unequal numbers of customers
and a score may be empty (e.g. when 60 % of customers bought once, every one of them
scores F = 1 and no customer scores F = 2 or 3).

**Quantile bins, ``ties="ordinal"``.** ``below`` is the ordinal rank − 1, ties broken
by customer id (in the order of :attr:`RFMResult.table`): bins hold ``n/k``
customers (± 1), as pandas
``qcut`` on ``rank(method="first")`` does, but equal values may get different scores.

**Fixed edges** ``e1 < e2 < … < e(k−1)``: the score is ``1 +`` the number of edges
``<= value`` (bins are closed on the left: ``[e_i, e_(i+1))``); for recency it is
``k −`` that number, so a recency below ``e1`` days scores ``k``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from cxkit.core.errors import format_value
from cxkit.core.suggest import did_you_mean
from cxkit.loyalty._schema import TransactionError

__all__ = ["DIMENSIONS", "Bins", "parse_bins", "score_exprs"]

#: The three RFM dimensions, in order.
DIMENSIONS: tuple[str, ...] = ("recency", "frequency", "monetary")
_MAX_SCORES = 10
_MAX_EDGES_TEXT = 400


@dataclass(frozen=True)
class Bins:
    """How each RFM dimension is scored: ``k`` scores, and fixed edges or quantiles.

    ``edges`` maps a dimension to its ``k − 1`` increasing edges; a dimension not in
    it is scored by quantiles. ``ties`` is ``"min"`` or ``"ordinal"`` (quantiles only).
    """

    k: int = 5
    edges: tuple[tuple[str, tuple[float, ...]], ...] = ()
    ties: Literal["min", "ordinal"] = "min"

    def edges_of(self, dimension: str) -> tuple[float, ...] | None:
        """The fixed edges of ``dimension``, or ``None`` for quantiles."""
        return dict(self.edges).get(dimension)

    def describe(self) -> dict[str, Any]:
        """A plain description (for JSON): per dimension ``"quantile"`` or its edges."""
        return {
            "scores": self.k,
            "ties": self.ties,
            **{
                d: list(e) if (e := self.edges_of(d)) is not None else "quantile"
                for d in DIMENSIONS
            },
        }


def parse_bins(bins: Any = 5, ties: str = "min") -> Bins:
    """:class:`Bins` from ``bins=``: a number of quantile scores (2–10), a mapping of
    dimension → edges, or text (``"quantile"``, ``"4"``,
    ``"recency=30,90,180,365 frequency=2,3,5,8"``).

    Examples
    --------
    >>> parse_bins(4).k
    4
    >>> parse_bins("recency=30,90,180,365").edges_of("recency")
    (30.0, 90.0, 180.0, 365.0)
    >>> parse_bins({"frequncy": [2, 3, 5, 8]})
    Traceback (most recent call last):
    ...
    cxkit.loyalty._schema.TransactionError: `bins`: unknown dimension 'frequncy'; did you mean 'frequency'?
    """  # noqa: E501
    if ties not in ("min", "ordinal"):
        raise TransactionError(f"`ties` must be 'min' or 'ordinal', got {format_value(ties)}")
    if isinstance(bins, Bins):
        return bins
    if isinstance(bins, str):
        bins = _parse_text(bins)
    if isinstance(bins, bool) or not isinstance(bins, (int, Mapping)):
        raise TransactionError(
            "`bins` must be a number of quantile scores (2–10), 'quantile', or edges per "
            f"dimension such as {{'recency': [30, 90, 180, 365]}}, got {format_value(bins)}"
        )
    if isinstance(bins, int):
        if not 2 <= bins <= _MAX_SCORES:
            raise TransactionError(
                f"`bins` must be between 2 and {_MAX_SCORES} scores, got {format_value(bins)}"
            )
        return Bins(bins, (), ties)  # type: ignore[arg-type]
    edges = {str(d): _edges(str(d), e) for d, e in bins.items()}
    sizes = {len(e) + 1 for e in edges.values()}
    if len(sizes) != 1:
        raise TransactionError(
            "`bins`: every dimension needs the same number of edges (the same number of "
            f"scores), got {', '.join(f'{d}: {len(e)}' for d, e in edges.items())}"
        )
    return Bins(sizes.pop(), tuple(sorted(edges.items())), ties)  # type: ignore[arg-type]


def _parse_text(text: str) -> int | dict[str, list[float]]:
    if len(text) > _MAX_EDGES_TEXT:
        raise TransactionError(f"`bins` is longer than {_MAX_EDGES_TEXT} characters")
    t = text.strip().lower()
    if t in ("quantile", "quantiles", "quintile", "quintiles"):
        return 5
    if t in ("quartile", "quartiles"):
        return 4
    if t.isdigit():
        return int(t)
    out: dict[str, list[float]] = {}
    for part in t.replace(";", " ").split():
        name, sep, values = part.partition("=")
        if not sep:
            raise TransactionError(
                "`bins` (CLI --bins) must be 'quantile', a number of scores, or edges such as "
                f"'recency=30,90,180,365 frequency=2,3,5,8', got {format_value(text)}"
            )
        try:
            out[_dimension(name)] = [float(v) for v in values.split(",") if v]
        except ValueError:
            raise TransactionError(
                f"`bins`: the edges of {name!r} must be numbers separated by commas, "
                f"got {format_value(values)}"
            ) from None
    return out


def _dimension(name: str) -> str:
    short = {"r": "recency", "f": "frequency", "m": "monetary"}
    name = short.get(name, name)
    if name not in DIMENSIONS:
        hint = did_you_mean(name, DIMENSIONS)
        raise TransactionError(
            f"`bins`: unknown dimension {format_value(name)}; "
            + (hint or "expected one of " + ", ".join(DIMENSIONS))
        )
    return name


def _edges(dimension: str, values: Any) -> tuple[float, ...]:
    dim = _dimension(dimension)
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TransactionError(
            f"`bins`: the edges of {dim} must be a list of numbers, got {format_value(values)}"
        )
    try:
        edges = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise TransactionError(
            f"`bins`: the edges of {dim} must be numbers, got {format_value(values)}"
        ) from None
    if not 1 <= len(edges) <= _MAX_SCORES - 1 or not all(math.isfinite(e) for e in edges):
        raise TransactionError(
            f"`bins`: {dim} needs 1 to {_MAX_SCORES - 1} finite edges, got {format_value(values)}"
        )
    if any(b <= a for a, b in itertools.pairwise(edges)):
        raise TransactionError(
            f"`bins`: the edges of {dim} must increase strictly, got {format_value(values)}"
        )
    return edges


def _quantile_score(value: pl.Expr, k: int, reverse: bool, ties: str) -> pl.Expr:
    key = -value if reverse else value
    rank = key.rank(method="min" if ties == "min" else "ordinal")
    n = value.count()
    return ((rank - 1) * k // n + 1).cast(pl.Int8)


def _edge_score(value: pl.Expr, edges: Sequence[float], reverse: bool) -> pl.Expr:
    above = pl.sum_horizontal([(value >= e).cast(pl.Int8) for e in edges])
    k = len(edges) + 1
    score = (k - above) if reverse else (above + 1)
    return pl.when(value.is_not_null()).then(score).cast(pl.Int8)


def score_exprs(bins: Bins) -> list[pl.Expr]:
    """``r_score``, ``f_score`` and ``m_score`` over columns ``recency``,
    ``frequency`` and ``monetary`` (null values stay unscored). With
    ``ties="ordinal"`` the frame must be sorted by customer first.

    >>> f = pl.DataFrame(
    ...     {
    ...         "recency": [1, 5, 5, 9],
    ...         "frequency": [4, 1, 1, 2],
    ...         "monetary": [10.0, 10.0, 30.0, 40.0],
    ...     }
    ... )
    >>> f.select(score_exprs(Bins(2))).rows()
    [(2, 2, 1), (1, 1, 1), (1, 1, 2), (1, 2, 2)]
    """
    out = []
    for dim, name in zip(DIMENSIONS, ("r_score", "f_score", "m_score"), strict=True):
        value = pl.col(dim)
        edges = bins.edges_of(dim)
        reverse = dim == "recency"
        expr = (
            _edge_score(value, edges, reverse)
            if edges is not None
            else _quantile_score(value, bins.k, reverse, bins.ties)
        )
        out.append(expr.alias(name))
    return out

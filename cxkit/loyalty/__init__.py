"""Who the loyal customers are: RFM scores and segments, behaviour × attitude, Pareto.

A transactions table (customer id, date, amount — :class:`TransactionSchema` renames
them) in polars, pandas, DuckDB… or a CSV/Parquet/Excel file is scored on recency,
frequency and monetary value (:func:`rfm`), customers are named by segment
(champions, loyal, at risk… :class:`SegmentTable`), crossed with an attitude
(:func:`loyalty_matrix`), and revenue concentration is measured (:func:`pareto`).
Per-segment journeys, outcomes and churn come from an event log
(:func:`segment_views`); CLV per segment from the sBG and constant-retention models
of :mod:`cxkit.sim.loyalty` (:func:`segment_clv`). Charts live in
:mod:`cxkit.loyalty.charts`. See ``docs/reference/loyalty.md``.

>>> import cxkit.loyalty as loy
>>> sorted(loy.__all__)[:3]
['DEFAULT_SEGMENTS', 'LoyaltyMatrix', 'ParetoResult']
"""

from cxkit.loyalty._matrix import QUADRANTS, LoyaltyMatrix, loyalty_matrix
from cxkit.loyalty._pareto import ParetoResult, pareto
from cxkit.loyalty._read import read_transactions
from cxkit.loyalty._rfm import RFMResult, rfm
from cxkit.loyalty._schema import TransactionError, TransactionSchema
from cxkit.loyalty._segments import DEFAULT_SEGMENTS, SegmentTable, segment_label
from cxkit.loyalty._views import segment_clv, segment_views

__all__ = [
    "DEFAULT_SEGMENTS",
    "QUADRANTS",
    "LoyaltyMatrix",
    "ParetoResult",
    "RFMResult",
    "SegmentTable",
    "TransactionError",
    "TransactionSchema",
    "loyalty_matrix",
    "pareto",
    "read_transactions",
    "rfm",
    "segment_clv",
    "segment_label",
    "segment_views",
]

"""The hand-computed transactions table of the loyalty tests (see test_rfm.py)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

D = dt.date

#: (customer, date, amount): ten customers, as_of 2026-04-01.
ROWS = [
    ("c01", D(2026, 3, 31), 100.0),
    ("c01", D(2026, 3, 20), 200.0),
    ("c01", D(2026, 3, 10), 300.0),
    ("c01", D(2026, 2, 1), 400.0),
    ("c02", D(2026, 3, 30), 50.0),
    ("c02", D(2026, 3, 30), 50.0),  # same day: one purchase by default
    ("c02", D(2026, 1, 15), 100.0),
    ("c03", D(2026, 3, 25), 500.0),
    ("c04", D(2026, 3, 1), 80.0),
    ("c04", D(2026, 2, 1), 80.0),
    ("c04", D(2026, 1, 1), 80.0),
    ("c05", D(2026, 2, 15), 1000.0),
    ("c05", D(2026, 1, 10), 1000.0),
    ("c06", D(2026, 2, 1), 30.0),
    ("c07", D(2026, 1, 20), 60.0),
    ("c07", D(2026, 1, 5), 60.0),
    ("c07", D(2025, 12, 20), 60.0),
    ("c07", D(2025, 12, 1), 60.0),
    ("c07", D(2025, 11, 15), 60.0),
    ("c08", D(2026, 1, 2), 20.0),
    ("c09", D(2025, 12, 1), 150.0),
    ("c09", D(2025, 11, 1), 150.0),
    ("c10", D(2025, 10, 1), 700.0),
    ("c10", D(2026, 2, 1), -700.0),  # a refund: nets to 0, does not move recency
]
AS_OF = D(2026, 4, 1)


@pytest.fixture
def sales() -> pl.DataFrame:
    c, d, a = zip(*ROWS, strict=True)
    return pl.DataFrame({"customer_id": c, "date": d, "amount": a})

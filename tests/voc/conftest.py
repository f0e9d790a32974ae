"""A small call-center log whose figures are computed by hand in the tests."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest


def day(d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, d, h, tzinfo=dt.timezone.utc)


#: customer, day, hour, touchpoint, reason, emotion, csat, outcome
ROWS = [
    ("a", 1, 9, "phone", "bill", "satisfied", None, "abandon"),
    ("a", 3, 9, "phone", "bill", "不満", None, "resolved"),
    ("a", 10, 9, None, None, None, None, "churn"),
    ("b", 1, 9, "phone", "bill", "dissatisfied", None, None),
    ("b", 1, 10, "agent", "bill", None, None, "resolved"),
    ("c", 2, 9, "phone", "wifi", "delighted", None, "resolved"),
    ("c", 20, 9, "phone", "wifi", None, None, "churn"),
    ("d", 1, 9, "web", None, None, None, "resolved"),
    ("e", 1, 9, "phone", "wifi", None, None, "resolved"),
    ("f", 4, 9, "phone", "bill", None, 1.0, "churn"),
]


def small_frame() -> pl.DataFrame:
    cols = ["customer_id", "d", "h", "touchpoint", "call_reason", "emotion", "csat", "outcome"]
    df = pl.DataFrame(ROWS, schema=cols, orient="row")
    return df.with_columns(
        timestamp=pl.datetime(2026, 3, pl.col("d"), pl.col("h"), time_zone="UTC")
    ).drop("d", "h")


@pytest.fixture
def small() -> pl.DataFrame:
    return small_frame()

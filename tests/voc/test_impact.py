"""call_reason_impact against a hand-computed log, on polars, pandas, DuckDB and Dask."""

from __future__ import annotations

import math
from pathlib import Path
from statistics import NormalDist
from typing import Any

import polars as pl
import pytest

import cxkit as cx
from cxkit.core.errors import CxkitError
from cxkit.voc import call_reason_impact

Z = NormalDist().inv_cdf(0.975)


def wilson(k: float, n: float) -> tuple[float, float]:
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return (0.0 if k == 0 else centre - half, 1.0 if k == n else centre + half)


def to_duckdb(df: pl.DataFrame) -> Any:
    duckdb = pytest.importorskip("duckdb")
    return duckdb.connect().from_arrow(df.to_arrow())


def to_dask(df: pl.DataFrame) -> Any:
    dd = pytest.importorskip("dask.dataframe")
    return dd.from_pandas(df.to_pandas(), npartitions=2)


BACKENDS = {
    "polars": lambda df: df,
    "dask": to_dask,
    "polars-lazy": lambda df: df.lazy(),
    "pandas": lambda df: df.to_pandas(),
    "duckdb": to_duckdb,
}


def rows(table: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {r["reason"]: r for r in table.iter_rows(named=True)}


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_hand_computed_figures(small: pl.DataFrame, backend: str) -> None:
    t = call_reason_impact(BACKENDS[backend](small), cost_per_contact=400)
    assert t["reason"].to_list() == ["bill", "wifi"]  # bill: 1 excess churned customer
    bill, wifi = rows(t)["bill"], rows(t)["wifi"]
    # volume: bill a×2, b×2, f×1; wifi c×2, e×1
    assert (bill["contacts"], bill["journeys"], bill["customers"]) == (5, 4, 3)
    assert (wifi["contacts"], wifi["journeys"], wifi["customers"]) == (3, 3, 2)
    assert bill["share"] == pytest.approx(5 / 8, abs=1e-12)
    assert (bill["share_low"], bill["share_high"]) == pytest.approx(wilson(5, 8), abs=1e-9)
    # dissatisfied: a's 不満, b's dissatisfied, f's CSAT 1 out of 4 answers
    assert (bill["dissatisfied"], bill["answered"]) == (3, 4)
    lo, hi = wilson(3, 4)
    assert bill["dissatisfaction_low"] == pytest.approx(lo, abs=1e-9)
    assert bill["dissatisfaction_high"] == pytest.approx(hi, abs=1e-9)
    assert (wifi["dissatisfied"], wifi["answered"]) == (0, 1)
    # repeats: a came back on day 3, c on day 20
    assert (bill["repeats"], wifi["repeats"]) == (1, 1)
    assert bill["repeat_rate"] == pytest.approx(1 / 4, abs=1e-12)
    assert (wifi["repeat_low"], wifi["repeat_high"]) == pytest.approx(wilson(1, 3), abs=1e-9)
    # churn: a, c, f of 6 customers; bill 2/3 against c, d, e 1/3
    assert (bill["churned"], bill["churn_rate_without"]) == (2, pytest.approx(1 / 3))
    se = math.sqrt(1 / 2 - 1 / 3 + 1 / 1 - 1 / 3)
    assert bill["churn_lift"] == pytest.approx(2.0, abs=1e-9)
    assert bill["churn_lift_low"] == pytest.approx(2 * math.exp(-Z * se), abs=1e-9)
    assert bill["churn_lift_high"] == pytest.approx(2 * math.exp(Z * se), abs=1e-9)
    assert bill["excess_churn"] == pytest.approx(1.0, abs=1e-12)
    # wifi: 1/2 against a, b, d, f 2/4 → 1
    assert wifi["churn_lift"] == pytest.approx(1.0, abs=1e-9)
    se = math.sqrt(1 / 1 - 1 / 2 + 1 / 2 - 1 / 4)
    assert wifi["churn_lift_low"] == pytest.approx(math.exp(-Z * se), abs=1e-9)
    assert (bill["cost"], wifi["cost"]) == (2000.0, 1200.0)
    assert (bill["rank"], wifi["rank"], bill["lift_note"]) == (1, 2, None)


def test_backends_agree_exactly(small: pl.DataFrame) -> None:
    ref = call_reason_impact(small)
    for name, convert in BACKENDS.items():
        other = call_reason_impact(convert(small))
        assert other.columns == ref.columns, name
        for col in ref.columns:
            a, b = ref[col].to_list(), other[col].to_list()
            assert a == pytest.approx(b, abs=1e-12) if ref[col].dtype.is_float() else a == b


def test_window_limits_repeats(small: pl.DataFrame) -> None:
    t = rows(call_reason_impact(small, window="7d"))
    assert (t["bill"]["repeats"], t["wifi"]["repeats"]) == (1, 0)  # 2 days; 18 days
    t = rows(call_reason_impact(small, window="1d"))
    assert t["bill"]["repeats"] == 0


def test_category_rows(small: pl.DataFrame) -> None:
    cat = ["fee", "fee", None, "fee", "fee", "speed", "outage", None, "speed", "app"]
    t = call_reason_impact(small.with_columns(complaint=pl.Series(cat)), category="complaint")
    got = {(r["reason"], r["category"]): r["contacts"] for r in t.iter_rows(named=True)}
    assert got == {
        ("bill", "fee"): 4,
        ("bill", "app"): 1,
        ("wifi", "speed"): 2,
        ("wifi", "outage"): 1,
    }


def test_cost_per_touchpoint_and_journey_prices(small: pl.DataFrame) -> None:
    t = rows(call_reason_impact(small, cost_per_contact={"phone": 100, "agent": 1000}))
    assert t["bill"]["cost"] == 4 * 100 + 1000
    with pytest.raises(CxkitError, match=r"no cost for touchpoint.*'agent'"):
        call_reason_impact(small, cost_per_contact={"phone": 100})


def test_no_contrast_lift_is_undefined_and_said_so(small: pl.DataFrame) -> None:
    only_bill = small.filter(pl.col("customer_id").is_in(["a", "b", "f"]))
    t = call_reason_impact(only_bill)
    row = t.row(0, named=True)
    assert row["churn_lift"] is None and row["lift_note"] == "no_contrast"
    assert row["score"] == 0.0


def test_zero_churn_side_is_corrected(small: pl.DataFrame) -> None:
    t = rows(call_reason_impact(small.filter(pl.col("customer_id") != "c")))
    # wifi: e only, 0 of 1 churned; without: 2 of 4 → ½ added to every cell
    assert t["wifi"]["lift_note"] == "corrected"
    assert t["wifi"]["churn_lift"] == pytest.approx((0.5 / 2) / (2.5 / 5), abs=1e-12)


def test_missing_reason_column_suggests(small: pl.DataFrame) -> None:
    with pytest.raises(CxkitError, match=r"'call_reasons'.*did you mean 'call_reason'"):
        call_reason_impact(small, reason="call_reasons")
    with pytest.raises(CxkitError, match=r"'call_reason' \(the call reason\) is missing"):
        call_reason_impact(small.rename({"call_reason": "callreason"}))
    with pytest.raises(CxkitError, match="complaint category"):
        call_reason_impact(small, category="complaints")


def test_empty_and_reasonless_logs(small: pl.DataFrame) -> None:
    with pytest.raises(CxkitError, match="empty"):
        call_reason_impact(small.clear())
    with pytest.raises(CxkitError, match="no contact in the log has a call reason"):
        call_reason_impact(small.with_columns(call_reason=pl.lit(None, pl.String)))


def test_no_outcome_column(small: pl.DataFrame) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = call_reason_impact(small.drop("outcome"))
    assert set(t["lift_note"].to_list()) == {"no_outcome"}
    assert t["churn_lift"].null_count() == t.height


def test_shipped_example_runs() -> None:
    j = cx.load_journey("subscription_support")
    events = cx.data.load_example("subscription_support")
    t = call_reason_impact(events, journey=j)
    assert set(t["reason"]) == {"billing", "cancellation", "connection", "plan_change"}
    assert t["rank"].to_list() == [1, 2, 3, 4]
    assert t["cost"].min() > 0


def test_a_file_path_is_read_by_the_engine(small: pl.DataFrame, tmp_path: Path) -> None:
    small.write_parquet(tmp_path / "log.parquet")
    t = call_reason_impact(tmp_path / "log.parquet")
    assert t.select("reason", "contacts").rows() == [("bill", 5), ("wifi", 3)]

"""The fix list: entries, writers (injection, atomic, escaping) and the ROI initiative."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from pathlib import Path

import polars as pl
import pytest

import cxkit as cx
from cxkit.core.economics import Distribution, Effect, EffectChange, Initiative
from cxkit.core.errors import CxkitError
from cxkit.voc import call_reason_impact, fix_initiative, fix_list, write_fix_list


@pytest.fixture
def entries(small: pl.DataFrame) -> list:
    hostile = small.with_columns(
        call_reason=pl.col("call_reason").replace({"bill": '=HYPERLINK("x")|<b>*'})
    )
    return fix_list(call_reason_impact(hostile, cost_per_contact=400), top=5)


def test_entries_rank_why_and_owner(small: pl.DataFrame) -> None:
    es = fix_list(call_reason_impact(small, cost_per_contact=400), top=1)
    assert len(es) == 1 and es[0].reason == "bill" and es[0].rank == 1
    assert "churn 2.00× as often" in es[0].why and "75 % of contacts dissatisfied" in es[0].why
    # lift interval reaches below 1, a quarter of journeys came back → process owner
    assert es[0].owner == "process" and es[0].owner_label == "Process / operations owner"
    ja = fix_list(call_reason_impact(small), lang="ja", owners={"wifi": "ネットワーク部"})
    assert "解約が 2.00 倍" in ja[0].why and ja[1].owner_label == "ネットワーク部"
    with pytest.raises(CxkitError, match="`top`"):
        fix_list(call_reason_impact(small), top=0)


def test_csv_is_injection_safe_with_bom(entries: list, tmp_path: Path) -> None:
    out = write_fix_list(entries, tmp_path / "fixes.csv", bom=True)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:5] == ["rank", "reason", "category", "why", "owner"]
    assert rows[1][1] == '\'=HYPERLINK("x")|<b>*'  # quoted: no formula runs
    assert rows[1][5] == "5" and len(rows) == 3
    ja = write_fix_list(entries, tmp_path / "ja.csv", lang="ja").read_text("utf-8")
    header = ja.splitlines()[0]
    assert header.startswith("順位,問い合わせ理由") and "contacts" not in header


def test_ja_csv_says_why_a_lift_is_undefined(small: pl.DataFrame, tmp_path: Path) -> None:
    only_bill = small.filter(pl.col("customer_id").is_in(["a", "b", "f"]))
    entries = fix_list(call_reason_impact(only_bill), lang="ja")
    text = write_fix_list(entries, tmp_path / "note.csv").read_text("utf-8")
    assert "全顧客がこの理由を持つため比較対象がない" in text and "no_contrast" not in text
    en = write_fix_list(fix_list(call_reason_impact(only_bill)), tmp_path / "en.csv")
    assert ",no_contrast," in en.read_text("utf-8")


def test_markdown_is_escaped(entries: list, tmp_path: Path) -> None:
    text = write_fix_list(entries, tmp_path / "fixes.md").read_text("utf-8")
    row = text.splitlines()[4]
    assert "&#124;" in row and "&lt;b&gt;" in row and "\\*" in row and "<b>" not in row
    assert row.count(" | ") == 8  # 9 cells: the reason's pipe did not add a column


def test_json_round_trip(entries: list, tmp_path: Path) -> None:
    data = json.loads(write_fix_list(entries, tmp_path / "fixes.json").read_text("utf-8"))
    assert data["entries"][0]["reason"] == '=HYPERLINK("x")|<b>*'
    assert data["entries"][0]["contacts"] == 5 and data["entries"][1]["churn_lift"] == 1.0


def test_writer_is_atomic_and_checks_the_suffix(entries: list, tmp_path: Path) -> None:
    target = tmp_path / "fixes.csv"
    target.write_text("previous")
    with pytest.raises(CxkitError, match=r"\.csv, \.md or \.json"):
        write_fix_list(entries, tmp_path / "fixes.xls")
    with pytest.raises(CxkitError, match="does not exist"):
        write_fix_list(entries, tmp_path / "no" / "such" / "fixes.csv")
    broken = [dataclasses.replace(entries[0], reason="bad \ud800")]  # a lone surrogate
    with pytest.raises(CxkitError, match=r"fixes\.csv"):
        write_fix_list(broken, target)
    assert target.read_text() == "previous" and sorted(tmp_path.iterdir()) == [target]
    write_fix_list(entries, target)
    assert target.read_text("utf-8").startswith("rank,reason")


# -- the ROI initiative -------------------------------------------------------------------
@pytest.fixture(scope="module")
def journey() -> cx.Journey:
    return cx.load_journey("subscription_support")


@pytest.fixture(scope="module")
def cancellation(journey: cx.Journey):
    impact = call_reason_impact(cx.data.load_example("subscription_support"), journey=journey)
    return next(e for e in fix_list(impact) if e.reason == "cancellation")


def test_initiative_effect_comes_from_the_data(small: pl.DataFrame) -> None:
    bill = fix_list(call_reason_impact(small))[0]
    eff = fix_initiative(bill).effects[0]
    f = bill.figures
    assert (eff.target, eff.field, eff.change) == ("reasons:bill", "arrival", EffectChange.MULTIPLY)
    assert eff.mode == pytest.approx(1 - f["repeat_rate"]) == pytest.approx(0.75)
    assert (eff.low, eff.high) == pytest.approx((1 - f["repeat_high"], 1 - f["repeat_low"]))
    with pytest.raises(CxkitError, match=r"did you mean 'billing'"):
        bill.to_initiative(cx.load_journey("subscription_support"))
    with pytest.raises(CxkitError, match="reduction"):
        bill.to_initiative(reduction=(0.3, 0.2, 0.1))


def test_roi_values_a_zero_effect_at_minus_its_costs(cancellation, journey) -> None:
    """Hand-checked: quarterly cash flows at 10 % a year over 3 years, capex at t = 0."""
    ini = cancellation.to_initiative(
        journey, cost_one_off=1e6, cost_per_period=1e5, reduction=(0, 0, 0), ramp_up_periods=0
    )
    ev = cx.roi.evaluate(journey, [ini], n_sims=50, seed=1)
    q = 1.1**0.25 - 1
    hand = -1e6 - sum(25_000 / (1 + q) ** t for t in range(1, 13))
    assert ev["fix_cancellation"].npv.p50 == pytest.approx(hand, rel=1e-9)


def test_roi_values_fewer_contacts_of_that_reason(cancellation, journey) -> None:
    ev = cx.roi.evaluate(
        journey,
        [
            cancellation.to_initiative(journey, reduction=(0.1, 0.1, 0.1), ramp_up_periods=0),
            Initiative(
                id="by_hand",
                effects=(
                    Effect(
                        "reasons:cancellation",
                        "arrival",
                        EffectChange.MULTIPLY,
                        0.9,
                        0.9,
                        0.9,
                        Distribution.TRIANGULAR,
                    ),
                ),
            ),
        ],
        n_sims=50,
        seed=1,
    )
    npv = ev["fix_cancellation"].npv.p50
    assert npv > 0 and math.isclose(npv, ev["by_hand"].npv.p50, rel_tol=1e-12)
    bigger = cx.roi.evaluate(
        journey,
        [cancellation.to_initiative(journey, reduction=(0.2, 0.2, 0.2), ramp_up_periods=0)],
        n_sims=50,
        seed=1,
    )
    assert bigger["fix_cancellation"].npv.p50 > npv

"""drift(): the design against the data, with intervals so that noise is not drift."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import polars as pl
import pytest

import cxkit as cx
from cxkit.analytics import drift
from cxkit.analytics._drift import wilson_interval
from cxkit.core.model import Emotion

T0 = dt.datetime(2026, 6, 1, 9)


@pytest.fixture(scope="module")
def billing() -> cx.Journey:
    return cx.load_journey("billing_inquiry")


@pytest.fixture(scope="module")
def billing_log(billing: cx.Journey, sampler: Callable[..., pl.DataFrame]) -> pl.DataFrame:
    return sampler(billing, 5000, seed=11)


def test_a_log_of_the_design_itself_has_not_drifted(
    billing: cx.Journey, billing_log: pl.DataFrame
) -> None:
    report = drift(billing, billing_log)
    assert not report.is_drifted
    frame = report.to_frame()
    assert set(frame["check"]) == {"entry", "handoff", "outcome", "reach"}
    row = frame.filter(check="handoff", source="web_faq", target="phone_queue").row(0, named=True)
    assert row["designed"] == 0.5 and row["n"] == 5000
    assert row["ci_low"] < row["observed"] < row["ci_high"]
    # the remainder (web_faq → abandon, 0.1) is a designed hand-off too
    assert frame.filter(check="handoff", source="web_faq", target="abandon")["designed"][
        0
    ] == pytest.approx(0.1)
    # outcome rates compare with the chain's exact absorption probabilities
    resolved = frame.filter(check="outcome", target="resolved")["designed"][0]
    assert resolved == pytest.approx(0.4 + 0.5 * 0.9 * 0.85)


def test_a_changed_design_drifts_where_it_changed(
    billing: cx.Journey, billing_log: pl.DataFrame
) -> None:
    changed = billing.with_handoff("web_faq", "resolved", probability=0.3).with_handoff(
        "web_faq", "phone_queue", probability=0.6
    )
    report = drift(changed, billing_log, tolerance=0.05)
    drifted = report.drifted
    pairs = set(zip(drifted["source"], drifted["target"], strict=True))
    assert ("web_faq", "resolved") in pairs and ("web_faq", "phone_queue") in pairs
    assert report.is_drifted
    first = drifted.row(0, named=True)
    assert first["status"] == "drifted" and abs(first["difference"]) > 0.05
    assert "hand-off web_faq → " in first["message"] and "% CI" in first["message"]
    # simultaneous intervals: each check at 1 − 0.05/m
    m = report.checks.height
    assert report.check_confidence == pytest.approx(1 - 0.05 / m)
    assert f"{report.check_confidence * 100:.2f}"[:5] in first["message"]


def _log(paths: list[tuple[list[str], str]], **extra: list) -> pl.DataFrame:
    rows = []
    for i, (tps, outcome) in enumerate(paths):
        for k, tp in enumerate(tps):
            rows.append(
                (
                    f"c{i:04d}",
                    T0 + dt.timedelta(minutes=k),
                    tp,
                    outcome if k == len(tps) - 1 else None,
                )
            )
    return pl.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "timestamp": [r[1] for r in rows],
            "touchpoint": [r[2] for r in rows],
            "outcome": [r[3] for r in rows],
            **extra,
        }
    )


def test_small_samples_are_inconclusive_not_drifted(billing: cx.Journey) -> None:
    # 2 customers who both go straight to resolved: 1.0 observed vs 0.4 designed
    report = drift(billing, _log([(["web_faq"], "resolved")] * 2))
    row = report.to_frame().filter(check="handoff", target="resolved").row(0, named=True)
    assert row["status"] == "inconclusive"
    assert row["ci_low"] < 0.4 < row["ci_high"]
    # with 4 of 4 the chance under the design is 0.4⁴ = 2.6 %: drifted at 95 % for
    # this one check, but not once the report's several checks are accounted for
    four = _log([(["web_faq"], "resolved")] * 4)
    alone = drift(billing, four, correction="none").to_frame()
    assert alone.filter(check="handoff", target="resolved")["status"][0] == "drifted"
    together = drift(billing, four).to_frame()
    assert together.filter(check="handoff", target="resolved")["status"][0] == "inconclusive"
    big = drift(billing, _log([(["web_faq"], "resolved")] * 200))
    assert big.to_frame().filter(check="handoff", target="resolved")["status"][0] == "drifted"
    # the designed hand-off to the phone is never seen: a design-only edge
    gone = big.to_frame().filter(check="handoff", target="phone_queue").row(0, named=True)
    assert gone["structure"] == "design_only" and gone["status"] == "drifted"
    # phone_queue and agent are never reached although the design sends half there
    reach = big.to_frame().filter(check="reach", source="agent").row(0, named=True)
    assert reach["observed"] == 0.0 and reach["designed"] == pytest.approx(0.45)
    assert "never seen in the log" in reach["message"]


def test_touchpoints_and_hand_offs_not_in_the_design(billing: cx.Journey) -> None:
    log = _log([(["web_faq", "chatbot"], "resolved")] * 100 + [(["web_faq"], "resolved")] * 100)
    frame = drift(billing, log).to_frame()
    new = frame.filter(check="handoff", target="chatbot").row(0, named=True)
    assert new["structure"] == "data_only" and new["status"] == "drifted"
    reach = frame.filter(check="reach", source="chatbot").row(0, named=True)
    assert reach["designed"] == 0.0 and reach["observed"] == 0.5
    assert "not in the design" in reach["message"]


def test_emotion_and_effort_against_the_steps(billing: cx.Journey) -> None:
    # the design: the FAQ step is dissatisfied; say it costs effort 4
    design = billing.with_step("faq", effort=4.0)
    n = 60
    # effort answered at the FAQ in the middle of journeys that go on to the phone
    log = _log(
        [(["web_faq", "phone_queue"], "abandon")] * n,
        emotion=["delighted", None] * 50 + ["dissatisfied", None] * 10,
        effort=[1.0, None] * n,
    )
    frame = drift(design, log).to_frame()
    emotion = frame.filter(check="emotion", source="web_faq").row(0, named=True)
    assert emotion["designed_label"] == Emotion.DISSATISFIED.value
    assert emotion["observed_label"] == "delighted"
    assert emotion["observed"] == pytest.approx(10 / 60)
    assert emotion["status"] == "drifted"
    effort = frame.filter(check="effort", source="web_faq").row(0, named=True)
    assert effort["designed"] == 4.0 and effort["observed"] == 1.0
    assert effort["status"] == "drifted"


def test_one_effort_answer_per_journey_is_not_compared_with_steps(
    billing: cx.Journey,
) -> None:
    # answers only on each journey's last contact: they rate whole journeys
    log = _log(
        [(["web_faq", "phone_queue", "agent"], "resolved")] * 40,
        effort=[None, None, 2.5] * 20 + [None, None, 2.0] * 20,
    )
    report = drift(billing.with_step("explain", effort=5.0), log)
    assert report.to_frame().filter(check="effort").height == 0
    assert report.notes == (
        "effort: all 40 answers are on journeys' last contacts, so they rate whole "
        "journeys and are not compared with the designed steps",
    )


def test_reports_are_json_ready(billing: cx.Journey, billing_log: pl.DataFrame) -> None:
    report = drift(billing, billing_log)
    data = report.to_dict()
    assert data["journey"] == "billing_inquiry" and data["is_drifted"] is False
    assert data["counts"]["drifted"] == 0 and data["counts"]["ok"] == len(data["checks"])
    json.dumps(data, allow_nan=False)
    assert repr(report).startswith("<DriftReport 'billing_inquiry': 0 drifted")


def test_wilson_interval_reference_values() -> None:
    # Wilson (1927) / Newcombe (1998) table: 81/263 → 0.2553 – 0.3662
    lo, hi = wilson_interval(81, 263)
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0


def test_bad_arguments(billing: cx.Journey, billing_log: pl.DataFrame) -> None:
    with pytest.raises(cx.CxkitError, match=r"`tolerance` must be a number in \[0, 1\], got 2"):
        drift(billing, billing_log, tolerance=2)
    with pytest.raises(cx.CxkitError, match=r"`confidence` must be in \(0, 1\)"):
        drift(billing, billing_log, confidence=1.0)
    with pytest.raises(cx.CxkitError, match="`correction` must be 'bonferroni' or 'none'"):
        drift(billing, billing_log, correction="holm")  # type: ignore[arg-type]
    with pytest.raises(cx.CxkitError, match=r"`journey` must be a cxkit\.Journey"):
        drift(billing_log, billing)  # type: ignore[arg-type]

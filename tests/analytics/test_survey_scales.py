"""Survey answers on declared scales (EventSchema(scales=...)), calibrate() and drift's
measured baselines. Every expected value is worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import json
import warnings

import polars as pl
import pytest

import cxkit as cx
from cxkit.analytics import (
    EventLogError,
    EventLogWarning,
    EventSchema,
    Scale,
    calibrate,
    drift,
    journey_metrics,
    touchpoint_metrics,
)
from cxkit.analytics._calibrate import calibration
from cxkit.analytics._validate import prepare
from cxkit.core.errors import CxkitError
from cxkit.core.model import Evidence
from cxkit.data import generate_events
from cxkit.io import dump_journey, loads_journey

T0 = dt.datetime(2026, 1, 1, 9)
SCALES = {"emotion": "-2..2", "effort": "1..7", "csat": "1..5", "nps": "0..10"}


def _log() -> pl.DataFrame:
    """Four customers, two touchpoints, one answer of each survey per contact."""
    return pl.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c", "d"],
            "timestamp": [T0, T0 + dt.timedelta(hours=1), T0, T0, T0],
            "touchpoint": ["web", "phone", "web", "phone", "web"],
            "emotion": [-2, 1, 0, 2, None],
            "effort": [1, 7, 4, None, 6],  # CES 2.0: 7 = very easy
            "csat": [5, 1, 4, 3, 2],
            "nps": [10, 0, 9, 7, 8],
        }
    )


def test_canonical_columns_hold_the_mapped_answers() -> None:
    frame = prepare(_log(), EventSchema(scales=SCALES)).frame.to_native().collect()
    rows = {(r["customer"], r["tp"]): r for r in frame.iter_rows(named=True)}
    # emotion −2..2: u = (x + 2)/4, D = 10u − 5 = −5, 2.5, 0, 5 → dis, delighted, sat, delighted
    assert [rows[k]["emotion"] for k in [("a", "web"), ("a", "phone"), ("b", "web")]] == [
        "dissatisfied",
        "delighted",
        "satisfied",
    ]
    assert rows[("c", "phone")]["emotion"] == "delighted"
    assert rows[("d", "web")]["emotion"] is None and rows[("d", "web")]["emotion_score"] is None
    assert rows[("a", "phone")]["emotion_score"] == 1.0  # the raw answer is kept
    # CES 2.0 → CES v1: 1 + (7 − x)/1.5: 1 → 5, 7 → 1, 4 → 3, 6 → 1.6667
    assert rows[("a", "web")]["effort"] == pytest.approx(5.0, abs=1e-12)
    assert rows[("a", "phone")]["effort"] == pytest.approx(1.0, abs=1e-12)
    assert rows[("b", "web")]["effort"] == pytest.approx(3.0, abs=1e-12)
    assert rows[("d", "web")]["effort"] == pytest.approx(5 / 3, abs=1e-12)
    # CSAT 1–5 and NPS 0–10 are cxkit's own scales: unchanged
    assert rows[("a", "web")]["csat"] == 5.0 and rows[("a", "phone")]["nps"] == 0.0


@pytest.mark.parametrize(
    ("scale", "answers", "classes"),
    [
        # 1..7: D = 10(x − 1)/6 − 5 = −5, −3.33, −1.67, 0, 1.67, 3.33, 5
        ("1..7", range(1, 8), "ddd" + "ss" + "DD"),
        # 1..5: D = −5, −2.5, 0, 2.5, 5
        ("1..5", range(1, 6), "dd" + "s" + "DD"),
        # 0..10: D = x − 5; D < −1 ⇔ x < 4, D > 2 ⇔ x > 7 (4 and 7 are satisfied)
        ("0..10", range(11), "dddd" + "ssss" + "DDD"),
        # 1 is best: the scale read from the other end
        ("1..5 low=best", range(1, 6), "DD" + "s" + "dd"),
    ],
)
def test_numeric_emotion_classes_follow_the_zone_of_tolerance(scale, answers, classes) -> None:
    answers = list(answers)
    log = pl.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(answers))],
            "timestamp": [T0] * len(answers),
            "touchpoint": ["web"] * len(answers),
            "emotion": answers,
        }
    )
    frame = prepare(log, EventSchema(scales={"emotion": scale})).frame.to_native().collect()
    got = dict(zip(frame["emotion_score"].to_list(), frame["emotion"].to_list(), strict=True))
    letter = {"dissatisfied": "d", "satisfied": "s", "delighted": "D"}
    assert "".join(letter[got[float(x)]] for x in answers) == classes


def test_csat_top_box_on_other_scales() -> None:
    # top box is u ≥ 0.75: 6–7 of 1..7, 8–10 of 1..10
    for scale, answers, top in (("1..7", range(1, 8), 2), ("1..10", range(1, 11), 3)):
        answers = list(answers)
        log = pl.DataFrame(
            {
                "customer_id": [f"c{i}" for i in range(len(answers))],
                "timestamp": [T0] * len(answers),
                "touchpoint": ["web"] * len(answers),
                "csat": answers,
            }
        )
        m = touchpoint_metrics(log, schema=EventSchema(scales={"csat": scale}))
        assert m["csat_pct"][0] == pytest.approx(100 * top / len(answers), abs=1e-9)
        # the mean on the declared scale is the mean answer
        assert m["csat_mean"][0] == pytest.approx(sum(answers) / len(answers), abs=1e-9)
        assert m["csat_scale"][0] == scale


def test_metrics_report_both_scales() -> None:
    schema = EventSchema(scales=SCALES)
    m = {
        r["touchpoint"]: r for r in touchpoint_metrics(_log(), schema=schema).iter_rows(named=True)
    }
    web, phone = m["web"], m["phone"]
    # web emotions −2, 0 (and one null): mean −1 on −2..2; shares 1/2 dissatisfied, 1/2 satisfied
    assert web["emotion_mean"] == pytest.approx(-1.0, abs=1e-12)
    assert (web["share_dissatisfied"], web["share_satisfied"]) == (0.5, 0.5)
    assert web["emotion_scale"] == "-2..2"
    # web effort 1, 4, 6 on 1..7 → CES v1 5, 3, 5/3: mean 3.2222; on 1..7 the mean is 11/3
    assert web["ces"] == pytest.approx((5 + 3 + 5 / 3) / 3, abs=1e-9)
    assert web["effort_mean"] == pytest.approx(11 / 3, abs=1e-9)
    assert web["effort_scale"] == "1..7"
    # phone: emotion 1, 2 → mean 1.5, both delighted; effort 7 → CES 1
    assert phone["emotion_mean"] == pytest.approx(1.5, abs=1e-12)
    assert phone["share_delighted"] == 1.0 and phone["ces"] == pytest.approx(1.0, abs=1e-12)
    # CSAT web 5, 4, 2 → 2 of 3 top box; NPS web 10, 9, 8 → 2 promoters, 0 detractors
    assert web["csat_pct"] == pytest.approx(200 / 3, abs=1e-9)
    assert web["csat_mean"] == pytest.approx(11 / 3, abs=1e-9)
    assert web["nps"] == pytest.approx(200 / 3, abs=1e-9) and web["nps_scale"] == "0..10"
    j = journey_metrics(_log(), schema=schema).row(0, named=True)
    # all four emotion answers: (−2 + 1 + 0 + 2)/4 = 0.25; effort 1, 7, 4, 6 → 4.5
    assert j["emotion_mean"] == pytest.approx(0.25, abs=1e-12)
    assert j["effort_mean"] == pytest.approx(4.5, abs=1e-12)
    assert j["ces"] == pytest.approx((5 + 1 + 3 + 5 / 3) / 4, abs=1e-12)
    # NPS of 10, 0, 9, 7, 8: 2 promoters − 1 detractor of 5 = +20
    assert j["nps"] == pytest.approx(20.0, abs=1e-9)


def test_without_a_scale_the_metrics_are_unchanged() -> None:
    log = _log().drop("emotion").with_columns(effort=pl.Series([1, 5, 4, None, 2]))
    m = touchpoint_metrics(log)
    assert not {"emotion_mean", "effort_mean", "effort_scale"} & set(m.columns)


def test_answers_outside_the_declared_scale_are_refused() -> None:
    log = _log().with_columns(
        emotion=pl.Series([-3, 1, 0, 2, 3]), effort=pl.Series([0, 7, 4, 8, 6])
    )
    with pytest.raises(EventLogError) as err:
        prepare(log, EventSchema(scales=SCALES))
    text = str(err.value)
    assert len(err.value.problems) == 2
    assert "column 'emotion' (the emotion) is outside its declared scale in 2 rows" in text
    assert "'emotion': -3" in text and "declared scale -2..2" in text
    assert "column 'effort' (the CES answer) is outside its declared scale in 2 rows" in text
    assert "'effort': 0" in text and "declared scale 1..7" in text


def test_numeric_emotion_without_a_scale_says_how_to_declare_it() -> None:
    with pytest.raises(EventLogError, match=r"--scale emotion=-2\.\.2"):
        prepare(_log().drop("effort"))
    with pytest.raises(EventLogError, match=r"expected numbers on its declared scale -2\.\.2"):
        prepare(_log().with_columns(emotion=pl.lit("ok")), EventSchema(scales={"emotion": "-2..2"}))


@pytest.mark.parametrize(
    ("scales", "message"),
    [
        ({"emotoin": "1..5"}, "did you mean 'emotion'"),
        ({"nps": "1..10"}, "NPS is defined on 0..10"),
        ({"effort": "1..10"}, "say which end of the effort scale 1..10 is best"),
        ({"csat": "5..1"}, "needs low < high"),
        ({"csat": "one to five"}, "must be written LOW..HIGH"),
        ("-2..2", "must map survey fields to scales"),
    ],
)
def test_bad_scales(scales, message) -> None:
    with pytest.raises(CxkitError, match=message):
        EventSchema(scales=scales)


def test_scale_spellings() -> None:
    s = EventSchema(scales={"emotion": (-2, 2), "effort": "1..5", "csat": Scale(1, 7)})
    assert s.scale("emotion") == Scale(-2, 2, "high")
    assert s.scale("effort") == Scale(1, 5, "low")  # CES v1: 1 = lowest effort is best
    assert str(s.scale("effort")) == "1..5 low=best" and s.scale("nps") is None
    assert EventSchema(scales={"effort": "1..10 low=best"}).scale("effort").best == "low"
    assert s == EventSchema(scales={"csat": "1..7", "effort": "1..5", "emotion": "-2..2"})
    hash(s)


# -- calibrate ----------------------------------------------------------------------------
def _scored(journey: cx.Journey, n: int, seed: int) -> pl.DataFrame:
    """A generated log whose emotion classes are answered on −2..2 (−2, 0, +2) and whose
    effort is answered at every contact (so it rates contacts, not whole journeys)."""
    log = generate_events(journey, n, seed=seed)
    codes = {"dissatisfied": -2, "satisfied": 0, "delighted": 2}
    return log.with_columns(
        emotion=pl.col("emotion").replace_strict(codes, default=None, return_dtype=pl.Int64),
        effort=pl.col("effort").forward_fill().backward_fill().over("customer_id"),
    ).drop("csat")


def test_calibrate_fills_and_marks_the_steps() -> None:
    design = cx.load_journey("billing_inquiry")
    log = _scored(design, 600, seed=7)
    schema = EventSchema(scales={"emotion": "-2..2"})
    found = calibration(design, log, schema=schema)
    metrics = {
        r["touchpoint"]: r for r in touchpoint_metrics(log, schema=schema).iter_rows(named=True)
    }
    evaluated = design.evaluate().steps
    for i, step in enumerate(found.journey.steps):
        m = metrics[step.touchpoint]
        assert step.evidence is Evidence.MEASURED
        # experience = E + D̄, D̄ = 10·(mean + 2)/4 − 5 = 2.5·mean, clipped to 0–10
        expected = min(10.0, max(0.0, evaluated[i].expectation + 2.5 * m["emotion_mean"]))
        assert step.experience == pytest.approx(expected, abs=0.005)
        shares = {e: m[f"share_{e}"] for e in ("dissatisfied", "satisfied", "delighted")}
        assert step.emotion.value == max(shares, key=shares.get)
        assert step.effort == pytest.approx(m["ces"], abs=0.005)
        assert step.notes.splitlines()[-1].startswith("calibrated from the event log:")
    assert set(found.touchpoints["status"]) == {"measured"}
    assert design.steps[0].evidence is not Evidence.MEASURED  # the design is unchanged


def test_calibrated_journey_round_trips_through_yaml() -> None:
    design = cx.load_journey("billing_inquiry")
    calibrated = calibrate(
        design, _scored(design, 300, seed=2), schema=EventSchema(scales={"emotion": "-2..2"})
    )
    again = loads_journey(dump_journey(calibrated))
    assert again == calibrated and again.is_valid
    assert [s.evidence for s in again.steps] == [Evidence.MEASURED] * len(again.steps)
    # calibrating twice keeps one note line, not two
    twice = calibrate(
        calibrated, _scored(design, 300, seed=2), schema=EventSchema(scales={"emotion": "-2..2"})
    )
    assert [s.notes for s in twice.steps] == [s.notes for s in calibrated.steps]


def test_touchpoints_missing_from_the_log_stay_as_designed() -> None:
    design = cx.load_journey("billing_inquiry")
    log = _scored(design, 300, seed=4).filter(pl.col("touchpoint") != "phone_queue")
    with pytest.warns(EventLogWarning, match=r"phone_queue \(not in the log\)"):
        found = calibration(design, log, schema=EventSchema(scales={"emotion": "-2..2"}))
    assert found.unmeasured == ("phone_queue",)
    for old, new in zip(design.steps, found.journey.steps, strict=True):
        if old.touchpoint == "phone_queue":
            assert new == old
        else:
            assert new.evidence is Evidence.MEASURED


def test_answers_on_last_contacts_are_not_used_for_steps() -> None:
    design = cx.load_journey("billing_inquiry")
    log = generate_events(design, 300, seed=5)  # effort and CSAT once, on the last row
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)
        found = calibration(design, log)
    assert found.touchpoints["effort"].is_null().all()
    assert found.touchpoints["disconfirmation"].is_null().all()  # text emotion, no CSAT
    assert any(n.startswith("effort: all 300 answers") for n in found.notes)
    assert any(n.startswith("csat: all 300 answers") for n in found.notes)
    # the text emotions still set the steps' emotion
    assert all(s.emotion is not None for s in found.journey.steps)


def test_experience_from_csat_per_contact() -> None:
    # one touchpoint, CSAT 1..7 answers 7, 7, 4 at contacts: mean 6 → u = 5/6, D̄ = 3.333
    from cxkit.core.graph import TouchpointGraph
    from cxkit.core.model import Handoff, Outcome, Stage, Step, Touchpoint

    g = TouchpointGraph(
        (Touchpoint("web"), Touchpoint("phone")),
        (Handoff("web", "phone", 1.0), Handoff("phone", "done", 1.0)),
        (Outcome("done"),),
        entry={"web": 1.0},
    )
    design = cx.Journey(
        "j",
        graph=g,
        stages=(Stage("s"),),
        steps=(Step("s", "web", expectation=6.0), Step("s", "phone", expectation=5.0)),
    )
    log = pl.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c", "c"],
            "timestamp": [T0, T0 + dt.timedelta(hours=1)] * 3,
            "touchpoint": ["web", "phone"] * 3,
            "csat": [7, None, 7, None, 4, None],
        }
    )
    with pytest.warns(EventLogWarning, match=r"phone \(no survey answers\)"):
        found = calibration(design, log, schema=EventSchema(scales={"csat": "1..7"}))
    web, phone = found.journey.steps
    assert web.experience == pytest.approx(6.0 + 10 * 5 / 6 - 5, abs=0.005)  # 9.33
    assert web.emotion is None and web.evidence is Evidence.MEASURED
    assert phone == design.steps[1]
    with pytest.warns(EventLogWarning, match=r"web \(no survey answers\)"):
        fewer = calibrate(design, log, schema=EventSchema(scales={"csat": "1..7"}), min_answers=4)
    assert fewer.steps == design.steps


def test_drift_compares_with_the_measured_values() -> None:
    design = cx.load_journey("billing_inquiry")
    schema = EventSchema(scales={"emotion": "-2..2"})
    log = _scored(design, 2000, seed=11)
    before = drift(design, log, schema=schema).to_frame().filter(pl.col("check") == "emotion")
    agent = before.filter(source="agent").row(0, named=True)
    # designed agent steps are satisfied (E = P = 7) and delighted (P = 10): the modal design
    # class is satisfied, while the log's contacts at the agent feel mostly delighted
    assert (agent["baseline"], agent["designed_label"]) == ("designed", "satisfied")
    assert agent["observed_label"] == "delighted" and agent["status"] == "drifted"
    calibrated = calibrate(design, log, schema=schema)
    report = drift(calibrated, log, schema=schema)
    after = report.to_frame().filter(pl.col("check").is_in(["emotion", "effort"]))
    assert set(after["baseline"]) == {"measured"}
    assert set(after["status"]) == {"ok"}
    agent = after.filter(source="agent", check="emotion").row(0, named=True)
    assert agent["designed_label"] == "delighted" and "measured delighted" in agent["message"]
    assert any("compared with the measured values" in n for n in report.notes)
    # structural checks keep the design as their baseline
    assert set(report.to_frame().filter(pl.col("check") == "handoff")["baseline"]) == {"designed"}


def test_cli_scale_and_calibrate(tmp_path, capsys) -> None:
    from cxkit.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    design = cx.load_journey("billing_inquiry")
    events = tmp_path / "events.csv"
    _scored(design, 300, seed=3).write_csv(events)
    out = tmp_path / "calibrated.yaml"
    args = ["calibrate", "billing_inquiry", str(events), "--scale", "emotion=-2..2"]
    code, stdout, _ = run(*args, "-o", str(out), "--json")
    assert code == 0
    doc = json.loads(stdout)
    assert doc["command"] == "calibrate" and doc["unmeasured"] == []
    assert {r["status"] for r in doc["touchpoints"]} == {"measured"}
    assert cx.load_journey(out).steps[0].evidence is Evidence.MEASURED
    code, stdout, _ = run(*args, "-o", str(out), "--force", "--lang", "ja")
    assert code == 0 and "実測" in stdout and "回答数" in stdout
    code, stdout, _ = run("drift", str(out), str(events), "--scale", "emotion=-2..2")
    assert code == 0 and "compared with the measured values" in stdout
    code, _, err = run("drift", "billing_inquiry", str(events), "--scale", "nps=1..10")
    assert code != 0 and "--scale: EventSchema.scales: NPS is defined" in err
    code, _, err = run("discover", str(events), "--scale", "emotion")
    assert code != 0 and "expected FIELD=LOW..HIGH" in err


def test_a_step_measured_for_its_wait_is_not_an_emotion_baseline() -> None:
    # subscription_support's ivr "queue" step is `evidence: measured` for its wait (an ACD
    # report) and has no explicit emotion: the ivr emotion check keeps the design
    design = cx.load_journey("subscription_support")
    log = generate_events(design, 400, seed=1)
    checks = drift(design, log).to_frame().filter(check="emotion", source="ivr")
    assert checks["baseline"].to_list() == ["designed"]


@pytest.mark.parametrize("backend", ["pandas", "duckdb"])
def test_declared_scales_on_other_backends(backend) -> None:
    from polars.testing import assert_frame_equal

    frame = _log().to_pandas()
    if backend == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        frame = duckdb.from_arrow(_log().to_arrow())
    schema = EventSchema(scales=SCALES)
    want = touchpoint_metrics(_log(), schema=schema)
    got = touchpoint_metrics(frame, schema=schema)
    assert_frame_equal(got, want, abs_tol=1e-9, check_dtypes=False)

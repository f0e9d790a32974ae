"""Calibration: a designed journey's experience, effort and emotion measured from a log.

For every touchpoint of the journey that the log's survey answers reach, each
designed step at that touchpoint gets (formulas in ``docs/reference/analytics.md``,
"Calibrating a journey"):

``emotion``
    The most frequent emotion class of the answers there (ties → the less
    favourable class, as :func:`~cxkit.analytics.discover` does). Numeric emotions
    are classed by their declared scale (:mod:`cxkit.analytics._scales`).
``experience``
    ``clip(E + D̄, 0, 10)``: the step's expectation ``E`` (its own, else its call
    reason's; 5 when it has none) plus the mean disconfirmation ``D̄`` of the answers,
    ``D = 10·u − 5`` of each answer's position ``u`` on its scale (0 worst, 1 best;
    the midpoint is "as expected"). ``D̄`` comes from a numeric emotion with a
    declared scale, else from CSAT (its declared scale, else 1–5). A text emotion
    alone gives no experience.
``effort``
    The mean effort answer on CES v1 1–5 (declared scales mapped first).
``evidence``
    ``measured``; and a line in ``notes`` says what was measured from how many
    answers.

Answers that all sit on journeys' last contacts rate whole journeys, not the step
where the journey ended: such effort or CSAT answers are not used (the same rule as
:func:`~cxkit.analytics.drift`), and the result says so. Touchpoints of the journey
that the log does not reach, or where it has no answer, stay as designed; an
:class:`~cxkit.analytics.EventLogWarning` lists them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import narwhals as nw
import polars as pl

from cxkit.analytics._frames import collect
from cxkit.analytics._log import EventLog, as_log, designed_ids, whole_journeys_note
from cxkit.analytics._scales import points, position
from cxkit.analytics._schema import EventLogWarning, EventSchema, user_stacklevel
from cxkit.analytics._validate import EMOTIONS
from cxkit.core._checks import whole_number
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.journey import Journey
from cxkit.core.model import Emotion, Evidence, Step

__all__ = ["Calibration", "calibrate", "calibration"]

#: The first words of the ``notes`` line that :func:`calibrate` writes.
NOTE_PREFIX = "calibrated from the event log:"

_ROWS = {
    "touchpoint": pl.String,
    "steps": pl.Int64,
    "status": pl.String,
    "emotion": pl.String,
    "emotion_n": pl.Int64,
    "experience_from": pl.String,
    "disconfirmation": pl.Float64,
    "experience_n": pl.Int64,
    "effort": pl.Float64,
    "effort_n": pl.Int64,
}


@dataclass(frozen=True, eq=False)
class Calibration:
    """What :func:`calibration` measured: the calibrated ``journey``, one row per
    designed touchpoint in ``touchpoints`` (``status`` is ``measured``,
    ``no_answers`` or ``not_in_log``), and ``notes`` on answers left unused."""

    journey: Journey
    touchpoints: pl.DataFrame
    notes: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())

    @property
    def unmeasured(self) -> tuple[str, ...]:
        """The designed touchpoints that kept their designed values."""
        return tuple(self.touchpoints.filter(pl.col("status") != "measured")["touchpoint"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: per touchpoint, the unmeasured ones, notes and warnings."""
        return {
            "touchpoints": self.touchpoints.to_dicts(),
            "unmeasured": list(self.unmeasured),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }


def calibrate(
    journey: Journey,
    events: Any,
    *,
    schema: EventSchema | None = None,
    min_answers: int = 1,
) -> Journey:
    """Fill a designed journey's experience, effort and emotion from an event log.

    Each step at a touchpoint with survey answers gets the measured values and
    ``evidence: measured`` (module docstring); :func:`~cxkit.analytics.drift` then
    compares later logs with these measured values instead of the design.

    Parameters
    ----------
    journey
        The designed journey.
    events
        The event log (any supported frame or an :class:`EventLog`).
    schema
        Column names and declared survey scales (``EventSchema(scales=…)``).
    min_answers
        Fewest answers at a touchpoint for a value to be measured there (default 1).

    Returns
    -------
    Journey
        A new journey; the original is unchanged. :func:`calibration` also returns
        what was measured where.

    Examples
    --------
    >>> import polars as pl, datetime as dt
    >>> from cxkit.analytics import EventSchema
    >>> from cxkit.core.graph import TouchpointGraph
    >>> from cxkit.core.model import Handoff, Outcome, Stage, Step, Touchpoint
    >>> g = TouchpointGraph(
    ...     (Touchpoint("web"),), (Handoff("web", "done", 1.0),), (Outcome("done"),)
    ... )
    >>> design = Journey(
    ...     "j", graph=g, stages=(Stage("s"),), steps=(Step("s", "web", expectation=7.0),)
    ... )
    >>> t = dt.datetime(2026, 1, 1)
    >>> log = pl.DataFrame(
    ...     {
    ...         "customer_id": ["a", "b", "c"],
    ...         "timestamp": [t, t, t],
    ...         "touchpoint": ["web"] * 3,
    ...         "emotion": [-2, -1, 0],
    ...     }
    ... )
    >>> step = calibrate(design, log, schema=EventSchema(scales={"emotion": "-2..2"})).steps[0]
    >>> step.emotion.value, step.experience, step.evidence.value
    ('dissatisfied', 4.5, 'measured')
    """
    return calibration(journey, events, schema=schema, min_answers=min_answers).journey


def calibration(
    journey: Journey,
    events: Any,
    *,
    schema: EventSchema | None = None,
    min_answers: int = 1,
) -> Calibration:
    """:func:`calibrate`, with what was measured at each touchpoint."""
    if not isinstance(journey, Journey):
        raise CxkitError(f"`journey` must be a cxkit.Journey, got {format_value(journey)}")
    min_answers = whole_number(min_answers, "min_answers", 1)
    log = as_log(events, schema, journey)
    notes: list[str] = []
    measured = _measure(journey, log, min_answers, notes)
    steps = list(journey.steps)
    expectations = [ev.expectation for ev in journey.evaluate().steps]
    rows = []
    for tp in journey.graph.touchpoints:
        at = [i for i, s in enumerate(steps) if s.touchpoint == tp.id]
        m = measured.get(tp.id)
        status = "not_in_log" if m is None else ("measured" if m["any"] else "no_answers")
        values = {k: v for k, v in (m or {}).items() if k in _ROWS}
        rows.append({"touchpoint": tp.id, "steps": len(at), "status": status, **values})
        if status == "measured":
            for i in at:
                steps[i] = _measured_step(steps[i], expectations[i], m)  # type: ignore[arg-type]
    table = pl.DataFrame(rows, schema=_ROWS) if rows else pl.DataFrame(schema=_ROWS)
    unmeasured = table.filter(pl.col("status") != "measured")
    said = list(log.warnings)
    if unmeasured.height:
        text = "calibrate: " + "; ".join(
            f"{tid} ({'not in the log' if st == 'not_in_log' else 'no survey answers'})"
            for tid, st in unmeasured.select("touchpoint", "status").rows()
        )
        text += " — these touchpoints keep their designed values"
        said.append(text)
        warnings.warn(text, EventLogWarning, stacklevel=user_stacklevel())
    return Calibration(
        journey=journey.replace(steps=tuple(steps)),
        touchpoints=table,
        notes=tuple(notes),
        warnings=tuple(said),
    )


def _measure(
    journey: Journey, log: EventLog, min_answers: int, notes: list[str]
) -> dict[str, dict[str, Any]]:
    """Per designed touchpoint id in the log: the measured emotion, ``D̄`` and effort."""
    tids = designed_ids(journey, log.touchpoint_table["tp"].to_list())
    use_effort = log.has("effort") and _per_contact(log, "effort", notes)
    csat = log.has("csat") and _per_contact(log, "csat", notes)
    emotion_scale = log.schema.scale("emotion") if log.has("emotion") else None
    csat_means = _means(log, "csat") if csat else {}
    out: dict[str, dict[str, Any]] = {}
    for r in log.touchpoint_table.iter_rows(named=True):
        tid = tids[r["tp"]]
        if tid is None:
            continue
        m: dict[str, Any] = {"any": False}
        n_emo = int(r.get("emotion_count") or 0)
        if log.has("emotion") and n_emo >= min_answers:
            counts = {e: r[f"{e}_sum"] for e in EMOTIONS}
            m["emotion"] = max(EMOTIONS, key=lambda e: (counts[e], -EMOTIONS.index(e)))
            m["emotion_n"] = n_emo
        n_score = int(r.get("emotion_score_count") or 0)
        n_csat = int(r.get("csat_count") or 0)
        if emotion_scale is not None and n_score >= min_answers:
            mean = r["emotion_score_sum"] / n_score
            m.update(experience_from="emotion", experience_n=n_score)
            m["disconfirmation"] = points(position(mean, emotion_scale))
        elif csat and n_csat >= min_answers:  # canonical CSAT is on 1–5
            m.update(experience_from="csat", experience_n=n_csat)
            m["disconfirmation"] = points((csat_means[r["tp"]] - 1.0) / 4.0)
        n_eff = int(r.get("effort_count") or 0)
        if use_effort and n_eff >= min_answers:
            m["effort"] = round(min(5.0, max(1.0, r["effort_sum"] / n_eff)), 2)
            m["effort_n"] = n_eff
        m["any"] = any(k in m for k in ("emotion", "disconfirmation", "effort"))
        out[tid] = m
    return out


def _per_contact(log: EventLog, name: str, notes: list[str]) -> bool:
    """Whether ``name``'s answers rate contacts (some sit before a journey's last
    contact); answers all on last contacts rate whole journeys and are not used."""
    per_journey, _, _, n = log.answers_per_journey(name)
    if per_journey:
        notes.append(whole_journeys_note(name, n, "were not used for the steps"))
    return n > 0 and not per_journey


def _means(log: EventLog, column: str) -> dict[str, float]:
    """Per touchpoint, the mean canonical value of ``column`` (one aggregate)."""
    frame = collect(
        log.rows.filter(~nw.col(column).is_null())
        .group_by("tp")
        .agg(nw.col(column).mean().alias("m"))
    )
    return {tp: float(v) for tp, v in frame.rows()}


def _measured_step(step: Step, expectation: float | None, m: dict[str, Any]) -> Step:
    changes: dict[str, Any] = {"evidence": Evidence.MEASURED}
    said = []
    if "emotion" in m:
        changes["emotion"] = Emotion(m["emotion"])
        said.append(f"emotion mostly {m['emotion']} (n={m['emotion_n']})")
    if "disconfirmation" in m:
        base = 5.0 if expectation is None else float(expectation)
        changes["experience"] = round(min(10.0, max(0.0, base + m["disconfirmation"])), 2)
        said.append(
            f"experience {changes['experience']:g} = expectation {base:g} "
            f"{m['disconfirmation']:+.2f} from {m['experience_from']} (n={m['experience_n']})"
        )
    if "effort" in m:
        changes["effort"] = m["effort"]
        said.append(f"effort {m['effort']:g} (n={m['effort_n']})")
    kept = [line for line in (step.notes or "").splitlines() if not line.startswith(NOTE_PREFIX)]
    changes["notes"] = "\n".join([*kept, f"{NOTE_PREFIX} " + "; ".join(said)])
    return replace(step, **changes)

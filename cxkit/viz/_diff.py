"""The data behind the comparison charts: steps of several journeys aligned, and diffed.

Steps are matched by step id (when they also share their stage or their touchpoint:
the same id on another stage and touchpoint is an unrelated journey's step), else by
stage, touchpoint and order (the *k*-th step at a stage and touchpoint matches the
*k*-th one of the other journey; two steps that both carry ids but different ones
never match). The columns of the comparison follow
the first journey's map order (:func:`cxkit.viz.paging.map_order`); a step only in a
later journey is placed right after the step that precedes it there, inside its own
stage. Everything here is polars and the journeys' own evaluation
(:meth:`cxkit.Journey.evaluate`); no chart library is imported.

Examples
--------
>>> import cxkit as cx
>>> j = cx.load_journey("billing_inquiry")
>>> d = journey_diff(j, j.with_step(1, experience=5.0))
>>> d.filter(pl.col("status") == "changed")["summary"].to_list()
['experience +2 (3 → 5) · valence +4 · dissatisfied → satisfied']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label, resolve_lang
from cxkit.core.journey import Journey, StepEvaluation
from cxkit.viz.paging import map_order

__all__ = [
    "COMPARED_FIELDS",
    "MAX_JOURNEYS",
    "STATUSES",
    "Slot",
    "align",
    "compare_kpis",
    "journey_diff",
    "journey_name",
    "persona_frame",
]

#: The most journeys one persona map compares (one colour each).
MAX_JOURNEYS = 8

#: Row statuses of :func:`journey_diff`.
STATUSES: tuple[str, ...] = ("same", "changed", "added", "removed")

#: The fields of a matched step that :func:`journey_diff` compares, in report order.
#: ``expectation`` and ``experience`` are the evaluated (effective) values, ``emotion``
#: the step's emotion class.
COMPARED_FIELDS: tuple[str, ...] = (
    "stage",
    "touchpoint",
    "action",
    "expectation",
    "experience",
    "valence",
    "emotion",
    "effort",
    "wait_s",
    "context_lost",
    "transfer",
    "repeat_contact",
)
_NUMBERS = ("expectation", "experience", "valence", "effort", "wait_s")
_FLAGS = {"context_lost": "viz_context_lost", "transfer": "viz_transfer"}
_FLAGS["repeat_contact"] = "viz_repeat_contact"


def check_journey(value: Any, name: str) -> Journey:
    """``value`` if it is a Journey, else a CxkitError naming the argument ``name``."""
    if not isinstance(value, Journey):
        raise CxkitError(
            f"`{name}` must be a cxkit Journey (e.g. cx.load_journey('billing_inquiry')), "
            f"got {type(value).__name__}"
        )
    return value


def journey_name(journey: Journey) -> str:
    """How a journey is named in a comparison: its persona's name, else title, else id.

    >>> import cxkit as cx
    >>> journey_name(cx.load_journey("roi_example_c"))
    'ROI roadmap inputs (cxkit model reference, Example C)'
    """
    if journey.persona is not None and journey.persona.name:
        return journey.persona.name
    return journey.title or journey.id


# -- alignment -----------------------------------------------------------------------
@dataclass
class Slot:
    """One column of a comparison: a stage and each journey's step there (or ``None``)."""

    stage: str
    steps: list[int | None] = field(default_factory=list)
    step_id: str | None = None


def _stage_ids(journey: Journey) -> list[str]:
    ids = [st.id for st in journey.stages]
    return ids + list(dict.fromkeys(s.stage for s in journey.steps if s.stage not in ids))


def _merge_stages(journeys: Sequence[Journey]) -> list[str]:
    """Stage ids of all journeys: the first's order, others' new stages after their
    predecessor."""
    merged: list[str] = []
    for j in journeys:
        anchor = -1
        for sid in _stage_ids(j):
            if sid in merged:
                anchor = merged.index(sid)
            else:
                merged.insert(anchor + 1, sid)
                anchor += 1
    return merged


def _match(journeys: Sequence[Journey], k: int, slots: list[Slot]) -> dict[int, int]:
    """Step index of journey ``k`` → the slot it matches (by id, else stage+touchpoint)."""
    journey = journeys[k]
    found: dict[int, int] = {}
    taken: set[int] = set()
    by_id = {s.step_id: n for n, s in enumerate(slots) if s.step_id}
    order = map_order(journey)
    for i in order:
        step = journey.steps[i]
        n = by_id.get(step.id) if step.id else None
        if n is None or n in taken:
            continue
        other = _slot_step(journeys, slots[n], k)
        # the same id on another stage *and* another touchpoint is another journey's step
        if other is None or other.stage == step.stage or other.touchpoint == step.touchpoint:
            found[i] = n
            taken.add(n)
    for i in order:
        if i in found:
            continue
        step = journey.steps[i]
        for n, slot in enumerate(slots):
            if n in taken or slot.stage != step.stage:
                continue
            other = _slot_step(journeys, slot, k)
            if other is None or other.touchpoint != step.touchpoint:
                continue
            if step.id and slot.step_id and step.id != slot.step_id:
                continue  # two named steps with different names are different steps
            found[i] = n
            taken.add(n)
            break
    return found


def _slot_step(journeys: Sequence[Journey], slot: Slot, k: int) -> Any:
    """The first step already in ``slot`` (from a journey before ``k``)."""
    for j, i in zip(journeys[:k], slot.steps[:k], strict=True):
        if i is not None:
            return j.steps[i]
    return None


def align(journeys: Sequence[Journey]) -> list[Slot]:
    """The columns of a comparison of ``journeys`` (see the module docstring).

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> [s.steps for s in align([j, j.remove_step(1)])]
    [[0, 0], [1, None], [2, 1], [3, 2]]
    """
    slots: list[Slot] = []
    for k, j in enumerate(journeys):
        found = _match(journeys, k, slots)
        for slot in slots:
            slot.steps.append(None)
        for i, n in found.items():
            slots[n].steps[k] = i
            slots[n].step_id = slots[n].step_id or j.steps[i].id
        _insert_unmatched(j, k, slots, found)
    rank = {sid: r for r, sid in enumerate(_merge_stages(journeys))}
    return sorted(slots, key=lambda s: rank[s.stage])  # stable: grouped by stage


def _insert_unmatched(j: Journey, k: int, slots: list[Slot], found: dict[int, int]) -> None:
    """Insert journey ``k``'s unmatched steps after the step preceding them in its stage."""
    where = {i: slots[n] for i, n in found.items()}
    previous: int | None = None
    for i in map_order(j):
        step = j.steps[i]
        if i not in where:
            slot = Slot(step.stage, [None] * k + [i], step.id)
            if previous is not None and j.steps[previous].stage == step.stage:
                at = next(n for n, s in enumerate(slots) if s is where[previous]) + 1
            else:
                at = next((n for n, s in enumerate(slots) if s.stage == step.stage), len(slots))
            slots.insert(at, slot)
            where[i] = slot
        previous = i


# -- the diff ------------------------------------------------------------------------
def _values(ev: StepEvaluation | None) -> dict[str, Any]:
    if ev is None:
        return dict.fromkeys(COMPARED_FIELDS)
    s = ev.step
    return {
        "stage": s.stage,
        "touchpoint": s.touchpoint,
        "action": s.action,
        "expectation": ev.expectation,
        "experience": ev.experience,
        "valence": ev.valence,
        "emotion": ev.emotion.value if ev.emotion is not None else None,
        "effort": None if s.effort is None else float(s.effort),
        "wait_s": None if s.wait_s is None else float(s.wait_s),
        "context_lost": s.context_lost,
        "transfer": s.transfer,
        "repeat_contact": s.repeat_contact,
    }


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return bool(a != b)


def fmt(value: float | None, digits: int = 2) -> str:
    """A number as the charts show it: ``−4``, ``2.5``; ``—`` for none.

    >>> fmt(-4.0), fmt(2.50), fmt(None)
    ('−4', '2.5', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = round(float(value), digits)
    text = str(int(v)) if v == int(v) else f"{v:g}"
    return text.replace("-", "−")


def signed(value: float | None) -> str:
    """``fmt`` with a ``+`` on positive values.

    >>> signed(3.0), signed(-2.0), signed(0.0)
    ('+3', '−2', '0')
    """
    text = fmt(value)
    return "+" + text if value is not None and round(value, 2) > 0 else text


def _emotion_label(key: str | None, lang: str) -> str:
    return label(key, lang) if key else "—"


def _change_texts(b: dict[str, Any], a: dict[str, Any], changes: list[str], lang: str) -> list[str]:
    """What changed in a matched step, one short text per field, in ``lang``."""
    out: list[str] = []
    for f in changes:
        if f in ("expectation", "experience", "valence", "effort"):
            old, new = b[f], a[f]
            name = label(f"cmp_{f}", lang)
            if old is None or new is None:
                out.append(f"{name} {fmt(old)} → {fmt(new)}")
            elif f == "valence":
                out.append(f"{name} {signed(new - old)}")
            else:
                out.append(f"{name} {signed(new - old)} ({fmt(old)} → {fmt(new)})")
        elif f == "wait_s":
            old, new = b[f], a[f]
            if old is None or new is None:
                minutes = fmt(None if new is None else new / 60)
                out.append(
                    label("cmp_wait_set", lang).format(old=fmt(old and old / 60), new=minutes)
                )
            else:
                out.append(label("cmp_wait", lang).format(delta=signed((new - old) / 60)))
        elif f == "emotion":
            out.append(f"{_emotion_label(b[f], lang)} → {_emotion_label(a[f], lang)}")
        elif f in _FLAGS:
            yes, no = label("viz_yes", lang), label("viz_no", lang)
            out.append(f"{label(_FLAGS[f], lang)}: {yes if b[f] else no} → {yes if a[f] else no}")
        else:  # stage, touchpoint, action
            out.append(label(f"cmp_{f}_changed", lang))
    return out


def journey_diff(before: Journey, after: Journey, *, lang: str | None = None) -> pl.DataFrame:
    """The steps of two journeys side by side, and what changed (the data of
    :func:`cxkit.viz.compare_journeys`).

    One row per column of the comparison (see :func:`align`), in map order:
    ``status`` is ``same``, ``changed`` (a matched step whose compared fields differ,
    :data:`COMPARED_FIELDS`), ``added`` (only in ``after``) or ``removed`` (only in
    ``before``). For each number (``expectation``, ``experience``, ``valence``,
    ``effort``, ``wait_s``) there are ``before_*``, ``after_*`` and ``delta_*``
    columns (the evaluated values of :meth:`Journey.evaluate`); ``before_emotion`` and
    ``after_emotion`` are emotion class ids; ``changes`` lists the fields that
    differ and ``summary`` says it in ``lang``.

    Parameters
    ----------
    before, after
        The journeys, e.g. the as-is journey and its edited copy (``j.with_step(…)``).
        Unrelated journeys work too: every step is then added or removed.
    lang
        Language of the labels (``"en"``/``"ja"``); default ``after``'s language.

    Raises
    ------
    CxkitError
        If ``before`` or ``after`` is not a Journey, or ``lang`` is unknown.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> d = journey_diff(j, j.remove_step(0), lang="ja")
    >>> d["status"].to_list(), d["summary"][0]
    (['removed', 'same', 'same', 'same'], '削除: 感情値 −4 (不満)')
    """
    before, after = check_journey(before, "before"), check_journey(after, "after")
    lang = resolve_lang(lang, after)
    rows = [
        _diff_row(pos, slot, before, after, lang) for pos, slot in enumerate(align([before, after]))
    ]
    return pl.DataFrame(rows, schema=_DIFF_SCHEMA, orient="row")


_DIFF_SCHEMA: dict[str, Any] = {
    "pos": pl.Int64,
    "stage_id": pl.String,
    "stage": pl.String,
    "status": pl.String,
    "step_id": pl.String,
    "before_step": pl.Int64,
    "after_step": pl.Int64,
    "action": pl.String,
    "touchpoint": pl.String,
    **{f"{side}_{f}": pl.Float64 for f in _NUMBERS for side in ("before", "after", "delta")},
    "before_emotion": pl.String,
    "after_emotion": pl.String,
    "changes": pl.List(pl.String),
    "summary": pl.String,
}


def _stage_label(stage_id: str, journeys: Sequence[Journey]) -> str:
    for j in journeys:
        for st in j.stages:
            if st.id == stage_id:
                return st.display
    return stage_id


def _touchpoint_label(journey: Journey, tp: str) -> str:
    return journey.graph.touchpoint(tp).display if journey.graph.has_touchpoint(tp) else tp


def _diff_row(pos: int, slot: Slot, before: Journey, after: Journey, lang: str) -> dict[str, Any]:
    bi, ai = slot.steps
    bev = None if bi is None else before.evaluate().steps[bi]
    aev = None if ai is None else after.evaluate().steps[ai]
    b, a = _values(bev), _values(aev)
    if bev is None or aev is None:
        changes: list[str] = []
        status = "added" if bev is None else "removed"
        only = a if bev is None else b
        summary = f"{label(f'cmp_{status}', lang)}: {label('cmp_valence', lang)} "
        summary += f"{signed(only['valence'])} ({_emotion_label(only['emotion'], lang)})"
    else:
        changes = [f for f in COMPARED_FIELDS if _differs(b[f], a[f])]
        status = "changed" if changes else "same"
        summary = " · ".join(_change_texts(b, a, changes, lang))
    main, ev = (after, aev) if aev is not None else (before, bev)
    assert ev is not None
    row: dict[str, Any] = {
        "pos": pos,
        "stage_id": slot.stage,
        "stage": _stage_label(slot.stage, [after, before]),
        "status": status,
        "step_id": ev.step.id or f"#{ev.index + 1}",
        "before_step": None if bi is None else bi + 1,
        "after_step": None if ai is None else ai + 1,
        "action": ev.step.action,
        "touchpoint": _touchpoint_label(main, ev.step.touchpoint),
    }
    for f in _NUMBERS:
        row[f"before_{f}"], row[f"after_{f}"] = b[f], a[f]
        row[f"delta_{f}"] = None if b[f] is None or a[f] is None else a[f] - b[f]
    row |= {"before_emotion": b["emotion"], "after_emotion": a["emotion"]}
    row |= {"changes": changes, "summary": summary}
    return {k: row[k] for k in _DIFF_SCHEMA}


# -- KPIs ----------------------------------------------------------------------------
def kpis(journey: Journey) -> dict[str, Any]:
    """CES, remembered experience and emotion class of a journey (its evaluation).

    >>> import cxkit as cx
    >>> kpis(cx.load_journey("billing_inquiry"))
    {'ces': 2.5, 'remembered': -1.5, 'journey_emotion': 'dissatisfied'}
    """
    ev = journey.evaluate()
    agg = ev.aggregate
    return {
        "ces": ev.effort.ces5,
        "remembered": None if agg is None else agg.score,
        "journey_emotion": None if agg is None else agg.emotion.value,
    }


_EMOTION_RANK = {"dissatisfied": 0, "satisfied": 1, "delighted": 2}


def compare_kpis(before: Journey, after: Journey, *, lang: str | None = None) -> pl.DataFrame:
    """The journeys' KPIs side by side: CES, remembered experience, emotion class.

    Values come from :meth:`Journey.evaluate` (``effort.ces5``, ``aggregate.score``,
    ``aggregate.emotion``). ``change`` is ``after − before`` for numbers;
    ``better`` is ``1`` when ``after`` is better (lower CES, higher remembered
    experience, a better emotion class), ``-1`` when worse, ``0`` when equal or
    unknown.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> k = compare_kpis(j, j.with_step(1, experience=5.0))
    >>> k.select("key", "before", "after", "change", "better").rows()[:2]
    [('ces', 2.5, 2.5, 0.0, 0), ('remembered', -1.5, -0.5, 1.0, 1)]
    """
    before, after = check_journey(before, "before"), check_journey(after, "after")
    lang = resolve_lang(lang, after)
    kb, ka = kpis(before), kpis(after)
    rows = []
    for key in ("ces", "remembered", "journey_emotion"):
        old, new = kb[key], ka[key]
        if key == "journey_emotion":
            change = None
            text_old, text_new = _emotion_label(old, lang), _emotion_label(new, lang)
            if old is None or new is None:
                better = 0
            else:
                better = (_EMOTION_RANK[new] > _EMOTION_RANK[old]) - (
                    _EMOTION_RANK[new] < _EMOTION_RANK[old]
                )
            text_change = "—" if old == new else f"{text_old} → {text_new}"
            old_n = new_n = None
        else:
            change = None if old is None or new is None else new - old
            sign = -1 if key == "ces" else 1
            better = 0 if change is None or abs(change) < 1e-9 else (1 if change * sign > 0 else -1)
            text_old, text_new, text_change = fmt(old), fmt(new), signed(change)
            old_n, new_n = old, new
        rows.append(
            {
                "key": key,
                "metric": label(key, lang),
                "before": old_n,
                "after": new_n,
                "change": change,
                "before_text": text_old,
                "after_text": text_new,
                "change_text": text_change,
                "better": better,
                "before_emotion": old if key == "journey_emotion" else None,
                "after_emotion": new if key == "journey_emotion" else None,
            }
        )
    return pl.DataFrame(
        rows, schema_overrides={"before": pl.Float64, "after": pl.Float64, "change": pl.Float64}
    )


# -- several personas ----------------------------------------------------------------
def check_journeys(journeys: Any) -> list[Journey]:
    """2 to :data:`MAX_JOURNEYS` journeys as a list, else a CxkitError saying which."""
    if isinstance(journeys, (str, bytes, Journey)) or not isinstance(journeys, Sequence):
        raise CxkitError(
            f"`journeys` must be a list of 2 to {MAX_JOURNEYS} cxkit Journeys, "
            f"got {type(journeys).__name__}"
        )
    if not 2 <= len(journeys) <= MAX_JOURNEYS:
        raise CxkitError(
            f"`journeys` must hold 2 to {MAX_JOURNEYS} journeys (one per persona), "
            f"got {len(journeys)}"
        )
    return [check_journey(j, f"journeys[{k}]") for k, j in enumerate(journeys)]


def persona_names(journeys: Sequence[Journey]) -> list[str]:
    """:func:`journey_name` of each journey, with the id added where two would collide."""
    names = [journey_name(j) for j in journeys]
    return [
        n if names.count(n) == 1 else f"{n} ({j.id}, {k + 1})"
        for k, (n, j) in enumerate(zip(names, journeys, strict=True))
    ]


def persona_frame(journeys: Sequence[Journey], *, lang: str | None = None) -> pl.DataFrame:
    """Several personas' versions of a journey, aligned: one row per column and persona.

    ``pos`` is the column (see :func:`align`); ``present`` says whether the persona's
    journey has that step; ``differs`` marks columns where the personas do not all
    have the step, or their experience, expectation or emotion class differ.

    Raises
    ------
    CxkitError
        Unless ``journeys`` is a list of 2 to :data:`MAX_JOURNEYS` Journeys.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> f = persona_frame([j, j.with_step(3, experience=8.0)])
    >>> f.filter(pl.col("differs"))["valence"].to_list()
    [3.0, 1.0]
    """
    journeys = check_journeys(journeys)
    lang = resolve_lang(lang, journeys[0])
    names = persona_names(journeys)
    rows = []
    for pos, slot in enumerate(align(journeys)):
        evs = [
            None if i is None else j.evaluate().steps[i]
            for j, i in zip(journeys, slot.steps, strict=True)
        ]
        seen = [_values(ev) for ev in evs if ev is not None]
        keys = ("expectation", "experience", "emotion")
        differs = len(seen) < len(journeys) or any(
            _differs(v[f], seen[0][f]) for v in seen for f in keys
        )
        first = next(ev for ev in evs if ev is not None)
        owners = [n for n, ev in zip(names, evs, strict=True) if ev is not None]
        for k, ev in enumerate(evs):
            v = _values(ev)
            rows.append(
                {
                    "pos": pos,
                    "stage_id": slot.stage,
                    "stage": _stage_label(slot.stage, journeys),
                    "step_id": first.step.id or f"#{first.index + 1}",
                    "action": first.step.action,
                    "persona": names[k],
                    "journey": journeys[k].id,
                    "present": ev is not None,
                    "differs": differs,
                    "n_present": len(owners),
                    "only": "" if len(owners) == len(journeys) else ", ".join(owners),
                    "expectation": v["expectation"],
                    "experience": v["experience"],
                    "valence": v["valence"],
                    "emotion_key": v["emotion"],
                    "emotion": _emotion_label(v["emotion"], lang),
                }
            )
    schema = {"expectation": pl.Float64, "experience": pl.Float64, "valence": pl.Float64}
    return pl.DataFrame(rows, schema_overrides=schema, infer_schema_length=None)

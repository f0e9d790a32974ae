"""Checks beyond the schema: references, duplicates, probabilities, reachability.

:func:`validate_journey` returns every :class:`~cxkit.core.errors.Problem` it finds,
errors and warnings, each with the field path in the journey's YAML spelling
(``handoffs[3].to``); :mod:`cxkit.io` adds file, line and column.

Rules
-----
* ids are unique within touchpoints, outcomes, stages, steps, call reasons,
  channels and initiatives, and no touchpoint shares an id with an outcome;
* every reference names something declared (with a did-you-mean);
* a touchpoint's hand-off probabilities sum to at most 1 (+1e-9); the remainder
  goes to ``remainder_outcome``, which must be declared when any remainder exists;
* ``entry``, call-reason shares and each call reason's ``entry`` sum to 1 (±1e-6);
* from every touchpoint some outcome is reachable (else the chain never ends);
* touchpoints unreachable from the entry are warnings, as are dead ends (a
  touchpoint with no hand-offs when the graph has hand-offs) and steps whose stage
  runs backwards;
* initiatives: known prerequisites without cycles, known exclusions, effect targets
  that exist, ``low ≤ mode ≤ high``; no initiative requires (directly or through its
  prerequisites) an initiative that it or one of its prerequisites excludes;
* text (labels, titles, notes…): at most :data:`MAX_TEXT_CHARS` characters and no
  lone surrogate (:func:`text_problem`); the YAML and JSON readers and writers
  apply the same rule.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

import networkx as nx

from cxkit.core._checks import MAX_MAGNITUDE
from cxkit.core.economics import (
    ECONOMICS_EFFECT_NAMES,
    EFFECT_FIELDS,
    OUTCOME_KINDS,
    Estimate,
    parse_effect_target,
)
from cxkit.core.errors import Problem
from cxkit.core.graph import PROBABILITY_TOLERANCE
from cxkit.core.params import EffortParams, EmotionParams
from cxkit.core.suggest import unknown_message

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = [
    "MAX_TEXT_CHARS",
    "SUM_TOLERANCE",
    "graph_problems",
    "text_problem",
    "text_problems",
    "validate_journey",
]

#: Tolerance for distributions that must sum to exactly 1.
SUM_TOLERANCE = 1e-6
#: Longest text (a label, title, note…) in characters, on read, on write and here.
MAX_TEXT_CHARS = 10_000

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(value: str) -> tuple[str, str] | None:
    """``(message, expected)`` if ``value`` is text cxkit refuses, else ``None``.

    Text is refused when it is longer than :data:`MAX_TEXT_CHARS` characters or
    holds a lone surrogate (U+D800–U+DFFF: half of a UTF-16 pair, not a character;
    it cannot be written as UTF-8). Control characters and non-characters are
    accepted: the writers escape them.

    Examples
    --------
    >>> text_problem("Call centre 窓口" + chr(0x1B)) is None
    True
    >>> text_problem("a" + chr(0xD800) + "b")[0]
    'text holds a lone surrogate U+D800 at character 2, which is not a character'
    """
    if len(value) > MAX_TEXT_CHARS:
        return (
            f"text is too long: {len(value)} characters",
            f"at most {MAX_TEXT_CHARS} characters",
        )
    found = _LONE_SURROGATE.search(value)
    if found is not None:
        return (
            f"text holds a lone surrogate U+{ord(found.group()):04X} at character "
            f"{found.start() + 1}, which is not a character",
            "Unicode text (a surrogate pair stands for one character; write that character)",
        )
    return None


def _texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every ``(path, text)`` in a model value, with paths in the file's spelling."""
    if isinstance(value, Enum):
        return
    if isinstance(value, str):
        yield path, value
    elif is_dataclass(value) and not isinstance(value, type):
        renames = {"source": "from", "target": "to"} if type(value).__name__ == "Handoff" else {}
        for f in fields(value):
            if f.name.startswith("_") or (f.name == "source" and not renames):
                continue
            name = renames.get(f.name, f.name)
            inner = path if f.name == "graph" else (f"{path}.{name}" if path else name)
            yield from _texts(getattr(value, f.name), inner)
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            yield from _texts(item, f"{path}[{i}]")
    elif hasattr(value, "items"):
        for key, item in value.items():
            yield from _texts(key, path)
            yield from _texts(item, f"{path}.{key}")


def text_problems(value: Any, path: str = "") -> list[Problem]:
    """The :func:`text_problem` of every text in a model value (a journey, an
    initiative, economics…), each at its field path.

    Examples
    --------
    >>> from cxkit.core.journey import Journey
    >>> [(p.path, p.message) for p in text_problems(Journey("j", title="x" * 10_001))]
    [('title', 'text is too long: 10001 characters')]
    """
    out = []
    for where, text in _texts(value, path):
        found = text_problem(text)
        if found is not None:
            out.append(
                Problem(found[0], path=where, value=text, expected=found[1], code="bad-text")
            )
    return out


def _duplicates(items: Sequence[str | None], section: str, what: str) -> list[Problem]:
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(items):
        if item is None:
            continue
        if item in seen:
            out.append(
                Problem(
                    f"duplicate {what} id {item!r} (first declared at {section}[{seen[item]}])",
                    path=f"{section}[{i}].id",
                    value=item,
                    expected="a unique id",
                    code="duplicate-id",
                )
            )
        else:
            seen[item] = i
    return out


def _ref(value: str, known: Iterable[str], what: str, path: str) -> Problem:
    return Problem(
        unknown_message(what, value, known), path=path, value=value, code="unknown-reference"
    )


def graph_problems(journey: Journey) -> list[Problem]:
    """The errors that make the touchpoint graph unusable as a chain (no warnings).

    Everything a simulation needs of the graph: ids, references, value ranges of
    touchpoints, hand-offs and call reasons, probability sums, the remainder rule and
    start distributions. :func:`cxkit.core.compiled.compile_journey` relies on it
    (once per journey, cached) instead of checking again.
    """
    g = journey.graph
    problems: list[Problem] = []
    tp_ids = [t.id for t in g.touchpoints]
    out_ids = [o.id for o in g.outcomes]
    reason_ids = [c.id for c in g.call_reasons]
    tp_set, out_set = set(tp_ids), set(out_ids)
    node_ids = tp_ids + out_ids

    problems += _duplicates(tp_ids, "touchpoints", "touchpoint")
    problems += _duplicates(out_ids, "outcomes", "outcome")
    problems += _duplicates(reason_ids, "call_reasons", "call reason")
    problems += _duplicates([c.id for c in g.channels], "channels", "channel")
    problems += _values(journey)
    for i, o in enumerate(g.outcomes):
        if o.id in tp_set:
            problems.append(
                Problem(
                    f"outcome id {o.id!r} is also a touchpoint id; "
                    "hand-off targets would be ambiguous",
                    path=f"outcomes[{i}].id",
                    value=o.id,
                    expected="an id no touchpoint uses",
                    code="duplicate-id",
                )
            )

    # channels
    channel_ids = set(g.channel_ids)
    for i, ch in enumerate(g.channels):
        if ch.parent is not None and ch.parent not in channel_ids:
            problems.append(
                _ref(ch.parent, g.channel_ids, "parent channel", f"channels[{i}].parent")
            )
    for i, tp in enumerate(g.touchpoints):
        if tp.channel not in channel_ids:
            p = _ref(tp.channel, g.channel_ids, "channel", f"touchpoints[{i}].channel")
            problems.append(
                Problem(
                    p.message + " (declare custom channels under 'channels:')",
                    path=p.path,
                    value=p.value,
                    code=p.code,
                )
            )

    # hand-offs
    seen_edges: dict[tuple[str, str], int] = {}
    sums: dict[str, float] = Counter()
    for i, h in enumerate(g.handoffs):
        if h.source in out_set:
            problems.append(
                Problem(
                    f"hand-off starts at outcome {h.source!r}; outcomes are absorbing and have no "
                    "hand-offs",
                    path=f"handoffs[{i}].from",
                    value=h.source,
                    expected="a touchpoint id",
                    code="absorbing-source",
                )
            )
        elif h.source not in tp_set:
            problems.append(_ref(h.source, tp_ids, "touchpoint", f"handoffs[{i}].from"))
        if h.target not in tp_set and h.target not in out_set:
            problems.append(_ref(h.target, node_ids, "touchpoint or outcome", f"handoffs[{i}].to"))
        if h.key in seen_edges:
            problems.append(
                Problem(
                    f"duplicate hand-off {h.source}->{h.target} (first declared at "
                    f"handoffs[{seen_edges[h.key]}]); merge them into one",
                    path=f"handoffs[{i}]",
                    value=f"{h.source}->{h.target}",
                    expected="one hand-off per pair",
                    code="duplicate-handoff",
                )
            )
        else:
            seen_edges[h.key] = i
        sums[h.source] += _number(h.probability)
    for tp in g.touchpoints:
        total = sums.get(tp.id, 0.0)
        if total > 1 + PROBABILITY_TOLERANCE:
            edges = [f"{h.target}={_number(h.probability):g}" for h in g.handoffs_from(tp.id)]
            first = next(i for i, h in enumerate(g.handoffs) if h.source == tp.id)
            problems.append(
                Problem(
                    f"hand-off probabilities from touchpoint {tp.id!r} sum to {total:.6g} "
                    f"({', '.join(edges)})",
                    path=f"handoffs[{first}].probability",
                    value=round(total, 12),
                    expected=f"a sum of at most 1 (the remainder goes to {g.remainder_outcome!r})",
                    code="probability-sum",
                )
            )
    needs_remainder = [
        tp.id
        for tp in g.touchpoints
        if g.handoffs and 1 - sums.get(tp.id, 0.0) > PROBABILITY_TOLERANCE
    ]
    if needs_remainder and g.remainder_outcome not in out_set:
        problems.append(
            Problem(
                f"touchpoints {', '.join(map(repr, needs_remainder[:5]))} have probabilities "
                f"summing below 1 and the remainder outcome {g.remainder_outcome!r} "
                "is not declared",
                path="remainder_outcome",
                value=g.remainder_outcome,
                expected="a declared outcome id "
                "(add it under 'outcomes:' or set remainder_outcome)",
                hint=unknown_message("outcome", g.remainder_outcome, out_ids).split("; ", 1)[-1]
                if out_ids
                else None,
                code="unknown-reference",
            )
        )

    # entry and call reasons
    problems += _distribution(dict(g.entry), tp_ids, "entry")
    if g.call_reasons:
        total = sum(_number(c.share) for c in g.call_reasons)
        if abs(total - 1) > SUM_TOLERANCE:
            problems.append(
                Problem(
                    f"call-reason shares sum to {total:.6g}",
                    path="call_reasons",
                    value=round(total, 12),
                    expected="shares summing to 1",
                    code="probability-sum",
                )
            )
    for i, c in enumerate(g.call_reasons):
        problems += _distribution(dict(c.entry), tp_ids, f"call_reasons[{i}].entry")
        for key in c.expectations:
            if key not in tp_set:
                problems.append(
                    _ref(key, tp_ids, "touchpoint", f"call_reasons[{i}].expectations.{key}")
                )

    if g.remainder_outcome and g.remainder_outcome in tp_set:
        problems.append(
            Problem(
                "remainder_outcome names a touchpoint",
                path="remainder_outcome",
                value=g.remainder_outcome,
                expected="an outcome id",
                code="unknown-reference",
            )
        )
    return problems


def _number(value: object) -> float:
    """``float(value)``, or ``nan`` for anything that is not a real number."""
    if isinstance(value, (bool, str, bytes)):
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _range(value: object, path: str, expected: str, low: float, high: float) -> list[Problem]:
    x = _number(value)
    if math.isfinite(x) and low <= x <= high:
        return []
    what = "out of range" if math.isfinite(x) or isinstance(value, float) else "not a number"
    return [Problem(what, path=path, value=value, expected=expected, code="range")]


def _values(journey: Journey) -> list[Problem]:
    """Value ranges of touchpoints, hand-offs, call reasons and start distributions."""
    g = journey.graph
    inf = MAX_MAGNITUDE  # money and time: larger sums would overflow (docs: "Limits")
    out: list[Problem] = []
    for i, tp in enumerate(g.touchpoints):
        out += _range(tp.cost_per_contact, f"touchpoints[{i}].cost_per_contact",
                      f"a finite amount of magnitude ≤ {inf:g}", -inf, inf)  # fmt: skip
        out += _range(tp.handle_time_s, f"touchpoints[{i}].handle_time_s",
                      f"a number of seconds in [0, {inf:g}]", 0, inf)  # fmt: skip
    for i, h in enumerate(g.handoffs):
        p = f"handoffs[{i}]"
        out += _range(h.probability, f"{p}.probability", "a number in [0, 1]", 0, 1)
        out += _range(h.context_carryover, f"{p}.context_carryover", "a number in [0, 1]", 0, 1)
        out += _range(h.wait_s, f"{p}.wait_s", f"a number of seconds in [0, {inf:g}]", 0, inf)
        for name, unit in (("reexplain_effort", "CES points"), ("reexplain_time_s", "seconds")):
            value = getattr(h, name)
            if value is not None:
                out += _range(value, f"{p}.{name}", f"a number of {unit} in [0, {inf:g}]", 0, inf)
    for key, value in g.entry.items():
        out += _range(value, f"entry.{key}", "a probability in [0, 1]", 0, 1)
    for i, c in enumerate(g.call_reasons):
        p = f"call_reasons[{i}]"
        out += _range(c.share, f"{p}.share", "a share in [0, 1]", 0, 1)
        for key, value in c.entry.items():
            out += _range(value, f"{p}.entry.{key}", "a probability in [0, 1]", 0, 1)
        for key, value in c.expectations.items():
            out += _range(value, f"{p}.expectations.{key}", "a number of points in [0, 10]", 0, 10)
        if c.expected_wait_s is not None:
            out += _range(c.expected_wait_s, f"{p}.expected_wait_s",
                          f"seconds in [0, {inf:g}]", 0, inf)  # fmt: skip
    return out


def validate_journey(journey: Journey) -> list[Problem]:
    """Every problem of ``journey``: errors first, then warnings, in file order."""
    g = journey.graph
    tp_ids = [t.id for t in g.touchpoints]
    stage_ids = [s.id for s in journey.stages]
    reason_ids = [c.id for c in g.call_reasons]
    tp_set = set(tp_ids)
    problems = list(journey.graph_errors)  # graph_problems, found once per journey
    problems += text_problems(journey)
    problems += _duplicates(stage_ids, "stages", "stage")
    problems += _duplicates([s.id for s in journey.steps], "steps", "step")
    problems += _duplicates([i.id for i in journey.initiatives], "initiatives", "initiative")

    # stages and steps
    stage_pos = {s: k for k, s in enumerate(stage_ids)}
    last_stage = -1
    for i, s in enumerate(journey.steps):
        if s.stage not in stage_pos:
            problems.append(_ref(s.stage, stage_ids, "stage", f"steps[{i}].stage"))
        else:
            if stage_pos[s.stage] < last_stage:
                problems.append(
                    Problem(
                        f"step is in stage {s.stage!r}, "
                        "which comes before the previous step's stage",
                        path=f"steps[{i}].stage",
                        value=s.stage,
                        expected="steps ordered by stage",
                        severity="warning",
                        code="stage-order",
                    )
                )
            last_stage = max(last_stage, stage_pos[s.stage])
        if s.touchpoint not in tp_set:
            problems.append(_ref(s.touchpoint, tp_ids, "touchpoint", f"steps[{i}].touchpoint"))
        if s.call_reason is not None and s.call_reason not in reason_ids:
            problems.append(
                _ref(s.call_reason, reason_ids, "call reason", f"steps[{i}].call_reason")
            )

    if not any(p.code == "unknown-reference" and p.path.startswith("handoffs") for p in problems):
        problems += _reachability(journey)
    problems += _initiatives(journey)
    problems.sort(key=lambda p: p.severity != "error")
    return problems


def _distribution(dist: dict[str, float], tp_ids: list[str], path: str) -> list[Problem]:
    out = []
    for key in dist:
        if key not in tp_ids:
            out.append(_ref(key, tp_ids, "touchpoint", f"{path}.{key}"))
    if dist:
        total = sum(_number(v) for v in dist.values())
        if abs(total - 1) > SUM_TOLERANCE:
            out.append(
                Problem(
                    f"start probabilities sum to {total:.6g}",
                    path=path,
                    value=round(total, 12),
                    expected="a sum of 1",
                    code="probability-sum",
                )
            )
    return out


def _reachability(journey: Journey) -> list[Problem]:
    g = journey.graph
    if not g.handoffs or not g.touchpoints:
        return []
    # a hand-off with probability 0 is drawn on the map but carries nobody; one
    # traversal from all outcomes (backwards) and one from all starts, through a
    # sentinel node, keeps this linear in the edges (20,000 starts took minutes)
    graph = nx.DiGraph()
    graph.add_nodes_from(g.nx)
    graph.add_edges_from((u, v) for u, v, p in g.nx.edges(data="probability") if p > 0)
    out_ids = set(g.outcome_ids)
    problems = []
    # touchpoints from which no outcome is reachable: the chain never ends there
    sentinel = object()
    graph.add_edges_from((o, sentinel) for o in out_ids if o in graph)
    can_finish: set[str] = nx.ancestors(graph, sentinel)
    graph.remove_node(sentinel)
    stuck = [tp.id for tp in g.touchpoints if tp.id not in can_finish]
    if stuck:
        first = g.touchpoint_ids.index(stuck[0])
        problems.append(
            Problem(
                f"no outcome can be reached from touchpoint(s) {', '.join(map(repr, stuck))}: "
                "customers there would circle forever",
                path=f"touchpoints[{first}]",
                value=stuck,
                expected="a path of hand-offs from every touchpoint to some outcome",
                code="no-outcome-reachable",
            )
        )
    start = [t for t in journey.start_distribution() if t in graph]
    graph.add_edges_from((sentinel, t) for t in start)
    reachable: set[str] = set(start) | nx.descendants(graph, sentinel)
    for i, tp in enumerate(g.touchpoints):
        if tp.id not in reachable:
            problems.append(
                Problem(
                    f"touchpoint {tp.id!r} cannot be reached from the entry "
                    f"({', '.join(start) or 'none'})",
                    path=f"touchpoints[{i}]",
                    value=tp.id,
                    expected="a hand-off path from an entry touchpoint",
                    severity="warning",
                    code="unreachable",
                )
            )
        if not g.handoffs_from(tp.id) and tp.id not in stuck:
            problems.append(
                Problem(
                    f"touchpoint {tp.id!r} has no hand-offs: all its customers go to "
                    f"{g.remainder_outcome!r} by the remainder rule",
                    path=f"touchpoints[{i}]",
                    value=tp.id,
                    severity="warning",
                    code="dead-end",
                )
            )
    return problems


def _initiatives(journey: Journey, *, check_targets: bool = True) -> list[Problem]:
    """Problems of the journey's ``initiatives:`` and ROI ``economics:`` inputs.

    Checks prerequisites (known, not the initiative itself, no cycles), exclusions,
    ordered ranges (``low ≤ mode ≤ high``) of effects, ``benefit_per_period``,
    ``npv`` and ``economics.phi``/``phi_effort``, effect targets and fields, values
    that a ``set`` cannot take (a probability above 1), ``via`` for ``reroute:``
    targets, and the touchpoints and hand-offs initiatives add. With
    ``check_targets=False`` (a stand-alone initiatives file, no journey yet) ids and
    channels that only a journey can resolve are not checked.
    """
    g = journey.graph
    ids = [i.id for i in journey.initiatives]
    added_tps = [t.id for ini in journey.initiatives for t in ini.add_touchpoints]
    tp_ids = list(dict.fromkeys([*g.touchpoint_ids, *added_tps]))
    node_ids = tp_ids + list(g.outcome_ids)
    step_ids = [s.id for s in journey.steps if s.id]
    reason_ids = [c.id for c in g.call_reasons]
    channel_ids = list(g.channel_ids)
    # hand-offs a 'handoff:A->B' effect may change: declared, or added by an initiative
    declared = {h.key for h in g.handoffs} | {
        h.key for ini in journey.initiatives for h in ini.add_handoffs
    }
    problems: list[Problem] = []
    deps = nx.DiGraph()
    econ = journey.economics
    if check_targets and econ is not None:
        for key in econ.value_per_outcome:
            if key not in g.outcome_ids:
                problems.append(
                    _ref(key, g.outcome_ids, "outcome", f"economics.value_per_outcome.{key}")
                )

    def ordered(est: Estimate | None, path: str) -> None:
        if est is not None and not est.low <= est.mode <= est.high:
            problems.append(
                Problem(
                    f"range is not ordered: low={est.low:g}, mode={est.mode:g}, high={est.high:g}",
                    path=f"{path}.low",
                    value=[est.low, est.mode, est.high],
                    expected="low ≤ mode ≤ high",
                    code="bad-range",
                )
            )

    def pattern(part: str, role: str, path: str) -> None:
        """Check one hand-off end: ``role`` is 'from' or 'to'."""
        if part == "*":
            return
        if part.startswith("@"):
            if check_targets and part[1:] not in channel_ids:
                problems.append(_ref(part[1:], channel_ids, "channel", path))
            return
        if part.startswith("="):
            if role == "from":
                problems.append(
                    Problem(
                        f"hand-offs cannot start at outcomes ({part!r})",
                        path=path,
                        value=part,
                        expected="a touchpoint id, '*' or '@CHANNEL'",
                        code="bad-target",
                    )
                )
            elif part[1:] not in OUTCOME_KINDS:
                problems.append(_ref(part[1:], OUTCOME_KINDS, "outcome kind", path))
            return
        if not check_targets:
            return
        pool = tp_ids if role == "from" else node_ids
        if part not in pool:
            what = "touchpoint" if role == "from" else "touchpoint or outcome"
            problems.append(_ref(part, pool, what, path))

    for k, ini in enumerate(journey.initiatives):
        base = f"initiatives[{k}]"
        deps.add_node(ini.id)
        for j, pre in enumerate(ini.prerequisites):
            if pre.id not in ids:
                problems.append(_ref(pre.id, ids, "initiative", f"{base}.prerequisites[{j}].id"))
            elif pre.id == ini.id:
                problems.append(
                    Problem(
                        "an initiative cannot require itself",
                        path=f"{base}.prerequisites[{j}].id",
                        value=pre.id,
                        code="prerequisite-cycle",
                    )
                )
            else:
                deps.add_edge(pre.id, ini.id)
        for j, ex in enumerate(ini.excludes):
            if ex == ini.id:
                problems.append(
                    Problem(
                        "an initiative cannot exclude itself",
                        path=f"{base}.excludes[{j}]",
                        value=ex,
                        code="bad-reference",
                    )
                )
            elif ex not in ids:
                problems.append(_ref(ex, ids, "initiative", f"{base}.excludes[{j}]"))
        ordered(ini.benefit_per_period, f"{base}.benefit_per_period")
        ordered(ini.npv, f"{base}.npv")
        for j, tp in enumerate(ini.add_touchpoints):
            if tp.id in g.outcome_ids:
                problems.append(
                    Problem(
                        f"added touchpoint id {tp.id!r} is an outcome id",
                        path=f"{base}.add_touchpoints[{j}].id",
                        value=tp.id,
                        expected="an id no outcome uses",
                        code="duplicate-id",
                    )
                )
            if check_targets and tp.channel not in channel_ids:
                problems.append(
                    _ref(tp.channel, channel_ids, "channel", f"{base}.add_touchpoints[{j}].channel")
                )
        for j, h in enumerate(ini.add_handoffs):
            pattern(h.source, "from", f"{base}.add_handoffs[{j}].from")
            pattern(h.target, "to", f"{base}.add_handoffs[{j}].to")
        for j, eff in enumerate(ini.effects):
            path = f"{base}.effects[{j}]"
            ordered(eff.estimate, path)
            try:
                kind, parts = parse_effect_target(eff.target)
            except ValueError as exc:
                problems.append(
                    Problem(str(exc), path=f"{path}.target", value=eff.target, code="bad-target")
                )
                continue
            if kind in ("handoff", "handoffs", "reroute"):
                n_before = len(problems)
                for part, what in zip(parts, ("from", "to"), strict=True):
                    pattern(part, what, f"{path}.target")
                if (
                    check_targets
                    and kind == "handoff"
                    and len(problems) == n_before
                    and tuple(parts) not in declared
                ):
                    problems.append(
                        Problem(
                            f"there is no hand-off {parts[0]}->{parts[1]} to change",
                            path=f"{path}.target",
                            value=eff.target,
                            expected="a declared hand-off (or 'handoffs:' with patterns)",
                            code="unknown-reference",
                        )
                    )
            elif kind == "touchpoint":
                if check_targets and parts[0] not in tp_ids:
                    problems.append(_ref(parts[0], tp_ids, "touchpoint", f"{path}.target"))
            elif kind in ("touchpoints", "steps"):
                part = parts[0]
                if part.startswith("="):
                    problems.append(
                        Problem(
                            f"{kind} patterns select touchpoints, not outcomes ({part!r})",
                            path=f"{path}.target",
                            value=eff.target,
                            expected="a touchpoint id, '*' or '@CHANNEL'",
                            code="bad-target",
                        )
                    )
                else:
                    pattern(part, "from", f"{path}.target")
            elif kind == "step":
                if check_targets and parts[0] not in step_ids:
                    problems.append(_ref(parts[0], step_ids, "step id", f"{path}.target"))
            elif kind == "reasons":
                part = parts[0]
                if part.startswith("@"):
                    pattern(part, "from", f"{path}.target")
                elif part != "*" and check_targets and part not in reason_ids:
                    problems.append(_ref(part, reason_ids, "call reason", f"{path}.target"))
            elif kind == "parameter":
                group, name = parts
                names = list(
                    (EmotionParams if group == "emotion" else EffortParams).__dataclass_fields__
                )
                if name not in names:
                    problems.append(_ref(name, names, f"{group} parameter", f"{path}.target"))
            elif kind == "economics" and parts[0] not in ECONOMICS_EFFECT_NAMES:
                problems.append(
                    _ref(parts[0], ECONOMICS_EFFECT_NAMES, "economics input", f"{path}.target")
                )
            allowed = EFFECT_FIELDS[kind]
            field = eff.field
            if kind == "reroute" and field is None:
                field = "share"
            if allowed and field not in allowed:
                problems.append(
                    Problem(
                        f"field {eff.field!r} cannot be changed on a {kind} target"
                        if eff.field
                        else f"a {kind} target needs a field",
                        path=f"{path}.field",
                        value=eff.field,
                        expected="one of " + ", ".join(repr(a) for a in allowed),
                        hint=(
                            unknown_message("field", eff.field, allowed).split("; ", 1)[1]
                            if eff.field
                            else None
                        ),
                        code="bad-field",
                    )
                )
            elif not allowed and eff.field is not None:
                problems.append(
                    Problem(
                        f"a {kind} target names its field in the target; remove 'field'",
                        path=f"{path}.field",
                        value=eff.field,
                        expected="no field",
                        code="bad-field",
                    )
                )
            if kind == "reroute":
                if not eff.via:
                    problems.append(
                        Problem(
                            "a reroute: effect needs 'via', the touchpoint that receives "
                            "the moved share",
                            path=f"{path}.via",
                            expected="a touchpoint id (existing or added by an initiative)",
                            code="missing",
                        )
                    )
                elif check_targets and eff.via not in tp_ids:
                    problems.append(_ref(eff.via, tp_ids, "touchpoint", f"{path}.via"))
            elif eff.via is not None:
                problems.append(
                    Problem(
                        "'via' only applies to reroute: targets",
                        path=f"{path}.via",
                        value=eff.via,
                        code="bad-field",
                    )
                )
            if (eff.channel_switch_only or eff.transfer_only or eff.repeat_only) and kind not in (
                "handoffs",
                "reroute",
            ):
                problems.append(
                    Problem(
                        "channel_switch_only, transfer_only and repeat_only filter hand-offs "
                        "matched by 'handoffs:' or 'reroute:' targets",
                        path=f"{path}.target",
                        value=eff.target,
                        code="bad-field",
                    )
                )
            if eff.change.value == "at_least" and kind == "economics":
                problems.append(
                    Problem(
                        "change 'at_least' does not apply to economics: targets",
                        path=f"{path}.change",
                        value=eff.change.value,
                        expected="'set', 'add' or 'multiply'",
                        code="bad-field",
                    )
                )
            bounded = field in ("probability", "context_carryover", "share") or (
                kind == "economics" and parts[0] in ("churn", "contact_rate")
            )
            if (
                eff.change.value in ("set", "at_least")
                and bounded
                and (eff.low < 0 or eff.high > 1)
            ):
                problems.append(
                    Problem(
                        f"a {field or parts[0]} is set to a value outside [0, 1]",
                        path=f"{path}.high" if eff.high > 1 else f"{path}.low",
                        value=[eff.low, eff.mode, eff.high],
                        expected="values in [0, 1]",
                        code="out-of-range",
                    )
                )
            if eff.change.value == "multiply" and eff.low < 0:
                problems.append(
                    Problem(
                        "a multiplier must not be negative",
                        path=f"{path}.low",
                        value=eff.low,
                        expected="a factor ≥ 0 (0.9 means −10 %)",
                        code="out-of-range",
                    )
                )
    if econ is not None:
        ordered(econ.phi, "economics.phi")
        ordered(econ.phi_effort, "economics.phi_effort")
        for name in ("phi", "phi_effort"):
            est = getattr(econ, name)
            top = 1.0 if name == "phi_effort" else 10.0
            if est.low < 0 or est.high > top:
                problems.append(
                    Problem(
                        f"{name} must lie in [0, {top:g}]",
                        path=f"economics.{name}",
                        value=[est.low, est.mode, est.high],
                        expected=f"values in [0, {top:g}]",
                        code="out-of-range",
                    )
                )
    try:
        cycle = nx.find_cycle(deps)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        names = [a for a, _ in cycle] + [cycle[0][0]]
        k = ids.index(cycle[0][1])
        problems.append(
            Problem(
                "initiative prerequisites form a cycle: " + " -> ".join(names),
                path=f"initiatives[{k}].prerequisites",
                value=names,
                expected="prerequisites without cycles",
                code="prerequisite-cycle",
            )
        )
    else:
        problems += _exclusion_conflicts(journey.initiatives, deps)
    return problems


def _exclusion_conflicts(initiatives: Sequence[Any], deps: nx.DiGraph) -> list[Problem]:
    """Initiatives that can never be chosen: they need (themselves or through their
    prerequisites, transitively) two initiatives one of which excludes the other."""
    excludes = {ini.id: set(ini.excludes) for ini in initiatives}
    out = []
    for k, ini in enumerate(initiatives):
        needed = nx.ancestors(deps, ini.id) | {ini.id} if ini.id in deps else {ini.id}
        for who in [ini.id, *sorted(needed - {ini.id})]:
            clash = sorted((excludes.get(who, set()) & needed) - {who})
            if not clash:
                continue
            if who == ini.id:
                message = f"initiative {ini.id!r} both requires and excludes {clash[0]!r}"
                j = list(ini.excludes).index(clash[0])
                path = f"initiatives[{k}].excludes[{j}]"
            elif clash[0] == ini.id:
                message = (
                    f"initiative {ini.id!r} can never be chosen: it requires {who!r}, "
                    "which excludes it"
                )
                path = f"initiatives[{k}].prerequisites"
            else:
                message = (
                    f"initiative {ini.id!r} can never be chosen: it requires {who!r} and "
                    f"{clash[0]!r}, and {who!r} excludes {clash[0]!r}"
                )
                path = f"initiatives[{k}].prerequisites"
            out.append(
                Problem(
                    message,
                    path=path,
                    value=clash[0],
                    expected="exclusions apart from prerequisites",
                    code="exclusion-conflict",
                )
            )
            break
    return out

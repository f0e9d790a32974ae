"""Event log → the observed touchpoint graph, as an editable :class:`~cxkit.Journey`."""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx
import polars as pl

from cxkit.analytics._channels import (
    describe_mix,
    touchpoint_channels,
)
from cxkit.analytics._log import EventLog, as_log
from cxkit.analytics._schema import EventLogError, EventSchema
from cxkit.analytics._validate import EMOTIONS, _warn
from cxkit.core._checks import whole_number
from cxkit.core.channels import BUILTIN_CHANNELS, Channel
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.graph import TouchpointGraph
from cxkit.core.i18n import LANGUAGES, label, text_language
from cxkit.core.journey import Journey
from cxkit.core.model import (
    CallReason,
    Emotion,
    Evidence,
    Handoff,
    Outcome,
    OutcomeKind,
    Stage,
    Step,
    Touchpoint,
)
from cxkit.core.validate import validate_journey

__all__ = ["DiscoveryResult", "discover"]

_ID = re.compile(r"^[\w][\w.\-]*$")
_ID_MAX = 80


@dataclass(frozen=True, eq=False)
class DiscoveryResult:
    """What :func:`discover` found: the journey and the counts behind it.

    Attributes
    ----------
    journey
        The observed journey: valid, editable, savable with
        :func:`cxkit.io.save_journey`.
    edges
        One row per observed transition: ``source``, ``target``, ``target_kind``
        (``touchpoint`` / ``outcome``), ``count``, ``mle`` (``n_ij / Σ_j n_ij``),
        ``kept`` (``count ≥ min_count``), ``probability`` (as written in the journey),
        ``mean_gap_s`` and ``median_gap_s`` (time to the next event), ``context_lost_rate``
        and ``context_carryover`` (where context loss is recorded), ``mean_wait_s``,
        ``switch_rate`` and ``transfer_rate``.
    starts
        ``touchpoint``, ``count``, ``probability``: where journeys start.
    outcomes
        ``outcome``, ``kind``, ``count``, ``rate``: how journeys end (a journey whose
        events record no outcome ends in ``EventSchema.missing_outcome``).
    touchpoints
        ``touchpoint``, ``name`` (as in the log), ``channel``, ``contacts``, ``customers``,
        ``channels`` (how many channels its events were in) and ``channel_share``
        (the share of them in ``channel``, its most frequent; null without channels).
    n_events, n_customers, n_journeys
        Sizes of the log after cleaning (``n_journeys`` counts cases; a customer
        has one per outcome reached, see ``docs/reference/analytics.md``).
    warnings
        What was repaired or ignored while reading the log.
    channel_mix
        One row per (touchpoint, channel) seen in the log: ``touchpoint`` (id),
        ``channel`` (as in the log), ``count`` and ``share`` of the touchpoint's events
        with a channel; a touchpoint with several rows kept only the first channel
        (see ``EventSchema.split_channels``).
    """

    journey: Journey
    edges: pl.DataFrame
    starts: pl.DataFrame
    outcomes: pl.DataFrame
    touchpoints: pl.DataFrame
    n_events: int
    n_customers: int
    n_journeys: int
    warnings: tuple[str, ...] = field(default=())
    channel_mix: pl.DataFrame = field(default_factory=lambda: _empty_mix())

    def __repr__(self) -> str:
        return (
            f"<DiscoveryResult {self.journey.id!r}: {self.n_events} events, "
            f"{self.n_customers} customers, {self.n_journeys} journeys, "
            f"{len(self.journey.touchpoints)} touchpoints, {self.edges.height} transitions>"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready counts (the journey itself is serialised by :mod:`cxkit.io`)."""
        return {
            "n_events": self.n_events,
            "n_customers": self.n_customers,
            "n_journeys": self.n_journeys,
            "touchpoints": self.touchpoints.to_dicts(),
            "starts": self.starts.to_dicts(),
            "edges": self.edges.to_dicts(),
            "outcomes": self.outcomes.to_dicts(),
            "channel_mix": self.channel_mix.to_dicts(),
            "warnings": list(self.warnings),
        }


def discover(
    events: Any,
    *,
    schema: EventSchema | None = None,
    journey: Journey | None = None,
    min_count: int = 1,
    smoothing: float = 0.0,
    decimals: int | None = None,
    id: str | None = None,
    title: str | None = None,
) -> DiscoveryResult:
    """Discover the touchpoint graph of an event log as an editable journey.

    Each customer's events, in time order, are a path through touchpoints that ends
    in an outcome (see ``docs/reference/analytics.md`` for how outcomes and journeys
    are read). Counting the transitions gives the maximum-likelihood hand-off
    probabilities ``p_ij = n_ij / Σ_j n_ij`` (model reference §3.2), the start
    distribution and the outcome rates.

    Parameters
    ----------
    events
        The event log: a polars (eager or lazy), DuckDB, Dask, pandas or PySpark frame.
    schema
        Column names, if they differ from :class:`EventSchema`'s defaults.
    journey
        A designed journey to start from: its touchpoints (labels, kinds, costs),
        outcomes, stages, steps, call-reason expectations, parameters, economics and
        initiatives are kept; the graph's probabilities, starts and call-reason mix
        come from the data. Log names are matched to its touchpoint ids, then labels.
    min_count
        Transitions seen fewer times are left out (``kept = False`` in ``edges``) and
        the source's other probabilities renormalised; a touchpoint whose every
        transition is rarer keeps them all.
    smoothing
        Pseudo-count α added to every possible target (all touchpoints and outcomes):
        ``p_ij = (n_ij + α) / (Σ_j n_ij + α·K)``. Default 0 (pure MLE).
    decimals
        Round probabilities to this many decimals (largest-remainder rounding, so
        each touchpoint's probabilities still sum to exactly 1). ``None`` keeps them
        exact.
    id, title
        Of the discovered journey (default ``"discovered"``, or the designed
        journey's id with ``_observed``).

    Returns
    -------
    DiscoveryResult
        ``.journey`` and the counts behind it.

    Raises
    ------
    EventLogError
        For a log that cannot be read (see :func:`cxkit.analytics.EventSchema`).
    CxkitError
        For a bad argument.

    Examples
    --------
    >>> import polars as pl, datetime as dt
    >>> t = lambda h: dt.datetime(2026, 1, 1) + dt.timedelta(hours=h)
    >>> log = pl.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "c", "c"],
    ...         "timestamp": [t(0), t(1), t(0), t(0), t(2)],
    ...         "touchpoint": ["web", "phone", "web", "web", "phone"],
    ...         "channel": ["web", "phone", "web", "web", "phone"],
    ...         "outcome": [None, "resolved", "resolved", None, "churn"],
    ...     }
    ... )
    >>> found = discover(log)
    >>> j = found.journey
    >>> [(h.source, h.target, round(h.probability, 4)) for h in j.handoffs]
    [('web', 'phone', 0.6667), ('web', 'resolved', 0.3333), ('phone', 'churn', 0.5), ('phone', 'resolved', 0.5)]
    >>> j.graph.entry["web"], j.is_valid
    (1.0, True)
    >>> found.outcomes.select("outcome", "count").rows()
    [('resolved', 2), ('churn', 1), ('abandon', 0)]
    """  # noqa: E501
    min_count = whole_number(min_count, "min_count", 1)
    smoothing = _check_float(smoothing, "smoothing")
    if decimals is not None:
        decimals = whole_number(decimals, "decimals", 1)
        if decimals > 12:
            raise CxkitError(f"`decimals` must be at most 12, got {decimals}")
    if journey is not None and not isinstance(journey, Journey):
        raise CxkitError(f"`journey` must be a cxkit.Journey, got {format_value(journey)}")

    if isinstance(events, (pl.DataFrame, pl.LazyFrame)) and (
        schema is None or isinstance(schema, EventSchema)  # else as_log says what is wrong
    ):
        check_touchpoint_count(events.lazy(), schema, "`events`")
    log = as_log(events, schema, journey)
    return _build(log, journey, min_count, smoothing, decimals, id, title)


def check_touchpoint_count(log: Any, schema: EventSchema | None, source: str) -> None:
    """Refuse a log with more distinct touchpoints than ``discover`` can hold.

    A discovered journey may hold a hand-off between every pair: up to ``touchpoints ×
    (touchpoints + outcomes)`` cells, estimated at
    :data:`~cxkit.core._checks.DENSE_CELL_BYTES` each (measured when an earlier engine
    counted them in dense arrays; a conservative bound for the journey and its checks).
    A log past :data:`~cxkit.core._checks.MAX_DENSE_TOUCHPOINTS` distinct touchpoints,
    or whose cells would not fit in memory, is refused before it is read (one scan of
    two columns). A log the count cannot read
    is left to ``discover``, which reports what is wrong with it.
    """
    import polars as pl

    from cxkit.core._checks import (
        DENSE_CELL_BYTES,
        MAX_DENSE_TOUCHPOINTS,
        fits_in_memory,
        memory_budget,
    )

    s = schema or EventSchema()
    try:
        names = log.collect_schema().names()
        if s.touchpoint not in names:
            return
        tp = pl.col(s.touchpoint)
        if s.split_channels and s.channel in names:  # at most one per (touchpoint, channel)
            tp = pl.when(tp.is_not_null()).then(pl.struct(tp, pl.col(s.channel)))
        counts = [tp.drop_nulls().n_unique().alias("tp")]
        if s.outcome and s.outcome in names:
            counts.append(pl.col(s.outcome).drop_nulls().n_unique().alias("out"))
        row = log.select(counts).collect().row(0, named=True)
    except (pl.exceptions.PolarsError, OSError):
        return
    n_tp = int(row["tp"])
    extra = int(row.get("out", 0)) + 2  # outcomes, and the end of a journey
    # n·(n + extra) cells fit in the budget: the positive root of n² + extra·n − cells
    cells = memory_budget() / DENSE_CELL_BYTES
    fit = int((math.sqrt(extra * extra + 4 * cells) - extra) / 2)
    fits_in_memory(
        n_tp,
        f"{source}: the log's distinct touchpoints",
        DENSE_CELL_BYTES * (n_tp + extra),
        MAX_DENSE_TOUCHPOINTS,
        "distinct touchpoints",
        fit=fit,
    )


def _build(
    log: EventLog,
    design: Journey | None,
    min_count: int,
    smoothing: float,
    decimals: int | None,
    journey_id: str | None,
    title: str | None,
) -> DiscoveryResult:
    log.channel_mix  # noqa: B018 - its warning, if any, belongs in the notes below
    notes = list(log.warnings)
    names, outcome_names = _observed_names(log, notes)

    # -- ids ------------------------------------------------------------------------------
    tp_ids = _touchpoint_ids(names, design, outcome_names)
    out_ids = _outcome_ids(outcome_names, design, set(tp_ids.values()))

    # -- edges and probabilities ----------------------------------------------------------
    edges = _observed_edges(log.edges_table, {**tp_ids, **out_ids}, min_count, notes)
    order = _touchpoint_order(edges, log.starts_table, tp_ids, design)
    all_targets = order + [out_ids[o] for o in outcome_names]
    probs = _probabilities(edges, order, all_targets, smoothing, decimals)

    # -- touchpoints, channels, outcomes --------------------------------------------------
    mix = _channel_mix(log, tp_ids)
    design_graph = design.graph if design is not None else None
    touchpoints, channels = _touchpoints(order, tp_ids, mix, design_graph)
    outcomes = _outcomes(outcome_names, out_ids, design_graph)
    handoffs = _observed_handoffs(edges, probs, order, design_graph, log.has("transfer"))

    # -- starts ---------------------------------------------------------------------------
    starts = log.starts_table.with_columns(touchpoint=pl.col("tp").replace_strict(tp_ids))
    entry_counts, n_cases = _entry_counts(starts)

    # -- the journey ----------------------------------------------------------------------
    g = TouchpointGraph(
        touchpoints=tuple(touchpoints),
        handoffs=tuple(handoffs),
        outcomes=tuple(outcomes),
        channels=tuple(channels),
        entry=_distribution(entry_counts, decimals),
        call_reasons=tuple(_call_reasons(log, starts, design_graph, decimals)),
        remainder_outcome=out_ids[log.schema.missing_outcome],
    )
    tp_table = log.touchpoint_table
    lang = design.language if design is not None else text_language(names)
    description = _description(log, n_cases, lang)
    j = _discovered_journey(
        g, design, description, journey_id, title, _touchpoint_stats(tp_table, tp_ids), notes
    )

    # -- result frames --------------------------------------------------------------------
    return DiscoveryResult(
        journey=j,
        edges=_edges_frame(edges, j),
        starts=_starts_frame(entry_counts, n_cases),
        outcomes=_outcomes_out_frame(edges, outcomes, n_cases),
        touchpoints=_touchpoints_frame(tp_table, tp_ids, j, mix),
        n_events=log.n_events,
        n_customers=int(log.summary["customers"]),
        n_journeys=n_cases,
        warnings=tuple(notes),
        channel_mix=_mix_frame(mix, j),
    )


def _entry_counts(starts: pl.DataFrame) -> tuple[dict[str, int], int]:
    """Journeys starting at each touchpoint id, and the number of journeys."""
    start_counts = starts.group_by("touchpoint").agg(pl.col("count").sum())
    n_cases = int(start_counts["count"].sum())
    entry_counts = {r["touchpoint"]: r["count"] for r in start_counts.iter_rows(named=True)}
    return entry_counts, n_cases


def _description(log: EventLog, n_cases: int, lang: str) -> str:
    """The discovered journey's description: what it was discovered from."""
    summary = log.summary
    lang = lang if lang in LANGUAGES else "en"
    return label("discovered_description", lang).format(
        events=log.n_events,
        customers=summary["customers"],
        journeys=n_cases,
        first=_iso(summary["t_min"]),
        last=_iso(summary["t_max"]),
    )


def _observed_names(log: EventLog, notes: list[str]) -> tuple[list[str], list[str]]:
    """The touchpoint names and the sorted outcome names of the log.

    Raises
    ------
    EventLogError
        When the log has no touchpoint event, or a name is both a touchpoint and an outcome.
    """
    schema = log.schema
    summary = log.summary
    if summary["contacts"] == 0:
        raise EventLogError(
            "the event log has outcomes but no touchpoint events; expected at least one row "
            f"with a touchpoint in column {schema.touchpoint!r}"
        )
    if summary["empty_cases"]:
        _warn(
            notes,
            f"{summary['empty_cases']} outcome row(s) follow another outcome with no "
            "touchpoint event in between; the graph ignores them",
        )
    raw_edges = log.edges_table
    names = log.touchpoint_table["tp"].to_list()
    outcome_names = sorted(
        set(raw_edges.filter(pl.col("to_tp") == 0)["target"].to_list()) | {schema.missing_outcome}
    )
    clash = sorted(set(names) & set(outcome_names))
    if clash:
        raise EventLogError(
            f"{_plural(clash, 'name')} {', '.join(map(repr, clash))} is used both as a touchpoint "
            "and as an outcome; expected distinct names (rename the touchpoint or the outcome)"
        )
    return names, outcome_names


def _observed_edges(
    raw_edges: pl.DataFrame, node_id: Mapping[str, str], min_count: int, notes: list[str]
) -> pl.DataFrame:
    """The log's edges with node ids, ``target_kind``, ``mle`` and ``kept``.

    An edge is kept when seen at least ``min_count`` times, or when no edge from its
    source is (those sources are named in a warning).
    """
    edges = raw_edges.with_columns(
        source=pl.col("tp").replace_strict(node_id),
        target_id=pl.col("target").replace_strict(node_id),
        target_kind=pl.when(pl.col("to_tp") > 0)
        .then(pl.lit("touchpoint"))
        .otherwise(pl.lit("outcome")),
    )
    total = pl.col("count").sum().over("source")
    edges = edges.with_columns(mle=pl.col("count") / total, kept=pl.col("count") >= min_count)
    forced = edges.group_by("source").agg(pl.col("kept").any().alias("ok"))
    forced_sources = sorted(forced.filter(~pl.col("ok"))["source"].to_list())
    edges = edges.with_columns(kept=pl.col("kept") | pl.col("source").is_in(forced_sources))
    if forced_sources and min_count > 1:
        _warn(
            notes,
            f"every transition from {', '.join(map(repr, forced_sources))} was seen fewer "
            f"than min_count={min_count} times; they were kept",
        )
    return edges


def _observed_handoffs(
    edges: pl.DataFrame,
    probs: Mapping[tuple[str, str], float],
    order: Sequence[str],
    design_graph: TouchpointGraph | None,
    explicit: bool,
) -> list[Handoff]:
    """The hand-offs of ``probs``, grouped by source in touchpoint ``order``."""
    stats = {(r["source"], r["target_id"]): r for r in edges.iter_rows(named=True)}
    designed = {h.key: h for h in design_graph.handoffs} if design_graph is not None else {}
    by_source: dict[str, list[tuple[str, float]]] = {}
    for (src, dst), p in probs.items():
        by_source.setdefault(src, []).append((dst, p))
    tp_set = set(order)
    return [
        _handoff(src, dst, p, stats.get((src, dst)), designed.get((src, dst)), tp_set, explicit)
        for src in order
        for dst, p in by_source.get(src, [])
    ]


def _discovered_journey(
    g: TouchpointGraph,
    design: Journey | None,
    description: str,
    journey_id: str | None,
    title: str | None,
    tp_stats: Mapping[str, Mapping[str, Any]],
    notes: list[str],
) -> Journey:
    """The observed journey: ``design`` with graph ``g``, or a new one with the most
    probable path as its steps; checked with :func:`validate_journey`."""
    if design is not None:
        j = replace(
            design,
            id=journey_id or _slug(f"{design.id}_observed"),
            title=title or f"{design.title or design.id} (observed)",
            graph=g,
            description=description,
            tags=tuple(dict.fromkeys((*design.tags, "discovered"))),
            source=None,
        )
        j = _keep_valid_initiatives(j, notes)
    else:
        lang = text_language([t.display for t in g.touchpoints])
        stages, steps = _observed_steps(g, tp_stats, lang)
        j = Journey(
            id=journey_id or "discovered",
            title=title or label("discovered_title", lang),
            language=lang,
            graph=g,
            stages=stages,
            steps=steps,
            description=description,
            tags=("discovered",),
        )
    errors = [p for p in validate_journey(j) if p.severity == "error"]
    if errors:  # pragma: no cover - a bug, never a silently wrong graph
        raise CxkitError(
            "the discovered journey is invalid (please report this): "
            + "; ".join(p.format() for p in errors[:5])
        )
    return j


def _starts_frame(entry_counts: Mapping[str, int], n_cases: int) -> pl.DataFrame:
    """Journey starts per touchpoint: ``touchpoint``, ``count``, ``probability``."""
    starts_out = pl.DataFrame(
        {
            "touchpoint": list(entry_counts),
            "count": list(entry_counts.values()),
        },
        schema={"touchpoint": pl.String, "count": pl.Int64},
    ).with_columns(probability=pl.col("count") / n_cases)
    return starts_out.sort(["count", "touchpoint"], descending=[True, False])


def _outcomes_out_frame(
    edges: pl.DataFrame, outcomes: Sequence[Outcome], n_cases: int
) -> pl.DataFrame:
    """Journeys per outcome: ``outcome``, ``kind``, ``count``, ``rate``."""
    outcome_counts = (
        edges.filter(pl.col("target_kind") == "outcome")
        .group_by("target_id")
        .agg(pl.col("count").sum())
    )
    oc = {r["target_id"]: r["count"] for r in outcome_counts.iter_rows(named=True)}
    outcomes_out = pl.DataFrame(
        {
            "outcome": [o.id for o in outcomes],
            "kind": [o.kind.value for o in outcomes],
            "count": [int(oc.get(o.id, 0)) for o in outcomes],
        },
        schema={"outcome": pl.String, "kind": pl.String, "count": pl.Int64},
    ).with_columns(rate=pl.col("count") / n_cases)
    return outcomes_out.sort(["count", "outcome"], descending=[True, False])


# -- helpers ------------------------------------------------------------------------------
def _plural(items: Sequence[Any], word: str) -> str:
    return word if len(items) == 1 else word + "s"


def _check_float(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise CxkitError(f"`{name}` must be a number ≥ 0, got {format_value(value)}")
    if not math.isfinite(value):
        raise CxkitError(f"`{name}` must be finite, got {format_value(value)}")
    return float(value)


def _slug(name: str) -> str:
    """A valid journey id for a name from the log.

    >>> _slug("Web FAQ"), _slug("電話"), _slug("-x"), _slug("???")
    ('Web_FAQ', '電話', 'x', 'id')
    """
    text = re.sub(r"[^\w.\-]+", "_", name.strip()).strip("_.-")
    text = text[:_ID_MAX] or "id"
    if not _ID.match(text):  # pragma: no cover - the substitutions make it match
        text = "id_" + text
    return text


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    k = 2
    while f"{base}_{k}" in taken:
        k += 1
    return f"{base}_{k}"


def _touchpoint_ids(
    names: Sequence[str], design: Journey | None, outcomes: Sequence[str]
) -> dict[str, str]:
    out: dict[str, str] = {}
    taken: set[str] = set()
    if design is not None:
        by_id = set(design.graph.touchpoint_ids)
        by_label = {tp.label: tp.id for tp in design.graph.touchpoints if tp.label}
        taken |= by_id | set(design.graph.outcome_ids)
        for name in names:
            if name in by_id:
                out[name] = name
            elif name in by_label and by_label[name] not in out.values():
                out[name] = by_label[name]
    taken |= set(outcomes) | set(out.values())
    for name in names:
        if name not in out:
            out[name] = _unique(_slug(name), taken)
            taken.add(out[name])
    return out


def _outcome_ids(names: Sequence[str], design: Journey | None, tp_ids: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    design_ids = set(design.graph.outcome_ids) if design is not None else set()
    for name in names:
        if name in design_ids or _ID.match(name):
            out[name] = name
        else:
            out[name] = _unique(_slug(name), tp_ids | design_ids | set(out.values()))
    return out


def _touchpoint_order(
    edges: pl.DataFrame, starts: pl.DataFrame, tp_ids: Mapping[str, str], design: Journey | None
) -> list[str]:
    """Designed order first, then breadth-first from the busiest starts."""
    ids = list(dict.fromkeys(tp_ids.values()))
    if design is not None:
        known = [t for t in design.graph.touchpoint_ids]
        return known + sorted(t for t in ids if t not in known)
    start_counts = (
        starts.with_columns(touchpoint=pl.col("tp").replace_strict(dict(tp_ids)))
        .group_by("touchpoint")
        .agg(pl.col("count").sum())
        .sort(["count", "touchpoint"], descending=[True, False])
    )
    nexts: dict[str, list[str]] = {}
    tt = edges.filter(pl.col("target_kind") == "touchpoint").sort(
        ["count", "target_id"], descending=[True, False]
    )
    for r in tt.iter_rows(named=True):
        nexts.setdefault(r["source"], []).append(r["target_id"])
    order: list[str] = []
    visited: set[str] = set()
    queue = deque(start_counts["touchpoint"])
    while queue:
        node = queue.popleft()
        if node in visited:
            continue
        order.append(node)
        visited.add(node)
        queue.extend(n for n in nexts.get(node, []) if n not in visited)
    return order + sorted(t for t in ids if t not in visited)


def _probabilities(
    edges: pl.DataFrame,
    sources: Sequence[str],
    targets: Sequence[str],
    smoothing: float,
    decimals: int | None,
) -> dict[tuple[str, str], float]:
    """``{(source, target): probability}`` in source order, targets by count."""
    out: dict[tuple[str, str], float] = {}
    kept = edges.filter(pl.col("kept")).sort(
        ["source", "count", "target_id"], descending=[False, True, False]
    )
    by_source: dict[str, dict[str, float]] = {}
    for src, dst, n in kept.select("source", "target_id", "count").iter_rows():
        by_source.setdefault(src, {})[dst] = float(n)
    for src in sources:
        counts = by_source.get(src)
        if not counts:  # never observed: nothing to estimate
            continue
        if smoothing > 0:
            counts = {t: counts.get(t, 0.0) + smoothing for t in [*counts, *targets]}
        probs = _normalise(counts, decimals)
        for t, p in probs.items():
            out[(src, t)] = p
    return out


def _normalise(counts: Mapping[str, float], decimals: int | None) -> dict[str, float]:
    """Counts → probabilities summing to 1; rounded by largest remainder if asked.

    >>> _normalise({"a": 1, "b": 1, "c": 1}, 2)
    {'a': 0.34, 'b': 0.33, 'c': 0.33}
    """
    total = math.fsum(counts.values())
    if decimals is None:
        return {k: v / total for k, v in counts.items()}
    scale = 10**decimals
    raw = {k: v / total * scale for k, v in counts.items()}
    floors = {k: math.floor(v) for k, v in raw.items()}
    left = scale - sum(floors.values())
    by_rest = sorted(raw, key=lambda k: -(raw[k] - floors[k]))  # stable: ties in order
    for k in by_rest[:left]:
        floors[k] += 1
    return {k: round(v / scale, decimals) for k, v in floors.items()}


def _distribution(counts: Mapping[str, int], decimals: int | None) -> dict[str, float]:
    if not counts:
        return {}
    ordered = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return _normalise({k: float(v) for k, v in ordered.items()}, decimals)


def _empty_mix() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"touchpoint": pl.String, "channel": pl.String, "count": pl.Int64,
                "share": pl.Float64}
    )  # fmt: skip


def _channel_mix(log: EventLog, tp_ids: Mapping[str, str]) -> pl.DataFrame:
    """:attr:`EventLog.channel_mix` by touchpoint id (``touchpoint``)."""
    if not log.has("channel"):
        return _empty_mix()
    mix = log.channel_mix.filter(pl.col("tp").is_in(list(tp_ids)))
    return mix.select(
        pl.col("tp").replace_strict(dict(tp_ids)).alias("touchpoint"), "channel", "count", "share"
    )


def _mix_frame(mix: pl.DataFrame, j: Journey) -> pl.DataFrame:
    rank = {t.id: k for k, t in enumerate(j.touchpoints)}
    return (
        mix.with_columns(_r=pl.col("touchpoint").replace_strict(rank, return_dtype=pl.Int64))
        .sort(["_r", "count", "channel"], descending=[False, True, False])
        .drop("_r")
    )


def _channel_id(text: str, declared: Mapping[str, Channel]) -> str:
    """The journey channel of a log's channel ``text``: a declared or built-in id as
    written, else the built-in channel whose id or English or Japanese label it is
    (ignoring case, spaces and punctuation), else a new id (:func:`_slug`).

    >>> _channel_id("Phone", {}), _channel_id("電話", {}), _channel_id("E-mail", {})
    ('phone', 'phone', 'email')
    >>> _channel_id("Call Center", {}), _channel_id("Internet", {}), _channel_id("郵便 窓口", {})
    ('call_center', 'Internet', '郵便_窓口')
    """
    if text in declared or text in BUILTIN_CHANNELS:
        return text
    key = _key(text)
    for cid, ch in BUILTIN_CHANNELS.items():
        if key in (_key(cid), _key(ch.label("en")), _key(ch.label("ja"))):
            return cid
    return text if _ID.match(text) else _slug(text)


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _touchpoints(
    order: Sequence[str],
    tp_ids: Mapping[str, str],
    mix: pl.DataFrame,
    design: TouchpointGraph | None,
) -> tuple[list[Touchpoint], list[Channel]]:
    """The touchpoints, each in its most frequent channel of ``mix`` (a touchpoint
    seen in several channels says so in its description), and the channels to declare."""
    names = {v: k for k, v in tp_ids.items()}
    declared: dict[str, Channel] = {}
    if design is not None:
        declared = {c.id: c for c in design.channels}
    seen: dict[str, list[tuple[str, int, float]]] = {}
    for tid, channel_text, n, share in mix.rows():
        seen.setdefault(tid, []).append((channel_text, n, share))
    out: list[Touchpoint] = []
    for tid in order:
        rows = seen.get(tid, [])
        data_channel = rows[0][0] if rows else None
        base = design.touchpoint(tid) if design is not None and design.has_touchpoint(tid) else None
        if data_channel is not None:
            channel = _channel_id(data_channel, declared)
        elif base is not None:
            channel = base.channel
        else:
            channel = "unknown"
        if channel not in BUILTIN_CHANNELS and channel not in declared:
            label = data_channel if data_channel and data_channel != channel else ""
            declared[channel] = Channel(channel, name=label)
        note = None
        if len(rows) > 1:
            note = f"Seen in {len(rows)} channels: {describe_mix(rows)}; given the most frequent."
        if base is not None:
            out.append(replace(base, channel=channel, description=base.description or note))
        else:
            name = names.get(tid, tid)
            label = name if name != tid else ""
            out.append(Touchpoint(tid, label=label, channel=channel, description=note))
    used = {tp.channel for tp in out}
    design_channels = list(design.channels) if design is not None else []
    extra = [c for cid, c in declared.items() if cid in used and c not in design_channels]
    return out, [*design_channels, *extra]


def _outcomes(
    names: Sequence[str], out_ids: Mapping[str, str], design: TouchpointGraph | None
) -> list[Outcome]:
    out: list[Outcome] = []
    kinds = {k.value for k in OutcomeKind}
    if design is not None:
        out += [o for o in design.outcomes]
    have = {o.id for o in out}
    for name in names:
        oid = out_ids[name]
        if oid in have:
            continue
        kind = OutcomeKind(name) if name in kinds else OutcomeKind.OTHER
        out.append(Outcome(oid, label=name if name != oid else "", kind=kind))
        have.add(oid)
    return out


def _handoff(
    src: str,
    dst: str,
    p: float,
    row: Mapping[str, Any] | None,
    base: Handoff | None,
    touchpoints: set[str],
    explicit_transfers: bool,
) -> Handoff:
    """The hand-off ``src → dst`` with probability ``p``: its statistics from ``row``
    (the observed edge), the rest from ``base`` (the designed hand-off, if any)."""
    carry = base.context_carryover if base is not None else 1.0
    wait = base.wait_s if base is not None else 0.0
    transfer = base.transfer if base is not None else False
    if row is not None and dst in touchpoints:
        if row["ctx_n"]:
            carry = 1.0 - row["ctx_sum"] / row["ctx_n"]
        if row["wait_n"]:
            # milliseconds: the same on every backend whatever order it adds in
            wait = round(row["wait_sum"] / row["wait_n"], 3)
        if row["xfer_n"] and explicit_transfers:
            transfer = row["xfer_sum"] / row["xfer_n"] > 0.5
    return Handoff(
        src,
        dst,
        float(p),
        context_carryover=float(min(1.0, max(0.0, carry))),
        reexplain_effort=base.reexplain_effort if base is not None else None,
        reexplain_time_s=base.reexplain_time_s if base is not None else None,
        wait_s=float(wait),
        transfer=bool(transfer),
        label=base.label if base is not None else None,
    )


def _call_reasons(
    log: EventLog, starts: pl.DataFrame, design: TouchpointGraph | None, decimals: int | None
) -> list[CallReason]:
    if not log.has("call_reason"):
        return _design_reasons(design)
    per = starts.with_columns(reason=pl.col("issue").replace("", "unspecified"))
    reasons = (
        per.group_by("reason")
        .agg(pl.col("count").sum())
        .sort(["count", "reason"], descending=[True, False])
    )
    if reasons.height == 1 and reasons["reason"][0] == "unspecified":
        return _design_reasons(design)
    shares = _normalise(
        {r["reason"]: float(r["count"]) for r in reasons.iter_rows(named=True)}, decimals
    )
    designed = {c.id: c for c in design.call_reasons} if design is not None else {}
    out: list[CallReason] = []
    taken: set[str] = set()
    for name, share in shares.items():
        rid = _unique(name if _ID.match(name) else _slug(name), taken)
        taken.add(rid)
        rows = per.filter(pl.col("reason") == name)
        entry = _distribution(
            {r["touchpoint"]: int(r["count"]) for r in rows.iter_rows(named=True)}, decimals
        )
        base = designed.get(rid)
        out.append(
            CallReason(
                rid,
                label=base.label if base is not None else (name if name != rid else ""),
                share=share,
                entry=entry,
                expectations=dict(base.expectations) if base is not None else {},
                expected_wait_s=base.expected_wait_s if base is not None else None,
            )
        )
    return out


def _design_reasons(design: TouchpointGraph | None) -> list[CallReason]:
    """The designed reasons without their own start distributions (the log has no
    reasons, so every reason starts where the observed journeys start)."""
    if design is None:
        return []
    return [replace(c, entry={}) for c in design.call_reasons]


def _touchpoint_stats(tp_table: pl.DataFrame, tp_ids: Mapping[str, str]) -> dict[str, dict]:
    out = {}
    for r in tp_table.iter_rows(named=True):
        out[tp_ids[r["tp"]]] = r
    return out


def _observed_steps(
    g: TouchpointGraph, stats: Mapping[str, Mapping[str, Any]], lang: str
) -> tuple[tuple[Stage, ...], tuple[Step, ...]]:
    """The single most probable path (Dijkstra on −log p), one step per touchpoint,
    described in ``lang``."""
    path = most_probable_path(g)
    stage = Stage("observed", label=label("discovered_stage", lang))
    steps = []
    for k, tid in enumerate(path):
        s = stats.get(tid, {})
        effort = None
        if s.get("effort_count"):
            effort = round(min(5.0, max(1.0, s["effort_sum"] / s["effort_count"])), 2)
        emotion = None
        if s.get("emotion_count"):
            counts = {e: s[f"{e}_sum"] for e in EMOTIONS}
            emotion = Emotion(max(EMOTIONS, key=lambda e: (counts[e], -EMOTIONS.index(e))))
        wait = None
        if s.get("wait_count"):
            wait = round(s["wait_sum"] / s["wait_count"], 3)
        lost = bool(s.get("ctx_count")) and s["ctx_sum"] / s["ctx_count"] > 0.5
        measured = effort is not None or emotion is not None
        steps.append(
            Step(
                stage="observed",
                touchpoint=tid,
                id=f"s{k + 1}",
                action=label("discovered_contacts", lang).format(
                    name=g.touchpoint(tid).display, n=s.get("contacts", 0)
                ),
                emotion=emotion,
                effort=effort,
                wait_s=wait,
                context_lost=lost,
                evidence=Evidence.MEASURED if measured else Evidence.OBSERVED,
            )
        )
    return (stage,), tuple(steps)


def most_probable_path(g: TouchpointGraph) -> list[str]:
    """Touchpoints of the most probable path from a start to an outcome.

    >>> from cxkit.core.model import Touchpoint, Handoff, Outcome
    >>> g = TouchpointGraph(
    ...     (Touchpoint("a"), Touchpoint("b")),
    ...     (Handoff("a", "b", 0.6), Handoff("a", "done", 0.4), Handoff("b", "done", 1.0)),
    ...     (Outcome("done"),),
    ...     entry={"a": 1.0},
    ... )
    >>> most_probable_path(g)
    ['a', 'b']
    """
    d = nx.DiGraph()
    source, sink = ("__start__",), ("__end__",)
    for tid, p in g.entry.items():
        if p > 0:
            d.add_edge(source, tid, weight=-math.log(p))
    for u, v, data in g.nx.edges(data=True):
        p = float(data["probability"])
        if p > 0:
            d.add_edge(u, v, weight=-math.log(p))
    for o in g.outcome_ids:
        if o in d:
            d.add_edge(o, sink, weight=0.0)
    if source not in d or sink not in d:
        return [t for t in g.entry][:1]
    try:
        path = nx.dijkstra_path(d, source, sink)
    except nx.NetworkXNoPath:  # pragma: no cover - validation guarantees a path
        return [t for t in g.entry][:1]
    return [n for n in path if isinstance(n, str) and g.has_touchpoint(n)]


def _keep_valid_initiatives(j: Journey, notes: list[str]) -> Journey:
    if not j.initiatives:
        return j
    bad = set()
    for p in validate_journey(j):
        if p.severity == "error" and p.path.startswith("initiatives["):
            bad.add(int(p.path.split("[", 1)[1].split("]", 1)[0]))
    if not bad:
        return j
    dropped = [j.initiatives[k].id for k in sorted(bad)]
    _warn(
        notes,
        f"initiative(s) {', '.join(map(repr, dropped))} refer to hand-offs that were not "
        "observed and were left out of the discovered journey",
    )
    return replace(j, initiatives=tuple(i for k, i in enumerate(j.initiatives) if k not in bad))


def _edges_frame(edges: pl.DataFrame, j: Journey) -> pl.DataFrame:
    probs = {h.key: h.probability for h in j.handoffs}
    carry = {h.key: h.context_carryover for h in j.handoffs}
    out = edges.select(
        pl.col("source"),
        pl.col("target_id").alias("target"),
        pl.col("target_kind"),
        pl.col("count"),
        pl.col("mle"),
        pl.col("kept"),
        (pl.col("gap_sum") / pl.col("gap_n") / 1e6).alias("mean_gap_s"),
        (pl.col("gap_median") / 1e6).alias("median_gap_s"),
        pl.when(pl.col("ctx_n") > 0)
        .then(pl.col("ctx_sum") / pl.col("ctx_n"))
        .alias("context_lost_rate"),
        pl.when(pl.col("wait_n") > 0)
        .then(pl.col("wait_sum") / pl.col("wait_n"))
        .alias("mean_wait_s"),
        pl.when(pl.col("switch_n") > 0)
        .then(pl.col("switch_sum") / pl.col("switch_n"))
        .alias("switch_rate"),
        pl.when(pl.col("xfer_n") > 0)
        .then(pl.col("xfer_sum") / pl.col("xfer_n"))
        .alias("transfer_rate"),
    )
    keys = list(zip(out["source"], out["target"], strict=True))
    out = out.with_columns(
        probability=pl.Series([probs.get(k) for k in keys], dtype=pl.Float64),
        context_carryover=pl.Series(
            [
                carry.get(k) if lost is not None else None
                for k, lost in zip(keys, out["context_lost_rate"], strict=True)
            ],
            dtype=pl.Float64,
        ),
    )
    rank = {t.id: k for k, t in enumerate(j.touchpoints)}
    out = out.with_columns(_r=pl.col("source").replace_strict(rank, return_dtype=pl.Int64)).sort(
        ["_r", "count", "target"], descending=[False, True, False]
    )
    cols = [
        "source", "target", "target_kind", "count", "mle", "kept", "probability",
        "mean_gap_s", "median_gap_s", "context_lost_rate", "context_carryover",
        "mean_wait_s", "switch_rate", "transfer_rate",
    ]  # fmt: skip
    return out.select(cols)


def _touchpoints_frame(
    tp_table: pl.DataFrame, tp_ids: Mapping[str, str], j: Journey, mix: pl.DataFrame
) -> pl.DataFrame:
    rows = {r["tp"]: r for r in tp_table.iter_rows(named=True)}
    names = {v: k for k, v in tp_ids.items()}
    modal = {
        r["tp"]: r
        for r in touchpoint_channels(mix.rename({"touchpoint": "tp"})).iter_rows(named=True)
    }
    data = [
        {
            "touchpoint": tp.id,
            "name": names.get(tp.id),
            "channel": tp.channel,
            "contacts": int(rows[names[tp.id]]["contacts"]) if tp.id in names else 0,
            "customers": int(rows[names[tp.id]]["customers"]) if tp.id in names else 0,
            "channels": modal[tp.id]["channels"] if tp.id in modal else None,
            "channel_share": modal[tp.id]["channel_share"] if tp.id in modal else None,
        }
        for tp in j.touchpoints
    ]
    return pl.DataFrame(
        data,
        schema={
            "touchpoint": pl.String,
            "name": pl.String,
            "channel": pl.String,
            "contacts": pl.Int64,
            "customers": pl.Int64,
            "channels": pl.Int64,
            "channel_share": pl.Float64,
        },
    )


def _iso(t_us: int | None) -> str:
    if t_us is None:
        return "?"
    epoch = _dt.datetime(1970, 1, 1)
    return (epoch + _dt.timedelta(microseconds=int(t_us))).isoformat(timespec="seconds")

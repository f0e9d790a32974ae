"""Multi-touch attribution: Markov removal effect (exact) beside first, last and linear touch.

The removal effect of touchpoint τ (Anderl et al. 2016; model reference §3.3) is
``RE(τ) = 1 − P(target | τ removed) / P(target)``, where removing τ sends every
transition into τ to a null state. cxkit solves the absorbing chain exactly (see
:mod:`cxkit.analytics._chain`): no path sampling, no truncation. Shares are the
effects normalised to sum to 1 (``markov``), and ``markov_conversions`` is the share
times the observed conversions (model reference §3.3 ``credit_c``).

The heuristics are computed from the observed journeys (a journey converts when it
ends in the target): ``first_touch`` credits its first touchpoint, ``last_touch`` its
last, ``linear`` each of its *k* touches with ``1/k`` (a touchpoint visited twice gets
two shares). Each column is normalised by the conversions. From a designed journey,
first and last touch are exact expectations from the chain (``π0_τ x_τ / P`` and
``v_τ r_τ / P``); linear credit has no closed form and is left null.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import polars as pl

from cxkit.analytics._chain import Chain
from cxkit.analytics._log import EventLog, as_log
from cxkit.analytics._metrics import _modal_channel
from cxkit.analytics._schema import EventSchema
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.journey import Journey
from cxkit.core.model import OutcomeKind
from cxkit.core.suggest import did_you_mean

__all__ = ["attribution"]

_COLUMNS = {
    "touchpoint": pl.String,
    "channel": pl.String,
    "removal_effect": pl.Float64,
    "p_target": pl.Float64,
    "p_without": pl.Float64,
    "markov": pl.Float64,
    "markov_conversions": pl.Float64,
    "first_touch": pl.Float64,
    "last_touch": pl.Float64,
    "linear": pl.Float64,
}


def attribution(
    events_or_journey: Any,
    *,
    target: str | Sequence[str] = "purchase",
    schema: EventSchema | None = None,
    by: Literal["touchpoint", "channel"] = "touchpoint",
) -> pl.DataFrame:
    """Credit each touchpoint (or channel) for reaching ``target``.

    Parameters
    ----------
    events_or_journey
        An event log (any supported frame) or a designed :class:`~cxkit.Journey`.
    target
        The outcome to attribute: an outcome id, an outcome kind (``"purchase"``,
        ``"resolved"``… — every outcome of that kind) or several ids. Service
        journeys use ``target="resolved"`` ("resolution attribution").
    schema
        Column names of the log, if they differ from :class:`EventSchema`'s.
    by
        ``"touchpoint"`` or ``"channel"`` (a channel's removal effect removes all its
        touchpoints at once).

    Returns
    -------
    polars.DataFrame
        One row per touchpoint (or channel), highest Markov share first:
        ``touchpoint`` (or ``channel``), ``channel``, ``removal_effect``, ``p_target``
        (P(target) of the whole chain), ``p_without``, ``markov`` (share),
        ``markov_conversions``, ``first_touch``, ``last_touch``, ``linear`` (shares).

    Raises
    ------
    CxkitError
        When the target is unknown (with a did-you-mean) or never reached.

    Examples
    --------
    Model reference §9 R3 (Bryl 2016): paths C1→C2→C3→conv, C1→null, C2→C3→null.

    >>> import polars as pl, datetime as dt
    >>> t = [dt.datetime(2026, 1, 1, h) for h in range(3)]
    >>> log = pl.DataFrame(
    ...     {
    ...         "customer_id": ["1", "1", "1", "2", "3", "3"],
    ...         "timestamp": [t[0], t[1], t[2], t[0], t[0], t[1]],
    ...         "touchpoint": ["C1", "C2", "C3", "C1", "C2", "C3"],
    ...         "outcome": [None, None, "purchase", "abandon", None, "abandon"],
    ...     }
    ... )
    >>> a = attribution(log, target="purchase").sort("touchpoint")
    >>> a.select("touchpoint", "removal_effect", "markov").rows()
    [('C1', 0.5, 0.2), ('C2', 1.0, 0.4), ('C3', 1.0, 0.4)]
    >>> a["p_target"][0]
    0.3333333333333333
    """
    if by not in ("touchpoint", "channel"):
        raise CxkitError(f"`by` must be 'touchpoint' or 'channel', got {format_value(by)}")
    if isinstance(events_or_journey, Journey):
        frame = _from_journey(events_or_journey, target, by)
    else:
        frame = _from_events(as_log(events_or_journey, schema), target, by)
    return frame.sort(["markov", frame.columns[0]], descending=[True, False], nulls_last=True)


def _targets(target: str | Sequence[str], ids: Sequence[str], kinds: dict[str, str]) -> list[str]:
    wanted = [target] if isinstance(target, str) else list(target)
    if not wanted or not all(isinstance(t, str) and t for t in wanted):
        raise CxkitError(
            "`target` must be an outcome id, an outcome kind or a list of outcome ids, "
            f"got {format_value(target)}"
        )
    out: list[str] = []
    for t in wanted:
        if t in ids:
            out.append(t)
            continue
        same_kind = [o for o in ids if kinds.get(o) == t]
        if same_kind and t in {k.value for k in OutcomeKind}:
            out += same_kind
            continue
        hint = did_you_mean(t, ids)
        shown = ", ".join(repr(o) for o in ids) or "none"
        raise CxkitError(
            f"target outcome {t!r} is never reached; outcomes reached: {shown}"
            + (f" — {hint}" if hint else "")
        )
    return list(dict.fromkeys(out))


def _shares(values: np.ndarray) -> np.ndarray:
    total = float(np.sum(values))
    return values / total if total > 0 else np.full_like(values, np.nan)


def _from_events(log: EventLog, target: str | Sequence[str], by: str) -> pl.DataFrame:
    edges = log.edges_table
    states = sorted(log.touchpoint_table["tp"].to_list())
    outcomes = sorted(set(edges.filter(pl.col("to_tp") == 0)["target"].to_list()))
    kinds = {o: (o if o in {k.value for k in OutcomeKind} else "other") for o in outcomes}
    targets = _targets(target, outcomes, kinds)
    totals = edges.group_by("tp").agg(pl.col("count").sum().alias("n"))
    n_from = dict(totals.iter_rows())
    triples = [(s, d, c / n_from[s]) for s, d, c in edges.select("tp", "target", "count").rows()]
    starts = log.starts_table.group_by("tp").agg(pl.col("count").sum())
    n_start = float(starts["count"].sum())
    chain = Chain.from_edges(triples, {s: c / n_start for s, c in starts.rows()}, states, outcomes)

    # heuristics from the journeys themselves (a journey converts when it ends in a target)
    credit = (
        log.credit_table.filter(pl.col("outcome").is_in(targets))
        .group_by("tp")
        .agg(pl.col("first").sum(), pl.col("last").sum(), pl.col("linear").sum())
    )
    conversions = float(credit["last"].sum())
    channel_of: dict[str, str | None] = dict(_modal_channel(log).select("tp", "channel").rows())
    tp_frame = pl.DataFrame({"tp": states}).join(credit, on="tp", how="left").fill_null(0.0)
    first = tp_frame["first"].to_numpy()
    last = tp_frame["last"].to_numpy()
    linear = tp_frame["linear"].to_numpy()
    if by == "touchpoint":
        p, without = chain.removal(targets)
        names = states
        channels = [channel_of.get(s) for s in states]
    else:
        groups: dict[str, list[str]] = {}
        for s in states:
            groups.setdefault(channel_of.get(s) or "unknown", []).append(s)
        names = sorted(groups)
        p = float(chain.start @ chain.absorption_into(targets))
        without = chain.removal_of_sets(targets, [groups[c] for c in names])
        idx = {s: k for k, s in enumerate(states)}
        first, last, linear = (
            np.array([sum(v[idx[s]] for s in groups[c]) for c in names])
            for v in (first, last, linear)
        )
        channels = names
    return _frame(by, names, channels, p, without, first, last, linear, conversions)


def _frame(
    by: str,
    names: Sequence[str],
    channels: Sequence[str | None],
    p: float,
    without: np.ndarray,
    first: np.ndarray | None,
    last: np.ndarray | None,
    linear: np.ndarray | None,
    conversions: float | None,
) -> pl.DataFrame:
    if p <= 0:  # pragma: no cover - _targets guarantees a reached target
        raise CxkitError("the target outcome has probability 0; nothing to attribute")
    effect = np.clip(1.0 - np.asarray(without) / p, 0.0, 1.0)
    markov = _shares(effect)
    n = len(names)
    data = {
        "touchpoint": list(names),
        "channel": list(channels),
        "removal_effect": effect,
        "p_target": np.full(n, p),
        "p_without": np.asarray(without, dtype=float),
        "markov": markov,
        "markov_conversions": markov * conversions if conversions is not None else [None] * n,
        "first_touch": _shares(first) if first is not None else [None] * n,
        "last_touch": _shares(last) if last is not None else [None] * n,
        "linear": _shares(linear) if linear is not None else [None] * n,
    }
    df = pl.DataFrame(data, schema=_COLUMNS)
    if by == "channel":
        df = df.drop("touchpoint")
    return df


def _from_journey(journey: Journey, target: str | Sequence[str], by: str) -> pl.DataFrame:
    g = journey.graph
    chain = Chain.from_journey(journey)
    kinds = {o.id: o.kind.value for o in g.outcomes}
    probs = chain.outcome_probabilities()
    reached = [o for o, pr in zip(chain.outcomes, probs, strict=True) if pr > 0]
    targets = _targets(target, reached, kinds)
    r = chain.target_vector(targets)
    x = chain.absorption_into(targets)
    v = chain.visits()
    p = float(chain.start @ x)
    first = chain.start * x
    last = v * r
    states = list(chain.states)
    channel_of = {tp.id: tp.channel for tp in g.touchpoints}
    if by == "touchpoint":
        _, without = chain.removal(targets)
        return _frame(
            by, states, [channel_of[s] for s in states], p, without, first, last, None, None
        )
    groups: dict[str, list[str]] = {}
    for s in states:
        groups.setdefault(channel_of[s], []).append(s)
    names = sorted(groups)
    idx = {s: k for k, s in enumerate(states)}
    without = chain.removal_of_sets(targets, [groups[c] for c in names])
    first_c = np.array([sum(first[idx[s]] for s in groups[c]) for c in names])
    last_c = np.array([sum(last[idx[s]] for s in groups[c]) for c in names])
    return _frame(by, names, names, p, without, first_c, last_c, None, None)

"""Queues in front of touchpoints for :func:`cxkit.sim.simulate` (model reference §3.5).

``simulate(..., queues={touchpoint: spec})`` takes an :class:`ErlangCQueue` (or a
number of agents), or an :class:`ErlangAQueue` whose callers can abandon.
:func:`queue_table` turns the specs into the :class:`~cxkit.sim._walk.QueueTable`
the walker samples from, with one ``info`` dict per queue for the result's
``settings["queues"]``.

The exact engine (:func:`cxkit.sim.exact`) does not model queues: its figures are
those of the journey without them (no queue waits, no abandonment). With an Erlang
A queue, the Monte Carlo outcome shares differ from the exact ones by the callers
who abandon.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cxkit.core.errors import SimulationError, format_value
from cxkit.sim._walk import ERLANG_A, ERLANG_C, QueueTable

if TYPE_CHECKING:
    from cxkit.core.compiled import CompiledJourney
    from cxkit.core.journey import Journey

__all__ = ["ErlangAQueue", "ErlangCQueue", "queue_table"]

#: Mean patience of an Erlang A caller when none is given (θ = 1/120 s⁻¹). [ASSUMPTION]
DEFAULT_PATIENCE_S = 120.0

_OPEN_HOURS = {"year": 2080.0, "quarter": 520.0, "month": 2080.0 / 12}


@dataclass(frozen=True)
class ErlangCQueue:
    """An Erlang C queue in front of a touchpoint (model reference §3.5).

    Every arrival at the touchpoint waits with probability ``P_w = C(N, A)``, and
    then an exponential time with mean ``AHT/(N − A)``.

    Parameters
    ----------
    agents
        Agents ``N`` serving the queue.
    calls_per_hour
        Offered calls per hour. ``None`` derives it from the journey:
        ``economics.journeys_per_period × E[visits to the touchpoint]`` (exact
        engine) ``/ open_hours_per_period``.
    aht_s
        Average handle time. ``None`` uses the touchpoint's ``handle_time_s``
        plus the expected re-explanation time per visit (exact engine).
    open_hours_per_period
        Hours the queue is open per economics period, used with
        ``calls_per_hour=None``; ``None`` assumes 40 h a week (2080 h a year,
        520 a quarter, 2080/12 a month). [ASSUMPTION]

    Examples
    --------
    Model reference R1's queue (200 calls an hour, AHT 180 s: 10 Erlang) on 14 agents:

    >>> from cxkit.core.graph import TouchpointGraph
    >>> from cxkit.core.journey import Journey
    >>> from cxkit.core.model import Handoff, Outcome, Touchpoint
    >>> from cxkit.sim import ErlangCQueue, simulate
    >>> g = TouchpointGraph(
    ...     touchpoints=(Touchpoint("agent", channel="phone"),),
    ...     handoffs=(Handoff("agent", "done", 1.0),),
    ...     outcomes=(Outcome("done"),),
    ...     entry={"agent": 1.0},
    ... )
    >>> q = {"agent": ErlangCQueue(agents=14, calls_per_hour=200, aht_s=180)}
    >>> r = simulate(Journey("queue", graph=g), 20_000, seed=1, queues=q)
    >>> round(r.settings["queues"]["agent"]["asa_s"], 2)  # Erlang C ASA
    7.84
    >>> 6.5 < r.summary()["wait_s"].estimate < 9.2  # simulated mean wait
    True
    """

    agents: int
    calls_per_hour: float | None = None
    aht_s: float | None = None
    open_hours_per_period: float | None = None


@dataclass(frozen=True)
class ErlangAQueue:
    """An Erlang A queue (M/M/N+M) in front of a touchpoint: callers who abandon.

    Erlang C with impatient callers (model reference §3.5; Garnett, Mandelbaum &
    Reiman 2002; :func:`cxkit.sim.queues.erlang_a`). An arrival finds every agent
    busy with probability ``P(W > 0)`` and ``j`` callers ahead with probability
    ``π_{N+j}`` (arrivals see time averages); it would be answered after the
    offered wait ``V`` — exponential phases with rates ``Nμ + iθ`` for the ``i =
    j … 0`` callers ahead — unless its own patience ``τ ~ Exp(θ)``, with mean
    ``patience_s``, runs out first. It waits ``min(V, τ)``, and abandons when
    ``τ < V``. Over all arrivals the abandon share is ``P(Ab) = θ·E[Q]/λ`` and the
    mean wait ``E[W] = E[Q]/λ``.

    **Where abandoners go.** A caller who abandons ends the journey at once in the
    journey's abandon outcome: the first outcome of kind ``abandon``, else the
    ``remainder_outcome``, else an ``abandon`` outcome added to the result. The
    abandoned call is a contact at the touchpoint (it was offered, and shows in the
    path) but it is not served: no service contact, cost, handle time or service
    moment, and no repeated explanation. The hand-off into the queue counts as
    taken (channel switch, transfer), and the time until the caller hung up counts
    as waited (``wait_s``, the excess wait in the effort, the wait moment's valence).

    The exact engine does not model queues: with an Erlang A queue its outcome
    shares leave out the abandonment (see :mod:`cxkit.sim._queue_models`).

    Parameters
    ----------
    agents
        Agents ``N`` serving the queue.
    calls_per_hour
        Offered calls per hour (``None``: derived as for :class:`ErlangCQueue`).
        Any load is stable: callers who wait too long leave.
    aht_s
        Average handle time (``None``: as for :class:`ErlangCQueue`).
    patience_s
        Mean patience ``1/θ`` of a caller in the queue (s); 120 s by default.
        [ASSUMPTION]
    open_hours_per_period
        As for :class:`ErlangCQueue`.

    Examples
    --------
    Model reference R1's interval (200 calls an hour, AHT 180 s, 14 agents) with
    callers who wait 120 s on average before they hang up:

    >>> from cxkit.core.graph import TouchpointGraph
    >>> from cxkit.core.journey import Journey
    >>> from cxkit.core.model import Handoff, Outcome, OutcomeKind, Touchpoint
    >>> from cxkit.sim import ErlangAQueue, simulate
    >>> g = TouchpointGraph(
    ...     touchpoints=(Touchpoint("agent", channel="phone"),),
    ...     handoffs=(Handoff("agent", "done", 1.0),),
    ...     outcomes=(Outcome("done"), Outcome("abandon", kind=OutcomeKind.ABANDON)),
    ...     entry={"agent": 1.0},
    ... )
    >>> q = {"agent": ErlangAQueue(agents=14, calls_per_hour=200, aht_s=180, patience_s=120)}
    >>> r = simulate(Journey("queue", graph=g), 40_000, seed=1, queues=q)
    >>> info = r.settings["queues"]["agent"]
    >>> round(info["p_abandon"], 4), round(info["mean_wait_s"], 2)  # erlang_a
    (0.0228, 2.74)
    >>> s = r.summary()  # simulated: within sampling error
    >>> round(s["outcome_shares"]["abandon"].estimate, 3), round(s["wait_s"].estimate, 2)
    (0.023, 2.78)
    """

    agents: int
    calls_per_hour: float | None = None
    aht_s: float | None = None
    patience_s: float = DEFAULT_PATIENCE_S
    open_hours_per_period: float | None = None


def _number(value: object, where: str, expected: str, ok: Any) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        x = float(value)
        if math.isfinite(x) and ok(x):
            return x
    raise SimulationError(f"{where} must be {expected}, got {format_value(value)}")


def queue_table(journey: Journey, a: CompiledJourney, queues: Mapping[str, Any]) -> QueueTable:
    """The walker's table of ``queues`` (``{touchpoint: spec}``) on ``journey``.

    Raises
    ------
    SimulationError
        Naming the queue, the field, the value received and what was expected: an
        unknown touchpoint, a spec that is not a queue, agents that are not a whole
        number ≥ 1, a rate or time that is not a positive number, an Erlang C queue
        whose load needs more agents.

    Examples
    --------
    >>> import cxkit as cx
    >>> from cxkit.core.compiled import compile_journey
    >>> j = cx.load_journey("billing_inquiry")
    >>> t = queue_table(j, compile_journey(j), {"agent": ErlangAQueue(14, 200, 180)})
    >>> t.kind.tolist(), round(t.info["agent"]["p_abandon"], 4)
    ([0, 0, 2], 0.0228)
    """
    from cxkit.sim.queues import erlang_a, erlang_c

    n = a.n
    kind = np.zeros(n, dtype=np.int8)
    p_wait = np.zeros(n)
    mean_wait = np.zeros(n)
    service_rate = np.zeros(n)
    patience_rate = np.zeros(n)
    cdf: list[np.ndarray | None] = [None] * n
    info: dict[str, dict[str, Any]] = {}
    ex = None
    for tp, spec in queues.items():
        if tp not in a.touchpoint_ids:
            from cxkit.core.suggest import unknown_message

            raise SimulationError("queues: " + unknown_message("touchpoint", tp, a.touchpoint_ids))
        if isinstance(spec, numbers.Integral) and not isinstance(spec, bool):
            spec = ErlangCQueue(agents=int(spec))
        if not isinstance(spec, (ErlangCQueue, ErlangAQueue)):
            raise SimulationError(
                f"queues[{tp!r}] must be an ErlangCQueue, an ErlangAQueue or a number of "
                f"agents, got {format_value(spec)}"
            )
        where = f"queues[{tp!r}]"
        agents = spec.agents
        if isinstance(agents, bool) or not isinstance(agents, numbers.Integral) or agents < 1:
            raise SimulationError(
                f"{where}.agents must be a whole number ≥ 1, got {format_value(agents)}"
            )
        agents = int(agents)
        i = a.touchpoint_ids.index(tp)
        if spec.calls_per_hour is None or spec.aht_s is None:
            from cxkit.sim.exact import exact

            ex = ex or exact(journey)
        if spec.calls_per_hour is None:
            econ = journey.economics
            if econ is None or econ.journeys_per_period is None:
                raise SimulationError(
                    f"{where}.calls_per_hour is not given and the journey's "
                    "economics.journeys_per_period is not set; expected one of them"
                )
            hours = spec.open_hours_per_period or _OPEN_HOURS[econ.period]
            calls_per_hour = econ.journeys_per_period * ex.expected_visits[tp] / hours
        else:
            calls_per_hour = _number(
                spec.calls_per_hour, f"{where}.calls_per_hour", "a number ≥ 0", lambda x: x >= 0
            )
        if spec.aht_s is None:
            visits = ex.expected_visits[tp]
            # re-explanation time of the context losses on the way in (the exact engine's
            # edges are in the order of ``a``'s)
            ea = ex.edge_arrays
            into = sum((ea["context_losses"] * a.reexplain_time_s)[ea["target"] == tp].tolist())
            aht = float(a.handle_time_s[i]) + (into / visits if visits > 0 else 0.0)
            if not aht > 0:
                raise SimulationError(
                    f"{where}: the average handle time must be > 0 s, got {format_value(aht)} "
                    "(set aht_s or the touchpoint's handle_time_s)"
                )
        else:
            aht = _number(spec.aht_s, f"{where}.aht_s", "a number of seconds > 0", lambda x: x > 0)
        load = calls_per_hour * aht / 3600.0
        common = {
            "agents": agents,
            "calls_per_hour": calls_per_hour,
            "aht_s": aht,
            "load_erlangs": load,
        }
        if isinstance(spec, ErlangCQueue):
            if load >= agents:
                raise SimulationError(
                    f"{where} is unstable: offered load {load:.4g} Erlang needs more than "
                    f"{agents} agents (expected agents > load, or an ErlangAQueue whose "
                    "callers abandon)"
                )
            pw = float(erlang_c(agents, load)) if load > 0 else 0.0
            kind[i] = ERLANG_C
            p_wait[i] = pw
            mean_wait[i] = aht / (agents - load)
            asa = pw * aht / (agents - load)
            info[tp] = {
                "model": "erlang_c",
                **common,
                "p_wait": pw,
                "asa_s": asa,
                "mean_wait_s": asa,
            }
            continue
        patience = _number(
            spec.patience_s, f"{where}.patience_s", "a number of seconds > 0", lambda x: x > 0
        )
        kind[i] = ERLANG_A
        service_rate[i] = agents / aht
        patience_rate[i] = 1.0 / patience
        if calls_per_hour > 0:
            res = erlang_a(calls_per_hour / 3600.0, 1.0 / aht, 1.0 / patience, agents)
            p_wait[i] = res.p_wait
            cdf[i] = np.cumsum(res.queued_probabilities)
            figures = {
                "p_wait": res.p_wait,
                "p_abandon": res.p_abandon,
                "mean_wait_s": res.mean_wait,
            }
        else:  # no calls: nobody waits
            cdf[i] = np.zeros(1)
            figures = {"p_wait": 0.0, "p_abandon": 0.0, "mean_wait_s": 0.0}
        info[tp] = {"model": "erlang_a", **common, "patience_s": patience, **figures}
    return QueueTable(
        kind=kind,
        p_wait=p_wait,
        mean_wait=mean_wait,
        service_rate=service_rate,
        patience_rate=patience_rate,
        queue_cdf=tuple(cdf),
        info=info,
    )

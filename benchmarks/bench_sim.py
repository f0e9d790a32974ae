"""Benchmarks of the simulation engines (cxkit.sim): wall times on this machine.

* Monte Carlo, 1,000,000 customers: on the largest template and on a generated
  30-touchpoint graph (goal ≤ 1 s on 2 cores; best of 3). The per-customer polars
  frame is built lazily, on first use of ``.customers``: its cost is printed apart.
* Exact engine on generated 10,000-touchpoint sparse graphs (goal ≤ 1 s; best of 3):
  "clustered" (1,000 regions of 10 touchpoints with local loops, hand-offs onward)
  and "one loop" (every touchpoint can send the customer back to the start, so all
  10,000 touchpoints form one strongly connected component; its revisit metrics
  need a column solve per touchpoint, timed once apart).
* The floor of those two runs: a bare numpy walk of the same chain (moves only,
  :func:`bare_walk`), and the ratio of the engine to it in the same run (goal ≤ 2×);
  beside it the engine's own walk without the metrics (:func:`walk_only`, the walker
  Monte Carlo and the event generator share, with their per-step streams).
* The same 1M-customer workload as a per-customer simpy model (simpy is a
  benchmark-only dependency): timed on 50,000 customers and extrapolated linearly
  to 1,000,000 (said so in the table), with the speed-up of the vectorised engine.

Run ``python benchmarks/bench_sim.py`` (or ``make bench``). ``--quick`` divides the
sizes by 10 for a smoke run. Other engineers may share the CPU: numbers are
indicative.
"""

from __future__ import annotations

import argparse
import bisect
import math
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import cxkit as cx
from cxkit.core.compiled import compile_journey, experience_tables, start_table
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import CallReason, Handoff, Outcome, OutcomeKind, Step, Touchpoint
from cxkit.sim.exact import exact
from cxkit.sim.montecarlo import simulate

CHANNELS = ("web", "phone", "chat", "email", "store", "sns")


# ----------------------------------------------------------------------------- graphs


def largest_template() -> Journey:
    """The template with the most hand-offs (then touchpoints)."""
    journeys = [cx.load_journey(name) for name in cx.list_templates()]
    return max(journeys, key=lambda j: (len(j.graph.handoffs), len(j.graph.touchpoints)))


def generated_journey(n: int = 30, seed: int = 7) -> Journey:
    """A 30-touchpoint omnichannel journey with loops, transfers, waits and steps.

    Each touchpoint hands off to 3–4 others (70 % of its customers), resolves 20 %
    and loses the rest (10 %) to ``abandon``; context carry-over, transfers and
    waits vary; every touchpoint has a designed step (expectation and experience).
    """
    rng = np.random.default_rng(seed)
    tps = tuple(
        Touchpoint(
            f"tp{i:02d}",
            channel=CHANNELS[i % len(CHANNELS)],
            cost_per_contact=float(rng.integers(0, 800)),
            handle_time_s=float(rng.integers(0, 600)),
        )
        for i in range(n)
    )
    handoffs = []
    for i in range(n):
        targets = rng.choice(
            [t for t in range(n) if t != i], size=int(rng.integers(3, 5)), replace=False
        )
        probs = rng.dirichlet(np.ones(targets.size)) * 0.7
        for t, p in zip(targets, probs, strict=True):
            handoffs.append(
                Handoff(
                    f"tp{i:02d}",
                    f"tp{t:02d}",
                    float(p),
                    context_carryover=float(rng.choice([0.0, 0.5, 1.0])),
                    transfer=bool(rng.random() < 0.2),
                    wait_s=float(rng.choice([0.0, 0.0, 30.0, 120.0])),
                )
            )
        handoffs.append(Handoff(f"tp{i:02d}", "resolved", 0.2))
    graph = TouchpointGraph(
        touchpoints=tps,
        handoffs=tuple(handoffs),
        outcomes=(
            Outcome("resolved", kind=OutcomeKind.RESOLVED),
            Outcome("abandon", kind=OutcomeKind.ABANDON),
        ),
        entry={"tp00": 0.6, "tp01": 0.4},
        call_reasons=(
            CallReason("billing", share=0.5, expected_wait_s=60),
            CallReason("outage", share=0.5, expected_wait_s=30, entry={"tp02": 1.0}),
        ),
    )
    steps = tuple(
        Step(
            "s",
            f"tp{i:02d}",
            expectation=float(rng.integers(4, 9)),
            experience=float(rng.integers(2, 11)),
        )
        for i in range(n)
    )
    return Journey("generated_30", graph=graph, steps=steps)


def large_graph(n: int = 10_000, *, kind: str = "clustered", seed: int = 1) -> Journey:
    """A sparse 10,000-touchpoint graph (see the module notes for the two kinds)."""
    rng = np.random.default_rng(seed)
    tps = tuple(
        Touchpoint(f"t{i}", channel=CHANNELS[i % 5], cost_per_contact=float(rng.integers(0, 500)))
        for i in range(n)
    )
    handoffs = []
    for i in range(n):
        if kind == "clustered":
            base = (i // 10) * 10
            local = rng.choice(np.arange(base, min(base + 10, n)), size=2, replace=False)
            onward = rng.integers(min(base + 10, n - 1), min(base + 40, n), size=1)
            targets = np.unique(np.concatenate([local, onward]))
            home = 0.0
        else:
            targets = np.unique(np.clip(i + rng.integers(-3, 12, 3), 1, n - 1))
            home = 0.05
        targets = targets[targets != i]
        probs = rng.dirichlet(np.ones(targets.size)) * (0.7 - home)
        for t, p in zip(targets, probs, strict=True):
            handoffs.append(Handoff(f"t{i}", f"t{t}", float(p), context_carryover=0.5))
        if home:
            handoffs.append(Handoff(f"t{i}", "t0", home))
        handoffs.append(Handoff(f"t{i}", "resolved", 0.2))
    graph = TouchpointGraph(
        touchpoints=tps,
        handoffs=tuple(handoffs),
        outcomes=(
            Outcome("resolved", kind=OutcomeKind.RESOLVED),
            Outcome("abandon", kind=OutcomeKind.ABANDON),
        ),
        entry={"t0": 1.0},
    )
    return Journey(f"large_{kind}", graph=graph)


# ----------------------------------------------------------------------------- simpy peer


def simpy_run(journey: Journey, n_customers: int, seed: int) -> dict[str, float]:
    """The same per-customer model as ``simulate``, one simpy process per customer.

    Each customer draws a call reason and a start, then walks the graph: one
    ``env.timeout`` per visit (its handle time) and per wait, and the same
    bookkeeping as the vectorised engine (contacts, switches, transfers, context
    losses, repeat contacts, waits, cost, valences → peak-end J, CES, FCR, outcome).
    """
    import simpy

    a = compile_journey(journey)
    starts = start_table(journey)
    tables = experience_tables(journey, starts)
    ep, fp = journey.params.emotion, journey.params.effort
    n, rng = a.n, random.Random(seed)
    rows = [
        (
            list(np.cumsum(a.prob[a.row_ptr[i] : a.row_ptr[i + 1]])),
            list(range(int(a.row_ptr[i]), int(a.row_ptr[i + 1]))),
        )
        for i in range(n)
    ]
    reason_cum = list(np.cumsum(starts.shares))
    start_cum = [list(np.cumsum(p)) for p in starts.pi0]
    target = a.target.tolist()
    kappa, between = a.kappa.tolist(), a.between_touchpoints.tolist()
    switch, transfer, wait_s = a.switch.tolist(), a.transfer.tolist(), a.wait_s.tolist()
    re_eff = a.reexplain_effort.tolist()
    cost, handle, service = a.cost.tolist(), a.handle_time_s.tolist(), a.is_service.tolist()
    expect, perf = tables.expectation.tolist(), tables.performance.tolist()
    w_exp = tables.expected_wait_s.tolist()
    resolved = {k for k, o in enumerate(journey.graph.outcomes) if o.kind == OutcomeKind.RESOLVED}
    totals = {"contacts": 0.0, "ces5": 0.0, "j": 0.0, "fcr": 0.0, "cost": 0.0}

    def valence(e: float, p: float) -> float:
        d = p - e
        return ep.beta_p * (p - 5) + ep.beta_plus * max(d, 0.0) - ep.beta_minus * max(-d, 0.0)

    def customer(env: Any) -> Any:
        c = min(bisect.bisect_right(reason_cum, rng.random()), len(reason_cum) - 1)
        x = min(bisect.bisect_right(start_cum[c], rng.random()), n - 1)
        seen: set[int] = set()
        contacts = services = switches = transfers = losses = repeats = 0
        wait_excess = money = effort_extra = 0.0
        vals: list[float] = []
        lost, waited = False, 0.0
        outcome = -1
        for _step in range(fp.max_steps):
            contacts += 1
            services += service[x]
            money += cost[x]
            if service[x] and x in seen:
                repeats += 1
            seen.add(x)
            if waited > 0:
                e = expect[c][x]
                d = min(max((w_exp[c] - waited) / ep.wait_seconds_per_point, -10.0), 2.0)
                vals.append(valence(e, e + d))
                yield env.timeout(waited)
            p = perf[c][x] - (fp.reexplain_penalty_points if lost else 0.0)
            vals.append(valence(expect[c][x], max(p, 0.0)))
            yield env.timeout(handle[x] or 1.0)
            cum, edges = rows[x]
            e_i = edges[min(bisect.bisect_right(cum, rng.random()), len(edges) - 1)]
            y = target[e_i]
            lost = between[e_i] and rng.random() < 1.0 - kappa[e_i]
            losses += lost
            effort_extra += re_eff[e_i] if lost else 0.0
            switches += switch[e_i]
            transfers += transfer[e_i]
            waited = wait_s[e_i]
            wait_excess += max(waited - w_exp[c], 0.0)
            if y >= n:
                outcome = y - n
                break
            x = y
        peak = max(reversed(vals), key=abs)
        j = (peak + vals[-1]) / 2
        ces = 1 + fp.w_switch * switches + effort_extra + fp.w_transfer * transfers
        ces += fp.w_repeat_contact * repeats + fp.w_wait_per_minute * wait_excess / 60
        totals["contacts"] += contacts
        totals["ces5"] += min(max(ces, 1.0), 5.0)
        totals["j"] += j
        totals["fcr"] += outcome in resolved and services == 1
        totals["cost"] += money

    env = simpy.Environment()
    for _ in range(n_customers):
        env.process(customer(env))
    env.run()
    return {k: v / n_customers for k, v in totals.items()}


# ----------------------------------------------------------------------------- floor


def bare_walk(journey: Journey, n_customers: int, seed: int) -> int:
    """The floor of any vectorised walk of the same chain: nothing but the moves.

    One uniform per active customer per step from one numpy generator, the next
    node by ``searchsorted`` on the row-offset cumulative probabilities of the CSR
    edge table, absorbed customers dropped; no call reasons, valences, contexts,
    waits or logs. Returns the number of visits (so that the work is not elided).
    """
    a = compile_journey(journey)
    pi0 = start_table(journey).mixed
    starts = np.cumsum(pi0)
    starts[-1] = 1.0
    local = np.zeros(a.n_edges)
    for i in range(a.n):  # one pass per touchpoint, not per customer
        lo, hi = int(a.row_ptr[i]), int(a.row_ptr[i + 1])
        local[lo:hi] = np.cumsum(a.prob[lo:hi])
        local[hi - 1] = 1.0
    cum = a.source + local
    rng = np.random.default_rng(seed)
    x = np.minimum(np.searchsorted(starts, rng.random(n_customers), side="right"), a.n - 1)
    visits = 0
    while x.size:
        visits += x.size
        e = np.searchsorted(cum, x + rng.random(x.size), side="right")
        y = a.target[np.minimum(e, a.n_edges - 1)]
        x = y[y < a.n]
    return visits


def walk_only(journey: Journey, n_customers: int, seed: int) -> int:
    """The engine's walk without its metrics: :class:`cxkit.sim._walk.Walker` over the
    same chunks as :func:`~cxkit.sim.simulate` (one thread). Returns the visits."""
    from cxkit.sim._walk import Walker, end_outcomes
    from cxkit.sim.montecarlo import _CHUNK

    a = compile_journey(journey)
    forced, abandon = end_outcomes(journey, a)
    walker = Walker(
        a,
        start_table(journey),
        seed=seed,
        max_steps=journey.params.effort.max_steps,
        forced=forced,
        abandon=abandon,
        edge_wait=a.wait_s,
    )
    return sum(
        walker.run(lo, min(lo + _CHUNK, n_customers)).visits.customer.size
        for lo in range(0, n_customers, _CHUNK)
    )


def floor_rows(journey: Journey, n: int, t_mc: float) -> list[tuple[str, str, str, str]]:
    """The bare walk and the engine's walk of ``journey``, and the ratios to them."""
    t_bare, _ = best_of(lambda: bare_walk(journey, n, seed=1))
    bare_cpu = CPU[-1]
    t_walk, _ = best_of(lambda: walk_only(journey, n, seed=1))
    return [
        (
            "  bare numpy walk of the same chain",
            f"{t_bare:.3f} s",
            "",
            f"best of 3; CPU {bare_cpu:.2f} s; moves only, one stream, one thread",
        ),
        ("  MC / bare walk", f"{t_mc / t_bare:.2f}×", "≤ 2×", "same run"),
        (
            "  the engine's walk alone (sim._walk)",
            f"{t_walk:.3f} s",
            "",
            f"best of 3; CPU {CPU[-1]:.2f} s; per-step streams, visit log, one thread",
        ),
        ("  MC / engine's walk", f"{t_mc / t_walk:.2f}×", "", "the metrics' share"),
    ]


# ----------------------------------------------------------------------------- timing


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs (``time.perf_counter``) and the last result.

    The CPU time of the best run (all threads, ``time.process_time``) is kept in
    ``CPU[-1]``: on a shared machine it is the steadier figure.
    """
    best, best_cpu, out = math.inf, math.inf, None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        if wall < best:
            best, best_cpu = wall, cpu
    CPU.append(best_cpu)
    return best, out


CPU: list[float] = []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes divided by 10")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    n_mc = 1_000_000 // scale
    n_simpy = 50_000 // scale
    n_large = 10_000 // scale
    rows: list[tuple[str, str, str, str]] = []

    print(f"cxkit {cx.__version__} · numpy {np.__version__} · Python {platform.python_version()}")
    print(f"{os.cpu_count()} cores · load average {os.getloadavg()[0]:.2f} (shared machine)\n")

    big = largest_template()
    simulate(big, 1_000, seed=0)  # warm-up (imports, caches)
    t, res = best_of(lambda: simulate(big, n_mc, seed=1))
    rows.append(
        (
            f"MC {n_mc:,} customers, template {big.id}",
            f"{t:.3f} s",
            "≤ 1 s",
            f"best of 3; CPU {CPU[-1]:.2f} s",
        )
    )
    rows += floor_rows(big, n_mc, t)
    t0 = time.perf_counter()
    res.summary()
    t_sum = time.perf_counter() - t0
    t0 = time.perf_counter()
    frame = res.customers
    t_frame = time.perf_counter() - t0
    rows.append(("  + summary() with 95 % intervals", f"{t_sum:.3f} s", "", "once"))
    rows.append(
        (f"  + .customers frame ({frame.height:,} rows)", f"{t_frame:.3f} s", "", "once, lazy")
    )

    gen = generated_journey()
    t_gen, res_gen = best_of(lambda: simulate(gen, n_mc, seed=1))
    steps = res_gen.summary()["contacts"].estimate
    rows.append(
        (
            f"MC {n_mc:,} customers, generated 30 touchpoints",
            f"{t_gen:.3f} s",
            "≤ 1 s",
            f"best of 3; CPU {CPU[-1]:.2f} s; {steps:.2f} visits/customer",
        )
    )
    rows += floor_rows(gen, n_mc, t_gen)

    clustered = large_graph(n_large, kind="clustered")
    t, r = best_of(lambda: exact(clustered))
    rows.append(
        (
            f"exact, {n_large:,} touchpoints (clustered loops)",
            f"{t:.3f} s",
            "≤ 1 s",
            f"best of 3; CPU {CPU[-1]:.2f} s",
        )
    )
    loop = large_graph(n_large, kind="loop")
    t, r = best_of(lambda: exact(loop, revisits=False))
    rows.append(
        (
            f"exact, {n_large:,} touchpoints (one loop), revisits=False",
            f"{t:.3f} s",
            "≤ 1 s",
            f"best of 3; CPU {CPU[-1]:.2f} s",
        )
    )
    t, _ = best_of(lambda: exact(loop), repeat=1)
    rows.append(
        (
            f"exact, {n_large:,} touchpoints (one loop), revisits=True",
            f"{t:.3f} s",
            "",
            f"once; CPU {CPU[-1]:.2f} s; a column solve per touchpoint",
        )
    )

    try:
        import simpy  # noqa: F401
    except ImportError:
        rows.append(("simpy per-customer model", "skipped", "", "simpy not installed"))
    else:
        t_py = time.perf_counter()
        peer = simpy_run(gen, n_simpy, seed=1)
        t_py = time.perf_counter() - t_py
        extrapolated = t_py * n_mc / n_simpy
        rows.append(
            (f"simpy, {n_simpy:,} customers, generated 30 touchpoints", f"{t_py:.3f} s", "", "once")
        )
        rows.append(
            (
                f"simpy, {n_mc:,} customers (extrapolated ×{n_mc // n_simpy})",
                f"{extrapolated:.1f} s",
                "",
                "linear in customers",
            )
        )
        rows.append(
            ("speed-up of the vectorised engine", f"{extrapolated / t_gen:.0f}×", "≥ 30×", "")
        )
        # the peer computes the same model: its means agree with the vectorised ones
        s = res_gen.summary()
        rows.append(
            (
                "  check: mean contacts / CES / J (simpy vs numpy)",
                f"{peer['contacts']:.3f} / {peer['ces5']:.3f} / {peer['j']:.3f}",
                f"{s['contacts'].estimate:.3f} / {s['ces5'].estimate:.3f} / {s['j'].estimate:.3f}",
                "",
            )
        )

    widths = [
        max(len(r[i]) for r in [*rows, ("benchmark", "time", "goal", "note")]) for i in range(4)
    ]
    header = ("benchmark", "time", "goal", "note")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(
            "  ".join(
                c.ljust(w) if i != 1 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

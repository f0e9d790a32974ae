"""Benchmark: the ROI engine (issue 5 targets).

1. **10,000 scenarios × 20 initiatives ≤ 2 s** — :func:`cxkit.roi.evaluate` of 20
   initiatives on ``subscription_support`` (9 touchpoints, 4 call reasons, queues,
   transfers, repeat contacts): 20 × (10,000 Monte Carlo draws + the mode and
   tornado rows), each draw an exact absorbing-chain solve (batched).
2. **A 30-initiative × 12-quarter roadmap solved to optimality ≤ 5 s** —
   :func:`cxkit.roi.optimize_portfolio` (HiGHS, zero gap) on 30 candidates with
   prerequisites, exclusions and quarterly budgets; and the whole
   :func:`cxkit.roi.roadmap` (evaluation of 30 initiatives, the MILP and the joint
   re-simulation) with 10,000 draws.

Each timing is the best of ``--repeat`` runs; wall time and the process's CPU time
are printed (on a machine shared with other jobs the CPU time is the fairer
figure), with the load average.

Run::

    .venv/bin/python benchmarks/bench_roi.py [--repeat 3] [--sims 10000]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

import cxkit as cx
from cxkit.core.economics import Prerequisite
from cxkit.roi import Candidate, catalog, evaluate, optimize_portfolio, roadmap


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    best_wall = best_cpu = float("inf")
    out = None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu, out


def twenty_initiatives(journey: cx.Journey) -> list[cx.Initiative]:
    cat = [replace(i, id=f"cat_{i.id}", prerequisites=()) for i in catalog()]
    more = [replace(i, id=f"alt_{i.id}", prerequisites=()) for i in catalog()[:4]]
    return [*journey.initiatives, *cat, *more][:20]  # exactly 20, however long the catalogue


def thirty_initiatives(journey: cx.Journey) -> list[cx.Initiative]:
    out = twenty_initiatives(journey)
    extra = [replace(i, id=f"v2_{i.id}", prerequisites=()) for i in catalog()[:10]]
    out = out + extra
    # a few prerequisites (with lags) and exclusions between the copies
    out[20] = replace(out[20], prerequisites=(Prerequisite(out[8].id, 2),))
    out[21] = replace(out[21], prerequisites=(Prerequisite(out[20].id, 1),))
    out[25] = replace(out[25], excludes=(out[9].id,))
    return out


def random_candidates(n: int, quarters: int, seed: int) -> list[Candidate]:
    """Roadmap-shaped candidates: a one-off cost, a running cost and a quarterly benefit
    over a 12-quarter horizon; ``V_q`` is the NPV of a start in quarter ``q`` with the
    benefits truncated at the horizon (as :func:`cxkit.roi.roadmap` values them)."""
    rng = np.random.default_rng(seed)
    d = 1.1**0.25 - 1
    disc = (1 + d) ** -np.arange(quarters + 1)
    cands = []
    for i in range(n):
        one_off = float(rng.uniform(10, 60))
        running = float(rng.uniform(0, 4))
        benefit = float(rng.uniform(2, 14))
        values = []
        for q in range(quarters):
            flows = np.zeros(quarters + 1)
            flows[q] -= one_off
            flows[q + 1 :] += benefit - running
            values.append(float(flows @ disc))
        costs = (one_off,) + (running,) * (quarters - 1)
        pre = {}
        if i > 3 and i % 3 == 0:
            pre = {f"i{int(rng.integers(0, i))}": int(rng.integers(0, 3))}
        excl = (f"i{i - 1}",) if i % 7 == 6 else ()
        cands.append(Candidate(f"i{i}", tuple(values), costs=costs, prerequisites=pre,
                               excludes=excl))  # fmt: skip
    return cands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sims", type=int, default=10_000)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

    journey = cx.load_journey("subscription_support")
    inits = twenty_initiatives(journey)
    evaluate(journey, inits[:2], n_sims=100, seed=1)  # warm-up (imports, caches)
    wall, cpu, ev = timed(lambda: evaluate(journey, inits, n_sims=args.sims, seed=1), args.repeat)
    rows = len(inits) * (args.sims + 1) + sum(2 * len(i.effects) for i in inits)
    print(
        f"[1] evaluate: {len(inits)} initiatives × {args.sims:,} draws "
        f"({rows:,} chain solves) on {journey.id}: wall {wall:.2f} s, CPU {cpu:.2f} s "
        f"(target ≤ 2 s) {'OK' if min(wall, cpu) <= 2 else 'SLOW'}"
    )
    best = max(ev, key=lambda r: r.npv_risk_adjusted.p50)
    print(f"    best P50: {best.id} {best.npv_risk_adjusted.p50:,.0f} {ev.currency}")

    times = []
    for seed in range(5):
        cands = random_candidates(30, 12, seed=seed)
        for budget_q in (60.0, 120.0):
            wall, cpu, plan = timed(lambda c=cands, b=budget_q: optimize_portfolio(c, [b] * 12), 1)
            times.append((wall, cpu))
            print(
                f"[2a] MILP, instance {seed} budget {budget_q:g}/quarter: 30 candidates × 12 "
                f"quarters: wall {wall:.2f} s, CPU {cpu:.2f} s, {len(plan.starts)} selected, "
                f"value {plan.value:.2f}"
            )
    worst = max(min(w, c) for w, c in times)
    median = float(np.median([min(w, c) for w, c in times]))
    print(
        f"[2a] MILP over {len(times)} instances: median {median:.2f} s, worst {worst:.2f} s "
        f"(target ≤ 5 s) {'OK' if worst <= 5 else 'SLOW'}"
    )
    thirty = thirty_initiatives(journey)
    budget = [60e6, 40e6, 40e6, 40e6, 30e6, 30e6, 30e6, 30e6, 20e6, 20e6, 20e6, 20e6]
    wall, cpu, rm = timed(
        lambda: roadmap(journey, thirty, budget=budget, n_sims=args.sims, seed=1), args.repeat
    )
    print(
        f"[2b] roadmap: 30 initiatives × 12 quarters, {args.sims:,} draws (evaluation + MILP + "
        f"joint re-simulation): wall {wall:.2f} s, CPU {cpu:.2f} s "
        f"(target ≤ 5 s) {'OK' if min(wall, cpu) <= 5 else 'SLOW'}"
    )
    print(
        f"    chosen: {rm.starts}; additive {rm.additive_value:,.0f}, joint "
        f"{rm.joint.mean if rm.joint else 0:,.0f}, gap {rm.interaction_gap:,.0f}"
    )


if __name__ == "__main__":
    main()

"""Benchmark: Markov removal-effect attribution — cxkit (exact) against ChannelAttribution.

Same logs as ``bench_discovery.py`` (a 20-touchpoint ``cxkit.data.random_journey``,
100k / 1M / 5M events, cached in ``/tmp/cxkit-bench``); a customer *converts* when
their outcome is ``purchase``. Each tool runs end to end from the polars event log in
its own subprocess (wall time and peak RSS as in ``bench_discovery.py``):

* ``cxkit``: ``cxkit.analytics.attribution(events, target="purchase")`` — the checked
  log's transition counts (the one event-log engine, ``cxkit/analytics/_log.py``),
  the first-order absorbing chain, and for every touchpoint the exact conversion
  probability with that touchpoint removed (model reference §3.3, Anderl et al. 2016), by
  sparse linear solves; first / last / linear touch beside it;
* ``cxkit-ref``: for reference, the benchmark's own minimal version
  (``removal_effects_exact`` below: directly-follows counts straight from the log, no
  checks, the same solves) — what counting plus exact solves cost at least;
* ``channelattribution``: building what ``ChannelAttribution.markov_model`` needs — one
  ``"a > b > c"`` path string per customer, aggregated to conversions and nulls per
  distinct path, as a pandas DataFrame — then ``markov_model(..., order=1)``, which
  estimates removal effects by **simulation** (``nsim_start`` = 1e5 paths, iterated to
  its convergence criterion).

Removal effects and attribution shares are compared touchpoint by touchpoint; the
differences are ChannelAttribution's simulation error (cxkit's are exact solves).
Goal: cxkit faster end to end.

ChannelAttribution is GPL-3.0: a benchmark-only dependency (the ``bench`` extra), never
imported by ``cxkit/``.

Run::

    .venv/bin/python benchmarks/bench_attribution.py [--sizes 100000,1000000,5000000]
        [--tools cxkit,cxkit-ref,channelattribution] [--repeat 3]

``$CXKIT_BENCH_SIZES`` sets the default sizes, as for ``bench_discovery.py``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import add_ratios, format_table, measure, parse_arguments, run_tools
from bench_discovery import (
    ACTIVITY,
    CASE,
    JOURNEY_SEED,
    JOURNEY_TOUCHPOINTS,
    TIME,
    bench_journey,
    bench_log,
    default_sizes,
)

TOOLS = ("cxkit", "cxkit-ref", "channelattribution")
CONVERSION = "purchase"
CA_SEED = 1


# -- cxkit: exact removal effects straight from the log ----------------------------------


def removal_effects_exact(events: Any, conversion: str = CONVERSION) -> dict[str, Any]:
    """Exact first-order Markov removal effects from an event log (the minimal reference).

    Counts ``start → first touchpoint``, touchpoint → touchpoint and
    ``last touchpoint → conversion | null`` per customer (time order), turns them into
    the absorbing chain ``Q`` (touchpoint → touchpoint) and ``r`` (→ conversion), and
    computes ``P(conv) = π0ᵀ (I − Q)⁻¹ r``; removing touchpoint ``c`` sends every
    transition into ``c`` to null: ``RE_c = 1 − P_{−c}(conv) / P(conv)``.
    """
    import numpy as np
    import polars as pl

    names = events[ACTIVITY].unique().drop_nulls().sort()
    enum = pl.Enum(names)
    k = names.len()
    lf = events.lazy().select(CASE, TIME, pl.col(ACTIVITY).cast(enum), "outcome")
    if events[TIME].is_sorted():
        seqs = lf.group_by(CASE).agg(pl.col(ACTIVITY), conv=(pl.col("outcome") == conversion).any())
    else:
        seqs = lf.group_by(CASE).agg(
            pl.col(ACTIVITY).sort_by(TIME), conv=(pl.col("outcome") == conversion).any()
        )
    seqs = seqs.select(
        pl.col(ACTIVITY).to_physical(),
        first=pl.col(ACTIVITY).list.first().to_physical(),
        last=pl.col(ACTIVITY).list.last().to_physical(),
        conv="conv",
    ).collect()
    pairs = (
        seqs.lazy()
        .select(
            a=pl.col(ACTIVITY).list.slice(0, pl.col(ACTIVITY).list.len() - 1),
            b=pl.col(ACTIVITY).list.slice(1),
        )
        .explode("a", "b")
        .drop_nulls()
        .group_by("a", "b")
        .len()
        .collect()
    )
    first = seqs["first"].to_numpy().astype(np.int64)
    last = seqs["last"].to_numpy().astype(np.int64)
    conv = seqs["conv"].to_numpy()
    counts = np.zeros((k, k))
    counts[pairs["a"].to_numpy().astype(np.int64), pairs["b"].to_numpy().astype(np.int64)] = pairs[
        "len"
    ].to_numpy()
    to_conv = np.bincount(last[conv], minlength=k).astype(float)
    to_null = np.bincount(last[~conv], minlength=k).astype(float)
    out = counts.sum(axis=1) + to_conv + to_null
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(out[:, None] > 0, counts / out[:, None], 0.0)
        r = np.where(out > 0, to_conv / out, 0.0)
    pi0 = np.bincount(first, minlength=k) / first.size
    eye = np.eye(k)
    p_full = float(pi0 @ np.linalg.solve(eye - q, r))
    effects = np.empty(k)
    for c in range(k):  # one small solve per touchpoint (k ≈ 20), not per customer
        keep = np.ones(k)
        keep[c] = 0.0
        q_c = q * keep[None, :]
        p_c = float((pi0 * keep) @ np.linalg.solve(eye - q_c, r * keep))
        effects[c] = 1.0 - p_c / p_full if p_full > 0 else 0.0
    total = int(conv.sum())
    shares = effects / effects.sum() if effects.sum() > 0 else effects
    return {
        "conversion_probability": p_full,
        "total_conversions": total,
        "removal_effects": dict(zip(names.to_list(), effects.tolist(), strict=True)),
        "shares": dict(zip(names.to_list(), shares.tolist(), strict=True)),
    }


def _from_cxkit_analytics(events: Any) -> Callable[[], dict[str, Any]]:
    """A runner over ``cxkit.analytics.attribution`` (exact removal effects)."""
    from cxkit.analytics import attribution

    def run() -> dict[str, Any]:
        return _normalise_cxkit_result(attribution(events, target=CONVERSION))

    return run


def _normalise_cxkit_result(table: Any) -> dict[str, Any]:
    """Removal effects and Markov shares per touchpoint from ``attribution``'s frame."""
    import polars as pl

    if not isinstance(table, pl.DataFrame) or not {"touchpoint", "removal_effect"} <= set(
        table.columns
    ):
        raise RuntimeError(
            "cannot read removal effects from cxkit.analytics.attribution's result "
            f"({type(table).__name__}); update _normalise_cxkit_result in bench_attribution.py"
        )
    share = "markov" if "markov" in table.columns else "share"
    return {
        "removal_effects": dict(table.select("touchpoint", "removal_effect").iter_rows()),
        "shares": dict(table.select("touchpoint", share).iter_rows()),
    }


# -- ChannelAttribution: path strings, then simulation ------------------------------------


def channelattribution_pipeline(events: Any) -> dict[str, Any]:
    """Build the path table ChannelAttribution needs, then run its Markov model."""
    import ChannelAttribution
    import pandas as pd
    import polars as pl

    paths = (
        events.lazy()
        .select(CASE, TIME, ACTIVITY, "outcome")
        .group_by(CASE)
        .agg(
            path=pl.col(ACTIVITY).sort_by(TIME).str.join(" > "),
            conv=(pl.col("outcome") == CONVERSION).any(),
        )
        .group_by("path")
        .agg(
            total_conversions=pl.col("conv").sum(),
            total_null=(~pl.col("conv")).sum(),
        )
        .collect()
    )
    data = pd.DataFrame({c: paths[c].to_numpy() for c in paths.columns})
    res = ChannelAttribution.markov_model(
        data,
        "path",
        "total_conversions",
        var_null="total_null",
        order=1,
        out_more=True,
        seed=CA_SEED,
        verbose=False,
        flg_pro=False,
    )
    re_table = res["removal_effects"]
    conv_table = res["result"]
    effects = dict(zip(re_table["channel_name"], re_table.iloc[:, 1].astype(float), strict=True))
    attributed = dict(
        zip(conv_table["channel_name"], conv_table["total_conversions"].astype(float), strict=True)
    )
    total = sum(attributed.values())
    return {
        "total_conversions": round(total),
        "removal_effects": effects,
        "shares": {c: v / total for c, v in attributed.items()} if total else attributed,
        "paths": paths.height,
    }


def tool_runner(tool: str, path: str) -> tuple[str, Callable[[], dict[str, Any]]]:
    """Load the log for ``tool``; returns (label, zero-argument call)."""
    import polars as pl

    events = pl.read_parquet(path)
    if tool == "cxkit-ref":
        return "cxkit-ref (counts + exact solves)", lambda: removal_effects_exact(events)
    if tool == "cxkit":
        return "cxkit.analytics.attribution (exact)", _from_cxkit_analytics(events)
    if tool == "channelattribution":
        from importlib.metadata import version

        label = f"ChannelAttribution {version('ChannelAttribution')} markov (sim)"
        return label, lambda: channelattribution_pipeline(events)
    raise SystemExit(f"unknown tool {tool!r}; expected one of {', '.join(TOOLS)}")


def worker(tool: str, path: str, out: str, repeat: int) -> None:
    """Subprocess body: load, measure, write a JSON record to ``out``."""
    label, run = tool_runner(tool, path)
    result, stats = measure(run, repeat)
    Path(out).write_text(
        json.dumps({"tool": tool, "label": label, **stats, "result": result}), encoding="utf-8"
    )


def compare(mine: dict[str, Any], other: dict[str, Any], top: int = 5) -> list[str]:
    """Lines comparing removal effects and shares touchpoint by touchpoint."""
    keys = sorted(set(mine["removal_effects"]) | set(other["removal_effects"]))
    diffs = []
    for key in keys:
        a_re = mine["removal_effects"].get(key, 0.0)
        b_re = other["removal_effects"].get(key, 0.0)
        a_sh = mine["shares"].get(key, 0.0)
        b_sh = other["shares"].get(key, 0.0)
        diffs.append((abs(a_sh - b_sh), key, a_re, b_re, a_sh, b_sh))
    diffs.sort(reverse=True)
    max_re = max(abs(d[2] - d[3]) for d in diffs)
    max_sh = diffs[0][0]
    mean_sh = sum(d[0] for d in diffs) / len(diffs)
    lines = [
        f"removal effects: max |cxkit − CA| = {max_re:.4f}; attribution shares: max "
        f"|Δ| = {max_sh:.4f}, mean |Δ| = {mean_sh:.4f} over {len(diffs)} touchpoints",
        f"{'touchpoint':<12} {'RE cxkit':>9} {'RE CA':>9} {'share cxkit':>12} {'share CA':>9}",
    ]
    for _d, key, a_re, b_re, a_sh, b_sh in diffs[:top]:
        lines.append(f"{key:<12} {a_re:9.4f} {b_re:9.4f} {a_sh:12.4f} {b_sh:9.4f}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table, the comparisons and the goal."""
    args = parse_arguments("bench_attribution", __doc__, TOOLS, default_sizes(), argv)
    if args.worker:
        worker(args.worker, args.log, args.out, args.repeat)
        return 0
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    tools = [t for t in args.tools.split(",") if t]
    journey = bench_journey()
    print(
        f"attribution benchmark — log from random_journey({JOURNEY_TOUCHPOINTS}, "
        f"seed={JOURNEY_SEED}): {len(journey.graph.touchpoints)} touchpoints; conversion = "
        f"'{CONVERSION}'; best of {args.repeat}; {os.cpu_count()} CPUs"
    )
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for size in sizes:
        t0 = time.perf_counter()
        path = bench_log(size, args.cache)
        print(f"log {size:,} events: {path} ({time.perf_counter() - t0:.1f} s)", flush=True)
        records = run_tools(__file__, tools, path, size, args.repeat, args.timeout)
        rows.extend(records.values())
        base = add_ratios(records, "cxkit", "cxkit-ref")
        if base is None:
            continue
        ref = records.get("cxkit-ref")
        if base is not ref and ref is not None and "error" not in ref:
            gap = max(
                abs(v - ref["result"]["removal_effects"].get(k, float("nan")))
                for k, v in base["result"]["removal_effects"].items()
            )
            notes.append(f"{size:>10,}: cxkit vs cxkit-ref removal effects: max |Δ| = {gap:.2e}")
        other = records.get("channelattribution")
        if other is not None and "error" not in other:
            for name in ("cxkit", "cxkit-ref"):
                mine = records.get(name)
                if mine is None or "error" in mine:
                    continue
                faster = other["seconds"] / mine["seconds"]
                notes.append(
                    f"{size:>10,}: {name} {faster:.1f}× faster end to end → goal "
                    f"{'met' if faster > 1 else 'NOT met'}; ChannelAttribution read "
                    f"{other['result'].get('paths', '?'):,} distinct paths"
                )
                notes.extend("    " + line for line in compare(mine["result"], other["result"]))
    print()
    print(format_table(rows))
    print()
    print("goal (cxkit faster end to end) and agreement of the removal effects:")
    for line in notes:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

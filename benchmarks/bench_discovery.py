"""Benchmark: discovering the touchpoint graph from an event log — cxkit against pm4py.

The same synthetic log (``cxkit.data.generate_events`` on a 20-touchpoint
``cxkit.data.random_journey``) at 100k, 1M and 5M events is generated once per size
and cached in ``/tmp/cxkit-bench``. Each tool then runs in its own subprocess,
which loads the log into the tool's input format, resets the kernel's peak-RSS
counter (``/proc/self/clear_refs``), and times the call:

* ``cxkit``: ``cxkit.analytics.discover(events)`` on the polars DataFrame — the whole
  discovery: the log checked, journeys split at outcomes, every transition's counts,
  gaps (mean and median), context loss, waits, switches and transfers, starts per
  call reason, per-touchpoint contacts, customers and survey sums, and the editable
  journey built and validated (the one event-log engine, ``cxkit/analytics/_log.py``);
* ``cxkit-scan``: ``discover(polars.scan_parquet(path))`` — the same discovery from a
  Parquet scan, nothing loaded beforehand (its peak is all the memory the discovery
  needed, the log included);
* ``cxkit-edges``: for reference, the directly-follows counting alone in polars
  (``edge_counts_polars`` below), what pm4py's ``discover_dfg`` computes — the floor
  for the counting part of ``discover``;
* ``pm4py``: the documented path, ``pm4py.format_dataframe`` + ``pm4py.discover_dfg``
  on a pandas DataFrame;
* ``pm4py-polars``: ``pm4py.discover_dfg`` on a polars LazyFrame (pm4py ≥ 2.7.17);
* ``cxkit-attribution``: ``cxkit.analytics.attribution(events, target="purchase")`` on
  the same loaded log (exact removal effects), for the attribution ÷ discover ratio;
* ``cxkit-cli`` and ``pm4py-script``: whole processes, timed from outside — ``python -m
  cxkit discover LOG --json`` against a ``python -c`` script that reads the Parquet file
  with pandas and runs pm4py's documented path (``format_dataframe`` + ``discover_dfg``),
  each start-up and import included (their peak memory is not measured).

The directly-follows edge counts of every tool must be identical. Goals (issue 13):
``discover`` within 1.2× the polars counting alone (``cxkit-edges``) at 1M and 5M
events; the whole ``cxkit discover`` process ≥ 5× faster than pm4py's documented path
at 1M; ``attribution`` within 1.5× ``discover``; and a Parquet scan of the largest
size peaking at most 1.3× the peak of the 5M scan (run with
``--sizes 5000000,20000000 --tools cxkit-scan``). The earlier goals against pm4py in
the same process (≥ 20× its documented path, ≥ 5× pm4py on polars, at no more than
half its peak memory) are printed too.

pm4py is AGPL-3.0: it is a benchmark-only dependency (the ``bench`` extra) and is
never imported by ``cxkit/``.

Run::

    .venv/bin/python benchmarks/bench_discovery.py [--sizes 100000,1000000,5000000]
        [--tools cxkit,cxkit-edges,pm4py,pm4py-polars] [--repeat 3] [--cache /tmp/cxkit-bench]

``$CXKIT_BENCH_SIZES`` (e.g. ``100000``) sets the default sizes, for a quick run from
``benchmarks/run.py``.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (
    DEFAULT_CACHE,
    add_ratios,
    format_table,
    measure,
    parse_arguments,
    run_tools,
    write_parquet_atomically,
)

DEFAULT_SIZES = (100_000, 1_000_000, 5_000_000)
TOOLS = (
    "cxkit",
    "cxkit-scan",
    "cxkit-edges",
    "cxkit-attribution",
    "pm4py",
    "pm4py-polars",
    "cxkit-cli",
    "pm4py-script",
)
#: Tools whose result is not an edge count (not compared).
NO_EDGES = ("cxkit-attribution",)
JOURNEY_TOUCHPOINTS = 20
JOURNEY_SEED = 7
#: Bump when the generator or the journey changes, so that cached logs are rebuilt.
LOG_VERSION = 1

CASE, TIME, ACTIVITY = "customer_id", "timestamp", "touchpoint"


def default_sizes() -> str:
    """Sizes to run: ``$CXKIT_BENCH_SIZES`` (e.g. ``100000`` for a quick run) or all three."""
    return os.environ.get("CXKIT_BENCH_SIZES") or ",".join(str(s) for s in DEFAULT_SIZES)


# -- the shared log ------------------------------------------------------------------


def bench_journey() -> Any:
    """The journey every benchmark log is sampled from."""
    from cxkit.data import random_journey

    return random_journey(JOURNEY_TOUCHPOINTS, seed=JOURNEY_SEED)


def bench_log(n_events: int, cache: Path = DEFAULT_CACHE) -> Path:
    """Path of the cached benchmark log with exactly ``n_events`` rows (built if missing).

    Customers start uniformly over 30 days and the log is cut at ``n_events`` rows
    in time order, as an export window would be.
    """
    import polars as pl

    from cxkit.data import generate_events

    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"events_{n_events}_j{JOURNEY_TOUCHPOINTS}s{JOURNEY_SEED}_v{LOG_VERSION}.parquet"
    if path.is_file():
        return path
    journey = bench_journey()
    pilot = generate_events(journey, 20_000, seed=1)
    per_customer = pilot.height / 20_000
    n_customers = math.ceil(n_events / per_customer * 1.05) + 1_000
    frame = pl.DataFrame()
    while frame.height < n_events:
        frame = generate_events(journey, n_customers, seed=n_events)
        n_customers = int(n_customers * 1.1)
    frame = frame.head(n_events)
    write_parquet_atomically(frame, path)
    return path


# -- the tools -------------------------------------------------------------------------


def edge_counts_polars(events: Any) -> dict[tuple[str, str], int]:
    """Directly-follows counts per customer in time order (the reference, polars).

    When the log is
    already in time order (exports usually are) a group-by keeps each customer's
    rows in order and no sort is needed; otherwise it sorts by customer and time.
    """
    import polars as pl

    # touchpoints as an Enum: the per-customer lists hold integers, not strings
    touchpoints = pl.Enum(events[ACTIVITY].unique().drop_nulls().sort())
    lf = events.lazy().select(CASE, TIME, pl.col(ACTIVITY).cast(touchpoints))
    if events[TIME].is_sorted():
        seqs = lf.group_by(CASE).agg(pl.col(ACTIVITY))
    else:
        seqs = lf.group_by(CASE).agg(pl.col(ACTIVITY).sort_by(TIME))
    pairs = (
        seqs.select(
            a=pl.col(ACTIVITY).list.slice(0, pl.col(ACTIVITY).list.len() - 1),
            b=pl.col(ACTIVITY).list.slice(1),
        )
        .explode("a", "b")
        .drop_nulls()
        .group_by("a", "b")
        .len()
        .with_columns(pl.col("a", "b").cast(pl.String))
        .collect()
    )
    return {(a, b): int(n) for a, b, n in pairs.iter_rows()}


def _edges_from_discovery(found: Any) -> dict[tuple[str, str], int]:
    """Touchpoint → touchpoint counts of a :class:`cxkit.analytics.DiscoveryResult`."""
    import polars as pl

    table = found.edges.filter(pl.col("target_kind") == "touchpoint")
    return {(s, t): int(n) for s, t, n in table.select("source", "target", "count").iter_rows()}


def _load_polars(path: str) -> Any:
    import polars as pl

    return pl.read_parquet(path)


def _to_pandas(frame: Any) -> Any:
    """A pandas DataFrame from polars without pyarrow (object strings, datetime64)."""
    import pandas as pd

    return pd.DataFrame({c: frame[c].to_numpy() for c in frame.columns})


_PM4PY_SCRIPT = """
import json, sys, warnings
warnings.simplefilter("ignore")
import pandas as pd, pm4py
frame = pd.read_parquet(sys.argv[1], columns=["customer_id", "timestamp", "touchpoint"])
df = pm4py.format_dataframe(frame, case_id="customer_id", activity_key="touchpoint",
                            timestamp_key="timestamp")
dfg, _start, _end = pm4py.discover_dfg(df)
print(json.dumps([[a, b, int(n)] for (a, b), n in dfg.items()]))
"""


def _whole_process(tool: str, path: str) -> dict[tuple[str, str], int]:
    """Run ``cxkit discover`` or the pm4py script as a process; its edge counts."""
    import subprocess

    if tool == "cxkit-cli":
        argv = [sys.executable, "-m", "cxkit", "discover", path, "--json"]
    else:
        argv = [sys.executable, "-c", _PM4PY_SCRIPT, path]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    if tool == "pm4py-script":
        return {(a, b): n for a, b, n in json.loads(done.stdout)}
    edges = json.loads(done.stdout)["edges"]
    return {
        (e["source"], e["target"]): int(e["count"])
        for e in edges
        if e["target_kind"] == "touchpoint"
    }


def tool_runner(tool: str, path: str) -> tuple[str, Callable[[], dict[tuple[str, str], int]]]:
    """Load the log for ``tool``; returns (label, zero-argument call giving edge counts)."""
    if tool in ("cxkit-cli", "pm4py-script"):
        label = (
            "cxkit discover (whole process)"
            if tool == "cxkit-cli"
            else ("pm4py documented path (whole process)")
        )
        return label, lambda: _whole_process(tool, path)
    if tool == "cxkit-attribution":
        events = _load_polars(path)
        from cxkit.analytics import attribution

        def attributed() -> dict[tuple[str, str], int]:
            attribution(events, target="purchase")
            return {}

        return "cxkit.analytics.attribution (exact)", attributed
    if tool == "cxkit-edges":
        events = _load_polars(path)
        return "cxkit-edges (polars counting only)", lambda: edge_counts_polars(events)
    if tool == "cxkit-scan":
        import polars as pl

        from cxkit.analytics import discover

        def scanned() -> dict[tuple[str, str], int]:
            return _edges_from_discovery(discover(pl.scan_parquet(path)))

        return "cxkit discover(scan_parquet) (streamed)", scanned
    if tool == "cxkit":
        events = _load_polars(path)
        from cxkit.analytics import discover

        return "cxkit.analytics.discover", lambda: _edges_from_discovery(discover(events))
    if tool in ("pm4py", "pm4py-polars"):
        import pm4py

        if tool == "pm4py":
            frame = _to_pandas(_load_polars(path))

            def documented() -> dict[tuple[str, str], int]:
                df = pm4py.format_dataframe(
                    frame, case_id=CASE, activity_key=ACTIVITY, timestamp_key=TIME
                )
                dfg, _start, _end = pm4py.discover_dfg(df)
                return {(a, b): int(n) for (a, b), n in dfg.items()}

            return f"pm4py {pm4py.__version__} (pandas)", documented
        lazy = _load_polars(path).lazy()

        def on_polars() -> dict[tuple[str, str], int]:
            dfg, _start, _end = pm4py.discover_dfg(
                lazy, case_id_key=CASE, activity_key=ACTIVITY, timestamp_key=TIME
            )
            return {(a, b): int(n) for (a, b), n in dfg.items()}

        return f"pm4py {pm4py.__version__} (polars lazy)", on_polars
    raise SystemExit(f"unknown tool {tool!r}; expected one of {', '.join(TOOLS)}")


def worker(tool: str, path: str, out: str, repeat: int) -> None:
    """Subprocess body: load, measure, write a JSON record to ``out``."""
    label, run = tool_runner(tool, path)
    edges, stats = measure(run, repeat)
    record = {
        "tool": tool,
        "label": label,
        **stats,
        "edges": sorted([a, b, n] for (a, b), n in edges.items()),
    }
    Path(out).write_text(json.dumps(record), encoding="utf-8")


GOALS = (
    # (peer tool, minimum speed-up, maximum cxkit peak as a share of the peer's)
    ("pm4py", 20.0, 0.5),
    ("pm4py-polars", 5.0, 0.5),
)


def goal_lines(rows: Sequence[dict[str, Any]], tool: str = "cxkit") -> list[str]:
    """``met`` / ``NOT met`` for each goal at each size, for ``tool``."""
    lines = []
    by = {(r["size"], r["tool"]): r for r in rows if "error" not in r}
    for size in sorted({r["size"] for r in rows}):
        mine = by.get((size, tool))
        for peer, speedup, mem in GOALS:
            other = by.get((size, peer))
            if mine is None or other is None:
                continue
            ratio = other["seconds"] / mine["seconds"]
            share = mine["peak_mb"] / other["peak_mb"]
            extra = mine["extra_mb"] / max(other["extra_mb"], 1e-9)
            ok = ratio >= speedup and share <= mem
            lines.append(
                f"{size:>10,}  {tool} vs {peer:<13} speed {ratio:6.1f}× (goal ≥ {speedup:.0f}×), "
                f"peak {share:5.2f} of its peak, working memory {extra:5.2f} of its "
                f"(goal ≤ {mem})  → {_verdict(ok)}"
            )
    return lines


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def issue_goal_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The measured ratios behind issue 13's goals, for every size that ran them."""
    by = {(r["size"], r["tool"]): r for r in rows if "error" not in r}
    sizes = sorted({r["size"] for r in rows})
    lines = []
    for size in sizes:
        mine, floor = by.get((size, "cxkit")), by.get((size, "cxkit-edges"))
        if mine and floor:
            ratio = mine["seconds"] / floor["seconds"]
            lines.append(
                f"{size:>10,}  discover ÷ polars edge counting {ratio:5.2f}× (goal ≤ 1.2×)"
                f"  → {_verdict(ratio <= 1.2)}"
            )
        cli, script = by.get((size, "cxkit-cli")), by.get((size, "pm4py-script"))
        if cli and script:
            speed = script["seconds"] / cli["seconds"]
            lines.append(
                f"{size:>10,}  whole process: cxkit discover {cli['seconds']:.2f} s, pm4py "
                f"{script['seconds']:.2f} s, {speed:4.1f}× faster (goal ≥ 5×)"
                f"  → {_verdict(speed >= 5)}"
            )
        attr = by.get((size, "cxkit-attribution"))
        if mine and attr:
            ratio = attr["seconds"] / mine["seconds"]
            lines.append(
                f"{size:>10,}  attribution ÷ discover {ratio:5.2f}× (goal ≤ 1.5×)"
                f"  → {_verdict(ratio <= 1.5)}"
            )
    scans = [(s, by[(s, "cxkit-scan")]) for s in sizes if (s, "cxkit-scan") in by]
    base = dict(scans).get(5_000_000)
    for size, rec in scans:
        if base is not None and size > 5_000_000:
            ratio = rec["peak_mb"] / base["peak_mb"]
            lines.append(
                f"{size:>10,}  Parquet scan peak {rec['peak_mb']:.0f} MB = {ratio:4.2f}× the 5M "
                f"scan's {base['peak_mb']:.0f} MB (goal ≤ 1.3×)  → {_verdict(ratio <= 1.3)}"
            )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table; exit 1 if edge counts disagree."""
    args = parse_arguments("bench_discovery", __doc__, TOOLS, default_sizes(), argv)
    if args.worker:
        worker(args.worker, args.log, args.out, args.repeat)
        return 0
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    tools = [t for t in args.tools.split(",") if t]
    journey = bench_journey()
    print(
        "discovery benchmark — log from "
        f"random_journey({JOURNEY_TOUCHPOINTS}, seed={JOURNEY_SEED}): "
        f"{len(journey.graph.touchpoints)} touchpoints, {len(journey.graph.handoffs)} hand-offs; "
        f"best of {args.repeat}; {os.cpu_count()} CPUs; python {sys.version.split()[0]}"
    )
    rows: list[dict[str, Any]] = []
    status = 0
    for size in sizes:
        t0 = time.perf_counter()
        path = bench_log(size, args.cache)
        print(f"log {size:,} events: {path} ({time.perf_counter() - t0:.1f} s)", flush=True)
        records = run_tools(__file__, tools, path, size, args.repeat, args.timeout)
        rows.extend(records.values())
        # ratios against cxkit's discover, or the reference counting when it is not run
        base = add_ratios(records, "cxkit", "cxkit-edges")
        for rec in records.values():
            if "error" in rec or base is None:
                continue
            if rec["tool"] in NO_EDGES:
                continue
            if rec["edges"] != base["edges"]:
                status = 1
                print(f"  EDGE COUNTS DIFFER: {rec['tool']} vs cxkit at {size:,} events")
            elif rec is not base:
                n_edges = len(base["edges"])
                total = sum(e[2] for e in base["edges"])
                print(
                    f"  {rec['tool']}: identical edge counts "
                    f"({n_edges} edges, {total:,} transitions)"
                )
    print()
    print(format_table(rows))
    print()
    print("goals (peak = process peak RSS during the call; working memory = peak − RSS before):")
    for line in goal_lines(rows, "cxkit"):
        print("  " + line)
    print("goals of issue 13:")
    for line in issue_goal_lines(rows):
        print("  " + line)
    reference = goal_lines(rows, "cxkit-edges")
    if reference:
        print("for reference, the same goals for the polars edge counting alone (cxkit-edges):")
        for line in reference:
            print("  " + line)
    return status


if __name__ == "__main__":
    raise SystemExit(main())

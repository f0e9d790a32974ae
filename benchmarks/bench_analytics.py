"""Benchmark: cxkit.analytics on each backend — the table of docs/reference/analytics.md.

Produces the "Backends and scale" table of ``docs/reference/analytics.md`` as
Markdown, ready to paste. The log is ``cxkit.data.generate_events`` on the
``retail_omnichannel`` template (100 000 customers, ≈ 184k events, by default;
Dask gets a smaller log, 20 000 customers in 4 partitions), generated once per size
and seed and cached as parquet in ``/tmp/cxkit-bench``. Each backend runs in its own
subprocess, which reads the parquet file with polars and converts it as
``tests/analytics/test_backends.py`` does (``.lazy()``;
``duckdb.connect().from_arrow(df.to_arrow())``;
``dask.dataframe.from_pandas(df.to_pandas(), npartitions=4)``, default scheduler) —
the conversion is not timed — then times, in this order on one log:

1. ``EventLog(events)``;
2. then, on that ``EventLog``: ``discover(log)``, ``touchpoint_metrics(log)``,
   ``attribution(log, target="purchase")``, ``drift(journey, log)`` (the template)
   and ``churn_model(log, seed=1)`` (outcome ``churn``) — each includes whatever the
   log prepares on first use (on DuckDB and Dask, the ordered windows; a clean polars
   log prepares its ordered rows on first use too);
3. ``discover(events)`` from scratch, on the converted frame.

Each repetition builds a new ``EventLog``; every column is the best of ``--repeat``.
A warm-up of the same sequence on the log's first 2 000 rows runs first (untimed), so
that imports are not counted. The results of every backend are compared with polars
eager on the same log (discovered journey; discover's edges, ``touchpoint_metrics``,
``attribution`` and ``drift`` frames to 1e-9; churn metrics; warnings); for Dask, an
untimed polars run on the Dask log is the reference.

Run::

    .venv/bin/python benchmarks/bench_analytics.py [--customers 100000]
        [--dask-customers 20000] [--repeat 3] [--backends polars,polars-lazy,duckdb,dask]
        [--seed 1] [--cache /tmp/cxkit-bench] [--timeout 1800]

``--dask-customers`` defaults to a fifth of ``--customers``. ``--quick`` (what
``benchmarks/run.py --quick`` passes) divides both sizes by 10; ``$CXKIT_BENCH_SIZES``
(e.g. ``10000``; its first number) sets the default ``--customers``, for a quick run
from ``benchmarks/run.py``. Numbers are wall times on this machine; on a shared
machine they are indicative. Exit code 1 if a backend fails or disagrees.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import math
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import DEFAULT_CACHE, measure, run_in_subprocess, write_parquet_atomically

TEMPLATE = "retail_omnichannel"
TARGET = "purchase"
CHURN_SEED = 1
DASK_PARTITIONS = 4
WARMUP_ROWS = 2_000
DEFAULT_CUSTOMERS = 100_000
#: Bump when the generator or the template changes, so that cached logs are rebuilt.
LOG_VERSION = 1

BACKENDS = ("polars", "polars-lazy", "duckdb", "dask")
#: The reference run on the Dask log (polars eager, untimed in the table).
REFERENCE = "polars-ref"
NEEDS = {"duckdb": "duckdb", "dask": "dask.dataframe"}

#: (record key, Markdown column header), in the order they are timed.
STEPS = (
    ("eventlog", "`EventLog(events)`"),
    ("discover", "then `discover`"),
    ("touchpoint_metrics", "`touchpoint_metrics`"),
    ("attribution", "`attribution`"),
    ("drift", "`drift`"),
    ("churn_model", "`churn_model`"),
    ("scratch", "`discover(events)` from scratch"),
)
FRAMES = ("edges", "touchpoint_metrics", "attribution", "drift")


def spaced(n: int) -> str:
    """``100000`` → ``100 000`` (as the docs write numbers)."""
    return f"{n:,}".replace(",", " ")


def default_customers() -> int:
    """``$CXKIT_BENCH_SIZES`` (its first number, as customers) or 100 000."""
    sizes = [s for s in os.environ.get("CXKIT_BENCH_SIZES", "").split(",") if s.strip()]
    return int(sizes[0].replace("_", "")) if sizes else DEFAULT_CUSTOMERS


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The options (unknown ones are reported and ignored, as in ``_harness``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=default_customers())
    parser.add_argument(
        "--dask-customers", type=int, default=None, help="default: a fifth of --customers"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best time)")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--seed", type=int, default=1, help="seed of generate_events")
    parser.add_argument("--quick", action="store_true", help="sizes divided by 10 (smoke run)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per backend")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--log", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        print(f"bench_analytics: ignoring unknown arguments {unknown}", file=sys.stderr)
    if args.dask_customers is None:
        args.dask_customers = max(1, args.customers // 5)
    if args.quick:
        args.customers = max(1, args.customers // 10)
        args.dask_customers = max(1, args.dask_customers // 10)
    return args


# -- the log ---------------------------------------------------------------------------


def bench_log(n_customers: int, seed: int, cache: Path = DEFAULT_CACHE) -> Path:
    """Path of the cached ``generate_events`` log of the template (built if missing)."""
    import cxkit as cx
    from cxkit.data import generate_events

    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"analytics_{TEMPLATE}_{n_customers}c_s{seed}_v{LOG_VERSION}.parquet"
    if path.is_file():
        return path
    frame = generate_events(cx.load_journey(TEMPLATE), n_customers, seed=seed)
    write_parquet_atomically(frame, path)
    return path


# -- the subprocess --------------------------------------------------------------------


def convert(backend: str, frame: Any) -> tuple[str, Any]:
    """(label, the polars log in ``backend``'s frame), as test_backends.py builds them."""
    if backend in ("polars", REFERENCE):
        return "polars (eager)", frame
    if backend == "polars-lazy":
        return "polars (lazy)", frame.lazy()
    if backend == "duckdb":
        import duckdb

        return "DuckDB", duckdb.connect().from_arrow(frame.to_arrow())
    if backend == "dask":
        import dask.dataframe as dd

        n = frame["customer_id"].n_unique()
        label = f"Dask ({spaced(n)} customers, {DASK_PARTITIONS} partitions)"
        return label, dd.from_pandas(frame.to_pandas(), npartitions=DASK_PARTITIONS)
    raise SystemExit(f"unknown backend {backend!r}; expected one of {', '.join(BACKENDS)}")


def steps(events: Any, journey: Any) -> list[tuple[str, Callable[[dict[str, Any]], Any]]]:
    """The timed calls, in order; each gets the results so far (the ``EventLog`` first)."""
    from cxkit.analytics import (
        EventLog,
        attribution,
        churn_model,
        discover,
        drift,
        touchpoint_metrics,
    )

    return [
        ("eventlog", lambda r: EventLog(events)),
        ("discover", lambda r: discover(r["eventlog"])),
        ("touchpoint_metrics", lambda r: touchpoint_metrics(r["eventlog"])),
        ("attribution", lambda r: attribution(r["eventlog"], target=TARGET)),
        ("drift", lambda r: drift(journey, r["eventlog"])),
        ("churn_model", lambda r: churn_model(r["eventlog"], seed=CHURN_SEED)),
        ("scratch", lambda r: discover(events)),
    ]


def _rows(frame: Any) -> list[dict[str, Any]]:
    return frame.to_dicts()


def _timed(
    call: Callable[[dict[str, Any]], Any], results: dict[str, Any]
) -> tuple[Any, dict[str, float]]:
    return measure(lambda: call(results), 1)


def worker(backend: str, path: str, out: str, repeat: int) -> None:
    """Subprocess body: convert, warm up, time every step, write a JSON record."""
    import polars as pl

    import cxkit as cx
    from cxkit.core.errors import CxkitError
    from cxkit.io import dumps_json

    warnings.simplefilter("ignore", cx.analytics.EventLogWarning)
    journey = cx.load_journey(TEMPLATE)
    frame = pl.read_parquet(path)

    # warm-up (imports, first-use caches) on a small slice, untimed
    _, small = convert(backend, frame.head(WARMUP_ROWS))
    done: dict[str, Any] = {}
    for name, call in steps(small, journey):
        try:
            done[name] = call(done)
        except CxkitError:  # e.g. too few customers for the churn model
            if name == "eventlog":
                break
    del done, small

    t0 = time.perf_counter()
    label, events = convert(backend, frame)
    t_convert = time.perf_counter() - t0
    best = dict.fromkeys((k for k, _ in STEPS), math.inf)
    peak = 0.0
    results: dict[str, Any] = {}
    for _ in range(max(1, repeat)):
        results = {}
        for name, call in steps(events, journey):
            results[name], stats = _timed(call, results)
            best[name] = min(best[name], stats["seconds"])
            peak = max(peak, stats["peak_mb"])
    log = results["eventlog"]
    found = results["discover"]
    churn = results["churn_model"]
    record = {
        "tool": backend,
        "label": label,
        "seconds": best,
        "peak_mb": peak,
        "convert_s": t_convert,
        "events": frame.height,
        "customers": frame["customer_id"].n_unique(),
        "n_events": log.n_events,
        "log_backend": log.backend,
        "warnings": list(log.warnings),
        "journey": dumps_json(found.journey),
        "same_scratch": results["scratch"].journey == found.journey,
        "frames": {
            "edges": _rows(found.edges),
            "touchpoint_metrics": _rows(results["touchpoint_metrics"]),
            "attribution": _rows(results["attribution"]),
            "drift": _rows(results["drift"].to_frame()),
        },
        "churn": dict(churn.metrics),
    }
    Path(out).write_text(json.dumps(record, default=str), encoding="utf-8")


# -- the comparison --------------------------------------------------------------------


def close(a: Any, b: Any, rel: float = 1e-9, tol: float = 1e-12) -> bool:
    """Equal values, floats to ``rel``/``tol`` (NaN equals NaN), through lists and dicts."""
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            return False
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=rel, abs_tol=tol)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], rel, tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, rel, tol) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def differences(rec: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    """What differs between a backend's results and the polars reference."""
    out = []
    if rec["journey"] != ref["journey"]:
        out.append("discovered journey")
    for k in FRAMES:
        got, want = rec["frames"][k], ref["frames"][k]
        if close(got, want):
            continue
        if len(got) != len(want) or [r.keys() for r in got] != [r.keys() for r in want]:
            out.append(f"{k} frame (shape or columns)")
            continue
        cols = [c for c in want[0] if not close([r[c] for r in got], [r[c] for r in want])]
        out.append(f"{k} frame (columns {', '.join(cols)})")
    churn = [m for m in ref["churn"] if not close(rec["churn"].get(m), ref["churn"][m])]
    if churn or rec["churn"].keys() != ref["churn"].keys():
        out.append(f"churn metrics ({', '.join(churn) or 'names'})")
    if rec["warnings"] != ref["warnings"]:
        out.append(f"warnings ({rec['warnings']} vs {ref['warnings']})")
    if rec["n_events"] != ref["n_events"]:
        out.append(f"events kept ({rec['n_events']} vs {ref['n_events']})")
    if not rec["same_scratch"]:
        out.append("discover(events) ≠ discover(EventLog(events))")
    return out


# -- the report ------------------------------------------------------------------------


def markdown_table(records: Sequence[dict[str, Any]]) -> str:
    """The docs' table: one row per backend, seconds to 2 decimals."""
    lines = [
        "| backend | " + " | ".join(head for _, head in STEPS) + " |",
        "|---" * (len(STEPS) + 1) + "|",
    ]
    for rec in records:
        if "error" in rec:
            cells = ["error"] * len(STEPS)
        else:
            cells = [f"{rec['seconds'][k]:.2f} s" for k, _ in STEPS]
        lines.append(f"| {rec['label']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def versions() -> str:
    """Versions of cxkit and of the backends' libraries that are installed."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for dist in ("cxkit", "polars", "narwhals", "duckdb", "dask"):
        with contextlib.suppress(PackageNotFoundError):
            found.append(f"{dist} {version(dist)}")
    return " · ".join(found)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the Markdown table; exit 1 on an error or a difference."""
    args = parse_arguments(argv)
    if args.worker:
        worker(args.worker, args.log, args.out, args.repeat)
        return 0
    import polars as pl

    backends = [b for b in args.backends.split(",") if b]
    unknown = [b for b in backends if b not in BACKENDS]
    if unknown:
        print(f"bench_analytics: unknown backends {unknown}; have {', '.join(BACKENDS)}")
        return 2
    print(
        f"analytics benchmark — {TEMPLATE}, best of {args.repeat}; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} (shared machine); "
        f"python {platform.python_version()}; {versions()}"
    )
    logs: dict[int, Path] = {}
    for n in sorted({args.customers, *([args.dask_customers] if "dask" in backends else [])}):
        t0 = time.perf_counter()
        logs[n] = bench_log(n, args.seed, args.cache)
        height = pl.scan_parquet(logs[n]).select(pl.len()).collect().item()
        print(
            f"log: {spaced(n)} customers, {spaced(height)} events (seed {args.seed}): "
            f"{logs[n]} ({time.perf_counter() - t0:.1f} s)",
            flush=True,
        )

    def run(backend: str, n: int, repeat: int) -> dict[str, Any]:
        rec = run_in_subprocess(__file__, backend, logs[n], repeat, args.timeout)
        rec.setdefault("label", backend)
        if "error" in rec:
            print(f"  {backend}: error: {rec['error']}", flush=True)
        elif backend != REFERENCE:
            times = ", ".join(f"{k} {rec['seconds'][k]:.3f} s" for k, _ in STEPS)
            print(
                f"  {rec['label']}: {times}; peak {rec['peak_mb']:.0f} MB "
                f"(conversion {rec['convert_s']:.2f} s, untimed)",
                flush=True,
            )
        return rec

    status = 0
    records = []
    refs: dict[int, dict[str, Any]] = {}
    for backend in backends:
        n = args.dask_customers if backend == "dask" else args.customers
        if backend in NEEDS and importlib.util.find_spec(NEEDS[backend].split(".")[0]) is None:
            print(f"  {backend}: skipped ({NEEDS[backend]} is not installed)")
            continue
        if backend != "polars" and n not in refs:
            # the polars eager results on this log, to compare with (not in the table)
            refs[n] = run(REFERENCE, n, 1)
        rec = run(backend, n, args.repeat)
        records.append(rec)
        if "error" in rec:
            status = 1
            continue
        if backend == "polars":
            refs.setdefault(n, rec)
            if not rec["same_scratch"]:
                status = 1
                print("    differs: discover(events) ≠ discover(EventLog(events))")
            continue
        ref = refs[n]
        if "error" in ref:
            print("    not compared: the polars reference failed")
            continue
        diff = differences(rec, ref)
        if diff:
            status = 1
            print(f"    DIFFERS from polars (eager) on the same log: {'; '.join(diff)}")
        else:
            edges = len(rec["frames"]["edges"])
            print(
                f"    agrees with polars (eager) on the same log: same discovered journey "
                f"({edges} edges, {spaced(rec['n_events'])} events), same edges, "
                "touchpoint_metrics, attribution and drift frames (to 1e-9), "
                "churn metrics and warnings"
            )
    ok = [r for r in records if "error" not in r]
    events = next((r["events"] for r in ok if r["tool"] != "dask"), None)
    print()
    print(
        f"Measured on this machine ({os.cpu_count()} cores), a {spaced(args.customers)}-customer "
        f"log of the `{TEMPLATE}` template"
        + (f" ({spaced(events)} events, " if events is not None else " (")
        + f"`cxkit.data.generate_events`, seed {args.seed}; best of {args.repeat}):"
    )
    print()
    print(markdown_table(records))
    return status


if __name__ == "__main__":
    raise SystemExit(main())

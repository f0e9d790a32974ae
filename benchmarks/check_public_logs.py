"""Check cxkit's directly-follows counts against pm4py on public event logs.

The logs are XES files from pm4py's own test data (``tests/input_data/bpic2012.xes.gz``,
the BPIC 2012 loan-application log, 262,200 events of which 25,369 share their case and
timestamp; ``tests/input_data/helpdesk.xes.gz``, a helpdesk ticket log with 127 events
equal in every attribute). pm4py reads each file; cxkit then reads pm4py's frame through
``EventLog`` and every touchpoint → touchpoint count is compared with
``pm4py.discover_dfg``. pm4py is AGPL-3.0: a benchmark-only dependency (``bench``
extra), never imported by ``cxkit/``.

Run::

    .venv/bin/python benchmarks/check_public_logs.py PATH.xes.gz [...] [--keep-duplicates]

Exit code 1 if any count differs.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

CASE, ACTIVITY, TIME = "case:concept:name", "concept:name", "time:timestamp"


def compare(path: str, keep_duplicates: bool) -> int:
    """Print the comparison for one XES file; the number of edges whose counts differ."""
    import pm4py
    import polars as pl

    from cxkit.analytics import EventLog, EventSchema

    frame = pm4py.read_xes(path, return_legacy_log_object=False).reset_index(drop=True)
    optional = ("channel", "call_reason", "emotion", "effort", "outcome", "csat", "nps")
    schema = EventSchema(
        customer=CASE,
        timestamp=TIME,
        touchpoint=ACTIVITY,
        duplicates="keep" if keep_duplicates else "drop",
        **dict.fromkeys((*optional, "context_lost", "wait_s", "transfer")),
    )
    text = {c: frame[c].astype(str).where(frame[c].notna(), None) for c in frame.columns}
    events = pl.from_pandas(
        frame.assign(**{c: v for c, v in text.items() if frame[c].dtype == object})
    )
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        log = EventLog(events, schema=schema)
    edges = log.edges_table.filter(pl.col("to_tp") > 0)
    mine = {(a, b): n for a, b, n in edges.select("tp", "target", "count").iter_rows()}
    dfg, _start, _end = pm4py.discover_dfg(
        frame, case_id_key=CASE, activity_key=ACTIVITY, timestamp_key=TIME
    )
    theirs = {k: int(v) for k, v in dfg.items()}
    differ = [k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k)]
    print(
        f"{path}: {log.n_events:,} events, {log.n_tied:,} tied; {len(mine)} edges "
        f"({sum(mine.values()):,} transitions) against pm4py's {len(theirs)} "
        f"({sum(theirs.values()):,}); {len(differ)} differ"
    )
    for w in said:
        print(f"  cxkit: warning: {str(w.message)[:160]}")
    return len(differ)


def main(argv: Sequence[str] | None = None) -> int:
    """Compare every file given; exit 1 if any edge count differs."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", metavar="PATH.xes.gz")
    parser.add_argument("--keep-duplicates", action="store_true")
    args = parser.parse_args(argv)
    return int(any(compare(p, args.keep_duplicates) for p in args.paths))


if __name__ == "__main__":
    sys.exit(main())

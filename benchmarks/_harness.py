"""The harness the comparative benchmarks share: arguments, subprocesses, peak memory.

Each tool runs in a fresh interpreter (``script --worker TOOL --log PATH --out
RECORD``), which times the call (best of ``--repeat``) and measures the process's
peak resident memory after resetting the kernel's counter
(``/proc/self/clear_refs``); the parent reads the JSON record back and prints one
aligned table. Used by ``bench_discovery.py`` and ``bench_attribution.py``.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

#: Where the benchmark logs are cached between runs.
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "cxkit-bench"


# -- arguments -------------------------------------------------------------------------


def parse_arguments(
    name: str, doc: str, tools: Sequence[str], sizes: str, argv: Sequence[str] | None
) -> argparse.Namespace:
    """The options every comparative benchmark takes (unknown ones are reported, ignored).

    ``--sizes``, ``--tools``, ``--repeat``, ``--cache`` and ``--timeout``, plus the
    hidden ``--worker``/``--log``/``--out`` of the subprocess body.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sizes", default=sizes)
    parser.add_argument("--tools", default=",".join(tools))
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best time)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per tool and size")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--log", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        print(f"{name}: ignoring unknown arguments {unknown}", file=sys.stderr)
    return args


# -- memory ----------------------------------------------------------------------------


def write_parquet_atomically(frame: Any, path: Path) -> None:
    """Write a polars frame to ``path`` through a temporary file in the same folder, so
    that an interrupted run never leaves a half-written cached log behind."""
    import os

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        frame.write_parquet(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak() -> bool:
    """Reset this process's peak RSS (VmHWM) to its current RSS; False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def measure(run: Callable[[], Any], repeat: int) -> tuple[Any, dict[str, float]]:
    """Run ``run`` ``repeat`` times; best wall time, and peak RSS during the calls.

    ``peak_mb`` is the process's peak resident memory during a call (input data and
    imported libraries included); ``extra_mb`` is that peak minus the resident
    memory just before the call (what the call itself needed).
    """
    best = math.inf
    peak = extra = 0.0
    result = None
    for _ in range(max(1, repeat)):
        result = None
        gc.collect()
        can_reset = reset_peak()
        before = _status_kb("VmRSS")
        t0 = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - t0)
        hwm = (
            _status_kb("VmHWM") if can_reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        )
        peak = max(peak, hwm / 1024)
        extra = max(extra, (hwm - before) / 1024)
    return result, {"seconds": best, "peak_mb": peak, "extra_mb": extra}


# -- subprocesses ----------------------------------------------------------------------


def run_in_subprocess(
    script: str, tool: str, path: Path, repeat: int, timeout: float
) -> dict[str, Any]:
    """Run ``script --worker tool`` in a fresh interpreter and read its record."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "record.json"
        cmd = [
            sys.executable,
            script,
            "--worker",
            tool,
            "--log",
            str(path),
            "--out",
            str(out),
            "--repeat",
            str(repeat),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return {"tool": tool, "error": f"timed out after {timeout:.0f} s"}
        if proc.returncode != 0 or not out.is_file():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return {"tool": tool, "error": " | ".join(tail) or f"exit {proc.returncode}"}
        return json.loads(out.read_text(encoding="utf-8"))


def run_tools(
    script: str, tools: Sequence[str], path: Path, size: int, repeat: int, timeout: float
) -> dict[str, dict[str, Any]]:
    """Each tool on the log at ``path`` in its own subprocess; ``{tool: record}``.

    Every record gets its ``size``; a line per tool (time and peak, or the error) is
    printed as it finishes.
    """
    records = {}
    for tool in tools:
        rec = run_in_subprocess(script, tool, path, repeat, timeout)
        rec["size"] = size
        records[tool] = rec
        if "error" in rec:
            print(f"  {tool}: error: {rec['error']}", flush=True)
        else:
            print(
                f"  {rec['label']}: {rec['seconds']:.3f} s, peak {rec['peak_mb']:.0f} MB",
                flush=True,
            )
    return records


def add_ratios(records: dict[str, dict[str, Any]], *bases: str) -> dict[str, Any] | None:
    """Time and peak ratios of every record against the first of ``bases`` that ran
    (e.g. cxkit, else its reference); returns that base record, or ``None``."""
    base = next((records[b] for b in bases if b in records and "error" not in records[b]), None)
    if base is None:
        return None
    for rec in records.values():
        if "error" not in rec:
            rec["time_ratio"] = rec["seconds"] / base["seconds"]
            rec["peak_ratio"] = rec["peak_mb"] / base["peak_mb"]
    return base


# -- the report ------------------------------------------------------------------------


def _ratio(value: float | None) -> str:
    if not value:
        return ""
    return f"{value:.1f}×" if value >= 1 else f"{value:.2f}×"


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """The results as an aligned text table."""
    head = ["events", "tool", "seconds", "peak MB", "extra MB", "time ÷ cxkit", "peak ÷ cxkit"]
    lines = [head]
    for r in rows:
        if "error" in r:
            # the message is printed as the tool finishes; the table stays narrow
            lines.append([f"{r['size']:,}", r["tool"], "error", "", "", "", ""])
            continue
        lines.append(
            [
                f"{r['size']:,}",
                r["label"],
                f"{r['seconds']:.3f}",
                f"{r['peak_mb']:.0f}",
                f"{r['extra_mb']:.0f}",
                _ratio(r.get("time_ratio")),
                f"{r['peak_ratio']:.2f}" if r.get("peak_ratio") else "",
            ]
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    out = []
    for k, line in enumerate(lines):
        out.append(
            "  ".join(
                str(c).ljust(w) if i < 2 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(line, widths, strict=True))
            )
        )
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)

"""Run every ``benchmarks/bench_*.py`` in its own subprocess and print its output.

Usage: ``python benchmarks/run.py [--quick] [NAME ...]`` — with names (``sim`` for
``bench_sim.py``), only those benchmarks run; ``--quick`` is passed on to each
benchmark (smaller sizes, for a smoke run). Each benchmark runs with the same
interpreter, in a fresh process, so that one cannot warm caches for another. The
exit code is 1 if any benchmark failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes (smoke run)")
    args = parser.parse_args(argv)
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.names:
        wanted = {f"bench_{n.removeprefix('bench_').removesuffix('.py')}.py" for n in args.names}
        unknown = wanted - {s.name for s in scripts}
        if unknown:
            print(
                f"run.py: no such benchmark: {', '.join(sorted(unknown))}; have: "
                + ", ".join(s.name for s in scripts),
                file=sys.stderr,
            )
            return 2
        scripts = [s for s in scripts if s.name in wanted]
    failed = []
    for script in scripts:
        print(f"=== {script.name} ===", flush=True)
        start = time.perf_counter()
        cmd = [sys.executable, str(script), *(["--quick"] if args.quick else [])]
        proc = subprocess.run(cmd, cwd=HERE.parent, check=False)
        took = time.perf_counter() - start
        status = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
        print(f"=== {script.name}: {status} in {took:.1f} s ===\n", flush=True)
        if proc.returncode != 0:
            failed.append(script.name)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

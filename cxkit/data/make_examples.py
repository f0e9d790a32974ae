"""Regenerate the shipped example event logs (and their transactions) deterministically.

Usage::

    python -m cxkit.data.make_examples            # rewrite cxkit/data/examples/*
    python -m cxkit.data.make_examples --check    # exit 1 if a file is out of date
    python -m cxkit.data.make_examples --out DIR  # write elsewhere

Each example is :func:`cxkit.data.generate_events` on a journey template with a
fixed seed and noise switched on (see :data:`cxkit.data.examples.EXAMPLES`), except
duplicated rows: a shipped log holds no two rows equal in every column, so that it
reads without a warning. Beside each log, ``<name>_transactions.csv``: its customers'
purchases (:func:`cxkit.data.build_transactions`), byte for byte the same each run.
Files are written atomically. Parquet bytes may differ between polars versions;
the *frames* do not, and ``--check`` compares frames.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from cxkit.core.errors import CxkitError
from cxkit.data.examples import (
    CSV_DATETIME_FORMAT,
    EXAMPLES,
    _spec,
    examples_dir,
    list_examples,
    read_events_csv,
)
from cxkit.data.generate import generate_events
from cxkit.data.transactions import build_transactions, transactions_path
from cxkit.io.journey_io import atomic_write_bytes, atomic_write_text

__all__ = ["build_example", "main", "write_example"]


def build_example(name: str) -> pl.DataFrame:
    """The frame of example ``name``, generated afresh from its spec.

    >>> build_example("retail_omnichannel").height > 2000
    True
    """
    spec = _spec(name)
    return generate_events(
        spec.template,
        spec.n_customers,
        seed=spec.seed,
        start=spec.start,
        tz=spec.tz,
        with_noise=True,
        duplicate_rate=0.0,  # clean: no row equal in every column to another
    )


def write_example(frame: pl.DataFrame, name: str, out: Path) -> list[Path]:
    """Write ``frame`` as ``out/<name>.parquet`` and ``out/<name>.csv``; returns the paths."""
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", statistics=False)
    parquet = out / f"{name}.parquet"
    csv = out / f"{name}.csv"
    atomic_write_bytes(parquet, buffer.getvalue())
    atomic_write_text(csv, frame.write_csv(datetime_format=CSV_DATETIME_FORMAT))
    sales = out / transactions_path(name).name  # its purchases, the same customers
    atomic_write_text(sales, build_transactions(name, frame).write_csv())
    return [parquet, csv, sales]


def _out_of_date(name: str, out: Path) -> list[str]:
    fresh = build_example(name)
    spec = EXAMPLES[name]
    problems = []
    for path, read in (
        (out / f"{name}.parquet", pl.read_parquet),
        (out / f"{name}.csv", lambda p: read_events_csv(p, tz=spec.tz)),
    ):
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif not read(path).equals(fresh):
            problems.append(f"{path}: differs from a fresh generation")
    sales = out / transactions_path(name).name
    if not sales.is_file():
        problems.append(f"{sales}: missing")
    elif sales.read_text(encoding="utf-8") != build_transactions(name, fresh).write_csv():
        problems.append(f"{sales}: differs from a fresh generation")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m cxkit.data.make_examples", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--out", type=Path, default=examples_dir(), help="output folder")
    parser.add_argument(
        "--check", action="store_true", help="only check that the files are up to date"
    )
    parser.add_argument("names", nargs="*", help="examples to build (default: all)")
    args = parser.parse_args(argv)
    names = args.names or list_examples()
    status = 0
    for name in names:
        try:
            if args.check:
                problems = _out_of_date(name, args.out)
                for p in problems:
                    print(f"make_examples: {p}", file=sys.stderr)
                status |= bool(problems)
                continue
            frame = build_example(name)
            for path in write_example(frame, name, args.out):
                print(f"{path}  ({path.stat().st_size / 1024:.0f} KiB)")
        except CxkitError as exc:
            print(f"make_examples: error: {exc}", file=sys.stderr)
            return 2
    return status


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

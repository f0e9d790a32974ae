"""Reading event-log files: Parquet, CSV and NDJSON, lazily with polars."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from cxkit.analytics._schema import EventLogError, EventSchema
from cxkit.core.suggest import did_you_mean

__all__ = ["EVENT_SUFFIXES", "read_events"]

#: File suffixes :func:`read_events` understands.
EVENT_SUFFIXES: tuple[str, ...] = (".parquet", ".csv", ".ndjson", ".jsonl")


def read_events(path: str | os.PathLike[str], *, schema: EventSchema | None = None) -> pl.LazyFrame:
    """Scan an event log file as a polars LazyFrame.

    ``.parquet`` keeps its types. ``.csv`` and ``.ndjson``/``.jsonl`` are read with
    inferred types, except that the id and text columns of ``schema`` (customer,
    touchpoint, channel, call reason, emotion, outcome) are read as text — so that
    customer ``00123`` stays ``00123`` — and timestamps stay text: the analytics parse
    ISO 8601 with each value's own offset, so mixed time zones come out right.

    Raises
    ------
    EventLogError
        For a missing file (with a did-you-mean among its neighbours), a folder or
        an unsupported suffix.

    Examples
    --------
    >>> read_events("events.xlsx")
    Traceback (most recent call last):
    ...
    cxkit.analytics._schema.EventLogError: events.xlsx: unsupported event-log format '.xlsx'; expected one of .parquet, .csv, .ndjson, .jsonl
    """  # noqa: E501
    p = Path(os.fspath(path))
    suffix = p.suffix.lower()
    if suffix not in EVENT_SUFFIXES:
        raise EventLogError(
            f"{p}: unsupported event-log format {suffix or '(no suffix)'!r}; expected one of "
            + ", ".join(EVENT_SUFFIXES)
        )
    if p.is_dir():
        raise EventLogError(f"{p}: is a folder, not an event-log file")
    if not p.is_file():
        message = f"{p}: no such file"
        folder = p.parent if str(p.parent) else Path(".")
        if folder.is_dir():
            try:
                names = [q.name for q in folder.iterdir() if q.suffix.lower() in EVENT_SUFFIXES]
            except OSError:  # pragma: no cover - unreadable folder
                names = []
            hint = did_you_mean(p.name, names)
            if hint:
                message += f"; {hint}"
        raise EventLogError(message)
    schema = schema if schema is not None else EventSchema()
    text = [
        c
        for c in (
            schema.customer,
            schema.timestamp,
            schema.touchpoint,
            schema.channel,
            schema.call_reason,
            schema.emotion,
            schema.outcome,
        )
        if c is not None
    ]
    try:
        if suffix == ".parquet":
            return pl.scan_parquet(p)
        if suffix == ".csv":
            header = pl.read_csv(p, n_rows=0).columns
            overrides = {c: pl.String for c in text if c in header}
            return pl.scan_csv(
                p, try_parse_dates=False, infer_schema_length=10_000, schema_overrides=overrides
            )
        head = pl.read_ndjson(p, infer_schema_length=100, n_rows=100).columns
        overrides = {c: pl.String for c in text if c in head}
        return pl.scan_ndjson(p, infer_schema_length=10_000, schema_overrides=overrides)
    except Exception as exc:  # noqa: BLE001 - polars' own error, reported with the file
        raise EventLogError(f"{p}: cannot read the file: {exc}") from None

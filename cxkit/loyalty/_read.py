"""Reading transactions files with :func:`cxkit.analytics.read_events`' checks.

CSV, NDJSON, Parquet and Excel ``.xlsx`` files are read by the event-log reader, so
they get the same encoding detection (UTF-8, UTF-16, CP932/Shift_JIS, EUC-JP) and
the same structural checks, each fault naming the file and the line. The customer id
and the date are read as text (customer ``00123`` stays ``00123``; dates are parsed
by :func:`~cxkit.loyalty.rfm` with their offsets).
"""

from __future__ import annotations

import os

import polars as pl

from cxkit.analytics._readers import read_events
from cxkit.analytics._schema import OPTIONAL_FIELDS, EventSchema
from cxkit.core.errors import format_value
from cxkit.loyalty._schema import TransactionError, TransactionSchema

__all__ = ["read_transactions"]

_NO_COLUMN = "\x00cxkit-no-touchpoint"  # the event reader's touchpoint: a column no file has


def read_transactions(
    path: str | os.PathLike[str],
    *,
    schema: TransactionSchema | None = None,
    encoding: str = "auto",
    sheet: str | int | None = None,
) -> pl.LazyFrame:
    """Check a transactions file and scan it as a polars LazyFrame.

    Parameters
    ----------
    path
        A ``.csv``, ``.parquet``, ``.ndjson``/``.jsonl`` or ``.xlsx`` file.
    schema
        Column names (:class:`TransactionSchema`).
    encoding
        ``"auto"`` (default) or ``"utf-8"``, ``"cp932"``/``"shift_jis"``,
        ``"euc-jp"``, ``"utf-16"`` (text files only).
    sheet
        The sheet of an ``.xlsx`` workbook (name or number from 1).

    Raises
    ------
    cxkit.analytics.EventLogError
        For a missing or unreadable file, with the file, the line and what was expected.

    Examples
    --------
    >>> read_transactions("sales.xls")
    Traceback (most recent call last):
    ...
    cxkit.analytics._schema.EventLogError: sales.xls: unsupported event-log format '.xls'; expected one of .parquet, .csv, .ndjson, .jsonl, .xlsx; save it as an .xlsx workbook or as CSV UTF-8
    """  # noqa: E501
    schema = schema if schema is not None else TransactionSchema()
    if not isinstance(schema, TransactionSchema):
        raise TransactionError(f"`schema` must be a TransactionSchema, got {format_value(schema)}")
    events = EventSchema(
        customer=schema.customer,
        timestamp=schema.date,
        touchpoint=_NO_COLUMN,
        **{f: None for f in OPTIONAL_FIELDS},  # type: ignore[arg-type]
    )
    return read_events(path, schema=events, encoding=encoding, sheet=sheet)

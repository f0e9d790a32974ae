"""Reading event-log files: Parquet, CSV, NDJSON and Excel ``.xlsx``, with polars.

Files come as they arrive from other systems, so a text file (CSV, NDJSON) is checked
before it is scanned, and every fault is a :class:`~cxkit.analytics.EventLogError`
naming the file, the line and what was expected — never a raw polars error:

* **encodings** — UTF-8 (with or without a byte-order mark), UTF-16 with a BOM, and the
  Japanese legacy encodings CP932 (Windows Shift_JIS) and EUC-JP, found by the rule of
  :func:`detect_encoding` or given with ``encoding=``; anything else is refused with
  the byte offset and line of the first byte that no candidate decodes;
* **structure** — every CSV record has as many fields as the header (a ragged row
  names its line and both counts), quotes are balanced, no NUL byte, no line over
  :data:`MAX_LINE_BYTES`, no column that cxkit reads named twice; blank lines are
  skipped (with a warning);
* **values** — a column whose first rows looked like numbers but a later value is not
  one, a JSON object or array in an NDJSON text column, and a timestamp column that
  mixes times with and without a UTC offset (a warning: those without are read as UTC).

Excel workbooks are read by :mod:`cxkit.analytics._excel` (one sheet, cells naming
their faults as ``sheet 'イベント', cell C17``).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from cxkit.analytics._schema import EventLogError, EventLogWarning, EventSchema, user_stacklevel
from cxkit.core.errors import format_value
from cxkit.core.suggest import did_you_mean

__all__ = [
    "ENCODINGS",
    "EVENT_SUFFIXES",
    "MAX_DECODE_BYTES",
    "MAX_LINE_BYTES",
    "detect_encoding",
    "mixed_zones_note",
    "read_events",
]

#: File suffixes :func:`read_events` understands.
EVENT_SUFFIXES: tuple[str, ...] = (".parquet", ".csv", ".ndjson", ".jsonl", ".xlsx")

#: Values of ``encoding=`` (besides ``"auto"``) and the codec each one means.
#: ``shift_jis`` and its Windows names read as CP932, the superset that Excel writes.
ENCODINGS: dict[str, str] = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf-16": "utf-16",
    "cp932": "cp932",
    "shift_jis": "cp932",
    "euc-jp": "euc_jp",
}
_ALIASES = {"utf8": "utf-8", "sjis": "shift_jis", "ms932": "cp932", "windows-31j": "cp932"}
_ALIASES |= {"shift-jis": "shift_jis", "eucjp": "euc-jp", "euc_jp": "euc-jp", "utf16": "utf-16"}
_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "cp932": "CP932 (Shift_JIS)",
    "euc_jp": "EUC-JP",
}

#: Longest line (record) of a text event log, in bytes: a longer one is refused before
#: it is read (an event is a few short fields; a 1 GB "line" is a wrong file).
MAX_LINE_BYTES = 1 << 20
#: Largest file read in a legacy encoding (CP932, EUC-JP, UTF-16): such a file is
#: converted to UTF-8 in memory before polars reads it. Convert a larger one first
#: (``iconv -f CP932 -t UTF-8``).
MAX_DECODE_BYTES = 512 << 20
_CHUNK = 1 << 24
_OTHER_SHEETS = (".xls", ".xlsm", ".xlsb", ".ods", ".numbers")
_SNIFF = 1 << 16
#: ISO 8601 text: a date, and a time with a UTC offset (or ``Z``) at its end.
_DATE = r"^\d{4}-\d\d-\d\d"
_ZONED = r"\d[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:[Zz]|[+-]\d\d(?::?\d\d)?)$"


def read_events(
    path: str | os.PathLike[str],
    *,
    schema: EventSchema | None = None,
    encoding: str = "auto",
    sheet: str | int | None = None,
) -> pl.LazyFrame:
    """Check an event log file and scan it as a polars LazyFrame.

    ``.parquet`` keeps its types. ``.csv`` and ``.ndjson``/``.jsonl`` are checked
    first (see the module docstring) and read with inferred types, except that the id
    and text columns of ``schema`` (customer, touchpoint, channel, call reason,
    emotion, outcome) are read as text — so that customer ``00123`` stays ``00123`` —
    and timestamps stay text: the analytics parse ISO 8601 with each value's own
    offset, so mixed time zones come out right. ``.xlsx`` reads one sheet whole
    (fastexcel): date cells as datetimes (no time zone: read as UTC), numbers as
    numbers, the same id and text columns as text; a cell lost to its column's type
    is an error naming it (``sheet 'イベント', cell D17``), blank rows are skipped with
    a warning (see :mod:`cxkit.analytics._excel` for its limits).

    Parameters
    ----------
    path
        The file.
    schema
        Column names, if they differ from :class:`EventSchema`'s defaults.
    encoding
        ``"auto"`` (default: the rule of :func:`detect_encoding`) or one of
        :data:`ENCODINGS` (``"utf-8"``, ``"cp932"``/``"shift_jis"``, ``"euc-jp"``,
        ``"utf-16"``). Parquet and Excel files ignore it.
    sheet
        The sheet of an ``.xlsx`` workbook: its name, or its number counted from 1
        (a numeric text such as ``"2"`` is a number unless a sheet has that name).
        Default: the first sheet. Other formats refuse it.

    Raises
    ------
    EventLogError
        For a missing file (with a did-you-mean among its neighbours), a folder, an
        unsupported suffix, and every fault of a text file (see the module docstring).

    Warns
    -----
    EventLogWarning
        When blank lines were skipped, or times with and without a UTC offset are mixed.

    Examples
    --------
    >>> read_events("events.xls")
    Traceback (most recent call last):
    ...
    cxkit.analytics._schema.EventLogError: events.xls: unsupported event-log format '.xls'; expected one of .parquet, .csv, .ndjson, .jsonl, .xlsx; save it as an .xlsx workbook or as CSV UTF-8
    >>> read_events("events.csv", encoding="latin-1")
    Traceback (most recent call last):
    ...
    cxkit.analytics._schema.EventLogError: `encoding` must be 'auto' or one of 'utf-8', 'utf-8-sig', 'utf-16', 'cp932', 'shift_jis', 'euc-jp', got 'latin-1'
    """  # noqa: E501
    codec = _codec(encoding)
    p = _existing(path)
    schema = schema if schema is not None else EventSchema()
    if not isinstance(schema, EventSchema):
        raise EventLogError(f"`schema` must be an EventSchema, got {format_value(schema)}")
    suffix = p.suffix.lower()
    if sheet is not None and suffix != ".xlsx":
        raise EventLogError(f"{p}: `sheet` (CLI --sheet) is for .xlsx workbooks, not {suffix}")
    if suffix == ".xlsx":
        from cxkit.analytics._excel import read_xlsx

        text = [c for c in _text_columns(schema) if c != schema.timestamp]
        return read_xlsx(p, schema, sheet, text)
    if suffix == ".parquet":
        try:
            return pl.scan_parquet(p)
        except Exception as exc:  # noqa: BLE001 - polars' own error, reported with the file
            raise EventLogError(f"{p}: cannot read the file: {_first_line(exc)}") from None
    read = _read_csv if suffix == ".csv" else _read_ndjson
    try:
        return read(p, _utf8_source(p, codec if codec is not None else _sniff(p)), schema)
    except _NotUtf8Error as exc:
        if codec is not None:
            _refuse_bytes(p, codec, exc.bad)
        # the start of the file looked like UTF-8, a later byte is not: the whole rule
        found = detect_encoding(p)
        if found.startswith("utf-8"):  # a UTF-8 byte-order mark, and bytes that are not
            _refuse_bytes(p, found, exc.bad)
        return read(p, _utf8_source(p, found), schema)


def csv_source(path: str | os.PathLike[str], *, encoding: str = "auto") -> Path | bytes:
    """A CSV file checked as :func:`read_events` checks it (encoding, structure), as
    something polars reads: the path of a UTF-8 file, or the text converted to UTF-8.

    For readers with their own column types (:func:`cxkit.data.read_events_csv`).
    """
    codec = _codec(encoding)
    p = _existing(path)
    if p.suffix.lower() != ".csv":
        raise EventLogError(f"{p}: expected a .csv file, got {p.suffix or 'no suffix'!r}")

    def checked(source: Path | bytes) -> Path | bytes:
        header = _header(p, source)
        _refuse_duplicates(p, header, EventSchema())
        if _check_csv_lines(p, source, header):
            raise EventLogError(f"{p}: has blank lines; expected one line per event")
        return source

    try:
        return checked(_utf8_source(p, codec if codec is not None else _sniff(p)))
    except _NotUtf8Error as exc:
        found = codec or detect_encoding(p)
        if found.startswith("utf-8"):
            _refuse_bytes(p, found, exc.bad)
        return checked(_utf8_source(p, found))


class _NotUtf8Error(Exception):
    """A file read as UTF-8 has a byte that is not (``bad``: offset, line, bytes)."""

    def __init__(self, bad: tuple[int, int, bytes]) -> None:
        super().__init__(bad)
        self.bad = bad


# -- the file --------------------------------------------------------------------------
def _codec(encoding: str) -> str | None:
    """The codec of ``encoding=`` (``None`` for ``"auto"``)."""
    key = encoding.strip().lower() if isinstance(encoding, str) else encoding
    key = _ALIASES.get(key, key)
    if key == "auto":
        return None
    if key not in ENCODINGS:
        raise EventLogError(
            "`encoding` must be 'auto' or one of "
            + ", ".join(repr(e) for e in ENCODINGS)
            + f", got {format_value(encoding)}"
        )
    return ENCODINGS[key]


def _existing(path: str | os.PathLike[str]) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise EventLogError(f"`path` must be a file path, got {format_value(path)}")
    p = Path(os.fspath(path))
    suffix = p.suffix.lower()
    if suffix not in EVENT_SUFFIXES:
        raise EventLogError(
            f"{p}: unsupported event-log format {suffix or '(no suffix)'!r}; expected one of "
            + ", ".join(EVENT_SUFFIXES)
            + ("; save it as an .xlsx workbook or as CSV UTF-8" if suffix in _OTHER_SHEETS else "")
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
    return p


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def detect_encoding(path: str | os.PathLike[str]) -> str:
    """The codec that :func:`read_events` reads ``path`` with, by a fixed rule.

    1. A byte-order mark decides: ``EF BB BF`` → UTF-8 (the mark is dropped),
       ``FF FE`` / ``FE FF`` → UTF-16 (little / big endian). A UTF-32 mark is refused.
    2. Else, a file that is valid UTF-8 throughout is UTF-8 (so is plain ASCII).
    3. Else the whole file is decoded strictly as EUC-JP and as CP932: the one that
       decodes is taken; when both do, EUC-JP (Japanese text in EUC-JP very often also
       decodes as CP932 half-width katakana, while CP932 text decodes as EUC-JP only
       when it holds nothing but half-width katakana — pass ``encoding="cp932"`` then).
    4. Else :class:`EventLogError` names the byte offset and line of the first byte
       that is not UTF-8.

    A statistical detector (charset-normalizer, chardet) is not used: among these
    four candidates strict decoding decides, the answer does not change with a
    library's version, and no dependency is added.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "sjis.csv").write_bytes("id,名前\\n1,電話\\n".encode("cp932"))
    >>> detect_encoding(folder / "sjis.csv")
    'cp932'
    >>> _ = (folder / "euc.csv").write_bytes("id,名前\\n1,電話\\n".encode("euc-jp"))
    >>> detect_encoding(folder / "euc.csv")
    'euc_jp'
    """
    p = Path(os.fspath(path))
    with p.open("rb") as fh:
        head = fh.read(_SNIFF)
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise EventLogError(
            f"{p}: is UTF-32 (byte-order mark {head[:4].hex(' ')}); expected UTF-8, "
            "UTF-16, CP932 (Shift_JIS) or EUC-JP — save it as UTF-8"
        )
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    bad = _first_undecodable(p, "utf-8")
    if bad is None:
        return "utf-8"
    for codec in ("euc_jp", "cp932"):
        if p.stat().st_size <= MAX_DECODE_BYTES and _first_undecodable(p, codec) is None:
            return codec
    offset, line, raw = bad
    raise EventLogError(
        f"{p}: line {line} (byte offset {offset}): the bytes {raw!r} are not UTF-8, and "
        "the file is not CP932 (Shift_JIS) or EUC-JP either; expected a text file in "
        "UTF-8, UTF-16 (with a byte-order mark), CP932 or EUC-JP — pass encoding=… "
        "(CLI --encoding) if you know it"
    )


def _sniff(p: Path) -> str:
    """:func:`detect_encoding` from the first 64 KiB: a byte-order mark, or UTF-8 when
    they are UTF-8 (polars checks the rest as it reads; a later byte that is not
    UTF-8 sends the file back to the whole rule); else the whole rule."""
    with p.open("rb") as fh:
        head = fh.read(_SNIFF)
    boms = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if not head.startswith(boms):
        try:
            codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
        except UnicodeDecodeError:
            return detect_encoding(p)
        return "utf-8"
    return detect_encoding(p)


def _first_undecodable(p: Path, codec: str) -> tuple[int, int, bytes] | None:
    """``(byte offset, line, bytes)`` of the first byte that ``codec`` cannot decode."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    offset = 0  # bytes before the chunk
    lines = 1  # line at the chunk's start
    with p.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                held = len(exc.object) - len(chunk)  # bytes kept from the last chunk
                start = offset - held + exc.start
                line = lines + chunk[: max(start - offset, 0)].count(b"\n")
                return start, line, bytes(exc.object[exc.start : exc.end])
            if not chunk:
                return None
            offset += len(chunk)
            lines += chunk.count(b"\n")


def _utf8_source(p: Path, codec: str) -> Path | bytes:
    """The file itself when it is UTF-8 (polars reads it, BOM and all), else its
    text converted to UTF-8 bytes (at most :data:`MAX_DECODE_BYTES`)."""
    if codec in ("utf-8", "utf-8-sig"):
        return p
    size = p.stat().st_size
    if size > MAX_DECODE_BYTES:
        raise EventLogError(
            f"{p}: is {size:,} bytes in {_NAMES[codec]}; files in an encoding other than "
            f"UTF-8 are converted in memory up to {MAX_DECODE_BYTES:,} bytes — convert it "
            "to UTF-8 first (e.g. iconv -f CP932 -t UTF-8)"
        )
    decoder = codecs.getincrementaldecoder(codec)("strict")
    out = io.BytesIO()
    with p.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            try:
                out.write(decoder.decode(chunk, final=not chunk).encode("utf-8"))
            except UnicodeDecodeError:
                bad = _first_undecodable(p, codec)
                assert bad is not None
                _refuse_bytes(p, codec, bad)
            if not chunk:
                break
    data = out.getvalue()
    return data[3:] if data.startswith(codecs.BOM_UTF8) else data


def _refuse_bytes(p: Path, codec: str, bad: tuple[int, int, bytes]) -> None:
    offset, line, raw = bad
    raise EventLogError(
        f"{p}: line {line} (byte offset {offset}): the bytes {raw!r} are not valid "
        f"{_NAMES[codec]}; expected the whole file in {_NAMES[codec]} — check the "
        "encoding=… (CLI --encoding) given, or the file"
    )


def _check_utf8(source: Path | bytes) -> None:
    """Raise :class:`_NotUtf8Error` when ``source``, a file read as UTF-8, is not."""
    if isinstance(source, Path):
        bad = _first_undecodable(source, "utf-8")
        if bad is not None:
            raise _NotUtf8Error(bad)


def _lines(source: Path | bytes) -> Iterator[bytes]:
    """The lines of ``source`` (UTF-8), without their line ends."""
    fh: Any = source.open("rb") if isinstance(source, Path) else io.BytesIO(source)
    with fh:
        for raw in fh:
            yield raw.rstrip(b"\r\n")


def _text(source: Path | bytes) -> io.TextIOBase:
    if isinstance(source, Path):
        return source.open(encoding="utf-8-sig", newline="")
    return io.TextIOWrapper(io.BytesIO(source), encoding="utf-8-sig", newline="")


# -- CSV -------------------------------------------------------------------------------
def _header(p: Path, source: Path | bytes) -> list[str]:
    if isinstance(source, Path):
        with source.open("rb") as fh:
            head = fh.read(MAX_LINE_BYTES + 1)
    else:
        head = source[: MAX_LINE_BYTES + 1]
    if not head.strip():
        raise EventLogError(
            f"{p}: is empty; expected a header line naming the columns "
            "(customer_id,timestamp,touchpoint,…) and one line per event"
        )
    end = head.find(b"\n")
    if end < 0 and len(head) > MAX_LINE_BYTES:
        raise EventLogError(
            f"{p}: line 1 is longer than {MAX_LINE_BYTES:,} bytes; expected a header "
            "line naming the columns — is this a CSV file?"
        )
    first = head[: end if end >= 0 else len(head)]
    if b"\r" in first.rstrip(b"\r"):
        raise EventLogError(
            f"{p}: line 1 has a carriage return (CR) inside it: the file uses CR line "
            "ends (classic Mac); expected LF or CRLF line ends"
        )
    text = first.decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r")
    return next(csv.reader([text]), [])


def _read_csv(p: Path, source: Path | bytes, schema: EventSchema) -> pl.LazyFrame:
    header = _header(p, source)
    _refuse_duplicates(p, header, schema)
    blank = _check_csv_lines(p, source, header)
    text = [c for c in _text_columns(schema) if c in header]
    overrides = {c: pl.String for c in text}
    try:
        lf = pl.scan_csv(
            source, try_parse_dates=False, infer_schema_length=10_000, schema_overrides=overrides
        )
        dtypes = lf.collect_schema()
    except Exception as exc:  # noqa: BLE001 - polars' own error, reported with the file
        _diagnose_csv(p, source, header)
        raise EventLogError(f"{p}: cannot read the file as CSV: {_first_line(exc)}") from None
    if blank:
        lf = lf.filter(~pl.all_horizontal(pl.all().is_null()))
        _warn(f"{p}: skipped {blank} blank line{'s' if blank != 1 else ''}")
    _check_values(p, lf, dtypes, schema, source, "csv")
    return lf


def _refuse_duplicates(p: Path, header: list[str], schema: EventSchema) -> None:
    read = set(_text_columns(schema)) | {
        c for c in (schema.effort, schema.csat, schema.nps, schema.context_lost) if c
    }
    read |= {c for c in (schema.wait_s, schema.transfer) if c}
    for name in header:
        if name in read and header.count(name) > 1:
            where = [i + 1 for i, h in enumerate(header) if h == name]
            raise EventLogError(
                f"{p}: line 1: columns {' and '.join(map(str, where))} are both named "
                f"{name!r}; expected each column that cxkit reads to appear once"
            )


def _check_csv_lines(p: Path, source: Path | bytes, header: list[str]) -> int:
    """One polars pass over the raw lines: their UTF-8, NUL bytes, lengths and field
    counts. Anything odd is looked at by :func:`_diagnose_csv`. Returns the number of
    blank lines (after the header)."""
    n_fields = len(header)
    line = pl.col("line")
    plain = line.str.count_matches(",", literal=True)
    quoted = line.str.replace_all(r'"[^"]*"', "").str.count_matches(",", literal=True)
    has_quote = line.str.contains('"', literal=True)
    commas = pl.when(has_quote).then(quoted).otherwise(plain)
    blank = line.str.strip_chars(" \t\r") == ""
    try:
        found = (
            pl.scan_csv(
                source,
                has_header=False,
                separator="\x1f",
                quote_char=None,
                schema={"line": pl.String},
                empty_string_is_null=False,
                truncate_ragged_lines=True,
                skip_rows=1,
            )
            .select(
                blank.sum().alias("blank"),
                (~blank & (commas != n_fields - 1)).any().alias("ragged"),
                (line.str.count_matches('"', literal=True) % 2 == 1).any().alias("quotes"),
                line.str.contains("\x00", literal=True).any().alias("nul"),
                line.str.contains("\x1f", literal=True).any().alias("unit"),
                (line.str.len_bytes().max() > MAX_LINE_BYTES).alias("long"),
            )
            .collect()
            .row(0, named=True)
        )
    except Exception:  # noqa: BLE001 - invalid UTF-8 or worse: find it exactly
        found = {"blank": 0, "ragged": True}
    if any(v for k, v in found.items() if k != "blank"):
        _diagnose_csv(p, source, header)
    return int(found["blank"] or 0)


def _diagnose_csv(p: Path, source: Path | bytes, header: list[str]) -> None:
    """Find the first fault of a CSV file with Python's :mod:`csv` module (exact,
    slower than polars: run only when the polars pass saw something odd)."""
    _check_utf8(source)
    n_fields = len(header)
    names = ", ".join(header[:8]) + (", …" if n_fields > 8 else "")
    raw_lines: list[str] = []

    class _Keep:
        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def __iter__(self) -> _Keep:
            return self

        def __next__(self) -> str:
            text = next(self.fh)
            if len(text.encode("utf-8")) > MAX_LINE_BYTES:
                raise EventLogError(
                    f"{p}: line {reader.line_num + 1} is longer than {MAX_LINE_BYTES:,} "
                    "bytes; expected one event per line, a few short fields"
                )
            raw_lines.append(text)
            return text

    with _text(source) as fh:
        reader = csv.reader(_Keep(fh), strict=True)
        start = 1
        try:
            for row in reader:
                record = "".join(raw_lines)
                raw_lines.clear()
                if start > 1 and row and len(row) != n_fields:
                    span = f"lines {start}–{reader.line_num}" if reader.line_num > start else ""
                    note = f" (the record runs over {span}: an unbalanced quote?)" if span else ""
                    raise EventLogError(
                        f"{p}: line {start}: {len(row)} field{'s' if len(row) != 1 else ''}, "
                        f"expected {n_fields} as in the header ({names}){note}"
                    )
                for i, value in enumerate(row):
                    if "\x00" in value:
                        raise EventLogError(
                            f"{p}: line {start}, field {i + 1} ({_field(header, i)}): a NUL "
                            f"byte in {format_value(value)}; expected text without control "
                            "bytes (is the file UTF-16 without a byte-order mark?)"
                        )
                    if '"' in value and f'"{value.replace(chr(34), chr(34) * 2)}"' not in record:
                        raise EventLogError(
                            f"{p}: line {start}, field {i + 1} ({_field(header, i)}): a quote "
                            f"inside an unquoted value {format_value(value)}; expected the "
                            'value in quotes with its quote doubled ("a""b")'
                        )
                start = reader.line_num + 1
        except csv.Error as exc:
            if "end of data" in str(exc):
                raise EventLogError(
                    f"{p}: line {start}: a quoted value opened on this line is never closed "
                    '(unbalanced quote); expected a closing " before the end of the file'
                ) from None
            raise EventLogError(
                f"{p}: line {reader.line_num}: {exc}; expected a closing quote right before "
                'a comma or the line end (a quote inside a value is doubled: "a""b")'
            ) from None


def _field(header: list[str], i: int) -> str:
    return repr(header[i]) if i < len(header) else "beyond the header"


# -- NDJSON ----------------------------------------------------------------------------
def _read_ndjson(p: Path, source: Path | bytes, schema: EventSchema) -> pl.LazyFrame:
    first = next((line for line in _lines(source) if line.strip()), None)
    if first is None:
        raise EventLogError(f"{p}: is empty; expected one JSON object per line, one per event")
    try:
        head = pl.read_ndjson(source, infer_schema_length=100, n_rows=100).columns
        text = [c for c in _text_columns(schema) if c in head]
        lf = pl.scan_ndjson(
            source,
            infer_schema_length=10_000,
            schema_overrides={c: pl.String for c in text},
        )
        dtypes = lf.collect_schema()
    except Exception as exc:  # noqa: BLE001 - polars' own error, reported with the file
        _diagnose_ndjson(p, source)
        raise EventLogError(f"{p}: cannot read the file as NDJSON: {_first_line(exc)}") from None
    _check_values(p, lf, dtypes, schema, source, "ndjson")
    return lf


def _json_lines(source: Path | bytes) -> Iterator[tuple[int, bytes]]:
    """``(line number, line)`` of the non-blank lines: the rows of an NDJSON file."""
    for number, line in enumerate(_lines(source), start=1):
        if line.strip():
            yield number, line


def _diagnose_ndjson(p: Path, source: Path | bytes) -> None:
    _check_utf8(source)
    for number, line in _json_lines(source):
        if len(line) > MAX_LINE_BYTES:
            raise EventLogError(
                f"{p}: line {number} is longer than {MAX_LINE_BYTES:,} bytes; expected one "
                "event per line, a few short fields"
            )
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise EventLogError(
                f"{p}: line {number}: not valid JSON ({exc}); expected one JSON object per line"
            ) from None
        if not isinstance(value, dict):
            raise EventLogError(
                f"{p}: line {number}: a JSON {_json_type(value)}; expected one JSON object per line"
            )


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    return "null" if value is None else "number"


# -- values ----------------------------------------------------------------------------
def _text_columns(schema: EventSchema) -> list[str]:
    fields = (
        schema.customer,
        schema.timestamp,
        schema.touchpoint,
        schema.channel,
        schema.call_reason,
        schema.emotion if schema.scale("emotion") is None else None,  # numbers when declared
        schema.outcome,
    )
    return [c for c in fields if c is not None]


def _check_values(
    p: Path,
    lf: pl.LazyFrame,
    dtypes: pl.Schema,
    schema: EventSchema,
    source: Path | bytes,
    fmt: str,
) -> None:
    """One pass over the parsed file: every value is read (a number column that turns
    to text after the rows polars looked at fails here, not later), JSON objects or
    arrays in text columns (NDJSON) are found, and mixed time zones are counted."""
    text = [c for c in _text_columns(schema) if dtypes.get(c) == pl.String]
    exprs = [pl.len().alias("__n")]
    exprs += [pl.col(c).null_count().alias(f"__null_{i}") for i, c in enumerate(dtypes)]
    if fmt == "ndjson":
        exprs += [
            pl.col(c).str.contains(r"^\s*[\[{]").any().alias(f"__json_{c}")
            for c in text
            if c != schema.timestamp
        ]
    try:
        found = lf.select(exprs).collect().row(0, named=True)
    except Exception as exc:  # noqa: BLE001 - polars' own error, reported with the file
        if fmt == "csv":
            _diagnose_numbers(p, lf, dtypes, source)
            _diagnose_csv(p, source, list(dtypes))
        else:
            _diagnose_ndjson(p, source)
        raise EventLogError(f"{p}: cannot read the file: {_first_line(exc)}") from None
    for c in text:
        if found.get(f"__json_{c}"):
            _refuse_json_values(p, source, c)
    if schema.timestamp in text:
        note = mixed_zones_note(lf, schema.timestamp, where=f"{p}: ", source=(source, fmt))
        if note:
            _warn(note)


def _diagnose_numbers(p: Path, lf: pl.LazyFrame, dtypes: pl.Schema, source: Path | bytes) -> None:
    """A column typed from its first rows (numbers, booleans) with a later value that
    is not one: name the line, the column and the value."""
    typed = {c: d for c, d in dtypes.items() if d != pl.String}
    if not typed:
        return
    raw = pl.scan_csv(source, infer_schema=False)
    for col, dtype in typed.items():
        value = pl.col(col).str.strip_chars()
        cast = value.cast(dtype, strict=False) if dtype != pl.Boolean else value
        if dtype == pl.Boolean:
            ok = value.str.to_lowercase().is_in(["true", "false"])
        else:
            ok = cast.is_not_null()
        bad = (
            raw.with_row_index("__row")
            .filter(value.is_not_null() & (value != "") & ~ok)
            .select("__row", col)
            .head(1)
            .collect()
        )
        if bad.height:
            row, shown = bad.row(0)
            line = _csv_line(source, int(row))
            raise EventLogError(
                f"{p}: line {line}: column {col!r} has {format_value(shown)}, but its first "
                f"rows are {_kind(dtype)}; expected {_kind(dtype)} in every row (or fix the "
                "value)"
            )


def _kind(dtype: Any) -> str:
    if dtype == pl.Boolean:
        return "true/false"
    if dtype.is_integer():
        return "whole numbers"
    if dtype.is_float():
        return "numbers"
    return str(dtype)


def _csv_line(source: Path | bytes, row: int) -> int:
    """The line on which data row ``row`` (0-based) of a CSV file starts."""
    with _text(source) as fh:
        reader = csv.reader(fh)
        next(reader, None)
        start = reader.line_num + 1
        for i, _ in enumerate(reader):
            if i == row:
                return start
            start = reader.line_num + 1
    return start  # pragma: no cover - the row exists


def _refuse_json_values(p: Path, source: Path | bytes, column: str) -> None:
    for number, line in _json_lines(source):
        if b"{" not in line and b"[" not in line:
            continue
        value = json.loads(line).get(column)
        if isinstance(value, (dict, list)):
            raise EventLogError(
                f"{p}: line {number}: column {column!r} holds a JSON {_json_type(value)} "
                f"{format_value(json.dumps(value, ensure_ascii=False))}; expected text "
                "or a number"
            )


def mixed_zones_note(
    frame: pl.DataFrame | pl.LazyFrame,
    column: str,
    *,
    where: str = "",
    source: tuple[Path | bytes, str] | None = None,
) -> str | None:
    """The warning for a text timestamp column that mixes times with a UTC offset
    and times without one (read as UTC), or ``None``.

    Examples
    --------
    >>> import polars as pl
    >>> f = pl.DataFrame({"t": ["2026-01-01T09:00:00+09:00", "2026-01-01T10:00:00", None]})
    >>> print(mixed_zones_note(f, "t"))
    column 't' (the event time) mixes 1 time with a UTC offset and 1 without; the times without an offset were read as UTC (e.g. row 2: '2026-01-01T10:00:00') — give every time an offset, or none
    """  # noqa: E501
    value = pl.col(column).str.strip_chars()
    zoned = value.str.contains(_ZONED)
    naive = value.str.contains(_DATE) & ~zoned
    found = (
        frame.lazy()
        .select(
            zoned.sum().alias("zoned"),
            naive.sum().alias("naive"),
            naive.arg_max().alias("first"),
        )
        .collect()
        .row(0, named=True)
    )
    if not found["zoned"] or not found["naive"]:
        return None
    row = int(found["first"])
    shown = frame.lazy().select(pl.col(column)).slice(row, 1).collect().item()
    if source is None:
        at = f"row {row + 1}"
    elif source[1] == "csv":
        at = f"line {_csv_line(source[0], row)}"
    else:
        at = f"line {next(n for i, (n, _) in enumerate(_json_lines(source[0])) if i == row)}"
    z, n = int(found["zoned"]), int(found["naive"])
    return (
        f"{where}column {column!r} (the event time) mixes {z} time{'s' if z != 1 else ''} "
        f"with a UTC offset and {n} without; the times without an offset were read as UTC "
        f"(e.g. {at}: {format_value(shown)}) — give every time an offset, or none"
    )


def _warn(text: str) -> None:
    warnings.warn(text, EventLogWarning, stacklevel=user_stacklevel())

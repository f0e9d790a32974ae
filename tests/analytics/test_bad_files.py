# ruff: noqa: E501 - a catalogue of exact messages, one case a line
"""Event-log files as they arrive: a catalogue of bad and awkward files, by class, each
with the exact message (or the exact rows read) through the Python API
(:func:`cxkit.analytics.read_events`, :func:`cxkit.analytics.discover` on a path) and
the CLI (``cxkit discover FILE``: exit code and stderr, no traceback).

The fixture files are written from code (bytes in the encodings named) so that
their real-world traits — Shift_JIS bytes, byte-order marks, CRLF — are visible here.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass

import pytest

import cxkit.analytics as ca
from cxkit.cli import main as cli

H = "customer_id,timestamp,touchpoint\n"
JA = "c1,2026-01-01T09:00:00,コールセンター（電話）\nc1,2026-01-01T10:00:00,ウェブ\n"
JA_ROWS = [
    ("c1", "2026-01-01T09:00:00", "コールセンター（電話）"),
    ("c1", "2026-01-01T10:00:00", "ウェブ"),
]
ROW = {"customer_id": "a", "timestamp": "2026-01-01T09:00:00", "touchpoint": "web"}
EXPECT3 = "expected 3 as in the header (customer_id, timestamp, touchpoint)"


def _ndjson(*rows: dict) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


@dataclass(frozen=True)
class Case:
    cls: str
    name: str
    file: str
    data: bytes
    message: str | None = None  # the error after "{file}: "; None: read
    rows: list | None = None  # the rows read (first three columns)
    warning: str | None = None  # a warning after "{file}: "
    encoding: str = "auto"


CASES = [
    # -- encodings ---------------------------------------------------------------------
    Case("encoding", "cp932", "sjis.csv", (H + JA).encode("cp932"), rows=JA_ROWS),
    Case("encoding", "euc-jp", "euc.csv", (H + JA).encode("euc-jp"), rows=JA_ROWS),
    Case("encoding", "utf-8 bom", "bom.csv", b"\xef\xbb\xbf" + (H + JA).encode(), rows=JA_ROWS),
    Case("encoding", "utf-16 bom", "u16.csv", (H + JA).encode("utf-16"), rows=JA_ROWS),
    Case(
        "encoding",
        "utf-16 be bom",
        "u16be.csv",
        b"\xfe\xff" + (H + JA).encode("utf-16-be"),
        rows=JA_ROWS,
    ),
    Case(
        "encoding",
        "euc-jp kanji only (both decode)",
        "kanji.csv",
        (H + "c1,2026-01-01T09:00:00,店舗\n").encode("euc-jp"),
        rows=[("c1", "2026-01-01T09:00:00", "店舗")],
    ),
    Case(
        "encoding",
        "cp932 half-width katakana",
        "hw.csv",
        (H + "c1,2026-01-01T09:00:00,ｺｰﾙｾﾝﾀｰ\n").encode("cp932"),
        rows=[("c1", "2026-01-01T09:00:00", "ｺｰﾙｾﾝﾀｰ")],
    ),
    Case(
        "encoding",
        "cp932 given",
        "given.csv",
        (H + JA).encode("cp932"),
        rows=JA_ROWS,
        encoding="shift_jis",
    ),
    Case(
        "encoding",
        "cp932 ndjson",
        "sjis.ndjson",
        _ndjson(ROW, {**ROW, "touchpoint": "電話"}).decode().encode("cp932"),
        rows=[("a", "2026-01-01T09:00:00", "web"), ("a", "2026-01-01T09:00:00", "電話")],
    ),
    Case(
        "encoding",
        "utf-8 after 64 KiB of ascii, then cp932",
        "late.csv",
        (H + "c0,2026-01-01T09:00:00,web\n" * 3000 + JA).encode("cp932"),
        rows=[("c0", "2026-01-01T09:00:00", "web")] * 2 + [("c0", "2026-01-01T09:00:00", "web")],
    ),
    Case(
        "encoding",
        "latin-1",
        "latin1.csv",
        (H + "c1,2026-01-01T09:00:00,caf\xe9\n").encode("latin-1"),
        "line 2 (byte offset 59): the bytes b'\\xe9' are not UTF-8, and the file is not CP932 (Shift_JIS) or EUC-JP either; expected a text file in UTF-8, UTF-16 (with a byte-order mark), CP932 or EUC-JP — pass encoding=… (CLI --encoding) if you know it",
    ),
    Case(
        "encoding",
        "wrong encoding given",
        "wrong.csv",
        (H + JA).encode("euc-jp"),
        "line 2 (byte offset 61): the bytes b'\\xeb' are not valid CP932 (Shift_JIS); expected the whole file in CP932 (Shift_JIS) — check the encoding=… (CLI --encoding) given, or the file",
        encoding="cp932",
    ),
    Case(
        "encoding",
        "utf-32",
        "u32.csv",
        (H + JA).encode("utf-32"),
        "is UTF-32 (byte-order mark ff fe 00 00); expected UTF-8, UTF-16, CP932 (Shift_JIS) or EUC-JP — save it as UTF-8",
    ),
    Case(
        "encoding",
        "bom then bad bytes",
        "bombad.csv",
        b"\xef\xbb\xbf" + H.encode() + b"c1,2026-01-01T09:00:00,\xff\n",
        "line 2 (byte offset 59): the bytes b'\\xff' are not valid UTF-8; expected the whole file in UTF-8 — check the encoding=… (CLI --encoding) given, or the file",
    ),
    # -- structure ---------------------------------------------------------------------
    Case(
        "structure",
        "more fields",
        "more.csv",
        (H + "c1,2026-01-01T09:00:00,web,extra\n").encode(),
        f"line 2: 4 fields, {EXPECT3}",
    ),
    Case(
        "structure",
        "fewer fields",
        "fewer.csv",
        (H + "c1,2026-01-01T09:00:00,web\nc1,2026-01-01T10:00:00\n").encode(),
        f"line 3: 2 fields, {EXPECT3}",
    ),
    Case(
        "structure",
        "unclosed quote",
        "open.csv",
        (H + 'c1,2026-01-01T09:00:00,"web\nc1,2026-01-01T10:00:00,phone\n').encode(),
        'line 2: a quoted value opened on this line is never closed (unbalanced quote); expected a closing " before the end of the file',
    ),
    Case(
        "structure",
        "quote inside a value",
        "inner.csv",
        (H + 'c1,2026-01-01T09:00:00,we"b\n').encode(),
        'line 2, field 3 (\'touchpoint\'): a quote inside an unquoted value \'we"b\'; expected the value in quotes with its quote doubled ("a""b")',
    ),
    Case(
        "structure",
        "text after a closing quote",
        "after.csv",
        (H + 'c1,2026-01-01T09:00:00,"we"b\n').encode(),
        'line 2: \',\' expected after \'"\'; expected a closing quote right before a comma or the line end (a quote inside a value is doubled: "a""b")',
    ),
    Case(
        "structure",
        "quote swallows lines",
        "swallow.csv",
        (H + 'c1,2026-01-01T09:00:00,"web\nc1,2026-01-01T10:00:00,pho"ne\n').encode(),
        'line 3: \',\' expected after \'"\'; expected a closing quote right before a comma or the line end (a quote inside a value is doubled: "a""b")',
    ),
    Case(
        "structure",
        "NUL byte",
        "nul.csv",
        (H + "c1,2026-01-01T09:00:00,we\x00b\n").encode(),
        "line 2, field 3 ('touchpoint'): a NUL byte in 'we\\x00b'; expected text without control bytes (is the file UTF-16 without a byte-order mark?)",
    ),
    Case(
        "structure",
        "empty file",
        "empty.csv",
        b"",
        "is empty; expected a header line naming the columns (customer_id,timestamp,touchpoint,…) and one line per event",
    ),
    Case(
        "structure",
        "1 GB-style single line",
        "oneline.csv",
        b"a," * (600 << 10),
        "line 1 is longer than 1,048,576 bytes; expected a header line naming the columns — is this a CSV file?",
    ),
    Case(
        "structure",
        "overlong line",
        "long.csv",
        (H + "c1,2026-01-01T09:00:00," + "x" * (1 << 20) + "\n").encode(),
        "line 2 is longer than 1,048,576 bytes; expected one event per line, a few short fields",
    ),
    Case(
        "structure",
        "CR line ends",
        "mac.csv",
        H.replace("\n", "\r").encode() + b"c1,2026-01-01T09:00:00,web\r",
        "line 1 has a carriage return (CR) inside it: the file uses CR line ends (classic Mac); expected LF or CRLF line ends",
    ),
    Case(
        "structure",
        "duplicated header",
        "dup.csv",
        b"customer_id,timestamp,touchpoint,touchpoint\nc1,2026-01-01T09:00:00,web,x\n",
        "line 1: columns 3 and 4 are both named 'touchpoint'; expected each column that cxkit reads to appear once",
    ),
    Case(
        "structure",
        "number column turns to text after 10,000 rows",
        "late_text.csv",
        (
            "customer_id,timestamp,touchpoint,effort\n"
            + "c1,2026-01-01T09:00:00,web,3\n" * 10_050
            + "c2,2026-01-01T09:00:00,web,abc\n"
        ).encode(),
        "line 10052: column 'effort' has 'abc', but its first rows are whole numbers; expected whole numbers in every row (or fix the value)",
    ),
    Case(
        "structure",
        "invalid JSON line",
        "bad.ndjson",
        _ndjson(ROW) + b"{bad\n",
        "line 2: not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1)); expected one JSON object per line",
    ),
    Case(
        "structure",
        "JSON array line",
        "arr.ndjson",
        _ndjson(ROW) + b"[1]\n",
        "line 2: a JSON array; expected one JSON object per line",
    ),
    Case(
        "structure",
        "empty ndjson",
        "empty.ndjson",
        b"\n\n",
        "is empty; expected one JSON object per line, one per event",
    ),
    # -- neighbours that are read ----------------------------------------------------------
    Case(
        "handled",
        "Excel: CRLF and a trailing empty column",
        "excel.csv",
        b"customer_id,timestamp,touchpoint,\r\nc1,2026-01-01T09:00:00,web,\r\n",
        rows=[("c1", "2026-01-01T09:00:00", "web")],
    ),
    Case(
        "handled",
        "quoted value over two lines",
        "multi.csv",
        (H + 'c1,2026-01-01T09:00:00,"web\nsite"\n').encode(),
        rows=[("c1", "2026-01-01T09:00:00", "web\nsite")],
    ),
    Case(
        "handled",
        "doubled quotes",
        "dq.csv",
        (H + 'c1,2026-01-01T09:00:00,"we""b"\n').encode(),
        rows=[("c1", "2026-01-01T09:00:00", 'we"b')],
    ),
    Case(
        "handled",
        "blank lines",
        "blank.csv",
        (H + "c1,2026-01-01T09:00:00,web\n\n").encode(),
        rows=[("c1", "2026-01-01T09:00:00", "web")],
        warning="skipped 1 blank line",
    ),
    Case(
        "handled",
        "text that looks like JSON",
        "brace.ndjson",
        _ndjson({**ROW, "touchpoint": "{web}"}),
        rows=[("a", "2026-01-01T09:00:00", "{web}")],
    ),
    # -- silent acceptance ------------------------------------------------------------------
    Case(
        "silent",
        "JSON object as touchpoint",
        "obj.ndjson",
        _ndjson(ROW, {**ROW, "touchpoint": {"a": 1}}),
        "line 2: column 'touchpoint' holds a JSON object '{\"a\": 1}'; expected text or a number",
    ),
    Case(
        "silent",
        "JSON array as customer",
        "arrid.ndjson",
        _ndjson({**ROW, "customer_id": [1, 2]}),
        "line 1: column 'customer_id' holds a JSON array '[1, 2]'; expected text or a number",
    ),
    Case(
        "silent",
        "naive and zoned times mixed",
        "mixed.csv",
        (
            H
            + "c1,2026-01-01T09:00:00+09:00,web\nc1,2026-01-01T10:00:00,phone\nc1,2026-01-01T11:00:00Z,web\n"
        ).encode(),
        rows=[
            ("c1", "2026-01-01T09:00:00+09:00", "web"),
            ("c1", "2026-01-01T10:00:00", "phone"),
            ("c1", "2026-01-01T11:00:00Z", "web"),
        ],
        warning="column 'timestamp' (the event time) mixes 2 times with a UTC offset and 1 without; the times without an offset were read as UTC (e.g. line 3: '2026-01-01T10:00:00') — give every time an offset, or none",
    ),
    Case(
        "silent",
        "naive and zoned times mixed (ndjson)",
        "mixed.ndjson",
        _ndjson({**ROW, "timestamp": "2026-01-01T09:00:00+09:00"}, ROW),
        rows=[("a", "2026-01-01T09:00:00+09:00", "web"), ("a", "2026-01-01T09:00:00", "web")],
        warning="column 'timestamp' (the event time) mixes 1 time with a UTC offset and 1 without; the times without an offset were read as UTC (e.g. line 2: '2026-01-01T09:00:00') — give every time an offset, or none",
    ),
]
IDS = [f"{c.cls}:{c.name}" for c in CASES]


def test_catalogue_counts():
    counts = {}
    for c in CASES:
        counts[c.cls] = counts.get(c.cls, 0) + 1
    assert counts == {"encoding": 14, "structure": 16, "handled": 5, "silent": 4}
    assert len(set(IDS)) == len(IDS)


def _fix_rows(case: Case) -> list | None:
    if case.name == "utf-8 after 64 KiB of ascii, then cp932":
        return None  # checked below: the whole file, in its own test
    return case.rows


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_python_api(case: Case, tmp_path):
    path = tmp_path / case.file
    path.write_bytes(case.data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case.message is not None:
            with pytest.raises(ca.EventLogError) as info:
                ca.read_events(path, encoding=case.encoding)
            assert str(info.value) == f"{path}: {case.message}"
            return
        lf = ca.read_events(path, encoding=case.encoding)
    got = [w for w in caught if issubclass(w.category, ca.EventLogWarning)]
    if case.warning:
        assert [str(w.message) for w in got] == [f"{path}: {case.warning}"]
        assert got[0].filename == __file__  # points at the user's call
    else:
        assert got == []
    rows = [r[:3] for r in lf.collect().rows()]
    expected = _fix_rows(case)
    if expected is not None:
        assert rows == expected


def test_late_legacy_bytes_send_the_file_to_the_whole_rule(tmp_path):
    path = tmp_path / "late.csv"
    path.write_bytes((H + "c0,2026-01-01T09:00:00,web\n" * 3000 + JA).encode("cp932"))
    rows = ca.read_events(path).collect().rows()
    assert len(rows) == 3002 and rows[-2:] == JA_ROWS


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.message],
    ids=[i for c, i in zip(CASES, IDS, strict=True) if c.message],
)
def test_discover_on_a_path(case: Case, tmp_path):
    path = tmp_path / case.file
    path.write_bytes(case.data)
    if case.encoding != "auto":
        pytest.skip("discover reads files with the automatic rule")
    with pytest.raises(ca.EventLogError) as info:
        ca.discover(path)
    assert str(info.value) == f"{path}: {case.message}"
    with pytest.raises(ca.EventLogError):
        ca.EventLog(str(path))


def test_discover_on_a_cp932_path(tmp_path):
    path = tmp_path / "sjis.csv"
    path.write_bytes(
        (
            "customer_id,timestamp,touchpoint,outcome\n"
            "c1,2026-01-01T09:00:00,コールセンター（電話）,\nc1,2026-01-01T10:00:00,ウェブ,purchase\n"
        ).encode("cp932")
    )
    found = ca.discover(path)
    labels = (
        {tp.label for tp in found.journey.graph.touchpoints.values()}
        if hasattr(found.journey.graph.touchpoints, "values")
        else {tp.label for tp in found.journey.graph.touchpoints}
    )
    assert "コールセンター（電話）" in labels


def test_mixed_times_in_memory_warn_once():
    import polars as pl

    frame = pl.DataFrame(
        {
            "customer_id": ["a", "a"],
            "timestamp": ["2026-01-01T09:00:00+09:00", "2026-01-01T10:00:00"],
            "touchpoint": ["web", "phone"],
        }
    )
    with pytest.warns(ca.EventLogWarning) as caught:
        ca.EventLog(frame, schema=ca.EventSchema(missing_outcome="resolved"))
    assert [str(w.message) for w in caught] == [
        "column 'timestamp' (the event time) mixes 1 time with a UTC offset and 1 without; "
        "the times without an offset were read as UTC (e.g. row 2: '2026-01-01T10:00:00') — "
        "give every time an offset, or none"
    ]


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cli(case: Case, tmp_path, capsys):
    path = tmp_path / case.file
    path.write_bytes(case.data)
    code, out, err = _cli(capsys, "discover", str(path), "--encoding", case.encoding, "--json")
    assert "Traceback" not in out + err
    if case.message is not None:
        assert code == 1, out
        assert err == f"cxkit: error: {path}: {case.message}\n"
        return
    if case.warning:
        assert f"cxkit: warning: {path}: {case.warning}\n" in err
    assert code == 0, err  # read, and discovered


def test_cli_unknown_encoding(tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_bytes((H + JA).encode())
    code, _, err = _cli(capsys, "discover", str(path), "--encoding", "latin1")
    assert code == 1
    assert err == (
        "cxkit: error: `encoding` must be 'auto' or one of 'utf-8', 'utf-8-sig', 'utf-16', "
        "'cp932', 'shift_jis', 'euc-jp', got 'latin1'\n"
    )

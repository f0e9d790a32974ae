"""One log in every file format analysts have — CSV in UTF-8, UTF-8 with a byte-order
mark and CP932 (what Japanese Excel writes), NDJSON, Parquet and Excel ``.xlsx`` —
gives the same answers from ``read_events`` and from ``cxkit discover``,
``attribution`` and ``drift``; a file in another encoding than the one given is a
one-line error naming the encoding, never mojibake."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from cxkit.analytics import EventLogError, read_events
from cxkit.cli import main

openpyxl = pytest.importorskip("openpyxl")

JST = dt.timezone(dt.timedelta(hours=9))
# customer, minutes after 2026-01-05 09:00 JST, touchpoint, outcome
EVENTS = [
    ("00123", 0, "ウェブ", None),
    ("00123", 30, "電話窓口", "purchase"),
    ("00456", 60, "ウェブ", "abandon"),
    ("00789", 90, "電話窓口", None),
    ("00789", 95, "店舗", "purchase"),
    ("01000", 120, "ウェブ", None),
    ("01000", 150, "店舗", "purchase"),
]
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=JST)
FRAME = pl.DataFrame(
    {
        "customer_id": [e[0] for e in EVENTS],
        "timestamp": [T0 + dt.timedelta(minutes=e[1]) for e in EVENTS],
        "touchpoint": [e[2] for e in EVENTS],
        "outcome": [e[3] for e in EVENTS],
    },
    schema_overrides={"timestamp": pl.Datetime("us", "Asia/Tokyo")},
)
CSV = FRAME.write_csv(datetime_format="%Y-%m-%dT%H:%M:%S%:z")


def _write(folder: Path, fmt: str) -> Path:
    if fmt == "parquet":
        path = folder / "events.parquet"
        FRAME.write_parquet(path)
    elif fmt == "ndjson":
        path = folder / "events.ndjson"
        text = FRAME.with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%:z"))
        path.write_text(text.write_ndjson(), encoding="utf-8")
    elif fmt == "xlsx":
        path = folder / "events.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(FRAME.columns)
        for who, minutes, tp, outcome in EVENTS:  # Excel dates have no zone: UTC, as read
            at = (T0 + dt.timedelta(minutes=minutes)).astimezone(dt.timezone.utc)
            ws.append([who, at.replace(tzinfo=None), tp, outcome])
        wb.save(path)
    else:
        path = folder / f"events_{fmt}.csv"
        data = {"utf-8": CSV.encode(), "utf-8-bom": b"\xef\xbb\xbf" + CSV.encode()}
        data["cp932"] = CSV.encode("cp932")
        path.write_bytes(data[fmt])
    return path


FORMATS = ["utf-8", "utf-8-bom", "cp932", "ndjson", "parquet", "xlsx"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("formats")
    return {fmt: _write(folder, fmt) for fmt in FORMATS}


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    body = json.loads(out)
    for key in ("events", "source"):  # the file name, which differs by format
        body.pop(key, None)
    return body


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_events_gives_the_same_log(files: dict[str, Path], fmt: str) -> None:
    frame = read_events(files[fmt]).collect()
    assert frame["customer_id"].to_list() == FRAME["customer_id"].to_list()  # 00123 stays
    assert frame["touchpoint"].to_list() == FRAME["touchpoint"].to_list()  # no mojibake
    assert frame["outcome"].to_list() == FRAME["outcome"].to_list()


@pytest.mark.parametrize("fmt", FORMATS[1:])
def test_every_command_answers_alike_in_every_format(
    files: dict[str, Path], fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = tmp_path / "design.yaml"
    assert main(["discover", str(files["utf-8"]), "-o", str(design)]) == 0
    capsys.readouterr()
    encoding = "cp932" if fmt == "cp932" else "auto"
    for command in (
        ["discover", "{}", "--json"],
        ["attribution", "{}", "--target", "purchase", "--json"],
        ["drift", str(design), "{}", "--json"],
    ):
        expected = _cli(capsys, *[str(files["utf-8"]) if a == "{}" else a for a in command])
        got = _cli(
            capsys,
            *[str(files[fmt]) if a == "{}" else a for a in command],
            "--encoding",
            encoding,
        )
        assert got == expected, (command[0], fmt)


def test_discover_counts_by_hand(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    body = _cli(capsys, "discover", str(files["xlsx"]), "--json")
    edges = {(e["source"], e["target"]): e["count"] for e in body["edges"]}  # type: ignore[attr-defined]
    assert edges[("ウェブ", "電話窓口")] == 1 and edges[("ウェブ", "店舗")] == 1
    assert edges[("電話窓口", "店舗")] == 1 and edges[("店舗", "purchase")] == 2
    assert body["n_events"] == 7 and body["n_customers"] == 4


@pytest.mark.parametrize("command", ["discover", "attribution", "drift"])
def test_a_wrong_encoding_is_named_on_every_command(
    files: dict[str, Path], command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(files["cp932"])
    args = ["drift", "retail_omnichannel", path] if command == "drift" else [command, path]
    code = main([*args, "--encoding", "utf-8"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.startswith(f"cxkit: error: {path}: line 2 (byte offset ")
    assert "are not valid UTF-8; expected the whole file in UTF-8 — check the encoding=… " in err
    assert err.count("\n") == 1


def test_a_file_no_candidate_decodes_names_the_encodings(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "customer_id,timestamp,touchpoint\nc1,2026-01-05T09:00:00Z,café\n".encode("latin-1")
    )
    with pytest.raises(EventLogError, match=r"pass encoding=… \(CLI --encoding\) if you know it"):
        read_events(path)

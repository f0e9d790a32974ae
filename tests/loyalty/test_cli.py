"""cxkit loyalty: text (en/ja), --json, --out, errors and escaping."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from cxkit.cli import main
from tests.loyalty.conftest import ROWS

NPS = [10, None, None, 8, None, None, None, 9, 6, None, None, 5, None, 3]
NPS += [None] * (len(ROWS) - len(NPS))


@pytest.fixture
def csv(tmp_path: Path) -> Path:
    c, d, a = zip(*ROWS, strict=True)
    p = tmp_path / "sales.csv"
    pl.DataFrame({"cust": c, "day": d, "amount": a, "nps": NPS}).write_csv(p)
    return p


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_report(capsys, csv):
    code, out, err = run(capsys, "loyalty", str(csv), "--customer-id", "cust", "--date", "day")
    assert code == 0, err
    assert "RFM summary — As of 2026-04-01" in out
    assert "Customers: 10   Transactions: 24" in out
    assert "Top 20 % of customers bring 65.4 % of revenue" in out  # 3000 / 4590
    assert out.count("10.0 %") >= 10  # one customer per segment


def test_japanese_report_has_no_english_labels(capsys, csv):
    code, out, _ = run(
        capsys,
        "loyalty",
        str(csv),
        "--customer-id",
        "cust",
        "--date",
        "day",
        "--lang",
        "ja",
        "--attitude",
        "nps",
    )
    assert code == 0
    assert "上位 20 % の顧客が売上の 65.4 % を占める" in out
    assert "優良顧客" in out and "真のロイヤル顧客" in out
    for word in ("Champions", "Segment", "Customers", "Top", "True loyals", "As of"):
        assert word not in out


def test_json_document(capsys, csv):
    code, out, _ = run(
        capsys,
        "loyalty",
        str(csv),
        "--customer-id",
        "cust",
        "--date",
        "day",
        "--json",
        "--attitude",
        "nps",
        "--top",
        "0.25",
    )
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["cxkit", "command", "rfm", "pareto", "matrix"]
    assert doc["command"] == "loyalty"
    assert doc["rfm"]["as_of"] == "2026-04-01"
    assert doc["rfm"]["bins"] == {
        "scores": 5,
        "ties": "min",
        "recency": "quantile",
        "frequency": "quantile",
        "monetary": "quantile",
    }
    assert doc["pareto"]["share"] == pytest.approx(3250 / 4590)
    segs = {s["segment"]: s["customers"] for s in doc["rfm"]["segments"]}
    assert segs["champions"] == 1 and "new" not in segs
    quads = {q["quadrant"]: q["customers"] for q in doc["matrix"]["quadrants"]}
    assert (quads["true_loyal"], quads["inertia"], quads["latent"]) == (1, 1, 1)
    assert (quads["low"], quads["no_answer"]) == (2, 5)


def test_out_csv_is_formula_safe(capsys, tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("customer_id,date,amount\n=HYPERLINK(1),2026-01-01,10\nb,2026-01-02,5\n")
    out = tmp_path / "seg.csv"
    code, _, err = run(capsys, "loyalty", str(p), "--out", str(out))
    assert code == 0, err
    written = pl.read_csv(out)
    assert "'=HYPERLINK(1)" in written["customer"].to_list()
    assert written.height == 2


def test_errors_are_one_line_without_traceback(capsys, csv):
    code, out, err = run(capsys, "loyalty", str(csv), "--customer-id", "cstu", "--date", "day")
    assert code == 1 and out == ""
    assert "cxkit: error: " in err and "did you mean 'cust'?" in err
    assert "Traceback" not in err
    code, _, err = run(
        capsys,
        "loyalty",
        str(csv),
        "--customer-id",
        "cust",
        "--date",
        "day",
        "--bins",
        "recency=9,3",
    )
    assert code == 1 and "must increase strictly" in err


def test_warnings_go_to_stderr(capsys, csv):
    code, out, err = run(
        capsys, "loyalty", str(csv), "--customer-id", "cust", "--date", "day", "--refunds", "drop"
    )
    assert code == 0
    assert "cxkit: warning: dropped 1 refund rows" in err
    assert "dropped 1 refund rows" in out  # also listed under Notes


def test_terminal_escapes_are_removed(capsys, tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("customer_id,date,amount\na,2026-01-01,x\x1b[31m\n")
    code, _, err = run(capsys, "loyalty", str(p))
    assert code == 1 and "\x1b" not in err and "expected a number" in err

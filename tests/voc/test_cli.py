"""cxkit voc: text in English and Japanese, --json, the fix list file, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from cxkit.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def events(small: pl.DataFrame, tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    small.write_csv(path)
    return path


def test_text_en_and_ja(capsys: pytest.CaptureFixture[str], events: Path) -> None:
    code, out, err = run(capsys, "voc", str(events), "--cost-per-contact", "400")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Call-reason impact" and "Churn lift (95 % interval)" in lines[1]
    assert lines[2].split()[:4] == ["1", "bill", "5", "3"] and "2.00 (" in lines[2]
    assert "2,000" in lines[2]
    code, out, err = run(capsys, "voc", str(events), "--lang", "ja")
    assert code == 0, err
    assert out.splitlines()[0] == "問い合わせ理由の影響" and "解約リフト" in out
    assert "Churn" not in out and "Call" not in out


def test_json_and_fix_list(
    capsys: pytest.CaptureFixture[str], events: Path, tmp_path: Path
) -> None:
    target = tmp_path / "fixes.md"
    code, out, err = run(
        capsys, "voc", str(events), "--json", "--top", "1", "--fix-list", str(target)
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["command"] == "voc" and [r["reason"] for r in doc["rows"]] == ["bill", "wifi"]
    assert doc["rows"][0]["churn_lift"] == pytest.approx(2.0)
    assert len(doc["fix_list"]) == 1 and doc["fix_list_file"] == str(target)
    assert "| 1 | bill |" in target.read_text("utf-8")


def test_undefined_lift_is_said(
    capsys: pytest.CaptureFixture[str], small: pl.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "bill.csv"
    small.filter(pl.col("customer_id").is_in(["a", "b", "f"])).write_csv(path)
    code, out, err = run(capsys, "voc", str(path))
    assert code == 0, err
    assert "undefined (every customer has this reason: no one to compare with)" in out
    assert "inf" not in out and "nan" not in out.lower()


def test_bad_input_is_one_clear_line(capsys: pytest.CaptureFixture[str], events: Path) -> None:
    code, _out, err = run(capsys, "voc", str(events), "--reason", "call_reasn")
    assert code == 1 and "Traceback" not in err
    assert "'call_reasn' (the call reason) is missing; did you mean 'call_reason'?" in err
    code, _, err = run(capsys, "voc", str(events), "--category", "complaint")
    assert code == 1 and "complaint category" in err
    code, _, err = run(capsys, "voc", str(events), "--fix-list", "fixes.xlsx")
    assert code == 1 and ".csv, .md or .json" in err

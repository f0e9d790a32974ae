"""cxkit discover / attribution / drift: through main() and once through the real
installed entry point (``python -m cxkit``)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

import cxkit as cx
from cxkit.cli import main


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory, sampler: Callable[..., pl.DataFrame]) -> Path:
    folder = tmp_path_factory.mktemp("logs")
    log = sampler(cx.load_journey("billing_inquiry"), 400, seed=21)
    log.write_parquet(folder / "events.parquet")
    # CSV with offsets in another time zone, NDJSON in UTC: the same events
    tokyo = log.with_columns(
        timestamp=pl.col("timestamp")
        .dt.convert_time_zone("Asia/Tokyo")
        .dt.to_string("%Y-%m-%dT%H:%M:%S%.f%:z")
    )
    tokyo.write_csv(folder / "events.csv")
    log.write_ndjson(folder / "events.ndjson")
    log.rename({"customer_id": "cust"}).write_csv(folder / "renamed.csv")
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_discover_writes_a_journey_that_validate_accepts(
    capsys: pytest.CaptureFixture[str], logs: Path, tmp_path: Path
) -> None:
    target = tmp_path / "observed.yaml"
    code, out, err = run(capsys, "discover", str(logs / "events.csv"), "-o", str(target))
    assert code == 0, err
    assert "Discovered journey: observed — " in out and "400 customers" in out
    assert f"wrote {target}" in out
    code, out, err = run(capsys, "validate", str(target))
    assert code == 0, err
    assert out.strip() == f"{target}: valid"
    journey = cx.load_journey(target)
    assert journey.id == "observed"
    assert journey.graph.touchpoint_ids == ("web_faq", "phone_queue", "agent")
    # an existing file is kept without --force
    code, _, err = run(capsys, "discover", str(logs / "events.csv"), "-o", str(target))
    assert code == 1 and "already exists; use --force" in err


def test_discover_prints_yaml_and_json(capsys: pytest.CaptureFixture[str], logs: Path) -> None:
    code, out, _ = run(capsys, "discover", str(logs / "events.parquet"))
    assert code == 0
    assert (
        cx.loads_journey(out).graph
        == cx.analytics.discover(pl.read_parquet(logs / "events.parquet"), decimals=4).journey.graph
    )
    code, out, _ = run(capsys, "discover", str(logs / "events.ndjson"), "--json", "--exact")
    doc = json.loads(out)
    assert list(doc)[:2] == ["cxkit", "command"] and doc["command"] == "discover"
    assert doc["valid"] is True and doc["output"] is None
    assert doc["n_customers"] == 400 and doc["journey"]["id"] == "discovered"
    assert {e["source"] for e in doc["edges"]} == {"web_faq", "phone_queue", "agent"}
    csv_doc = json.loads(run(capsys, "discover", str(logs / "events.csv"), "--json", "--exact")[1])
    # the same events read from CSV with +09:00 offsets and from NDJSON in UTC
    assert csv_doc["edges"] == doc["edges"] and csv_doc["journey"] == doc["journey"]


def test_attribution_on_events_and_on_a_journey(
    capsys: pytest.CaptureFixture[str], logs: Path
) -> None:
    code, out, _ = run(
        capsys, "attribution", str(logs / "events.parquet"), "--target", "resolved", "--json"
    )
    assert code == 0
    doc = json.loads(out)
    assert (doc["command"], doc["target"], doc["by"]) == ("attribution", "resolved", "touchpoint")
    assert sum(r["markov"] for r in doc["rows"]) == pytest.approx(1.0)
    assert doc["rows"][0]["touchpoint"] == "web_faq"
    code, out, _ = run(
        capsys, "attribution", "billing_inquiry", "--target", "resolved", "--lang", "ja"
    )
    assert code == 0
    assert "除去効果" in out and "web_faq" in out
    assert "0.7825" in out  # P(resolved) of the billing inquiry: 0.4 + 0.5·0.9·0.85


def test_drift_and_its_exit_code(
    capsys: pytest.CaptureFixture[str], logs: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "drift", "billing_inquiry", str(logs / "events.parquet"), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["command"] == "drift" and doc["journey"] == "billing_inquiry"
    assert doc["is_drifted"] is False and doc["counts"]["drifted"] == 0
    changed = cx.load_journey("billing_inquiry").with_handoff(
        "web_faq", "resolved", probability=0.1
    )
    path = cx.save_journey(changed, tmp_path / "changed.yaml")
    code, out, _ = run(capsys, "drift", str(path), str(logs / "events.parquet"), "--check")
    assert code == 1
    assert "drifted" in out and "web_faq → resolved" in out
    code, _, _ = run(capsys, "drift", str(path), str(logs / "events.parquet"))
    assert code == 0  # without --check a report is not a failure


def test_schema_options(capsys: pytest.CaptureFixture[str], logs: Path) -> None:
    code, _, err = run(capsys, "discover", str(logs / "renamed.csv"))
    assert code == 1
    assert err.startswith("cxkit: error: column 'customer_id' (the customer id) is missing")
    code, out, err = run(
        capsys, "discover", str(logs / "renamed.csv"), "--column", "customer=cust", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["n_customers"] == 400
    code, _, err = run(capsys, "attribution", str(logs / "renamed.csv"), "--column", "custmer=cust")
    assert code == 1 and "unknown field 'custmer'; did you mean 'customer'?" in err


def test_errors_are_one_line_never_a_traceback(
    capsys: pytest.CaptureFixture[str], logs: Path
) -> None:
    code, _, err = run(capsys, "discover", str(logs / "event.parquet"))
    assert code == 1
    assert err == (
        f"cxkit: error: {logs / 'event.parquet'}: no such file; did you mean 'events.parquet'?\n"
    )
    code, _, err = run(capsys, "attribution", str(logs / "events.parquet"), "--target", "purchse")
    assert code == 1 and "target outcome 'purchse' is never reached" in err
    code, _, err = run(capsys, "discover", "events.ods")
    assert code == 1 and "unsupported event-log format '.ods'" in err


def test_warnings_go_to_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, logs: Path
) -> None:
    log = pl.read_parquet(logs / "events.parquet")
    pl.concat([log, log.head(3)]).write_parquet(tmp_path / "dups.parquet")
    code, out, err = run(capsys, "discover", str(tmp_path / "dups.parquet"), "--json")
    assert code == 0
    assert err.startswith("cxkit: warning: dropped 3 duplicate events")
    assert json.loads(out)["warnings"] == [err.strip().removeprefix("cxkit: warning: ")]


def test_the_installed_entry_point(logs: Path, tmp_path: Path) -> None:
    target = tmp_path / "j.yaml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cxkit",
            "discover",
            str(logs / "events.parquet"),
            "-o",
            str(target),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["output"] == str(target) and doc["valid"] is True
    assert cx.validate_file(target) == []


def test_csv_ids_stay_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text(
        "customer_id,timestamp,touchpoint,outcome\n"
        "00123,2026-01-01T09:00:00+09:00,web,\n"
        "123,2026-01-01T09:00:00Z,web,purchase\n"
        "00123,2026-01-01T10:00:00+09:00,phone,resolved\n",
        encoding="utf-8",
    )
    assert cx.analytics.read_events(path).collect()["customer_id"].to_list() == [
        "00123",
        "123",
        "00123",
    ]
    code, out, _ = run(capsys, "discover", str(path), "--json")
    assert code == 0 and json.loads(out)["n_customers"] == 2

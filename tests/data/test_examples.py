"""The shipped example logs: they load, carry the documented columns and mess, and regenerate."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import polars as pl
import pytest

import cxkit as cx
from cxkit.core.errors import CxkitError
from cxkit.data import EVENT_COLUMNS, OPTIONAL_COLUMNS, example_path, list_examples, load_example
from cxkit.data.examples import EXAMPLES, examples_dir
from cxkit.data.make_examples import build_example, main

REPO = Path(__file__).resolve().parents[2]
NAMES = list_examples()


def test_the_two_examples_are_listed_and_their_templates_exist() -> None:
    assert NAMES == ["retail_omnichannel", "subscription_support"]
    for name in NAMES:
        assert EXAMPLES[name].template in cx.list_templates()


@pytest.mark.parametrize("name", NAMES)
def test_files_exist_small_and_both_formats_agree(name: str) -> None:
    for fmt in ("parquet", "csv"):
        path = example_path(name, format=fmt)
        assert path.is_file(), path
        assert path.stat().st_size < 1_000_000, (path, path.stat().st_size)
    parquet = load_example(name)
    csv = load_example(name, format="csv")
    assert parquet.equals(csv)
    assert parquet.height > 3_000


@pytest.mark.parametrize("name", NAMES)
def test_documented_columns_and_realistic_mess(name: str) -> None:
    events = load_example(name)
    assert events.columns == list(EVENT_COLUMNS)
    assert events.schema["timestamp"] == pl.Datetime("us", "Asia/Tokyo")
    assert events["customer_id"].n_unique() == EXAMPLES[name].n_customers
    # keys are never missing; every optional column has some nulls
    assert events.select("customer_id", "timestamp", "touchpoint", "channel").null_count().row(
        0
    ) == (0, 0, 0, 0)
    for col in OPTIONAL_COLUMNS:
        assert events[col].null_count() > 0, col
    # out-of-order rows, but no row equal in every column to another (a clean log)
    assert (events["timestamp"].diff().dt.total_seconds() < 0).sum() > 10
    assert events.height == events.unique().height
    # values in their documented ranges
    assert set(events["emotion"].drop_nulls().unique()) <= {
        "dissatisfied",
        "satisfied",
        "delighted",
    }
    assert events["effort"].drop_nulls().is_between(1, 5).all()
    assert events["csat"].drop_nulls().is_between(1, 5).all()
    assert events["nps"].drop_nulls().is_between(0, 10).all()
    assert (events["wait_s"].drop_nulls() >= 0).all()
    journey = cx.load_journey(EXAMPLES[name].template)
    assert set(events["touchpoint"].unique()) <= set(journey.graph.touchpoint_ids)
    assert set(events["outcome"].drop_nulls().unique()) <= set(journey.graph.outcome_ids)
    channel_of = {tp.id: tp.channel for tp in journey.graph.touchpoints}
    pairs = events.select("touchpoint", "channel").unique().iter_rows()
    assert all(channel_of[tp] == ch for tp, ch in pairs)


def test_readme_documents_every_column() -> None:
    readme = (examples_dir() / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", readme, flags=re.M))
    assert set(EVENT_COLUMNS) <= documented


@pytest.mark.parametrize("name", NAMES)
def test_regenerating_gives_identical_content(name: str) -> None:
    fresh = build_example(name)
    assert fresh.equals(load_example(name)), (
        f"{name}: the shipped example differs from a fresh generation (the generator or the "
        "template changed); run `python -m cxkit.data.make_examples` and commit the files"
    )


def test_make_examples_writes_and_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--out", str(tmp_path), "subscription_support"]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "subscription_support.csv",
        "subscription_support.parquet",
        "subscription_support_transactions.csv",
    ]
    assert pl.read_parquet(tmp_path / "subscription_support.parquet").equals(
        load_example("subscription_support")
    )
    assert main(["--out", str(tmp_path), "--check", "subscription_support"]) == 0
    # a stale file is reported
    pl.read_parquet(tmp_path / "subscription_support.parquet").head(10).write_parquet(
        tmp_path / "subscription_support.parquet"
    )
    assert main(["--out", str(tmp_path), "--check", "subscription_support"]) == 1
    assert "differs from a fresh generation" in capsys.readouterr().err
    assert main(["--out", str(tmp_path), "nope"]) == 2


def test_top_level_data_examples_is_a_link_to_the_package_folder() -> None:
    link = REPO / "data" / "examples"
    assert link.is_symlink()
    assert link.resolve() == examples_dir()


def test_bad_names_and_formats() -> None:
    with pytest.raises(CxkitError, match="did you mean 'subscription_support'"):
        load_example("subscription")
    with pytest.raises(CxkitError, match=r"`format` must be one of 'parquet', 'csv', got 'xlsx'"):
        example_path("retail_omnichannel", format="xlsx")  # type: ignore[arg-type]
    with pytest.raises(CxkitError, match="unknown example 42"):
        load_example(42)  # type: ignore[arg-type]


def test_csv_written_by_polars_reads_back(tmp_path):
    from cxkit.data.examples import read_events_csv

    events = load_example("retail_omnichannel")
    path = tmp_path / "events.csv"
    events.write_csv(path)  # offsets as +0900, without the colon
    back = read_events_csv(path)
    assert back.equals(events)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("name", NAMES)
def test_a_shipped_log_reads_without_a_warning(name: str, fmt: str) -> None:
    from cxkit.analytics import EventLog, EventLogWarning, read_events

    journey = cx.load_journey(EXAMPLES[name].template)  # declares the outcomes it uses
    with warnings.catch_warnings():
        warnings.simplefilter("error", EventLogWarning)
        log = EventLog(read_events(example_path(name, format=fmt)), journey=journey)
    assert log.n_events == load_example(name).height  # nothing dropped

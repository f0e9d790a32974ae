"""call_reason_chart: layers, ja/en labels, undefined lifts named, renders to PNG."""

from __future__ import annotations

import polars as pl
import pytest

from cxkit.core.errors import CxkitError
from cxkit.voc import call_reason_chart, call_reason_impact


def test_layers_and_labels(small: pl.DataFrame) -> None:
    t = call_reason_impact(small, cost_per_contact=400)
    spec = call_reason_chart(t).to_dict()
    bars, whiskers, one = spec["layer"]
    assert one["mark"]["strokeDash"] == [4, 3]  # the 1× reference
    assert bars["encoding"]["color"]["field"] == "cost"
    assert whiskers["encoding"]["x2"]["field"] == "churn_lift_high"
    values = spec["datasets"][bars["data"]["name"]]
    assert [(v["reason"], v["churn_lift"]) for v in values] == [("bill", 2.0), ("wifi", 1.0)]
    ja = call_reason_chart(call_reason_impact(small), lang="ja").to_dict()
    assert ja["title"]["text"].startswith("問い合わせ理由別の解約リフト")
    assert ja["layer"][0]["encoding"]["color"]["title"] == "接触数"
    assert ja["layer"][0]["encoding"]["y"]["title"] == "問い合わせ理由"


def test_undefined_lift_is_named_not_drawn(small: pl.DataFrame) -> None:
    t = call_reason_impact(small.filter(pl.col("customer_id").is_in(["a", "b", "f"])))
    spec = call_reason_chart(t, lang="ja").to_dict()
    assert spec["title"]["subtitle"] == ["算出不可: bill"]
    with pytest.raises(CxkitError, match="color"):
        call_reason_chart(t, color="size")


def test_renders_to_png(small: pl.DataFrame) -> None:
    vl_convert = pytest.importorskip("vl_convert")
    png = vl_convert.vegalite_to_png(call_reason_chart(call_reason_impact(small)).to_dict())
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000

"""The loyalty charts: specs with their labels in English and Japanese."""

from __future__ import annotations

import json

import polars as pl
import pytest

from cxkit.loyalty import loyalty_matrix, pareto, rfm
from cxkit.loyalty.charts import loyalty_matrix_chart, pareto_chart, rfm_grid
from tests.loyalty.conftest import AS_OF


@pytest.fixture
def result(sales):
    return rfm(sales, as_of=AS_OF)


def _texts(chart) -> str:
    return json.dumps(chart.to_dict(), ensure_ascii=False)


def test_rfm_grid_has_every_cell_and_its_segment(result):
    spec = rfm_grid(result, lang="ja").to_dict()
    values = spec["data"]["values"]
    assert len(values) == 25
    cell = next(v for v in values if (v["r_score"], v["f_score"]) == (3, 3))
    assert (cell["label"], cell["customers"], cell["monetary_mean"]) == ("要注意顧客", 1, 2000.0)
    assert spec["config"]["font"].startswith('"Noto Sans CJK JP"')
    text = _texts(rfm_grid(result, lang="ja", value="customers"))
    assert "顧客数" in text and "Customers" not in text


def test_pareto_chart_marks_the_top_share(result):
    text = _texts(pareto_chart(pareto(result), lang="en"))
    assert "Top 20 % of customers bring 65.4 % of revenue" in text
    ja = _texts(pareto_chart(pareto(result), lang="ja"))
    assert "上位 20 % の顧客が売上の 65.4 % を占める" in ja and "Share of" not in ja


def test_matrix_chart(result):
    answers = pl.DataFrame({"customer_id": ["c01", "c04"], "nps": [10, 2]})
    text = _texts(loyalty_matrix_chart(loyalty_matrix(result, answers), lang="en"))
    assert "True loyals" in text and "would leave for a better offer" in text
    assert "1 (10 %)" in text
    # 8 of the 10 customers did not answer: said under the title, in both languages
    assert "No attitude answer: 8 (80 %)" in text
    ja = _texts(loyalty_matrix_chart(loyalty_matrix(result, answers), lang="ja"))
    assert "態度データなし: 8 (80 %)" in ja and "True loyals" not in ja

"""The analytics on the logs of ``cxkit.data``: the shipped examples (noisy exports)
and logs generated from random journeys, against the journeys they came from."""

from __future__ import annotations

import math
import warnings

import polars as pl
import pytest

import cxkit as cx
from cxkit.analytics import EventLog, EventLogWarning, attribution, discover, drift
from cxkit.analytics._chain import Chain

data = pytest.importorskip("cxkit.data")

STRUCTURE = ("entry", "handoff", "outcome", "reach")


@pytest.mark.parametrize("name", ["retail_omnichannel", "subscription_support"])
def test_shipped_examples_match_their_templates(name: str) -> None:
    design = cx.load_journey(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", EventLogWarning)  # a shipped log is clean
        log = EventLog(data.load_example(name), journey=design)
    report = drift(design, log)
    structural = report.drifted.filter(pl.col("check").is_in(STRUCTURE))
    assert structural.height == 0, structural.select("check", "source", "target").rows()
    # the shipped CSV is the same log
    from_csv = discover(data.load_example(name, format="csv"), journey=design)
    from_parquet = discover(log, journey=design)
    assert from_csv.journey == from_parquet.journey


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_logs_give_back_random_journeys(seed: int) -> None:
    design = data.random_journey(8, seed=seed)
    log = data.generate_events(design, 6000, seed=seed)
    found = discover(log, journey=design)
    truth = {(u, v): d["probability"] for u, v, d in design.graph.nx.edges(data=True)}
    n_from = dict(found.edges.group_by("source").agg(pl.col("count").sum()).rows())
    for h in found.journey.handoffs:
        p = truth.get(h.key, 0.0)
        se = math.sqrt(max(p * (1 - p), 1e-12) / n_from[h.source])
        assert abs(h.probability - p) < 4.5 * se + 1e-9, (h.key, h.probability, p)
    # exact attribution of the design against the one estimated from its log
    exact = attribution(design, target="purchase").sort("touchpoint")
    observed = attribution(log, target="purchase").sort("touchpoint")
    assert exact["touchpoint"].to_list() == observed["touchpoint"].to_list()
    assert (exact["markov"] - observed["markov"]).abs().max() < 0.05
    # P(purchase) of the design's chain against the observed rate
    chain = Chain.from_journey(design)
    p = dict(zip(chain.outcomes, chain.outcome_probabilities(), strict=True))["purchase"]
    rate = found.outcomes.filter(outcome="purchase")["rate"][0]
    assert abs(rate - p) < 4.5 * math.sqrt(p * (1 - p) / found.n_journeys)

"""The ROI roadmap: what CX initiatives are worth, when they pay back, which to start when.

>>> import cxkit as cx
>>> plan = cx.roi.roadmap(cx.load_journey("roi_example_c"), n_sims=200, seed=1)
>>> plan.starts
{'crm': 1, 'faq': 1, 'chat': 2}

* :func:`evaluate` — each initiative against the baseline journey: Δ outcomes,
  contacts, cost to serve, FCR, CES, churn → value per period → cash flows → NPV,
  ROI, IRR, payback (plain and TEI risk-adjusted), with P10/P50/P90 from a Monte
  Carlo over the effects (model reference §4–§5).
* :func:`roadmap` — start periods under budgets and prerequisites (HiGHS MILP),
  then a joint re-simulation and the interaction gap.
* :func:`catalog` — built-in initiatives with default effects on any journey;
  :func:`merge_catalog` adds them to a journey's own (the journey's definition of an
  id wins).
* :func:`apply_effects` — a scenario journey; :func:`load_initiatives` — a
  stand-alone initiatives file.
* Cash flows (:mod:`cxkit.roi.finance`), sampling and percentiles
  (:mod:`cxkit.roi.uncertainty`) and the portfolio program (:mod:`cxkit.roi.portfolio`).
"""

from cxkit.io.initiatives_io import load_initiatives
from cxkit.roi.catalog import CATALOG_IDS, catalog, merge_catalog
from cxkit.roi.effects import apply_effects
from cxkit.roi.evaluate import (
    Evaluation,
    InitiativeResult,
    ScenarioSummary,
    Sensitivity,
    evaluate,
)
from cxkit.roi.finance import (
    CashFlowSummary,
    annual_to_period_rate,
    irr,
    npv,
    payback_period,
    present_value,
    roi,
    summarize_cash_flows,
    tei_adjust,
)
from cxkit.roi.planning import Roadmap, ScheduledInitiative, roadmap
from cxkit.roi.portfolio import (
    Candidate,
    CapacityLimit,
    PortfolioPlan,
    brute_force_portfolio,
    delay_values,
    optimize_portfolio,
)
from cxkit.roi.uncertainty import (
    PERCENTILE_CONVENTION,
    PercentileSummary,
    percentiles,
    sample,
    sample_pert,
    sample_triangular,
    sample_uniform,
    triangular_cdf,
    triangular_ppf,
)

__all__ = [
    "CATALOG_IDS",
    "PERCENTILE_CONVENTION",
    "Candidate",
    "CapacityLimit",
    "CashFlowSummary",
    "Evaluation",
    "InitiativeResult",
    "PercentileSummary",
    "PortfolioPlan",
    "Roadmap",
    "ScenarioSummary",
    "ScheduledInitiative",
    "Sensitivity",
    "annual_to_period_rate",
    "apply_effects",
    "brute_force_portfolio",
    "catalog",
    "delay_values",
    "evaluate",
    "irr",
    "load_initiatives",
    "merge_catalog",
    "npv",
    "optimize_portfolio",
    "payback_period",
    "percentiles",
    "present_value",
    "roadmap",
    "roi",
    "sample",
    "sample_pert",
    "sample_triangular",
    "sample_uniform",
    "summarize_cash_flows",
    "tei_adjust",
    "triangular_cdf",
    "triangular_ppf",
]

"""Omnichannel hand-off simulation: exact Markov analysis, Monte Carlo, queues, loyalty.

Examples
--------
>>> import cxkit as cx
>>> round(cx.sim.erlang_c(2, 1.0), 6)
0.333333
>>> r = cx.sim.exact(cx.load_journey("web_phone_faq"))
>>> round(r.absorption["resolved"], 6)
0.766667
"""

# Import the engines' functions explicitly: ``cxkit.sim.exact`` must be the function,
# not the submodule of the same name.
from cxkit.sim.exact import EdgeFlow, ExactResult, exact
from cxkit.sim.loyalty import (
    EffortChurnModel,
    ResolutionChurnModel,
    SBGFit,
    calibrate_base_churn,
    churn_from_effort,
    churn_from_outcomes,
    clv_constant,
    clv_elasticity,
    effort_disloyalty,
    proportional_hazard_retention,
    sbg_clv,
    sbg_fit,
    sbg_log_likelihood,
    sbg_pmf,
    sbg_retention,
    sbg_survival,
)
from cxkit.sim.montecarlo import ErlangAQueue, ErlangCQueue, compare, simulate
from cxkit.sim.queues import (
    ErlangAResult,
    StaffingResult,
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    occupancy,
    sample_waits,
    service_level,
    staffing,
    staffing_table,
    wait_exceedance,
)
from cxkit.sim.results import Comparison, Estimate, SimulationResult

__all__ = [
    "Comparison",
    "EdgeFlow",
    "EffortChurnModel",
    "ErlangAQueue",
    "ErlangAResult",
    "ErlangCQueue",
    "Estimate",
    "ExactResult",
    "ResolutionChurnModel",
    "SBGFit",
    "SimulationResult",
    "StaffingResult",
    "average_speed_of_answer",
    "calibrate_base_churn",
    "churn_from_effort",
    "churn_from_outcomes",
    "clv_constant",
    "clv_elasticity",
    "compare",
    "effort_disloyalty",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "exact",
    "occupancy",
    "proportional_hazard_retention",
    "sample_waits",
    "sbg_clv",
    "sbg_fit",
    "sbg_log_likelihood",
    "sbg_pmf",
    "sbg_retention",
    "sbg_survival",
    "service_level",
    "simulate",
    "staffing",
    "staffing_table",
    "wait_exceedance",
]

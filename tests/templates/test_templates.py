"""The built-in journey templates: valid, lossless, complete, and faithful to the model reference.

Every template is a test case: it loads without errors or warnings, survives a YAML
round trip, and its numbers are checked here — Example B (``web_phone_faq``) and
Example C (``roi_example_c``) against their golden values, the realistic templates for
plausibility (costs, first-contact resolution, absorption probabilities quoted in
their header comments).
"""

from __future__ import annotations

import itertools
import math
import re
import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pytest
import yaml
from pydantic import BaseModel

import cxkit as cx
from cxkit.io import dump_journey, loads_journey, template_path, validate_file
from cxkit.io.schema import JourneyFile

TEMPLATES = cx.list_templates()

#: The templates written for realistic journeys (10–30 steps each).
REALISTIC = {
    "retail_omnichannel",
    "subscription_support",
    "complaint_recovery_ja",
    "b2b_saas_onboarding",
}
#: Small templates that carry the golden examples of the model reference.
EXAMPLES = {"billing_inquiry", "web_phone_faq", "roi_example_c"}

#: Warnings a template's comments declare as intended: none.
INTENDED_WARNINGS: dict[str, set[tuple[str, str]]] = {}

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _raw(name: str) -> dict[str, Any]:
    return yaml.safe_load(template_path(name).read_text(encoding="utf-8"))


# -- an independent absorbing-chain calculation (model reference §3.2) ------------------------
class Chain:
    """Fundamental-matrix quantities of a journey's graph, computed from ``graph.nx``."""

    def __init__(self, journey: cx.Journey, start: Mapping[str, float] | None = None) -> None:
        g = journey.graph
        self.tps = list(g.touchpoint_ids)
        self.outs = list(g.outcome_ids)
        ti = {t: i for i, t in enumerate(self.tps)}
        oi = {o: i for i, o in enumerate(self.outs)}
        n = len(self.tps)
        self.Q = np.zeros((n, n))
        self.R = np.zeros((n, len(self.outs)))
        self.kappa = np.ones((n, n))
        for a, b, d in g.nx.edges(data=True):
            if b in ti:
                self.Q[ti[a], ti[b]] += d["probability"]
                self.kappa[ti[a], ti[b]] = d["context_carryover"]
            else:
                self.R[ti[a], oi[b]] += d["probability"]
        self.N = np.linalg.inv(np.eye(n) - self.Q)
        self.pi = np.zeros(n)
        for t, p in (start if start is not None else journey.start_distribution()).items():
            self.pi[ti[t]] = p
        self.visits = self.pi @ self.N
        self.index = ti
        self._oi = oi
        self._cost = np.array([g.touchpoint(t).cost_per_contact for t in self.tps])

    def absorption(self, outcome: str) -> float:
        return float((self.visits @ self.R)[self._oi[outcome]])

    @property
    def cost(self) -> float:
        return float(self.visits @ self._cost)

    @property
    def repeat_explanations(self) -> float:
        return float(self.visits @ (self.Q * (1 - self.kappa)).sum(axis=1))

    @property
    def spectral_radius(self) -> float:
        return float(max(abs(np.linalg.eigvals(self.Q)), default=0.0))


def _apply_fixed(journey: cx.Journey, initiative_ids: list[str]) -> cx.Journey:
    """Apply the hand-off effects of some initiatives, in order; they must be fixed."""
    by_id = {i.id: i for i in journey.initiatives}
    for ini_id in initiative_ids:
        for eff in by_id[ini_id].effects:
            kind, _, rest = eff.target.partition(":")
            if kind != "handoff":
                continue  # touchpoint handle times do not change the chain
            assert eff.distribution == "fixed", (ini_id, eff)
            src, dst = rest.split("->")
            current = getattr(journey.graph.handoff(src, dst), eff.field)
            value = eff.mode if eff.change == "set" else current + eff.mode
            journey = journey.with_handoff(src, dst, **{eff.field: value})
    return journey


# -- every template ----------------------------------------------------------------------
def test_the_expected_templates_exist():
    assert set(TEMPLATES) == REALISTIC | EXAMPLES


@pytest.mark.parametrize("name", TEMPLATES)
def test_loads_without_errors_and_only_intended_warnings(name):
    problems = validate_file(template_path(name))
    assert [p for p in problems if p.severity == "error"] == []
    warnings = {(p.code, p.path) for p in problems if p.severity == "warning"}
    assert warnings == INTENDED_WARNINGS.get(name, set())
    # strict loading turns warnings into errors: it must succeed too
    assert cx.load_journey(template_path(name), strict=True).id == name


@pytest.mark.parametrize("name", TEMPLATES)
def test_round_trip_is_lossless_and_stable(name):
    journey = cx.load_journey(name)
    text = dump_journey(journey)
    again = loads_journey(text)
    assert again == journey
    assert dump_journey(again) == text


@pytest.mark.parametrize("name", TEMPLATES)
def test_id_is_the_file_name(name):
    assert cx.load_journey(name).id == name == _raw(name)["id"]


@pytest.mark.parametrize("name", sorted(REALISTIC))
def test_realistic_templates_have_10_to_30_steps(name):
    journey = cx.load_journey(name)
    assert 10 <= len(journey.steps) <= 30
    assert "example" not in journey.tags
    assert all(s.id for s in journey.steps)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_templates_are_tagged(name):
    assert "example" in cx.load_journey(name).tags


@pytest.mark.parametrize("name", TEMPLATES)
def test_chain_is_absorbing_and_touchpoints_are_reachable_with_positive_probability(name):
    journey = cx.load_journey(name)
    chain = Chain(journey)
    assert chain.spectral_radius < 1
    assert math.isclose(sum(chain.absorption(o) for o in chain.outs), 1.0, abs_tol=1e-9)
    # reachable through hand-offs of positive probability from a positive entry —
    # stricter than the validator, which also follows probability-0 hand-offs
    g = journey.graph
    starts = {t for t, p in journey.start_distribution().items() if p > 0}
    for reason in g.call_reasons:
        starts |= {t for t, p in reason.entry.items() if p > 0}
    seen, todo = set(starts), list(starts)
    while todo:
        node = todo.pop()
        for _, target, d in g.nx.out_edges(node, data=True):
            if d["probability"] > 0 and target not in seen:
                seen.add(target)
                todo.append(target)
    assert set(g.touchpoint_ids) <= seen


# -- the format is fully exercised ------------------------------------------------------
def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The schema classes inside a field annotation (list[X], X | None, Annotated…)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    origin = typing.get_origin(annotation)
    if origin is None:
        return
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        args = args[:1]
    elif origin not in (list, tuple, dict, typing.Union, types.UnionType):
        return
    for arg in args:
        yield from _models_in(arg)


def _field_name(model: type[BaseModel], key: str) -> str | None:
    for name, f in model.model_fields.items():
        if key in (name, f.alias):
            return name
    return None


def _schema_keys(model: type[BaseModel], out: dict[str, set[str]]) -> None:
    if model.__name__ in out:
        return
    out[model.__name__] = {f.alias or name for name, f in model.model_fields.items()}
    for f in model.model_fields.values():
        for sub in _models_in(f.annotation):
            _schema_keys(sub, out)


def _used_keys(model: type[BaseModel], data: Any, out: dict[str, set[str]]) -> None:
    if not isinstance(data, dict):
        return  # e.g. the string shorthand of a prerequisite
    for key, value in data.items():
        name = _field_name(model, key)
        assert name is not None, f"{model.__name__} has no field {key!r}"
        out.setdefault(model.__name__, set()).add(key)
        for sub in _models_in(model.model_fields[name].annotation):
            for item in value if isinstance(value, list) else [value]:
                _used_keys(sub, item, out)


def test_every_field_of_the_format_is_used_by_some_template():
    expected: dict[str, set[str]] = {}
    _schema_keys(JourneyFile, expected)
    used: dict[str, set[str]] = {}
    for name in TEMPLATES:
        _used_keys(JourneyFile, _raw(name), used)
    missing = {cls: sorted(keys - used.get(cls, set())) for cls, keys in expected.items()}
    assert {cls: keys for cls, keys in missing.items() if keys} == {}
    # the walk really covered the nested schemas
    assert {"StepSchema", "HandoffSchema", "EffectSchema", "PrerequisiteSchema"} <= set(used)


def _all(section: str, key: str | None = None) -> list[Any]:
    out = []
    for name in TEMPLATES:
        for item in _raw(name).get(section, []) or []:
            out.append(item if key is None else item.get(key))
    return out


def _effects() -> list[dict[str, Any]]:
    return [e for ini in _all("initiatives") for e in ini.get("effects", [])]


def test_every_choice_of_the_format_is_used():
    assert set(_all("outcomes", "kind")) == {"purchase", "resolved", "churn", "abandon", "other"}
    assert {-1, 1} <= set(_all("outcomes", "value_sign"))
    assert set(_all("touchpoints", "kind")) == {"marketing", "sales", "service"}
    assert set(_all("steps", "evidence")) >= {"assumed", "observed", "measured"}
    emotions = set(_all("steps", "emotion")) - {None}
    assert emotions & {"dissatisfied", "satisfied", "delighted"}
    assert emotions >= {"不満", "満足", "感動"}
    effects = _effects()
    assert {e.get("distribution", "triangular") for e in effects} == {
        "triangular",
        "pert",
        "uniform",
        "fixed",
    }
    assert {e.get("change", "set") for e in effects} == {"set", "add", "multiply", "at_least"}
    targets = [e["target"] for e in effects]
    assert any(re.fullmatch(r"handoff:\w+->\w+", t) for t in targets)
    assert any(
        re.fullmatch(r"handoffs:\*->\w+", e["target"]) and e.get("channel_switch_only")
        for e in effects
    )
    assert any(re.fullmatch(r"handoffs:\w+->\*", t) for t in targets)
    assert any(t.startswith("touchpoint:") for t in targets)
    assert any(t.startswith("step:") for t in targets)
    assert any(t.startswith("parameter:effort.") for t in targets)
    assert any(t.startswith("parameter:emotion.") for t in targets)
    assert any(e["target"].startswith("reroute:") and e.get("via") for e in effects)
    assert any(t.startswith("touchpoints:@") for t in targets)
    assert any(e.get("transfer_only") for e in effects)
    assert any(e.get("repeat_only") for e in effects)
    added = [h for ini in _all("initiatives") for h in ini.get("add_handoffs", [])]
    assert any(h["to"].startswith("=") for h in added)  # an outcome-kind pattern
    assert any(h.get("transfer") for h in added)
    estimates = [ini.get(k) for ini in _all("initiatives") for k in ("npv", "benefit_per_period")]
    estimates += [_raw(n).get("economics", {}).get("phi") for n in TEMPLATES]
    assert any(isinstance(x, (int, float)) for x in estimates)  # plain numbers are fixed
    assert any(isinstance(x, dict) and "distribution" in x for x in estimates)
    prerequisites = [p for ini in _all("initiatives") for p in ini.get("prerequisites", [])]
    assert any(isinstance(p, str) for p in prerequisites)
    assert any(isinstance(p, dict) and p.get("lag", 1) != 1 for p in prerequisites)
    assert any(ini.get("excludes") for ini in _all("initiatives"))
    assert any(c.get("parent") and c.get("names", {}).get("ja") for c in _all("channels"))
    assert any(h.get("transfer") for h in _all("handoffs"))
    assert any(h["from"] == h["to"] for h in _all("handoffs"))  # repeat-contact loops


@pytest.mark.parametrize("name", TEMPLATES)
def test_exclusions_are_mutual(name):
    journey = cx.load_journey(name)
    excludes = {i.id: set(i.excludes) for i in journey.initiatives}
    for ini, others in excludes.items():
        for other in others:
            assert ini in excludes[other], (ini, other)


# -- Example B: web_phone_faq ------------------------------------------------------------
@pytest.fixture(scope="module")
def example_b() -> cx.Journey:
    return cx.load_journey("web_phone_faq")


def test_example_b_graph_is_exactly_models_md(example_b):
    g = example_b.graph
    edges = {
        h.key: (h.probability, h.context_carryover)
        for h in g.handoffs
        if g.has_touchpoint(h.target)
    }
    assert edges == {("web", "phone"): (0.3, 0.0), ("phone", "phone"): (0.1, 0.5)}
    probs = {h.key: h.probability for h in g.handoffs}
    assert probs == {
        ("web", "resolved"): 0.5,
        ("web", "phone"): 0.3,
        ("web", "churn"): 0.2,
        ("phone", "resolved"): 0.8,
        ("phone", "phone"): 0.1,
        ("phone", "churn"): 0.1,
    }
    assert dict(g.entry) == {"web": 1.0}
    assert [(t.id, t.channel, t.cost_per_contact) for t in g.touchpoints] == [
        ("web", "web", 10),
        ("phone", "phone", 600),
    ]
    assert {(o.id, o.kind.value) for o in g.outcomes} == {
        ("resolved", "resolved"),
        ("churn", "churn"),
    }
    assert g.remainder("web") == g.remainder("phone") == 0


def test_example_b_golden_numbers(example_b):
    chain = Chain(example_b)
    np.testing.assert_allclose(chain.N, [[1, 1 / 3], [0, 10 / 9]], atol=1e-12)
    assert math.isclose(chain.N.sum(axis=1)[0], 4 / 3, abs_tol=1e-12)
    assert math.isclose(chain.absorption("resolved"), 23 / 30, abs_tol=1e-12)
    assert math.isclose(chain.absorption("churn"), 7 / 30, abs_tol=1e-12)
    assert math.isclose(chain.cost, 210.0, abs_tol=1e-9)
    assert math.isclose(chain.repeat_explanations, 0.316667, abs_tol=1e-6)
    assert math.isclose(chain.repeat_explanations, 0.3 + 0.5 / 30, abs_tol=1e-12)


def test_example_b_removal_effects(example_b):
    base = Chain(example_b).absorption("resolved")
    without_phone = Chain(example_b.with_handoff("web", "phone", probability=0.0))
    re_phone = 1 - without_phone.absorption("resolved") / base
    re_web = 1.0  # every journey starts at web: removing it leaves nothing
    assert math.isclose(re_phone, 8 / 23, abs_tol=1e-12)
    assert math.isclose(re_web / (re_web + re_phone), 23 / 31, abs_tol=1e-12)
    assert math.isclose(re_phone / (re_web + re_phone), 8 / 31, abs_tol=1e-12)


def test_example_b_initiatives(example_b):
    faq = Chain(_apply_fixed(example_b, ["faq"]))
    assert math.isclose(faq.absorption("resolved"), 7 / 9, abs_tol=1e-12)
    assert math.isclose(faq.absorption("churn"), 2 / 9, abs_tol=1e-12)
    assert math.isclose(faq.N.sum(axis=1)[0], 11 / 9, abs_tol=1e-12)
    assert math.isclose(faq.cost, 10 + 600 * 2 / 9, abs_tol=1e-9)
    assert round(faq.cost, 2) == 143.33
    assert round(Chain(example_b).cost - faq.cost, 2) == 66.67
    crm = Chain(_apply_fixed(example_b, ["crm", "same_operator"]))
    assert crm.repeat_explanations == 0
    assert math.isclose(Chain(_apply_fixed(example_b, ["crm"])).repeat_explanations, 1 / 60)
    routing = {i.id: i for i in example_b.initiatives}["same_operator"]
    assert [p.id for p in routing.prerequisites] == ["crm"]


# -- Example C: roi_example_c ------------------------------------------------------------
@pytest.fixture(scope="module")
def example_c() -> cx.Journey:
    return cx.load_journey("roi_example_c")


def _resolution_shares(journey: cx.Journey) -> tuple[float, float, float]:
    """(first-contact resolution, resolved in ≥ 2 contacts, unresolved)."""
    g = journey.graph
    fcr = sum(
        p * h.probability
        for t, p in journey.start_distribution().items()
        for h in g.handoffs_from(t)
        if h.target == "resolved"
    )
    resolved = Chain(journey).absorption("resolved")
    return fcr, resolved - fcr, 1 - resolved


def test_example_c_resolution_shares(example_c):
    np.testing.assert_allclose(_resolution_shares(example_c), (0.70, 0.20, 0.10), atol=1e-12)
    after = _apply_fixed(example_c, ["faq"])  # the FCR initiative of C1
    np.testing.assert_allclose(_resolution_shares(after), (0.80, 0.15, 0.05), atol=1e-12)


def test_example_c_economics_reproduce_c1(example_c):
    econ = example_c.economics
    assert (econ.margin_per_customer, econ.discount_rate, econ.horizon_years) == (100, 0.10, 3)
    assert (econ.contact_rate, econ.baseline_churn, econ.period) == (0.5, 0.2, "year")
    d = np.array([0.05, 0.09, 0.25])
    before = float(np.dot(_resolution_shares(example_c), d))
    assert math.isclose(before, 0.078, abs_tol=1e-12)
    c_base = econ.baseline_churn - econ.contact_rate * before
    assert math.isclose(c_base, 0.161, abs_tol=1e-12)
    churn_after = c_base + econ.contact_rate * float(np.dot((0.80, 0.15, 0.05), d))
    assert math.isclose(churn_after, 0.194, abs_tol=1e-12)

    def clv(r: float) -> float:
        m, dr = econ.margin_per_customer, econ.discount_rate
        return m * r / (1 + dr - r)

    assert round(clv(1 - econ.baseline_churn), 4) == 266.6667
    assert round(clv(1 - churn_after), 4) == 274.1497
    # customers link C1 to C2: the retained margin is C2's 30,000 a year
    delta = (econ.baseline_churn - churn_after) * econ.margin_per_customer * econ.customers
    assert math.isclose(delta, 30_000, rel_tol=1e-9)


def test_example_c_portfolio_inputs_reproduce_c4(example_c):
    every = {i.id: i for i in example_c.initiatives}
    # C2/C3's yearly business case: its cost is far above C4's budgets
    case = every.pop("fcr_case")
    assert (case.cost_one_off, case.cost_per_period, case.cash_flow_period) == (
        50_000,
        5_000,
        "year",
    )
    bpp = case.benefit_per_period
    assert (bpp.low, bpp.mode, bpp.high, bpp.distribution.value) == (
        20_000,
        30_000,
        40_000,
        "triangular",
    )
    assert case.cost_one_off > max(example_c.economics.budgets)
    inis = every
    assert {k: v.cost_one_off for k, v in inis.items()} == {
        "crm": 60,
        "cti": 30,
        "faq": 40,
        "chat": 50,
    }
    prereq = {k: [(p.id, p.lag) for p in v.prerequisites] for k, v in inis.items()}
    assert prereq == {"crm": [], "cti": [("crm", 1)], "faq": [], "chat": [("faq", 1)]}
    econ = example_c.economics
    assert {k: v.npv.mode for k, v in inis.items()} == {
        "crm": 100,
        "cti": 40,
        "faq": 70,
        "chat": 60,
    }
    assert all(v.npv.is_fixed for v in inis.values())
    assert econ.budgets == (100, 60)
    assert (econ.carry_over, econ.start_discount, econ.cash_flow_period) == (False, 0.9, "quarter")
    # brute force over start quarters (0 = not selected) with the template's numbers
    npv = {k: v.npv.mode for k, v in inis.items()}
    budget = dict(enumerate(econ.budgets, start=1))
    ids = list(inis)
    best: tuple[float, dict[str, int]] = (-1.0, {})
    for starts in itertools.product((0, 1, 2), repeat=len(ids)):
        plan = dict(zip(ids, starts, strict=True))
        spend = {q: sum(inis[i].cost_one_off for i in ids if plan[i] == q) for q in budget}
        if any(spend[q] > budget[q] for q in budget):
            continue
        if any(
            plan[i] and not (plan[p.id] and plan[p.id] + p.lag <= plan[i])
            for i in ids
            for p in inis[i].prerequisites
        ):
            continue
        value = sum(npv[i] * econ.start_discount ** (plan[i] - 1) for i in ids if plan[i])
        if value > best[0] + 1e-9:
            best = (value, plan)
    assert math.isclose(best[0], 224.0)
    assert best[1] == {"crm": 1, "cti": 0, "faq": 1, "chat": 2}


def test_example_c_chat_is_added_by_its_initiative(example_c):
    assert "chat" not in example_c.graph.touchpoint_ids
    chat = {i.id: i for i in example_c.initiatives}["chat"]
    assert [(t.id, t.channel) for t in chat.add_touchpoints] == [("chat", "chat")]
    assert [(h.source, h.target, h.probability) for h in chat.add_handoffs] == [
        ("chat", "resolved", 0.8)
    ]
    (reroute,) = chat.effects
    assert (reroute.target, reroute.via) == ("reroute:first_contact->repeat_contact", "chat")
    assert 0 < reroute.low <= reroute.mode <= reroute.high <= 1
    assert example_c.economics.phi.is_fixed and example_c.economics.phi.mode == 1.0


# -- the Japanese complaint journey -------------------------------------------------------
def test_complaint_recovery_is_japanese():
    journey = cx.load_journey("complaint_recovery_ja")
    raw = _raw("complaint_recovery_ja")
    assert journey.language == "ja"
    g = journey.graph
    labels = [
        journey.title,
        journey.description,
        journey.persona.name,
        *journey.persona.goals,
        *journey.persona.frustrations,
        *(s.label for s in journey.stages),
        *(t.label for t in g.touchpoints),
        *(t.owner for t in g.touchpoints),
        *(o.label for o in g.outcomes),
        *(c.label for c in g.call_reasons),
        *(s.action for s in journey.steps),
        *(p for s in journey.steps for p in s.pain_points),
        *(i.label for i in journey.initiatives),
        *(i.category for i in journey.initiatives),
        g.channel("visit").label("ja"),
    ]
    assert all(JAPANESE.search(text) for text in labels), [
        t for t in labels if not JAPANESE.search(t)
    ]
    for word in ("店舗", "コールセンター", "電話", "上席エスカレーション", "お詫び訪問"):
        assert word in template_path("complaint_recovery_ja").read_text(encoding="utf-8")
    explicit = [s["emotion"] for s in raw["steps"] if "emotion" in s]
    assert set(explicit) == {"不満", "満足", "感動"}
    assert journey.params.emotion.peak == "worst"


def test_complaint_recovery_is_remembered_by_its_worst_moment():
    journey = cx.load_journey("complaint_recovery_ja")
    evaluation = journey.evaluate()
    valences = [s.valence for s in evaluation.steps_with_valence]
    assert evaluation.aggregate.peak == min(valences) == -20  # the 12-minute queue
    assert evaluation.aggregate.end == valences[-1] == 3
    assert evaluation.aggregate.emotion.label("ja") == "不満"
    # the same journey judged by its most intense moment would look the same here, but
    # a recovery journey judged by its best moment would not: peak is the minimum
    assert evaluation.aggregate.peak_end == (-20 + 3) / 2


# -- plausibility of the realistic templates ---------------------------------------------
#: Cost per contact (JPY) of B2C service channels: web visit 10, chat 300, email 400,
#: web form 450 (answered by email).
B2C_COSTS = {"web": 10, "chat": 300, "email": 400, "webform": 450}
#: Phone touchpoints that are not front-line agents: (cost range, handle-time range).
PHONE_EXCEPTIONS = {
    "ivr": ((0, 100), (0, 120)),  # menu and queue, no agent
    "escalation": ((2000, 3000), (1200, 2400)),  # a supervisor's 30-minute call
}


@pytest.mark.parametrize(
    "name", ["retail_omnichannel", "subscription_support", "complaint_recovery_ja"]
)
def test_b2c_costs_and_handle_times_are_plausible(name):
    g = cx.load_journey(name).graph
    phone = [t for t in g.touchpoints if t.channel == "phone"]
    assert phone
    for t in phone:
        (c_low, c_high), (h_low, h_high) = PHONE_EXCEPTIONS.get(t.id, ((600, 900), (300, 600)))
        assert c_low <= t.cost_per_contact <= c_high, t
        assert h_low <= t.handle_time_s <= h_high, t
    for t in g.touchpoints:
        if t.kind.value == "service" and t.channel in B2C_COSTS:
            assert t.cost_per_contact == B2C_COSTS[t.channel], t


def test_subscription_first_call_resolution_is_in_the_benchmark_range():
    g = cx.load_journey("subscription_support").graph
    assert 0.67 <= g.handoff("phone_agent", "resolved").probability <= 0.80
    reasons = {c.id: c for c in g.call_reasons}
    assert len(reasons) == 4
    assert len({c.share for c in reasons.values()}) == 4
    assert len({c.expected_wait_s for c in reasons.values()}) == 4
    assert len({tuple(sorted(c.entry.items())) for c in reasons.values()}) == 4
    # the global entry is the share-weighted mix of the reasons' entries
    mix: dict[str, float] = {}
    for c in reasons.values():
        for t, p in c.entry.items():
            mix[t] = mix.get(t, 0.0) + c.share * p
    assert mix == pytest.approx(dict(g.entry), abs=1e-12)
    # repeat callers loop and tier 1 transfers
    assert g.handoff("phone_agent", "phone_agent").context_carryover < 1
    assert g.handoff("phone_agent", "tech_support").transfer


#: Absorption probabilities quoted in each template's header comment.
QUOTED = {
    "retail_omnichannel": ({"purchase": 0.154, "abandon": 0.837, "churn": 0.010}, 248),
    "subscription_support": (
        {"resolved": 0.710, "saved": 0.032, "churn": 0.064, "abandon": 0.194},
        770,
    ),
    "complaint_recovery_ja": (
        {"resolved": 0.627, "fan": 0.075, "churn": 0.086, "abandon": 0.202, "flame": 0.010},
        10_800,
    ),
    "b2b_saas_onboarding": ({"activated": 0.29}, 31_800),
}


@pytest.mark.parametrize("name", sorted(QUOTED))
def test_header_comments_quote_the_chain(name):
    journey = cx.load_journey(name)
    chain = Chain(journey)
    probabilities, cost = QUOTED[name]
    for outcome, value in probabilities.items():
        digits = len(str(value).split(".")[1])
        assert round(chain.absorption(outcome), digits) == value, outcome
    assert chain.cost == pytest.approx(cost, rel=0.01)


def test_b2b_signed_accounts_mostly_activate():
    journey = cx.load_journey("b2b_saas_onboarding")
    chain = Chain(journey, start={"contract": 1.0})
    assert round(chain.absorption("activated"), 2) == 0.72
    assert round(chain.absorption("churn"), 2) == 0.03
    channels = {c.id: c for c in journey.graph.channels}
    assert channels["slack_connect"].label("ja") == "Slackコネクト"
    assert channels["in_app"].parent == "web"

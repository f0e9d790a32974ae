"""pydantic schemas of the journey YAML format (``docs/reference/yaml.md``).

The schemas check shapes and types at the edge — unknown keys are rejected
(``extra="forbid"``), numbers must be numbers (a quoted ``"0.5"`` is refused),
scores must be in range. Cross-references are checked afterwards by
:func:`cxkit.core.validate.validate_journey`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from cxkit.core.validate import MAX_TEXT_CHARS, text_problem

__all__ = ["FORMAT_VERSION", "MAX_TEXT_CHARS", "JourneyFile"]

#: The ``cxkit:`` key at the top of a journey file.
FORMAT_VERSION = 1


def _scalar_text(value: Any) -> Any:
    """Accept numbers where text is expected (a label ``2026``), never booleans."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _text(value: str) -> str:
    """The one text rule of :func:`cxkit.core.validate.text_problem` (also on write)."""
    found = text_problem(value)
    if found is not None:
        raise PydanticCustomError("cxkit_text", found[0], {"expected": found[1]})
    return value


Text = Annotated[str, BeforeValidator(_scalar_text), AfterValidator(_text)]
Id = Annotated[
    str,
    BeforeValidator(_scalar_text),
    StringConstraints(pattern=r"^[\w][\w.\-]*$", max_length=80),
]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Score = Annotated[float, Field(ge=0.0, le=10.0)]
Ces = Annotated[float, Field(ge=1.0, le=5.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
EmotionName = Literal["dissatisfied", "satisfied", "delighted", "不満", "満足", "感動"]


class _Schema(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, allow_inf_nan=False, populate_by_name=True
    )


class PersonaSchema(_Schema):
    name: Text = ""
    description: Text | None = None
    goals: list[Text] = []
    frustrations: list[Text] = []


class StageSchema(_Schema):
    id: Id
    label: Text = ""
    description: Text | None = None


class ChannelSchema(_Schema):
    id: Id
    name: Text = ""
    parent: Id | None = None
    names: dict[str, Text] = {}


class TouchpointSchema(_Schema):
    id: Id
    label: Text = ""
    channel: Id
    kind: Literal["marketing", "sales", "service"] = "service"
    owner: Text | None = None
    cost_per_contact: NonNegative = 0.0
    handle_time_s: NonNegative = 0.0
    capacity: NonNegative | None = None
    description: Text | None = None


class OutcomeSchema(_Schema):
    id: Id
    label: Text = ""
    kind: Literal["purchase", "resolved", "churn", "abandon", "other"] = "other"
    value_sign: Literal[-1, 0, 1] | None = None


class CallReasonSchema(_Schema):
    id: Id
    label: Text = ""
    share: Probability = 1.0
    entry: dict[Id, Probability] = {}
    expectations: dict[Id, Score] = {}
    expected_wait_s: NonNegative | None = None


class HandoffSchema(_Schema):
    source: Id = Field(alias="from")
    target: Id = Field(alias="to")
    probability: Probability
    context_carryover: Probability = 1.0
    reexplain_effort: NonNegative | None = None
    reexplain_time_s: NonNegative | None = None
    wait_s: NonNegative = 0.0
    transfer: bool = False
    label: Text | None = None


class StepSchema(_Schema):
    id: Id | None = None
    stage: Id
    touchpoint: Id
    action: Text = ""
    call_reason: Id | None = None
    expectation: Score | None = None
    experience: Score | None = None
    emotion: EmotionName | None = None
    effort: Ces | None = None
    wait_s: NonNegative | None = None
    expected_wait_s: NonNegative | None = None
    context_lost: bool = False
    transfer: bool = False
    repeat_contact: bool = False
    pain_points: list[Text] = []
    opportunities: list[Text] = []
    evidence: Literal["assumed", "observed", "measured"] = "assumed"
    notes: Text | None = None
    frontstage: list[Text] = []
    backstage: list[Text] = []
    support: list[Text] = []


class EmotionParamsSchema(_Schema):
    beta_p: NonNegative | None = None
    beta_plus: NonNegative | None = None
    beta_minus: NonNegative | None = None
    tau_minus: NonNegative | None = None
    tau_plus: NonNegative | None = None
    eta: Probability | None = None
    expected_wait_s: NonNegative | None = None
    wait_seconds_per_point: Annotated[float, Field(gt=0.0)] | None = None
    w_pe: Probability | None = None
    recency_decay: Annotated[float, Field(gt=0.0, le=1.0)] | None = None
    peak: Literal["intense", "worst"] | None = None


class EffortParamsSchema(_Schema):
    w_switch: NonNegative | None = None
    w_reexplain: NonNegative | None = None
    w_transfer: NonNegative | None = None
    w_repeat_contact: NonNegative | None = None
    w_wait_per_minute: NonNegative | None = None
    reexplain_time_s: NonNegative | None = None
    reexplain_penalty_points: NonNegative | None = None
    max_steps: Annotated[int, Field(ge=1, le=100_000)] | None = None


class ParametersSchema(_Schema):
    emotion: EmotionParamsSchema | None = None
    effort: EffortParamsSchema | None = None


DistributionName = Literal["triangular", "pert", "uniform", "fixed"]


def _estimate(value: Any) -> Any:
    """A plain number is a fixed estimate: ``phi: 1.0`` means ``{low: 1, mode: 1, high: 1}``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"low": value, "mode": value, "high": value, "distribution": "fixed"}
    return value


class EstimateSchema(_Schema):
    low: float
    mode: float
    high: float
    distribution: DistributionName = "triangular"


Estimate = Annotated[EstimateSchema, BeforeValidator(_estimate)]
Period = Literal["year", "quarter", "month"]


class EconomicsSchema(_Schema):
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "JPY"
    period: Period = "year"
    customers: Annotated[int, Field(ge=0)] = 0
    journeys_per_period: NonNegative | None = None
    margin_per_customer: float = 0.0
    acquisition_cost: NonNegative = 0.0
    discount_rate: Annotated[float, Field(ge=0.0, le=1.0)] = 0.10
    horizon_years: Annotated[float, Field(gt=0.0, le=50.0)] = 3.0
    contact_rate: Probability = 1.0
    baseline_churn: Probability | None = None
    risk_benefit: Probability = 0.10
    risk_cost: Annotated[float, Field(ge=0.0, le=10.0)] = 0.05
    cash_flow_period: Period = "quarter"
    phi: Estimate | None = None
    phi_effort: Estimate | None = None
    value_basis: Literal["margin", "clv"] = "margin"
    spend_uplift: NonNegative = 0.0
    budgets: list[NonNegative] = []
    carry_over: bool = False
    start_discount: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    value_per_outcome: dict[Id, float] = {}


class EffectSchema(_Schema):
    target: Text
    field: Id | None = None
    change: Literal["set", "add", "multiply", "at_least"] = "set"
    low: float
    mode: float
    high: float
    distribution: DistributionName = "triangular"
    channel_switch_only: bool = False
    transfer_only: bool = False
    via: Id | None = None
    repeat_only: bool = False


class PrerequisiteSchema(_Schema):
    id: Id
    lag: Annotated[int, Field(ge=0, le=100)] = 1


def _prerequisite(value: Any) -> Any:
    """``prerequisites: [crm]`` is short for ``[{id: crm}]``."""
    if isinstance(value, str):
        return {"id": value}
    return value


#: A hand-off end in an initiative's ``add_handoffs``: an id or a pattern
#: (``*``, ``@CHANNEL``, ``=KIND``).
Endpoint = Annotated[
    str,
    BeforeValidator(_scalar_text),
    StringConstraints(pattern=r"^(\*|[@=]?[\w][\w.\-]*)$", max_length=81),
]


class AddedHandoffSchema(_Schema):
    source: Endpoint = Field(alias="from")
    target: Endpoint = Field(alias="to")
    probability: Probability
    context_carryover: Probability = 1.0
    reexplain_effort: NonNegative | None = None
    reexplain_time_s: NonNegative | None = None
    wait_s: NonNegative = 0.0
    transfer: bool = False
    label: Text | None = None


class InitiativeSchema(_Schema):
    id: Id
    label: Text = ""
    description: Text | None = None
    category: Text | None = None
    cost_one_off: NonNegative = 0.0
    cost_per_period: NonNegative = 0.0
    ramp_up_periods: Annotated[int, Field(ge=0, le=1000)] = 0
    prerequisites: list[Annotated[PrerequisiteSchema, BeforeValidator(_prerequisite)]] = []
    excludes: list[Id] = []
    benefit_per_period: Estimate | None = None
    npv: Estimate | None = None
    add_touchpoints: list[TouchpointSchema] = []
    add_handoffs: list[AddedHandoffSchema] = []
    effects: list[EffectSchema] = []
    cash_flow_period: Period | None = None


class JourneyFile(_Schema):
    """The whole journey file."""

    cxkit: Literal[1] = FORMAT_VERSION
    id: Id
    title: Text = ""
    description: Text | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")] = "en"
    tags: list[Text] = []
    persona: PersonaSchema | None = None
    stages: list[StageSchema] = []
    channels: list[ChannelSchema] = []
    touchpoints: list[TouchpointSchema] = []
    outcomes: list[OutcomeSchema] = []
    entry: dict[Id, Probability] = {}
    remainder_outcome: Id = "abandon"
    call_reasons: list[CallReasonSchema] = []
    handoffs: list[HandoffSchema] = []
    steps: list[StepSchema] = []
    parameters: ParametersSchema | None = None
    economics: EconomicsSchema | None = None
    initiatives: list[InitiativeSchema] = []

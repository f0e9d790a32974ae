"""Model parameters with the defaults of the model reference, every one overridable.

A journey file may override any of them in its ``parameters:`` block::

    parameters:
      emotion: {beta_minus: 2.25, tau_plus: 1.5}
      effort: {w_wait_per_minute: 0.5}

Defaults marked [ASSUMPTION] in the model reference have no published value; calibrate them
on your own survey data.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

__all__ = ["EffortParams", "EmotionParams", "ModelParams"]


@dataclass(frozen=True)
class EmotionParams:
    """Expectation–disconfirmation and journey-aggregation parameters (model reference §1).

    Parameters
    ----------
    beta_p
        Weight of the direct performance term ``β_P·(P − 5)`` (default 0: pure
        disconfirmation). [ASSUMPTION on value]
    beta_plus
        Weight of positive disconfirmation ``β⁺`` (1.0, the scale anchor).
    beta_minus
        Weight of negative disconfirmation ``β⁻`` (2.0): shortfalls weigh more than
        gains (Anderson & Sullivan 1993; Mittal et al. 1998). [ASSUMPTION on value]
    tau_minus
        Width of the tolerance zone below the expectation ``τ⁻`` (1.0 point):
        ``D < −τ⁻`` is dissatisfied (不満). [ASSUMPTION]
    tau_plus
        Excess needed to delight ``τ⁺`` (2.0 points): ``D > τ⁺`` is delighted (感動).
        [ASSUMPTION]
    eta
        Expectation update ``E_next = E + η·(P − E)`` (0.3; Rust & Oliver 2000).
        [ASSUMPTION on value]
    expected_wait_s
        ``W_exp``, the wait a customer expects when the call reason does not say
        (60 s). [ASSUMPTION]
    wait_seconds_per_point
        ``u_w``, seconds of extra wait that cost one point (40 s). [ASSUMPTION]
    w_pe
        Weight of the peak-end score in the remembered experience
        ``J = w_pe·PE + (1 − w_pe)·MEAN`` (1.0: pure peak-end, Kahneman et al. 1993).
    recency_decay
        ``δ`` of the recency-weighted mean (0.5). [ASSUMPTION]
    peak
        ``"intense"`` (the step with the largest ``|s|``, ties to the later one) or
        ``"worst"`` (the lowest ``s``; for complaint and recovery journeys).
    """

    beta_p: float = 0.0
    beta_plus: float = 1.0
    beta_minus: float = 2.0
    tau_minus: float = 1.0
    tau_plus: float = 2.0
    eta: float = 0.3
    expected_wait_s: float = 60.0
    wait_seconds_per_point: float = 40.0
    w_pe: float = 1.0
    recency_decay: float = 0.5
    peak: Literal["intense", "worst"] = "intense"


@dataclass(frozen=True)
class EffortParams:
    """Effort index (CES v1, 1–5) weights and context-loss costs (model reference §3.4).

    ``CES5 = clip(1 + w_sw·switches + w_ri·repeated explanations + w_tr·transfers
    + w_rc·repeat contacts + w_wait·minutes waited beyond the expected wait, 1, 5)``.
    The drivers are the CEB/Gartner high-effort events; the weights are
    [ASSUMPTION] and should be calibrated by regressing CES answers on event counts.
    """

    w_switch: float = 0.5
    w_reexplain: float = 0.5
    w_transfer: float = 0.5
    w_repeat_contact: float = 1.0
    w_wait_per_minute: float = 0.25
    reexplain_time_s: float = 60.0
    reexplain_penalty_points: float = 1.0
    max_steps: int = 50


@dataclass(frozen=True)
class ModelParams:
    """All overridable model parameters of a journey."""

    emotion: EmotionParams = field(default_factory=EmotionParams)
    effort: EffortParams = field(default_factory=EffortParams)

    def overrides(self) -> dict[str, dict[str, Any]]:
        """Only the values that differ from the defaults, as YAML would hold them."""
        out: dict[str, dict[str, Any]] = {}
        for name, default in (("emotion", EmotionParams()), ("effort", EffortParams())):
            current = getattr(self, name)
            changed = {
                f.name: getattr(current, f.name)
                for f in fields(current)
                if getattr(current, f.name) != getattr(default, f.name)
            }
            if changed:
                out[name] = changed
        return out

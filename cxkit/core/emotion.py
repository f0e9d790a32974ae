"""Experience → emotion (不満 / 満足 / 感動) → remembered journey experience.

Implements model reference §1.1 and §1.3:

* step disconfirmation ``D = P − E`` (points, 0–10 scale);
* step valence ``s = β_P·(P − 5) + β⁺·max(D, 0) − β⁻·max(−D, 0)``
  (Oliver 1980; Anderson & Sullivan 1993: shortfalls weigh more);
* class: dissatisfied if ``D < −τ⁻``, delighted if ``D > τ⁺``, else satisfied
  (zone of tolerance, Zeithaml, Berry & Parasuraman 1993);
* a wait step's performance ``P = E + clip((W_exp − w)/u_w, −10, 2)``;
* journey aggregates: peak-end ``(peak + end)/2`` (Kahneman et al. 1993), mean,
  hybrid ``w_pe·PE + (1 − w_pe)·MEAN`` and recency-weighted mean;
* synthetic survey answers ``CSAT5 = clip(floor(4 + J/2 + 0.5), 1, 5)`` and
  ``NPS10 = clip(floor(7 + J + 0.5), 0, 10)``.

The formulas themselves are written once, in :mod:`cxkit.core.metrics`, and shared
with the simulation engines; this module gives them their scalar, designed-step face.

Examples
--------
Model reference Example A, the billing-inquiry journey:

>>> [step_valence(e, p) for e, p in [(6, 4), (6, 3), (7, 7), (7, 10)]]
[-4.0, -6.0, 0.0, 3.0]
>>> agg = aggregate_valences([-4, -6, 0, 3])
>>> agg.peak_end, agg.mean, round(agg.recency, 4), agg.emotion.label("ja")
(-1.5, -1.75, 0.5333, '不満')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cxkit.core import metrics as _m
from cxkit.core.model import Emotion
from cxkit.core.params import EmotionParams

__all__ = [
    "JourneyEmotion",
    "aggregate_valences",
    "classify",
    "disconfirmation",
    "step_valence",
    "synthetic_csat5",
    "synthetic_nps10",
    "update_expectation",
    "wait_disconfirmation",
    "wait_experience",
]

_DEFAULT = EmotionParams()


def disconfirmation(expectation: float, experience: float) -> float:
    """``D = P − E`` in points.

    Examples
    --------
    >>> disconfirmation(6, 4)
    -2.0
    """
    return float(experience) - float(expectation)


def step_valence(expectation: float, experience: float, params: EmotionParams = _DEFAULT) -> float:
    """The step valence ``s`` in sat-points (model reference §1.1).

    Examples
    --------
    >>> step_valence(7, 10)
    3.0
    >>> step_valence(7, 10, EmotionParams(beta_p=0.5))
    5.5
    """
    return float(_m.valence(float(expectation), float(experience), params))


def classify(d: float, params: EmotionParams = _DEFAULT) -> Emotion:
    """Emotion class of a disconfirmation (or of a journey score ``J``).

    The boundaries belong to "satisfied": ``D = −τ⁻`` and ``D = τ⁺`` are satisfied.

    Examples
    --------
    >>> classify(-2).value, classify(-1).value, classify(2).value, classify(2.5).value
    ('dissatisfied', 'satisfied', 'satisfied', 'delighted')
    """
    if d < -params.tau_minus:
        return Emotion.DISSATISFIED
    if d > params.tau_plus:
        return Emotion.DELIGHTED
    return Emotion.SATISFIED


def wait_disconfirmation(
    wait_s: float, expected_wait_s: float | None = None, params: EmotionParams = _DEFAULT
) -> float:
    """``D_wait = clip((W_exp − w)/u_w, −10, +2)`` in points.

    Examples
    --------
    >>> wait_disconfirmation(180, 60)
    -3.0
    """
    w_exp = params.expected_wait_s if expected_wait_s is None else float(expected_wait_s)
    return float(_m.wait_disconfirmation(float(wait_s), w_exp, params))


def wait_experience(
    expectation: float,
    wait_s: float,
    expected_wait_s: float | None = None,
    params: EmotionParams = _DEFAULT,
) -> float:
    """Performance of a wait step, ``E + D_wait`` (not clipped to 0–10: ``D_wait`` is).

    Examples
    --------
    >>> wait_experience(6, 180, 60)
    3.0
    """
    return float(expectation) + wait_disconfirmation(wait_s, expected_wait_s, params)


def update_expectation(
    expectation: float, experience: float, params: EmotionParams = _DEFAULT
) -> float:
    """The expectation for the next encounter, ``E + η·(P − E)`` (Rust & Oliver 2000).

    Examples
    --------
    >>> round(update_expectation(7, 10), 6)
    7.9
    """
    return float(expectation) + params.eta * (float(experience) - float(expectation))


def synthetic_csat5(score: float) -> int:
    """Synthetic CSAT answer (1–5) for a remembered experience ``J``. [ASSUMPTION]

    Examples
    --------
    >>> synthetic_csat5(-1.5), synthetic_csat5(0.0)
    (3, 4)
    """
    return int(_m.synthetic_csat5(float(score)))


def synthetic_nps10(score: float) -> int:
    """Synthetic likelihood-to-recommend answer (0–10) for ``J``. [ASSUMPTION]

    Examples
    --------
    >>> synthetic_nps10(-1.5), synthetic_nps10(0.0)
    (6, 7)
    """
    return int(_m.synthetic_nps10(float(score)))


@dataclass(frozen=True)
class JourneyEmotion:
    """Aggregates of a journey's step valences (model reference §1.3).

    Attributes
    ----------
    peak, end
        The peak valence and the final one.
    peak_index
        0-based position of the peak among the valences given.
    peak_end
        ``(peak + end)/2``.
    mean
        Plain mean.
    score
        The remembered experience ``J = w_pe·PE + (1 − w_pe)·MEAN``.
    recency
        Recency-weighted mean ``Σ δ^{K−k} s_k / Σ δ^{K−k}``.
    emotion
        Class of ``score`` with the step thresholds.
    """

    peak: float
    end: float
    peak_index: int
    peak_end: float
    mean: float
    score: float
    recency: float
    emotion: Emotion
    n_steps: int

    @property
    def csat5(self) -> int:
        """Synthetic CSAT (1–5) of ``score``."""
        return synthetic_csat5(self.score)

    @property
    def nps10(self) -> int:
        """Synthetic likelihood to recommend (0–10) of ``score``."""
        return synthetic_nps10(self.score)


def aggregate_valences(
    valences: Sequence[float], params: EmotionParams = _DEFAULT
) -> JourneyEmotion:
    """Aggregate chronological step valences into the remembered experience.

    Parameters
    ----------
    valences
        ``s_1 … s_K`` in chronological order; at least one.
    params
        ``w_pe``, ``recency_decay`` (δ), ``peak`` and the class thresholds are used.

    Raises
    ------
    ValueError
        When ``valences`` is empty.

    Examples
    --------
    >>> aggregate_valences([-4, -6, 0, 3], EmotionParams(w_pe=0.5)).score
    -1.625
    >>> aggregate_valences([-4, -6, 0, 0]).peak_end
    -3.0
    """
    values = [float(v) for v in valences]
    if not values:
        raise ValueError("a journey needs at least one step with a valence to aggregate")
    k = len(values)
    # the peak's position, with the tie rule of metrics.fold_valences (the later one)
    if params.peak == "worst":
        peak_index = min(range(k), key=lambda i: (values[i], -i))
    else:
        peak_index = max(range(k), key=lambda i: (abs(values[i]), i))
    state = _m.valence_block(values, params)[: len(_m.STATE_ROWS), None]  # the one fold
    r = _m.remembered(state, params)
    return JourneyEmotion(
        peak=float(r.peak[0]),
        end=float(r.end[0]),
        peak_index=peak_index,
        peak_end=float(r.peak_end[0]),
        mean=float(r.mean[0]),
        score=float(r.score[0]),
        recency=float(r.recency[0]),
        emotion=classify(float(r.score[0]), params),
        n_steps=k,
    )

"""Survey answers on declared scales, mapped to cxkit's scales (``EventSchema(scales=…)``).

Every answer ``x`` on a declared scale ``low..high`` is first read as its
*position* ``u`` from the worst answer (0) to the best (1)::

    u = (x − low) / (high − low)      when the highest answer is best
    u = (high − x) / (high − low)     when the lowest is (``low=best``)

then mapped:

=========  =====================================  ==========================================
field      canonical value                        why
=========  =====================================  ==========================================
emotion    ``D = 10·u − 5`` points, then the      the midpoint is "as expected" (``D = 0``);
           zone of tolerance: ``D < −τ⁻`` →       the model's own thresholds (``τ⁻ = 1``,
           dissatisfied, ``D > τ⁺`` → delighted,   ``τ⁺ = 2``, model reference §1.1) on the
           else satisfied                         0–10 experience scale
effort     ``1 + 4·(1 − u)`` (CES v1, 1–5)        linear; on CES 2.0 (1–7, 7 = easy) it is
                                                  ``1 + (7 − x)/1.5``, the inverse of the
                                                  model's display conversion
                                                  ``ease7 = 7 − 1.5·(effort5 − 1)``
csat       ``1 + 4·u`` (1–5)                      linear, so top box ``≥ 4`` is ``u ≥ 0.75``:
                                                  4–5 of 1–5, 6–7 of 1–7, 8–10 of 1–10
nps        the answer (0–10 only)                 NPS is defined on 0–10
=========  =====================================  ==========================================

The raw numeric emotion is kept (canonical column ``emotion_score``): its mean on the
declared scale is reported, and :func:`~cxkit.analytics.calibrate` reads it. The
means of effort and CSAT on their declared scales are the inverse maps of the
canonical means (the maps are linear), :func:`declared_mean`.

>>> s = Scale(-2, 2, "high")
>>> [emotion_class(position(x, s)) for x in (-2, -1, 0, 1, 2)]
['dissatisfied', 'dissatisfied', 'satisfied', 'delighted', 'delighted']
>>> [emotion_class(position(x, Scale(1, 7, "high"))) for x in range(1, 8)]
['dissatisfied', 'dissatisfied', 'dissatisfied', 'satisfied', 'satisfied', 'delighted', 'delighted']
>>> [round(canonical_value("effort", x, Scale(1, 7, "high")), 4) for x in (1, 4, 7)]
[5.0, 3.0, 1.0]
>>> [canonical_value("csat", x, Scale(1, 7, "high")) >= 4 for x in range(1, 8)]
[False, False, False, False, False, True, True]
"""

from __future__ import annotations

from typing import Any

import narwhals as nw

from cxkit.analytics._schema import Scale
from cxkit.core.params import EmotionParams

__all__ = [
    "canonical_expr",
    "canonical_value",
    "declared_mean",
    "emotion_class",
    "points",
    "position",
]

_EP = EmotionParams()
#: Positions below which an emotion answer is dissatisfied, above which delighted.
LOW_CUT = 0.5 - _EP.tau_minus / 10.0
HIGH_CUT = 0.5 + _EP.tau_plus / 10.0


def position(x: Any, scale: Scale) -> Any:
    """``u``: 0 at the worst answer, 1 at the best (numbers or narwhals expressions)."""
    span = scale.high - scale.low
    return (scale.high - x) / span if scale.best == "low" else (x - scale.low) / span


def points(u: float) -> float:
    """The disconfirmation ``D = 10·u − 5`` (points of the 0–10 experience scale).

    >>> points(0.5), points(1.0), points(0.0)
    (0.0, 5.0, -5.0)
    """
    return 10.0 * u - 5.0


def emotion_class(u: float) -> str:
    """The emotion class of an answer at position ``u`` (zone of tolerance)."""
    if u < LOW_CUT - 1e-12:
        return "dissatisfied"
    return "delighted" if u > HIGH_CUT + 1e-12 else "satisfied"


def canonical_value(name: str, x: float, scale: Scale) -> Any:
    """The canonical value of answer ``x`` of field ``name`` (see the module docstring)."""
    u = position(x, scale)
    if name == "emotion":
        return emotion_class(u)
    if name == "effort":
        return 1.0 + 4.0 * (1.0 - u)
    if name == "csat":
        return 1.0 + 4.0 * u
    return float(x)


def canonical_expr(name: str, raw: nw.Expr, scale: Scale) -> nw.Expr:
    """:func:`canonical_value` as a narwhals expression (null stays null)."""
    u = position(raw.cast(nw.Float64), scale)
    if name == "emotion":
        return (
            nw.when(u < LOW_CUT - 1e-12)
            .then(nw.lit("dissatisfied"))
            .otherwise(
                nw.when(u > HIGH_CUT + 1e-12)
                .then(nw.lit("delighted"))
                .otherwise(nw.when(~u.is_null()).then(nw.lit("satisfied")))
            )
        )
    if name == "effort":
        return 1.0 + 4.0 * (1.0 - u)
    if name == "csat":
        return 1.0 + 4.0 * u
    return raw.cast(nw.Float64)


def declared_mean(name: str, canonical_mean: Any, scale: Scale) -> Any:
    """The mean answer on the declared scale, from the mean canonical effort or CSAT
    (numbers or polars/narwhals expressions: the maps are linear).

    >>> (
    ...     declared_mean("effort", 3.0, Scale(1, 7, "high")),
    ...     declared_mean("csat", 4.0, Scale(1, 7, "high")),
    ... )
    (4.0, 5.5)
    """
    share = (canonical_mean - 1.0) / 4.0
    u = 1.0 - share if name == "effort" else share
    span = scale.high - scale.low
    return scale.high - u * span if scale.best == "low" else scale.low + u * span

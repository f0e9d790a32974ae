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

>>> import polars as pl
>>> def mapped(name, answers, scale):
...     frame = nw.from_native(pl.DataFrame({"x": answers}))
...     return frame.select(canonical_expr(name, nw.col("x"), scale).alias("x"))["x"].to_list()
>>> mapped("emotion", [-2, -1, 0, 1, 2], Scale(-2, 2, "high"))
['dissatisfied', 'dissatisfied', 'satisfied', 'delighted', 'delighted']
>>> mapped("emotion", list(range(1, 8)), Scale(1, 7, "high"))
['dissatisfied', 'dissatisfied', 'dissatisfied', 'satisfied', 'satisfied', 'delighted', 'delighted']
>>> [round(v, 4) for v in mapped("effort", [1, 4, 7], Scale(1, 7, "high"))]
[5.0, 3.0, 1.0]
>>> [v >= 4 for v in mapped("csat", list(range(1, 8)), Scale(1, 7, "high"))]
[False, False, False, False, False, True, True]
"""

from __future__ import annotations

from typing import Any

import narwhals as nw

from cxkit.analytics._schema import Scale
from cxkit.core.params import EmotionParams

__all__ = [
    "canonical_expr",
    "declared_mean",
    "points",
    "position",
]

#: The zone of tolerance that classes an emotion answer (the model's defaults).
_EP = EmotionParams()


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


def canonical_expr(name: str, raw: nw.Expr, scale: Scale) -> nw.Expr:
    """The canonical value of field ``name``'s answers ``raw`` (see the module
    docstring); null stays null."""
    x = raw.cast(nw.Float64)
    u = position(x, scale)
    if name == "emotion":
        # D = 10·u − 5 with one division, so that answers on the thresholds stay exact
        best = x - scale.low if scale.best != "low" else scale.high - x
        d = (10.0 * best) / (scale.high - scale.low) - 5.0
        return (
            nw.when(d < -_EP.tau_minus)
            .then(nw.lit("dissatisfied"))
            .otherwise(
                nw.when(d > _EP.tau_plus)
                .then(nw.lit("delighted"))
                .otherwise(nw.when(~d.is_null()).then(nw.lit("satisfied")))
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

"""An initiative's effect in words, in the reader's language.

``handoff:cc_phone->resolved`` / ``probability`` reads
"Call center (phone) → Resolved: probability" in English and
「コールセンター（電話）→解決 の確率」 in Japanese: ids become the journey's own
names (touchpoints, outcomes, steps), patterns (``*``, ``@CHANNEL``, ``=KIND``) and
fields become labels of :mod:`cxkit.core.i18n`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxkit.core.economics import parse_effect_target
from cxkit.core.i18n import label, labels

if TYPE_CHECKING:
    from cxkit.core.economics import Effect
    from cxkit.core.journey import Journey

__all__ = ["describe_effect"]

#: Between the two ends of a hand-off (Japanese sets no spaces around it).
_ARROW = {"ja": "→"}


def _node(journey: Journey, part: str, lang: str) -> str:
    """A touchpoint, outcome or pattern of an effect target, named for a reader."""
    if part == "*":
        return label("effect_any", lang)
    if part.startswith("@"):
        return label("effect_channel", lang).format(channel=label(part[1:], lang))
    if part.startswith("="):
        return label("effect_outcome_kind", lang).format(kind=label(part[1:], lang))
    g = journey.graph
    for node in (*g.touchpoints, *g.outcomes):
        if node.id == part:
            return node.label or label(part, lang)
    for step in journey.steps:
        if step.id == part:
            return step.action or step.id
    return label(part, lang)


def describe_effect(effect: Effect, journey: Journey, lang: str = "en") -> str:
    """What ``effect`` changes, in words of ``lang`` with the journey's own names.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("complaint_recovery_ja")
    >>> e = next(e for i in j.initiatives for e in i.effects if e.target.endswith("->resolved"))
    >>> describe_effect(e, j, "ja")
    'コールセンター（電話）→解決（納得） の確率'
    >>> j = cx.load_journey("subscription_support")
    >>> describe_effect(j.initiatives[0].effects[0], j, "en")
    'any touchpoint → IVR menu and queue: context carried over'
    """
    try:
        kind, parts = parse_effect_target(effect.target)
    except ValueError:
        return effect.target
    if kind in ("parameter", "economics"):
        key = f"effect_{kind}_{parts[-1]}"
        return label(key, lang) if key in labels(lang) else ".".join(parts)
    where = _ARROW.get(lang, " → ").join(_node(journey, p, lang) for p in parts)
    if kind == "reroute":
        where = label("effect_reroute", lang).format(where=where)
    field = label(f"effect_field_{effect.field}", lang) if effect.field else ""
    if not field:
        return where
    return label("effect_of", lang).format(where=where, field=field)

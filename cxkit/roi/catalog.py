"""The built-in catalogue of CX initiatives, with default effects on any journey.

:func:`catalog` returns the systems and programmes the seeds name — CRM
integration, CTI same-operator routing, FAQ / knowledge base, talk scripts and
training, operator empowerment, a chat channel, SNS listening, predictive churn
outreach and the product-feedback loop — as
:class:`~cxkit.core.economics.Initiative` objects whose effects use *patterns*
(``@phone``, ``@call_center``, ``=resolved``, ``*`` with
``channel_switch_only``/``transfer_only``/``repeat_only``, ``reasons:@call_center``)
instead of ids, so that one catalogue fits any journey. Each effect selects the
touchpoints, hand-offs and call reasons its description names, and only those.
An effect whose pattern matches nothing in a journey changes nothing, and an
initiative none of whose selectors matches anything is **not applicable**: valued at
zero and reported (``cxkit roi`` warns, ``--json`` lists it under
``not_applicable``, the roadmap planner notes it). SNS listening on a journey
without an SNS touchpoint, or same-operator routing on a journey without repeat
contacts into the phone, are worth nothing there — not the value of effects on
other touchpoints.

:func:`merge_catalog` adds the catalogue to a journey's own initiatives: an
initiative the journey (or an initiatives file) defines wins over the catalogue
entry with the same id, which is left out and reported once.

Every number is a default to replace with your own: the ranges are
``low / mode / high`` of a triangular distribution and carry the uncertainty of
transferring published figures to your journey. Where no published value exists
the range is an [ASSUMPTION] (the model reference's tag), chosen wide. Money amounts are
JPY for a contact center of roughly 100 seats; scale them with ``cost_scale``.
Running costs are per :attr:`~cxkit.core.economics.Economics.period` (a year by
default).

Reasoning and sources per initiative
------------------------------------
``crm_integration`` — *context carried across channels.* model reference §5.1: CRM
integration sets κ → 1 on all cross-channel hand-offs; the mode 0.9 and low 0.7
allow for agents who do not open the record, and the same for transfers inside
the center. The carry-over is *raised* to that level (``at_least``): a hand-off
that already keeps the context (κ = 1, the default) is not made worse. The seeds'
"operator already knows my history" is a Kano attribute (model reference §1.2). A
re-explanation costs 60 s of handle time (τ_rep, [ASSUMPTION]) and 0.5 CES points
(w_ri; Gartner 2019 [SRC 26] lists repeating information as a high-effort driver).
Identification time −4 % (0–8 %) [ASSUMPTION].

``cti_same_operator`` — *same operator for repeat callers; requires CRM.*
Model reference §5.1: κ → 1 for repeat callers (mode 0.95; the operator may be
busy) [ASSUMPTION on the range]. Only *repeat contacts to the phone queue* are
selected (``handoffs:*->@phone`` with ``repeat_only``): hand-offs that bring a
customer back to a phone touchpoint already on their path — the same touchpoint
again ("calls again"), or a phone touchpoint that every path to the source passes
through (tier 2 after the technician visit it booked). A first call, an IVR →
agent step or a transfer to a touchpoint not visited before is not a repeat
contact and is left alone.

``faq_knowledge_base`` — *self-service resolution up, handle time down.* model reference
Example B raises web → resolved from 0.5 to 0.6 (+20 %); the default range is
+5 % … +30 % (mode +15 %) of every web → resolved hand-off, the rest of the web
traffic renormalised. Agents who find answers faster: handle time and cost per
contact −5 % (0–10 %), resolution at call-center touchpoints +3 % (0–6 %) — SQM's
world-class FCR (≥ 80 %) against an average of 67–72 % [SRC 21, 35] bounds what a
knowledge base can add. [ASSUMPTION on all ranges]

``talk_scripts_training`` — *experience at call-center steps.* +0.5 points
(0–1) of experience at designed call-center steps and +2 % (0–5 %) resolution
at call-center touchpoints [ASSUMPTION]. The experience change moves the
expectation–disconfirmation emotions (model reference §1.1) of the journey map; only
the resolution change carries money.

``operator_empowerment`` — *fewer transfers, higher FCR.* Multi-skilling and
authority to settle: transfer hand-offs × 0.7 (0.5–0.9) and call-center
resolution +5 % (2–10 %) [ASSUMPTION]. Transfers are a Gartner/CEB high-effort
event [SRC 26, 27].

``chat_channel`` — *a new touchpoint.* Adds a ``chat`` touchpoint (400 JPY and
540 s per contact) that resolves 70 % of its contacts and escalates 20 % to the
first phone touchpoint with the transcript (κ = 0.9); 20 % (10–30 %) of the
customers who would switch to the phone from another channel chat instead
(``reroute:``). Requires the knowledge base (model reference Example C4: Chat requires
FAQ). [ASSUMPTION on all figures]

``sns_listening`` — *proactive contact on social media.* Complaints spotted on
social media are answered before the customer gives up: at SNS touchpoints only,
hand-offs into churn outcomes × 0.92 (0.85–0.98) and into abandon outcomes × 0.92
(0.85–1.0), and +0.5 points (0–1) of experience at designed SNS steps (a reply
instead of silence) [ASSUMPTION]. The rest of each SNS touchpoint's traffic is
renormalised; nothing changes at other touchpoints.

``predictive_churn_outreach`` — *a retention model and a callback team; requires
CRM data.* Churn per period × 0.97 (0.95–0.99) [ASSUMPTION]; the intent behind it
is model reference §4.4's φ: stated intent converts only partly to churn. It acts
on the valuation (``economics:churn``), so it applies to every journey.

``product_feedback_loop`` — *the call center feeds complaints back so that the
product stops causing them* (the seeds' voice-of-the-customer loop). Contact
reasons are tagged, the top ones reviewed with the product owners every month
and their causes fixed: the arrivals of the contact reasons that reach the call
center × 0.95 (0.90–0.99) (``reasons:@call_center``, field ``arrival``) — fewer
journeys start, so fewer contacts, less cost to serve and less journey-driven
churn. A *contact reason* is a call reason whose customers start at service
touchpoints (an issue, not a purchase): purchase motives and sales-led journeys
are not selected, and a journey whose reasons never reach the call center gets
nothing. Fixes take time: the benefit ramps up over 4 periods. [ASSUMPTION on all
figures: no published effect size was found; calibrate with the journey's own
contact-reason trend.]

Examples
--------
>>> [i.id for i in catalog()][:3]
['crm_integration', 'cti_same_operator', 'faq_knowledge_base']
>>> catalog("ja")[0].label
'CRM統合 (チャネル間で文脈を引き継ぐ)'
>>> catalog(cost_scale=0.5)[0].cost_one_off
15000000.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from cxkit.core.economics import Distribution, Effect, EffectChange, Initiative, Prerequisite
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.i18n import label
from cxkit.core.model import Handoff, Touchpoint, TouchpointKind

__all__ = ["CATALOG_IDS", "catalog", "merge_catalog"]

#: Ids of the catalogue's initiatives, in order.
CATALOG_IDS: tuple[str, ...] = (
    "crm_integration",
    "cti_same_operator",
    "faq_knowledge_base",
    "talk_scripts_training",
    "operator_empowerment",
    "chat_channel",
    "sns_listening",
    "predictive_churn_outreach",
    "product_feedback_loop",
)

_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "crm_integration": {
        "en": "One customer record across channels: agents see what the customer did on the "
        "web, in chat and in earlier calls, so the customer does not explain again. "
        "Context carry-over on channel switches and transfers raised to 0.7–1.0 (mode 0.9), "
        "never lowered; call-center handle time −0–8 %. Sources: cxkit model reference "
        "§5.1; Gartner 2019.",
        "ja": "チャネルをまたいだ顧客記録の統合。オペレーターがWeb・チャット・過去の通話の"
        "履歴を見られるため、顧客は説明を繰り返さずに済む。チャネル切替と転送での文脈引継ぎを"
        "0.7〜1.0 (最頻0.9) に引き上げる (下げることはない)、コールセンターの処理時間 "
        "−0〜8 %。出典: cxkit モデル解説 §5.1、Gartner 2019。",
    },
    "cti_same_operator": {
        "en": "Computer-telephony integration routes repeat callers to the operator who "
        "handled their last call. Context carry-over raised to 0.8–1.0 (mode 0.95) on "
        "repeat contacts to the phone: hand-offs that bring a customer back to a phone "
        "touchpoint already on their path. Requires CRM integration. Source: cxkit model "
        "reference §5.1; [ASSUMPTION] on the range.",
        "ja": "CTI連携により、再入電の顧客を前回対応したオペレーターにつなぐ。すでに経由した"
        "電話窓口へ顧客が戻る引継ぎ (再入電) の文脈引継ぎを0.8〜1.0 (最頻0.95) に引き上げる。"
        "CRM統合が前提。出典: cxkit モデル解説 §5.1、範囲は[仮定]。",
    },
    "faq_knowledge_base": {
        "en": "Rewritten FAQ and an agent knowledge base: web self-service resolution "
        "+5–30 % (mode +15 %), call-center handle time and cost per contact −0–10 %, "
        "call-center resolution +0–6 %. Sources: cxkit model reference, Example B; "
        "SQM FCR benchmarks.",
        "ja": "FAQの書き直しとオペレーター向けナレッジベース。Webの自己解決 +5〜30 % "
        "(最頻 +15 %)、コールセンターの処理時間と1件あたりコスト −0〜10 %、"
        "コールセンターでの解決 +0〜6 %。出典: cxkit モデル解説 例B、SQMのFCRベンチマーク。",
    },
    "talk_scripts_training": {
        "en": "Talk scripts and coaching for call-center staff: +0–1 point of experience at "
        "call-center steps and +0–5 % resolution there. [ASSUMPTION]",
        "ja": "トークスクリプトとコーチング。コールセンターのステップの体験 +0〜1点、"
        "解決率 +0〜5 %。[仮定]",
    },
    "operator_empowerment": {
        "en": "Multi-skilled operators with authority to settle: transfers ×0.5–0.9 "
        "(mode 0.7) and call-center resolution +2–10 %. Source: Gartner/CEB effort "
        "drivers; [ASSUMPTION] on the ranges.",
        "ja": "マルチスキル化と裁量の付与。転送 ×0.5〜0.9 (最頻0.7)、コールセンターでの"
        "解決 +2〜10 %。出典: Gartner/CEBの努力要因、範囲は[仮定]。",
    },
    "chat_channel": {
        "en": "A chat channel (400 JPY, 540 s per contact): 70 % resolved in chat, 20 % "
        "escalated to the phone with the transcript; 10–30 % of the customers who would "
        "switch to the phone chat instead. Requires the knowledge base. [ASSUMPTION]",
        "ja": "チャット窓口 (1件400円・540秒)。70 %がチャットで解決、20 %は履歴付きで電話へ"
        "引継ぎ。電話に切り替えるはずだった顧客の10〜30 %がチャットを使う。"
        "ナレッジベースが前提。[仮定]",
    },
    "sns_listening": {
        "en": "Social listening with proactive replies, at SNS touchpoints only: their "
        "hand-offs into churn and abandon outcomes ×0.85–1.0 (mode 0.92) and +0–1 point "
        "of experience at SNS steps. No SNS touchpoint, no effect. [ASSUMPTION]",
        "ja": "SNSの傾聴と能動的な返信 (SNSの接点のみ)。SNS接点から解約・離脱への遷移 "
        "×0.85〜1.0 (最頻0.92)、SNSのステップの体験 +0〜1点。SNSの接点がなければ効果は"
        "ない。[仮定]",
    },
    "predictive_churn_outreach": {
        "en": "A churn model flags at-risk customers and a retention team calls them first: "
        "churn per period ×0.95–0.99. Requires CRM data. [ASSUMPTION]",
        "ja": "解約予測モデルが離反リスクの高い顧客を検知し、リテンション担当が先に連絡する。"
        "期間あたり解約率 ×0.95〜0.99。CRMデータが前提。[仮定]",
    },
    "product_feedback_loop": {
        "en": "Voice-of-the-customer loop: the call center tags contact reasons and feeds "
        "the top ones back to the product teams every month, who remove their causes. "
        "Arrivals of the contact reasons that reach the call center ×0.90–0.99 (mode "
        "0.95), ramped up over 4 periods: fewer contacts, less cost to serve, less "
        "journey-driven churn. Journeys whose reasons are purchase motives, or never reach "
        "the call center, get nothing. [ASSUMPTION]",
        "ja": "VoC (顧客の声) のフィードバックループ。コールセンターが問い合わせ理由を分類し、"
        "上位の理由を毎月製品チームに伝えて原因を取り除く。コールセンターに届く問い合わせ"
        "理由の発生 ×0.90〜0.99 (最頻0.95)、効果は4期かけて立ち上がる。問い合わせ・対応"
        "コスト・ジャーニー起因の解約が減る。購入動機の理由や、コールセンターに届かない"
        "理由には効果がない。[仮定]",
    },
}


def _tri(
    target: str,
    field: str | None,
    low: float,
    mode: float,
    high: float,
    change: EffectChange = EffectChange.SET,
    **kw: object,
) -> Effect:
    return Effect(
        target,
        field,
        change,
        low,
        mode,
        high,
        Distribution.TRIANGULAR,
        **kw,  # type: ignore[arg-type]
    )


def catalog(lang: str = "en", *, cost_scale: float = 1.0) -> tuple[Initiative, ...]:
    """The built-in initiatives, labelled in ``lang``, usable on any journey.

    Each effect selects only what its description names (SNS touchpoints, repeat
    contacts into the phone, contact reasons…); on a journey where none of an
    initiative's selectors matches, :func:`cxkit.roi.evaluate` values it at 0 and
    says so. Add them to a journey's own initiatives with :func:`merge_catalog`.

    Parameters
    ----------
    lang
        ``"en"`` or ``"ja"`` for labels and descriptions.
    cost_scale
        Multiplies every money amount (investment, running cost, the chat
        channel's cost per contact); the defaults are JPY for about 100 seats.

    Returns
    -------
    tuple of Initiative
        In the order of :data:`CATALOG_IDS`; see the module docstring for the
        reasoning and sources behind each number.

    Examples
    --------
    >>> import cxkit as cx
    >>> ev = cx.roi.evaluate(
    ...     cx.load_journey("billing_inquiry"),
    ...     catalog(),
    ...     economics=cx.Economics(
    ...         customers=100_000, margin_per_customer=12_000, contact_rate=0.3, baseline_churn=0.1
    ...     ),
    ...     n_sims=100,
    ...     seed=1,
    ... )
    >>> len(ev), ev.ids[0]
    (9, 'crm_integration')
    """
    if lang not in ("en", "ja"):
        raise CxkitError(f"`lang` must be 'en' or 'ja', got {format_value(lang)}")
    try:
        scale = float(cost_scale)
    except (TypeError, ValueError):
        raise CxkitError(
            f"`cost_scale` must be a number > 0, got {format_value(cost_scale)}"
        ) from None
    if not math.isfinite(scale) or scale <= 0:
        raise CxkitError(f"`cost_scale` must be a number > 0, got {format_value(cost_scale)}")
    mul = EffectChange.MULTIPLY
    at_least = EffectChange.AT_LEAST

    def make(
        iid: str, category: str, one_off: float, running: float, ramp: int, **kw: object
    ) -> Initiative:
        return Initiative(
            id=iid,
            label=label(f"roi_cat_{iid}", lang),
            description=_DESCRIPTIONS[iid][lang],
            category=category,
            cost_one_off=one_off * scale,
            cost_per_period=running * scale,
            ramp_up_periods=ramp,
            **kw,  # type: ignore[arg-type]
        )

    chat = Touchpoint(
        "chat",
        label=label("chat", lang),
        channel="chat",
        kind=TouchpointKind.SERVICE,
        cost_per_contact=400.0 * scale,
        handle_time_s=540.0,
    )
    return (
        make(
            "crm_integration",
            "integration",
            30_000_000,
            6_000_000,
            2,
            effects=(
                _tri(
                    "handoffs:*->*",
                    "context_carryover",
                    0.7,
                    0.9,
                    1.0,
                    at_least,
                    channel_switch_only=True,
                ),
                _tri(
                    "handoffs:*->*",
                    "context_carryover",
                    0.7,
                    0.9,
                    1.0,
                    at_least,
                    transfer_only=True,
                ),
                _tri("touchpoints:@call_center", "handle_time_s", 0.92, 0.96, 1.0, mul),
            ),
        ),
        make(
            "cti_same_operator",
            "routing",
            8_000_000,
            1_200_000,
            1,
            prerequisites=(Prerequisite("crm_integration", 1),),
            effects=(
                _tri(
                    "handoffs:*->@phone",
                    "context_carryover",
                    0.8,
                    0.95,
                    1.0,
                    at_least,
                    repeat_only=True,
                ),
            ),
        ),
        make(
            "faq_knowledge_base",
            "self-service",
            10_000_000,
            3_000_000,
            2,
            effects=(
                _tri("handoffs:@web->=resolved", "probability", 1.05, 1.15, 1.30, mul),
                _tri("touchpoints:@call_center", "handle_time_s", 0.90, 0.95, 1.0, mul),
                _tri("touchpoints:@call_center", "cost_per_contact", 0.90, 0.95, 1.0, mul),
                _tri("handoffs:@call_center->=resolved", "probability", 1.0, 1.03, 1.06, mul),
            ),
        ),
        make(
            "talk_scripts_training",
            "people",
            5_000_000,
            2_000_000,
            1,
            effects=(
                _tri("steps:@call_center", "experience", 0.0, 0.5, 1.0, EffectChange.ADD),
                _tri("handoffs:@call_center->=resolved", "probability", 1.0, 1.02, 1.05, mul),
            ),
        ),
        make(
            "operator_empowerment",
            "people",
            8_000_000,
            4_000_000,
            2,
            effects=(
                _tri("handoffs:*->*", "probability", 0.5, 0.7, 0.9, mul, transfer_only=True),
                _tri("handoffs:@call_center->=resolved", "probability", 1.02, 1.05, 1.10, mul),
            ),
        ),
        make(
            "chat_channel",
            "channel",
            15_000_000,
            6_000_000,
            2,
            prerequisites=(Prerequisite("faq_knowledge_base", 1),),
            add_touchpoints=(chat,),
            add_handoffs=(
                Handoff("chat", "=resolved", 0.70),
                Handoff("chat", "@phone", 0.20, context_carryover=0.9),
            ),
            effects=(
                _tri(
                    "reroute:*->@phone",
                    "share",
                    0.1,
                    0.2,
                    0.3,
                    channel_switch_only=True,
                    via="chat",
                ),
            ),
        ),
        make(
            "sns_listening",
            "proactive",
            6_000_000,
            3_000_000,
            1,
            effects=(
                _tri("handoffs:@sns->=churn", "probability", 0.85, 0.92, 0.98, mul),
                _tri("handoffs:@sns->=abandon", "probability", 0.85, 0.92, 1.0, mul),
                _tri("steps:@sns", "experience", 0.0, 0.5, 1.0, EffectChange.ADD),
            ),
        ),
        make(
            "predictive_churn_outreach",
            "retention",
            12_000_000,
            5_000_000,
            2,
            prerequisites=(Prerequisite("crm_integration", 1),),
            effects=(_tri("economics:churn", None, 0.95, 0.97, 0.99, mul),),
        ),
        make(
            "product_feedback_loop",
            "product",
            10_000_000,
            8_000_000,
            4,
            effects=(_tri("reasons:@call_center", "arrival", 0.90, 0.95, 0.99, mul),),
        ),
    )


def merge_catalog(
    initiatives: Sequence[Initiative],
    catalogue: Sequence[Initiative] | None = None,
) -> tuple[tuple[Initiative, ...], tuple[str, ...]]:
    """A journey's own initiatives followed by the catalogue's, one initiative per id.

    **Merge rule.** An initiative given in ``initiatives`` (the journey's own, and
    those of an initiatives file) wins over the catalogue entry with the same id:
    that entry is left out, and its id is returned so that it can be reported once.
    The others are added after ``initiatives``, in catalogue order. Prerequisites
    keep naming ids, so a catalogue entry that requires ``crm_integration`` then
    requires the journey's own ``crm_integration``.

    Parameters
    ----------
    initiatives
        The journey's own initiatives (ids must be unique).
    catalogue
        The entries to add; default :func:`catalog` in English.

    Returns
    -------
    (initiatives, replaced)
        The merged initiatives, and the ids of the catalogue entries left out
        because ``initiatives`` defines them.

    Raises
    ------
    CxkitError
        When ``initiatives`` gives one id twice.

    Examples
    --------
    >>> own = [Initiative("cti_same_operator", cost_one_off=1.0)]
    >>> merged, replaced = merge_catalog(own)
    >>> replaced, [i.id for i in merged][:2], len(merged) == len(CATALOG_IDS)
    (('cti_same_operator',), ['cti_same_operator', 'crm_integration'], True)
    """
    own = list(initiatives)
    seen: set[str] = set()
    for ini in own:
        if not isinstance(ini, Initiative):
            raise CxkitError(
                f"`initiatives` must hold Initiative objects, got {format_value(ini)} "
                f"({type(ini).__name__})"
            )
        if ini.id in seen:
            raise CxkitError(
                f"initiative id {ini.id!r} is given twice (in the journey and/or an initiatives "
                "file); rename one of them"
            )
        seen.add(ini.id)
    extra = catalog() if catalogue is None else tuple(catalogue)
    replaced = tuple(i.id for i in extra if i.id in seen)
    added = tuple(i for i in extra if i.id not in seen)
    return (*own, *added), replaced

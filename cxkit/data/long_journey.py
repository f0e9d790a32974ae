"""A long bilingual journey map: the stress case of every export (maps, PDF, slides, Excel).

Real client maps run to 15–40 steps, mix Japanese with English product names, carry
long captions, several pain points per step, waits that push a derived experience far
below the scale, and service-blueprint lanes. :func:`long_journey` builds such a map of
any length, deterministically, so that layout and export tests run on material no
template was tuned for.
"""

from __future__ import annotations

from cxkit.core._checks import whole_number
from cxkit.core.errors import CxkitError
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import (
    Emotion,
    Handoff,
    Outcome,
    OutcomeKind,
    Persona,
    Stage,
    Step,
    Touchpoint,
    TouchpointKind,
)
from cxkit.core.rng import SeedLike, as_generator

__all__ = ["long_journey"]

_MAX_STEPS = 400

_STAGES = (
    ("aware", "認知 (Awareness)"),
    ("consider", "比較・検討 (Consideration)"),
    ("buy", "購入 (Purchase)"),
    ("deliver", "配送・設置"),
    ("use", "利用開始 (Onboarding)"),
    ("contact", "お問い合わせ"),
    ("resolve", "解決 (Resolution)"),
    ("loyal", "継続・推奨"),
)

_TOUCHPOINTS = (
    ("tv", "テレビCM (TV ad)", "tv", TouchpointKind.MARKETING),
    ("sns", "Instagram / YouTube のレビュー", "sns", TouchpointKind.MARKETING),
    ("web", "公式Webサイト（製品ページ）", "web", TouchpointKind.MARKETING),
    ("ec", "ECサイト (online store)", "ec", TouchpointKind.SALES),
    ("store", "購入店舗（売場・店長）", "store", TouchpointKind.SALES),
    ("line", "LINE公式アカウント（クーポン）", "sns", TouchpointKind.SERVICE),
    ("faq", "FAQ・ナレッジ (self-service)", "web", TouchpointKind.SERVICE),
    ("chat", "チャット（chatbot → オペレーター）", "chat", TouchpointKind.SERVICE),
    ("phone", "コールセンター（電話）", "phone", TouchpointKind.SERVICE),
    ("email", "メール問い合わせ (support@)", "email", TouchpointKind.SERVICE),
    ("form", "Webフォーム", "webform", TouchpointKind.SERVICE),
    ("visit", "訪問修理（サービスエンジニア）", "store", TouchpointKind.SERVICE),
)

# (action, pain point, opportunity, frontstage, backstage, support): varied lengths,
# brackets, small kana, long katakana and English words
_ACTIONS = (
    "テレビCMで新しいドラム式洗濯乾燥機（ヒートポンプ式）を知る",
    "Instagram の口コミとYouTubeのレビュー動画をいくつも見比べる",
    "公式サイトで「設置可能サイズ」を調べるが、防水パンの寸法がわからない",
    "ECサイトでクーポンを適用しようとして、authentication error が出る",
    "店舗でスタッフに相談し、ちょっと高いが長期保証つきで購入する",
    "配送日を決めるメールが届かず、マイページ（会員ページ）を何度も確認する",
    "設置当日、作業員から「搬入経路が狭い」と言われ、やり直しになる",
    "初回の運転で E-21 エラーが出て、取扱説明書（PDF）を探す",
    "FAQを検索するが「該当する質問はありません」と表示される",
    "チャットボットに質問し、オペレーターにつながるまで15分待つ",
    "コールセンターに電話し、購入日・型番・症状を最初から説明し直す",
    "折り返しの約束が守られず、もう一度電話して別のオペレーターに説明する",
    "Webフォームで写真を送ると、二営業日後に訪問修理の日程が決まる",
    "サービスエンジニアが部品を交換し、その場で動作を確認してくれる",
    "後日、お詫びのメールとLINEクーポンが届き、家族にも勧める",
)
_PAINS = (
    "防水パンの寸法が製品ページのどこにも書かれていない",
    "エラーコードの意味がわからない",
    "同じ説明を三回繰り返した",
    "待ち時間の目安が表示されない",
    "Authentication error on the coupon page without any explanation",
)
_OPPORTUNITIES = (
    "設置可能サイズのセルフチェック（写真で判定）",
    "CRM連携で問い合わせ履歴をオペレーター間で共有する",
    "折り返し予定時刻をSMSで通知する",
    "Show the estimated wait before the customer queues",
)
_FRONTSTAGE = (
    "オペレーターが本人確認をして症状を聞き取る",
    "店長がお詫びし、代替機を手配する",
    "Engineer explains the repair and tests the machine",
)
_BACKSTAGE = (
    "SVが補償可否を判断する（上限3万円）",
    "配送業者に事故報告を依頼する",
    "Parts are reserved in the regional warehouse",
)
_SUPPORT = (
    "CRM（顧客管理システム）",
    "ナレッジベース / FAQ管理",
    "部品在庫システム (SAP)",
)


def long_journey(n_steps: int = 40, *, seed: SeedLike = 0, language: str = "ja") -> Journey:
    """A valid bilingual journey map with ``n_steps`` steps over eight stages.

    Steps cycle through twelve touchpoints on every channel (TV, SNS, web, EC, store,
    LINE, FAQ, chat, phone, e-mail, web form, a home visit) with captions of varied
    length in Japanese mixed with English words, brackets and small kana; about one in
    four steps has two or three pain points or opportunities and service-blueprint
    lanes; some waits are long enough that the derived experience falls far below 0.

    Parameters
    ----------
    n_steps
        Number of steps, 1–400.
    seed
        Seed of the random stream (same seed, same journey).
    language
        The journey's ``language`` (``"ja"`` or ``"en"``); the texts stay bilingual.

    Examples
    --------
    >>> j = long_journey(40, seed=1)
    >>> len(j.steps), len(j.stages), j.is_valid
    (40, 8, True)
    >>> min(s.experience for s in j.evaluate().steps) < 0  # a wait far over the expected
    True
    >>> long_journey(40, seed=1) == j
    True
    """
    n = whole_number(n_steps, "n_steps", 1)
    if n > _MAX_STEPS:
        raise CxkitError(f"`n_steps` must be at most {_MAX_STEPS}, got {n}")
    rng = as_generator(seed)
    touchpoints = tuple(
        Touchpoint(tp, label=label, channel=channel, kind=kind, cost_per_contact=300.0)
        for tp, label, channel, kind in _TOUCHPOINTS
    )
    ids = [t.id for t in touchpoints]
    steps = tuple(_step(i, n, ids, rng) for i in range(n))
    graph = TouchpointGraph(
        touchpoints=touchpoints,
        handoffs=_handoffs(ids),
        outcomes=(
            Outcome("resolved", label="解決", kind=OutcomeKind.RESOLVED),
            Outcome("churn", label="解約 (churn)", kind=OutcomeKind.CHURN),
            Outcome("abandon", label="離脱", kind=OutcomeKind.ABANDON),
        ),
        entry={"tv": 0.5, "sns": 0.3, "web": 0.2},
    )
    return Journey(
        id=f"long_journey_{n}",
        title=f"ドラム式洗濯乾燥機の購入から修理まで（{n} steps, bilingual stress case）",
        graph=graph,
        stages=tuple(Stage(sid, label=label) for sid, label in _STAGES),
        steps=steps,
        persona=Persona(
            "佐藤 美咲（38歳・共働き） / Misaki Sato", "二児の母。平日の夜しか電話できない"
        ),
        language=language,
    )


def _step(i: int, n: int, ids: list[str], rng: object) -> Step:
    stage = _STAGES[min(i * len(_STAGES) // n, len(_STAGES) - 1)][0]
    touchpoint = ids[(i * 5) % len(ids)]
    rich = i % 4 == 1
    long_wait = i % 7 == 3
    action = _ACTIONS[i % len(_ACTIONS)]
    if i % 3 == 2:
        action = f"{action}。さらに、{_ACTIONS[(i * 7 + 3) % len(_ACTIONS)]}"
    expectation = float(rng.integers(4, 9))  # type: ignore[attr-defined]
    experience = None if long_wait else float(rng.integers(1, 11))  # type: ignore[attr-defined]
    return Step(
        stage,
        touchpoint,
        action=action,
        id=f"s{i + 1:02d}",
        expectation=expectation,
        experience=experience,
        wait_s=float(1500 + 60 * i) if long_wait else None,
        effort=float(rng.integers(1, 6)),  # type: ignore[attr-defined]
        emotion=Emotion.DELIGHTED if i % 11 == 10 else None,
        context_lost=i % 5 == 4,
        pain_points=tuple(_PAINS[(i + k) % len(_PAINS)] for k in range(3 if rich else i % 2)),
        opportunities=tuple(_OPPORTUNITIES[(i + k) % len(_OPPORTUNITIES)] for k in range(2 * rich)),
        frontstage=(_FRONTSTAGE[i % len(_FRONTSTAGE)],) if rich or i % 3 == 0 else (),
        backstage=(_BACKSTAGE[i % len(_BACKSTAGE)],) if rich else (),
        support=tuple(_SUPPORT[: 1 + i % 3]) if rich else (),
    )


def _handoffs(ids: list[str]) -> tuple[Handoff, ...]:
    """Each touchpoint hands on to the next two on the ring and ends in an outcome."""
    out: list[Handoff] = []
    for k, tp in enumerate(ids):
        nxt, skip = ids[(k + 1) % len(ids)], ids[(k + 3) % len(ids)]
        carry = 0.4 if k % 2 else 1.0
        out += [
            Handoff(tp, nxt, 0.45, context_carryover=carry, wait_s=60.0 * (k % 3)),
            Handoff(tp, skip, 0.2, context_carryover=carry),
            Handoff(tp, "resolved", 0.25),
            Handoff(tp, "churn", 0.05),
        ]
    return tuple(out)

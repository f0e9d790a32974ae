"""Labels of :mod:`cxkit.voc` (call-reason impact, fix list, moments), merged into
:data:`cxkit.core.i18n._LABELS`: one table per domain keeps parallel work apart."""

from __future__ import annotations

VOC_LABELS: dict[str, dict[str, str]] = {
    "voc_title": {"en": "Call-reason impact", "ja": "問い合わせ理由の影響"},
    "voc_rank": {"en": "#", "ja": "順位"},
    "voc_reason": {"en": "Call reason", "ja": "問い合わせ理由"},
    "voc_category": {"en": "Complaint category", "ja": "苦情カテゴリ"},
    "voc_contacts": {"en": "Contacts", "ja": "接触数"},
    "voc_journeys": {"en": "Journeys", "ja": "ジャーニー数"},
    "voc_customers": {"en": "Customers", "ja": "顧客数"},
    "voc_share": {"en": "Share of contacts", "ja": "接触の構成比"},
    "voc_dissatisfaction": {"en": "Dissatisfied", "ja": "不満の割合"},
    "voc_repeat": {"en": "Came back", "ja": "再問い合わせ率"},
    "voc_churn_rate": {"en": "Churn", "ja": "解約率"},
    "voc_churn_lift": {"en": "Churn lift", "ja": "解約リフト"},
    "voc_lift_ci": {"en": "Churn lift (95 % interval)", "ja": "解約リフト (95 % 区間)"},
    "voc_cost": {"en": "Cost to serve", "ja": "対応コスト"},
    "voc_score": {"en": "Excess churned customers", "ja": "超過解約顧客数"},
    "voc_owner": {"en": "Suggested owner", "ja": "担当の候補"},
    "voc_why": {"en": "Why", "ja": "理由"},
    "voc_none": {"en": "(none)", "ja": "(なし)"},
    "voc_undefined": {"en": "undefined", "ja": "算出不可"},
    "voc_note_no_contrast": {
        "en": "every customer has this reason: no one to compare with",
        "ja": "全顧客がこの理由を持つため比較対象がない",
    },
    "voc_note_no_churn": {"en": "no customer churned", "ja": "解約した顧客がいない"},
    "voc_note_all_churned": {"en": "every customer churned", "ja": "全顧客が解約"},
    "voc_note_no_outcome": {
        "en": "the log records no outcome",
        "ja": "ログに結果 (outcome) の列がない",
    },
    "voc_note_corrected": {
        "en": "a zero count: ½ added to each cell",
        "ja": "0件のセルがあるため各セルに½を加算",
    },
    "voc_why_lift": {
        "en": "customers with it churn {lift}× as often ({low}–{high})",
        "ja": "この理由の顧客は解約が {lift} 倍 ({low}〜{high})",
    },
    "voc_why_dis": {"en": "{rate} of contacts dissatisfied", "ja": "接触の {rate} が不満"},
    "voc_why_repeat": {
        "en": "{rate} of journeys come back",
        "ja": "ジャーニーの {rate} が再問い合わせ",
    },
    "voc_why_cost": {"en": "cost to serve {cost}", "ja": "対応コスト {cost}"},
    "voc_why_volume": {"en": "{n} contacts ({share} of all)", "ja": "接触 {n} 件 (全体の {share})"},
    "voc_owner_product": {"en": "Product owner", "ja": "プロダクトオーナー"},
    "voc_owner_process": {"en": "Process / operations owner", "ja": "業務プロセス責任者"},
    "voc_owner_contact_center": {"en": "Contact-center lead", "ja": "コンタクトセンター責任者"},
    "voc_fix_label": {"en": "Fix the cause of '{reason}'", "ja": "「{reason}」の原因を取り除く"},
    "voc_fix_description": {
        "en": "Product-feedback fix: arrivals of call reason '{reason}' ×{mode} ({low}–{high}), "
        "the share of its journeys that came back (repeat contacts) in the event log.",
        "ja": "製品フィードバックによる改善。問い合わせ理由「{reason}」の発生 ×{mode} "
        "({low}〜{high})。イベントログで再問い合わせとなったジャーニーの割合に基づく。",
    },
    "voc_moments_title": {"en": "Moments library", "ja": "モーメント集"},
    "voc_moments_intro": {
        "en": "Delighted and failed moments collected from journeys and event logs, "
        "to share success and failure cases in the center.",
        "ja": "ジャーニーとイベントログから集めた感動と不満の瞬間。成功事例と失敗事例を"
        "センター内で共有するために。",
    },
    "voc_moments_delighted": {"en": "Delighted moments (感動)", "ja": "感動の瞬間"},
    "voc_moments_failed": {"en": "Failed moments (不満)", "ja": "不満の瞬間"},
    "voc_moment_source": {"en": "Source", "ja": "出典"},
    "voc_moment_where": {"en": "Where", "ja": "場面"},
    "voc_moment_note": {"en": "Note or quote", "ja": "メモ・お客様の声"},
    "voc_moment_count": {"en": "Count", "ja": "件数"},
    "voc_moment_events": {"en": "event log", "ja": "イベントログ"},
    "voc_moments_empty": {"en": "No moment recorded.", "ja": "記録された瞬間はありません。"},
    "voc_chart_title": {
        "en": "Churn lift by call reason (bars: lift, whiskers: interval)",
        "ja": "問い合わせ理由別の解約リフト (棒: リフト、ひげ: 区間)",
    },
    "voc_chart_baseline": {"en": "no lift (1×)", "ja": "リフトなし (1倍)"},
    # the fix list's figure columns (CSV headers of a Japanese fix list)
    "voc_col_contacts": {"en": "contacts", "ja": "接触数"},
    "voc_col_journeys": {"en": "journeys", "ja": "ジャーニー数"},
    "voc_col_customers": {"en": "customers", "ja": "顧客数"},
    "voc_col_share": {"en": "share of contacts", "ja": "接触の構成比"},
    "voc_col_dissatisfaction": {"en": "dissatisfaction rate", "ja": "不満の割合"},
    "voc_col_repeat_rate": {"en": "repeat-journey rate", "ja": "再問い合わせ率"},
    "voc_col_repeat_low": {"en": "repeat rate, low", "ja": "再問い合わせ率 下限"},
    "voc_col_repeat_high": {"en": "repeat rate, high", "ja": "再問い合わせ率 上限"},
    "voc_col_churn_lift": {"en": "churn lift", "ja": "解約リフト"},
    "voc_col_churn_lift_low": {"en": "churn lift, low", "ja": "解約リフト 下限"},
    "voc_col_churn_lift_high": {"en": "churn lift, high", "ja": "解約リフト 上限"},
    "voc_col_lift_note": {"en": "lift note", "ja": "リフトの注記"},
    "voc_col_excess_churn": {"en": "excess churned customers", "ja": "超過解約顧客数"},
    "voc_col_cost": {"en": "cost to serve", "ja": "対応コスト"},
}

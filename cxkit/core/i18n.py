"""User-visible labels in English and Japanese.

Every label cxkit itself shows (emotion classes, channel names, column headers,
CLI summaries) is looked up here, so that adding a language is one table.

Examples
--------
>>> label("delighted", "ja")
'感動'
>>> label("delighted")
'delighted'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from cxkit.core.errors import CxkitError, format_value

__all__ = ["LANGUAGES", "Language", "label", "labels", "resolve_lang", "text_language"]

Language = Literal["en", "ja"]
LANGUAGES: tuple[str, ...] = ("en", "ja")

_LABELS: dict[str, dict[str, str]] = {
    # emotion classes (expectation–disconfirmation)
    "dissatisfied": {"en": "dissatisfied", "ja": "不満"},
    "satisfied": {"en": "satisfied", "ja": "満足"},
    "delighted": {"en": "delighted", "ja": "感動"},
    # channels
    "store": {"en": "Store", "ja": "店舗"},
    "tv": {"en": "TV / ads", "ja": "テレビ・広告"},
    "ec": {"en": "EC site", "ja": "ECサイト"},
    "web": {"en": "Official web", "ja": "公式サイト"},
    "sns": {"en": "SNS", "ja": "SNS"},
    "call_center": {"en": "Call center", "ja": "コールセンター"},
    # the channel of a discovered touchpoint whose log has no channel column
    "unknown": {"en": "Unknown", "ja": "不明"},
    "phone": {"en": "Phone", "ja": "電話"},
    "email": {"en": "Email", "ja": "メール"},
    "webform": {"en": "Web form", "ja": "Webフォーム"},
    "chat": {"en": "Chat", "ja": "チャット"},
    # outcome kinds
    "purchase": {"en": "purchase", "ja": "購入"},
    "resolved": {"en": "resolved", "ja": "解決"},
    "churn": {"en": "churn", "ja": "解約"},
    "abandon": {"en": "abandon", "ja": "離脱"},
    "other": {"en": "other", "ja": "その他"},
    # evidence levels
    "assumed": {"en": "assumed", "ja": "仮説"},
    "observed": {"en": "observed", "ja": "観察"},
    "measured": {"en": "measured", "ja": "計測"},
    # touchpoint kinds
    "marketing": {"en": "marketing", "ja": "マーケティング"},
    "sales": {"en": "sales", "ja": "販売"},
    "service": {"en": "service", "ja": "サービス"},
    # summary headings and column names
    "journey": {"en": "Journey", "ja": "ジャーニー"},
    "persona": {"en": "Persona", "ja": "ペルソナ"},
    "stage": {"en": "Stage", "ja": "ステージ"},
    "stages": {"en": "Stages", "ja": "ステージ"},
    "step": {"en": "Step", "ja": "ステップ"},
    "steps": {"en": "Steps", "ja": "ステップ"},
    "touchpoint": {"en": "Touchpoint", "ja": "タッチポイント"},
    "touchpoints": {"en": "Touchpoints", "ja": "タッチポイント"},
    "channel": {"en": "Channel", "ja": "チャネル"},
    "handoffs": {"en": "Hand-offs", "ja": "引き継ぎ"},
    "outcomes": {"en": "Outcomes", "ja": "結果"},
    "action": {"en": "Action", "ja": "行動"},
    "call_reason": {"en": "Call reason", "ja": "問い合わせ理由"},
    "expectation": {"en": "Expectation", "ja": "事前期待"},
    "experience": {"en": "Experience", "ja": "体験"},
    "disconfirmation": {"en": "Gap", "ja": "ギャップ"},
    "valence": {"en": "Valence", "ja": "感情値"},
    "emotion": {"en": "Emotion", "ja": "感情"},
    "effort": {"en": "Effort (CES)", "ja": "努力度 (CES)"},
    "wait": {"en": "Wait (s)", "ja": "待ち時間 (秒)"},
    "pain_points": {"en": "Pain points", "ja": "ペインポイント"},
    "opportunities": {"en": "Opportunities", "ja": "改善機会"},
    "evidence": {"en": "Evidence", "ja": "根拠"},
    "peak_end": {"en": "Peak-end", "ja": "ピーク・エンド"},
    "mean": {"en": "Mean", "ja": "平均"},
    "recency": {"en": "Recency-weighted", "ja": "直近重み付け"},
    "remembered": {"en": "Remembered experience", "ja": "記憶される体験"},
    "journey_emotion": {"en": "Journey emotion", "ja": "ジャーニー全体の感情"},
    "ces": {"en": "Journey effort (CES 1–5)", "ja": "ジャーニー努力度 (CES 1–5)"},
    "csat": {"en": "Synthetic CSAT (1–5)", "ja": "推定CSAT (1–5)"},
    "nps": {"en": "Synthetic likelihood to recommend (0–10)", "ja": "推定推奨度 (0–10)"},
    "valid": {"en": "valid", "ja": "有効"},
    "invalid": {"en": "invalid", "ja": "無効"},
    # `cxkit show` and `cxkit templates` summaries
    "peak": {"en": "Peak", "ja": "ピーク"},
    "end": {"en": "End", "ja": "エンド"},
    "aggregates": {"en": "Journey aggregates", "ja": "ジャーニー全体の指標"},
    "goals": {"en": "Goals", "ja": "目標"},
    "frustrations": {"en": "Frustrations", "ja": "困りごと"},
    "language": {"en": "Language", "ja": "言語"},
    "title": {"en": "Title", "ja": "タイトル"},
    "template": {"en": "Template", "ja": "テンプレート"},
    "switches": {"en": "Channel switches", "ja": "チャネル切替"},
    "reexplanations": {"en": "Repeated explanations", "ja": "説明の繰り返し"},
    "transfers": {"en": "Transfers", "ja": "転送"},
    "repeat_contacts": {"en": "Repeat contacts", "ja": "再問い合わせ"},
    "excess_wait": {"en": "Wait beyond expected (min)", "ja": "期待を超えた待ち時間 (分)"},
    "no_valence": {
        "en": "No step has both an expectation and an experience: nothing to aggregate.",
        "ja": "事前期待と体験の両方を持つステップがないため、集計できません。",
    },
    # cxkit.viz charts (journey map, emotion curve, touchpoint graph, gap heatmap)
    "viz_journey_map": {"en": "Journey map", "ja": "ジャーニーマップ"},
    "viz_emotion_curve": {"en": "Emotion curve", "ja": "感情曲線"},
    "viz_touchpoint_graph": {"en": "Touchpoint graph", "ja": "タッチポイント遷移図"},
    "viz_gap_heatmap": {
        "en": "Expectation gap by stage and touchpoint",
        "ja": "ステージ × タッチポイント別の期待ギャップ",
    },
    "viz_expect_vs_experience": {"en": "Expectation vs experience", "ja": "事前期待と体験"},
    "viz_score": {"en": "Score (0–10)", "ja": "評価 (0–10)"},
    "viz_mean_gap": {"en": "Mean gap", "ja": "平均ギャップ"},
    "viz_n_steps": {"en": "Steps", "ja": "ステップ数"},
    "viz_no_valence_step": {
        "en": "no valence (expectation or experience missing)",
        "ja": "感情値なし (事前期待または体験が未入力)",
    },
    "viz_no_steps": {
        "en": "This journey has no steps yet.",
        "ja": "このジャーニーにはまだステップがありません。",
    },
    "viz_emotion_source": {"en": "Emotion source", "ja": "感情の出所"},
    "viz_explicit": {"en": "annotated", "ja": "明示"},
    "viz_computed": {"en": "computed", "ja": "計算"},
    "viz_context_lost": {"en": "Had to repeat themselves", "ja": "説明のやり直し"},
    "viz_transfer": {"en": "Transfer", "ja": "転送"},
    "viz_repeat_contact": {"en": "Repeat contact", "ja": "再問い合わせ"},
    "viz_notes": {"en": "Notes", "ja": "メモ"},
    "viz_yes": {"en": "yes", "ja": "はい"},
    "viz_no": {"en": "no", "ja": "いいえ"},
    "viz_from": {"en": "From", "ja": "遷移元"},
    "viz_to": {"en": "To", "ja": "遷移先"},
    "viz_probability": {"en": "Probability", "ja": "遷移確率"},
    "viz_carryover": {"en": "Context carry-over", "ja": "文脈の引き継ぎ率"},
    "viz_remainder": {"en": "Remainder (unassigned share)", "ja": "残余 (未割当の割合)"},
    "viz_channel_switch": {"en": "Channel switch", "ja": "チャネル切替"},
    "viz_outcome": {"en": "Outcome", "ja": "結果"},
    "viz_kind": {"en": "Kind", "ja": "種別"},
    "viz_entry": {"en": "Entry share", "ja": "開始割合"},
    "viz_owner": {"en": "Owner", "ja": "担当"},
    "viz_wait_s": {"en": "Wait (s)", "ja": "待ち時間 (秒)"},
    "viz_expected_wait_s": {"en": "Expected wait (s)", "ja": "想定待ち時間 (秒)"},
    # cxkit.export (Markdown, HTML, Mermaid, MkDocs sites)
    "export_measure": {"en": "Measure", "ja": "指標"},
    "export_value": {"en": "Value", "ja": "値"},
    "export_journey_diagram": {"en": "Journey diagram", "ja": "ジャーニー図"},
    "export_context_kept": {"en": "context kept", "ja": "文脈引継ぎ"},
    "export_remainder": {"en": "remainder", "ja": "残り"},
    "export_journeys": {"en": "Journeys", "ja": "ジャーニー一覧"},
    "export_generated_by": {"en": "Generated by cxkit", "ja": "cxkitで生成"},
    "export_step_no": {"en": "#", "ja": "No."},
    # cxkit.sim results, charts and the `cxkit simulate` / `cxkit staffing` commands
    "sim_outcome_shares": {"en": "Outcome shares", "ja": "結果の割合"},
    "sim_share": {"en": "Share of customers", "ja": "顧客の割合"},
    "sim_customers": {"en": "Customers", "ja": "顧客数"},
    "sim_ces_distribution": {"en": "Effort distribution (CES 1–5)", "ja": "努力度の分布 (CES 1–5)"},
    "sim_flows": {"en": "Customer flows", "ja": "顧客の流れ"},
    "sim_traversals": {
        "en": "Expected traversals per journey",
        "ja": "1ジャーニーあたりの期待遷移回数",
    },
    "sim_visits": {"en": "Expected visits per journey", "ja": "1ジャーニーあたりの期待訪問回数"},
    "sim_what_if": {"en": "What-if comparison", "ja": "シナリオ比較"},
    "sim_baseline": {"en": "baseline", "ja": "現状"},
    "sim_scenario": {"en": "scenario", "ja": "シナリオ"},
    "sim_metric": {"en": "Metric", "ja": "指標"},
    "sim_value": {"en": "Value", "ja": "値"},
    "sim_difference": {"en": "Difference", "ja": "差"},
    "sim_ci_low": {"en": "95% CI low", "ja": "95%信頼区間 下限"},
    "sim_ci_high": {"en": "95% CI high", "ja": "95%信頼区間 上限"},
    "sim_exact": {"en": "exact", "ja": "厳密解"},
    "sim_monte_carlo": {"en": "Monte Carlo", "ja": "モンテカルロ"},
    "sim_mean": {"en": "mean", "ja": "平均"},
    "sim_contacts": {"en": "Contacts per journey", "ja": "1ジャーニーあたりの接点数"},
    "sim_service_contacts": {"en": "Service contacts", "ja": "サービス接点数"},
    "sim_fcr": {"en": "First-contact resolution", "ja": "初回解決率"},
    "sim_cost": {"en": "Cost per journey", "ja": "1ジャーニーあたりのコスト"},
    "sim_handle_time": {"en": "Handle time (s)", "ja": "処理時間 (秒)"},
    "sim_context_losses": {"en": "Repeated explanations", "ja": "説明の繰り返し"},
    "sim_expected_steps": {"en": "Expected steps", "ja": "期待ステップ数"},
    "sim_steps_sd": {"en": "SD of steps", "ja": "ステップ数の標準偏差"},
    "sim_top_paths": {"en": "Most frequent paths", "ja": "よくある経路"},
    "sim_path": {"en": "Path", "ja": "経路"},
    "sim_seed": {"en": "seed", "ja": "乱数シード"},
    "sim_truncated": {"en": "Stopped at max steps", "ja": "最大ステップで打ち切り"},
    "sim_layer": {"en": "Step", "ja": "ステップ"},
    "sim_staffing": {"en": "Erlang C staffing", "ja": "アーランC 要員計算"},
    "sim_agents": {"en": "Agents", "ja": "必要席数"},
    "sim_scheduled": {"en": "Scheduled headcount", "ja": "シフト必要人数"},
    "sim_traffic": {"en": "Traffic (Erlang)", "ja": "呼量 (アーラン)"},
    "sim_p_wait": {"en": "P(wait)", "ja": "待ち確率"},
    "sim_service_level": {"en": "Service level", "ja": "サービスレベル"},
    "sim_asa": {"en": "ASA (s)", "ja": "平均応答時間 (秒)"},
    "sim_occupancy": {"en": "Occupancy", "ja": "稼働率"},
    "sim_queue": {"en": "Queue", "ja": "待ち行列"},
    "sim_queue_agents": {"en": "agents", "ja": "席"},
    "sim_calls_per_hour": {"en": "calls/h", "ja": "件/時"},
    "sim_patience": {"en": "patience", "ja": "平均忍耐時間"},
    "sim_p_abandon": {"en": "abandon", "ja": "放棄率"},
    "sim_mean_wait": {"en": "mean wait", "ja": "平均待ち時間"},
    "sim_seconds": {"en": "s", "ja": "秒"},
    "erlang_a": {"en": "Erlang A", "ja": "アーランA"},
    "erlang_c": {"en": "Erlang C", "ja": "アーランC"},
    "sim_queue_exact_note": {
        "en": "Queues act in the Monte Carlo engine only: the exact column leaves out "
        "queue waits and callers who abandon.",
        "ja": "待ち行列はモンテカルロのみで扱います。厳密解の列には待ち行列の待ち時間と"
        "放棄した顧客が含まれません。",
    },
    "sim_absorbing_chain": {"en": "absorbing Markov chain", "ja": "吸収マルコフ連鎖"},
    "sim_max_steps": {"en": "max steps", "ja": "最大ステップ数"},
    # cxkit.roi: the built-in initiative catalogue
    "roi_cat_crm_integration": {
        "en": "CRM integration (context carried across channels)",
        "ja": "CRM統合 (チャネル間で文脈を引き継ぐ)",
    },
    "roi_cat_cti_same_operator": {
        "en": "CTI same-operator routing for repeat callers",
        "ja": "CTI連携による再入電の同一オペレーター接続",
    },
    "roi_cat_faq_knowledge_base": {
        "en": "FAQ / knowledge base",
        "ja": "FAQ・ナレッジベース",
    },
    "roi_cat_talk_scripts_training": {
        "en": "Talk scripts and training",
        "ja": "トークスクリプトと研修",
    },
    "roi_cat_operator_empowerment": {
        "en": "Operator empowerment and multi-skilling",
        "ja": "オペレーターへの権限委譲とマルチスキル化",
    },
    "roi_cat_chat_channel": {"en": "Chat channel", "ja": "チャット窓口の開設"},
    "roi_cat_sns_listening": {
        "en": "SNS listening with proactive contact",
        "ja": "SNSの傾聴と能動的な連絡",
    },
    "roi_cat_predictive_churn_outreach": {
        "en": "Predictive churn outreach",
        "ja": "解約予測にもとづく先回りの連絡",
    },
    "roi_cat_product_feedback_loop": {
        "en": "Product-feedback loop (call-center VoC to the product teams)",
        "ja": "製品へのフィードバックループ (コールセンターの顧客の声を製品チームへ)",
    },
    # cxkit.roi: reports and charts
    "roi_report": {"en": "ROI roadmap", "ja": "ROIロードマップ"},
    "roi_initiative": {"en": "Initiative", "ja": "施策"},
    "roi_npv": {"en": "NPV", "ja": "正味現在価値 (NPV)"},
    "roi_npv_risk": {"en": "Risk-adjusted NPV", "ja": "リスク調整後NPV"},
    "roi_roi": {"en": "ROI", "ja": "ROI"},
    "roi_irr": {"en": "IRR per period", "ja": "期間あたりIRR"},
    "roi_payback": {"en": "Payback (periods)", "ja": "回収期間 (期)"},
    "roi_discounted_payback": {
        "en": "Discounted payback (periods)",
        "ja": "割引回収期間 (期)",
    },
    "roi_prob_negative": {"en": "P(NPV < 0)", "ja": "NPVが負になる確率"},
    "roi_baseline": {"en": "Baseline", "ja": "現状"},
    "roi_scenario": {"en": "Scenario", "ja": "施策後"},
    "roi_churn": {"en": "Churn per period", "ja": "期間あたり解約率"},
    "roi_fcr_shares": {
        "en": "Resolution shares (FCR / multi-contact / unresolved)",
        "ja": "解決の内訳 (一次解決 / 複数回 / 未解決)",
    },
    "roi_cost_per_journey": {"en": "Cost per journey", "ja": "ジャーニーあたりコスト"},
    "roi_clv": {"en": "CLV per customer", "ja": "顧客あたりCLV"},
    "roi_benefit_per_period": {"en": "Benefit per period", "ja": "期間あたり便益"},
    "roi_chosen_roadmap": {"en": "Chosen roadmap", "ja": "選ばれたロードマップ"},
    "roi_budget": {"en": "Budget", "ja": "予算"},
    "roi_spend": {"en": "Spend", "ja": "支出"},
    "roi_binding": {"en": "Binding constraints", "ja": "制約が効いている行"},
    "roi_additive": {"en": "Additive estimate", "ja": "単純合算の見積り"},
    "roi_joint": {"en": "Joint re-simulation", "ja": "同時に再シミュレーションした値"},
    "roi_gap": {"en": "Interaction gap", "ja": "相互作用による差"},
    "roi_not_selected": {"en": "Not selected", "ja": "選ばれなかった施策"},
    "roi_period": {"en": "Period", "ja": "期"},
    "roi_cumulative_cash_flow": {
        "en": "Cumulative discounted cash flow",
        "ja": "累積割引キャッシュフロー",
    },
    "roi_npv_fan": {"en": "NPV over time (P10–P90)", "ja": "NPVの推移 (P10〜P90)"},
    "roi_gantt": {"en": "Roadmap", "ja": "ロードマップ"},
    "roi_tornado": {"en": "Sensitivity of NPV", "ja": "NPVの感度"},
    "roi_comparison": {"en": "Initiatives compared", "ja": "施策の比較"},
    "roi_low": {"en": "low", "ja": "低"},
    "roi_high": {"en": "high", "ja": "高"},
    "roi_payback_marker": {"en": "payback", "ja": "回収"},
    "roi_ramp_up": {"en": "ramp-up", "ja": "立ち上げ"},
    "roi_full_benefit": {"en": "full benefit", "ja": "効果最大"},
    "roi_warnings": {"en": "Warnings", "ja": "注意"},
    "roi_convention": {"en": "Percentiles", "ja": "パーセンタイル"},
    "roi_mode": {"en": "at mode", "ja": "最頻値"},
    "roi_payback_short": {"en": "payback", "ja": "回収"},
    "roi_discounted_short": {"en": "disc. payback", "ja": "割引回収"},
    "roi_risk_adjusted_short": {"en": "risk-adj.", "ja": "リスク調整後"},
    "roi_quarters": {"en": "quarters", "ja": "四半期"},
    "roi_years": {"en": "years", "ja": "年"},
    "roi_months": {"en": "months", "ja": "か月"},
    "roi_note_table": {
        "en": "NPV at the mode of every input; P10/P50/P90 and P(<0) over the draws; payback in "
        "{period}; * = NPV given by the initiative (business case)",
        "ja": "NPVは全入力の最頻値で計算。P10/P50/P90とP(<0)は試行全体から。回収期間の単位は"
        "{period}。* = 施策に与えられたNPV (ビジネスケース)",
    },
    "roi_note_effects": {
        "en": "effects at their mode; benefit per period of the economics",
        "ja": "効果は最頻値。便益は経済条件の期間あたり",
    },
    "roi_note_no_budget": {
        "en": "(no roadmap: pass --budget 100,60 or set economics.budgets)",
        "ja": "(ロードマップなし: --budget 100,60 を指定するか economics.budgets を設定)",
    },
    "roi_not_applicable": {"en": "not applicable", "ja": "対象外"},
    "roi_na_short": {"en": "n/a", "ja": "対象外"},
    "roi_note_not_applicable": {
        "en": "n/a = not applicable: the initiative's effects match nothing in this journey "
        "(no touchpoint, hand-off, step or call reason they name); it is valued at 0",
        "ja": "対象外 = 施策の効果がこのジャーニーのどこにも当てはまらない (対象の接点・引継ぎ・"
        "ステップ・問い合わせ理由がない) ため、価値は0とした",
    },
    "roi_not_applicable_list": {
        "en": "Not applicable to this journey (valued at 0): {ids}",
        "ja": "このジャーニーには対象外 (価値0): {ids}",
    },
    "roi_catalog_kept_own": {
        "en": "catalogue entries not added because the journey (or the initiatives file) "
        "defines the same id: {ids}",
        "ja": "ジャーニー (または施策ファイル) が同じIDを定義しているため、カタログから"
        "追加しなかった施策: {ids}",
    },
    # cxkit.widgets: the workshop widgets (JourneyEditor, HandoffExplorer, RoadmapPlanner,
    # EventExplorer); "{name}" placeholders are filled with str.format
    "w_ready": {"en": "Ready.", "ja": "準備ができました。"},
    "w_editor": {"en": "Journey editor", "ja": "ジャーニー編集"},
    "w_undo": {"en": "Undo", "ja": "元に戻す"},
    "w_redo": {"en": "Redo", "ja": "やり直す"},
    "w_save": {"en": "Save", "ja": "保存"},
    "w_file": {"en": "File", "ja": "ファイル"},
    "w_add_step": {"en": "Add", "ja": "追加"},
    "w_remove_step": {"en": "Remove", "ja": "削除"},
    "w_move_up": {"en": "Up", "ja": "上へ"},
    "w_move_down": {"en": "Down", "ja": "下へ"},
    "w_set": {"en": "set", "ja": "入力"},
    "w_one_per_line": {"en": "one per line", "ja": "1行に1項目"},
    "w_lock_wait": {
        "en": 'Derived from the wait ({wait} against {expected} expected): tick "{set}" to '
        "enter your own value.",
        "ja": "待ち時間から算出（期待 {expected} に対し {wait}）。自分で入力するには「{set}」に"
        "チェックを入れてください。",
    },
    "w_lock_reason": {
        "en": "Taken from the call reason '{reason}': tick \"{set}\" to enter your own value.",
        "ja": "問い合わせ理由「{reason}」の事前期待を使用。自分で入力するには「{set}」にチェックを"
        "入れてください。",
    },
    "w_lock_empty": {
        "en": 'No value yet: tick "{set}" to enter one.',
        "ja": "未入力です。入力するには「{set}」にチェックを入れてください。",
    },
    "w_emotion_auto": {"en": "auto (from the gap)", "ja": "自動 (ギャップから判定)"},
    "w_status_edited": {"en": "Step {n} changed.", "ja": "ステップ{n}を変更しました。"},
    "w_status_added": {"en": "Step {n} added.", "ja": "ステップ{n}を追加しました。"},
    "w_status_removed": {"en": "Step {n} removed.", "ja": "ステップ{n}を削除しました。"},
    "w_status_moved": {
        "en": "Step {n} moved to position {to}.",
        "ja": "ステップ{n}を{to}番目に移動しました。",
    },
    "w_status_replaced": {"en": "Journey replaced.", "ja": "ジャーニーを置き換えました。"},
    "w_status_undone": {"en": "Undone.", "ja": "元に戻しました。"},
    "w_status_redone": {"en": "Redone.", "ja": "やり直しました。"},
    "w_nothing_to_undo": {"en": "Nothing to undo.", "ja": "元に戻す操作はありません。"},
    "w_nothing_to_redo": {"en": "Nothing to redo.", "ja": "やり直す操作はありません。"},
    "w_no_path": {
        "en": "No file to save to: type a file name first.",
        "ja": "保存先がありません。ファイル名を入力してください。",
    },
    "w_saved": {"en": "Saved {path} at {time}.", "ja": "{time} に {path} へ保存しました。"},
    "w_saved_with_errors": {
        "en": "The journey still has {n} error(s).",
        "ja": "ジャーニーにはまだ{n}件のエラーがあります。",
    },
    "w_no_problems": {"en": "No problems found.", "ja": "問題は見つかりませんでした。"},
    "w_problems": {
        "en": "Problems: {errors} error(s), {warnings} warning(s)",
        "ja": "問題点: エラー{errors}件、警告{warnings}件",
    },
    "w_handoff_explorer": {"en": "Hand-off explorer", "ja": "引き継ぎシミュレーター"},
    "w_handoff": {"en": "Hand-off", "ja": "引き継ぎ"},
    "w_reset": {"en": "Reset scenario", "ja": "シナリオを元に戻す"},
    "w_no_handoffs": {
        "en": "This journey has no hand-offs to explore.",
        "ja": "このジャーニーには検討できる引き継ぎがありません。",
    },
    "w_engine_note": {
        "en": (
            "Shares, contacts, cost, effort index, switches, repeated explanations, "
            "transfers, repeat contacts, waits and first-contact resolution: exact "
            "absorbing chain. CES and the remembered experience: Monte Carlo, {n} "
            "customers, seed {seed}, common random numbers (95% CI of the paired difference)."
        ),
        "ja": (
            "結果の割合・接点数・コスト・努力度指数・チャネル切替・説明の繰り返し・転送・"
            "再問い合わせ・待ち時間・初回解決率は吸収マルコフ連鎖による厳密解。"
            "努力度 (CES) と記憶される体験はモンテカルロ法 (顧客{n}人、乱数シード{seed}、"
            "共通乱数、差の95%信頼区間)。"
        ),
    },
    "w_status_scenario": {
        "en": "Scenario: {edge} probability {p}, context carry-over {k}.",
        "ja": "シナリオ: {edge} 遷移確率 {p}、文脈の引き継ぎ率 {k}。",
    },
    "w_status_reset": {
        "en": "Scenario reset to the baseline.",
        "ja": "シナリオを現状に戻しました。",
    },
    "w_remainder_note": {
        "en": "The rest of {source}'s customers go to '{outcome}' (remainder rule).",
        "ja": "{source}の残りの顧客は「{outcome}」に進みます (残余ルール)。",
    },
    "w_roadmap_planner": {"en": "ROI roadmap planner", "ja": "ROIロードマップ・プランナー"},
    "w_initiatives": {"en": "Initiatives", "ja": "施策"},
    "w_effect": {"en": "Effect", "ja": "効果"},
    "w_mode": {"en": "mode", "ja": "最頻値"},
    "w_apply": {"en": "Apply", "ja": "適用"},
    "w_budget": {"en": "Budget per period", "ja": "期ごとの予算"},
    "w_plan_value": {"en": "Plan value (expected NPV)", "ja": "計画の価値 (期待NPV)"},
    "w_plan_payback": {"en": "Plan payback", "ja": "計画の回収時期"},
    "w_no_plan": {
        "en": "No selected initiative adds value within this budget: nothing is scheduled.",
        "ja": "この予算では価値を生む施策がないため、何も計画されません。",
    },
    "w_never": {"en": "not within the horizon", "ja": "期間内に回収できない"},
    "w_status_evaluated": {
        "en": "Evaluated {n} initiative(s): {sims} draws, seed {seed}.",
        "ja": "{n}件の施策を評価しました (試行{sims}回、乱数シード{seed})。",
    },
    "w_status_planned": {"en": "Plan updated.", "ja": "計画を更新しました。"},
    "w_event_explorer": {"en": "Event explorer", "ja": "イベントログ分析"},
    "w_example": {"en": "Example", "ja": "サンプル"},
    "w_load": {"en": "Load", "ja": "読み込む"},
    "w_date_from": {"en": "From", "ja": "開始日"},
    "w_date_to": {"en": "To", "ja": "終了日"},
    "w_call_reasons": {"en": "Call reasons", "ja": "問い合わせ理由"},
    "w_no_reason": {"en": "(no reason)", "ja": "(理由なし)"},
    "w_no_events_loaded": {
        "en": "No event log yet: choose an example or give a file.",
        "ja": "イベントログがありません。サンプルを選ぶかファイルを指定してください。",
    },
    "w_no_events": {
        "en": "No event matches the filters.",
        "ja": "条件に合うイベントがありません。",
    },
    "w_status_loaded": {
        "en": "Loaded {events} events of {customers} customers.",
        "ja": "{customers}人の顧客の{events}件のイベントを読み込みました。",
    },
    "w_status_filtered": {
        "en": "{events} events, {customers} customers, {journeys} journeys after the filters.",
        "ja": "絞り込み後: イベント{events}件、顧客{customers}人、ジャーニー{journeys}件。",
    },
    "w_metrics": {"en": "Touchpoint metrics", "ja": "タッチポイント別の指標"},
    "w_col_contacts": {"en": "Contacts", "ja": "接触数"},
    "w_col_repeat": {"en": "Repeat-contact rate", "ja": "再問い合わせ率"},
    "w_col_context_loss": {"en": "Context loss rate", "ja": "文脈喪失率"},
    "w_col_csat": {"en": "CSAT %", "ja": "CSAT (%)"},
    "w_col_nps": {"en": "NPS", "ja": "NPS"},
    "w_col_ces": {"en": "CES", "ja": "CES"},
    "w_reset_filters": {"en": "Reset filters", "ja": "条件をリセット"},
    "w_start": {"en": "Start", "ja": "開始"},
    "w_year": {"en": "year", "ja": "年"},
    "w_quarter": {"en": "quarter", "ja": "四半期"},
    "w_month": {"en": "month", "ja": "月"},
    # cxkit.analytics (cxkit discover / attribution / drift)
    "analytics_discovered": {"en": "Discovered journey", "ja": "発見されたジャーニー"},
    "analytics_events": {"en": "events", "ja": "イベント"},
    "analytics_customers": {"en": "customers", "ja": "顧客"},
    "analytics_journeys": {"en": "journeys", "ja": "ジャーニー"},
    "analytics_channel": {"en": "Channel", "ja": "チャネル"},
    "analytics_contacts": {"en": "Contacts", "ja": "接点数"},
    "analytics_channel_share": {
        "en": "{channel} ({share} of {n} channels)",
        "ja": "{channel} ({n}チャネル中 {share})",
    },
    "analytics_starts": {"en": "Start share", "ja": "開始比率"},
    "analytics_handoff": {"en": "Hand-off", "ja": "引き継ぎ"},
    "analytics_count": {"en": "Count", "ja": "件数"},
    "analytics_probability": {"en": "Probability", "ja": "確率"},
    "analytics_outcome": {"en": "Outcome", "ja": "結果"},
    "analytics_rate": {"en": "Rate", "ja": "割合"},
    "analytics_target": {"en": "Target outcome", "ja": "対象の結果"},
    "analytics_p_target": {"en": "P(target)", "ja": "到達確率"},
    # cxkit.core.metrics: design-time vs flow-time, metrics that do not apply
    "effort_index": {"en": "Effort index (before clipping)", "ja": "努力度指数 (クリップ前)"},
    "excess_wait_s": {"en": "Wait beyond expected (s)", "ja": "期待を超えた待ち時間 (秒)"},
    "dv_heading": {"en": "Design-time and flow-time", "ja": "設計時とフロー時"},
    "dv_design": {"en": "Designed steps", "ja": "設計ステップ"},
    "dv_flow": {"en": "All customers", "ja": "全顧客"},
    "dv_design_time": {"en": "design-time", "ja": "設計時"},
    "dv_flow_time": {"en": "flow-time", "ja": "フロー時"},
    "dv_engine": {"en": "Engine", "ja": "計算方法"},
    "dv_explain": {
        "en": "Design-time: the designed steps, followed by one customer. Flow-time: the mean "
        "over every customer who starts the journey, whichever path they take (the "
        "touchpoint graph as a chain).",
        "ja": "設計時: 設計したステップを一人の顧客として辿った値。フロー時: ジャーニーを始めた"
        "全顧客の平均 (どの経路を辿っても含む。タッチポイント遷移図を連鎖として計算)。",
    },
    "dv_equal": {
        "en": "Single path: design-time and flow-time figures are equal.",
        "ja": "経路が一本のため、設計時とフロー時の値は一致します。",
    },
    "dv_why": {"en": "Why they differ", "ja": "値が異なる理由"},
    "dv_mc_note": {
        "en": "CES and the remembered experience are per-customer path figures: Monte Carlo, "
        "{n} customers, seed {seed}.",
        "ja": "CESと記憶される体験は顧客ごとの経路の値のため、モンテカルロ (顧客 {n} 人、"
        "乱数シード {seed}) で計算します。",
    },
    "dv_unavailable": {
        "en": "flow-time figures are not available: {error}",
        "ja": "フロー時の値を計算できません: {error}",
    },
    "why_no_steps": {
        "en": "the journey has no designed step on its touchpoints",
        "ja": "タッチポイント上に設計ステップがありません",
    },
    "why_off_graph": {
        "en": "consecutive designed steps are not linked by a hand-off of the graph",
        "ja": "連続する設計ステップの間に遷移図の引き継ぎがありません",
    },
    "why_start": {
        "en": "customers do not all start where the first designed step is",
        "ja": "すべての顧客が最初の設計ステップから始まるわけではありません",
    },
    "why_branches": {
        "en": "the graph branches: customers also take other paths than the designed one",
        "ja": "遷移図が分岐しており、設計した経路以外も辿られます",
    },
    "why_path_share": {
        "en": "{share} of the customers follow it to its last step",
        "ja": "最後のステップまで設計経路を辿る顧客は {share}",
    },
    "why_context": {
        "en": "the context carry-over on the designed path does not match the steps marked "
        "'context lost'",
        "ja": "設計経路の文脈の引き継ぎ率が「説明のやり直し」の印と一致しません",
    },
    "why_transfers": {
        "en": "the transfers on the designed path do not match the steps marked 'transfer'",
        "ja": "設計経路の転送が「転送」の印と一致しません",
    },
    "why_repeat_contacts": {
        "en": "steps are marked 'repeat contact': in the graph only some customers come back",
        "ja": "「再問い合わせ」の印があります: 遷移図では一部の顧客だけが再び問い合わせます",
    },
    "why_waits": {
        "en": "the waits on the designed path of the graph differ from the steps' waits",
        "ja": "設計経路の引き継ぎの待ち時間がステップの待ち時間と異なります",
    },
    "why_call_reasons": {
        "en": "the journey has several call reasons, or steps of another call reason",
        "ja": "問い合わせ理由が複数ある、または別の理由のステップがあります",
    },
    "na_no_resolved_outcome": {
        "en": "not applicable: no outcome of kind resolved",
        "ja": "該当なし: 「解決」の種類の結果がありません",
    },
    "na_no_designed_outcome": {
        "en": "not applicable: steps name no outcome",
        "ja": "該当なし: ステップに結果がありません",
    },
    "na_no_valence": {
        "en": "not applicable: no step has both an expectation and an experience",
        "ja": "該当なし: 事前期待と体験の両方を持つステップがありません",
    },
    "na_not_computed": {
        "en": "not computed by this engine",
        "ja": "この計算方法では求めません",
    },
    "analytics_removal_effect": {"en": "Removal effect", "ja": "除去効果"},
    "analytics_markov": {"en": "Markov share", "ja": "マルコフ配分"},
    "analytics_first_touch": {"en": "First touch", "ja": "ファーストタッチ"},
    "analytics_last_touch": {"en": "Last touch", "ja": "ラストタッチ"},
    "analytics_linear": {"en": "Linear", "ja": "線形"},
    "analytics_status": {"en": "Status", "ja": "判定"},
    "analytics_check": {"en": "Check", "ja": "チェック"},
    "analytics_designed": {"en": "Designed", "ja": "設計"},
    "analytics_observed": {"en": "Observed", "ja": "実測"},
    "analytics_drifted": {"en": "drifted", "ja": "乖離"},
    "analytics_inconclusive": {"en": "inconclusive", "ja": "判定保留"},
    "analytics_ok": {"en": "ok", "ja": "一致"},
    "analytics_calibrated": {"en": "Calibrated journey", "ja": "実測で較正したジャーニー"},
    "analytics_answers": {"en": "Answers", "ja": "回答数"},
    "analytics_disconfirmation": {"en": "D̄ (points)", "ja": "D̄ (ポイント)"},
    "analytics_measured": {"en": "measured", "ja": "実測"},
    "analytics_no_answers": {"en": "no answers", "ja": "回答なし"},
    "analytics_not_in_log": {"en": "not in the log", "ja": "ログになし"},
    "discovered_title": {"en": "Discovered journey", "ja": "発見されたジャーニー"},
    "discovered_stage": {"en": "Most probable observed path", "ja": "観測された最頻経路"},
    "discovered_contacts": {"en": "{name} ({n} contacts)", "ja": "{name}（{n}件の接触）"},
    "discovered_description": {
        "en": "Discovered by cxkit from {events} events of {customers} customers "
        "({journeys} journeys) between {first} and {last} UTC.",
        "ja": "cxkit がイベントログから発見: {first}〜{last}（UTC）、顧客 {customers} 人、"
        "イベント {events} 件（{journeys} ジャーニー）。",
    },
    # the Excel journey grid (cxkit.io.grid): sheet names, row labels, column headers
    "xlsx_sheet_journey": {"en": "Journey", "ja": "ジャーニー"},
    "xlsx_sheet_info": {"en": "Journey info", "ja": "ジャーニー情報"},
    "xlsx_sheet_stages": {"en": "Stages", "ja": "ステージ一覧"},
    "xlsx_sheet_touchpoints": {"en": "Touchpoints", "ja": "タッチポイント一覧"},
    "xlsx_sheet_handoffs": {"en": "Hand-offs", "ja": "引き継ぎ"},
    "xlsx_sheet_outcomes": {"en": "Outcomes", "ja": "結果"},
    "xlsx_sheet_call_reasons": {"en": "Call reasons", "ja": "問い合わせ理由"},
    "xlsx_sheet_channels": {"en": "Channels", "ja": "チャネル"},
    "xlsx_sheet_initiatives": {"en": "Initiatives", "ja": "施策"},
    "xlsx_stage": {"en": "Stage", "ja": "ステージ"},
    "xlsx_step_id": {"en": "Step id", "ja": "ステップID"},
    "xlsx_touchpoint": {"en": "Touchpoint", "ja": "タッチポイント"},
    "xlsx_action": {"en": "Action", "ja": "行動"},
    "xlsx_call_reason": {"en": "Call reason", "ja": "問い合わせ理由"},
    "xlsx_expectation": {"en": "Expectation (0–10)", "ja": "事前期待 (0–10)"},
    "xlsx_experience": {"en": "Experience (0–10)", "ja": "体験 (0–10)"},
    "xlsx_emotion": {"en": "Emotion", "ja": "感情"},
    "xlsx_effort": {"en": "Effort (CES 1–5)", "ja": "努力度 (CES 1–5)"},
    "xlsx_wait_s": {"en": "Wait (s)", "ja": "待ち時間 (秒)"},
    "xlsx_expected_wait_s": {"en": "Expected wait (s)", "ja": "想定待ち時間 (秒)"},
    "xlsx_context_lost": {"en": "Had to repeat themselves", "ja": "説明のやり直し"},
    "xlsx_transfer": {"en": "Transfer", "ja": "転送"},
    "xlsx_repeat_contact": {"en": "Repeat contact", "ja": "再問い合わせ"},
    "xlsx_pain_points": {"en": "Pain points", "ja": "ペインポイント"},
    "xlsx_opportunities": {"en": "Opportunities", "ja": "改善機会"},
    "xlsx_frontstage": {"en": "Frontstage", "ja": "フロントステージ"},
    "xlsx_backstage": {"en": "Backstage", "ja": "バックステージ"},
    "xlsx_support": {"en": "Support processes", "ja": "支援プロセス"},
    "xlsx_evidence": {"en": "Evidence", "ja": "根拠"},
    "xlsx_notes": {"en": "Notes", "ja": "メモ"},
    "xlsx_field": {"en": "Field", "ja": "項目"},
    "xlsx_value": {"en": "Value", "ja": "値"},
    "xlsx_id": {"en": "Id", "ja": "ID"},
    "xlsx_label": {"en": "Label", "ja": "表示名"},
    "xlsx_title": {"en": "Title", "ja": "タイトル"},
    "xlsx_description": {"en": "Description", "ja": "説明"},
    "xlsx_language": {"en": "Language", "ja": "言語"},
    "xlsx_tags": {"en": "Tags", "ja": "タグ"},
    "xlsx_persona_name": {"en": "Persona", "ja": "ペルソナ"},
    "xlsx_persona_description": {"en": "Persona description", "ja": "ペルソナの説明"},
    "xlsx_persona_goals": {"en": "Persona goals", "ja": "ペルソナの目標"},
    "xlsx_persona_frustrations": {"en": "Persona frustrations", "ja": "ペルソナの困りごと"},
    "xlsx_entry": {"en": "Entry shares", "ja": "流入割合"},
    "xlsx_remainder_outcome": {"en": "Remainder outcome", "ja": "残余の結果"},
    "xlsx_parameters": {"en": "Model parameters", "ja": "モデルパラメータ"},
    "xlsx_economics": {"en": "Economics", "ja": "経済条件"},
    "xlsx_channel": {"en": "Channel", "ja": "チャネル"},
    "xlsx_kind": {"en": "Kind", "ja": "種類"},
    "xlsx_owner": {"en": "Owner", "ja": "担当"},
    "xlsx_cost_per_contact": {"en": "Cost per contact", "ja": "接触あたりコスト"},
    "xlsx_handle_time_s": {"en": "Handle time (s)", "ja": "処理時間 (秒)"},
    "xlsx_capacity": {"en": "Capacity", "ja": "処理能力"},
    "xlsx_from": {"en": "From", "ja": "遷移元"},
    "xlsx_to": {"en": "To", "ja": "遷移先"},
    "xlsx_probability": {"en": "Probability", "ja": "遷移確率"},
    "xlsx_context_carryover": {"en": "Context carried over", "ja": "文脈の引き継ぎ率"},
    "xlsx_reexplain_effort": {"en": "Re-explanation effort", "ja": "再説明の努力度"},
    "xlsx_reexplain_time_s": {"en": "Re-explanation time (s)", "ja": "再説明の時間 (秒)"},
    "xlsx_value_sign": {"en": "Value sign", "ja": "価値の符号"},
    "xlsx_share": {"en": "Share", "ja": "割合"},
    "xlsx_expectations": {"en": "Expectations by touchpoint", "ja": "タッチポイント別の事前期待"},
    "xlsx_name": {"en": "Name", "ja": "名前"},
    "xlsx_parent": {"en": "Parent channel", "ja": "親チャネル"},
    "xlsx_names": {"en": "Names by language", "ja": "言語別の名前"},
    "xlsx_category": {"en": "Category", "ja": "分類"},
    "xlsx_cost_one_off": {"en": "One-off cost", "ja": "初期費用"},
    "xlsx_cost_per_period": {"en": "Cost per period", "ja": "期間あたり費用"},
    "xlsx_ramp_up_periods": {"en": "Ramp-up periods", "ja": "立ち上がり期間"},
    "xlsx_cash_flow_period": {"en": "Cash-flow period", "ja": "キャッシュフロー期間"},
    "xlsx_prerequisites": {"en": "Prerequisites", "ja": "前提施策"},
    "xlsx_excludes": {"en": "Excludes", "ja": "排他施策"},
    "xlsx_benefit_per_period": {"en": "Benefit per period", "ja": "期間あたり便益"},
    "xlsx_npv": {"en": "NPV", "ja": "正味現在価値"},
    "xlsx_add_touchpoints": {"en": "Added touchpoints", "ja": "追加タッチポイント"},
    "xlsx_add_handoffs": {"en": "Added hand-offs", "ja": "追加の引き継ぎ"},
    "xlsx_effects": {"en": "Effects", "ja": "効果"},
    # loyalty (RFM segments, loyalty matrix, Pareto; docs/reference/loyalty.md)
    "loyalty_seg_champions": {"en": "Champions", "ja": "優良顧客"},
    "loyalty_seg_loyal": {"en": "Loyal", "ja": "ロイヤル顧客"},
    "loyalty_seg_potential_loyalist": {"en": "Potential loyalists", "ja": "ロイヤル候補"},
    "loyalty_seg_new": {"en": "New", "ja": "新規顧客"},
    "loyalty_seg_promising": {"en": "Promising", "ja": "有望顧客"},
    "loyalty_seg_need_attention": {"en": "Need attention", "ja": "要注意顧客"},
    "loyalty_seg_about_to_sleep": {"en": "About to sleep", "ja": "休眠予備軍"},
    "loyalty_seg_at_risk": {"en": "At risk", "ja": "離反リスク顧客"},
    "loyalty_seg_cant_lose": {"en": "Can't lose them", "ja": "失ってはならない顧客"},
    "loyalty_seg_hibernating": {"en": "Hibernating", "ja": "休眠顧客"},
    "loyalty_seg_lost": {"en": "Lost", "ja": "離反顧客"},
    "loyalty_seg_no_purchase": {"en": "No purchase", "ja": "購入なし"},
    "loyalty_q_true_loyal": {"en": "True loyals", "ja": "真のロイヤル顧客"},
    "loyalty_q_inertia": {
        "en": "Inertia (would leave for a better offer)",
        "ja": "惰性の顧客（よりよい条件があれば離れる）",
    },
    "loyalty_q_latent": {
        "en": "Latent loyals (promoters at risk)",
        "ja": "潜在ロイヤル顧客（離反リスクのある推奨者）",
    },
    "loyalty_q_low": {"en": "Low loyalty", "ja": "低ロイヤルティ"},
    "loyalty_q_no_answer": {"en": "No attitude answer", "ja": "態度データなし"},
    "loyalty_segment": {"en": "Segment", "ja": "セグメント"},
    "loyalty_customers": {"en": "Customers", "ja": "顧客数"},
    "loyalty_share": {"en": "Share of customers", "ja": "顧客構成比"},
    "loyalty_revenue": {"en": "Revenue", "ja": "売上"},
    "loyalty_revenue_share": {"en": "Share of revenue", "ja": "売上構成比"},
    "loyalty_recency": {"en": "Recency (days)", "ja": "最終購入からの日数"},
    "loyalty_frequency": {"en": "Frequency (purchases)", "ja": "購入回数"},
    "loyalty_monetary": {"en": "Monetary", "ja": "購入金額"},
    "loyalty_r_score": {"en": "Recency score (R)", "ja": "直近性スコア (R)"},
    "loyalty_f_score": {"en": "Frequency score (F)", "ja": "頻度スコア (F)"},
    "loyalty_m_score": {"en": "Monetary score (M)", "ja": "金額スコア (M)"},
    "loyalty_mean_monetary": {"en": "Mean monetary", "ja": "平均購入金額"},
    "loyalty_rfm_grid": {"en": "RFM grid: recency × frequency", "ja": "RFMグリッド：直近性 × 頻度"},
    "loyalty_matrix": {
        "en": "Loyalty matrix: behaviour × attitude",
        "ja": "ロイヤルティ・マトリクス：行動 × 態度",
    },
    "loyalty_behaviour": {"en": "Behaviour", "ja": "行動ロイヤルティ"},
    "loyalty_attitude": {"en": "Attitude", "ja": "態度ロイヤルティ"},
    "loyalty_high": {"en": "high", "ja": "高"},
    "loyalty_low": {"en": "low", "ja": "低"},
    "loyalty_quadrant": {"en": "Quadrant", "ja": "象限"},
    "loyalty_pareto": {
        "en": "Revenue concentration (Pareto curve)",
        "ja": "売上の集中度（パレート曲線）",
    },
    "loyalty_customer_share": {
        "en": "Share of customers (largest first)",
        "ja": "顧客の累積比率（購入額の大きい順）",
    },
    "loyalty_cum_revenue_share": {"en": "Cumulative share of revenue", "ja": "売上の累積比率"},
    "loyalty_equality": {"en": "Equal spend", "ja": "均等な場合"},
    "loyalty_top_share": {
        "en": "Top {top} of customers bring {share} of revenue",
        "ja": "上位 {top} の顧客が売上の {share} を占める",
    },
    "loyalty_gini": {"en": "Gini coefficient", "ja": "ジニ係数"},
    "loyalty_as_of": {"en": "As of", "ja": "基準日"},
    "loyalty_transactions": {"en": "Transactions", "ja": "取引数"},
    "loyalty_rfm_summary": {"en": "RFM summary", "ja": "RFM の概要"},
    "loyalty_segments": {"en": "Segments", "ja": "セグメント"},
    "loyalty_scores": {"en": "Scores", "ja": "スコア"},
    "loyalty_median": {"en": "median", "ja": "中央値"},
    "loyalty_mean": {"en": "mean", "ja": "平均"},
    "loyalty_notes": {"en": "Notes", "ja": "注記"},
    "loyalty_journeys": {"en": "Journeys per customer", "ja": "顧客あたりジャーニー数"},
    "loyalty_contacts": {"en": "Contacts per customer", "ja": "顧客あたり接触数"},
    "loyalty_handoffs": {"en": "Hand-offs per customer", "ja": "顧客あたり引き継ぎ数"},
    "loyalty_churn_rate": {"en": "Churn rate", "ja": "解約率"},
    "loyalty_clv": {"en": "CLV per customer", "ja": "顧客生涯価値 (CLV)"},
    "loyalty_customers_n": {"en": "n = {n}", "ja": "{n} 人"},
    # comparisons: as-is vs to-be (cxkit.viz.compare_journeys, cxkit compare)
    "cmp_title": {"en": "As-is vs to-be", "ja": "現状と改善後の比較"},
    "cmp_as_is": {"en": "As-is", "ja": "現状"},
    "cmp_to_be": {"en": "To-be", "ja": "改善後"},
    "cmp_journeys": {"en": "Journeys", "ja": "ジャーニー"},
    "cmp_added": {"en": "added", "ja": "追加"},
    "cmp_removed": {"en": "removed", "ja": "削除"},
    "cmp_changed": {"en": "changed", "ja": "変更"},
    "cmp_same": {"en": "unchanged", "ja": "変更なし"},
    "cmp_expectation": {"en": "expectation", "ja": "事前期待"},
    "cmp_experience": {"en": "experience", "ja": "体験"},
    "cmp_valence": {"en": "valence", "ja": "感情値"},
    "cmp_effort": {"en": "effort", "ja": "努力度"},
    "cmp_wait": {"en": "{delta} min wait", "ja": "待ち時間 {delta}分"},
    "cmp_wait_set": {"en": "wait {old} → {new} min", "ja": "待ち時間 {old} → {new}分"},
    "cmp_stage_changed": {"en": "moved to another stage", "ja": "ステージを変更"},
    "cmp_touchpoint_changed": {"en": "other touchpoint", "ja": "タッチポイントを変更"},
    "cmp_action_changed": {"en": "action reworded", "ja": "行動の記述を変更"},
    "cmp_differences": {"en": "Differences", "ja": "差分"},
    "cmp_status": {"en": "Status", "ja": "区分"},
    "cmp_what_changed": {"en": "What changed", "ja": "変更内容"},
    "cmp_kpis": {"en": "Key figures", "ja": "主要指標"},
    "cmp_metric": {"en": "Measure", "ja": "指標"},
    "cmp_change": {"en": "Change", "ja": "差"},
    "cmp_counts": {
        "en": "{changed} changed · {added} added · {removed} removed · {same} unchanged",
        "ja": "変更 {changed} · 追加 {added} · 削除 {removed} · 変更なし {same}",
    },
    "cmp_no_differences": {"en": "No differences.", "ja": "差はありません。"},
    "cmp_off_scale": {
        "en": "▲▼ beyond the axis (value written beside)",
        "ja": "▲▼ 軸の範囲外（値を併記）",
    },
    # comparisons: several personas on one map (cxkit.viz.persona_map)
    "cmp_persona_title": {"en": "Personas compared", "ja": "ペルソナ別の比較"},
    "cmp_only": {"en": "only {k} of {n}", "ja": "{n}人中{k}人のみ"},
    "cmp_differs": {"en": "differs", "ja": "差あり"},
    # cxkit.export.pptx: the PowerPoint deck
    "pptx_overview": {"en": "Overview", "ja": "概要"},
    "pptx_summary": {"en": "Key figures", "ja": "主要指標"},
    "pptx_page": {"en": "{n} / {total}", "ja": "{n} / {total}"},
    "pptx_continued": {"en": "(continued)", "ja": "（続き）"},
    "pptx_continues": {"en": "continues →", "ja": "次ページに続く →"},
    "pptx_expect_experience": {"en": "Expected → experienced", "ja": "事前期待 → 体験"},
    "pptx_frontstage": {"en": "Frontstage", "ja": "フロントステージ"},
    "pptx_backstage": {"en": "Backstage", "ja": "バックステージ"},
    "pptx_support": {"en": "Support processes", "ja": "支援プロセス"},
    "pptx_line_of_visibility": {"en": "line of visibility", "ja": "可視境界線"},
    "pptx_biggest_pains": {"en": "Biggest pain points", "ja": "大きなペインポイント"},
    "pptx_step_n": {"en": "Step {n}", "ja": "ステップ{n}"},
    "pptx_full_texts": {
        "en": "Full texts shortened on this slide",
        "ja": "このスライドで省略した文の全文",
    },
    "pptx_design_time_note": {
        "en": "Design-time figures: the designed steps followed by one customer. "
        "First-contact resolution: all customers (the touchpoint graph as a chain).",
        "ja": "設計時の値: 設計したステップを一人の顧客として辿った値。"
        "初回解決率: 全顧客 (タッチポイント遷移図を連鎖として計算)。",
    },
    "pptx_no_pains": {
        "en": "No step falls below its expectation.",
        "ja": "事前期待を下回るステップはありません。",
    },
    # the workshop app view and notebooks (cxkit.workshop)
    "workshop_no_cjk_font": {
        "en": "No Japanese (CJK) font is installed on this machine: Japanese text will show "
        "as empty boxes (□□). Fix: run `make fonts` (Debian/Ubuntu: `sudo apt-get install "
        "fonts-noto-cjk`; macOS and Windows: see docs/guide/japanese.md), then reload the page.",
        "ja": "このマシンには日本語（CJK）フォントがありません。日本語が □□ と表示されます。"
        "対処: `make fonts` を実行してください（Debian/Ubuntu では `sudo apt-get install "
        "fonts-noto-cjk`、macOS と Windows は docs/guide/japanese.md を参照）。"
        "そのあとページを再読み込みしてください。",
    },
    # -- why an initiative is not scheduled; outliers; facilitation (issue 15) ------------
    "roi_reason": {"en": "Why not scheduled", "ja": "計画に入らなかった理由"},
    "roi_reason_not_selected": {
        "en": "not selected (switched off)",
        "ja": "選択されていません（オフ）",
    },
    "roi_reason_prerequisite_not_selected": {
        "en": "left out: its prerequisite {ids} is not selected",
        "ja": "除外: 前提となる施策 {ids} が選択されていません",
    },
    "roi_reason_not_applicable": {
        "en": "matches nothing in this journey (valued at 0)",
        "ja": "このジャーニーに該当する対象がありません（価値 0）",
    },
    "roi_reason_too_late": {
        "en": "too late: its prerequisites ({ids}) cannot be in place within the planning periods",
        "ja": "時間切れ: 前提となる施策（{ids}）が計画期間内に整いません",
    },
    "roi_reason_over_budget": {
        "en": "over budget: even its cheapest start is {amount} short",
        "ja": "予算超過: 最も安い開始時期でも {amount} 不足します",
    },
    "roi_reason_over_budget_with": {
        "en": "over budget: with its prerequisite {ids}, even its cheapest start is {amount} short",
        "ja": "予算超過: 前提となる施策 {ids} を含めると、最も安い開始時期でも {amount} 不足します",
    },
    "roi_reason_capacity": {
        "en": "capacity: '{row}' is exceeded by {amount} even at its lightest start",
        "ja": "キャパシティ不足: 最も軽い開始時期でも「{row}」を {amount} 超えます",
    },
    "roi_reason_negative_value": {
        "en": "negative value: NPV ≤ 0 at every start (best {amount})",
        "ja": "価値がマイナス: どの開始時期でも NPV ≤ 0（最大 {amount}）",
    },
    "roi_reason_no_value": {
        "en": "no value within the horizon: it brings no benefit before the horizon ends",
        "ja": "期間内に価値なし: 計画の期間内に効果が生まれません",
    },
    "roi_reason_excluded": {
        "en": "excluded by {ids}, which is scheduled",
        "ja": "計画に入った {ids} と両立しません（排他）",
    },
    "roi_reason_prerequisite_not_scheduled": {
        "en": "its prerequisite {ids} is not scheduled: together they are worth {amount}",
        "ja": "前提となる施策 {ids} が計画に入りません: 合わせた価値は {amount} です",
    },
    "roi_reason_budget": {
        "en": "the budget goes further elsewhere: starting it lowers the plan's value by {amount}",
        "ja": "予算は他の施策に使う方が有効: 入れると計画の価値が {amount} 下がります",
    },
    "roi_reason_budget_with": {
        "en": "the budget goes further elsewhere: starting it lowers the plan's value by "
        "{amount} (it would displace {ids})",
        "ja": "予算は他の施策に使う方が有効: 入れると計画の価値が {amount} 下がります"
        "（{ids} が外れます）",
    },
    "roi_reason_tie": {
        "en": "a tie: a plan with it is worth as much as this one",
        "ja": "同点: これを含む計画も同じ価値です",
    },
    "roi_dropped_dependents": {
        "en": "Left out because a prerequisite is switched off: {items}",
        "ja": "前提となる施策がオフのため除外: {items}",
    },
    "roi_needs": {"en": "{who} (needs {what})", "ja": "{who}（{what} が必要）"},
    "roi_outlier": {
        "en": "Outlier — question this value",
        "ja": "外れ値 — この値を確認してください",
    },
    "roi_outlier_short": {"en": "outlier", "ja": "外れ値"},
    "roi_outlier_npv_high": {
        "en": "NPV far above the others (robust z {z})",
        "ja": "NPV が他の施策よりはるかに大きい（ロバスト z {z}）",
    },
    "roi_outlier_npv_low": {
        "en": "NPV far below the others (robust z {z})",
        "ja": "NPV が他の施策よりはるかに小さい（ロバスト z {z}）",
    },
    "roi_outlier_payback": {
        "en": "pays back within one period while its NPV is {ratio}× the median",
        "ja": "1期以内に回収し、NPV が中央値の {ratio} 倍",
    },
    "roi_proposed": {"en": "Proposed by the vote", "ja": "投票による提案"},
    "roi_apply_proposals": {"en": "Use the proposals", "ja": "提案を反映"},
    "w_vote_title": {"en": "Dot voting", "ja": "ドット投票"},
    "w_vote_name": {"en": "Participant's name", "ja": "参加者の名前"},
    "w_vote_add": {"en": "Add participant", "ja": "参加者を追加"},
    "w_vote_added": {"en": "{name} joined.", "ja": "{name} さんが参加しました。"},
    "w_vote_as": {"en": "Voting as", "ja": "投票者"},
    "w_vote_need_name": {
        "en": "Add a participant first (type a name, then Add participant).",
        "ja": "先に参加者を追加してください（名前を入力して「参加者を追加」）。",
    },
    "w_vote_no_dots": {
        "en": "{name} has used all {dots} dots: take one back (−1) to move it.",
        "ja": "{name} さんは {dots} 個のドットをすべて使いました。動かすには −1 で戻してください。",
    },
    "w_vote_participant": {"en": "Participant", "ja": "参加者"},
    "w_vote_dots_left": {"en": "Dots left", "ja": "残りのドット"},
    "w_vote_pain": {"en": "Pain point", "ja": "ペインポイント"},
    "w_vote_opportunity": {"en": "Opportunity", "ja": "改善の機会"},
    "w_vote_plus": {"en": "Put a dot on this card", "ja": "このカードにドットを置く"},
    "w_vote_minus": {"en": "Take a dot back", "ja": "ドットを戻す"},
    "w_vote_timer_start": {"en": "Start", "ja": "開始"},
    "w_vote_timer_pause": {"en": "Pause", "ja": "一時停止"},
    "w_vote_timer_reset": {"en": "Reset", "ja": "リセット"},
    "w_vote_scores": {
        "en": "Opportunity score = customer value × business value ÷ effort",
        "ja": "機会スコア = 顧客価値 × 事業価値 ÷ 労力",
    },
    "w_vote_customer_value": {"en": "Customer value", "ja": "顧客価値"},
    "w_vote_business_value": {"en": "Business value", "ja": "事業価値"},
    "w_vote_effort": {"en": "Effort", "ja": "労力"},
    "w_vote_score": {"en": "Score", "ja": "スコア"},
    # service blueprint lanes and lines; pages of a long journey map
    "blueprint_frontstage": {"en": "Frontstage", "ja": "フロントステージ"},
    "blueprint_backstage": {"en": "Backstage", "ja": "バックステージ"},
    "blueprint_support": {"en": "Support processes", "ja": "支援プロセス"},
    "blueprint_line_of_visibility": {"en": "Line of visibility", "ja": "可視境界線"},
    "blueprint_line_of_internal_interaction": {
        "en": "Line of internal interaction",
        "ja": "内部相互作用線",
    },
    "viz_off_scale": {"en": "outside 0–10", "ja": "0–10 の範囲外"},
    "viz_continued": {"en": "continued", "ja": "続き"},
    "viz_page_of": {"en": "page {k} of {n}", "ja": "{k} / {n} ページ"},
    "viz_footnotes": {"en": "Notes", "ja": "注"},
    "viz_rows_lanes": {"en": "channels and blueprint", "ja": "チャネルとサービスブループリント"},
    "viz_rows_scores": {"en": "scores and emotion", "ja": "評価と感情"},
    "line_of_visibility": {"en": "Line of visibility", "ja": "可視境界線"},
    "line_of_interaction": {"en": "Line of interaction", "ja": "インタラクション境界線"},
    # HTML / site exports: the service blueprint section and the map's page navigation
    "export_blueprint": {"en": "Service blueprint", "ja": "サービスブループリント"},
    "export_customer_actions": {"en": "Customer actions", "ja": "顧客の行動"},
    "export_map_pages": {"en": "Map pages", "ja": "マップのページ"},
    "export_page_n": {"en": "Page {n}", "ja": "{n}ページ"},
    "export_page_of": {"en": "Page {n} of {total}", "ja": "{n} / {total}ページ"},
    "export_steps_range": {"en": "steps {first}–{last}", "ja": "ステップ {first}–{last}"},
    "export_zoom_fit": {"en": "Fit to width", "ja": "幅に合わせる"},
    "export_zoom_full": {"en": "100 %", "ja": "100 %"},
    "export_prev_page": {"en": "Previous page", "ja": "前のページ"},
    "export_next_page": {"en": "Next page", "ja": "次のページ"},
    "export_scroll_cue": {
        "en": "The map is wider than the window: scroll sideways, or choose Fit to width.",
        "ja": (
            "マップは画面より横に長いです。横にスクロールするか「幅に合わせる」を選んでください。"
        ),
    },
    "sim_change_vs_baseline": {"en": "Change from the baseline", "ja": "現状からの変化"},
    "export_pages_cue": {
        "en": "The map has {total} pages (by stage): use the page buttons or the ← → keys.",
        "ja": (
            "マップはステージごとに{total}ページあります。ページボタンか ← → キーで切り替えます。"
        ),
    },
    "roi_period_axis": {"en": "Period ({period})", "ja": "{period}"},
    # `cxkit roi`'s report (cxkit/cli/roi.py)
    "roi_settings": {
        "en": "{currency}; cash flows per {period}, {n} {periods}; discount {rate} % per "
        "{period}; TEI risk ρ_B {rb}, ρ_C {rc}",
        "ja": "{currency}; キャッシュフローは{period}ごと、{n} {periods}; 割引率 {period}あたり "
        "{rate} %; TEI リスク調整 ρ_B {rb}, ρ_C {rc}",
    },
    "roi_model_line": {
        "en": "churn model {model}, φ = {phi}; value basis: {basis}; {n} draws, seed {seed}",
        "ja": "解約モデル {model}、φ = {phi}; 価値の基準: {basis}; 試行 {n} 回、乱数シード {seed}",
    },
    "roi_model_va": {
        "en": "V-A (resolution outcomes, SQM 5/9/25 %)",
        "ja": "V-A（解決の結果にもとづく、SQM 5/9/25 %）",
    },
    "roi_model_vb": {
        "en": "V-B (customer effort, Gartner 9/96 %)",
        "ja": "V-B（顧客の努力度にもとづく、ガートナー 9/96 %）",
    },
    "roi_dist_triangular": {"en": "triangular", "ja": "三角分布"},
    "roi_dist_pert": {"en": "pert", "ja": "PERT分布"},
    "roi_dist_uniform": {"en": "uniform", "ja": "一様分布"},
    "roi_dist_fixed": {"en": "fixed", "ja": "固定"},
    "roi_basis_clv": {"en": "clv", "ja": "顧客生涯価値 (CLV)"},
    "roi_basis_margin": {"en": "margin", "ja": "粗利"},
    "roi_convention_text": {
        "en": "P10/P50/P90 = 10th/50th/90th percentile (Hyndman–Fan type 7); P10 is the "
        "pessimistic NPV",
        "ja": "P10/P50/P90 = 10/50/90 パーセンタイル（Hyndman–Fan 第7法）; P10 は悲観側の NPV",
    },
    "roi_fcr_classes": {"en": "FCR/multi/unresolved", "ja": "FCR/複数回/未解決"},
    "roi_col_churn": {"en": "churn", "ja": "解約率"},
    "roi_col_fcr": {"en": "FCR/multi/unres.", "ja": "FCR/複数回/未解決"},
    "roi_col_cost": {"en": "cost/journey", "ja": "ジャーニーあたりコスト"},
    "roi_col_benefit": {"en": "benefit/{period}", "ja": "{period}あたり便益"},
    "roi_budget_per": {"en": "{budget} per {period}", "ja": "{period}あたりの{budget}"},
    "roi_carry_over": {"en": "carry-over", "ja": "繰り越しあり"},
    "roi_no_carry_over": {"en": "no carry-over", "ja": "繰り越しなし"},
    "roi_binding_tag": {"en": "binding", "ja": "上限に到達"},
    "roi_mean": {"en": "mean", "ja": "平均"},
    "roi_start_later": {
        "en": "a start one {period} later keeps {pct} % of the value",
        "ja": "開始が1{period}遅れると価値の {pct} % が残る",
    },
    "roi_never": {"en": "never", "ja": "回収なし"},
    # an initiative's effect in words (cxkit.roi._effect_text.describe_effect)
    "effect_of": {"en": "{where}: {field}", "ja": "{where} の{field}"},
    "effect_any": {"en": "any touchpoint", "ja": "すべての接点"},
    "effect_channel": {"en": "any {channel} touchpoint", "ja": "{channel}のすべての接点"},
    "effect_outcome_kind": {"en": "any {kind} outcome", "ja": "{kind}のすべての結果"},
    "effect_reroute": {"en": "{where} (rerouted)", "ja": "{where} への振り替え"},
    "effect_field_probability": {"en": "probability", "ja": "確率"},
    "effect_field_context_carryover": {"en": "context carried over", "ja": "文脈の引き継ぎ率"},
    "effect_field_wait_s": {"en": "wait (s)", "ja": "待ち時間 (秒)"},
    "effect_field_reexplain_effort": {"en": "effort to explain again", "ja": "再説明の努力"},
    "effect_field_reexplain_time_s": {"en": "time to explain again (s)", "ja": "再説明の時間 (秒)"},
    "effect_field_share": {"en": "share", "ja": "割合"},
    "effect_field_cost_per_contact": {"en": "cost per contact", "ja": "接触あたりコスト"},
    "effect_field_handle_time_s": {"en": "handle time (s)", "ja": "処理時間 (秒)"},
    "effect_field_capacity": {"en": "capacity", "ja": "処理能力"},
    "effect_field_expectation": {"en": "expectation", "ja": "事前期待"},
    "effect_field_experience": {"en": "experience", "ja": "体験"},
    "effect_field_effort": {"en": "effort", "ja": "努力度"},
    "effect_field_arrival": {"en": "contacts arriving", "ja": "問い合わせの発生"},
    "effect_parameter_w_wait_per_minute": {
        "en": "effort per minute of waiting",
        "ja": "待ち時間1分あたりの努力度",
    },
    "effect_parameter_expected_wait_s": {
        "en": "expected wait (s)",
        "ja": "想定される待ち時間 (秒)",
    },
}

# the voice-of-the-customer labels live in their own table (cxkit/core/_i18n_voc.py)
from cxkit.core._i18n_voc import VOC_LABELS  # noqa: E402

_LABELS.update(VOC_LABELS)

# hiragana, katakana (with the half-width forms) and the CJK ideographs Japanese uses
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def label(key: str, lang: str = "en") -> str:
    """Return the label of ``key`` in ``lang``, falling back to English, then to the key.

    Parameters
    ----------
    key
        A label key such as ``"delighted"`` or ``"phone"``.
    lang
        A language code; ``"en"`` and ``"ja"`` are built in.
    """
    entry = _LABELS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]


def text_language(texts: Iterable[str]) -> str:
    """``"ja"`` when the texts are mostly Japanese (kana or kanji), else ``"en"``.

    A journey discovered from a log whose touchpoints are named in Japanese is
    labelled in Japanese. The rule: at least half of the non-empty texts contain
    kana or kanji.

    >>> text_language(["コールセンター（電話）", "LINE", "店舗"]), text_language(["Store", "Web"])
    ('ja', 'en')
    >>> text_language([])
    'en'
    """
    items = [t for t in texts if t and t.strip()]
    japanese = sum(1 for t in items if _JAPANESE.search(t))
    return "ja" if items and 2 * japanese >= len(items) else "en"


def labels(lang: str = "en") -> dict[str, str]:
    """All labels in one language, as a fresh dict (for templates and widgets)."""
    return {key: label(key, lang) for key in _LABELS}


def resolve_lang(lang: str | None, journey: Any = None) -> str:
    """The language of cxkit's own labels: ``lang``, else the journey's language when
    cxkit has labels for it, else English.

    >>> resolve_lang(None), resolve_lang("ja")
    ('en', 'ja')
    >>> resolve_lang("fr")
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: `lang` must be one of 'en', 'ja', got 'fr'
    """
    if lang is None:
        own = getattr(journey, "language", "en")
        return own if own in LANGUAGES else "en"
    if lang not in LANGUAGES:
        raise CxkitError(
            f"`lang` must be one of {', '.join(map(repr, LANGUAGES))}, got {format_value(lang)}"
        )
    return lang

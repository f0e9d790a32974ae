"""The roadmap planner: initiatives on and off, effect ranges, budgets → NPV fan, Gantt, payback."""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import ipywidgets as w

from cxkit.core._checks import whole_number
from cxkit.core.economics import Economics, Initiative
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.journey import Journey
from cxkit.core.suggest import unknown_message
from cxkit.widgets._common import (
    LiveChart,
    Timer,
    WorkshopWidget,
    button,
    check_journey,
    fmt_number,
    html_table,
    on_click,
    resolve_lang,
    status_html,
    summary_rows_html,
    t,
    title_html,
)

__all__ = ["RoadmapPlanner"]

_CHART_MODULE = "cxkit.widgets._roi_charts"


def _charts_module() -> str:
    """``cxkit.viz.roi`` when it offers the planner's charts, else cxkit's stand-ins."""
    import importlib.util

    if importlib.util.find_spec("cxkit.viz.roi") is not None:
        import importlib

        mod = importlib.import_module("cxkit.viz.roi")
        if hasattr(mod, "npv_fan") and hasattr(mod, "roadmap_gantt"):
            return "cxkit.viz.roi"
    return _CHART_MODULE


def _millions(amount: float) -> str:
    return fmt_number(amount / 1e6, 1)


def _default_budget(initiatives: Sequence[Initiative], econ: Economics | None) -> tuple[float, ...]:
    if econ is not None and econ.budgets:
        return tuple(econ.budgets)
    largest = max((i.cost_one_off + i.cost_per_period for i in initiatives), default=0.0)
    return (float(largest),) * 4


class RoadmapPlanner(WorkshopWidget):
    """Plan CX initiatives live: switch them on and off, adjust effect ranges and budgets.

    The planner values every initiative once with :func:`cxkit.roi.evaluate`
    (when an effect range changes, only that initiative is valued again: each
    initiative's draws come from its own seeded streams, so its result alone is
    the one a full evaluation gives — the others' results are kept) and re-plans on
    every toggle or
    budget change with :func:`cxkit.roi.roadmap` reusing that evaluation: start
    periods under the budgets (HiGHS), the joint re-simulation of the chosen plan,
    its NPV fan (P10/P50/P90 of the cumulative discounted net cash flow), its Gantt
    chart and its payback.

    Parameters
    ----------
    journey
        A journey with an ``economics`` block (or pass ``economics=``), a template
        name or a path.
    initiatives
        Initiatives or ids of the journey's own; default ``journey.initiatives``
        (``cx.roi.catalog()`` gives built-in ones).
    budget
        Budget per period (quarters by default): a list, or one number for four
        periods. Default ``economics.budgets``, else four periods each able to pay
        the costliest initiative's first period.
    seed
        Seed of the effect draws (same seed, same numbers).
    n_sims
        Draws of the uncertain inputs per valuation (2,000 keeps edits quick).
    economics
        Overrides ``journey.economics``.
    lang
        Language of the labels; default the journey's language.
    proposals
        A :class:`~cxkit.widgets.DotVoting` whose opportunity scores propose
        initiatives: the planner shows its proposed selection (updated on every
        vote) and a button that switches exactly those on; see :meth:`propose`.

    Attributes
    ----------
    initiatives : tuple of Initiative
        As edited now (effect ranges included).
    enabled : dict
        ``{id: bool}``: which initiatives the roadmap may schedule.
    budget : tuple of float
        Budget per period.
    evaluation : cxkit.roi.Evaluation
        The valuation of every initiative alone.
    plan : cxkit.roi.Roadmap or None
        The current plan (``None`` when it cannot be made; see :attr:`status`).
    proposed : tuple of str
        The initiatives proposed (by a vote or :meth:`propose`).

    Examples
    --------
    >>> import cxkit as cx
    >>> rp = RoadmapPlanner(cx.load_journey("roi_example_c"), n_sims=200)
    >>> rp.plan.starts
    {'crm': 1, 'faq': 1, 'chat': 2}
    >>> rp.toggle("chat", False)
    >>> rp.plan.starts
    {'crm': 1, 'faq': 1, 'cti': 2}
    >>> rp.toggle("crm", False)
    >>> rp.plan.starts
    {'faq': 1}
    >>> rp.status
    'Left out because a prerequisite is switched off: cti (needs crm)'
    >>> rp.reasons()["cti"].code
    'prerequisite_not_selected'
    >>> rp.close()
    """

    def __init__(
        self,
        journey: Journey | str,
        initiatives: Sequence[Initiative | str] | None = None,
        *,
        budget: float | Sequence[float] | None = None,
        seed: int = 1,
        n_sims: int = 2000,
        economics: Economics | None = None,
        lang: str | None = None,
        proposals: Any = None,
    ) -> None:
        from cxkit.roi.evaluate import _resolve_initiatives

        journey = check_journey(journey)
        self.journey = journey
        self.lang = resolve_lang(lang, journey)
        self.economics = economics if economics is not None else journey.economics
        if self.economics is None:
            raise CxkitError(
                f"journey {journey.id!r} has no economics: add an 'economics:' block or pass "
                "economics= to RoadmapPlanner"
            )
        self.seed = whole_number(seed, "seed", 0)
        self.n_sims = whole_number(n_sims, "n_sims", 10)
        self.initiatives: tuple[Initiative, ...] = tuple(_resolve_initiatives(journey, initiatives))
        if not self.initiatives:
            raise CxkitError(
                f"no initiatives to plan: journey {journey.id!r} has none; pass initiatives= "
                "(e.g. cx.roi.catalog())"
            )
        self.enabled = {i.id: True for i in self.initiatives}
        self.budget = self._check_budget(
            _default_budget(self.initiatives, self.economics) if budget is None else budget
        )
        self.plan: Any = None
        self.status = ""
        self.proposed: tuple[str, ...] = ()
        self._left_out: dict[str, Any] = {}
        self.timer = Timer()
        self.evaluate_timer = Timer()
        self._syncing = False
        self._build()
        self._evaluate()
        self._replan(
            t("w_status_evaluated", self.lang).format(
                n=len(self.initiatives), sims=self.n_sims, seed=self.seed
            )
        )
        if proposals is not None:
            proposals.link(self)

    # -- public --------------------------------------------------------------------------
    @property
    def selected(self) -> tuple[str, ...]:
        """Ids of the initiatives switched on."""
        return tuple(i.id for i in self.initiatives if self.enabled[i.id])

    def initiative(self, initiative_id: str) -> Initiative:
        """The initiative with this id (as edited now)."""
        for i in self.initiatives:
            if i.id == initiative_id:
                return i
        raise CxkitError(
            unknown_message("initiative", initiative_id, [i.id for i in self.initiatives])
        )

    def toggle(self, initiative_id: str, on: bool | None = None) -> None:
        """Switch an initiative on (``True``), off (``False``) or over (``None``)."""
        self.initiative(initiative_id)
        self.enabled[initiative_id] = not self.enabled[initiative_id] if on is None else bool(on)
        self._replan(t("w_status_planned", self.lang))

    def reasons(self) -> dict[str, Any]:
        """``{id: Reason}`` for **every** initiative the plan does not start.

        Switched off (``not_selected``), left out because a prerequisite is
        switched off (``prerequisite_not_selected``, naming it), or the planner's
        own reason (:attr:`cxkit.roi.Roadmap.reasons`: budget, prerequisite,
        exclusion, capacity, value), in the order of the initiatives.
        """
        own = dict(self.plan.reasons) if self.plan is not None else {}
        merged = {**own, **self._left_out}
        started = self.plan.starts if self.plan is not None else {}
        return {
            i.id: merged[i.id] for i in self.initiatives if i.id not in started and i.id in merged
        }

    def reason_messages(self) -> dict[str, str]:
        """:meth:`reasons` as sentences in the planner's language."""
        names = {i.id: i.label or i.id for i in self.initiatives}
        return {k: r.message(self.lang, names, self._money) for k, r in self.reasons().items()}

    def outliers(self) -> dict[str, Any]:
        """``{id: Outlier}``: values far outside the others' (:mod:`cxkit.roi._outliers`)."""
        from cxkit.roi._outliers import evaluation_outliers

        return evaluation_outliers(self.evaluation)

    def propose(self, initiative_ids: Sequence[str], *, apply: bool = False) -> None:
        """Show a proposed selection (e.g. from a vote); ``apply=True`` also switches
        exactly those initiatives (and the prerequisites they need) on and re-plans."""
        for iid in initiative_ids:
            self.initiative(iid)
        self.proposed = tuple(initiative_ids)
        self._proposal.value = self._proposal_html()
        if apply:
            self.apply_proposals()

    def apply_proposals(self) -> None:
        """Switch on exactly the proposed initiatives and their prerequisites; re-plan."""
        by_id = {i.id: i for i in self.initiatives}
        on: set[str] = set()
        todo = list(self.proposed)
        while todo:
            iid = todo.pop()
            if iid in on:
                continue
            on.add(iid)
            todo.extend(p.id for p in by_id[iid].prerequisites if p.id in by_id)
        self._syncing = True
        try:
            for iid, box in self._checks.items():
                self.enabled[iid] = iid in on
                box.value = iid in on
        finally:
            self._syncing = False
        self._replan(t("w_status_planned", self.lang))

    def set_budget(self, budget: float | Sequence[float]) -> None:
        """Budgets per period (a list, or one number for every current period)."""
        if isinstance(budget, numbers.Real) and not isinstance(budget, bool):
            budget = [float(budget)] * len(self.budget)
        self.budget = self._check_budget(budget)
        self._sync_budget_fields()
        self._replan(t("w_status_planned", self.lang))

    def set_effect(
        self,
        initiative_id: str,
        effect: int = 0,
        *,
        low: float | None = None,
        mode: float | None = None,
        high: float | None = None,
    ) -> None:
        """Change the range of effect number ``effect`` of an initiative; re-value and re-plan."""
        ini = self.initiative(initiative_id)
        if (
            isinstance(effect, bool)
            or not isinstance(effect, int)
            or not 0 <= effect < len(ini.effects)
        ):
            raise CxkitError(
                f"`effect` must be an index from 0 to {len(ini.effects) - 1} for "
                f"{initiative_id!r}, got {format_value(effect)}"
            )
        eff = ini.effects[effect]
        values = {"low": eff.low, "mode": eff.mode, "high": eff.high}
        for name, v in (("low", low), ("mode", mode), ("high", high)):
            if v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
                raise CxkitError(f"`{name}` must be a finite number, got {format_value(v)}")
            values[name] = float(v)
        if not values["low"] <= values["mode"] <= values["high"]:
            raise CxkitError(
                f"effect {effect} of {initiative_id!r} needs low ≤ mode ≤ high, got "
                f"{values['low']:g} / {values['mode']:g} / {values['high']:g}"
            )
        effects = list(ini.effects)
        effects[effect] = replace(eff, **values)
        new = replace(ini, effects=tuple(effects))
        self.initiatives = tuple(new if i.id == initiative_id else i for i in self.initiatives)
        self._evaluate(only=initiative_id)
        self._replan(
            t("w_status_evaluated", self.lang).format(
                n=len(self.initiatives), sims=self.n_sims, seed=self.seed
            )
        )

    def payback(self) -> float:
        """Payback of the plan in periods (mean risk-adjusted flows; ``inf`` = never)."""
        from cxkit.roi import payback_period

        if self.plan is None or not self.plan.schedule:
            return math.inf
        net = [
            b - c
            for b, c in zip(self.plan.joint_benefit_flows, self.plan.joint_cost_flows, strict=True)
        ]
        return float(payback_period(net))

    def table(self) -> list[dict[str, Any]]:
        """One row per initiative switched on: risk-adjusted NPV P10/P50/P90, payback, start."""
        starts = self.plan.starts if self.plan is not None else {}
        rows = []
        for r in self.evaluation.table():
            if not self.enabled.get(r["id"], False):
                continue
            rows.append({**r, "start": starts.get(r["id"])})
        return rows

    # -- internals -----------------------------------------------------------------------
    def _check_budget(self, budget: Any) -> tuple[float, ...]:
        if isinstance(budget, numbers.Real) and not isinstance(budget, bool):
            budget = [float(budget)] * 4
        if isinstance(budget, (str, bytes)) or not isinstance(budget, Sequence) or not budget:
            raise CxkitError(
                f"`budget` must be a number or a list of numbers, got {format_value(budget)}"
            )
        out = []
        for k, b in enumerate(budget):
            if (
                isinstance(b, bool)
                or not isinstance(b, numbers.Real)
                or not math.isfinite(b)
                or b < 0
            ):
                raise CxkitError(f"`budget[{k}]` must be an amount ≥ 0, got {format_value(b)}")
            out.append(float(b))
        return tuple(out)

    def _evaluate(self, only: str | None = None) -> None:
        """Value every initiative, or re-value initiative ``only`` and keep the others'."""
        from cxkit.roi import evaluate

        def run(inits: list[Initiative]) -> Any:
            return evaluate(
                self.journey, inits, economics=self.economics, n_sims=self.n_sims, seed=self.seed
            )

        self._joint_cache: dict[Any, Any] = {}  # valid for one evaluation only
        with self.evaluate_timer:
            old = getattr(self, "evaluation", None)
            if only is not None and old is not None:
                edited = run([self.initiative(only)])
                merged = self._merge(old, edited)
                if merged is not None:
                    self.evaluation = merged
                    return
            self.evaluation = run(list(self.initiatives))

    @staticmethod
    def _merge(old: Any, edited: Any) -> Any:
        """``old`` with ``edited``'s one result swapped in, or ``None`` if not exact.

        :func:`cxkit.roi.evaluate` lists the warnings of the shared context (churn
        clipped, no customers…) before the initiatives' own; which initiative caused
        a context warning is not recorded, so with any such warning the planner
        values everything again. The merged evaluation takes ``edited``'s context:
        the same baseline and draws, without scenarios compiled for the old effects.
        """
        (result,) = edited.initiatives
        results = tuple(result if r.id == result.id else r for r in old.initiatives)

        def own(rs: Sequence[Any]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(w for r in rs for w in r.warnings))

        if old.warnings != own(old.initiatives) or edited.warnings != own(edited.initiatives):
            return None
        return replace(old, initiatives=results, warnings=own(results), context=edited.context)

    def _plan_inits(self) -> list[Initiative]:
        """The initiatives switched on whose prerequisites are on too; the rest are
        kept in ``_left_out`` with their reason (switched off, or the prerequisite)."""
        from cxkit.roi._reasons import drop_unselected

        chosen, self._left_out = drop_unselected(self.initiatives, self.selected)
        ids = {i.id for i in chosen}
        # an exclusion only matters between initiatives that are both planned
        return [replace(i, excludes=tuple(x for x in i.excludes if x in ids)) for i in chosen]

    def dropped_note(self) -> str:
        """The note naming the initiatives left out because a prerequisite is off."""
        dropped = {k: r for k, r in self._left_out.items() if r.code == "prerequisite_not_selected"}
        if not dropped:
            return ""
        sep = "、" if self.lang == "ja" else ", "
        items = sep.join(
            t("roi_needs", self.lang).format(who=k, what=sep.join(r.ids))
            for k, r in dropped.items()
        )
        return t("roi_dropped_dependents", self.lang).format(items=items)

    def _money(self, amount: float) -> str:
        cur = self.economics.currency if self.economics else ""
        if abs(amount) >= 1e6:
            return f"{_millions(amount)} M {cur}".strip()
        return f"{fmt_number(amount, 0)} {cur}".strip()

    def _replan(self, message: str) -> None:
        from cxkit.roi import roadmap

        kind = "info"
        with self.timer:
            try:
                inits = self._plan_inits()
                if inits:
                    self.plan = roadmap(
                        self.journey,
                        inits,
                        budget=list(self.budget),
                        economics=self.economics,
                        n_sims=self.n_sims,
                        seed=self.seed,
                        evaluation=self.evaluation,
                        joint_cache=self._joint_cache,
                    )
                else:
                    self.plan = None
            except CxkitError as exc:
                self.plan = None
                message, kind = str(exc), "error"
            empty = t("w_no_plan", self.lang)
            lang = self.lang
            if self.plan is not None and self.plan.schedule:
                self.fan.render(self._charts, "npv_fan", self.plan, lang=lang)
                self.gantt.render(self._charts, "roadmap_gantt", self.plan, lang=lang)
            else:
                for chart, key in ((self.fan, "roi_npv_fan"), (self.gantt, "roi_gantt")):
                    chart.render(_CHART_MODULE, "message", empty, t(key, lang))
            if self.plan is not None and not self.plan.schedule and kind == "info":
                message, kind = empty, "warning"
            note = self.dropped_note()
            if note and kind != "error":
                message, kind = note, "warning"
            self._set_status(message, kind)
            self._summary.value = self._summary_html()
            self._table.value = self._table_html()
            self._reasons.value = self._reasons_html()

    def _effect_options(self) -> list[tuple[str, tuple[str, int]]]:
        from cxkit.roi._effect_text import describe_effect

        out = []
        for ini in self.initiatives:
            for k, e in enumerate(ini.effects):
                what = describe_effect(e, self.journey, self.lang)
                out.append((f"{ini.label or ini.id} · {what}", (ini.id, k)))
        return out

    def _build(self) -> None:
        lang = self.lang
        j = self.journey
        self._title = w.HTML(title_html(f"{t('w_roadmap_planner', lang)} — {j.title or j.id}"))
        self._status = w.HTML(status_html(""))
        cur = self.economics.currency if self.economics else ""
        self._checks = {}
        per = t(f"w_{self.economics.period if self.economics else 'year'}", lang)
        for ini in self.initiatives:
            costs = [f"{fmt_number(ini.cost_one_off, 0)} {cur}"] if ini.cost_one_off else []
            if ini.cost_per_period:
                costs.append(f"{fmt_number(ini.cost_per_period, 0)} {cur}/{per}")
            box = w.Checkbox(
                value=True,
                description=f"{ini.label or ini.id} ({' + '.join(costs) or '0'})",
                indent=False,
                layout=w.Layout(width="530px"),
            )
            box.observe(lambda c, i=ini.id: self._on_toggle(i, c["new"]), "value")
            self._checks[ini.id] = box
        checks = w.VBox(
            [w.HTML(f"<b>{html.escape(t('w_initiatives', lang))}</b>"), *self._checks.values()]
        )
        period = self.economics.cash_flow_period if self.economics else "quarter"
        from cxkit.roi.evaluate import PERIOD_PREFIX

        prefix = PERIOD_PREFIX.get(period, "P")
        self._budget_fields = []
        for q in range(len(self.budget)):
            field = w.FloatText(
                value=self.budget[q],
                description=f"{prefix}{q + 1}",
                style={"description_width": "30px"},
                layout=w.Layout(width="170px"),
            )
            field.observe(lambda _c: self._on_budget(), "value")
            self._budget_fields.append(field)
        budget = w.VBox(
            [
                w.HTML(f"<b>{html.escape(t('w_budget', lang))} ({html.escape(cur)})</b>"),
                w.HBox(self._budget_fields, layout=w.Layout(flex_flow="row wrap")),
            ]
        )
        options = self._effect_options()
        self._effect = w.Dropdown(
            options=options,
            value=options[0][1] if options else None,
            description=t("w_effect", lang),
            style={"description_width": "60px"},
            layout=w.Layout(width="520px"),
        )
        small = dict(layout=w.Layout(width="122px"), style={"description_width": "40px"})
        self._low = w.FloatText(description=t("roi_low", lang), **small)
        self._mode = w.FloatText(description=t("w_mode", lang), **small)
        self._high = w.FloatText(description=t("roi_high", lang), **small)
        self._apply = button(t("w_apply", lang), "check", width="104px")
        effect_box = w.VBox(
            [self._effect, w.HBox([self._low, self._mode, self._high, self._apply])]
        )
        self._summary = w.HTML()
        self._table = w.HTML()
        self._reasons = w.HTML()
        self._proposal = w.HTML(self._proposal_html())
        self._use_proposal = button(t("roi_apply_proposals", lang), "check-square-o")
        self._charts = _charts_module()
        self.fan = LiveChart("npv_fan", self._charts)
        self.gantt = LiveChart("roadmap_gantt", self._charts)
        # the controls keep their width; the tables take the rest and scroll if need be
        left = w.VBox(
            [checks, budget, effect_box], layout=w.Layout(width="540px", min_width="540px")
        )
        right = w.VBox(
            [self._summary, self._table, self._reasons],
            layout=w.Layout(flex="1 1 auto", min_width="0", overflow="auto"),
        )
        self.ui = w.VBox(
            [
                self._title,
                self._status,
                w.HBox([left, right]),
                w.HBox([self._proposal, self._use_proposal]),
                w.HBox([self.fan.widget, self.gantt.widget]),
            ]
        )
        self.ui.add_class("cxkit-widget")
        self.ui.add_class("cxkit-roadmap-planner")
        self._widgets = [
            self._title,
            self._status,
            *self._checks.values(),
            *self._budget_fields,
            self._effect,
            self._low,
            self._mode,
            self._high,
            self._apply,
            self._summary,
            self._table,
            self._reasons,
            self._proposal,
            self._use_proposal,
            self.fan.widget,
            self.gantt.widget,
            self.ui,
        ]
        self._effect.observe(lambda _c: self._sync_effect(), "value")
        on_click(self._apply, self._apply_clicked)
        on_click(self._use_proposal, self.apply_proposals)
        self._sync_effect()

    def _on_toggle(self, initiative_id: str, on: bool) -> None:
        if not self._syncing:
            self.toggle(initiative_id, on)

    def _on_budget(self) -> None:
        if not self._syncing:
            self._guard(self.set_budget, [f.value for f in self._budget_fields])

    def _apply_clicked(self) -> None:
        if self._effect.value is None:
            return
        ini, k = self._effect.value
        self._guard(
            self.set_effect,
            ini,
            k,
            low=self._low.value,
            mode=self._mode.value,
            high=self._high.value,
        )

    def _sync_effect(self) -> None:
        if self._effect.value is None:
            return
        ini, k = self._effect.value
        e = self.initiative(ini).effects[k]
        self._syncing = True
        try:
            self._low.value, self._mode.value, self._high.value = e.low, e.mode, e.high
        finally:
            self._syncing = False

    def _sync_budget_fields(self) -> None:
        self._syncing = True
        try:
            for f, b in zip(self._budget_fields, self.budget, strict=False):
                f.value = b
        finally:
            self._syncing = False

    def _summary_html(self) -> str:
        lang = self.lang
        cur = self.economics.currency if self.economics else ""
        p = self.plan
        rows: list[tuple[str, str]] = []
        if p is not None and p.schedule:
            pay = self.payback()
            rows.append((t("w_plan_value", lang), f"{fmt_number(p.value, 0)} {cur}"))
            if p.joint is not None:
                rows.append(
                    (
                        t("roi_joint", lang) + " (P10 / P50 / P90)",
                        " / ".join(
                            fmt_number(x, 0) for x in (p.joint.p10, p.joint.p50, p.joint.p90)
                        )
                        + f" {cur}",
                    )
                )
            rows.append(
                (t("roi_gap", lang), f"{fmt_number(p.interaction_gap, 0, signed=True)} {cur}")
            )
            rows.append(
                (
                    t("w_plan_payback", lang),
                    t("w_never", lang)
                    if math.isinf(pay)
                    else f"{fmt_number(pay, 1)} ({t('w_' + p.evaluation.period, lang)})",
                )
            )
        if p is not None:
            rows.append(
                (
                    f"{t('roi_spend', lang)} / {t('roi_budget', lang)}",
                    " · ".join(
                        f"{p.period_label(q + 1)} {_millions(sp)}/{_millions(b)} M"
                        for q, (sp, b) in enumerate(
                            zip(p.plan.spend_per_quarter, p.plan.budget_per_quarter, strict=True)
                        )
                    ),
                )
            )
        body = summary_rows_html(rows)
        if p is None or not p.schedule:
            body = (
                '<tr><td style="color:#A65E00">'
                + html.escape(self.status or t("w_no_plan", lang))
                + "</td></tr>"
                + body
            )
        return (
            '<div class="cxkit-box cxkit-plan-summary">'
            f"<b>{html.escape(t('roi_report', lang))}</b>"
            f'<table style="font-size:12px">{body}</table></div>'
        )

    def not_applicable_note(self) -> str:
        """The note on the initiatives switched on that match nothing in the journey.

        Empty when every initiative applies; else, in the planner's language, which
        initiatives are valued at 0 because their effects name no touchpoint,
        hand-off, step or call reason of the journey (``cxkit roi`` warns the same).
        """
        ids = [i for i in self.evaluation.not_applicable if self.enabled.get(i, False)]
        if not ids:
            return ""
        return (
            t("roi_not_applicable_list", self.lang).format(ids=", ".join(ids))
            + ". "
            + t("roi_note_not_applicable", self.lang)
        )

    def _table_html(self) -> str:
        lang = self.lang
        ev = self.evaluation
        rows = []
        flagged = self.outliers()
        for r in self.table():
            start = ev.period_label(r["start"]) if r["start"] else "—"
            pay = r["payback"]
            name = r["label"] or r["id"]
            if not r.get("applies", True):
                name += f" ({t('roi_na_short', lang)})"
            if r["id"] in flagged:
                name += f" ⚠ {t('roi_outlier_short', lang)}"
            rows.append(
                [
                    name,
                    fmt_number(r["p10"], 0),
                    fmt_number(r["p50"], 0),
                    fmt_number(r["p90"], 0),
                    "—" if pay is None or math.isinf(pay) else fmt_number(pay, 1),
                    start,
                ]
            )
        header = [
            t("roi_initiative", lang),
            "NPV P10",
            "P50",
            "P90",
            t("roi_payback", lang),
            t("w_start", lang),
        ]
        note = self.not_applicable_note()
        if note:
            note = (
                '<div class="cxkit-not-applicable" style="color:#A65E00;font-size:12px">'
                + html.escape(note)
                + "</div>"
            )
        for iid, o in flagged.items():
            if self.enabled.get(iid, False):
                who = html.escape(self.initiative(iid).label or iid)
                note += (
                    '<div class="cxkit-outlier" style="color:#B3261E;font-size:12px">⚠ '
                    f"{html.escape(t('roi_outlier', lang))}: {who} — "
                    f"{html.escape(o.message(lang))}</div>"
                )
        return (
            '<div class="cxkit-initiatives" style="margin-top:6px">'
            + html_table(header, rows)
            + note
            + "</div>"
        )

    def _reasons_html(self) -> str:
        """Every initiative not scheduled, with its reason."""
        lang = self.lang
        msgs = self.reason_messages()
        if not msgs:
            return ""
        rows = [[self.initiative(k).label or k, m] for k, m in msgs.items()]
        header = [t("roi_initiative", lang), t("roi_reason", lang)]
        return (
            '<div class="cxkit-reasons" style="margin-top:6px">'
            f"<b>{html.escape(t('roi_reason', lang))}</b>"
            + html_table(header, rows, align=["left", "left"])
            + "</div>"
        )

    def _proposal_html(self) -> str:
        """The proposed selection (from a vote), or nothing."""
        if not self.proposed:
            return ""
        sep = "、" if self.lang == "ja" else ", "
        names = sep.join(html.escape(self.initiative(i).label or i) for i in self.proposed)
        return (
            '<div class="cxkit-proposal" style="font-size:12px;padding:4px 0">'
            f"<b>{html.escape(t('roi_proposed', self.lang))}:</b> {names}</div>"
        )

"""The hand-off explorer: move a hand-off's probability and context carry-over, see the outcomes."""

from __future__ import annotations

import html
import numbers
from typing import Any

import ipywidgets as w

from cxkit.core._checks import whole_number
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.journey import Journey
from cxkit.core.model import Handoff
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
    t,
    title_html,
)

__all__ = ["HandoffExplorer"]

_LABELS = ("baseline", "scenario")


def _share(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise CxkitError(f"`{name}` must be a number from 0 to 1, got {format_value(value)}")
    return float(value)


class HandoffExplorer(WorkshopWidget):
    """Explore one hand-off at a time: probability and context carry-over → outcomes, CES, cost.

    The baseline is the journey as given; the scenario is the journey with the
    hand-offs changed here (``Journey.with_handoff``). Outcome shares, contacts, cost
    and the figures the chain gives exactly (effort index, switches, repeated
    explanations, transfers, repeat contacts, waits, first-contact resolution) come
    from the exact absorbing chain (:func:`cxkit.sim.exact`, instant); CES and the
    remembered experience from the Monte Carlo engine with common random numbers
    (:func:`cxkit.sim.simulate` with the same ``seed`` for both, as
    :func:`cxkit.sim.compare` does — the baseline run is kept while only the scenario
    changes). Beside them, the *design-time* figure of each metric (the designed
    steps, :func:`cxkit.sim.design_flow.design_vs_flow`) and, when they differ, why.
    A metric that does not apply (first-contact resolution without an outcome of
    kind ``resolved``) says so instead of showing 0 %. The what-if chart is
    :func:`cxkit.viz.what_if` of the paired runs.

    Parameters
    ----------
    journey
        A journey, a template name or a YAML path.
    n_customers
        Simulated customers per run (20,000).
    seed
        Seed of the Monte Carlo runs (same seed, same numbers).
    lang
        Language of the labels; default the journey's language.

    Attributes
    ----------
    baseline, scenario : Journey
        The two journeys compared.
    handoff : tuple of str
        ``(source, target)`` of the hand-off the sliders edit.
    exact_baseline, exact_scenario : ExactResult
        Exact-chain results.
    comparison : Comparison
        The paired Monte Carlo runs (``comparison.a`` baseline, ``.b`` scenario).
    design_flow_baseline, design_flow_scenario : DesignVsFlow
        Design-time and flow-time figures of both journeys (from the runs above).
    timer : Timer
        Duration of the last update (control change → chart spec set).

    Examples
    --------
    >>> import cxkit as cx
    >>> ex = HandoffExplorer(cx.load_journey("billing_inquiry"), n_customers=2000, seed=3)
    >>> ex.set_handoff("web_faq", "phone_queue", context_carryover=1.0)
    >>> ex.numbers()["context_losses"]["scenario"]
    0.0
    >>> ex.close()
    """

    def __init__(
        self,
        journey: Journey | str,
        *,
        n_customers: int = 20_000,
        seed: int = 1,
        lang: str | None = None,
    ) -> None:
        journey = check_journey(journey)
        self.lang = resolve_lang(lang, journey)
        self.n_customers = whole_number(n_customers, "n_customers", 1)
        self.seed = whole_number(seed, "seed", 0)
        self.baseline = journey
        self.scenario = journey
        self.timer = Timer()
        self.status = ""
        self._syncing = False
        choices = self._choices()
        self.handoff: tuple[str, str] | None = choices[0][1] if choices else None
        self._mc_key: tuple[int, int] | None = None
        self._build(choices)
        self._update(t("w_ready", self.lang))

    # -- public --------------------------------------------------------------------------
    @property
    def handoffs(self) -> list[tuple[str, str]]:
        """The hand-offs the explorer can edit, as ``(source, target)``."""
        return [key for _, key in self._choices()]

    def select(self, source: str, target: str) -> None:
        """Edit hand-off ``source → target`` with the sliders."""
        key = (source, target)
        if key not in self.handoffs:
            names = [f"{s}->{t_}" for s, t_ in self.handoffs]
            raise CxkitError(
                "`select`: " + unknown_message("hand-off", f"{source}->{target}", names)
            )
        self.handoff = key
        self._sync_controls()

    def set_handoff(
        self,
        source: str | None = None,
        target: str | None = None,
        *,
        probability: float | None = None,
        context_carryover: float | None = None,
    ) -> None:
        """Change a hand-off of the scenario (default: the selected one).

        ``probability`` may rise up to the touchpoint's remainder (the share that
        goes to the remainder outcome); ``context_carryover`` applies to hand-offs
        between two touchpoints.
        """
        if source is not None or target is not None:
            if source is None or target is None:
                raise CxkitError("give both `source` and `target`, or neither")
            self.select(source, target)
        if self.handoff is None:
            raise CxkitError(t("w_no_handoffs", "en"))
        src, dst = self.handoff
        g = self.scenario.graph
        h = g.handoff(src, dst)
        changes: dict[str, float] = {}
        if probability is not None:
            p = _share(probability, "probability")
            room = h.probability + g.remainder(src)
            if p > room + 1e-9:
                raise CxkitError(
                    f"`probability` of {src}->{dst} can rise to {room:.4g} at most (the other "
                    f"hand-offs of {src!r} take the rest), got {format_value(probability)}"
                )
            if p < h.probability and g.remainder_outcome not in g.outcome_ids:
                raise CxkitError(
                    f"`probability` of {src}->{dst} cannot fall: the remainder would go to "
                    f"{g.remainder_outcome!r}, which the journey does not declare"
                )
            changes["probability"] = min(p, room)
        if context_carryover is not None:
            k = _share(context_carryover, "context_carryover")
            if not g.can_lose_context(h):
                raise CxkitError(
                    f"hand-off {src}->{dst} ends in an outcome: it has no context to carry over"
                )
            changes["context_carryover"] = k
        if not changes:
            return
        self.scenario = self.scenario.with_handoff(src, dst, **changes)
        self._update(self._scenario_message())

    def set_customers(self, n_customers: int) -> None:
        """Simulate ``n_customers`` customers per run."""
        self.n_customers = whole_number(n_customers, "n_customers", 1)
        self._update(self._scenario_message())

    def set_seed(self, seed: int) -> None:
        """Use another seed for both Monte Carlo runs."""
        self.seed = whole_number(seed, "seed", 0)
        self._update(self._scenario_message())

    def reset(self) -> None:
        """Make the scenario the baseline again."""
        self.scenario = self.baseline
        self._update(t("w_status_reset", self.lang))

    def numbers(self) -> dict[str, dict[str, Any]]:
        """Every figure shown: ``{metric: {label, design, baseline, scenario, difference,
        ci_low, ci_high, engine, not_applicable}}``.

        ``share:<outcome>``, ``contacts``, ``cost`` and the exact metrics of
        :data:`cxkit.sim.design_flow.METRICS` are exact (``ci_low = ci_high =
        difference``); ``ces5`` and ``remembered`` are Monte Carlo means with the 95 %
        interval of the paired difference. ``design`` is the design-time figure (the
        designed steps; ``None`` for outcome shares, contacts and cost, which the steps
        do not give). A metric that does not apply has ``None`` figures and its reason
        in ``not_applicable``.
        """
        lang = self.lang
        a, b = self.exact_baseline, self.exact_scenario
        out: dict[str, dict[str, Any]] = {}
        for o in a.outcomes:
            info = a.outcome_info.get(o, {})
            name = info.get("label") or o
            pa, pb = float(a.absorption[o]), float(b.absorption.get(o, 0.0))
            out[f"share:{o}"] = self._row(f"{t('sim_share', lang)}: {name}", pa, pb, None, "exact")
        for key, attr, label_key in (
            ("contacts", "expected_contacts", "sim_contacts"),
            ("cost", "expected_cost", "sim_cost"),
        ):
            va, vb = float(getattr(a, attr)), float(getattr(b, attr))
            out[key] = self._row(t(label_key, lang), va, vb, None, "exact")
        diffs = self.comparison.differences()
        paired = {"ces5": "ces5", "remembered": "j"}
        for ra, rb in zip(
            self.design_flow_baseline.rows, self.design_flow_scenario.rows, strict=True
        ):
            na = ra.flow_na or rb.flow_na
            diff = diffs[paired[ra.key]] if ra.key in paired else None
            row = self._row(ra.label(lang), ra.flow, rb.flow, diff, ra.flow_engine)
            row["design"] = ra.design
            if na is not None:
                row.update(baseline=None, scenario=None, difference=None, ci_low=None, ci_high=None)
            row["not_applicable"] = None if na is None else na.message(lang)
            out[ra.key] = row
        return out

    # -- internals -----------------------------------------------------------------------
    @staticmethod
    def _row(label: str, a: Any, b: Any, diff: Any, engine: str) -> dict[str, Any]:
        if a is None or b is None:
            d = lo = hi = None
        else:
            d = b - a if diff is None else diff.estimate
            lo = d if diff is None else diff.ci_low
            hi = d if diff is None else diff.ci_high
        return {
            "label": label,
            "design": None,
            "baseline": a,
            "scenario": b,
            "difference": d,
            "ci_low": lo,
            "ci_high": hi,
            "engine": engine,
            "not_applicable": None,
        }

    def _choices(self) -> list[tuple[str, tuple[str, str]]]:
        g = self.baseline.graph
        out = []
        for h in g.handoffs:
            src = g.touchpoint(h.source).display if g.has_touchpoint(h.source) else h.source
            if g.has_touchpoint(h.target):
                dst = g.touchpoint(h.target).display
            elif g.has_outcome(h.target):
                dst = f"[{g.outcome(h.target).display}]"
            else:
                dst = h.target
            out.append((f"{src} → {dst}", h.key))
        return out

    def _current(self) -> Handoff | None:
        if self.handoff is None:
            return None
        return self.scenario.graph.handoff(*self.handoff)

    def _scenario_message(self) -> str:
        h = self._current()
        if h is None:
            return t("w_no_handoffs", self.lang)
        return t("w_status_scenario", self.lang).format(
            edge=f"{h.source} → {h.target}",
            p=f"{h.probability:.2f}",
            k=f"{h.context_carryover:.2f}",
        )

    def _simulate(self) -> None:
        from cxkit.sim import exact, simulate
        from cxkit.sim.design_flow import design_vs_flow
        from cxkit.sim.results import Comparison

        key = (self.n_customers, self.seed)
        if self._mc_key != key:
            self.exact_baseline = exact(self.baseline)
            self._mc_baseline = simulate(self.baseline, self.n_customers, seed=self.seed)
            self._mc_key = key
        self.exact_scenario = exact(self.scenario)
        if self.scenario == self.baseline:
            mc_scenario = self._mc_baseline
        else:
            mc_scenario = simulate(self.scenario, self.n_customers, seed=self.seed)
        self.comparison = Comparison(self._mc_baseline, mc_scenario, _LABELS)
        self.design_flow_baseline = design_vs_flow(
            self.baseline, exact_result=self.exact_baseline, simulation=self._mc_baseline
        )
        self.design_flow_scenario = design_vs_flow(
            self.scenario, exact_result=self.exact_scenario, simulation=mc_scenario
        )

    def _update(self, message: str) -> None:
        try:
            with self.timer:
                self._simulate()
                self._numbers.value = self._numbers_html()
                self.chart.update(self.comparison, lang=self.lang)
        except CxkitError as exc:
            self._set_status(str(exc), "error")
            raise
        self._sync_controls()
        self._note.value = self._note_html()
        self._set_status(message, "info")

    def _build(self, choices: list[tuple[str, tuple[str, str]]]) -> None:
        lang = self.lang
        j = self.baseline
        style = {"description_width": "150px"}
        self._title = w.HTML(title_html(f"{t('w_handoff_explorer', lang)} — {j.title or j.id}"))
        self._status = w.HTML(status_html(""))
        self._select = w.Dropdown(
            options=choices,
            value=self.handoff,
            description=t("w_handoff", lang),
            style=style,
            layout=w.Layout(width="520px"),
        )
        slider = dict(min=0.0, max=1.0, step=0.01, continuous_update=False, style=style)
        self._probability = w.FloatSlider(
            description=t("viz_probability", lang), readout_format=".2f", **slider
        )
        self._carryover = w.FloatSlider(
            description=t("viz_carryover", lang), readout_format=".2f", **slider
        )
        for s in (self._probability, self._carryover):
            s.layout = w.Layout(width="520px")
        self._customers = w.Dropdown(
            options=sorted({1_000, 5_000, 20_000, 50_000, 100_000, self.n_customers}),
            value=self.n_customers,
            description=t("sim_customers", lang),
            style=style,
            layout=w.Layout(width="250px"),
        )
        self._seed = w.BoundedIntText(
            value=self.seed,
            min=0,
            max=2**31 - 1,
            description=t("sim_seed", lang),
            style={"description_width": "initial"},
            layout=w.Layout(width="190px"),
        )
        self._reset = button(t("w_reset", lang), "refresh")
        self._reset.layout.min_width = "max-content"  # the whole label, in Japanese too
        self._remainder = w.HTML()
        self._numbers = w.HTML()
        self._note = w.HTML()
        self.chart = LiveChart("what_if", "cxkit.viz.simulation")
        controls = w.VBox(
            [
                self._select,
                self._probability,
                self._remainder,
                self._carryover,
                w.HBox(
                    [self._customers, self._seed, self._reset],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
            ],
            layout=w.Layout(min_width="580px"),  # the table takes the rest, not the controls
        )
        numbers = w.VBox(
            [self._numbers, self._note],
            layout=w.Layout(flex="1 1 auto", min_width="0", overflow="auto"),
        )
        self.ui = w.VBox(
            [
                self._title,
                self._status,
                w.HBox([controls, numbers]),
                self.chart.widget,
            ]
        )
        self.ui.add_class("cxkit-widget")
        self.ui.add_class("cxkit-handoff-explorer")
        self._widgets = [
            self._title,
            self._status,
            self._select,
            self._probability,
            self._carryover,
            self._customers,
            self._seed,
            self._reset,
            self._remainder,
            self._numbers,
            self._note,
            self.chart.widget,
            self.ui,
        ]
        self._select.observe(self._on_select, "value")
        self._probability.observe(lambda c: self._on_slider(probability=c["new"]), "value")
        self._carryover.observe(lambda c: self._on_slider(context_carryover=c["new"]), "value")
        self._customers.observe(lambda c: self._guard(self.set_customers, c["new"]), "value")
        self._seed.observe(lambda c: self._guard(self.set_seed, c["new"]), "value")
        on_click(self._reset, self.reset)

    def _guard(self, action: Any, *args: Any, **kwargs: Any) -> None:
        if not self._syncing:  # a control set by the explorer itself is no user action
            super()._guard(action, *args, **kwargs)

    def _on_select(self, change: dict[str, Any]) -> None:
        if not self._syncing and change["new"] is not None:
            self._guard(self.select, *change["new"])

    def _on_slider(self, **changes: float) -> None:
        self._guard(self.set_handoff, **changes)

    def _sync_controls(self) -> None:
        self._syncing = True
        try:
            h = self._current()
            has = h is not None
            for control in (self._select, self._probability, self._carryover):
                control.disabled = not has
            if h is None:
                self._remainder.value = ""
                return
            g = self.scenario.graph
            self._select.value = self.handoff
            room = h.probability + g.remainder(h.source)
            low = 0.0 if g.remainder_outcome in g.outcome_ids else h.probability
            top = min(max(round(room, 6), h.probability), 1.0)
            self._probability.min = 0.0  # widen first: max may not fall below min
            self._probability.max = top
            self._probability.min = min(low, top)
            self._probability.value = h.probability
            self._probability.disabled = self._probability.min >= top
            lose = g.can_lose_context(h)
            self._carryover.disabled = not lose
            self._carryover.value = h.context_carryover if lose else 1.0
            if g.remainder_outcome in g.outcome_ids:
                outcome = g.outcome(g.remainder_outcome).display
                text = t("w_remainder_note", self.lang).format(
                    source=g.touchpoint(h.source).display
                    if g.has_touchpoint(h.source)
                    else h.source,
                    outcome=outcome,
                )
                share = fmt_number(g.remainder(h.source), 2)
                self._remainder.value = (
                    '<div style="font-size:11px;color:#666;margin-left:156px">'
                    f"{html.escape(text)} ({share})</div>"
                )
        finally:
            self._syncing = False

    def _numbers_html(self) -> str:
        lang = self.lang
        rows = []
        for key, r in self.numbers().items():
            pct = key.startswith("share:") or key == "fcr"
            digits = 0 if key == "cost" else 3

            def f(x: Any, signed: bool = False, pct: bool = pct, digits: int = digits) -> str:
                if x is None:
                    return "–"
                if pct:
                    return fmt_number(100 * x, 1, signed=signed) + "%"
                return fmt_number(x, digits, signed=signed)

            if r["not_applicable"] is not None:
                na = r["not_applicable"]
                rows.append([r["label"], f(r["design"]), na, na, ""])
                continue
            diff = f(r["difference"], signed=True)
            if r["engine"] == "monte_carlo":
                diff += f" [{f(r['ci_low'], True)}, {f(r['ci_high'], True)}]"
            rows.append([r["label"], f(r["design"]), f(r["baseline"]), f(r["scenario"]), diff])
        header = [
            t("sim_metric", lang),
            f"{t('dv_design', lang)} ({t('dv_design_time', lang)})",
            f"{t('sim_baseline', lang)} ({t('dv_flow_time', lang)})",
            f"{t('sim_scenario', lang)} ({t('dv_flow_time', lang)})",
            t("sim_difference", lang),
        ]
        return '<div class="cxkit-numbers">' + html_table(header, rows) + "</div>"

    def _note_html(self) -> str:
        lang = self.lang
        text = t("w_engine_note", lang).format(n=f"{self.n_customers:,}", seed=self.seed)
        dv = self.design_flow_baseline
        parts = [text, t("dv_explain", lang)]
        if dv.single_path:
            parts.append(t("dv_equal", lang))
        else:
            parts.append(f"{t('dv_why', lang)}:")
            parts += [f"• {reason}" for reason in dv.why(lang)]
        body = "<br>".join(html.escape(p) for p in parts)
        return f'<div style="font-size:11px;color:#666;max-width:520px;margin-top:4px">{body}</div>'

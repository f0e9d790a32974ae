"""The journey editor: edit steps with the client while the journey map redraws."""

from __future__ import annotations

import contextlib
import html
import os
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as w

from cxkit.core.errors import CxkitError, Problem, format_value
from cxkit.core.journey import Journey
from cxkit.core.model import Emotion, Step
from cxkit.core.suggest import unknown_message
from cxkit.widgets._common import (
    LiveChart,
    Timer,
    WorkshopWidget,
    button,
    check_journey,
    fmt_number,
    on_click,
    resolve_lang,
    status_html,
    summary_rows_html,
    t,
    title_html,
)

__all__ = ["JourneyEditor"]

#: Step fields the editor changes, and what each accepts.
EDITABLE = {
    "stage": "a stage id of the journey",
    "touchpoint": "a touchpoint id of the journey",
    "action": "text",
    "expectation": "a number of points from 0 to 10, or None",
    "experience": "a number of points from 0 to 10, or None",
    "emotion": "'dissatisfied', 'satisfied', 'delighted' (不満 / 満足 / 感動) or None (auto)",
    "notes": "text or None",
    "pain_points": "a list of texts",
    "opportunities": "a list of texts",
    "effort": "a CES from 1 to 5, or None",
}
_RANGES = {"expectation": (0.0, 10.0), "experience": (0.0, 10.0), "effort": (1.0, 5.0)}
_UNDO_LIMIT = 500
_AUTO = "auto"


def lock_reason(journey: Journey, index: int, name: str, lang: str = "en") -> str:
    """Why the ``name`` score of step ``index`` is derived rather than set, or ``""``.

    The editor greys out a slider whose value comes from elsewhere (the wait, the call
    reason) and shows this sentence under it, so that nobody drags a locked slider.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> lock_reason(j, 1, "experience")  # doctest: +ELLIPSIS
    'Derived from the wait (...): tick "set" to enter your own value.'
    >>> lock_reason(j, 0, "experience")
    ''
    """
    step = journey.steps[index]
    if getattr(step, name) is not None:
        return ""
    ev = journey.evaluate().steps[index]
    if name == "experience" and step.wait_s is not None:
        key, detail = (
            "w_lock_wait",
            {
                "wait": _wait_text(step.wait_s, lang),
                "expected": _wait_text(ev.expected_wait_s, lang),
            },
        )
    elif name == "expectation" and step.call_reason is not None and ev.expectation is not None:
        key, detail = "w_lock_reason", {"reason": step.call_reason}
    else:
        key, detail = "w_lock_empty", {}
    return t(key, lang).format(set=t("w_set", lang), **detail)


def touchpoint_option(journey: Journey, touchpoint: str, lang: str = "en") -> str:
    """A touchpoint as the editor lists it: its name and its channel, unless the name
    already says the channel.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("complaint_recovery_ja")
    >>> touchpoint_option(j, "cc_phone", "ja"), touchpoint_option(j, "store", "ja")
    ('コールセンター（電話）', '購入店舗（売場・店長）')
    >>> touchpoint_option(cx.load_journey("billing_inquiry"), "agent")
    'Billing agent (Phone)'
    """
    tp = journey.graph.touchpoint(touchpoint)
    channel = journey.graph.channel(tp.channel).label(lang)
    if channel.lower() in tp.display.lower():
        return tp.display
    return f"{tp.display}（{channel}）" if lang == "ja" else f"{tp.display} ({channel})"


def _wait_text(seconds: float, lang: str) -> str:
    minutes = seconds / 60.0
    if seconds < 60:
        return f"{seconds:g} s" if lang != "ja" else f"{seconds:g}秒"
    return f"{minutes:.3g} min" if lang != "ja" else f"{minutes:.3g}分"


def _check_change(name: str, value: Any) -> Any:
    """The value to store for ``name``, or a :class:`CxkitError` naming what is wrong."""
    if name not in EDITABLE:
        known = [f.name for f in fields(Step)]
        if name in known:
            raise CxkitError(
                f"step field {name!r} is not edited by the JourneyEditor; edit the journey "
                "with Journey.with_step and pass it to set_journey()"
            )
        raise CxkitError("`edit`: " + unknown_message("step field", name, EDITABLE))
    if name in _RANGES:
        if value is None:
            return None
        low, high = _RANGES[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise CxkitError(f"`{name}` must be {EDITABLE[name]}, got {format_value(value)}")
        if not low <= float(value) <= high:
            raise CxkitError(f"`{name}` must be {EDITABLE[name]}, got {format_value(value)}")
        return float(value)
    if name == "emotion":
        if value is None or value == _AUTO:
            return None
        try:
            return Emotion.parse(value)
        except ValueError:
            raise CxkitError(
                f"`emotion` must be {EDITABLE[name]}, got {format_value(value)}"
            ) from None
    if name in ("pain_points", "opportunities"):
        if isinstance(value, str):
            value = [line for line in value.splitlines()]
        items = tuple(str(v).strip() for v in value if str(v).strip())
        return items
    if name == "notes":
        if value is None:
            return None
        return str(value).strip() or None
    if name == "action":
        return str(value)
    if not isinstance(value, str):
        raise CxkitError(f"`{name}` must be {EDITABLE[name]}, got {format_value(value)}")
    return value


class JourneyEditor(WorkshopWidget):
    """Edit a journey's steps in a notebook: step list, sliders, live journey map, undo, save.

    The editor holds state only: every edit calls a :class:`~cxkit.core.journey.Journey`
    method (``with_step``, ``add_step``, ``remove_step``, ``move_step``) and keeps the
    journeys it replaced on an undo stack. The map is :func:`cxkit.viz.journey_map`,
    redrawn in an offline ``altair.JupyterChart``; the validation panel lists
    :meth:`Journey.validate` problems; :meth:`save` writes YAML atomically with
    :func:`cxkit.io.save_journey`.

    Display ``editor.ui`` (or the editor itself) in a notebook cell.

    Parameters
    ----------
    journey
        A journey, a template name or a YAML path.
    path
        Where :meth:`save` writes by default (a ``.yaml`` or ``.json`` file).
    lang
        Language of the editor's and the map's labels (``"en"``, ``"ja"``); default
        the journey's language.

    Attributes
    ----------
    journey : Journey
        The journey as edited now.
    selected : int
        Index of the step shown in the form.
    status : str
        The status line's text.
    problems : list of Problem
        The validation problems of :attr:`journey`.
    timer : Timer
        Duration of the last update (control change → map spec set).

    Examples
    --------
    >>> import cxkit as cx
    >>> ed = JourneyEditor(cx.load_journey("billing_inquiry"))
    >>> ed.edit(experience=7.0, step=3)
    >>> ed.journey.evaluate().aggregate.peak_end
    -3.0
    >>> ed.undo()
    >>> ed.journey.evaluate().aggregate.peak_end
    -1.5
    >>> ed.close()
    """

    def __init__(
        self,
        journey: Journey | str | os.PathLike[str],
        *,
        path: Any = None,
        lang: str | None = None,
    ) -> None:
        journey = check_journey(journey)
        self.lang = resolve_lang(lang, journey)
        self.path: Path | None = Path(os.fspath(path)) if path is not None else None
        self._journey = journey
        self._undo: list[tuple[Journey, int]] = []
        self._redo: list[tuple[Journey, int]] = []
        self.selected = 0
        self.status = ""
        self.problems: list[Problem] = []
        self.timer = Timer()
        self._syncing = False
        self._build()
        self._refresh(t("w_ready", self.lang))

    # -- public state --------------------------------------------------------------------
    @property
    def journey(self) -> Journey:
        """The journey as edited now."""
        return self._journey

    @property
    def can_undo(self) -> bool:
        """Whether there is an edit to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone edit to redo."""
        return bool(self._redo)

    @property
    def map_spec(self) -> dict[str, Any] | None:
        """The Vega-Lite spec of the journey map shown now."""
        return self.chart.spec

    # -- edits (the UI calls these) ------------------------------------------------------
    def select(self, step: int | str) -> None:
        """Show step ``step`` (index or id) in the form."""
        self.selected = self._journey.step_index(step)
        self._sync_form()

    def edit(self, step: int | str | None = None, **changes: Any) -> None:
        """Change fields of a step (default: the selected one).

        Fields: ``stage``, ``touchpoint``, ``action``, ``expectation``,
        ``experience`` (0–10 or ``None``), ``emotion`` (``None`` = computed),
        ``notes``, ``pain_points``, ``opportunities`` (lists or one text per line),
        ``effort`` (1–5 or ``None``).
        """
        j = self._journey
        if not j.steps:
            raise CxkitError("the journey has no steps to edit; add one with add_step()")
        index = self.selected if step is None else j.step_index(step)
        checked = {name: _check_change(name, value) for name, value in changes.items()}
        for name in ("stage", "touchpoint"):
            if name in checked:
                known = (
                    [s.id for s in j.stages] if name == "stage" else list(j.graph.touchpoint_ids)
                )
                if checked[name] not in known:
                    raise CxkitError(f"`{name}`: " + unknown_message(name, checked[name], known))
        self.selected = index
        new = j.with_step(index, **checked)
        self._commit(new, t("w_status_edited", self.lang).format(n=index + 1), index)

    def add_step(self, step: Step | None = None, index: int | None = None) -> None:
        """Insert ``step`` at ``index`` (default: a new step after the selected one).

        The default step copies the selected step's stage and touchpoint, with an
        empty action and no scores.
        """
        j = self._journey
        if step is None:
            if j.steps:
                base = j.steps[self.selected]
                step = Step(stage=base.stage, touchpoint=base.touchpoint, action="")
            elif j.stages and j.graph.touchpoints:
                step = Step(stage=j.stages[0].id, touchpoint=j.graph.touchpoints[0].id)
            else:
                raise CxkitError("the journey needs a stage and a touchpoint before a step")
        if not isinstance(step, Step):
            raise CxkitError(f"`step` must be a cxkit.Step, got {format_value(step)}")
        n = len(j.steps)
        if index is None:
            index = self.selected + 1 if n else 0
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index <= n:
            raise CxkitError(f"`index` must be a whole number from 0 to {n}, got {index!r}")
        new = j.add_step(step, index)
        self._commit(new, t("w_status_added", self.lang).format(n=index + 1), index)

    def remove_step(self, step: int | str | None = None) -> None:
        """Remove a step (default: the selected one)."""
        j = self._journey
        if not j.steps:
            raise CxkitError("the journey has no steps to remove")
        index = self.selected if step is None else j.step_index(step)
        new = j.remove_step(index)
        after = min(index, max(len(new.steps) - 1, 0))
        self._commit(new, t("w_status_removed", self.lang).format(n=index + 1), after)

    def move_step(self, step: int | str | None = None, to: int = 0) -> None:
        """Move a step (default: the selected one) to position ``to``."""
        j = self._journey
        if not j.steps:
            raise CxkitError("the journey has no steps to move")
        index = self.selected if step is None else j.step_index(step)
        n = len(j.steps)
        if isinstance(to, bool) or not isinstance(to, int) or not 0 <= to < n:
            raise CxkitError(f"`to` must be a whole number from 0 to {n - 1}, got {to!r}")
        new = j.move_step(index, to)
        self._commit(new, t("w_status_moved", self.lang).format(n=index + 1, to=to + 1), to)

    def move_up(self) -> None:
        """Move the selected step one place earlier (no-op on the first step)."""
        if self.selected > 0:
            self.move_step(self.selected, self.selected - 1)

    def move_down(self) -> None:
        """Move the selected step one place later (no-op on the last step)."""
        if self.selected < len(self._journey.steps) - 1:
            self.move_step(self.selected, self.selected + 1)

    def set_journey(self, journey: Journey) -> None:
        """Replace the whole journey (undoable), e.g. after an edit made in code."""
        if not isinstance(journey, Journey):
            raise CxkitError(f"`journey` must be a cxkit.Journey, got {format_value(journey)}")
        self._commit(journey, t("w_status_replaced", self.lang), self.selected)

    def undo(self) -> None:
        """Go back to the journey before the last edit."""
        if not self._undo:
            self._refresh(t("w_nothing_to_undo", self.lang), "warning")
            return
        self._redo.append((self._journey, self.selected))
        self._journey, self.selected = self._undo.pop()
        self._refresh(t("w_status_undone", self.lang))

    def redo(self) -> None:
        """Redo the last undone edit."""
        if not self._redo:
            self._refresh(t("w_nothing_to_redo", self.lang), "warning")
            return
        self._undo.append((self._journey, self.selected))
        self._journey, self.selected = self._redo.pop()
        self._refresh(t("w_status_redone", self.lang))

    def save(self, path: Any = None) -> Path:
        """Write the journey as YAML (JSON for ``.json``) atomically; return the path.

        ``path`` defaults to the editor's ``path`` (or the file field of the UI) and
        becomes the new default.
        """
        if path is None:
            text = self._path_field.value.strip()
            path = text or self.path
        if path is None:
            self._set_status(t("w_no_path", self.lang), "error")
            raise CxkitError(
                "no file to save to: pass save(path=...) or JourneyEditor(..., path=...)"
            )
        from cxkit.io import save_journey

        target = Path(os.fspath(path))
        try:
            save_journey(self._journey, target)
        except CxkitError as exc:
            self._set_status(str(exc), "error")
            raise
        self.path = target
        self._path_field.value = str(target)
        errors = sum(p.severity == "error" for p in self.problems)
        stamp = datetime.now().strftime("%H:%M:%S")
        message = t("w_saved", self.lang).format(path=target, time=stamp)
        if errors:
            message += " " + t("w_saved_with_errors", self.lang).format(n=errors)
        self._set_status(message, "warning" if errors else "ok")
        return target

    # -- internals -----------------------------------------------------------------------
    def _commit(self, new: Journey, message: str, selected: int) -> None:
        if new == self._journey:
            self.selected = selected
            self._sync_form()
            return
        self._undo.append((self._journey, self.selected))
        del self._undo[:-_UNDO_LIMIT]
        self._redo.clear()
        self._journey = new
        self.selected = selected
        self._refresh(message)

    def _refresh(self, message: str, kind: str = "info") -> None:
        with self.timer:
            j = self._journey
            n = len(j.steps)
            self.selected = min(max(self.selected, 0), max(n - 1, 0))
            self.problems = j.validate()
            self._sync_form()
            self._problems.value = self._problems_html()
            self._summary.value = self._summary_html()
            self._undo_btn.disabled = not self._undo
            self._redo_btn.disabled = not self._redo
            self.chart.update(j, lang=self.lang)
        self._set_status(message, kind)

    def _build(self) -> None:
        lang = self.lang
        j = self._journey
        slider = dict(
            min=0.0,
            max=10.0,
            step=0.5,
            continuous_update=False,
            readout_format=".1f",
            layout=w.Layout(width="400px"),
        )
        self._title = w.HTML(title_html(f"{t('w_editor', lang)} — {j.title or j.id}"))
        self._status = w.HTML(status_html(""))
        self._undo_btn = button(t("w_undo", lang), "undo")
        self._redo_btn = button(t("w_redo", lang), "repeat")
        self._path_field = w.Text(
            value=str(self.path) if self.path else "",
            placeholder="journey.yaml",
            description=t("w_file", lang),
            layout=w.Layout(width="340px"),
        )
        self._save_btn = button(t("w_save", lang), "save")
        self._save_btn.button_style = "primary"
        toolbar = w.HBox([self._undo_btn, self._redo_btn, self._path_field, self._save_btn])

        self._steps = w.Select(options=[], rows=14, layout=w.Layout(width="320px"))
        self._add_btn = button(t("w_add_step", lang), "plus", width="104px")
        self._remove_btn = button(t("w_remove_step", lang), "trash", width="112px")
        self._up_btn = button("", "arrow-up", tooltip=t("w_move_up", lang), width="48px")
        self._down_btn = button("", "arrow-down", tooltip=t("w_move_down", lang), width="48px")
        step_tools = w.HBox([self._add_btn, self._remove_btn, self._up_btn, self._down_btn])
        left = w.VBox(
            [w.HTML(f"<b>{html.escape(t('steps', lang))}</b>"), self._steps, step_tools],
            layout=w.Layout(width="340px", margin="0 12px 0 0"),
        )

        wide = w.Layout(width="420px")
        self._stage = w.Dropdown(description=t("stage", lang), layout=wide)
        self._touchpoint = w.Dropdown(description=t("touchpoint", lang), layout=wide)
        self._action = w.Text(description=t("action", lang), continuous_update=False, layout=wide)
        self._expectation = w.FloatSlider(description=t("expectation", lang), **slider)
        self._experience = w.FloatSlider(description=t("experience", lang), **slider)
        self._expectation_set = w.Checkbox(description=t("w_set", lang), indent=False)
        self._experience_set = w.Checkbox(description=t("w_set", lang), indent=False)
        for cb in (self._expectation_set, self._experience_set):
            cb.layout = w.Layout(width="90px")
        self._emotion = w.Dropdown(
            options=self._emotion_options(), description=t("emotion", lang), layout=wide
        )
        self._notes = w.Textarea(
            description=t("viz_notes", lang), continuous_update=False, rows=2, layout=wide
        )
        self._pain = w.Textarea(
            description=t("pain_points", lang),
            placeholder=t("w_one_per_line", lang),
            continuous_update=False,
            rows=3,
            layout=wide,
        )
        self._opps = w.Textarea(
            description=t("opportunities", lang),
            placeholder=t("w_one_per_line", lang),
            continuous_update=False,
            rows=3,
            layout=wide,
        )
        for box in (self._stage, self._touchpoint, self._action, self._emotion):
            box.style = {"description_width": "110px"}
        for box in (self._expectation, self._experience, self._notes, self._pain, self._opps):
            box.style = {"description_width": "110px"}
        self._step_readout = w.HTML()
        self._expectation_why = w.HTML()
        self._experience_why = w.HTML()
        form = w.VBox(
            [
                self._stage,
                self._touchpoint,
                self._action,
                w.HBox([self._expectation, self._expectation_set]),
                self._expectation_why,
                w.HBox([self._experience, self._experience_set]),
                self._experience_why,
                self._emotion,
                self._step_readout,
                self._notes,
                self._pain,
                self._opps,
            ]
        )
        self._summary = w.HTML()
        self._problems = w.HTML()
        side = w.VBox([self._summary, self._problems], layout=w.Layout(width="360px"))
        self.chart = LiveChart("journey_map")
        self.ui = w.VBox(
            [
                self._title,
                toolbar,
                self._status,
                w.HBox([left, form, side]),
                self.chart.widget,
            ]
        )
        self.ui.add_class("cxkit-widget")
        self.ui.add_class("cxkit-journey-editor")
        self._widgets = [
            self._title,
            self._status,
            self._undo_btn,
            self._redo_btn,
            self._path_field,
            self._save_btn,
            self._steps,
            self._add_btn,
            self._remove_btn,
            self._up_btn,
            self._down_btn,
            self._stage,
            self._touchpoint,
            self._action,
            self._expectation,
            self._experience,
            self._expectation_set,
            self._experience_set,
            self._emotion,
            self._notes,
            self._pain,
            self._opps,
            self._step_readout,
            self._summary,
            self._problems,
            self.chart.widget,
            self.ui,
        ]

        # wiring: each control calls a public method
        on_click(self._undo_btn, self.undo)
        on_click(self._redo_btn, self.redo)
        on_click(self._save_btn, self._save_clicked)
        on_click(self._add_btn, self.add_step)
        on_click(self._remove_btn, self._remove_clicked)
        on_click(self._up_btn, self.move_up)
        on_click(self._down_btn, self.move_down)
        self._steps.observe(self._on_select, "value")
        self._observe(self._stage, "stage")
        self._observe(self._touchpoint, "touchpoint")
        self._observe(self._action, "action")
        self._observe(self._notes, "notes")
        self._observe(self._pain, "pain_points")
        self._observe(self._opps, "opportunities")
        self._observe(self._emotion, "emotion")
        self._expectation.observe(lambda _c: self._on_score("expectation"), "value")
        self._experience.observe(lambda _c: self._on_score("experience"), "value")
        self._expectation_set.observe(lambda _c: self._on_score("expectation"), "value")
        self._experience_set.observe(lambda _c: self._on_score("experience"), "value")

    def _observe(self, widget: Any, name: str) -> None:
        def handler(change: dict[str, Any]) -> None:
            if not self._syncing and self._journey.steps:
                self._guard(lambda: self.edit(**{name: change["new"]}))

        widget.observe(handler, "value")

    def _on_score(self, name: str) -> None:
        if self._syncing or not self._journey.steps:
            return
        slider = self._expectation if name == "expectation" else self._experience
        is_set = (self._expectation_set if name == "expectation" else self._experience_set).value
        slider.disabled = not is_set
        self._guard(lambda: self.edit(**{name: float(slider.value) if is_set else None}))
        self._show_lock(name)

    def _on_select(self, change: dict[str, Any]) -> None:
        if not self._syncing and change["new"] is not None:
            self.select(int(change["new"]))

    def _save_clicked(self) -> None:
        with contextlib.suppress(CxkitError):  # save() puts the reason in the status line
            self.save()

    def _remove_clicked(self) -> None:
        self._guard(self.remove_step)

    def _emotion_options(self) -> list[tuple[str, str]]:
        lang = self.lang
        options = [(t("w_emotion_auto", lang), _AUTO)]
        for e in Emotion:
            text = e.label(lang) if lang == "ja" else f"{e.label(lang)} · {e.label('ja')}"
            options.append((text, e.value))
        return options

    def _step_options(self) -> list[tuple[str, int]]:
        j = self._journey
        stages = {s.id: s.display for s in j.stages}
        out = []
        for i, s in enumerate(j.steps):
            text = s.action or s.id or s.touchpoint
            out.append((f"{i + 1}. [{stages.get(s.stage, s.stage)}] {text}", i))
        return out

    def _sync_form(self) -> None:
        """Show the journey and the selected step in the controls (no edit fires)."""
        j = self._journey
        lang = self.lang
        self._syncing = True
        try:
            options = self._step_options()
            if list(self._steps.options) != options:
                self._steps.options = options
            has = bool(j.steps)
            self._steps.value = self.selected if has else None
            stages = [(s.display, s.id) for s in j.stages]
            if list(self._stage.options) != stages:
                self._stage.options = stages
            touchpoints = [(touchpoint_option(j, tp.id, lang), tp.id) for tp in j.graph.touchpoints]
            if list(self._touchpoint.options) != touchpoints:
                self._touchpoint.options = touchpoints
            for control in self._form_controls():
                control.disabled = not has
            self._remove_btn.disabled = not has
            self._up_btn.disabled = not has or self.selected == 0
            self._down_btn.disabled = not has or self.selected >= len(j.steps) - 1
            if not has:
                self._step_readout.value = ""
                return
            s = j.steps[self.selected]
            if s.stage in [x.id for x in j.stages]:
                self._stage.value = s.stage
            if j.graph.has_touchpoint(s.touchpoint):
                self._touchpoint.value = s.touchpoint
            self._action.value = s.action
            for name, slider, box in (
                ("expectation", self._expectation, self._expectation_set),
                ("experience", self._experience, self._experience_set),
            ):
                value = getattr(s, name)
                box.value = value is not None
                slider.disabled = value is None
                ev = j.evaluate().steps[self.selected]
                shown = value if value is not None else getattr(ev, name)
                slider.value = float(shown) if shown is not None else 5.0
                self._show_lock(name)
            self._emotion.value = s.emotion.value if s.emotion is not None else _AUTO
            self._notes.value = s.notes or ""
            self._pain.value = "\n".join(s.pain_points)
            self._opps.value = "\n".join(s.opportunities)
            self._step_readout.value = self._step_html()
        finally:
            self._syncing = False

    def _form_controls(self) -> list[Any]:
        return [
            self._stage,
            self._touchpoint,
            self._action,
            self._expectation_set,
            self._experience_set,
            self._emotion,
            self._notes,
            self._pain,
            self._opps,
        ]

    def _show_lock(self, name: str) -> None:
        """Say why the ``name`` slider is locked (its value is derived), or nothing."""
        why = self._expectation_why if name == "expectation" else self._experience_why
        reason = lock_reason(self._journey, self.selected, name, self.lang)
        why.value = (
            '<div class="cxkit-lock-reason" style="font-size:12px;color:#555;'
            f'margin:0 0 4px 118px">🔒 {html.escape(reason)}</div>'
            if reason
            else ""
        )
        slider = self._expectation if name == "expectation" else self._experience
        slider.tooltip = reason or None

    def _step_html(self) -> str:
        lang = self.lang
        ev = self._journey.evaluate().steps[self.selected]
        emotion = ev.emotion.label(lang) if ev.emotion is not None else "—"
        if ev.emotion is not None and ev.emotion_source:
            emotion += f" ({t('viz_' + ev.emotion_source, lang)})"
        parts = [
            f"{t('expectation', lang)} {fmt_number(ev.expectation, 1)}",
            f"{t('experience', lang)} {fmt_number(ev.experience, 1)}",
            f"{t('disconfirmation', lang)} {fmt_number(ev.disconfirmation, 1, signed=True)}",
            f"{t('valence', lang)} {fmt_number(ev.valence, 1, signed=True)}",
            f"{t('emotion', lang)}: {emotion}",
        ]
        return (
            '<div class="cxkit-step-readout" style="font-size:12px;margin:2px 0 6px 118px">'
            + html.escape(" · ".join(parts))
            + "</div>"
        )

    def _summary_html(self) -> str:
        lang = self.lang
        ev = self._journey.evaluate()
        rows = [(t("steps", lang), str(len(self._journey.steps)))]
        if ev.aggregate is not None:
            a = ev.aggregate
            rows += [
                (t("peak_end", lang), fmt_number(a.peak_end, 2, signed=True)),
                (t("journey_emotion", lang), a.emotion.label(lang)),
                (t("csat", lang), str(a.csat5)),
                (t("nps", lang), str(a.nps10)),
            ]
        else:
            rows.append((t("journey_emotion", lang), "—"))
        rows.append((t("ces", lang), fmt_number(ev.effort.ces5, 2)))
        body = summary_rows_html(rows)
        return (
            '<div class="cxkit-box cxkit-summary">'
            f"<b>{html.escape(t('aggregates', lang))}</b>"
            f'<table style="font-size:12px">{body}</table></div>'
        )

    def _problems_html(self) -> str:
        lang = self.lang
        if not self.problems:
            return (
                '<div class="cxkit-box cxkit-problems" style="color:#1B7F3B;margin-top:6px">'
                f"✓ {html.escape(t('w_no_problems', lang))}</div>"
            )
        errors = [p for p in self.problems if p.severity == "error"]
        warnings = [p for p in self.problems if p.severity != "error"]
        items = []
        for p in (errors + warnings)[:15]:
            color = "#B3261E" if p.severity == "error" else "#A65E00"
            mark = "✖" if p.severity == "error" else "⚠"
            text = (f"{p.path}: " if p.path else "") + p.message
            items.append(f'<li style="color:{color}">{mark} {html.escape(text)}</li>')
        more = len(self.problems) - 15
        if more > 0:
            items.append(f"<li>… {more}</li>")
        head = t("w_problems", lang).format(errors=len(errors), warnings=len(warnings))
        return (
            '<div class="cxkit-box cxkit-problems" style="margin-top:6px">'
            f"<b>{html.escape(head)}</b>"
            f'<ul style="font-size:12px;margin:2px 0;padding-left:18px">{"".join(items)}</ul>'
            "</div>"
        )

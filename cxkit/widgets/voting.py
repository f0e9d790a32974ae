"""Dot voting on a journey's pain points and opportunities, with a session timer.

The votes feed :mod:`cxkit.roi.opportunity`'s score (customer value × business value
÷ effort), which proposes initiatives to a :class:`~cxkit.widgets.RoadmapPlanner`.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w

from cxkit.core._checks import whole_number
from cxkit.core.economics import Economics, Initiative
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.journey import Journey
from cxkit.core.suggest import unknown_message
from cxkit.widgets._common import (
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

__all__ = ["MAX_DOTS", "MAX_PARTICIPANTS", "DotVoting", "SessionTimer"]

#: The most dots one participant may hold (a vote is a scarce choice, not a survey).
MAX_DOTS = 20
#: The most participants of one session.
MAX_PARTICIPANTS = 50
_MAX_NAME = 40


class SessionTimer:
    """A start/pause/reset stopwatch, optionally counting down from ``seconds``.

    ``clock`` (default :func:`time.monotonic`) is injectable for tests.

    >>> now = [0.0]
    >>> tm = SessionTimer(300, clock=lambda: now[0])
    >>> tm.start()
    >>> now[0] = 75.4
    >>> tm.text()
    '03:45'
    >>> tm.pause()
    >>> now[0] = 500
    >>> tm.text(), tm.running
    ('03:45', False)
    >>> tm.reset()
    >>> tm.text()
    '05:00'
    """

    def __init__(self, seconds: float | None = None, *, clock: Callable[[], float] | None = None):
        self.duration = seconds
        self._clock = clock or time.monotonic
        self._spent = 0.0
        self._since: float | None = None

    @property
    def running(self) -> bool:
        """Whether the timer runs."""
        return self._since is not None

    def elapsed(self) -> float:
        """Seconds run so far (pauses excluded)."""
        extra = self._clock() - self._since if self._since is not None else 0.0
        return self._spent + extra

    def start(self) -> None:
        """Start or resume."""
        if self._since is None:
            self._since = self._clock()

    def pause(self) -> None:
        """Pause (keeps the time run so far)."""
        if self._since is not None:
            self._spent += self._clock() - self._since
            self._since = None

    def reset(self) -> None:
        """Stop and go back to zero (or to the full countdown)."""
        self._spent, self._since = 0.0, None

    def text(self) -> str:
        """``mm:ss``: the time left of a countdown (never below 0), else the time run."""
        s = self.elapsed()
        if self.duration is not None:
            s = max(0.0, self.duration - s)
        s = int(s + 0.5) if self.duration is not None else int(s)
        return f"{s // 60:02d}:{s % 60:02d}"


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > _MAX_NAME:
        raise CxkitError(
            f"a participant's name must be text of 1 to {_MAX_NAME} characters, got "
            f"{format_value(name)}"
        )
    return name.strip()


class DotVoting(WorkshopWidget):
    """Dot voting on the journey's pain points and opportunities, with a session timer.

    Every participant (names typed in) holds ``dots`` dots and puts them on the
    cards (a card may take several); the votes give each initiative an
    **opportunity score** — customer value × business value ÷ effort, the rule of
    :mod:`cxkit.roi.opportunity` — and the best ones are **proposed** to a linked
    :class:`~cxkit.widgets.RoadmapPlanner` (``RoadmapPlanner(..., proposals=voting)``).

    Parameters
    ----------
    journey
        A journey (or a template name or a path) with pain points or opportunities.
    initiatives
        Initiatives or ids of the journey's own; default ``journey.initiatives``. A
        linked planner's initiatives and valuation replace them.
    dots
        Dots per participant, 1 to 20 (default 3).
    participants
        Names to start with (more can be typed in).
    minutes
        Length of the session timer (a countdown); ``None`` counts up.
    n_proposals
        Most initiatives proposed (default 3).
    seed, n_sims, economics
        For valuing the initiatives when no planner is linked.
    lang
        Language of the labels; default the journey's language.

    Examples
    --------
    >>> import cxkit as cx
    >>> v = DotVoting(cx.load_journey("complaint_recovery_ja"), participants=["Aoi"], n_sims=200)
    >>> v.vote("Aoi", "call_again:pain:0", 2)
    >>> v.votes()["call_again:pain:0"], v.remaining("Aoi")
    (2, 1)
    >>> v.proposals()[0]
    'empowerment'
    >>> v.close()
    """

    def __init__(
        self,
        journey: Journey | str,
        initiatives: Sequence[Initiative | str] | None = None,
        *,
        dots: int = 3,
        participants: Sequence[str] = (),
        minutes: float | None = 10,
        n_proposals: int = 3,
        seed: int = 1,
        n_sims: int = 2000,
        economics: Economics | None = None,
        lang: str | None = None,
    ) -> None:
        from cxkit.roi.evaluate import _resolve_initiatives
        from cxkit.roi.opportunity import cards

        journey = check_journey(journey)
        self.journey = journey
        self.lang = resolve_lang(lang, journey)
        self.dots = whole_number(dots, "dots", 1)
        if self.dots > MAX_DOTS:
            raise CxkitError(f"`dots` must be 1 to {MAX_DOTS} per participant, got {dots}")
        self.n_proposals = whole_number(n_proposals, "n_proposals", 1)
        self.initiatives = tuple(_resolve_initiatives(journey, initiatives))
        self.economics = economics
        self.seed, self.n_sims = seed, n_sims
        self.cards = cards(journey)
        if not self.cards:
            raise CxkitError(
                f"journey {journey.id!r} has no pain points or opportunities to vote on: add "
                "'pain_points:' or 'opportunities:' to its steps"
            )
        self.ballots: dict[str, dict[str, int]] = {}
        self.timer = SessionTimer(None if minutes is None else float(minutes) * 60)
        self.vote_timer = Timer()
        self.status = ""
        self._npv: dict[str, float] | None = None
        self._targets: dict[str, set[str]] | None = None
        self._planners: list[Any] = []
        self._build()
        for name in participants:
            self.add_participant(name)
        self._refresh()

    # -- public --------------------------------------------------------------------------
    @property
    def participants(self) -> tuple[str, ...]:
        """The participants' names, in the order added."""
        return tuple(self.ballots)

    def add_participant(self, name: str) -> None:
        """Add a participant holding :attr:`dots` dots."""
        name = _check_name(name)
        if name in self.ballots:
            raise CxkitError(f"participant {name!r} is already in the session")
        if len(self.ballots) >= MAX_PARTICIPANTS:
            raise CxkitError(f"a session holds at most {MAX_PARTICIPANTS} participants")
        self.ballots[name] = {}
        self._who.options = list(self.ballots)
        self._who.value = name
        self._refresh()

    def remaining(self, name: str) -> int:
        """Dots ``name`` has not placed yet."""
        return self.dots - sum(self._ballot(name).values())

    def votes(self) -> dict[str, int]:
        """``{card id: dots}`` over every participant (cards with no dot are 0)."""
        out = {c.id: 0 for c in self.cards}
        for ballot in self.ballots.values():
            for cid, n in ballot.items():
                out[cid] += n
        return out

    def vote(self, name: str, card_id: str, n: int = 1) -> None:
        """Put ``n`` dots of ``name`` on a card; ``n < 0`` takes dots back."""
        ballot = self._ballot(name)
        self._card(card_id)
        if isinstance(n, bool) or not isinstance(n, int) or n == 0:
            raise CxkitError(f"`n` must be a non-zero whole number of dots, got {format_value(n)}")
        have = ballot.get(card_id, 0)
        if n > 0 and n > self.remaining(name):
            raise CxkitError(t("w_vote_no_dots", self.lang).format(name=name, dots=self.dots))
        if have + n < 0:
            raise CxkitError(f"{name!r} has only {have} dot(s) on {card_id!r}, cannot take {-n}")
        with self.vote_timer:
            ballot[card_id] = have + n
            if ballot[card_id] == 0:
                del ballot[card_id]
            self._refresh(card_id)

    def scores(self) -> list[Any]:
        """:class:`~cxkit.roi.opportunity.Scored` per initiative, best first."""
        from cxkit.roi.opportunity import opportunity_scores, targeted_steps

        if self._npv is None:
            self._value()
        if self._targets is None:
            self._targets = {i.id: targeted_steps(self.journey, i) for i in self.initiatives}
        return opportunity_scores(
            self.journey,
            self.initiatives,
            self._npv or {},
            self.votes(),
            deck=self.cards,
            targets=self._targets,
        )

    def proposals(self) -> tuple[str, ...]:
        """Ids of the initiatives with a positive score, best first (at most ``n_proposals``)."""
        return tuple(s.id for s in self.scores() if s.score > 0)[: self.n_proposals]

    def link(self, planner: Any) -> None:
        """Propose to ``planner`` (a RoadmapPlanner) on every vote; use its valuation."""
        self.initiatives = tuple(planner.initiatives)
        self._npv = {r.id: r.npv_risk_adjusted.p50 for r in planner.evaluation.initiatives}
        self._targets = None
        self._planners.append(planner)
        self._refresh()

    # -- internals -----------------------------------------------------------------------
    def _ballot(self, name: str) -> dict[str, int]:
        if name not in self.ballots:
            raise CxkitError(unknown_message("participant", name, list(self.ballots)))
        return self.ballots[name]

    def _card(self, card_id: str) -> Any:
        for c in self.cards:
            if c.id == card_id:
                return c
        raise CxkitError(unknown_message("card", card_id, [c.id for c in self.cards]))

    def _value(self) -> None:
        from cxkit.roi import evaluate

        econ = self.economics or self.journey.economics
        if econ is None or not self.initiatives:
            self._npv = {}
            return
        ev = evaluate(
            self.journey, list(self.initiatives), economics=econ, n_sims=self.n_sims, seed=self.seed
        )
        self._npv = {r.id: r.npv_risk_adjusted.p50 for r in ev.initiatives}

    def _refresh(self, card_id: str | None = None) -> None:
        votes = self.votes()
        for cid, lbl in self._counts.items():
            if card_id is None or cid == card_id:
                lbl.value = self._count_html(votes[cid])
        self._dots_left.value = self._left_html()
        scores = self.scores()
        self._scores.value = self._scores_html(scores)
        proposed = tuple(s.id for s in scores if s.score > 0)[: self.n_proposals]
        self._proposals.value = self._proposals_html(proposed)
        for planner in self._planners:
            planner.propose(proposed)

    def _count_html(self, n: int) -> str:
        dots = "●" * min(n, 12)
        return f'<span class="cxkit-vote-count" data-votes="{n}">{dots} {n}</span>'

    def _left_html(self) -> str:
        lang = self.lang
        rows = [[name, self.remaining(name)] for name in self.ballots]
        header = [t("w_vote_participant", lang), t("w_vote_dots_left", lang)]
        return html_table(header, rows, css_class="cxkit-table cxkit-dots-left")

    def _scores_html(self, scores: Sequence[Any]) -> str:
        lang = self.lang
        names = {i.id: i.label or i.id for i in self.initiatives}
        rows = [
            [
                names.get(s.id, s.id),
                fmt_number(s.customer_value, 2),
                fmt_number(s.business_value, 2),
                fmt_number(s.effort, 2),
                fmt_number(s.score, 2),
            ]
            for s in scores
            if s.customer_value > 0
        ]
        header = [
            t("roi_initiative", lang),
            t("w_vote_customer_value", lang),
            t("w_vote_business_value", lang),
            t("w_vote_effort", lang),
            t("w_vote_score", lang),
        ]
        return f"<b>{html.escape(t('w_vote_scores', lang))}</b>" + html_table(
            header, rows, css_class="cxkit-table cxkit-opportunity-scores"
        )

    def _proposals_html(self, proposed: Sequence[str]) -> str:
        names = {i.id: i.label or i.id for i in self.initiatives}
        sep = "、" if self.lang == "ja" else ", "
        text = sep.join(names.get(i, i) for i in proposed) or "—"
        return (
            '<div class="cxkit-proposals" style="font-size:12px">'
            f"<b>{html.escape(t('roi_proposed', self.lang))}:</b> {html.escape(text)}</div>"
        )

    def _build(self) -> None:
        lang = self.lang
        j = self.journey
        self._title = w.HTML(title_html(f"{t('w_vote_title', lang)} — {j.title or j.id}"))
        self._status = w.HTML(status_html(""))
        self._name = w.Text(placeholder=t("w_vote_name", lang), layout=w.Layout(width="180px"))
        self._add = button(t("w_vote_add", lang), "user-plus")
        self._who = w.Dropdown(options=[], description=t("w_vote_as", lang))
        self._dots_left = w.HTML()
        self._clock = w.HTML()
        self._tick = w.Play(interval=1000, max=10**6, show_repeat=False, layout={"display": "none"})
        self._start = button(t("w_vote_timer_start", lang), "play")
        self._pause = button(t("w_vote_timer_pause", lang), "pause")
        self._reset = button(t("w_vote_timer_reset", lang), "undo")
        self._counts: dict[str, Any] = {}
        self._buttons: list[Any] = []
        boxes = [self._card_box(c) for c in self.cards]
        self._scores = w.HTML()
        self._proposals = w.HTML()
        timer = w.HBox([self._clock, self._start, self._pause, self._reset, self._tick])
        people = w.HBox([self._name, self._add, self._who])
        self.ui = w.VBox(
            [
                self._title,
                self._status,
                timer,
                people,
                self._dots_left,
                w.HBox(boxes, layout=w.Layout(flex_flow="row wrap")),
                self._scores,
                self._proposals,
            ]
        )
        self.ui.add_class("cxkit-widget")
        self.ui.add_class("cxkit-dot-voting")
        self._widgets = [
            *(x for b in boxes for x in (*b.children, b)),
            self._title, self._status, self._name, self._add, self._who, self._dots_left,
            self._clock, self._tick, self._start, self._pause, self._reset, self._scores,
            self._proposals, timer, people, self.ui,
        ]  # fmt: skip
        on_click(self._add, lambda: self._guard(self._add_typed))
        on_click(self._start, lambda: self._timer_do(self.timer.start))
        on_click(self._pause, lambda: self._timer_do(self.timer.pause))
        on_click(self._reset, lambda: self._timer_do(self.timer.reset))
        self._tick.observe(lambda _c: self._show_clock(), "value")
        self._show_clock()

    def _card_box(self, card: Any) -> Any:
        lang = self.lang
        step = next(s for s in self.journey.steps if s.id == card.step)
        kind = t("w_vote_pain" if card.kind == "pain" else "w_vote_opportunity", lang)
        head = w.HTML(
            f'<div style="font-size:11px;color:#555">{html.escape(kind)} · '
            f"{html.escape(step.action or step.id)}</div>"
            f'<div style="font-size:13px">{html.escape(card.text)}</div>'
        )
        count = w.HTML(self._count_html(0))
        plus = button("+1", "plus", width="56px", tooltip=t("w_vote_plus", lang))
        minus = button("−1", "minus", width="56px", tooltip=t("w_vote_minus", lang))
        plus.add_class("cxkit-vote-plus")
        minus.add_class("cxkit-vote-minus")
        on_click(plus, lambda c=card.id: self._guard(self._vote_as, c, 1))
        on_click(minus, lambda c=card.id: self._guard(self._vote_as, c, -1))
        self._counts[card.id] = count
        box = w.VBox(
            [head, w.HBox([count, plus, minus])],
            layout=w.Layout(width="230px", border="1px solid #DDD", padding="4px", margin="3px"),
        )
        box.add_class("cxkit-vote-card")
        box.add_class(f"cxkit-card-{card.id.replace(':', '-')}")
        return box

    def _add_typed(self) -> None:
        self.add_participant(self._name.value)
        self._name.value = ""
        self._set_status(t("w_vote_added", self.lang).format(name=self._who.value), "ok")

    def _vote_as(self, card_id: str, n: int) -> None:
        if self._who.value is None:
            raise CxkitError(t("w_vote_need_name", self.lang))
        self.vote(self._who.value, card_id, n)
        self._set_status("", "info")

    def _timer_do(self, action: Callable[[], None]) -> None:
        action()
        self._tick.playing = self.timer.running
        self._show_clock()

    def _show_clock(self) -> None:
        done = self.timer.duration is not None and self.timer.text() == "00:00"
        color = "#B3261E" if done else "#222"
        self._clock.value = (
            f'<span class="cxkit-timer" style="font:600 20px monospace;color:{color};'
            f'padding:0 8px">{self.timer.text()}</span>'
        )

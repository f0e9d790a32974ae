"""What the event generator needs beyond the walk: the designed experience per touchpoint.

The walk itself — call reasons, starts, moves, context losses, waits, the remainder
and ``max_steps`` rules — is the Monte Carlo engine's: the generator runs
:class:`cxkit.sim._walk.Walker` on the compiled journey
(:func:`cxkit.core.compiled.compile_journey`). This module adds only what the
generator records beyond it: the designed disconfirmation of each touchpoint (per
call reason), the touchpoints whose experience is their wait, and the designed wait
of each touchpoint (the mean wait of an arrival whose hand-off gives none).

Anything a journey built from core objects could get wrong raises
:class:`~cxkit.core.errors.SimulationError` naming the field, the value received and
what was expected (from the compiler, which checks it once).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cxkit.core.compiled import (
    CompiledJourney,
    StartTable,
    compile_journey,
    experience_tables,
    start_table,
)
from cxkit.core.journey import Journey
from cxkit.core.model import Emotion

__all__ = ["GeneratorTables", "generator_tables"]


@dataclass(frozen=True, eq=False)
class GeneratorTables:
    """One journey, compiled for the event generator.

    Attributes
    ----------
    arrays, starts
        The compiled chain and the call-reason mix with its start distributions.
    designed_wait
        Per touchpoint: the mean wait of its designed steps (s; 0 without one).
    disconfirmation
        ``D[c, i]``: designed disconfirmation at touchpoint ``i`` for reason ``c``
        (NaN where nothing is known).
    wait_driven
        Touchpoints whose designed experience comes from the wait alone.
    expectation
        ``E[c, i]`` (points), used by the ``β_P`` term of the valence.
    expected_wait
        ``W_exp`` per reason (s).
    """

    arrays: CompiledJourney
    starts: StartTable
    designed_wait: NDArray[np.float64]
    disconfirmation: NDArray[np.float64]
    wait_driven: NDArray[np.bool_]
    expectation: NDArray[np.float64]
    expected_wait: NDArray[np.float64]

    @property
    def edge_wait(self) -> NDArray[np.float64]:
        """Mean wait of each move: the hand-off's ``wait_s``, else the target's designed wait."""
        a = self.arrays
        into = a.target < a.n
        designed = np.where(into, self.designed_wait[np.minimum(a.target, a.n - 1)], 0.0)
        return np.where(a.wait_s > 0, a.wait_s, designed)


def _emotion_centre(emotion: Emotion, tau_minus: float, tau_plus: float) -> float:
    """A disconfirmation inside the class of an explicit emotion annotation."""
    if emotion is Emotion.DISSATISFIED:
        return -(tau_minus + 1.0)
    if emotion is Emotion.DELIGHTED:
        return tau_plus + 1.0
    return 0.0


def generator_tables(journey: Journey) -> GeneratorTables:
    """Compile ``journey`` for the event generator.

    Raises
    ------
    SimulationError
        When a hand-off, a start distribution, a call-reason mix or the remainder
        rule is unusable, naming it.

    Examples
    --------
    >>> import cxkit as cx
    >>> t = generator_tables(cx.load_journey("billing_inquiry"))
    >>> t.arrays.touchpoint_ids, t.designed_wait.tolist()  # the queue's designed 180 s
    (('web_faq', 'phone_queue', 'agent'), [0.0, 180.0, 0.0])
    >>> t.disconfirmation.tolist(), t.wait_driven.tolist()
    ([[-2.0, -3.0, 1.5]], [False, True, False])
    """
    g = journey.graph
    ep = journey.params.emotion
    arrays = compile_journey(journey)
    starts = start_table(journey)
    evaluation = journey.evaluate()
    experience = experience_tables(journey, starts, evaluation=evaluation)
    tp_ids = arrays.touchpoint_ids
    n = arrays.n
    index = {t: i for i, t in enumerate(tp_ids)}

    # designed disconfirmation per call reason and touchpoint
    reason_ids = starts.reasons
    n_c = len(reason_ids)
    d_sum = np.zeros((n_c, n))
    d_cnt = np.zeros((n_c, n))
    step_wait_sum = np.zeros(n)
    step_wait_cnt = np.zeros(n)
    wait_steps = np.zeros(n)
    valued_steps = np.zeros(n)
    for ev in evaluation.steps:
        s = ev.step
        i = index.get(s.touchpoint)
        if i is None:
            continue
        if s.wait_s is not None:
            step_wait_sum[i] += float(s.wait_s)
            step_wait_cnt[i] += 1
        if ev.disconfirmation is not None:
            d = ev.disconfirmation
            valued_steps[i] += 1
            if s.experience is None and s.wait_s is not None:
                wait_steps[i] += 1
        elif ev.emotion is not None:
            d = _emotion_centre(ev.emotion, ep.tau_minus, ep.tau_plus)
        else:
            continue
        rows = (
            [reason_ids.index(s.call_reason)]
            if s.call_reason in reason_ids and n_c > 1
            else list(range(n_c))
        )
        for c in rows:
            d_sum[c, i] += d
            d_cnt[c, i] += 1
    # a reason without its own designed steps at a touchpoint borrows the others'
    all_sum, all_cnt = d_sum.sum(axis=0), d_cnt.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_own = d_sum / d_cnt
        d_all = all_sum / all_cnt
    disconf = np.where(d_cnt > 0, d_own, np.broadcast_to(d_all, d_own.shape))
    for c, r in enumerate(g.call_reasons):
        for tp in r.expectations:
            i = index.get(tp)
            if i is not None and np.isnan(disconf[c, i]):
                disconf[c, i] = 0.0  # P0 = E: the touchpoint meets expectation
    wait_driven = (valued_steps > 0) & (wait_steps == valued_steps)
    with np.errstate(invalid="ignore", divide="ignore"):
        tp_wait = np.where(step_wait_cnt > 0, step_wait_sum / step_wait_cnt, 0.0)
    return GeneratorTables(
        arrays=arrays,
        starts=starts,
        designed_wait=tp_wait,
        disconfirmation=disconf,
        wait_driven=wait_driven,
        expectation=experience.expectation,
        expected_wait=experience.expected_wait_s,
    )

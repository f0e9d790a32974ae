"""Pages of a long journey map: whole stages per page, so that every page reads at print size.

A client map of 15–40 steps drawn as one strip is too small to read on a slide or on
paper. Every paged output — the PNG, SVG and PDF map, the PowerPoint deck and the HTML
page navigation — splits the steps with :func:`stage_pages`, so that they all agree on
what is on page 2. Steps are taken in map order (by stage order, then by step order);
a page holds whole stages while they fit, and a stage longer than a page is split over
consecutive pages, each part marked as continued.

Examples
--------
>>> import cxkit as cx
>>> j = cx.load_journey("complaint_recovery_ja")
>>> [len(p.steps) for p in stage_pages(j, max_steps=6)]
[6, 6, 2]
>>> stage_pages(j, max_steps=6)[1].stages
('escalation', 'recovery')
"""

from __future__ import annotations

from dataclasses import dataclass

from cxkit.core.errors import CxkitError
from cxkit.core.journey import Journey

__all__ = ["StagePage", "map_order", "stage_pages"]

_MAX_STEPS_PER_PAGE = 60


@dataclass(frozen=True)
class StagePage:
    """One page of a paged journey map.

    Attributes
    ----------
    number
        1-based page number.
    stages
        The stage ids on the page, in map order.
    steps
        Positions of the page's steps in the journey's ``steps`` tuple, in map order.
    continued_from_previous, continues_on_next
        The first (last) stage of the page began on the previous (goes on to the next) page.
    """

    number: int
    stages: tuple[str, ...]
    steps: tuple[int, ...]
    continued_from_previous: bool = False
    continues_on_next: bool = False


def map_order(journey: Journey) -> list[int]:
    """Positions of the journey's steps in map order: by stage order, then step order.

    Steps on a stage that is not declared come last, in step order.

    Examples
    --------
    >>> import cxkit as cx
    >>> map_order(cx.load_journey("billing_inquiry"))
    [0, 1, 2, 3]
    """
    rank = {st.id: i for i, st in enumerate(journey.stages)}
    return sorted(
        range(len(journey.steps)), key=lambda i: rank.get(journey.steps[i].stage, len(rank))
    )


def stage_pages(journey: Journey, max_steps: int) -> list[StagePage]:
    """Split the journey's steps into pages of at most ``max_steps`` steps, by whole stages.

    Stages are packed onto a page while they fit; a stage with more than ``max_steps``
    steps is split over pages of ``max_steps`` (its parts are marked continued). A
    journey without steps has one empty page.

    Parameters
    ----------
    journey
        The journey.
    max_steps
        Most steps on one page, 1–60.

    Examples
    --------
    >>> import cxkit as cx
    >>> pages = stage_pages(cx.data.long_journey(40, seed=1), max_steps=8)
    >>> [len(p.steps) for p in pages], pages[0].stages
    ([5, 5, 5, 5, 5, 5, 5, 5], ('aware',))
    >>> [p.number for p in stage_pages(cx.load_journey("billing_inquiry"), 20)]
    [1]
    """
    if isinstance(max_steps, bool) or not isinstance(max_steps, int):
        raise CxkitError(f"`max_steps` must be a whole number of steps, got {max_steps!r}")
    if not 1 <= max_steps <= _MAX_STEPS_PER_PAGE:
        raise CxkitError(
            f"`max_steps` must be between 1 and {_MAX_STEPS_PER_PAGE}, got {max_steps}"
        )
    runs = _stage_runs(journey)
    pages: list[StagePage] = []
    current: list[tuple[str, list[int], bool, bool]] = []  # (stage, steps, from_prev, to_next)
    for stage, steps in runs:
        chunks = [steps[k : k + max_steps] for k in range(0, len(steps), max_steps)]
        for c, chunk in enumerate(chunks):
            part = (stage, chunk, c > 0, c < len(chunks) - 1)
            if current and sum(len(s) for _, s, _, _ in current) + len(chunk) > max_steps:
                pages.append(_page(len(pages) + 1, current))
                current = []
            current.append(part)
    if current or not pages:
        pages.append(_page(len(pages) + 1, current))
    return pages


def _stage_runs(journey: Journey) -> list[tuple[str, list[int]]]:
    """Consecutive runs of map-ordered steps on the same stage."""
    runs: list[tuple[str, list[int]]] = []
    for i in map_order(journey):
        stage = journey.steps[i].stage
        if runs and runs[-1][0] == stage:
            runs[-1][1].append(i)
        else:
            runs.append((stage, [i]))
    return runs


def _page(number: int, parts: list[tuple[str, list[int], bool, bool]]) -> StagePage:
    return StagePage(
        number=number,
        stages=tuple(dict.fromkeys(stage for stage, _, _, _ in parts)),
        steps=tuple(i for _, steps, _, _ in parts for i in steps),
        continued_from_previous=bool(parts) and parts[0][2],
        continues_on_next=bool(parts) and parts[-1][3],
    )

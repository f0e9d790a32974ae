"""SpecCache: the fast spec is exactly the spec altair builds, or the full build is used."""

from __future__ import annotations

import random

import altair as alt
import pytest

import cxkit as cx
import cxkit.viz
import cxkit.viz.journey as viz_journey
from cxkit.data import random_journey
from cxkit.sim import exact
from cxkit.viz._fastspec import SpecCache


def full(journey, **kwargs):
    return cxkit.viz.journey_map(journey, **kwargs).to_dict(validate=False)


@pytest.mark.parametrize("name", ["billing_inquiry", "complaint_recovery_ja", "retail_omnichannel"])
def test_score_edit_takes_the_fast_path_and_equals_the_full_build(name):
    j = cx.load_journey(name)
    cache = SpecCache("journey_map")
    first = cache.spec(j)
    assert (first.path, first.reason) == ("full", "first build")
    assert first.spec == full(j)
    i = next(k for k, s in enumerate(j.steps) if s.experience is not None)
    edited = j.with_step(i, experience=0.0 if j.steps[i].experience > 5 else 10.0)
    update = cache.spec(edited)
    assert update.path == "fast", update.reason
    assert update.spec == full(edited)
    assert update.spec != first.spec  # the data did change


def _random_edit(j, rng):
    """One editor-like change of ``j``: a score, or adding / removing / moving a step."""
    kind = rng.choice(["score", "add", "remove", "move"])
    n = len(j.steps)
    if kind == "score":
        return kind, j.with_step(
            rng.randrange(n),
            expectation=float(rng.randint(0, 10)),
            experience=float(rng.randint(0, 10)),
            emotion=rng.choice([None, "delighted", "dissatisfied"]),
        )
    if kind == "add":  # as JourneyEditor adds: the selected step's stage/touchpoint, no scores
        base = j.steps[rng.randrange(n)]
        step = cx.Step(stage=base.stage, touchpoint=base.touchpoint, action="")
        return kind, j.add_step(step, rng.randrange(n + 1))
    if kind == "remove":
        return kind, j.remove_step(rng.randrange(n))
    return kind, j.move_step(rng.randrange(n), rng.randrange(n))


def test_random_edits_of_a_50_step_journey_always_equal_the_full_build():
    j = random_journey(50, seed=1)
    assert len(j.steps) == 50
    cache = SpecCache("journey_map", viz_journey)
    cache.spec(j, lang="en")
    rng = random.Random(7)
    done = []
    for _ in range(16):
        kind, j = _random_edit(j, rng)
        update = cache.spec(j, lang="en")
        done.append((kind, len(j.steps), update.path, update.reason))
        assert update.spec == full(j, lang="en"), done[-1]
    kinds = {kind for kind, *_ in done}
    assert kinds == {"score", "add", "remove", "move"}, done
    # every edit, structural ones included, took the fast path
    assert [d for d in done if d[2] != "fast"] == [], done


@pytest.mark.parametrize("name", ["billing_inquiry", "complaint_recovery_ja", "retail_omnichannel"])
def test_adding_removing_and_moving_steps_is_fast_on_every_template(name):
    j = cx.load_journey(name)
    cache = SpecCache("journey_map")
    cache.spec(j)
    widths = []
    for edited in (
        j.add_step(cx.Step(stage=j.steps[0].stage, touchpoint=j.steps[0].touchpoint), 1),
        j.remove_step(0),
        j.move_step(0, len(j.steps) - 1),
    ):
        update = cache.spec(edited)
        assert update.path == "fast", update.reason
        assert update.spec == full(edited)
        widths.append(update.spec["vconcat"][0]["width"])
    n = len(j.steps)
    # the map is 150 px per step, at least 480: the patched widths are the new ones
    assert widths == [max(480, 150 * (n + 1)), max(480, 150 * (n - 1)), max(480, 150 * n)]


def test_a_structural_change_falls_back_to_the_full_build():
    j = cx.load_journey("billing_inquiry")
    cache = SpecCache("journey_map")
    cache.spec(j)
    empty = j
    while empty.steps:  # no steps: a message instead of the map, another structure
        empty = empty.remove_step(0)
    update = cache.spec(empty)
    assert update.path == "full"
    assert update.reason  # says why
    assert update.spec == full(empty)
    one = empty.add_step(j.steps[0])  # back to a map: full again…
    assert cache.spec(one).path == "full"
    # …and the next edit is fast again, on the new structure
    again = cache.spec(one.with_step(0, experience=1.0))
    assert again.path == "fast"
    assert again.spec == full(one.with_step(0, experience=1.0))


def test_frames_that_were_equal_may_differ_later():
    # no pain points and no opportunities: both badge layers get the same empty dataset
    j = random_journey(8, seed=2)
    for i in range(len(j.steps)):
        j = j.with_step(i, pain_points=[], opportunities=[])
    cache = SpecCache("journey_map")
    first = cache.spec(j, lang="en")
    edited = j.with_step(3, pain_points=["the form times out"])
    update = cache.spec(edited, lang="en")
    assert update.path == "fast", update.reason
    assert update.spec == full(edited, lang="en")
    assert len(update.spec["datasets"]) > len(first.spec["datasets"])


def test_a_size_altair_moves_elsewhere_is_not_patched():
    import types

    import polars as pl

    module = types.ModuleType("moved_width")
    module.alt = alt
    module.apply_theme = cxkit.viz.apply_theme
    module.pl = pl
    exec(  # altair moves a layered chart's width to the layer
        "def chart(n):\n"
        "    frame = pl.DataFrame({'x': list(range(n))})\n"
        "    inner = alt.Chart(frame).mark_point().encode(x='x:Q').properties(width=100 * n)\n"
        "    return apply_theme(alt.layer(inner))\n",
        module.__dict__,
    )
    cache = SpecCache("chart", module)
    cache.spec(2)
    assert cache.spec(2).path == "fast"  # same data: nothing to patch
    update = cache.spec(3)
    assert update.path == "full" and "properties" in update.reason
    assert update.spec["width"] == 300


def test_languages_are_cached_apart():
    j = cx.load_journey("billing_inquiry")
    cache = SpecCache("journey_map")
    en = cache.spec(j, lang="en")
    ja = cache.spec(j, lang="ja")
    assert ja.path == "full" and ja.spec == full(j, lang="ja") and ja.spec != en.spec


def test_module_globals_are_restored_and_errors_come_from_the_real_function():
    cache = SpecCache("journey_map")
    with pytest.raises(cx.CxkitError, match="journey"):
        cache.spec("not a journey")
    assert viz_journey.alt is alt
    assert viz_journey.apply_theme is cxkit.viz.apply_theme


def test_simulation_charts_take_the_fast_path_too():
    j = cx.load_journey("billing_inquiry")
    base = exact(j)
    cache = SpecCache("what_if", "cxkit.viz.simulation")
    cache.spec(base, exact(j))
    for k in (0.0, 0.5, 1.0):
        other = exact(j.with_handoff("web_faq", "phone_queue", context_carryover=k))
        update = cache.spec(base, other)
        assert update.path == "fast", update.reason
        assert update.spec == cxkit.viz.what_if(base, other).to_dict(validate=False)


def test_a_function_that_runs_differently_under_the_recorder_gets_no_fast_path():
    import types

    import polars as pl

    module = types.ModuleType("tricky_charts")
    module.alt = alt
    module.apply_theme = cxkit.viz.apply_theme
    module.pl = pl
    exec(  # a chart module made up for the test
        "def chart(values):\n"
        "    frame = pl.DataFrame({'x': values})\n"
        "    try:\n"
        "        real = isinstance(frame, alt.TopLevelMixin) or True  # fails on the recorder\n"
        "    except TypeError:\n"
        "        real = False\n"
        "    if not real:\n"
        "        frame = pl.DataFrame({'x': [0]})\n"
        "    return alt.Chart(frame).mark_point().encode(x='x:Q')\n",
        module.__dict__,
    )
    cache = SpecCache("chart", module)
    first = cache.spec([1, 2])
    assert first.path == "full" and "no fast path" in first.reason
    second = cache.spec([3, 4])
    assert second.path == "full"
    assert second.spec == module.chart([3, 4]).to_dict(validate=False)


def test_plain_frames_are_written_as_altair_writes_them():
    import datetime as dt

    import polars as pl
    from altair.vegalite.v6.api import _prepare_data

    from cxkit.viz._fastspec import _plain_values

    plain = pl.DataFrame(
        {"s": ["a", None, "感動"], "f": [0.1, None, 2.0], "i": [1, 2, 3], "b": [True, False, None]}
    )
    context: dict = {}
    name = _prepare_data(plain, context).to_dict()["name"]
    assert _plain_values(plain) == context["datasets"][name]
    assert _plain_values(plain)[1] == {"s": None, "f": None, "i": 2, "b": False}
    # dates are rewritten by altair: left to it
    assert _plain_values(pl.DataFrame({"d": [dt.date(2026, 1, 1)]})) is None
    assert _plain_values(pl.DataFrame({"x": list(range(5001))})) is None  # altair's row limit
    assert _plain_values({"values": [{"x": 1}]}) is None

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
from cxkit.widgets._fastspec import SpecCache


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


def test_random_edits_of_a_50_step_journey_always_equal_the_full_build():
    j = random_journey(50, seed=1)
    assert len(j.steps) == 50
    cache = SpecCache("journey_map", viz_journey)
    cache.spec(j, lang="en")
    rng = random.Random(7)
    paths = []
    for _ in range(6):
        i = rng.randrange(50)
        j = j.with_step(
            i,
            expectation=float(rng.randint(0, 10)),
            experience=float(rng.randint(0, 10)),
            emotion=rng.choice([None, "delighted", "dissatisfied"]),
        )
        update = cache.spec(j, lang="en")
        paths.append(update.path)
        assert update.spec == full(j, lang="en")
    assert paths.count("fast") >= 5, paths


def test_a_structural_change_falls_back_to_the_full_build():
    j = cx.load_journey("billing_inquiry")
    cache = SpecCache("journey_map")
    cache.spec(j)
    longer = j.add_step(cx.Step(stage=j.steps[0].stage, touchpoint=j.steps[0].touchpoint))
    update = cache.spec(longer)
    assert update.path == "full"
    assert update.reason  # says why
    assert update.spec == full(longer)
    # …and the next data-only edit is fast again, on the new structure
    again = cache.spec(longer.with_step(0, experience=1.0))
    assert again.path == "fast"
    assert again.spec == full(longer.with_step(0, experience=1.0))


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

"""The exports' map pages come through the spec cache and equal altair's pages."""

from __future__ import annotations

import random

import pytest

import cxkit as cx
from cxkit.export._map_nav import _page_cache, map_page_specs
from cxkit.viz.journey import journey_map_pages


def _altair(journey: cx.Journey, lang: str, paper: str) -> list[dict]:
    return [p.to_dict(validate=False) for p in journey_map_pages(journey, lang=lang, paper=paper)]


@pytest.mark.parametrize("name", cx.io.list_templates())
def test_cached_pages_equal_altairs_after_edits(name) -> None:
    journey = cx.load_journey(name)
    rng = random.Random(name)
    assert map_page_specs(journey, "en") == _altair(journey, "en", "a4")
    paths = []
    for k in range(3):
        step = rng.randrange(len(journey.steps))
        edited = journey.replace(title=f"edit {k}").with_step(step, experience=rng.uniform(0, 10))
        assert map_page_specs(edited, "en") == _altair(edited, "en", "a4")
        paths.append(_page_cache().last.path)
    assert "fast" in paths  # the cache is used, not only the full build


def test_a3_and_japanese_pages_of_the_long_journey() -> None:
    journey = cx.data.long_journey(40, language="ja")
    for lang, paper in (("ja", "a3"), ("en", "a4")):
        assert map_page_specs(journey, lang, paper) == _altair(journey, lang, paper)


def test_one_page_by_number_and_a_bad_number() -> None:
    journey = cx.load_journey("retail_omnichannel")
    page = cx.viz.journey.journey_map_page(journey, 3).to_dict(validate=False)
    assert page == _altair(journey, "en", "a4")[2]
    with pytest.raises(cx.CxkitError, match="`number` must be a page number from 1 to 3, got 4"):
        cx.viz.journey.journey_map_page(journey, 4)

"""A Japanese workshop screen carries no English of cxkit's own.

Every text a participant sees in a widget — descriptions, options, placeholders,
tooltips, buttons, HTML panels, status lines — is collected from the widget tree,
and every lowercase English word in it must come from the user's own data (journey
ids and labels, initiative ids, the event log's values) or a file name.
"""

from __future__ import annotations

import html
import re
from typing import Any

import ipywidgets as w
import polars as pl
import pytest

import cxkit as cx

_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
_FILE_NAME = re.compile(r"[\w.-]*\.(?:ya?ml|json|csv|parquet|xlsx)\b")
_MARKUP = re.compile(r"<style.*?</style>|<script.*?</script>|<[^>]+>", re.S)


def _texts(widget: Any, out: list[str]) -> list[str]:
    for attr in ("description", "placeholder", "tooltip"):
        value = getattr(widget, attr, None)
        if isinstance(value, str):
            out.append(value)
    out.extend(getattr(widget, "_options_labels", ()) or ())
    if isinstance(widget, (w.HTML, w.Label)):
        out.append(html.unescape(_MARKUP.sub(" ", widget.value)))
    for child in getattr(widget, "children", ()) or ():
        _texts(child, out)
    return out


def _english(texts: list[str], allowed: set[str]) -> list[tuple[str, str]]:
    """(word, text) for each English word that is not from the data or an acronym."""
    found = []
    for text in texts:
        for word in _WORD.findall(_FILE_NAME.sub(" ", text)):
            if word.isupper() or word.lower() in allowed:  # CES, NPV, FCR, CRM…
                continue
            found.append((word, text[:80]))
    return found


def _data_words(*values: Any) -> set[str]:
    words: set[str] = set()
    for value in values:
        words.update(x.lower() for x in _WORD.findall(str(value)))
    return words


def _journey_words(j: cx.Journey) -> set[str]:
    g = j.graph
    return _data_words(
        j.id,
        [(t.id, t.label, t.channel) for t in g.touchpoints],
        [(o.id, o.label) for o in g.outcomes],
        [(s.id, s.label) for s in j.stages],
        [(s.id, s.action) for s in j.steps],
        [c.id for c in g.call_reasons],
        [c.id for c in g.channels],
        ["cxkit", "Noto", "Sans", "CJK"],  # the product and font names
    )


@pytest.fixture(scope="module")
def journey() -> cx.Journey:
    return cx.load_journey("complaint_recovery_ja")


def test_the_journey_editor_is_all_japanese(journey):
    editor = cx.widgets.JourneyEditor(journey, lang="ja")
    for step in range(len(journey.steps)):
        editor._steps.value = step
        assert _english(_texts(editor.ui, []), _journey_words(journey)) == []


def test_the_handoff_explorer_is_all_japanese(journey):
    explorer = cx.widgets.HandoffExplorer(journey, n_customers=2000, seed=1, lang="ja")
    explorer.set_handoff("store", "cc_phone", context_carryover=0.9)
    assert _english(_texts(explorer.ui, []), _journey_words(journey)) == []
    # the what-if chart: title, legend and axes (it said "What-if 比較")
    chart = _chart_texts(explorer.chart.spec, [])
    assert "シナリオ比較" in chart
    assert _english(chart, _journey_words(journey)) == []


def test_the_event_explorer_is_all_japanese():
    explorer = cx.widgets.EventExplorer(example="retail_omnichannel", lang="ja")
    events = cx.data.load_example("retail_omnichannel")
    allowed = _data_words(
        cx.data.list_examples(),  # the examples' names, in the file box and the list
        *(events[c].unique().to_list() for c in events.columns if events[c].dtype == pl.String),
    )
    found = _english(_texts(explorer.ui, []), allowed)
    assert found == [], found


_SHOWN = ("x", "y", "color", "text", "row", "column", "facet")


def _shown_fields(spec: Any, out: set[str]) -> set[str]:
    """The data fields a chart draws as text: axes, legends, text marks."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "encoding" and isinstance(value, dict):
                for channel in _SHOWN:
                    enc = value.get(channel)
                    hidden = (
                        channel == "color"
                        and isinstance(enc, dict)
                        and ("legend" in enc and enc["legend"] is None)
                    )  # a colour without a legend shows no text
                    if isinstance(enc, dict) and isinstance(enc.get("field"), str) and not hidden:
                        out.add(enc["field"])
            _shown_fields(value, out)
    elif isinstance(spec, list):
        for value in spec:
            _shown_fields(value, out)
    return out


def _chart_texts(spec: Any, out: list[str], fields: set[str] | None = None) -> list[str]:
    """Titles, subtitles, axis and legend titles and the data shown as text (axis
    labels, legends, text marks) of a Vega-Lite spec — not ``config`` (fonts, colours)
    nor the data's internal keys."""
    fields = _shown_fields(spec, set()) if fields is None else fields
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "config":
                continue
            if key in ("title", "subtitle", "text") and isinstance(value, str):
                out.append(value)
            elif key == "datasets":
                for rows in value.values():
                    out.extend(str(v) for row in rows for f, v in row.items() if f in fields and v)
            else:
                _chart_texts(value, out, fields)
    elif isinstance(spec, list):
        for value in spec:
            _chart_texts(value, out, fields)
    return out


def _initiative_words(j: cx.Journey) -> set[str]:
    return _data_words([(i.id, i.label) for i in j.initiatives])


def test_the_roadmap_planner_and_its_charts_are_all_japanese(journey):
    planner = cx.widgets.RoadmapPlanner(journey, lang="ja", seed=1, n_sims=500)
    allowed = _journey_words(journey) | _initiative_words(journey)
    texts = _texts(planner.ui, [])
    assert _english(texts, allowed) == []
    # the effect list reads as Japanese, with the touchpoints' Japanese names
    effects = list(planner._effect._options_labels)
    assert any("コールセンター（電話）→解決（納得） の確率" in e for e in effects), effects
    charts = _chart_texts(planner.fan.spec, []) + _chart_texts(planner.gantt.spec, [])
    assert "四半期" in charts
    assert _english(charts, allowed) == []
    # a prerequisite switched off: the note and the reasons are Japanese too
    planner._checks["crm"].value = False
    assert _english(_texts(planner.ui, []), allowed) == []


def test_dot_voting_and_the_session_timer_are_all_japanese(journey):
    voting = cx.widgets.DotVoting(
        journey, participants=["佐藤", "鈴木"], dots=3, minutes=10, n_sims=300, lang="ja"
    )
    voting.vote("佐藤", voting.cards[0].id, 2)
    texts = _texts(voting.ui, [])
    assert any("佐藤" in x for x in texts)
    allowed = _journey_words(journey) | _initiative_words(journey)
    allowed |= _data_words([c.id for c in voting.cards])
    assert _english(texts, allowed) == []


def test_the_japanese_cli_roadmap_is_all_japanese(journey, capsys):
    from cxkit.cli import main

    assert main(["roi", "complaint_recovery_ja", "--lang", "ja", "--sims", "500"]) == 0
    out = capsys.readouterr().out
    for japanese in ("四半期あたりの予算", "繰り越しなし", "平均", "計画に入らなかった理由"):
        assert japanese in out
    # the whole report, line by line; Hyndman and Fan are the authors of the percentile rule
    allowed = _journey_words(journey) | _initiative_words(journey) | {"hyndman", "fan"}
    found = _english(out.splitlines(), allowed)
    assert found == [], found

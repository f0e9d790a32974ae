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


def test_the_event_explorer_is_all_japanese():
    explorer = cx.widgets.EventExplorer(example="retail_omnichannel", lang="ja")
    events = cx.data.load_example("retail_omnichannel")
    allowed = _data_words(
        cx.data.list_examples(),  # the examples' names, in the file box and the list
        *(events[c].unique().to_list() for c in events.columns if events[c].dtype == pl.String),
    )
    found = _english(_texts(explorer.ui, []), allowed)
    assert found == [], found

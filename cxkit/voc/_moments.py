"""The moments library: delighted (感動) and failed (不満) moments, to share in the center.

:func:`moments` collects them from designed journeys (steps whose emotion — given or
computed — is delighted or dissatisfied, and every pain point) and from event logs
(events whose emotion is delighted or dissatisfied, with their note or verbatim when
the log has such a column), into one table. :func:`moments_page` writes that table as
a Markdown page (escaped; ja/en headings) that :func:`cxkit.export.site` includes
with ``pages={"moments.md": text}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import narwhals as nw
import polars as pl

from cxkit.analytics._frames import collect
from cxkit.analytics._schema import EventLogError, EventSchema
from cxkit.analytics._validate import _emotion_expr, _strip_text
from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label, resolve_lang
from cxkit.core.model import Emotion
from cxkit.core.suggest import did_you_mean

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["MOMENT_COLUMNS", "NOTE_COLUMNS", "moments", "moments_page"]

#: Columns of :func:`moments`' table.
MOMENT_COLUMNS = ("kind", "source", "stage", "touchpoint", "note", "count")
_SCHEMA = {
    "kind": pl.String,
    "source": pl.String,
    "stage": pl.String,
    "touchpoint": pl.String,
    "note": pl.String,
    "count": pl.Int64,
}

#: Column names tried, in order, for an event's note or verbatim.
NOTE_COLUMNS = ("note", "notes", "verbatim", "comment", "quote", "voice", "メモ", "お客様の声")


def moments(
    journeys: Iterable[Journey | str] = (),
    events: Any = None,
    *,
    schema: EventSchema | None = None,
    note: str | None = None,
    lang: str = "en",
) -> pl.DataFrame:
    """Delighted and failed moments of ``journeys`` and ``events``, one row each.

    Parameters
    ----------
    journeys
        Journeys, or template names / paths to load.
    events
        An event log (any frame narwhals reads) with an emotion column (``delighted``,
        ``dissatisfied`` or 感動, 不満); its note column is ``note`` or the first of
        :data:`NOTE_COLUMNS` present. Identical (kind, touchpoint, note) events are
        counted once with ``count``.
    schema
        Column names of the log (customer, touchpoint, emotion), if they differ.
    note
        The note/verbatim column of ``events`` (checked, with a did-you-mean).
    lang
        Language of the stage names of the journeys.

    Returns
    -------
    polars.DataFrame
        :data:`MOMENT_COLUMNS`: ``kind`` (``delighted`` / ``failed``), ``source``
        (journey id, or ``events``), ``stage``, ``touchpoint``, ``note``, ``count``;
        delighted first, then the moments with a note, then by count.

    Examples
    --------
    >>> m = moments(["complaint_recovery_ja"])
    >>> m.filter(m["kind"] == "delighted")["note"][0][:10]
    '訪問後のアンケートで'
    >>> int((m["kind"] == "failed").sum()) > 3
    True
    """
    from cxkit.export._site import _journeys

    lang = resolve_lang(lang)
    rows: list[dict[str, Any]] = []
    for j in _journeys(list(journeys)) if journeys else []:
        rows += _journey_moments(j, lang)
    table = pl.DataFrame(rows, schema=_SCHEMA)
    if events is not None:
        table = pl.concat([table, _event_moments(events, schema or EventSchema(), note)])
    order = [pl.col("kind") == "delighted", pl.col("note").is_not_null(), pl.col("count")]
    return table.sort(order, descending=[True, True, True], maintain_order=True)


def _journey_moments(journey: Journey, lang: str) -> list[dict[str, Any]]:
    stages = {s.id: s for s in journey.stages}
    out = []
    for ev in journey.evaluate().steps:
        s = ev.step
        stage = stages[s.stage].label if s.stage in stages else s.stage
        base = {"source": journey.id, "stage": stage, "touchpoint": s.touchpoint, "count": 1}
        if ev.emotion is Emotion.DELIGHTED:
            out.append({**base, "kind": "delighted", "note": s.notes or s.action})
        for pain in s.pain_points:
            out.append({**base, "kind": "failed", "note": pain})
        if ev.emotion is Emotion.DISSATISFIED and not s.pain_points:
            out.append({**base, "kind": "failed", "note": s.notes or s.action})
    del lang  # stage labels are the journey's own text
    return out


def _note_column(columns: Sequence[str], note: str | None) -> str | None:
    if note is not None:
        if note not in columns:
            hint = did_you_mean(note, columns)
            raise EventLogError(
                f"column {note!r} (the note or verbatim) is missing; "
                + (hint or "the log has " + ", ".join(map(repr, columns)))
            )
        return note
    return next((c for c in NOTE_COLUMNS if c in columns), None)


def _event_moments(events: Any, schema: EventSchema, note: str | None) -> pl.DataFrame:
    """Events with a delighted or dissatisfied emotion, counted per (kind, tp, note)."""
    frame = nw.from_native(events)
    lazy = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
    columns = list(lazy.collect_schema().names())
    for name, what in ((schema.emotion, "the emotion"), (schema.touchpoint, "the touchpoint")):
        if name is None or name not in columns:
            hint = did_you_mean(str(name), columns)
            raise EventLogError(
                f"column {name!r} ({what}) is missing; moments need it"
                + (f"; {hint}" if hint else "")
            )
    note_col = _note_column(columns, note)
    emotion = _emotion_expr(_strip_text(nw.col(schema.emotion)))
    kind = nw.when(emotion == "delighted").then(nw.lit("delighted"))
    kind = kind.otherwise(nw.when(emotion == "dissatisfied").then(nw.lit("failed")))
    text = _strip_text(nw.col(note_col)) if note_col else nw.lit(None, nw.String)
    picked = lazy.select(
        kind.alias("kind"),
        _strip_text(nw.col(schema.touchpoint)).alias("touchpoint"),
        text.alias("note"),
    ).filter(~nw.col("kind").is_null())
    counted = collect(picked.group_by("kind", "touchpoint", "note").agg(nw.len().alias("count")))
    return (
        counted.with_columns(
            source=pl.lit("events"),
            stage=pl.lit(None, pl.String),
            count=pl.col("count").cast(pl.Int64),
        )
        .select(MOMENT_COLUMNS)
        .sort(["count", "touchpoint"], descending=[True, False])
    )


def moments_page(
    table: pl.DataFrame | None = None,
    *,
    journeys: Iterable[Journey | str] = (),
    events: Any = None,
    lang: str = "en",
    limit: int = 50,
) -> str:
    """The moments as a Markdown page: delighted, then failed, each a table.

    Pass a :func:`moments` table, or ``journeys`` / ``events`` to collect them. Every
    cell is escaped for Markdown (and against spreadsheet formulas); ``limit`` rows
    per kind at most (the most frequent).

    Examples
    --------
    >>> page = moments_page(journeys=["complaint_recovery_ja"], lang="ja")
    >>> page.splitlines()[0], "## 感動の瞬間" in page
    ('# モーメント集', True)
    """
    from cxkit.export.escape import markdown_cell, markdown_inline

    lang = resolve_lang(lang)
    if table is None:
        table = moments(journeys, events, lang=lang)
    if not isinstance(table, pl.DataFrame) or set(MOMENT_COLUMNS) - set(table.columns):
        raise CxkitError("`table` must be the table of cxkit.voc.moments")
    lines = [f"# {markdown_inline(label('voc_moments_title', lang))}", ""]
    lines += [markdown_inline(label("voc_moments_intro", lang)), ""]
    keys = ("voc_moment_note", "voc_moment_where", "voc_moment_source", "voc_moment_count")
    head = "| " + " | ".join(label(k, lang) for k in keys) + " |"
    for kind, key in (("delighted", "voc_moments_delighted"), ("failed", "voc_moments_failed")):
        part = table.filter(pl.col("kind") == kind).head(limit)
        lines += [f"## {markdown_inline(label(key, lang))}", ""]
        if part.height == 0:
            lines += [label("voc_moments_empty", lang), ""]
            continue
        lines += [head, "|---|---|---|---:|"]
        for r in part.iter_rows(named=True):
            where = " · ".join(x for x in (r["stage"], r["touchpoint"]) if x)
            source = label("voc_moment_events", lang) if r["source"] == "events" else r["source"]
            cells = [r["note"] or "–", where or "–", source]
            lines.append(
                "| " + " | ".join(markdown_cell(c) for c in cells) + f" | {int(r['count'])} |"
            )
        lines.append("")
    return "\n".join(lines)

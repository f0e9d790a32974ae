"""Touchpoints seen in several channels: their channel mix, the warning, the split.

A log may give one touchpoint several channels — on purpose (``Create SR`` done on
the web and on the phone) or because the channel column is an attribute of the
case (every event of a customer who came in by ``Internet`` says ``Internet``).
The journey model gives a touchpoint one channel, so such a touchpoint either

* keeps its most frequent (*modal*) channel — the default. Every analysis that
  reports a touchpoint's channel (:func:`~cxkit.analytics.discover`,
  :func:`~cxkit.analytics.touchpoint_metrics`,
  :func:`~cxkit.analytics.attribution`) then warns with :func:`mixed_channels_note`,
  and reports the mix (``channels``, ``channel_share``); or
* is split, with ``EventSchema(split_channels=True)``, into one touchpoint per
  (touchpoint, channel) pair, named ``"<touchpoint> (<channel>)"``
  (:func:`split_touchpoints`, applied to the canonical columns, so every table
  sees the same touchpoints).

A touchpoint is *mixed* when its events with a channel are in two channels or
more, i.e. its modal channel holds less than 100 % of them; events without a
channel are not counted. The warning is given for any mixed touchpoint: even a
small share of other channels is a collapse of what the log says.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import polars as pl

from cxkit.analytics._frames import collect
from cxkit.analytics._schema import EventLogError

__all__ = [
    "channel_mix",
    "mixed_channels_note",
    "percent",
    "split_name",
    "split_touchpoints",
    "touchpoint_channels",
]

#: Touchpoints shown in the warning (the most collapsed first), and channels per touchpoint.
SHOWN_TOUCHPOINTS = 3
SHOWN_CHANNELS = 4


def split_name(touchpoint: str, channel: str) -> str:
    """The name of the touchpoint ``touchpoint`` in channel ``channel`` once split.

    >>> split_name("Create SR", "Internet"), split_name("申込", "電話")
    ('Create SR (Internet)', '申込 (電話)')
    """
    return f"{touchpoint} ({channel})"


def split_touchpoints(lf: nw.LazyFrame[Any], tp: str, channel: str) -> nw.LazyFrame[Any]:
    """``lf`` with column ``tp`` renamed ``"<tp> (<channel>)"`` on the rows of mixed
    touchpoints that have a channel (one aggregation of the distinct pairs).

    Raises :class:`EventLogError` when a new name is already a touchpoint of the log.

    >>> import polars as pl
    >>> f = pl.DataFrame({"tp": ["a", "a", "a", "b", None], "ch": ["x", "y", None, "x", "x"]})
    >>> collect(split_touchpoints(nw.from_native(f.lazy()), "tp", "ch"))["tp"].to_list()
    ['a (x)', 'a (y)', 'a', 'b', None]
    """
    pairs = collect(lf.filter(~nw.col(tp).is_null()).select(tp, channel).unique())
    mixed = _mixed(pairs, tp, channel)
    if not mixed:
        return lf
    new = {
        split_name(t, c)
        for t, c in pairs.filter(pl.col(tp).is_in(mixed) & pl.col(channel).is_not_null()).rows()
    }
    clash = sorted(new & set(pairs[tp].to_list()))
    if clash:
        raise EventLogError(
            f"split_channels: the split touchpoint {clash[0]!r} is already a touchpoint of the "
            "log; expected new names (rename that touchpoint, or leave split_channels off)"
        )
    split = nw.col(tp).is_in(mixed) & ~nw.col(channel).is_null()
    named = nw.concat_str([nw.col(tp), nw.lit(" ("), nw.col(channel), nw.lit(")")])
    return lf.with_columns(nw.when(split).then(named).otherwise(nw.col(tp)).alias(tp))


def _mixed(pairs: pl.DataFrame, tp: str, channel: str) -> list[str]:
    counts = (
        pairs.filter(pl.col(channel).is_not_null())
        .group_by(tp)
        .agg(pl.col(channel).n_unique().alias("n"))
        .filter(pl.col("n") > 1)
    )
    return sorted(counts[tp].to_list())


def channel_mix(channels_table: pl.DataFrame) -> pl.DataFrame:
    """Per (touchpoint, channel): ``tp``, ``channel``, ``count``, ``share`` of the
    touchpoint's events with a channel, most frequent first (ties by channel).

    ``channels_table`` is :attr:`EventLog.channels_table` (``tp``, ``channel``,
    ``count``); events without a channel are left out.

    >>> t = pl.DataFrame(
    ...     {"tp": ["a", "a", "a", "b"], "channel": ["x", "y", None, "x"], "count": [3, 1, 5, 2]}
    ... )
    >>> channel_mix(t).rows()
    [('a', 'x', 3, 0.75), ('a', 'y', 1, 0.25), ('b', 'x', 2, 1.0)]
    """
    return (
        channels_table.filter(pl.col("channel").is_not_null())
        .select("tp", "channel", pl.col("count").cast(pl.Int64))
        .with_columns(share=pl.col("count") / pl.col("count").sum().over("tp"))
        .sort(["tp", "count", "channel"], descending=[False, True, False])
    )


def touchpoint_channels(mix: pl.DataFrame) -> pl.DataFrame:
    """Per touchpoint of :func:`channel_mix`: ``tp``, ``channel`` (the modal one),
    ``channels`` (how many it was seen in) and ``channel_share`` (the modal share).

    >>> t = pl.DataFrame({"tp": ["a", "a", "b"], "channel": ["x", "y", "x"], "count": [3, 1, 2]})
    >>> touchpoint_channels(channel_mix(t)).rows()
    [('a', 'x', 2, 0.75), ('b', 'x', 1, 1.0)]
    """
    return mix.group_by("tp", maintain_order=True).agg(
        pl.col("channel").first(),
        pl.len().cast(pl.Int64).alias("channels"),
        pl.col("share").first().alias("channel_share"),
    )


def describe_mix(rows: list[tuple[str, int, float]]) -> str:
    """``"Internet 70 % (7), Phone 20 % (2), Post 10 % (1)"`` for one touchpoint's
    ``(channel, count, share)`` rows, most frequent first.

    >>> describe_mix([("Internet", 700, 0.7), ("Phone", 299, 0.299), ("Post", 1, 0.001)])
    'Internet 70 % (700), Phone 30 % (299), Post 0.1 % (1)'
    """
    shown = [f"{c} {percent(s)} ({n})" for c, n, s in rows[:SHOWN_CHANNELS]]
    if len(rows) > SHOWN_CHANNELS:
        shown.append(f"{len(rows) - SHOWN_CHANNELS} more")
    return ", ".join(shown)


def mixed_channels_note(mix: pl.DataFrame, names: dict[str, str] | None = None) -> str | None:
    """The warning for the mixed touchpoints of :func:`channel_mix`, or ``None``.

    The touchpoints with the most events outside their modal channel come first;
    ``names`` maps a log name to the name to show (default: the log's).

    >>> t = pl.DataFrame({"tp": ["a", "a", "b"], "channel": ["x", "y", "x"], "count": [3, 1, 2]})
    >>> print(mixed_channels_note(channel_mix(t)))
    1 touchpoint was seen in several channels and given its most frequent one: 'a' was seen in 2 channels: x 75 % (3), y 25 % (1); pass EventSchema(split_channels=True) (CLI --split-channels) for one touchpoint per (touchpoint, channel)
    """  # noqa: E501
    per = mix.group_by("tp").agg(
        pl.len().alias("n"),
        (pl.col("count").sum() - pl.col("count").first()).alias("other"),
        pl.struct("channel", "count", "share"),
    )
    per = per.filter(pl.col("n") > 1).sort(["other", "tp"], descending=[True, False])
    if per.height == 0:
        return None
    parts = []
    for tp, n, _, rows in per.head(SHOWN_TOUCHPOINTS).rows():
        shown = describe_mix([(r["channel"], r["count"], r["share"]) for r in rows])
        parts.append(f"{(names or {}).get(tp, tp)!r} was seen in {n} channels: {shown}")
    if per.height > SHOWN_TOUCHPOINTS:
        parts.append(f"and {per.height - SHOWN_TOUCHPOINTS} more")
    k = per.height
    return (
        f"{k} touchpoint{'s were' if k != 1 else ' was'} seen in several channels and given "
        f"{'their' if k != 1 else 'its'} most frequent one: "
        + "; ".join(parts)
        + "; pass EventSchema(split_channels=True) (CLI --split-channels) for one touchpoint "
        "per (touchpoint, channel)"
    )


def percent(share: float) -> str:
    """``0.7`` → ``'70 %'``; within 1 % of 0 or 100 one decimal is kept, never
    rounding to 0 or 100 (``'0.1 %'``, ``'99.9 %'``).

    >>> percent(0.7), percent(0.0004), percent(0.9996), percent(1.0)
    ('70 %', '0.1 %', '99.9 %', '100 %')
    """
    pct = share * 100.0
    if 0 < pct < 1:
        return f"{max(pct, 0.1):.1f} %"
    if 99 < pct < 100:
        return f"{min(pct, 99.9):.1f} %"
    return f"{pct:.0f} %"

"""CX metrics from an event log, per touchpoint and for the whole log (model reference §2.1).

Definitions
-----------
*contact*
    An event at a touchpoint. *Same issue* means the same customer and the same
    call reason (the journey's reason where an event has none; all of a customer's
    contacts are one issue when the log has no call reasons).
*repeat contact*
    A contact that follows another contact on the same issue within the repeat
    window ``W`` (default 7 days). ``repeat_contact_rate`` = repeat contacts / contacts.
*first contact*
    A contact that is not a repeat contact.
*first-contact resolution (FCR)*
    The SQM operational proxy: a first contact after which the customer makes no
    further contact on the same issue within ``W``. ``fcr`` = such contacts / first
    contacts. Per touchpoint it is the FCR of the issues that *started* there.
*channel*
    A touchpoint's most frequent channel in the log; ``channels`` counts the channels
    its events were in and ``channel_share`` is the share of the most frequent (of
    the events with a channel). A touchpoint seen in several channels gives an
    :class:`EventLogWarning`; ``EventSchema(split_channels=True)`` splits it into one
    touchpoint per channel (:mod:`cxkit.analytics._channels`).
*channel switch*
    Consecutive touchpoints of a journey on different channels; ``switches_out``
    counts them at the touchpoint left, ``switches_in`` at the one reached.
*transfer*
    The log's ``transfer`` flag on the event reached, where the log has one;
    otherwise a hand-off between two different touchpoints of the same assisted
    channel (``call_center``, ``phone``, ``email``, ``webform``, ``chat``).
*context loss*
    The log's ``context_lost`` flag: the customer had to repeat their context at
    this contact; ``context_loss_rate`` = flagged / contacts with the flag recorded.
*CES*
    Mean of the effort answers (1–5, lower is better). *CSAT* = % of answers 4 or 5.
    *NPS* = % promoters (9–10) − % detractors (0–6). Emotion shares are over the
    contacts with an emotion recorded.
*declared scales*
    With ``EventSchema(scales=…)`` the answers are mapped to the scales above
    (:mod:`cxkit.analytics._scales`: ``ces`` is on CES v1 1–5 whatever the declared
    scale, ``csat_pct`` is the top box, the emotion shares count the mapped classes),
    and each declared field adds ``<field>_mean`` — the mean answer on the declared
    scale — and ``<field>_scale``, the scale as text (``"-2..2"``, ``"1..7"``); ``nps``
    adds ``nps_scale`` only.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import polars as pl

from cxkit.analytics._channels import touchpoint_channels
from cxkit.analytics._log import EventLog, as_log
from cxkit.analytics._scales import declared_mean
from cxkit.analytics._schema import EventSchema, parse_window
from cxkit.analytics._validate import EMOTIONS

__all__ = ["journey_metrics", "touchpoint_metrics"]


def _ratio(num: str, den: str, scale: float = 1.0) -> pl.Expr:
    return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den) * scale)


def _survey_columns(log: EventLog) -> list[pl.Expr]:
    cols: list[pl.Expr] = []
    if log.has("effort"):
        cols += [
            _ratio("effort_sum", "effort_count").alias("ces"),
            pl.col("effort_count").alias("ces_responses"),
        ]
    if log.has("csat"):
        cols += [
            _ratio("csat_top_sum", "csat_count", 100.0).alias("csat_pct"),
            pl.col("csat_count").alias("csat_responses"),
        ]
    if log.has("nps"):
        cols += [
            pl.when(pl.col("nps_count") > 0)
            .then((pl.col("promoter_sum") - pl.col("detractor_sum")) / pl.col("nps_count") * 100.0)
            .alias("nps"),
            pl.col("nps_count").alias("nps_responses"),
        ]
    if log.has("emotion"):
        cols += [_ratio(f"{e}_sum", "emotion_count").alias(f"share_{e}") for e in EMOTIONS]
        cols.append(pl.col("emotion_count").alias("emotion_responses"))
    cols += _declared_columns(log)
    if log.has("wait_s"):
        cols.append(_ratio("wait_sum", "wait_count").alias("mean_wait_s"))
    if log.has("context_lost"):
        cols += [
            pl.col("ctx_sum").cast(pl.Int64).alias("context_lost"),
            _ratio("ctx_sum", "ctx_count").alias("context_loss_rate"),
        ]
    return cols


def _declared_columns(log: EventLog) -> list[pl.Expr]:
    """``<field>_mean`` on the declared scale and ``<field>_scale`` of each declared field."""
    cols: list[pl.Expr] = []
    for name, scale in log.schema.scales:
        if not log.has(name):
            continue
        if name == "emotion":
            cols.append(_ratio("emotion_score_sum", "emotion_score_count").alias("emotion_mean"))
        elif name in ("effort", "csat"):
            mean = _ratio(f"{name}_sum", f"{name}_count")
            cols.append(declared_mean(name, mean, scale).alias(f"{name}_mean"))
        cols.append(pl.lit(str(scale)).alias(f"{name}_scale"))
    return cols


def touchpoint_metrics(
    events: Any,
    *,
    schema: EventSchema | None = None,
    repeat_window: str | float | _dt.timedelta = "7d",
) -> pl.DataFrame:
    """Contacts, FCR, repeat contacts, switches, transfers, CES, CSAT, NPS and emotions
    per touchpoint (definitions in the module docstring and model reference §2.1).

    Parameters
    ----------
    events
        The event log (any supported frame).
    schema
        Column names, if they differ from :class:`EventSchema`'s defaults.
    repeat_window
        ``W``: ``"7d"``, ``"48h"``, seconds or a :class:`datetime.timedelta`.

    Returns
    -------
    polars.DataFrame
        One row per touchpoint (named as in the log), busiest first: ``touchpoint``,
        ``channel`` (the most frequent; with ``channels`` and ``channel_share`` where
        the log has channels), ``contacts``, ``customers``, ``journeys_started``,
        ``journeys_ended``, ``first_contacts``, ``fcr``, ``repeat_contacts``,
        ``repeat_contact_rate``, then — where the log has the columns they need —
        ``switches_in``/``switches_out``, ``transfers_in``/``transfers_out``, ``ces``,
        ``csat_pct``, ``nps`` (with their response counts), ``share_dissatisfied``,
        ``share_satisfied``, ``share_delighted``, the ``<field>_mean`` and
        ``<field>_scale`` of declared survey scales (module docstring),
        ``mean_wait_s``, ``context_lost``, ``context_loss_rate``. Rates are
        fractions; CSAT and NPS are on their published percent scales.

    Examples
    --------
    >>> import polars as pl, datetime as dt
    >>> t = lambda d: dt.datetime(2026, 1, 1) + dt.timedelta(days=d)
    >>> log = pl.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "c"],
    ...         "timestamp": [t(0), t(2), t(0), t(0)],
    ...         "touchpoint": ["phone", "phone", "phone", "chat"],
    ...         "effort": [None, 4, 2, 1],
    ...     }
    ... )
    >>> m = touchpoint_metrics(log)
    >>> m.select(
    ...     "touchpoint", "contacts", "first_contacts", "fcr", "repeat_contact_rate", "ces"
    ... ).rows()
    [('phone', 3, 2, 0.5, 0.3333333333333333, 3.0), ('chat', 1, 1, 1.0, 0.0, 1.0)]
    """
    window_us = parse_window(repeat_window) * 1e6
    log = as_log(events, schema)
    df = _touchpoint_sums(log, window_us)
    cols = _touchpoint_columns(log)
    return df.select(cols).sort(["contacts", "touchpoint"], descending=[True, False])


def _touchpoint_sums(log: EventLog, window_us: float) -> pl.DataFrame:
    """Per touchpoint ``tp``: the touchpoint table joined with its contact sums, its
    flows out (``switches_out``, ``transfers_out``, ``journeys_ended``) and in
    (``switches_in``, ``transfers_in``) and its channels."""
    base = log.touchpoint_table
    rep = log.contact_sums(window_us)
    edges = log.edges_table
    out_flow = edges.group_by("tp").agg(
        pl.col("switch_sum").sum().alias("switches_out"),
        pl.col("xfer_sum").sum().alias("transfers_out"),
        pl.col("count").filter(pl.col("to_tp") == 0).sum().alias("journeys_ended"),
    )
    in_flow = (
        edges.filter(pl.col("to_tp") > 0)
        .group_by("target")
        .agg(
            pl.col("switch_sum").sum().alias("switches_in"),
            pl.col("xfer_sum").sum().alias("transfers_in"),
        )
        .rename({"target": "tp"})
    )
    channels = _modal_channel(log)
    return (
        base.join(rep, on="tp", how="left")
        .join(out_flow, on="tp", how="left")
        .join(in_flow, on="tp", how="left")
        .join(channels, on="tp", how="left")
    )


def _touchpoint_columns(log: EventLog) -> list[pl.Expr]:
    """The output columns of :func:`touchpoint_metrics`, for the columns ``log`` has."""
    cols: list[pl.Expr] = [
        pl.col("tp").alias("touchpoint"),
        pl.col("channel"),
        *([pl.col("channels"), pl.col("channel_share")] if log.has("channel") else []),
        pl.col("contacts"),
        pl.col("customers"),
        pl.col("starts_count").alias("journeys_started"),
        pl.col("journeys_ended").fill_null(0).cast(pl.Int64),
        pl.col("first_sum").cast(pl.Int64).alias("first_contacts"),
        _ratio("fcr_sum", "first_sum").alias("fcr"),
        pl.col("repeat_sum").cast(pl.Int64).alias("repeat_contacts"),
        _ratio("repeat_sum", "contacts").alias("repeat_contact_rate"),
    ]
    if log.has("channel"):
        cols += [
            pl.col("switches_in").fill_null(0).cast(pl.Int64),
            pl.col("switches_out").fill_null(0).cast(pl.Int64),
        ]
    if log.has("channel") or log.has("transfer"):
        cols += [
            pl.col("transfers_in").fill_null(0).cast(pl.Int64),
            pl.col("transfers_out").fill_null(0).cast(pl.Int64),
        ]
    cols += _survey_columns(log)
    return cols


def _modal_channel(log: EventLog) -> pl.DataFrame:
    """Per touchpoint: ``tp``, ``channel`` (its most frequent), ``channels`` and
    ``channel_share``; warns about the touchpoints seen in several channels."""
    if not log.has("channel"):
        return pl.DataFrame(
            {"tp": log.touchpoint_table["tp"], "channel": None},
            schema={"tp": pl.String, "channel": pl.String},
        )
    return touchpoint_channels(log.channel_mix)


def journey_metrics(
    events: Any,
    *,
    schema: EventSchema | None = None,
    repeat_window: str | float | _dt.timedelta = "7d",
) -> pl.DataFrame:
    """The same metrics for the whole log, per journey where it makes sense.

    Returns
    -------
    polars.DataFrame
        One row: ``customers``, ``journeys``, ``contacts``, ``contacts_per_journey``,
        ``first_contacts``, ``fcr``, ``repeat_contact_rate``, ``switches_per_journey`` and
        ``transfers_per_journey`` (where they can be computed), the survey and
        emotion columns of :func:`touchpoint_metrics`, one ``outcome_<id>`` rate per
        outcome (journeys ending there / journeys), ``period_start`` and
        ``period_end`` (UTC).

    Examples
    --------
    >>> import polars as pl, datetime as dt
    >>> t = lambda d: dt.datetime(2026, 1, 1) + dt.timedelta(days=d)
    >>> log = pl.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "c"],
    ...         "timestamp": [t(0), t(2), t(0), t(0)],
    ...         "touchpoint": ["phone", "phone", "phone", "chat"],
    ...         "outcome": [None, "resolved", "resolved", "churn"],
    ...     }
    ... )
    >>> m = journey_metrics(log)
    >>> m.select("journeys", "contacts", "fcr", "outcome_resolved", "outcome_churn").row(0)
    (3, 4, 0.6666666666666666, 0.6666666666666666, 0.3333333333333333)
    """
    window_us = parse_window(repeat_window) * 1e6
    log = as_log(events, schema)
    summary = log.summary
    rep = log.contact_sums(window_us).select(pl.exclude("tp").sum())
    tp = log.touchpoint_table
    sums = tp.drop("tp", "customers").sum()
    edges = log.edges_table
    journeys = summary["cases"]
    row: dict[str, Any] = {
        "customers": summary["customers"],
        "journeys": journeys,
        "contacts": summary["contacts"],
        "contacts_per_journey": summary["contacts"] / journeys if journeys else None,
        "first_contacts": int(rep["first_sum"][0] or 0),
        "fcr": _div(rep["fcr_sum"][0], rep["first_sum"][0]),
        "repeat_contact_rate": _div(rep["repeat_sum"][0], summary["contacts"]),
    }
    if log.has("channel"):
        row["switches_per_journey"] = _div(edges["switch_sum"].sum(), journeys)
    if log.has("channel") or log.has("transfer"):
        row["transfers_per_journey"] = _div(edges["xfer_sum"].sum(), journeys)
    df = pl.DataFrame([row]).with_columns(
        pl.col("customers", "journeys", "contacts", "first_contacts").cast(pl.Int64)
    )
    survey = _survey_columns(log)
    if survey:
        df = pl.concat([df, sums.select(survey)], how="horizontal")
    ends = (
        edges.filter(pl.col("to_tp") == 0)
        .group_by("target")
        .agg(pl.col("count").sum())
        .sort("target")
    )
    rates = {
        f"outcome_{r['target']}": r["count"] / journeys if journeys else None
        for r in ends.iter_rows(named=True)
    }
    if rates:
        df = pl.concat([df, pl.DataFrame([rates])], how="horizontal")
    epoch = _dt.datetime(1970, 1, 1)
    return df.with_columns(
        period_start=pl.lit(epoch + _dt.timedelta(microseconds=summary["t_min"])),
        period_end=pl.lit(epoch + _dt.timedelta(microseconds=summary["t_max"])),
    )


def _div(num: Any, den: Any) -> float | None:
    if num is None or not den:
        return None
    return float(num) / float(den)

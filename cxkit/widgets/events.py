"""The event explorer: load an event log, choose touchpoints and segments, see the real graph."""

from __future__ import annotations

import datetime as _dt
import html
import os
import warnings
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ipywidgets as w
import polars as pl

from cxkit.core.errors import CxkitError, format_value
from cxkit.core.suggest import unknown_message
from cxkit.widgets._common import (
    LiveChart,
    Timer,
    WorkshopWidget,
    button,
    fmt_number,
    html_table,
    on_click,
    resolve_lang,
    status_html,
    t,
    title_html,
)

__all__ = ["EventExplorer"]

#: The event-log columns the explorer's filters use (cxkit.analytics.EventSchema defaults).
CUSTOMER, TIMESTAMP, TOUCHPOINT, CALL_REASON = (
    "customer_id",
    "timestamp",
    "touchpoint",
    "call_reason",
)
#: The value that stands for customers without a call reason in the filters.
NO_REASON = ""
#: Filter settings whose results :class:`EventExplorer` keeps (going back is instant).
RESULTS_KEPT = 16

_METRIC_COLUMNS = (
    ("touchpoint", "touchpoint", None),
    ("channel", "channel", None),
    ("contacts", "w_col_contacts", 0),
    ("customers", "sim_customers", 0),
    ("fcr", "sim_fcr", "%"),
    ("repeat_contact_rate", "w_col_repeat", "%"),
    ("ces", "w_col_ces", 2),
    ("csat_pct", "w_col_csat", 1),
    ("nps", "w_col_nps", 1),
    ("context_loss_rate", "w_col_context_loss", "%"),
)


def _as_frame(events: Any) -> pl.DataFrame:
    """An eager polars frame of the log (paths, polars, pandas and narwhals frames)."""
    if isinstance(events, (str, os.PathLike)):
        p = Path(os.fspath(events))
        if p.suffix.lower() == ".csv":
            from cxkit.data import read_events_csv

            return read_events_csv(p)
        from cxkit.analytics import read_events

        return read_events(p).collect()
    if isinstance(events, pl.LazyFrame):
        return events.collect()
    if isinstance(events, pl.DataFrame):
        return events
    try:
        import narwhals as nw

        frame = nw.from_native(events)
        if isinstance(frame, nw.LazyFrame):
            frame = frame.collect()
        return frame.to_polars()
    except (TypeError, ValueError, AttributeError):
        raise CxkitError(
            "`events` must be a path, a polars, pandas, DuckDB, Dask or PySpark frame, got "
            f"{format_value(events)}"
        ) from None


class EventExplorer(WorkshopWidget):
    """Explore an event log: the discovered touchpoint graph and per-touchpoint metrics.

    Load a log (a file, a frame or an example shipped with cxkit), keep the
    touchpoints and the segments you want — call reasons, journeys that start in a
    date range — and see :func:`cxkit.analytics.discover`'s graph drawn by
    :func:`cxkit.viz.touchpoint_graph` and :func:`cxkit.analytics.touchpoint_metrics`'s
    table, recomputed on every change: the whole log is checked once
    (:class:`cxkit.analytics.EventLog`), each filter setting keeps a
    :meth:`~cxkit.analytics.EventLog.subset` of its checked rows for both analyses
    (no second check), and the results of the last
    :data:`RESULTS_KEPT` filter settings are kept, so going back to a setting is
    instant.

    Filters work on whole customers for segments (a customer's call reason is the
    first one their events record; a customer is in the date range when their first
    event is) and on events for touchpoints (events at touchpoints left out are
    dropped, so the graph shows the customers' moves between the ones kept).

    Parameters
    ----------
    events
        An event log (path, polars / pandas / DuckDB / Dask / PySpark frame) with the
        columns of :class:`cxkit.analytics.EventSchema` (``customer_id``,
        ``timestamp``, ``touchpoint``, optional ``call_reason`` …).
    example
        Or the name of a shipped example log (:func:`cxkit.data.list_examples`).
    lang
        Language of the labels (``"en"``, ``"ja"``).
    min_count
        Transitions seen fewer times are left out of the graph.

    Attributes
    ----------
    events : polars.DataFrame or None
        The whole log.
    filtered : polars.DataFrame or None
        The events after the filters.
    discovery : cxkit.analytics.DiscoveryResult or None
        What the filtered log shows.
    metrics : polars.DataFrame or None
        Per-touchpoint metrics of the filtered log.

    Examples
    --------
    >>> ex = EventExplorer(example="retail_omnichannel")
    >>> ex.filter(call_reasons=["gift"])
    >>> ex.filtered["customer_id"].n_unique() < ex.events["customer_id"].n_unique()
    True
    >>> ex.close()
    """

    def __init__(
        self,
        events: Any = None,
        *,
        example: str | None = None,
        lang: str | None = None,
        min_count: int = 1,
    ) -> None:
        self.lang = resolve_lang(lang)
        self.min_count = min_count
        self.events: pl.DataFrame | None = None
        self.filtered: pl.DataFrame | None = None
        self.discovery: Any = None
        self.metrics: pl.DataFrame | None = None
        self.touchpoints: tuple[str, ...] = ()
        self.call_reasons: tuple[str, ...] = ()
        self.start: _dt.date | None = None
        self.end: _dt.date | None = None
        self.status = ""
        self.log_warnings: tuple[str, ...] = ()
        self.timer = Timer()
        # filter setting → (filtered, discovery, metrics, log warnings); reset by load()
        self._results: OrderedDict[tuple[Any, ...], tuple[Any, ...]] = OrderedDict()
        self._syncing = False
        self._log: Any = None  # the whole log, checked (see _checked_log)
        self._build()
        if events is not None or example is not None:
            self.load(events, example=example)
        else:
            self._set_status(t("w_no_events_loaded", self.lang), "info")

    # -- public --------------------------------------------------------------------------
    def load(self, events: Any = None, *, example: str | None = None) -> None:
        """Load a log (a frame or a path), or a shipped ``example``; every filter resets."""
        if (events is None) == (example is None):
            raise CxkitError("give either `events` or `example`")
        if example is not None:
            from cxkit.data import list_examples, load_example

            if example not in list_examples():
                raise CxkitError(
                    "`example`: " + unknown_message("example", example, list_examples())
                )
            frame = load_example(example)
        else:
            frame = _as_frame(events)
        missing = [c for c in (CUSTOMER, TIMESTAMP, TOUCHPOINT) if c not in frame.columns]
        if missing:
            raise CxkitError(
                f"the event log has no column {missing[0]!r} (expected {CUSTOMER!r}, "
                f"{TIMESTAMP!r} and {TOUCHPOINT!r}; columns: {', '.join(frame.columns[:12])})"
            )
        if frame.schema[TIMESTAMP] == pl.String:
            frame = frame.with_columns(
                pl.col(TIMESTAMP).str.to_datetime(time_zone="UTC", strict=False)
            )
        self.events = frame
        self._log = None
        self._results.clear()
        self._all_touchpoints = tuple(
            frame.group_by(TOUCHPOINT)
            .len()
            .sort(["len", TOUCHPOINT], descending=[True, False])[TOUCHPOINT]
            .to_list()
        )
        self._reason_of = self._customer_reasons(frame)
        self._all_reasons = tuple(sorted(set(self._reason_of[CALL_REASON].to_list())))
        days = frame.select(pl.col(TIMESTAMP).dt.date().alias("d"))["d"]
        self._first_day, self._last_day = days.min(), days.max()
        self.touchpoints = self._all_touchpoints
        self.call_reasons = self._all_reasons
        self.start, self.end = self._first_day, self._last_day
        self._sync_controls()
        n_customers = frame[CUSTOMER].n_unique()
        self._recompute(
            t("w_status_loaded", self.lang).format(
                events=f"{frame.height:,}", customers=f"{n_customers:,}"
            )
        )

    def filter(
        self,
        touchpoints: Iterable[str] | None = None,
        call_reasons: Iterable[str] | None = None,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
    ) -> None:
        """Keep these touchpoints, call reasons (``""`` = none recorded) and start dates.

        Arguments left ``None`` keep their current setting.
        """
        if self.events is None:
            raise CxkitError("load an event log first (load(events) or load(example=...))")
        if touchpoints is not None:
            self.touchpoints = self._subset(touchpoints, self._all_touchpoints, "touchpoint")
        if call_reasons is not None:
            self.call_reasons = self._subset(call_reasons, self._all_reasons, "call reason")
        if start is not None:
            self.start = self._date(start, "start")
        if end is not None:
            self.end = self._date(end, "end")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise CxkitError(f"`start` ({self.start}) is after `end` ({self.end})")
        self._sync_controls()
        self._recompute(None)

    def reset(self) -> None:
        """Every touchpoint, every call reason, the whole date range."""
        if self.events is None:
            return
        self.filter(self._all_touchpoints, self._all_reasons, self._first_day, self._last_day)

    # -- internals -----------------------------------------------------------------------
    @staticmethod
    def _customer_reasons(frame: pl.DataFrame) -> pl.DataFrame:
        """``customer_id``, ``call_reason`` (first recorded, ``""`` if none), ``first_day``."""
        reason = (
            pl.col(CALL_REASON).drop_nulls().first().fill_null(NO_REASON)
            if CALL_REASON in frame.columns
            else pl.lit(NO_REASON)
        )
        return (
            frame.sort(TIMESTAMP)
            .group_by(CUSTOMER, maintain_order=True)
            .agg(
                reason.cast(pl.String).alias(CALL_REASON),
                pl.col(TIMESTAMP).first().dt.date().alias("first_day"),
            )
        )

    @staticmethod
    def _subset(values: Iterable[str], known: tuple[str, ...], what: str) -> tuple[str, ...]:
        if isinstance(values, str):
            values = [values]
        chosen = []
        for v in values:
            if v not in known:
                raise CxkitError(unknown_message(what, v, [k for k in known if k]))
            chosen.append(v)
        return tuple(k for k in known if k in set(chosen))

    @staticmethod
    def _date(value: Any, name: str) -> _dt.date:
        if isinstance(value, _dt.datetime):
            return value.date()
        if isinstance(value, _dt.date):
            return value
        if isinstance(value, str):
            try:
                return _dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise CxkitError(f"`{name}` must be a date (YYYY-MM-DD), got {format_value(value)}")

    def _checked_log(self) -> Any:
        """The whole log, checked once (:class:`cxkit.analytics.EventLog`); every filter
        setting is a :meth:`~cxkit.analytics.EventLog.subset` of its rows."""
        if self._log is None:
            from cxkit.analytics import EventLog

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # kept in the log's warnings
                self._log = EventLog(self.events)
        return self._log

    def _apply_filters(self) -> pl.DataFrame:
        assert self.events is not None
        keep = self._reason_of.filter(
            pl.col(CALL_REASON).is_in(list(self.call_reasons))
            & (pl.col("first_day") >= self.start)
            & (pl.col("first_day") <= self.end)
        ).select(CUSTOMER)
        return self.events.join(keep, on=CUSTOMER, how="semi").filter(
            pl.col(TOUCHPOINT).is_in(list(self.touchpoints))
        )

    def _recompute(self, message: str | None) -> None:
        from cxkit.analytics import discover, touchpoint_metrics

        kind = "info"
        with self.timer:
            key = (
                frozenset(self.touchpoints),
                frozenset(self.call_reasons),
                self.start,
                self.end,
                self.min_count,
            )
            kept = self._results.get(key)
            if kept is not None:
                self._results.move_to_end(key)
                self.filtered, self.discovery, self.metrics, self.log_warnings = kept
            else:
                self.filtered = self._apply_filters()
            if self.filtered.height == 0:
                self.discovery, self.metrics = None, None
                self.chart.clear()
                self._table.value = ""
                message, kind = t("w_no_events", self.lang), "warning"
            else:
                try:
                    if kept is None:
                        # the log's repairs (duplicates dropped…) go to the status line
                        with warnings.catch_warnings(record=True) as caught:
                            warnings.simplefilter("always")
                            # the whole log's checked rows, filtered: one log for both
                            log = self._checked_log().subset(
                                customers=self.filtered[CUSTOMER].unique().to_list(),
                                touchpoints=self.touchpoints,
                            )
                            self.discovery = discover(log, min_count=self.min_count)
                            self.metrics = touchpoint_metrics(log)
                        self.log_warnings = tuple(
                            dict.fromkeys([*log.warnings, *(str(c.message) for c in caught)])
                        )
                        self._results[key] = (
                            self.filtered,
                            self.discovery,
                            self.metrics,
                            self.log_warnings,
                        )
                        while len(self._results) > RESULTS_KEPT:
                            self._results.popitem(last=False)
                except CxkitError as exc:
                    self.discovery, self.metrics = None, None
                    self.chart.clear()
                    self._table.value = ""
                    self._set_status(str(exc), "error")
                    return
                self.chart.update(self.discovery.journey, lang=self.lang)
                self._table.value = self._table_html()
                d = self.discovery
                filtered = t("w_status_filtered", self.lang).format(
                    events=f"{d.n_events:,}",
                    customers=f"{d.n_customers:,}",
                    journeys=f"{d.n_journeys:,}",
                )
                message = f"{message} {filtered}" if message else filtered
                if self.log_warnings:
                    message += " (" + "; ".join(self.log_warnings) + ")"
        self._set_status(message or "", kind)

    def _build(self) -> None:
        from cxkit.data import list_examples

        lang = self.lang
        self._title = w.HTML(title_html(t("w_event_explorer", lang)))
        self._status = w.HTML(status_html(""))
        self._example = w.Dropdown(
            options=[("—", None), *[(e, e) for e in list_examples()]],
            description=t("w_example", lang),
            layout=w.Layout(width="300px"),
        )
        self._path = w.Text(
            placeholder="events.parquet / .csv",
            description=t("w_file", lang),
            layout=w.Layout(width="340px"),
        )
        self._load = button(t("w_load", lang), "folder-open")
        self._tp = w.SelectMultiple(
            description=t("touchpoints", lang), rows=8, layout=w.Layout(width="330px")
        )
        self._reasons = w.SelectMultiple(
            description=t("w_call_reasons", lang), rows=4, layout=w.Layout(width="330px")
        )
        self._from = w.DatePicker(
            description=t("w_date_from", lang), layout=w.Layout(width="260px")
        )
        self._to = w.DatePicker(description=t("w_date_to", lang), layout=w.Layout(width="260px"))
        for control in (self._tp, self._reasons, self._from, self._to, self._example, self._path):
            control.style = {"description_width": "110px"}
        self._reset = button(t("w_reset_filters", lang), "refresh")
        self._table = w.HTML()
        self.chart = LiveChart("touchpoint_graph")
        loader = w.HBox([self._example, self._path, self._load])
        filters = w.VBox([self._tp, self._reasons, self._from, self._to, self._reset])
        self.ui = w.VBox(
            [
                self._title,
                loader,
                self._status,
                w.HBox([filters, self.chart.widget]),
                w.HTML(f"<b>{html.escape(t('w_metrics', lang))}</b>"),
                self._table,
            ]
        )
        self.ui.add_class("cxkit-widget")
        self.ui.add_class("cxkit-event-explorer")
        self._widgets = [
            self._title,
            self._status,
            self._example,
            self._path,
            self._load,
            self._tp,
            self._reasons,
            self._from,
            self._to,
            self._reset,
            self._table,
            self.chart.widget,
            self.ui,
        ]
        self._example.observe(self._on_example, "value")
        on_click(self._load, self._on_load)
        on_click(self._reset, lambda: self._guard(self.reset))
        self._tp.observe(lambda c: self._on_filter(touchpoints=c["new"]), "value")
        self._reasons.observe(lambda c: self._on_filter(call_reasons=c["new"]), "value")
        self._from.observe(lambda c: self._on_filter(start=c["new"]), "value")
        self._to.observe(lambda c: self._on_filter(end=c["new"]), "value")

    def _on_example(self, change: dict[str, Any]) -> None:
        if not self._syncing and change["new"]:
            self._guard(self.load, example=change["new"])

    def _on_load(self) -> None:
        path = self._path.value.strip()
        if path:
            self._guard(self.load, path)

    def _on_filter(self, **changes: Any) -> None:
        if self._syncing:
            return
        if any(v is None for v in changes.values()):
            return
        self._guard(self.filter, **changes)

    def _sync_controls(self) -> None:
        self._syncing = True
        try:
            lang = self.lang
            self._tp.options = list(self._all_touchpoints)
            self._tp.value = self.touchpoints
            self._reasons.options = [
                (r if r else t("w_no_reason", lang), r) for r in self._all_reasons
            ]
            self._reasons.value = self.call_reasons
            self._from.value = self.start
            self._to.value = self.end
        finally:
            self._syncing = False

    def _table_html(self) -> str:
        lang = self.lang
        m = self.metrics
        if m is None:
            return ""
        cols = [(c, key, fmt) for c, key, fmt in _METRIC_COLUMNS if c in m.columns]
        header = [t(key, lang) for _, key, _ in cols]
        rows = []
        for rec in m.iter_rows(named=True):
            row = []
            for c, _, fmt in cols:
                v = rec[c]
                if fmt is None:
                    row.append("—" if v is None else str(v))
                elif fmt == "%":
                    row.append("—" if v is None else fmt_number(100 * v, 1) + "%")
                else:
                    row.append(fmt_number(None if v is None else float(v), fmt))
            rows.append(row)
        return html_table(header, rows, align=["left", "left"] + ["right"] * (len(cols) - 2))

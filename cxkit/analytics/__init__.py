"""Learning from data: event logs → journeys, metrics, attribution, drift, churn.

An event log has one row per event — ``customer_id``, ``timestamp``, ``touchpoint``
and, when known, ``channel``, ``call_reason``, ``emotion``, ``effort``, ``outcome``,
``csat``, ``nps``, ``context_lost``, ``wait_s``; :class:`EventSchema` renames them.
Every function accepts polars (eager or lazy), DuckDB, Dask, pandas and PySpark
frames: the per-event work runs on the log's own backend through narwhals and only
small aggregates are collected (as polars). See ``docs/reference/analytics.md``.

>>> import cxkit as cx
>>> sorted(cx.analytics.__all__)[:4]
['ChurnModelResult', 'DiscoveryResult', 'DriftReport', 'EventLog']
"""

from cxkit.analytics._attribution import attribution
from cxkit.analytics._calibrate import calibrate
from cxkit.analytics._churn import ChurnModelResult, churn_model
from cxkit.analytics._discover import DiscoveryResult, discover
from cxkit.analytics._drift import DriftReport, drift
from cxkit.analytics._log import EventLog
from cxkit.analytics._metrics import journey_metrics, touchpoint_metrics
from cxkit.analytics._readers import read_events
from cxkit.analytics._schema import EventLogError, EventLogWarning, EventSchema, Scale

__all__ = [
    "ChurnModelResult",
    "DiscoveryResult",
    "DriftReport",
    "EventLog",
    "EventLogError",
    "EventLogWarning",
    "EventSchema",
    "Scale",
    "attribution",
    "calibrate",
    "churn_model",
    "discover",
    "drift",
    "journey_metrics",
    "read_events",
    "touchpoint_metrics",
]

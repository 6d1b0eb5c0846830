"""ReportRow: one row of a csvc.Report."""

import datetime
from typing import Dict, Optional, Union
import typing

from . import _csvc
from ._enums import Metric

__all__ = ["ReportRow"]


class ReportRow(typing.NamedTuple):
    """One row of a Report: a key and its figures (a detached value).

    The figures are in ``metrics``, keyed by their JSON names (those of
    csvc.metric_name: 'csat', 'nps_se', 'response_p90_us' ...), exactly the
    metrics the report's JSON lists for the row. A figure is a float, or
    None when it is undefined (no data; NaN in C, null in JSON). Each one is
    also an attribute (``row.csat``, ``row.tickets``); a time figure, whose
    name ends in '_us' (microseconds), is also an attribute without the
    suffix that gives a datetime.timedelta rounded to the microsecond
    (``row.response_mean``).
    """

    key: str
    """'all', a store code, staff member, channel, kind, category, method
    name, period key ('2026-01', '2026-W03' ...) or 'workflow/state'; '' for
    the rows whose grouped field is not set."""
    period_start: Optional[datetime.datetime]
    """For a report grouped by period: the start of the period as a naive
    datetime of local wall-clock time (in the store's zone); else None."""
    low_sample: bool
    """True when the row rests on fewer observations than the report's
    min_sample (it is reported all the same)."""
    metrics: Dict[str, Optional[float]]
    """The row's figures by JSON name, in metric order."""
    dimensions: Dict[str, Dict[str, Optional[float]]]
    """Score and KPI reports: per survey dimension, its figures by JSON name
    ('csi_n', 'csi', 'servqual_n', 'servqual_gap', 'servqual_expectation',
    'servqual_perception'); {} for the SLA and state-time reports."""

    def value(self, metric: Union[Metric, int, str]) -> Optional[float]:
        """The figure `metric` (a Metric, or its JSON name), or None when the
        report does not compute it for this row or it is undefined."""
        name = metric if isinstance(metric, str) else _csvc.metric_name(metric)
        return self.metrics.get(name) if name is not None else None

    def __getattr__(self, name: str):
        if not name.startswith("_"):
            metrics = self.metrics
            if name in metrics:
                return metrics[name]
            us = name + "_us"
            if us in metrics:
                v = metrics[us]
                return None if v is None else datetime.timedelta(microseconds=round(v))
        raise AttributeError(f"'ReportRow' object has no attribute {name!r}")

"""How a registered metric is computed: which event set, which aggregate.

A :class:`MetricPlan` ties a metric of :mod:`rotlib.registry` to Ibis aggregates over
event sets (:mod:`rotlib.metrics.facts`). Proportions and ratios get a numerator and a
denominator (possibly from different event sets, as disputes per closed deal); the value
and the reason it is missing are derived from them in one place
(:mod:`rotlib.metrics.assemble`). Counts, amounts and days get one aggregate.

The helpers below keep the aggregates portable across engines: conditions become
``ifelse(condition, 1, 0)`` sums (a missing condition counts as "no"), integer literals
only, and values are nulled out with ``ifelse`` before a median or mean rather than
using ``median(where=...)``, which not every backend compiles the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from rotlib.registry import metric

#: Builds one aggregate (a scalar per group) from an event set's rows.
Aggregate = Callable[[ir.Table], ir.Scalar]
Condition = Callable[[ir.Table], ir.BooleanValue]
Value = Callable[[ir.Table], ir.NumericValue]


@dataclass(frozen=True)
class Part:
    """An aggregate over the rows of the event set named ``event_set``."""

    event_set: str
    aggregate: Aggregate


@dataclass(frozen=True)
class MetricPlan:
    """How to compute the registered metric ``metric_id``.

    Exactly one of (``num`` and ``den``) or ``value`` is given, matching the metric's
    kind in the registry (checked on construction).
    """

    metric_id: str
    num: Part | None = None
    den: Part | None = None
    value: Part | None = None

    def __post_init__(self) -> None:
        definition = metric(self.metric_id)
        fraction = self.num is not None and self.den is not None and self.value is None
        single = self.value is not None and self.num is None and self.den is None
        if definition.keeps_fraction and not fraction:
            raise TypeError(f"{self.metric_id} is a {definition.kind}: give num and den")
        if not definition.keeps_fraction and not single:
            raise TypeError(f"{self.metric_id} is a {definition.kind}: give value only")

    @property
    def parts(self) -> dict[str, Part]:
        """Parts keyed by role: ``num`` and ``den``, or ``value``."""
        roles = {"num": self.num, "den": self.den, "value": self.value}
        return {role: part for role, part in roles.items() if part is not None}

    @property
    def event_sets(self) -> tuple[str, ...]:
        """Names of the event sets this metric reads, without repeats."""
        return tuple(dict.fromkeys(p.event_set for p in self.parts.values()))


def count_rows(t: ir.Table) -> ir.IntegerScalar:
    """Number of rows of the event set."""
    return t.count()


def count_where(condition: Condition) -> Aggregate:
    """Number of rows where ``condition`` holds (missing counts as not holding)."""
    return lambda t: ibis.ifelse(condition(t), 1, 0).sum()


def sum_of(column: str, where: Condition | None = None) -> Aggregate:
    """Sum of ``column`` (missing values count as 0), optionally over rows ``where``."""
    if where is None:
        return lambda t: t[column].sum()
    return lambda t: ibis.ifelse(where(t), t[column], 0).sum()


def median_of(value: Value, where: Condition) -> Aggregate:
    """Median of ``value`` over the rows where ``where`` holds (missing if none)."""
    return lambda t: ibis.ifelse(where(t), value(t), ibis.null()).median()


def mean_of(value: Value) -> Aggregate:
    """Mean of ``value`` over the event set (missing if it is empty)."""
    return lambda t: value(t).mean()


def days_between(later: str, earlier: str) -> Value:
    """Whole calendar days from ``earlier`` to ``later`` (by date)."""
    return lambda t: t[later].date().delta(t[earlier].date(), unit="day")

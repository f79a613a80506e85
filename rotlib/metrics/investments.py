"""Investments: what was put into each partner (the denominator of the RoT ratio).

One amount per investment type of the contract (currency, or hours for the ``*_hours``
types), summed over the investment lines dated in the quarter; 0 when there were none.
"""

from __future__ import annotations

from rotlib.contract import INVESTMENT_TYPES
from rotlib.metrics.plan import MetricPlan, Part, sum_of
from rotlib.registry import INVESTMENTS

_PREFIX = "investment_"


def _plan(metric_id: str) -> MetricPlan:
    kind = metric_id.removeprefix(_PREFIX)
    if kind not in INVESTMENT_TYPES:  # the registry and the contract must agree
        raise ValueError(f"{metric_id}: {kind!r} is not an investment_type of the contract")
    return MetricPlan(
        metric_id,
        value=Part("investments", sum_of("amount", where=lambda t: t.investment_type == kind)),
    )


PLANS: tuple[MetricPlan, ...] = tuple(_plan(m.id) for m in INVESTMENTS)

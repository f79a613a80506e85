"""Reliability: does the partner do what it promised, on time and right first time?

Three scorecard metrics (see :mod:`rotlib.registry` for definitions, owners, units):
on-time joint deliverables (up), ticket SLA adherence (up) and rework rate (down).
"""

from __future__ import annotations

from rotlib.metrics.plan import MetricPlan, Part, count_rows, count_where

PLANS: tuple[MetricPlan, ...] = (
    # a deliverable not delivered yet is not on time
    MetricPlan(
        "on_time_delivery_rate",
        num=Part("deliverables_due", count_where(lambda t: t.delivered_date <= t.due_date)),
        den=Part("deliverables_due", count_rows),
    ),
    # an unresolved ticket missed its deadline; compared to the second, not the day
    MetricPlan(
        "sla_adherence_rate",
        num=Part("tickets_sla_due", count_where(lambda t: t.resolved_at <= t.sla_due_at)),
        den=Part("tickets_sla_due", count_rows),
    ),
    # a delivered item with rework_required left empty counts as not reworked
    MetricPlan(
        "rework_rate",
        num=Part("deliverables_delivered", count_where(lambda t: t.rework_required)),
        den=Part("deliverables_delivered", count_rows),
    ),
)

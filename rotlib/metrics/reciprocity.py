"""Reciprocity: does the partner bring business and invest in the relationship?

Three scorecard metrics (all up): partner-sourced share of attributed opportunities,
joint initiatives executed, and MDF utilization (a money ratio).
"""

from __future__ import annotations

from rotlib.metrics.plan import MetricPlan, Part, count_rows, count_where, sum_of

PLANS: tuple[MetricPlan, ...] = (
    # deals with no attribution are left out of both sides
    MetricPlan(
        "partner_sourced_share",
        num=Part("partner_deals_created", count_where(lambda t: t.attribution == "sourced")),
        den=Part("partner_deals_created", count_where(
            lambda t: t.attribution.isin(("sourced", "influenced")))),
    ),
    # done by the end of the planned quarter, even if done early
    MetricPlan(
        "joint_initiative_completion",
        num=Part("activities_planned", count_where(lambda t: t.completed_date <= t.quarter_end)),
        den=Part("activities_planned", count_rows),
    ),
    MetricPlan(
        "co_investment_rate",
        num=Part("mdf_allocations", sum_of("utilized_amount")),
        den=Part("mdf_allocations", sum_of("allocated_amount")),
    ),
)

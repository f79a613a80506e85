"""Competence: can the partner sell, deliver and make customers successful?

Three scorecard metrics (all up): certification coverage by role, joint win rate (read
against ``direct_win_rate_baseline``) and customer outcome attainment.
"""

from __future__ import annotations

from rotlib.metrics.plan import MetricPlan, Part, count_where, sum_of

#: "Joint" means co-sell: both sides at the table. Partner-only deals count in win_rate.
_JOINT_MOTIONS = ("co_sell",)

PLANS: tuple[MetricPlan, ...] = (
    # one snapshot per role (the latest in the quarter), summed over the roles
    MetricPlan(
        "certification_coverage",
        num=Part("certification_snapshots", sum_of("certified")),
        den=Part("certification_snapshots", sum_of("headcount")),
    ),
    MetricPlan(
        "joint_win_rate",
        num=Part("partner_deals_closed", count_where(
            lambda t: t.motion.isin(_JOINT_MOTIONS) & (t.stage == "won"))),
        den=Part("partner_deals_closed", count_where(lambda t: t.motion.isin(_JOINT_MOTIONS))),
    ),
    MetricPlan(
        "customer_outcome_attainment",
        num=Part("account_snapshots", sum_of("milestones_met")),
        den=Part("account_snapshots", sum_of("milestones_planned")),
    ),
)

"""Integrity: does the partner play by the rules and keep customer data safe?

Three scorecard metrics: policy compliance (up), disputes per closed partner deal
(down; a ratio, so it can exceed 1) and security reviews completed on time (up).
"""

from __future__ import annotations

from rotlib.metrics.plan import MetricPlan, Part, count_rows, count_where

PLANS: tuple[MetricPlan, ...] = (
    MetricPlan(
        "policy_compliance_rate",
        num=Part("policy_checks", count_where(lambda t: t.passed)),
        den=Part("policy_checks", count_rows),
    ),
    # disputes of the quarter over deals closed in the same quarter (not the deal disputed)
    MetricPlan(
        "dispute_rate",
        num=Part("disputes_opened", count_rows),
        den=Part("partner_deals_closed", count_rows),
    ),
    # a review still open is not on time
    MetricPlan(
        "security_posture_rate",
        num=Part("reviews_due", count_where(lambda t: t.completed_date <= t.due_date)),
        den=Part("reviews_due", count_rows),
    ),
)

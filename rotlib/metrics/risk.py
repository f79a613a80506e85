"""Risk signals: counts that warn before outcomes turn (not part of the score).

Tickets, escalations, disputes, implementation defects, audit findings, security
review cycle time and the closed-deal exposure behind the win and dispute rates.
"""

from __future__ import annotations

from rotlib.metrics.plan import (
    MetricPlan,
    Part,
    count_rows,
    count_where,
    days_between,
    mean_of,
    sum_of,
)

PLANS: tuple[MetricPlan, ...] = (
    MetricPlan("tickets_opened", value=Part("tickets_opened", count_rows)),
    MetricPlan("escalations", value=Part("tickets_opened", count_where(lambda t: t.escalated))),
    MetricPlan("disputes_opened", value=Part("disputes_opened", count_rows)),
    MetricPlan("implementation_defects",
               value=Part("deliverables_delivered", count_where(lambda t: t.rework_required))),
    # reviews with findings left empty add nothing
    MetricPlan("audit_findings", value=Part("reviews_completed", sum_of("findings"))),
    MetricPlan("security_review_days",
               value=Part("reviews_completed",
                          mean_of(days_between("completed_date", "requested_date")))),
    MetricPlan("closed_deals", value=Part("partner_deals_closed", count_rows)),
)

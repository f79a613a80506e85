"""Outcomes: the lagging business results trust should lead to (not part of the score).

Win rate, cycle time of won deals, renewal and escalation rates, pipeline and won
revenue by attribution, renewals, expansion, and the direct-only win-rate baseline
(one figure per quarter, repeated on every partner's row).
"""

from __future__ import annotations

from rotlib.metrics.plan import (
    MetricPlan,
    Part,
    count_rows,
    count_where,
    days_between,
    median_of,
    sum_of,
)


def _won(t):
    return t.stage == "won"


PLANS: tuple[MetricPlan, ...] = (
    MetricPlan(
        "win_rate",
        num=Part("partner_deals_closed", count_where(_won)),
        den=Part("partner_deals_closed", count_rows),
    ),
    MetricPlan(
        "median_cycle_days_won",
        value=Part("partner_deals_closed",
                   median_of(days_between("closed_date", "created_date"), where=_won)),
    ),
    # a renewal due with renewed left empty counts as not renewed
    MetricPlan(
        "renewal_rate",
        num=Part("account_snapshots", count_where(lambda t: t.renewal_due & t.renewed)),
        den=Part("account_snapshots", count_where(lambda t: t.renewal_due)),
    ),
    MetricPlan(
        "escalation_rate",
        num=Part("tickets_opened", count_where(lambda t: t.escalated)),
        den=Part("tickets_opened", count_rows),
    ),
    MetricPlan(
        "influenced_pipeline",
        value=Part("partner_deals_created",
                   sum_of("amount", where=lambda t: t.attribution == "influenced")),
    ),
    MetricPlan(
        "sourced_pipeline",
        value=Part("partner_deals_created",
                   sum_of("amount", where=lambda t: t.attribution == "sourced")),
    ),
    MetricPlan(
        "won_amount_sourced",
        value=Part("partner_deals_closed",
                   sum_of("amount", where=lambda t: _won(t) & (t.attribution == "sourced"))),
    ),
    MetricPlan(
        "won_amount_influenced",
        value=Part("partner_deals_closed",
                   sum_of("amount", where=lambda t: _won(t) & (t.attribution == "influenced"))),
    ),
    MetricPlan("renewals_count", value=Part("account_snapshots", count_where(lambda t: t.renewed))),
    MetricPlan("expansion_amount", value=Part("account_snapshots", sum_of("expansion_amount"))),
    MetricPlan(
        "direct_win_rate_baseline",
        num=Part("direct_deals_closed", count_where(_won)),
        den=Part("direct_deals_closed", count_rows),
    ),
)

"""The metric registry: every number the workbench computes, defined exactly once.

Each :class:`MetricDefinition` carries what a leader needs to audit a number (its
definition, owner, source tables, calculation, direction and unit) and what the code
needs to compute and score it (its category and whether it is a proportion whose
numerator and denominator are kept for small-sample shrinkage).

The metrics table (``rot metrics``) has one row per partner and quarter and, for every
registered item ``m``, the columns ``m`` (the value), and for ratio items also
``m__num``, ``m__den`` (kept so later steps can treat small samples honestly) and
``m__reason`` (why the value is missing, e.g. "no deliverables due", else empty).
Docs, metric cards and the report appendix are all generated from this registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Category = Literal["reliability", "competence", "integrity", "reciprocity"]
Role = Literal["score", "outcome", "investment", "risk"]
Direction = Literal["up", "down"]
Kind = Literal["proportion", "ratio", "amount", "count", "days"]

CATEGORIES: tuple[Category, ...] = ("reliability", "competence", "integrity", "reciprocity")


@dataclass(frozen=True)
class MetricDefinition:
    """One registered metric, outcome, investment or risk signal.

    ``kind`` says how the value is built: a ``proportion`` is numerator / denominator
    of counts (successes out of trials: eligible for beta-binomial shrinkage); a
    ``ratio`` keeps numerator and denominator but they are not counts (money shares,
    rates per deal); ``amount``, ``count`` and ``days`` are plain values.
    """

    id: str
    name: str
    role: Role
    definition: str
    calculation: str
    owner: str
    sources: tuple[str, ...]
    direction: Direction
    unit: str
    kind: Kind
    category: Category | None = None
    evidence: Literal["system record", "audited", "self-reported"] = "system record"
    missing_when: str = ""

    @property
    def keeps_fraction(self) -> bool:
        """Whether the metrics table keeps ``__num`` / ``__den`` columns for it."""
        return self.kind in ("proportion", "ratio")

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "up"


_M = MetricDefinition

SCORECARD_METRICS: tuple[MetricDefinition, ...] = (
    # --- Reliability ---------------------------------------------------------------
    _M("on_time_delivery_rate", "On-time joint deliverables", "score",
       "Share of joint deliverables due in the quarter that were delivered on or before "
       "their due date.",
       "count(deliverables due in Q with delivered_date <= due_date) / "
       "count(deliverables due in Q)",
       "Partnerships", ("deliverables",), "up", "share of deliverables", "proportion",
       "reliability", missing_when="no deliverables due in the quarter"),
    _M("sla_adherence_rate", "Issue-resolution SLA adherence", "score",
       "Share of partner tickets whose SLA deadline fell in the quarter that were resolved "
       "by the deadline.",
       "count(tickets with sla_due_at in Q and resolved_at <= sla_due_at) / "
       "count(tickets with sla_due_at in Q)",
       "Customer success", ("tickets",), "up", "share of tickets", "proportion",
       "reliability", missing_when="no ticket had its SLA deadline in the quarter"),
    _M("rework_rate", "Rework rate of joint work", "score",
       "Share of joint deliverables delivered in the quarter that had to be redone "
       "(lower is better).",
       "count(deliverables delivered in Q with rework_required) / "
       "count(deliverables delivered in Q)",
       "Partnerships", ("deliverables",), "down", "share of deliverables", "proportion",
       "reliability", missing_when="nothing was delivered in the quarter"),
    # --- Competence ----------------------------------------------------------------
    _M("certification_coverage", "Certification coverage by role", "score",
       "Share of the partner's sales, solutions and support headcount holding a current "
       "certification, from the latest snapshot in the quarter.",
       "sum over roles(certified) / sum over roles(headcount), latest snapshot_date in Q",
       "Partnerships", ("certifications",), "up", "share of headcount", "proportion",
       "competence", evidence="self-reported",
       missing_when="no certification snapshot in the quarter, or zero headcount"),
    _M("joint_win_rate", "Joint win rate", "score",
       "Share of the partner's co-sell deals (both sides selling together) closed in the "
       "quarter that were won. Read it against direct_win_rate_baseline, the direct-only "
       "win rate of the same quarter; partner-only deals count in the win_rate outcome.",
       "count(co-sell deals closed in Q with stage = won) / count(co-sell deals closed in Q)",
       "Sales ops", ("opportunities",), "up", "share of closed deals", "proportion",
       "competence", missing_when="no co-sell deal closed in the quarter"),
    _M("customer_outcome_attainment", "Customer outcome attainment", "score",
       "Share of adoption milestones planned on shared accounts in the quarter that were met.",
       "sum(milestones_met) / sum(milestones_planned) over account snapshots in Q",
       "Customer success", ("account_health",), "up", "share of milestones", "proportion",
       "competence", missing_when="no milestones planned on shared accounts in the quarter"),
    # --- Integrity -----------------------------------------------------------------
    _M("policy_compliance_rate", "Policy compliance", "score",
       "Share of policy checks in the quarter (deal registration, data handling, brand use) "
       "the partner passed.",
       "count(checks in Q with passed) / count(checks in Q)",
       "Security/compliance", ("policy_checks",), "up", "share of checks", "proportion",
       "integrity", evidence="audited", missing_when="no policy check in the quarter"),
    _M("dispute_rate", "Dispute frequency", "score",
       "Disputes raised in the quarter (attribution, pricing, channel conflict) per partner "
       "deal closed in the quarter (lower is better).",
       "count(disputes opened in Q) / count(partner deals closed in Q)",
       "Sales ops", ("disputes", "opportunities"), "down", "disputes per closed deal", "ratio",
       "integrity", missing_when="no partner deal closed in the quarter"),
    _M("security_posture_rate", "Security and privacy posture", "score",
       "Share of security reviews (questionnaires, audits, remediation) due in the quarter "
       "that were completed on time.",
       "count(reviews due in Q with completed_date <= due_date) / count(reviews due in Q)",
       "Security/compliance", ("security_reviews",), "up", "share of reviews", "proportion",
       "integrity", evidence="audited", missing_when="no security review due in the quarter"),
    # --- Reciprocity ---------------------------------------------------------------
    _M("partner_sourced_share", "Partner-sourced share", "score",
       "Share of the partner's attributed opportunities created in the quarter that the "
       "partner sourced (rather than influenced); its trend is shown beside it.",
       "count(opportunities created in Q with attribution = sourced) / "
       "count(opportunities created in Q with attribution in (sourced, influenced))",
       "Sales ops", ("opportunities",), "up", "share of opportunities", "proportion",
       "reciprocity", missing_when="no attributed opportunity created in the quarter"),
    _M("joint_initiative_completion", "Joint initiatives executed", "score",
       "Share of joint initiatives planned in the quarter (account plans, executive "
       "touchpoints, webinars, events, solution bundles) that were executed by quarter end.",
       "count(activities planned in Q with completed_date <= quarter end) / "
       "count(activities planned in Q)",
       "Partnerships", ("joint_activities",), "up", "share of initiatives", "proportion",
       "reciprocity", missing_when="no joint initiative planned in the quarter"),
    _M("co_investment_rate", "Co-investment (MDF utilization)", "score",
       "Share of market development funds allocated in the quarter that the partner put "
       "to use.",
       "sum(utilized_amount) / sum(allocated_amount) over allocations in Q",
       "Finance", ("mdf_allocations",), "up", "share of MDF", "ratio",
       "reciprocity", missing_when="no MDF allocated in the quarter"),
)

OUTCOMES: tuple[MetricDefinition, ...] = (
    _M("win_rate", "Win rate (all partner deals)", "outcome",
       "Share of all partner-involved deals closed in the quarter that were won.",
       "count(partner deals closed in Q, won) / count(partner deals closed in Q)",
       "Sales ops", ("opportunities",), "up", "share of closed deals", "proportion",
       missing_when="no partner deal closed in the quarter"),
    _M("median_cycle_days_won", "Deal cycle time (won deals)", "outcome",
       "Median days from creation to close of the partner's deals won in the quarter.",
       "median(closed_date - created_date) over partner deals won in Q",
       "Sales ops", ("opportunities",), "down", "days", "days",
       missing_when="no partner deal won in the quarter"),
    _M("renewal_rate", "Renewal rate on shared accounts", "outcome",
       "Share of shared accounts with a renewal due in the quarter that renewed.",
       "count(snapshots in Q with renewal_due and renewed) / count(snapshots in Q with "
       "renewal_due)",
       "Customer success", ("account_health",), "up", "share of renewals due", "proportion",
       missing_when="no renewal due in the quarter"),
    _M("escalation_rate", "Escalation frequency", "outcome",
       "Share of partner tickets opened in the quarter that were escalated.",
       "count(tickets opened in Q with escalated) / count(tickets opened in Q)",
       "Customer success", ("tickets",), "down", "share of tickets", "proportion",
       missing_when="no ticket opened in the quarter"),
    _M("influenced_pipeline", "Influenced pipeline", "outcome",
       "Amount of partner-influenced opportunities created in the quarter.",
       "sum(amount) over opportunities created in Q with attribution = influenced",
       "Sales ops", ("opportunities",), "up", "currency", "amount"),
    _M("sourced_pipeline", "Sourced pipeline", "outcome",
       "Amount of partner-sourced opportunities created in the quarter.",
       "sum(amount) over opportunities created in Q with attribution = sourced",
       "Sales ops", ("opportunities",), "up", "currency", "amount"),
    _M("won_amount_sourced", "Won revenue, partner-sourced", "outcome",
       "Amount of partner-sourced deals won in the quarter.",
       "sum(amount) over deals closed won in Q with attribution = sourced",
       "Sales ops", ("opportunities",), "up", "currency", "amount"),
    _M("won_amount_influenced", "Won revenue, partner-influenced", "outcome",
       "Amount of partner-influenced deals won in the quarter.",
       "sum(amount) over deals closed won in Q with attribution = influenced",
       "Sales ops", ("opportunities",), "up", "currency", "amount"),
    _M("renewals_count", "Renewals on shared accounts", "outcome",
       "Number of shared accounts that renewed in the quarter.",
       "count(snapshots in Q with renewed)",
       "Customer success", ("account_health",), "up", "accounts", "count"),
    _M("expansion_amount", "Expansion on shared accounts", "outcome",
       "Expansion bookings on shared accounts in the quarter.",
       "sum(expansion_amount) over snapshots in Q",
       "Customer success", ("account_health",), "up", "currency", "amount"),
    _M("direct_win_rate_baseline", "Direct-only win rate (baseline)", "outcome",
       "Win rate of direct deals (no partner) closed in the quarter, the same for every "
       "partner: the baseline the joint win rate is read against.",
       "count(direct deals closed in Q, won) / count(direct deals closed in Q)",
       "Sales ops", ("opportunities",), "up", "share of closed deals", "proportion",
       missing_when="no direct deal closed in the quarter"),
)

INVESTMENTS: tuple[MetricDefinition, ...] = tuple(
    _M(f"investment_{kind}", label, "investment",
       f"{label} invested in the partner in the quarter.",
       f"sum(amount) over investments in Q with investment_type = {kind}",
       "Finance", ("investments",), "down", unit, "amount")
    for kind, label, unit in (
        ("mdf", "MDF spend", "currency"),
        ("enablement_hours", "Enablement hours", "hours"),
        ("se_hours", "Solution-engineering hours", "hours"),
        ("incentive", "Incentives paid", "currency"),
        ("co_marketing", "Co-marketing spend", "currency"),
    )
)

RISK_SIGNALS: tuple[MetricDefinition, ...] = (
    _M("tickets_opened", "Tickets opened", "risk", "Partner tickets opened in the quarter.",
       "count(tickets opened in Q)", "Customer success", ("tickets",), "down", "tickets",
       "count"),
    _M("escalations", "Escalations", "risk", "Escalated partner tickets opened in the quarter.",
       "count(tickets opened in Q with escalated)", "Customer success", ("tickets",), "down",
       "tickets", "count"),
    _M("disputes_opened", "Disputes", "risk", "Disputes raised in the quarter.",
       "count(disputes opened in Q)", "Sales ops", ("disputes",), "down", "disputes", "count"),
    _M("implementation_defects", "Implementation defects", "risk",
       "Joint deliverables delivered in the quarter that needed rework.",
       "count(deliverables delivered in Q with rework_required)", "Partnerships",
       ("deliverables",), "down", "deliverables", "count"),
    _M("audit_findings", "Audit findings", "risk",
       "Findings from security reviews completed in the quarter.",
       "sum(findings) over reviews completed in Q", "Security/compliance",
       ("security_reviews",), "down", "findings", "count"),
    _M("security_review_days", "Security review cycle time", "risk",
       "Mean days from request to completion of security reviews completed in the quarter.",
       "mean(completed_date - requested_date) over reviews completed in Q",
       "Security/compliance", ("security_reviews",), "down", "days", "days",
       missing_when="no security review completed in the quarter"),
    _M("closed_deals", "Closed partner deals", "risk",
       "Partner deals closed (won or lost) in the quarter: the exposure behind win and "
       "dispute rates.",
       "count(partner deals closed in Q)", "Sales ops", ("opportunities",), "up", "deals",
       "count"),
)

ALL_METRICS: tuple[MetricDefinition, ...] = (
    SCORECARD_METRICS + OUTCOMES + INVESTMENTS + RISK_SIGNALS
)
METRICS_BY_ID: dict[str, MetricDefinition] = {m.id: m for m in ALL_METRICS}


def metric(metric_id: str) -> MetricDefinition:
    """Look up a registered metric with a clear error naming the known ids."""
    try:
        return METRICS_BY_ID[metric_id]
    except KeyError:
        known = ", ".join(m.id for m in SCORECARD_METRICS)
        raise KeyError(f"unknown metric {metric_id!r}; scorecard metrics are: {known}") from None


def scorecard_metrics(category: Category | None = None) -> tuple[MetricDefinition, ...]:
    """The 12 scorecard metrics, or those of one category."""
    return tuple(m for m in SCORECARD_METRICS if category is None or m.category == category)


#: Columns that identify a row of the metrics table.
METRICS_KEY_COLUMNS: tuple[str, ...] = ("partner_id", "quarter", "quarter_index")

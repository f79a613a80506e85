"""The data contract: every input table, its columns, keys and cross-table rules.

This module is the single source of truth for what an export must look like. Each
table is declared once as a :class:`TableSpec`; the pandera schemas used to validate
(``rotlib.schemas.table_schema``) and ``docs/data-contract.md``
(``rotlib.contract_docs.contract_markdown``) are both generated from these declarations,
so the documentation cannot drift from the checks.

Column kinds and how text becomes a value (the parsing rules live in ``rotlib.parsing``):

* ``id`` - kept as text exactly as exported (leading zeros survive), trimmed.
* ``text`` - free text from a CRM (untrusted: escaped wherever it is shown).
* ``category`` - one of ``allowed`` (case-insensitive, stored lower-case).
* ``date`` / ``timestamp`` - ISO 8601 by default (or a configured format); timestamps
  with an offset are converted to UTC, naive timestamps are taken as UTC.
* ``integer`` / ``number`` / ``money`` - see ``rotlib.parsing`` for the documented
  rules on thousands separators, currency symbols and accounting negatives.
* ``boolean`` - true/false, yes/no, 1/0, y/n (case-insensitive).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal[
    "id", "text", "category", "date", "timestamp", "integer", "number", "money", "boolean"
]

#: Tokens read as "missing" in every column (after trimming, case-sensitive). A partner
#: literally named "NA" is safe because text and id columns accept only the empty string
#: as missing (see ``ColumnSpec.missing_tokens``).
NA_TOKENS: tuple[str, ...] = ("", "NA", "N/A", "n/a", "null", "NULL", "None", "-", "#N/A")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an input table."""

    name: str
    kind: ColumnKind
    description: str
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    references: str | None = None  # "table.column" foreign key

    @property
    def missing_tokens(self) -> tuple[str, ...]:
        """Which raw strings count as missing for this column.

        Identifiers and free text only treat the empty string as missing: "NA" is a
        real partner name and "-" a real account code far more often than a null.
        """
        return ("",) if self.kind in ("id", "text") else NA_TOKENS


@dataclass(frozen=True)
class RowRule:
    """A rule across columns of one row (for example resolved after opened)."""

    name: str
    description: str
    left: str
    op: Literal[">=", "<=", ">", "<"]
    right: str


@dataclass(frozen=True)
class TableSpec:
    """One input table: its file stem, columns, primary key and row rules."""

    name: str
    description: str
    source_system: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    row_rules: tuple[RowRule, ...] = field(default_factory=tuple)
    required: bool = True

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def foreign_keys(self) -> tuple[tuple[str, str, str], ...]:
        """(column, referenced table, referenced column) for every foreign key."""
        out = []
        for c in self.columns:
            if c.references:
                table, col = c.references.split(".")
                out.append((c.name, table, col))
        return tuple(out)


def _c(name: str, kind: ColumnKind, description: str, **kw) -> ColumnSpec:
    if "allowed" in kw and kw["allowed"] is not None:
        kw["allowed"] = tuple(kw["allowed"])
    return ColumnSpec(name=name, kind=kind, description=description, **kw)


PARTNER_TYPES = ("reseller", "systems_integrator", "isv", "msp", "referral")
REGIONS = ("north_america", "emea", "apac", "latam")
PARTNER_SIZES = ("small", "medium", "large")
MOTIONS = ("co_sell", "partner_only", "direct")
ATTRIBUTIONS = ("sourced", "influenced")
STAGES = ("open", "won", "lost")
DELIVERABLE_KINDS = (
    "integration_milestone", "enablement_commitment", "joint_implementation", "co_authored_asset"
)
SEVERITIES = ("sev1", "sev2", "sev3", "sev4")
ROLES = ("sales", "solutions", "support")
POLICY_AREAS = ("deal_registration", "data_handling", "brand_use")
DISPUTE_TYPES = ("attribution", "pricing", "channel_conflict")
REVIEW_TYPES = ("questionnaire", "audit", "remediation")
INVESTMENT_TYPES = ("mdf", "enablement_hours", "se_hours", "incentive", "co_marketing")
ACTIVITY_TYPES = ("account_plan", "executive_touchpoint", "webinar", "event", "solution_bundle")

_PARTNER_FK = "partners.partner_id"

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        name="partners",
        description="One row per partner: the master list every other table points at.",
        source_system="CRM / partner portal",
        key=("partner_id",),
        columns=(
            _c("partner_id", "id", "Partner identifier as exported (text; leading zeros kept)."),
            _c("partner_name", "text", "Display name from the CRM (untrusted text)."),
            _c("partner_type", "category", "Business model of the partner.", allowed=PARTNER_TYPES),
            _c("region", "category", "Home sales region.", allowed=REGIONS),
            _c("size", "category", "Size band by partner headcount.", allowed=PARTNER_SIZES),
            _c("joined_date", "date", "Date the partner agreement was signed."),
        ),
    ),
    TableSpec(
        name="opportunities",
        description="CRM opportunities, partner-involved and direct (the direct ones give "
        "the direct-only win-rate baseline).",
        source_system="CRM",
        key=("opportunity_id",),
        columns=(
            _c("opportunity_id", "id", "Opportunity identifier."),
            _c("partner_id", "id", "Partner on the deal; empty for direct deals.",
               nullable=True, references=_PARTNER_FK),
            _c("account_id", "id", "Customer account identifier."),
            _c("motion", "category", "Selling motion.", allowed=MOTIONS),
            _c("attribution", "category",
               "Partner attribution: sourced (partner brought the deal) or influenced; "
               "empty for direct deals.", nullable=True, allowed=ATTRIBUTIONS),
            _c("stage", "category", "Current stage.", allowed=STAGES),
            _c("amount", "money", "Deal amount in the reporting currency.", minimum=0),
            _c("created_date", "date", "Date the opportunity was created."),
            _c("closed_date", "date", "Date it was won or lost; empty while open.",
               nullable=True),
            _c("deal_registered", "boolean",
               "Whether the partner registered the deal under the program rules."),
        ),
        row_rules=(
            RowRule("closed_after_created", "A deal cannot close before it was created.",
                    "closed_date", ">=", "created_date"),
        ),
    ),
    TableSpec(
        name="deliverables",
        description="Joint commitments with a due date (milestones, enablement, assets).",
        source_system="joint plans / PM tool",
        key=("deliverable_id",),
        columns=(
            _c("deliverable_id", "id", "Deliverable identifier."),
            _c("partner_id", "id", "Partner that owns the commitment.", references=_PARTNER_FK),
            _c("kind", "category", "What was promised.", allowed=DELIVERABLE_KINDS),
            _c("due_date", "date", "Date it was due."),
            _c("delivered_date", "date", "Date it was delivered; empty if not yet.",
               nullable=True),
            _c("rework_required", "boolean",
               "Whether the delivered work had to be redone (empty if not delivered).",
               nullable=True),
        ),
    ),
    TableSpec(
        name="tickets",
        description="Support tickets involving a partner.",
        source_system="support desk",
        key=("ticket_id",),
        columns=(
            _c("ticket_id", "id", "Ticket identifier."),
            _c("partner_id", "id", "Partner involved.", references=_PARTNER_FK),
            _c("account_id", "id", "Customer account, if known.", nullable=True),
            _c("opened_at", "timestamp", "When the ticket was opened (UTC)."),
            _c("resolved_at", "timestamp", "When it was resolved (UTC); empty if open.",
               nullable=True),
            _c("sla_due_at", "timestamp", "Resolution deadline under the SLA (UTC)."),
            _c("severity", "category", "Severity, sev1 most severe.", allowed=SEVERITIES),
            _c("escalated", "boolean", "Whether the ticket was escalated."),
        ),
        row_rules=(
            RowRule("resolved_after_opened", "A ticket cannot be resolved before it was opened.",
                    "resolved_at", ">=", "opened_at"),
            RowRule("sla_after_opened", "The SLA deadline must be after opening.",
                    "sla_due_at", ">=", "opened_at"),
        ),
    ),
    TableSpec(
        name="certifications",
        description="Headcount and certified people by role, one snapshot per partner, role "
        "and date (the latest snapshot in a quarter counts).",
        source_system="partner portal",
        key=("partner_id", "snapshot_date", "role"),
        columns=(
            _c("partner_id", "id", "Partner.", references=_PARTNER_FK),
            _c("snapshot_date", "date", "Date of the snapshot."),
            _c("role", "category", "Role.", allowed=ROLES),
            _c("headcount", "integer", "People in this role at the partner.", minimum=0),
            _c("certified", "integer", "Of those, how many hold a current certification.",
               minimum=0),
        ),
        row_rules=(
            RowRule("certified_within_headcount", "Certified people cannot exceed headcount.",
                    "certified", "<=", "headcount"),
        ),
    ),
    TableSpec(
        name="policy_checks",
        description="Policy compliance checks (deal registration, data handling, brand use).",
        source_system="partner ops",
        key=("check_id",),
        columns=(
            _c("check_id", "id", "Check identifier."),
            _c("partner_id", "id", "Partner checked.", references=_PARTNER_FK),
            _c("checked_date", "date", "Date of the check."),
            _c("policy_area", "category", "Policy checked.", allowed=POLICY_AREAS),
            _c("passed", "boolean", "Whether the partner was compliant."),
        ),
    ),
    TableSpec(
        name="disputes",
        description="Disputes raised with a partner (attribution, pricing, channel conflict).",
        source_system="partner ops / CRM",
        key=("dispute_id",),
        columns=(
            _c("dispute_id", "id", "Dispute identifier."),
            _c("partner_id", "id", "Partner in dispute.", references=_PARTNER_FK),
            _c("opportunity_id", "id", "Deal in dispute, if any.", nullable=True,
               references="opportunities.opportunity_id"),
            _c("dispute_type", "category", "What the dispute is about.", allowed=DISPUTE_TYPES),
            _c("opened_date", "date", "Date it was raised."),
            _c("resolved_date", "date", "Date it was settled; empty if open.", nullable=True),
        ),
        row_rules=(
            RowRule("resolved_after_opened", "A dispute cannot be settled before it was raised.",
                    "resolved_date", ">=", "opened_date"),
        ),
    ),
    TableSpec(
        name="security_reviews",
        description="Security and privacy reviews: questionnaires, audits and remediation.",
        source_system="security / GRC",
        key=("review_id",),
        columns=(
            _c("review_id", "id", "Review identifier."),
            _c("partner_id", "id", "Partner reviewed.", references=_PARTNER_FK),
            _c("review_type", "category", "Kind of review.", allowed=REVIEW_TYPES),
            _c("requested_date", "date", "Date the review was requested."),
            _c("due_date", "date", "Date it was due."),
            _c("completed_date", "date", "Date it was completed; empty if open.",
               nullable=True),
            _c("findings", "integer", "Findings raised (audits and questionnaires).",
               nullable=True, minimum=0),
        ),
        row_rules=(
            RowRule("due_after_requested", "A review cannot be due before it was requested.",
                    "due_date", ">=", "requested_date"),
            RowRule("completed_after_requested",
                    "A review cannot be completed before it was requested.",
                    "completed_date", ">=", "requested_date"),
        ),
    ),
    TableSpec(
        name="investments",
        description="What was invested in each partner. Amounts are in the reporting "
        "currency, except enablement_hours and se_hours, which are hours.",
        source_system="finance",
        key=("investment_id",),
        columns=(
            _c("investment_id", "id", "Line identifier."),
            _c("partner_id", "id", "Partner invested in.", references=_PARTNER_FK),
            _c("investment_date", "date", "Date of the spend or the hours."),
            _c("investment_type", "category", "Kind of investment.", allowed=INVESTMENT_TYPES),
            _c("amount", "number", "Currency, or hours for the *_hours types.", minimum=0),
        ),
    ),
    TableSpec(
        name="mdf_allocations",
        description="Market development funds allocated to a partner and how much was used.",
        source_system="finance / marketing",
        key=("allocation_id",),
        columns=(
            _c("allocation_id", "id", "Allocation identifier."),
            _c("partner_id", "id", "Partner.", references=_PARTNER_FK),
            _c("allocated_date", "date", "Date the funds were allocated."),
            _c("allocated_amount", "money", "Funds allocated.", minimum=0),
            _c("utilized_amount", "money", "Funds claimed against the allocation.", minimum=0),
        ),
        row_rules=(
            RowRule("utilized_within_allocation", "Utilized funds cannot exceed the allocation.",
                    "utilized_amount", "<=", "allocated_amount"),
        ),
    ),
    TableSpec(
        name="account_health",
        description="Quarterly snapshot of each shared customer account.",
        source_system="customer success",
        key=("account_id", "snapshot_date"),
        columns=(
            _c("account_id", "id", "Customer account."),
            _c("account_name", "text", "Account name from the CRM (untrusted text)."),
            _c("partner_id", "id", "Partner sharing the account.", references=_PARTNER_FK),
            _c("snapshot_date", "date", "Date of the snapshot (one per quarter)."),
            _c("milestones_planned", "integer", "Adoption milestones planned this quarter.",
               minimum=0),
            _c("milestones_met", "integer", "Of those, milestones met.", minimum=0),
            _c("time_to_value_days", "number", "Days from contract to first value, if reached.",
               nullable=True, minimum=0),
            _c("renewal_due", "boolean", "Whether a renewal fell due this quarter."),
            _c("renewed", "boolean", "Whether it renewed (empty when no renewal was due).",
               nullable=True),
            _c("expansion_amount", "money", "Expansion bookings this quarter.", minimum=0),
        ),
        row_rules=(
            RowRule("milestones_met_within_planned", "Met milestones cannot exceed planned ones.",
                    "milestones_met", "<=", "milestones_planned"),
        ),
    ),
    TableSpec(
        name="joint_activities",
        description="Joint initiatives: account plans, executive touchpoints, webinars, "
        "events and solution bundles.",
        source_system="partner ops / marketing",
        key=("activity_id",),
        columns=(
            _c("activity_id", "id", "Activity identifier."),
            _c("partner_id", "id", "Partner.", references=_PARTNER_FK),
            _c("activity_type", "category", "Kind of activity.", allowed=ACTIVITY_TYPES),
            _c("planned_date", "date", "Date it was planned for."),
            _c("completed_date", "date", "Date it was executed; empty if not (yet).",
               nullable=True),
        ),
    ),
    TableSpec(
        name="interventions",
        description="Improvement programs (e.g. an enablement bootcamp) and when each "
        "partner started one.",
        source_system="partner ops",
        key=("partner_id", "program"),
        required=False,
        columns=(
            _c("partner_id", "id", "Partner enrolled.", references=_PARTNER_FK),
            _c("program", "text", "Program name (untrusted text)."),
            _c("start_date", "date", "Date the partner started the program."),
        ),
    ),
)

TABLES_BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}


def table(name: str) -> TableSpec:
    """Look up a table spec by name with a clear error."""
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        known = ", ".join(TABLES_BY_NAME)
        raise KeyError(f"unknown table {name!r}; the contract defines: {known}") from None


def table_names(include_optional: bool = True) -> Iterable[str]:
    return [t.name for t in TABLES if include_optional or t.required]

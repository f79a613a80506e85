"""Event sets: the rows of one table, placed in a quarter by one of their dates.

Why a layer between tables and metrics: every metric is "aggregate these rows per
partner and quarter", and many metrics share the same rows bucketed by the same date
(win rate, dispute rate and closed deals all count partner deals *closed* in the
quarter). Declaring each event set once means the rule "which deals are partner deals,
which are closed" is written once, and :mod:`rotlib.metrics.assemble` can compute all
the metrics of one event set in a single pass over the table.

Rules written here (and shown in ``docs/metrics.md``):

* a *partner deal* is an opportunity with a ``partner_id``; a *direct deal* has
  ``motion = direct`` and no ``partner_id``; a deal is *closed* when its stage is won or
  lost and it has a ``closed_date`` (a won/lost deal without a close date cannot be
  placed in a quarter and is left out);
* certification coverage reads, for each partner and role, the latest snapshot taken in
  the quarter;
* by default the grid of quarters spans the event sets flagged ``activity``: records
  logged as they happen (tickets opened, deals closed, checks made, snapshots taken,
  disputes raised, reviews completed, funds allocated, investments booked). Deadlines and
  plans (due dates, SLA deadlines, planned dates) may lie in the future; deal creation and
  early deliveries reach back before the period an export covers (a deal closed this
  year may have been created three years ago). Those rows are counted in their quarter
  when it is reported, but do not stretch the range on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir

from rotlib.calendar import FiscalCalendar
from rotlib.metrics.quarters import QuarterGrid, quarter_index

Grain = Literal["partner", "quarter"]
RowFilter = Callable[[ir.Table], ir.BooleanValue]


@dataclass(frozen=True)
class EventSet:
    """Rows of ``table`` (optionally filtered) placed in the quarter of ``date_column``.

    ``grain`` is ``partner`` (aggregated per partner and quarter) or ``quarter`` (one
    figure per quarter, the same for every partner: the direct-deal baseline).
    ``latest_per`` keeps only the latest row per partner, quarter and these columns
    (ordered by ``date_column``). ``with_quarter_end`` adds the ``quarter_end`` column so
    a metric can test "done by the end of the quarter".
    """

    name: str
    table: str
    date_column: str
    description: str
    where: RowFilter | None = None
    grain: Grain = "partner"
    activity: bool = True
    latest_per: tuple[str, ...] = ()
    with_quarter_end: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        """Columns the event set is aggregated by."""
        return ("partner_id", "quarter_index") if self.grain == "partner" else ("quarter_index",)

    def rows(self, tables: Mapping[str, ir.Table]) -> ir.Table:
        """The table's rows that belong to the event set, before bucketing."""
        t = tables[self.table]
        return t.filter(self.where(t)) if self.where is not None else t

    def bucketed(self, tables: Mapping[str, ir.Table], grid: QuarterGrid) -> ir.Table:
        """The event set's rows with ``quarter_index``, restricted to the quarters of ``grid``.

        Rows whose date is missing or outside the grid drop out here.
        """
        t = self.rows(tables)
        t = t.mutate(quarter_index=quarter_index(t[self.date_column], grid.calendar))
        t = t.filter(t.quarter_index.between(grid.first, grid.last))
        if self.with_quarter_end:
            t = t.join(grid.table().select("quarter_index", "quarter_end"), "quarter_index")
        if self.latest_per:
            t = self._latest(t)
        return t

    def _latest(self, t: ir.Table) -> ir.Table:
        """Keep the row dated last within each partner, quarter and ``latest_per`` group.

        The contract's key makes the date unique within a group, so there are no ties.
        (A window measured slightly cheaper than a max per group joined back, or than
        ``argmax``, on 2.5M snapshots.)
        """
        group = [t.partner_id, t.quarter_index, *(t[c] for c in self.latest_per)]
        rank = ibis.row_number().over(group_by=group, order_by=ibis.desc(t[self.date_column]))
        return t.mutate(_rank=rank).filter(lambda r: r._rank == 0).drop("_rank")


def _partner_deal(t: ir.Table) -> ir.BooleanValue:
    return t.partner_id.notnull()


def _closed(t: ir.Table) -> ir.BooleanValue:
    return t.stage.isin(("won", "lost"))


EVENT_SETS: tuple[EventSet, ...] = (
    EventSet("deliverables_due", "deliverables", "due_date",
             "Joint deliverables due in the quarter (delivered or not).", activity=False),
    EventSet("deliverables_delivered", "deliverables", "delivered_date",
             "Joint deliverables delivered in the quarter.", activity=False),
    EventSet("tickets_sla_due", "tickets", "sla_due_at",
             "Partner tickets whose SLA deadline (UTC date) fell in the quarter.",
             activity=False),
    EventSet("tickets_opened", "tickets", "opened_at",
             "Partner tickets opened in the quarter (UTC date)."),
    EventSet("certification_snapshots", "certifications", "snapshot_date",
             "For each partner and role, the latest certification snapshot in the quarter.",
             latest_per=("role",)),
    EventSet("partner_deals_created", "opportunities", "created_date",
             "Partner deals (opportunities with a partner_id) created in the quarter.",
             where=_partner_deal, activity=False),
    EventSet("partner_deals_closed", "opportunities", "closed_date",
             "Partner deals closed (stage won or lost) in the quarter.",
             where=lambda t: _partner_deal(t) & _closed(t)),
    EventSet("direct_deals_closed", "opportunities", "closed_date",
             "Direct deals (motion direct, no partner) closed (won or lost) in the quarter; "
             "one figure per quarter, the same for every partner.",
             where=lambda t: (t.motion == "direct") & t.partner_id.isnull() & _closed(t),
             grain="quarter"),
    EventSet("account_snapshots", "account_health", "snapshot_date",
             "Snapshots of shared customer accounts taken in the quarter."),
    EventSet("policy_checks", "policy_checks", "checked_date",
             "Policy compliance checks made in the quarter."),
    EventSet("disputes_opened", "disputes", "opened_date", "Disputes raised in the quarter."),
    EventSet("reviews_due", "security_reviews", "due_date",
             "Security reviews due in the quarter (completed or not).", activity=False),
    EventSet("reviews_completed", "security_reviews", "completed_date",
             "Security reviews completed in the quarter."),
    EventSet("activities_planned", "joint_activities", "planned_date",
             "Joint initiatives planned for the quarter, with the quarter's last day.",
             activity=False, with_quarter_end=True),
    EventSet("mdf_allocations", "mdf_allocations", "allocated_date",
             "Market development funds allocated in the quarter."),
    EventSet("investments", "investments", "investment_date",
             "Investment lines (spend or hours) dated in the quarter."),
)

EVENT_SETS_BY_NAME: dict[str, EventSet] = {e.name: e for e in EVENT_SETS}

#: Every table the metrics read (the partners table gives the grid's rows).
SOURCE_TABLES: tuple[str, ...] = ("partners", *dict.fromkeys(e.table for e in EVENT_SETS))


def activity_range(tables: Mapping[str, ir.Table], calendar: FiscalCalendar) -> ir.Table:
    """One row: ``first`` and ``last`` quarter index with any activity (missing if none)."""
    spans = []
    for event_set in EVENT_SETS:
        if not event_set.activity:
            continue
        rows = event_set.rows(tables)
        when = rows[event_set.date_column]
        spans.append(rows.aggregate(lo=when.min(), hi=when.max()))
    span = ibis.union(*spans).aggregate(lo=lambda t: t.lo.min(), hi=lambda t: t.hi.max())
    return span.select(first=quarter_index(span.lo, calendar),
                       last=quarter_index(span.hi, calendar))

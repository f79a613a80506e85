"""Fiscal quarters inside the query: bucketing dates and the grid of quarters.

Why in the expression and not in pandas afterwards: the bucketing must run where the
data lives (DuckDB here, Spark or a warehouse later), and must agree exactly with
:meth:`rotlib.calendar.FiscalCalendar.quarter_index`, which the rest of the workbench
uses to label quarters. A date belongs to a quarter when
``quarter_start <= date <= quarter_end``; a timestamp (stored as naive UTC) belongs to
the quarter of its UTC date.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from rotlib.calendar import FiscalCalendar
from rotlib.errors import InputError


def quarter_index(
    when: ir.TimestampValue | ir.DateValue, calendar: FiscalCalendar
) -> ir.IntegerValue:
    """Ibis twin of ``FiscalCalendar.quarter_index``: a consecutive quarter number.

    ``FiscalCalendar`` computes ``fiscal_year * 4 + quarter - 1`` with ``months`` =
    ``year * 12 + month - start_month``, ``fiscal_year = months // 12 (+1 when the
    year does not start in January)`` and ``quarter = (months % 12) // 3 + 1``. Since
    12 is a multiple of 3 that equals ``months // 3 (+4)``: one integer division, with
    integer literals only (Spark reads ``1.0`` as a DECIMAL). Missing dates stay missing.
    """
    start = int(calendar.start_month)
    shift = 4 if start > 1 else 0
    months = when.year() * 12 + when.month() - start
    return (months // 3 + shift).cast("int64")


@dataclass(frozen=True)
class QuarterGrid:
    """The quarters ``first..last`` (indexes, inclusive) of a fiscal calendar."""

    calendar: FiscalCalendar
    first: int
    last: int

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise InputError(
                f"the last quarter ({FiscalCalendar.index_to_label(self.last)}) is before "
                f"the first ({FiscalCalendar.index_to_label(self.first)}).",
                fix="give the quarters in order, first then last.",
            )

    @property
    def indexes(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    def table(self) -> ir.Table:
        """One row per quarter: ``quarter_index``, ``quarter`` label, first and last day."""
        idx = self.indexes
        cal = self.calendar
        return ibis.memtable(pa.table({
            "quarter_index": pa.array(idx, pa.int64()),
            "quarter": pa.array([FiscalCalendar.index_to_label(i) for i in idx], pa.string()),
            "quarter_start": pa.array([cal.quarter_start(i) for i in idx], pa.timestamp("us")),
            "quarter_end": pa.array([cal.quarter_end(i) for i in idx], pa.timestamp("us")),
        }))


def parse_quarter(value: str | int) -> int:
    """A quarter given as a label (``"2026Q3"``) or an index, as an index."""
    if isinstance(value, int):
        return value
    try:
        return FiscalCalendar.label_to_index(value)
    except ValueError as exc:
        raise InputError(str(exc), fix="write quarters like 2026Q3.") from None

"""Which quarter a scheduled run reports on by default: the latest *complete* one.

A run on the first days of October must report Q3, not a Q4 that holds three days of
tickets. The data says how far it reaches: its *as-of date* is the latest date on which
something happened (a deal created or closed, a ticket opened or resolved, a review
completed, ...). Due dates, SLA deadlines, planned dates, program start dates and MDF
allocation dates are left out: they are often booked ahead, and one future-dated row
would otherwise make a run report an almost empty quarter. A quarter is complete when
the as-of date falls in its last ``grace_days`` days or later (an export taken on the
evening of the last day often holds nothing dated that day); otherwise the previous
quarter is the latest complete one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from rotlib.calendar import FiscalCalendar
from rotlib.contract import TABLES_BY_NAME
from rotlib.errors import InputError

#: Column-name fragments of dates that may lie in the future (booked ahead).
_NOT_EVENTS = ("due", "planned", "start_date", "allocated_date")


def event_date_columns(table_name: str) -> list[str]:
    """Date and timestamp columns of a contract table that record something that happened."""
    spec = TABLES_BY_NAME.get(table_name)
    if spec is None:
        return []
    return [c.name for c in spec.columns if c.kind in ("date", "timestamp")
            and not any(part in c.name for part in _NOT_EVENTS)]


def _as_of_parquet(folder: Path) -> pd.Timestamp | None:
    """The latest event date over validated ``<table>.parquet`` files, read by DuckDB (the
    tables are not loaded into pandas: at 100k partners tickets alone are tens of GB)."""
    import duckdb

    latest: pd.Timestamp | None = None
    with duckdb.connect() as con:
        for path in sorted(folder.glob("*.parquet")):
            columns = set(pq.read_schema(path).names)
            wanted = [c for c in event_date_columns(path.stem) if c in columns]
            if not wanted:
                continue
            select = ", ".join(f'max("{c}")' for c in wanted)
            row = con.execute(f"SELECT {select} FROM read_parquet(?)", [str(path)]).fetchone()
            for value in row or ():
                if value is not None:
                    stamp = pd.Timestamp(value)
                    if stamp.tzinfo is not None:
                        stamp = stamp.tz_convert("UTC").tz_localize(None)
                    if latest is None or stamp > latest:
                        latest = stamp
    return latest


def as_of_date(tables: Mapping[str, pd.DataFrame] | Path | str) -> pd.Timestamp | None:
    """The latest event date in any table (UTC-naive), or ``None`` when nothing is dated.

    ``tables`` is a mapping of validated frames, or a folder of validated Parquet files.
    """
    if isinstance(tables, (str, Path)):
        return _as_of_parquet(Path(tables))
    latest: pd.Timestamp | None = None
    for name, frame in tables.items():
        for column in event_date_columns(name):
            if column not in frame.columns:
                continue
            values = pd.to_datetime(frame[column], errors="coerce")
            if getattr(values.dt, "tz", None) is not None:
                values = values.dt.tz_convert("UTC").dt.tz_localize(None)
            top = values.max()
            if pd.notna(top) and (latest is None or top > latest):
                latest = pd.Timestamp(top)
    return latest


@dataclass(frozen=True)
class ReportQuarter:
    """The quarter a run reports on and why."""

    quarter: str
    quarter_index: int
    as_of: str | None
    reason: str


def latest_complete_quarter(tables: Mapping[str, pd.DataFrame] | Path | str,
                            calendar: FiscalCalendar,
                            *, grace_days: int = 14) -> ReportQuarter:
    """The latest quarter the data covers completely (see the module docstring)."""
    as_of = as_of_date(tables)
    if as_of is None:
        raise InputError("no table has a dated event, so there is no quarter to report.",
                         fix="check that the exports are not empty, or pass --quarter.")
    index = int(calendar.quarter_index(pd.Series([as_of])).iloc[0])
    end = calendar.quarter_end(index)
    day = as_of.normalize()
    if day >= end - pd.Timedelta(days=grace_days - 1):
        reason = (f"the data reaches {day.date()}, within the last {grace_days} days of "
                  f"{FiscalCalendar.index_to_label(index)}")
    else:
        reason = (f"the data reaches {day.date()}, before the last {grace_days} days of "
                  f"{FiscalCalendar.index_to_label(index)}, which is therefore incomplete")
        index -= 1
    return ReportQuarter(FiscalCalendar.index_to_label(index), index, str(day.date()), reason)


def choose_quarter(requested: str, tables: Mapping[str, pd.DataFrame] | Path | str,
                   calendar: FiscalCalendar) -> ReportQuarter:
    """The requested quarter (checked), or the latest complete one when none was asked."""
    if requested:
        try:
            index = FiscalCalendar.label_to_index(requested)
        except ValueError as exc:
            raise InputError(str(exc), fix="write the quarter like 2026Q3.") from None
        as_of = as_of_date(tables)
        return ReportQuarter(requested, index, str(as_of.date()) if as_of is not None else None,
                             "requested with --quarter")
    return latest_complete_quarter(tables, calendar)

"""The quarter bucketing inside the query matches FiscalCalendar exactly."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotlib.calendar import FiscalCalendar
from rotlib.errors import InputError
from rotlib.metrics.quarters import QuarterGrid, parse_quarter, quarter_index

MONTHS = range(1, 13)


def _edges() -> list[dt.datetime]:
    """First and last instant of every month of two years (quarter boundaries included)."""
    out = []
    for year in (2025, 2026):
        for month in MONTHS:
            first = dt.datetime(year, month, 1)
            out += [first, first - dt.timedelta(microseconds=1), first + dt.timedelta(hours=12)]
    return out


def _ibis_quarters(stamps: list[dt.datetime], start_month: int) -> list[int | None]:
    table = ibis.memtable(pa.table({"at": pa.array(stamps, pa.timestamp("us"))}))
    expr = table.select(q=quarter_index(table.at, FiscalCalendar(start_month)))
    con = ibis.duckdb.connect()
    try:
        return con.to_pyarrow(expr).column("q").to_pylist()
    finally:
        con.disconnect()


def _reference(stamps: list[dt.datetime], start_month: int) -> list[int | None]:
    series = FiscalCalendar(start_month).quarter_index(pd.Series(stamps, dtype="datetime64[us]"))
    return [None if pd.isna(v) else int(v) for v in series]


@pytest.mark.parametrize("start_month", MONTHS)
def test_boundaries_match_fiscal_calendar(start_month):
    stamps = [*_edges(), None]
    assert _ibis_quarters(stamps, start_month) == _reference(stamps, start_month)


@settings(max_examples=40, deadline=None)
@given(
    stamps=st.lists(st.datetimes(min_value=dt.datetime(1990, 1, 1),
                                 max_value=dt.datetime(2100, 12, 31, 23, 59, 59)),
                    min_size=1, max_size=30),
    start_month=st.sampled_from(MONTHS),
)
def test_random_instants_match_fiscal_calendar(stamps, start_month):
    assert _ibis_quarters(stamps, start_month) == _reference(stamps, start_month)


@pytest.mark.parametrize("start_month", MONTHS)
def test_grid_bounds_hold_their_own_dates(start_month):
    cal = FiscalCalendar(start_month)
    grid = QuarterGrid(cal, 8100, 8107)
    frame = ibis.duckdb.connect().to_pyarrow(grid.table()).to_pandas()
    assert list(frame.quarter_index) == list(range(8100, 8108))
    assert list(frame.quarter) == [FiscalCalendar.index_to_label(i) for i in range(8100, 8108)]
    # each quarter's first and last day fall in it, the next day in the next quarter
    assert list(cal.quarter_index(frame.quarter_start)) == list(frame.quarter_index)
    assert list(cal.quarter_index(frame.quarter_end)) == list(frame.quarter_index)
    after = frame.quarter_end + pd.Timedelta(days=1)
    assert list(cal.quarter_index(after)) == list(frame.quarter_index + 1)


def test_parse_quarter_accepts_labels_and_indexes():
    assert parse_quarter("2026Q3") == 2026 * 4 + 2
    assert parse_quarter(8106) == 8106
    with pytest.raises(InputError, match="2026Q3"):
        parse_quarter("Q3-2026")

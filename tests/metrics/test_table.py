"""The shape of the metrics table: grid, columns, types, ranges, reasons, calendars."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from rotlib.calendar import FiscalCalendar
from rotlib.errors import InputError
from rotlib.metrics import (
    SOURCE_TABLES,
    compute_metrics,
    engine,
    metrics_columns,
    metrics_expr,
    pandas_dtypes,
)
from rotlib.metrics.assemble import all_plans
from rotlib.metrics.quarters import QuarterGrid
from rotlib.metrics.types import den_column, num_column, reason_column
from rotlib.registry import ALL_METRICS

FRACTIONS = [m for m in ALL_METRICS if m.keeps_fraction]
PLAIN_ZERO = [m for m in ALL_METRICS if m.kind in ("count", "amount")]


def test_grid_is_every_partner_times_every_active_quarter(world_metrics):
    # activity runs from the 2025-12-15 dispute to the 2026-06-30 snapshots. O3, created
    # 2025-11-01, does not open a quarter by itself; D6 is due in 2026Q3 but a deadline
    # is not activity either, so there is no 2026Q3 row
    assert list(world_metrics.columns) == metrics_columns()
    assert len(world_metrics) == 3 * 3
    expected = [(p, q) for p in ("P1", "P2", "P3") for q in ("2025Q4", "2026Q1", "2026Q2")]
    assert list(zip(world_metrics.partner_id, world_metrics.quarter, strict=True)) == expected


def test_quarter_columns_follow_the_calendar(world_metrics):
    cal = FiscalCalendar(1)
    row = world_metrics[world_metrics.quarter == "2026Q1"].iloc[0]
    assert row.quarter_index == FiscalCalendar.label_to_index("2026Q1")
    assert row.quarter_start == pd.Timestamp("2026-01-01")
    assert row.quarter_end == pd.Timestamp("2026-03-31")
    assert (world_metrics.quarter_start.map(lambda d: cal.quarter_index([d]).iloc[0])
            == world_metrics.quarter_index).all()


def test_dtypes_are_the_documented_ones(world_metrics):
    assert {c: str(t) for c, t in world_metrics.dtypes.items()} == pandas_dtypes()


def test_partner_attributes_are_carried_verbatim(world_metrics):
    names = world_metrics.drop_duplicates("partner_id").set_index("partner_id").partner_name
    assert names.to_dict() == {"P1": "Partner P1", "P2": "NA", "P3": "=HYPERLINK(1)"}
    assert (world_metrics.region == "emea").all()


@pytest.mark.parametrize("definition", FRACTIONS, ids=lambda m: m.id)
def test_value_reason_and_denominator_agree(world_metrics, definition):
    mid = definition.id
    den = world_metrics[den_column(mid)]
    value = world_metrics[mid]
    reason = world_metrics[reason_column(mid)]
    assert (value.isna() == (den == 0)).all(), "missing exactly when the denominator is 0"
    assert (reason[den == 0] == definition.missing_when).all()
    assert (reason[den > 0] == "").all()
    present = den > 0
    expected = world_metrics[num_column(mid)][present] / den[present]
    assert (value[present] - expected).abs().max() < 1e-12 if present.any() else True


@pytest.mark.parametrize("definition", PLAIN_ZERO, ids=lambda m: m.id)
def test_counts_and_amounts_are_never_missing(world_metrics, definition):
    column = world_metrics[definition.id]
    assert column.notna().all()
    assert (column[world_metrics.partner_id == "P2"] == 0).all()


def test_partner_without_activity_gets_rows_with_reasons(world_metrics):
    p2 = world_metrics[world_metrics.partner_id == "P2"]
    for definition in FRACTIONS:
        if definition.id == "direct_win_rate_baseline":
            continue  # the baseline does not depend on the partner
        assert p2[definition.id].isna().all(), definition.id
        assert (p2[reason_column(definition.id)] == definition.missing_when).all()


def test_explicit_quarter_range_adds_empty_quarters(world_tables, check):
    metrics = compute_metrics(world_tables, quarters=("2026Q1", "2026Q3"))
    assert sorted(metrics.quarter.unique()) == ["2026Q1", "2026Q2", "2026Q3"]
    assert len(metrics) == 3 * 3
    # D6 is due in 2026Q3 and not delivered: 0 of 1 on time, a value, not missing
    check(metrics, "P3", "2026Q3", "on_time_delivery_rate", 0.0, 0, 1)
    check(metrics, "P1", "2026Q3", "tickets_opened", 0)
    # out-of-range activity is left out, not folded into the edge quarters
    check(metrics, "P1", "2026Q1", "disputes_opened", 2)
    index = FiscalCalendar.label_to_index("2026Q2")
    same = compute_metrics(world_tables, quarters=(index, index))
    assert list(same.quarter.unique()) == ["2026Q2"]


@pytest.mark.parametrize("quarters", [("2026Q5", "2026Q6"), ("26Q1", "2026Q2"),
                                      ("2026Q2", "2026Q1")])
def test_bad_quarter_range_is_an_input_error(world_tables, quarters):
    with pytest.raises(InputError, match="quarter"):
        compute_metrics(world_tables, quarters=quarters)


def test_no_activity_at_all_is_an_input_error(make_tables, partner_row):
    tables = make_tables(partners=[partner_row("P1")])
    with pytest.raises(InputError, match="no table has a dated record"):
        compute_metrics(tables)
    one = compute_metrics(tables, quarters=("2026Q1", "2026Q1"))
    assert len(one) == 1 and one.tickets_opened.iloc[0] == 0


def test_no_partners_gives_an_empty_typed_table(world_tables):
    tables = dict(world_tables, partners=world_tables["partners"].iloc[:0])
    metrics = compute_metrics(tables)
    assert metrics.empty
    assert {c: str(t) for c, t in metrics.dtypes.items()} == pandas_dtypes()


def test_fiscal_year_starting_in_february(world_tables, check):
    cal = FiscalCalendar(2)
    metrics = compute_metrics(world_tables, calendar=cal)
    # FY2027 runs February 2026 - January 2027: its Q1 is 1 February - 30 April 2026
    row = metrics[(metrics.partner_id == "P1") & (metrics.quarter == "2027Q1")].iloc[0]
    assert row.quarter_start == pd.Timestamp("2026-02-01")
    assert row.quarter_end == pd.Timestamp("2026-04-30")
    assert (metrics.quarter == cal.quarter_label(metrics.quarter_start)).all()
    # activity from 1 Nov 2025 (FY2026Q4: Nov-Jan) to 30 Jun 2026 (FY2027Q2: May-Jul)
    assert sorted(metrics.quarter.unique()) == ["2026Q4", "2027Q1", "2027Q2"]
    # J2, completed 1 April, is now inside the quarter it was planned for
    check(metrics, "P1", "2027Q1", "joint_initiative_completion", 0.75, 3, 4)
    # tickets T1, T2, T3, T5 (1 Feb - 1 Apr) share one quarter; T4 (10 Jan) is FY2026Q4
    check(metrics, "P1", "2027Q1", "tickets_opened", 4)
    check(metrics, "P3", "2026Q4", "tickets_opened", 1)


def test_every_registered_metric_has_exactly_one_plan():
    assert list(all_plans()) == [m.id for m in ALL_METRICS]


@pytest.mark.parametrize("definition", FRACTIONS, ids=lambda m: m.id)
def test_every_rate_says_when_it_is_missing(definition):
    assert definition.missing_when.strip()


@pytest.mark.parametrize("dialect", ["databricks", "snowflake", "postgres"])
def test_expression_compiles_for_other_engines(world_tables, dialect):
    """The definitions are portable Ibis: they compile to Spark SQL and warehouse SQL."""
    con = engine.connect()
    try:
        tables = engine.load_tables(con, world_tables, SOURCE_TABLES)
        sql = ibis.to_sql(metrics_expr(tables, QuarterGrid(FiscalCalendar(3), 8100, 8107)),
                          dialect=dialect)
    finally:
        con.disconnect()
    assert "on_time_delivery_rate__reason" in sql


def test_normalise_sorts_and_types_a_pandas_result(world_metrics):
    """Another engine may hand back pandas, shuffled and loosely typed: same table out."""
    from rotlib.metrics.types import normalise

    loose = world_metrics.sample(frac=1, random_state=0).astype(
        {"tickets_opened": "float64", "quarter_index": "Int64"})
    pd.testing.assert_frame_equal(normalise(loose), world_metrics)
    with pytest.raises(ValueError, match="must never be missing"):
        normalise(loose.assign(tickets_opened=float("nan")))

"""Tiny, hand-typed fixtures for the metrics tests.

Tables are built exactly as ``rotlib.validation`` hands them over (the contract's
columns, typed: text as ``str``, dates and timestamps as naive ``datetime64[us]``,
integers as ``Int64``, numbers as ``float64``, booleans as ``boolean``), so a test
states only the rows it cares about; every other table is present and empty.

``WORLD`` is one small portfolio that every family test reads: partner P1 is busy,
P2 has no activity at all, P3 a little. Its activity spans 2025Q4..2026Q2 (calendar
quarters). The expected values in the tests are worked out by hand from these rows;
the comments say how.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
import pytest

from rotlib.contract import TABLES, table
from rotlib.metrics import compute_metrics
from rotlib.metrics.types import den_column, num_column, reason_column
from rotlib.parsing import PANDAS_DTYPES
from rotlib.registry import metric


def typed_frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """A contract-typed frame of table ``name``; columns a row leaves out are missing."""
    spec = table(name)
    unknown = {k for row in rows for k in row} - set(spec.column_names)
    assert not unknown, f"{name}: no such columns {unknown}"
    data = {}
    for col in spec.columns:
        values = [row.get(col.name) for row in rows]
        dtype = PANDAS_DTYPES[col.kind]
        if col.kind in ("date", "timestamp"):
            stamps = pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601")
            data[col.name] = stamps.astype(dtype)
        else:
            data[col.name] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(data)


def build_tables(**rows: list[dict]) -> dict[str, pd.DataFrame]:
    """Every contract table, typed; those not given are empty."""
    return {t.name: typed_frame(t.name, rows.get(t.name, [])) for t in TABLES}


def partner(pid: str, name: str | None = None) -> dict:
    return {"partner_id": pid, "partner_name": name or f"Partner {pid}",
            "partner_type": "reseller", "region": "emea", "size": "small",
            "joined_date": "2020-01-01"}


def _rows(columns: str, *values: tuple) -> list[dict]:
    names = columns.split()
    return [dict(zip(names, v, strict=True)) for v in values]


WORLD: dict[str, list[dict]] = {
    "partners": [partner("P1"), partner("P2", "NA"), partner("P3", "=HYPERLINK(1)")],
    "deliverables": _rows(
        "deliverable_id partner_id kind due_date delivered_date rework_required",
        ("D1", "P1", "integration_milestone", "2026-02-10", "2026-02-10", False),
        ("D2", "P1", "joint_implementation", "2026-03-31", "2026-04-02", True),
        ("D3", "P1", "co_authored_asset", "2026-01-05", None, None),
        ("D4", "P1", "enablement_commitment", "2026-05-01", "2026-03-15", None),
        ("D5", "P3", "integration_milestone", "2026-04-30", "2026-04-30", True),
        ("D6", "P3", "integration_milestone", "2026-09-30", None, None),  # future: no Q3 row
    ),
    "tickets": _rows(
        "ticket_id partner_id opened_at sla_due_at resolved_at severity escalated",
        ("T1", "P1", "2026-03-01T10:00:00", "2026-03-31T23:59:59", "2026-03-31T23:59:59",
         "sev2", False),
        ("T2", "P1", "2026-03-31T23:59:59", "2026-04-01T00:00:00", "2026-04-01T00:00:01",
         "sev1", True),
        ("T3", "P1", "2026-02-01T00:00:00", "2026-02-02T12:00:00", None, "sev3", False),
        ("T4", "P3", "2026-01-10T00:00:00", "2026-01-11T00:00:00", "2026-01-10T08:00:00",
         "sev4", False),
        ("T5", "P1", "2026-04-01T00:00:00", "2026-04-03T00:00:00", "2026-04-02T00:00:00",
         "sev2", True),
    ),
    "certifications": _rows(
        "partner_id snapshot_date role headcount certified",
        ("P1", "2025-12-31", "sales", 10, 10),
        ("P1", "2026-01-15", "sales", 10, 5),
        ("P1", "2026-01-15", "solutions", 4, 4),
        ("P1", "2026-01-15", "support", 6, 0),
        ("P1", "2026-03-20", "sales", 10, 8),
        ("P1", "2026-04-01", "support", 0, 0),
    ),
    "opportunities": _rows(
        "opportunity_id partner_id account_id motion attribution stage amount created_date "
        "closed_date deal_registered",
        ("O1", "P1", "A1", "co_sell", "sourced", "won", 100.0, "2026-01-01", "2026-02-01", True),
        ("O2", "P1", "A2", "partner_only", "influenced", "lost", 200.0, "2026-01-15",
         "2026-03-31", True),
        ("O3", "P1", "A3", "co_sell", "influenced", "won", 300.0, "2025-11-01", "2026-01-01",
         False),
        ("O4", "P1", "A4", "direct", None, "lost", 50.0, "2026-02-01", "2026-02-20", False),
        ("O5", "P1", "A5", "co_sell", "sourced", "open", 400.0, "2026-03-01", None, True),
        ("O6", "P1", "A6", "co_sell", "sourced", "won", 500.0, "2026-03-01", "2026-04-01", True),
        ("O7", "P1", "A7", "partner_only", None, "open", 60.0, "2026-04-15", None, False),
        ("O8", "P1", "A8", "partner_only", "sourced", "won", 80.0, "2026-03-01", "2026-03-11",
         True),
        ("O9", "P1", "A9", "co_sell", "influenced", "won", 90.0, "2026-03-25", "2026-04-21",
         True),
        ("O10", "P3", "B1", "co_sell", "sourced", "lost", 70.0, "2026-01-05", "2026-01-20", True),
        ("O11", "P3", "B2", "co_sell", "influenced", "lost", 30.0, "2026-01-06", "2026-02-20",
         True),
        ("X1", None, "C1", "direct", None, "won", 1000.0, "2026-01-01", "2026-02-01", False),
        ("X2", None, "C2", "direct", None, "lost", 1000.0, "2026-01-01", "2026-03-01", False),
        ("X3", None, "C3", "direct", None, "lost", 1000.0, "2026-01-01", "2026-03-31", False),
        ("X4", None, "C4", "direct", None, "open", 1000.0, "2026-04-10", None, False),
    ),
    "disputes": _rows(
        "dispute_id partner_id opportunity_id dispute_type opened_date resolved_date",
        ("Dp1", "P1", "O1", "attribution", "2026-01-10", "2026-01-20"),
        ("Dp2", "P1", None, "pricing", "2026-03-31", None),
        ("Dp3", "P1", None, "channel_conflict", "2026-04-05", None),
        ("Dp4", "P1", None, "pricing", "2025-12-15", None),
    ),
    "policy_checks": _rows(
        "check_id partner_id checked_date policy_area passed",
        ("PC1", "P1", "2026-01-10", "deal_registration", True),
        ("PC2", "P1", "2026-02-10", "data_handling", True),
        ("PC3", "P1", "2026-03-10", "brand_use", False),
        ("PC4", "P1", "2026-04-10", "brand_use", False),
    ),
    "security_reviews": _rows(
        "review_id partner_id review_type requested_date due_date completed_date findings",
        ("R1", "P1", "questionnaire", "2026-01-01", "2026-02-01", "2026-02-01", 2),
        ("R2", "P1", "audit", "2026-01-15", "2026-03-15", "2026-03-20", None),
        ("R3", "P1", "remediation", "2026-02-01", "2026-03-30", None, None),
        ("R4", "P1", "questionnaire", "2026-03-01", "2026-05-01", "2026-04-01", 1),
    ),
    "investments": _rows(
        "investment_id partner_id investment_date investment_type amount",
        ("I1", "P1", "2026-01-05", "mdf", 1000.0),
        ("I2", "P1", "2026-02-05", "mdf", 500.0),
        ("I3", "P1", "2026-03-05", "enablement_hours", 12.5),
        ("I4", "P1", "2026-04-05", "se_hours", 8.0),
        ("I5", "P1", "2026-02-05", "incentive", 250.0),
        ("I6", "P3", "2026-01-20", "co_marketing", 300.0),
    ),
    "mdf_allocations": _rows(
        "allocation_id partner_id allocated_date allocated_amount utilized_amount",
        ("M1", "P1", "2026-01-10", 1000.0, 250.0),
        ("M2", "P1", "2026-03-10", 500.0, 500.0),
        ("M3", "P1", "2026-04-10", 0.0, 0.0),
    ),
    "account_health": _rows(
        "account_id account_name partner_id snapshot_date milestones_planned milestones_met "
        "time_to_value_days renewal_due renewed expansion_amount",
        ("A1", "Acme", "P1", "2026-03-31", 4, 3, 30.0, True, True, 1000.0),
        ("A2", "Beta", "P1", "2026-03-31", 0, 0, None, True, False, 0.0),
        ("A4", "Delta", "P1", "2026-03-31", 2, 0, None, True, None, 500.0),
        ("A5", "Echo", "P1", "2026-03-31", 1, 1, 12.0, False, None, 0.0),
        ("A1", "Acme", "P1", "2026-06-30", 0, 0, 30.0, False, None, 200.0),
        ("A2", "Beta", "P1", "2026-06-30", 0, 0, None, False, True, 0.0),
        ("A3", "Gamma", "P3", "2026-01-01", 2, 2, 45.0, False, None, 0.0),
    ),
    "joint_activities": _rows(
        "activity_id partner_id activity_type planned_date completed_date",
        ("J1", "P1", "account_plan", "2026-02-01", "2026-03-31"),
        ("J2", "P1", "executive_touchpoint", "2026-03-01", "2026-04-01"),
        ("J3", "P1", "webinar", "2026-03-15", "2026-01-10"),
        ("J4", "P1", "event", "2026-02-20", None),
    ),
}


def check_metric(frame: pd.DataFrame, partner_id: str, quarter: str, metric_id: str,
                 value: float | None, num: float | None = None, den: float | None = None
                 ) -> None:
    """Assert one metric of one row; ``value=None`` means missing (with its reason)."""
    rows = frame[(frame.partner_id == partner_id) & (frame.quarter == quarter)]
    assert len(rows) == 1, f"{len(rows)} rows for {partner_id} {quarter}"
    row = rows.iloc[0]
    where = f"{metric_id} of {partner_id} in {quarter}"
    definition = metric(metric_id)
    if value is None:
        assert pd.isna(row[metric_id]), f"{where}: expected missing, got {row[metric_id]}"
    else:
        assert not pd.isna(row[metric_id]), f"{where}: expected {value}, got missing"
        assert math.isclose(row[metric_id], value, rel_tol=1e-12), \
            f"{where}: expected {value}, got {row[metric_id]}"
    if definition.keeps_fraction:
        got = (row[num_column(metric_id)], row[den_column(metric_id)])
        assert got == (num, den), f"{where}: (numerator, denominator) {got} != {(num, den)}"
        expected_reason = definition.missing_when if value is None else ""
        assert row[reason_column(metric_id)] == expected_reason, f"{where}: reason"
    else:
        assert num is None and den is None, "only proportions and ratios keep num/den"


@pytest.fixture(scope="session")
def make_tables() -> Callable[..., dict[str, pd.DataFrame]]:
    return build_tables


@pytest.fixture(scope="session")
def partner_row() -> Callable[..., dict]:
    return partner


@pytest.fixture(scope="session")
def world_tables() -> dict[str, pd.DataFrame]:
    return build_tables(**WORLD)


@pytest.fixture(scope="session")
def world_metrics(world_tables) -> pd.DataFrame:
    return compute_metrics(world_tables)


@pytest.fixture(scope="session")
def check() -> Callable[..., None]:
    return check_metric

"""Investment amounts against hand-computed values on the WORLD fixture (conftest)."""

from __future__ import annotations

import pytest

from rotlib.registry import INVESTMENTS

CASES = [
    ("P1", "2026Q1", "investment_mdf", 1500.0),  # I1 1000 + I2 500
    ("P1", "2026Q1", "investment_enablement_hours", 12.5),
    ("P1", "2026Q1", "investment_se_hours", 0.0),
    ("P1", "2026Q2", "investment_se_hours", 8.0),
    ("P1", "2026Q1", "investment_incentive", 250.0),
    ("P1", "2026Q1", "investment_co_marketing", 0.0),
    ("P3", "2026Q1", "investment_co_marketing", 300.0),
    ("P1", "2025Q4", "investment_mdf", 0.0),
]


@pytest.mark.parametrize(("partner", "quarter", "metric_id", "value"), CASES)
def test_investment_amount(world_metrics, check, partner, quarter, metric_id, value):
    check(world_metrics, partner, quarter, metric_id, value)


@pytest.mark.parametrize("metric_id", [m.id for m in INVESTMENTS])
def test_no_investment_is_zero_not_missing(world_metrics, check, metric_id):
    for quarter in ("2025Q4", "2026Q1", "2026Q2"):
        check(world_metrics, "P2", quarter, metric_id, 0.0)

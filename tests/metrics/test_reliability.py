"""Reliability metrics against hand-computed values on the WORLD fixture (conftest)."""

from __future__ import annotations

import pytest

CASES = [
    # on-time: due in 2026Q1 are D1 (on the day: on time), D2 (late), D3 (never delivered)
    ("P1", "2026Q1", "on_time_delivery_rate", 1 / 3, 1, 3),
    # due in 2026Q2: D4, delivered early
    ("P1", "2026Q2", "on_time_delivery_rate", 1.0, 1, 1),
    ("P1", "2025Q4", "on_time_delivery_rate", None, 0, 0),
    ("P3", "2026Q1", "on_time_delivery_rate", None, 0, 0),
    ("P3", "2026Q2", "on_time_delivery_rate", 1.0, 1, 1),  # D5 on the due day
    ("P2", "2026Q1", "on_time_delivery_rate", None, 0, 0),  # no activity at all
    # SLA: deadlines in 2026Q1 are T1 (resolved at the deadline second: kept) and T3 (open)
    ("P1", "2026Q1", "sla_adherence_rate", 0.5, 1, 2),
    # deadlines in 2026Q2: T2 (deadline 00:00:00 on 1 April, resolved 1 s late), T5 (kept)
    ("P1", "2026Q2", "sla_adherence_rate", 0.5, 1, 2),
    ("P3", "2026Q1", "sla_adherence_rate", 1.0, 1, 1),
    ("P3", "2026Q2", "sla_adherence_rate", None, 0, 0),
    ("P2", "2026Q2", "sla_adherence_rate", None, 0, 0),
    # rework: delivered in 2026Q1 are D1 (no rework) and D4 (rework left empty: counts as no);
    # a rate of 0 is a value, not missing
    ("P1", "2026Q1", "rework_rate", 0.0, 0, 2),
    ("P1", "2026Q2", "rework_rate", 1.0, 1, 1),  # D2, delivered 2 April, reworked
    ("P3", "2026Q2", "rework_rate", 1.0, 1, 1),
    ("P3", "2026Q1", "rework_rate", None, 0, 0),
]


@pytest.mark.parametrize(("partner", "quarter", "metric_id", "value", "num", "den"), CASES)
def test_reliability_metric(world_metrics, check, partner, quarter, metric_id, value, num, den):
    check(world_metrics, partner, quarter, metric_id, value, num, den)

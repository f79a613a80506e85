"""Competence metrics against hand-computed values on the WORLD fixture (conftest)."""

from __future__ import annotations

import pytest

CASES = [
    # the 2025-12-31 snapshot belongs to 2025Q4 (10 of 10 in sales)
    ("P1", "2025Q4", "certification_coverage", 1.0, 10, 10),
    # 2026Q1: latest per role: sales 8/10 (20 March), solutions 4/4 and support 0/6 (15 Jan)
    ("P1", "2026Q1", "certification_coverage", 12 / 20, 12, 20),
    # 2026Q2: only a support snapshot with zero headcount: missing, not 0
    ("P1", "2026Q2", "certification_coverage", None, 0, 0),
    ("P2", "2026Q1", "certification_coverage", None, 0, 0),
    # joint (co-sell) win rate: 2026Q1 co-sell closes O1 won, O3 won (closed on 1 January);
    # O2 and O8 are partner-only, O4 is motion direct and O5 is open: all left out
    ("P1", "2026Q1", "joint_win_rate", 1.0, 2, 2),
    ("P1", "2026Q2", "joint_win_rate", 1.0, 2, 2),  # O6 (closed 1 April), O9
    ("P1", "2025Q4", "joint_win_rate", None, 0, 0),
    ("P3", "2026Q1", "joint_win_rate", 0.0, 0, 2),  # O10 and O11 lost
    ("P2", "2026Q1", "joint_win_rate", None, 0, 0),
    # milestones on 2026Q1 snapshots: met 3+0+0+1 of planned 4+0+2+1
    ("P1", "2026Q1", "customer_outcome_attainment", 4 / 7, 4, 7),
    ("P1", "2026Q2", "customer_outcome_attainment", None, 0, 0),  # snapshots, nothing planned
    ("P3", "2026Q1", "customer_outcome_attainment", 1.0, 2, 2),
    ("P3", "2026Q2", "customer_outcome_attainment", None, 0, 0),
]


@pytest.mark.parametrize(("partner", "quarter", "metric_id", "value", "num", "den"), CASES)
def test_competence_metric(world_metrics, check, partner, quarter, metric_id, value, num, den):
    check(world_metrics, partner, quarter, metric_id, value, num, den)

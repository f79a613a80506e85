"""Reciprocity metrics against hand-computed values on the WORLD fixture (conftest)."""

from __future__ import annotations

import pytest

CASES = [
    # created in 2026Q1 with an attribution: O1 s, O2 i, O5 s, O6 s, O8 s, O9 i (O4 has
    # none and is left out; direct deals X1-X3 have no partner)
    ("P1", "2026Q1", "partner_sourced_share", 4 / 6, 4, 6),
    ("P1", "2025Q4", "partner_sourced_share", 0.0, 0, 1),  # O3 influenced
    ("P1", "2026Q2", "partner_sourced_share", None, 0, 0),  # only O7, without attribution
    ("P3", "2026Q1", "partner_sourced_share", 0.5, 1, 2),
    ("P2", "2026Q1", "partner_sourced_share", None, 0, 0),
    # planned in 2026Q1: J1 done on 31 March (the quarter's last day), J2 done 1 April
    # (too late), J3 done before its planned date, J4 not done
    ("P1", "2026Q1", "joint_initiative_completion", 0.5, 2, 4),
    ("P1", "2026Q2", "joint_initiative_completion", None, 0, 0),
    # MDF: 250 + 500 used of 1000 + 500 allocated (money: float num/den)
    ("P1", "2026Q1", "co_investment_rate", 0.5, 750.0, 1500.0),
    ("P1", "2026Q2", "co_investment_rate", None, 0.0, 0.0),  # an allocation of 0
    ("P3", "2026Q1", "co_investment_rate", None, 0.0, 0.0),
]


@pytest.mark.parametrize(("partner", "quarter", "metric_id", "value", "num", "den"), CASES)
def test_reciprocity_metric(world_metrics, check, partner, quarter, metric_id, value, num, den):
    check(world_metrics, partner, quarter, metric_id, value, num, den)

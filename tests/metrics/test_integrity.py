"""Integrity metrics against hand-computed values on the WORLD fixture (conftest)."""

from __future__ import annotations

import pytest

CASES = [
    ("P1", "2026Q1", "policy_compliance_rate", 2 / 3, 2, 3),
    ("P1", "2026Q2", "policy_compliance_rate", 0.0, 0, 1),
    ("P1", "2025Q4", "policy_compliance_rate", None, 0, 0),
    ("P3", "2026Q1", "policy_compliance_rate", None, 0, 0),
    # disputes per closed partner deal (a ratio: float num/den). 2026Q1: Dp1 and Dp2 (31
    # March) over 5 closed partner deals (O1, O2, O3, O4, O8: motion direct counts here)
    ("P1", "2026Q1", "dispute_rate", 0.4, 2.0, 5.0),
    ("P1", "2026Q2", "dispute_rate", 0.5, 1.0, 2.0),
    # 2025Q4: a dispute but no closed deal: missing, and the dispute is still counted
    ("P1", "2025Q4", "dispute_rate", None, 1.0, 0.0),
    ("P3", "2026Q1", "dispute_rate", 0.0, 0.0, 2.0),
    ("P2", "2026Q1", "dispute_rate", None, 0.0, 0.0),
    # reviews due in 2026Q1: R1 on the due day, R2 late, R3 still open
    ("P1", "2026Q1", "security_posture_rate", 1 / 3, 1, 3),
    ("P1", "2026Q2", "security_posture_rate", 1.0, 1, 1),
    ("P3", "2026Q2", "security_posture_rate", None, 0, 0),
]


@pytest.mark.parametrize(("partner", "quarter", "metric_id", "value", "num", "den"), CASES)
def test_integrity_metric(world_metrics, check, partner, quarter, metric_id, value, num, den):
    check(world_metrics, partner, quarter, metric_id, value, num, den)

"""Risk signals against hand-computed values on the WORLD fixture (conftest)."""

from __future__ import annotations

import pytest

CASES = [
    ("P1", "2026Q1", "tickets_opened", 3),  # T1, T2 (23:59:59 on 31 March), T3
    ("P1", "2026Q2", "tickets_opened", 1),  # T5 (00:00:00 on 1 April)
    ("P2", "2026Q1", "tickets_opened", 0),
    ("P1", "2026Q1", "escalations", 1),
    ("P1", "2026Q2", "escalations", 1),
    ("P3", "2026Q1", "escalations", 0),
    ("P1", "2025Q4", "disputes_opened", 1),
    ("P1", "2026Q1", "disputes_opened", 2),
    ("P1", "2026Q2", "disputes_opened", 1),
    ("P1", "2026Q1", "implementation_defects", 0),  # D1 no, D4 left empty
    ("P1", "2026Q2", "implementation_defects", 1),  # D2
    # completed in 2026Q1: R1 with 2 findings, R2 with findings left empty
    ("P1", "2026Q1", "audit_findings", 2),
    ("P1", "2026Q2", "audit_findings", 1),
    ("P3", "2026Q1", "audit_findings", 0),
    # R1: 1 Jan -> 1 Feb = 31 days; R2: 15 Jan -> 20 Mar = 64 days; mean 47.5
    ("P1", "2026Q1", "security_review_days", 47.5),
    ("P1", "2026Q2", "security_review_days", 31.0),  # R4: 1 Mar -> 1 Apr
    ("P1", "2025Q4", "security_review_days", None),
    ("P3", "2026Q1", "security_review_days", None),
    ("P1", "2026Q1", "closed_deals", 5),
    ("P1", "2026Q2", "closed_deals", 2),
    ("P3", "2026Q1", "closed_deals", 2),
    ("P2", "2026Q2", "closed_deals", 0),
]


@pytest.mark.parametrize(("partner", "quarter", "metric_id", "value"), CASES)
def test_risk_signal(world_metrics, check, partner, quarter, metric_id, value):
    check(world_metrics, partner, quarter, metric_id, value)

"""Dates booked ahead (program starts, MDF allocations) must not move the report quarter."""

from __future__ import annotations

from rotlib.pipeline.quarters import event_date_columns


def test_booked_ahead_dates_are_not_events() -> None:
    assert event_date_columns("interventions") == []
    assert event_date_columns("mdf_allocations") == []
    assert "due_date" not in event_date_columns("deliverables")
    assert event_date_columns("deliverables") == ["delivered_date"]
    assert "closed_date" in event_date_columns("opportunities")

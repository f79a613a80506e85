"""Small helpers the report sections share: quarters, tier order, metric names."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from rotlib.calendar import FiscalCalendar
from rotlib.registry import METRICS_BY_ID

INSUFFICIENT = "insufficient data"


def previous_quarter(quarter: str) -> str:
    return FiscalCalendar.index_to_label(FiscalCalendar.label_to_index(quarter) - 1)


def quarter_rows(frame: pd.DataFrame, quarter: str) -> pd.DataFrame:
    return frame.loc[frame["quarter"].astype(str) == quarter]


def tier_order(tier_names: Sequence[str]) -> list[str]:
    """Tiers best first, then "insufficient data"."""
    return [*tier_names, INSUFFICIENT]


def metric_name(metric_id: str) -> str:
    """The registry's display name of a metric (the id if it is not registered)."""
    m = METRICS_BY_ID.get(metric_id)
    return m.name if m else metric_id


def change_text(now: float | None, before: float | None, *, kind: str = "number",
                digits: int = 1, quarter: str = "") -> str:
    """"+1.2 vs 2026Q2" style text (escaped by the caller's helpers: plain ASCII here)."""
    from rotlib.report.html import format_value

    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return f"no comparison with {quarter}" if quarter else "no comparison"
    diff = float(now) - float(before)
    shown = format_value(diff, "pp" if kind == "pct" else "delta", digits=digits)
    return f"{shown} vs {quarter}" if quarter else shown

"""Fiscal calendar: which fiscal quarter a date falls in.

Why a class: companies start their fiscal year in different months, and every table
(deals, tickets, reviews) must be bucketed into the same quarters. A fiscal year is
named by the calendar year in which it *ends* (the common convention: with a February
start, February 2026 - January 2027 is FY2027). With ``start_month=1`` fiscal quarters
are calendar quarters.

Quarter labels look like ``"2026Q3"``; ``quarter_index`` is a consecutive integer
(``fiscal_year * 4 + quarter - 1``) so that "next quarter" is ``index + 1``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

_LABEL = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True)
class FiscalCalendar:
    """A fiscal calendar whose year starts on the first day of ``start_month`` (1-12)."""

    start_month: int = 1

    def __post_init__(self) -> None:
        if not 1 <= int(self.start_month) <= 12:
            raise ValueError(
                f"fiscal year start month must be 1-12, got {self.start_month!r}"
            )

    # --- dates -> quarters -------------------------------------------------------
    def quarter_index(self, dates: pd.Series | pd.DatetimeIndex) -> pd.Series:
        """Consecutive quarter index for each date (nullable Int64; NaT stays missing)."""
        d = pd.to_datetime(pd.Series(dates))
        if getattr(d.dt, "tz", None) is not None:
            d = d.dt.tz_convert("UTC").dt.tz_localize(None)
        months_since = (d.dt.year * 12 + d.dt.month - 1) - (self.start_month - 1)
        # fiscal year that *ends* in the calendar year: shift by one when start_month > 1
        fy = months_since // 12 + (1 if self.start_month > 1 else 0)
        q = (months_since % 12) // 3 + 1
        return (fy * 4 + q - 1).astype("Int64")

    def quarter_label(self, dates: pd.Series | pd.DatetimeIndex) -> pd.Series:
        """Quarter label (``"2026Q3"``) for each date."""
        return self.index_to_label(self.quarter_index(dates))

    # --- labels <-> index <-> bounds ----------------------------------------------
    @staticmethod
    def index_to_label(index: pd.Series | int) -> pd.Series | str:
        """Turn quarter indexes into labels (works on a scalar or a Series)."""
        if isinstance(index, (int, np.integer)):
            return f"{int(index) // 4}Q{int(index) % 4 + 1}"
        s = pd.Series(index).astype("Int64")
        out = (s // 4).astype("string") + "Q" + (s % 4 + 1).astype("string")
        return out.astype("str")

    @staticmethod
    def label_to_index(label: str) -> int:
        """Turn ``"2026Q3"`` into its quarter index; a clear error otherwise."""
        m = _LABEL.match(str(label).strip())
        if not m:
            raise ValueError(
                f"quarter {label!r} is not of the form YYYYQn (for example 2026Q3)"
            )
        return int(m.group(1)) * 4 + int(m.group(2)) - 1

    def quarter_start(self, index: int) -> pd.Timestamp:
        """First day of the quarter with this index."""
        fy, q = divmod(int(index), 4)
        calendar_year = fy - (1 if self.start_month > 1 else 0)
        month0 = (self.start_month - 1) + q * 3
        return pd.Timestamp(year=calendar_year + month0 // 12, month=month0 % 12 + 1, day=1)

    def quarter_end(self, index: int) -> pd.Timestamp:
        """Last day of the quarter with this index (inclusive)."""
        return self.quarter_start(int(index) + 1) - pd.Timedelta(days=1)

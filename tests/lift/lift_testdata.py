"""Column mapping shared by the lift tests (a plain module so tests can import it)."""

from __future__ import annotations

COLS = {"unit": "unit", "period": "period", "outcome": "y", "first_treated": "first_treated"}

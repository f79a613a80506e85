"""Plain JSON values from numpy/pandas results, in one place.

Every result object (scoring, cohorts, lift) and the run workspace serialize to JSON for
the report and the manifest. Strict JSON has no NaN or infinity, so a missing or
undefined number becomes ``null`` (never 0); numpy scalars are unwrapped; timestamps and
paths become ISO / POSIX text; data frames become lists of records.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def to_jsonable(value: Any, *, unknown: Callable[[Any], Any] | None = None) -> Any:
    """Convert ``value`` recursively into JSON types (NaN, inf, NA and NaT become None).

    ``unknown`` converts anything else (e.g. ``str``); by default it is returned as is,
    so ``json.dumps`` fails loudly on a type nobody thought about.
    """

    def convert(v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): convert(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [convert(x) for x in v]
        if isinstance(v, pd.DataFrame):
            return [convert(r) for r in v.to_dict(orient="records")]
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if isinstance(v, np.integer):
            return int(v)
        if isinstance(v, (float, np.floating)):
            f = float(v)
            return f if math.isfinite(f) else None
        if v is None or isinstance(v, (str, int)):
            return v
        if v is pd.NA or v is pd.NaT:
            return None
        if isinstance(v, (pd.Timestamp, dt.date)):
            return v.isoformat()
        if isinstance(v, Path):
            return v.as_posix()
        if isinstance(v, np.generic):  # datetime64 and other numpy scalars
            return convert(v.item())
        return unknown(v) if unknown is not None else v

    return convert(value)

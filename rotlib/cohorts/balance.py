"""Covariate balance between cohorts: standardized mean differences (SMD).

Why: above- and below-threshold partners usually differ in type, region and size, and
those segments have different baseline win rates. The balance table shows how much they
differ before any outcome is looked at; an |SMD| above 0.1 is the usual sign that the
crude comparison mixes the cohort difference with a segment difference.

For a category share p: SMD = (p_level - p_ref) / sqrt((p_level(1-p_level) +
p_ref(1-p_ref)) / 2). For a numeric column: (mean_level - mean_ref) /
sqrt((sd_level^2 + sd_ref^2) / 2). Unitless; the sign says which cohort has more.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rotlib.cohorts.cohorts import Cohorts

COLUMNS = ["covariate", "value", "kind", "level", "reference", "mean_level", "mean_reference",
           "smd", "imbalanced"]


def _smd(diff: float, var_level: float, var_ref: float) -> float:
    denom = np.sqrt((var_level + var_ref) / 2.0)
    if denom > 0:
        return float(diff / denom)
    return 0.0 if diff == 0 else float(np.sign(diff) * np.inf)


def standardized_differences(
    cohorts: Cohorts, columns: tuple[str, ...] | None = None, flag: float = 0.1
) -> pd.DataFrame:
    """SMD of every covariate value, each cohort level against the reference."""
    frame = cohorts.frame
    if columns is None:
        columns = tuple(dict.fromkeys(
            [*cohorts.covariates, *[c for c in ("partner_type", "region", "size")
                                    if c in frame.columns]]))
    code = cohorts.level_code
    ref = cohorts.levels[0]
    rows = []
    for col in columns:
        values = frame[col]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        for i, level in enumerate(cohorts.levels[1:], start=1):
            a, b = values[code == i], values[code == 0]
            if numeric:
                ma, mb = float(a.mean()), float(b.mean())
                smd = _smd(ma - mb, float(a.var(ddof=1)), float(b.var(ddof=1)))
                rows.append((col, "", "mean", level, ref, ma, mb, smd))
                continue
            sa = a.astype("str").value_counts(normalize=True)
            sb = b.astype("str").value_counts(normalize=True)
            for v in sorted(set(sa.index) | set(sb.index)):
                pa, pb = float(sa.get(v, 0.0)), float(sb.get(v, 0.0))
                smd = _smd(pa - pb, pa * (1 - pa), pb * (1 - pb))
                rows.append((col, v, "share", level, ref, pa, pb, smd))
    out = pd.DataFrame(rows, columns=COLUMNS[:-1])
    out["imbalanced"] = out["smd"].abs() > flag
    return out

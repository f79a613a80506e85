"""Honest p-values across many outcomes: Holm or Benjamini-Hochberg.

Why: five outcomes in two windows give ten chances of a "significant" difference by
luck. P-values of the primary model rows are corrected within each family (one window
and one adjustment set: e.g. the Q+1 adjusted rows form the headline family). Rows
without a p-value (not estimable, or withheld because a cohort is too small) are left
out of the family and keep a missing adjusted p-value; the family size is reported so
a reader can see how many tests were counted.

The two corrections are the textbook step-down / step-up formulas, written out here
rather than calling ``statsmodels.stats.multitest.multipletests`` on every run, because
its Holm branch forces a full garbage collection on each call (a third of a second in a
large notebook process). The tests check both against ``multipletests`` exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

METHODS = ("holm", "fdr_bh")


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (family-wise error rate)."""
    p = np.asarray(p, float)
    m = p.size
    order = np.argsort(p, kind="stable")
    adj = np.maximum.accumulate(p[order] * np.arange(m, 0, -1))
    out = np.empty(m)
    out[order] = np.minimum(adj, 1.0)
    return out


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg step-up adjusted p-values (false discovery rate)."""
    p = np.asarray(p, float)
    m = p.size
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adj, 1.0)
    return out


def adjust(p: np.ndarray, method: str) -> np.ndarray:
    if method == "holm":
        return holm(p)
    if method == "fdr_bh":
        return benjamini_hochberg(p)
    raise ValueError(f"unknown correction {method!r}; use one of {METHODS}")


def adjust_p_values(
    table: pd.DataFrame, method: str, family: tuple[str, ...] = ("window", "adjusted"),
) -> tuple[pd.Series, dict[tuple, int]]:
    """Adjusted p-values for rows with ``role == "primary"`` and a finite p-value.

    Returns the adjusted p-values (aligned with ``table``, NaN elsewhere) and the
    family sizes keyed by the ``family`` columns' values.
    """
    out = pd.Series(np.nan, index=table.index, dtype=float)
    sizes: dict[tuple, int] = {}
    eligible = (table["role"] == "primary") & np.isfinite(table["p_value"].astype(float))
    for key, rows in table.loc[eligible].groupby(list(family), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        out.loc[rows.index] = adjust(rows["p_value"].to_numpy(float), method)
        sizes[tuple(k.item() if hasattr(k, "item") else k for k in key)] = len(rows)
    return out, sizes

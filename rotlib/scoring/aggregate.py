"""Metric scores -> category scores -> the RoT score, with honest weight coverage.

A category score is the weighted mean of the category's metric scores *that have data*;
its ``coverage`` is the share of the category's metric weight that had data. Below
``min_category_coverage`` the category is "insufficient data" (NaN), never a number made
up from one lucky metric. The RoT score combines the category scores the same way with
the category weights and ``min_overall_coverage``.

``arithmetic`` (default): weighted arithmetic means; fully compensatory (a weak metric
can be offset by a strong one).

``geometric``: weighted geometric means, ``exp(sum w log s)``; a weak category drags
the score down multiplicatively, so integrity cannot be bought with reciprocity. Scores
are floored at ``geometric_floor`` (default 1 point) first so that logs stay finite.

Both levels reduce to one *effective weight* per metric and row (zero where the metric
or its category has no data, summing to 1 where the RoT score exists):
``rot = sum_m W_m s_m`` (arithmetic) or ``log rot = sum_m W_m log s_m`` (geometric).
The decomposition, the next-tier gap and the robustness draws all use these weights.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

_EPS = 1e-12


class Aggregated:
    """Arrays aligned with the scored rows (``n`` rows, ``C`` categories, ``M`` metrics).

    ``effective_weights`` (n, M) is built on first use: scoring itself does not need it,
    and at 100k partners x 8 quarters it is one more 77 MB array.
    """

    def __init__(self, category_scores: np.ndarray, category_coverage: np.ndarray,
                 overall: np.ndarray, overall_coverage: np.ndarray, *, share: np.ndarray,
                 have: np.ndarray, metric_category: np.ndarray,
                 metric_weights: np.ndarray) -> None:
        self.category_scores = category_scores  # (n, C), NaN = insufficient data
        self.category_coverage = category_coverage  # (n, C), share of weight with data
        self.overall = overall  # (n,), NaN = insufficient data
        self.overall_coverage = overall_coverage  # (n,), share of category weight scored
        self._share = share  # (n, C): v_c / (category weight scored) / (metric weight with data)
        self._have = have
        self._metric_category = metric_category
        self._metric_weights = metric_weights

    @cached_property
    def effective_weights(self) -> np.ndarray:
        """(n, M) weight of each metric in each row's RoT score (rows sum to 1 or 0)."""
        eff = self._share[:, self._metric_category]
        eff *= self._metric_weights[None, :]
        eff[~self._have] = 0.0
        return eff


def category_matrix(metric_category: np.ndarray, n_categories: int) -> np.ndarray:
    """One-hot (M, C) matrix: metric m belongs to category c."""
    onehot = np.zeros((metric_category.size, n_categories))
    onehot[np.arange(metric_category.size), metric_category] = 1.0
    return onehot


def aggregate(
    scores: np.ndarray,
    metric_category: np.ndarray,
    metric_weights: np.ndarray,
    category_weights: np.ndarray,
    *,
    method: str = "arithmetic",
    floor: float = 1.0,
    min_category_coverage: float = 0.5,
    min_overall_coverage: float = 0.75,
) -> Aggregated:
    """Aggregate an (n, M) score matrix (NaN = no data) into categories and the RoT score.

    ``metric_category`` maps each metric column to a category index; weights need not
    sum to one (only ratios matter, so scaling all weights changes nothing).
    """
    s = np.asarray(scores, dtype=float)
    have = ~np.isnan(s)
    mcat = np.asarray(metric_category)
    n_cat = category_weights.size
    w = np.asarray(metric_weights, dtype=float)
    cat_total = np.bincount(mcat, weights=w, minlength=n_cat)  # (C,)
    if method == "geometric":
        with np.errstate(invalid="ignore"):
            values = np.where(have, np.log(np.maximum(s, floor)), 0.0)
    else:
        values = np.where(have, s, 0.0)
    # per-category weighted sums, one column at a time: each metric is in one category, so
    # this is M axpy passes (a BLAS product of an (n, M) by (M, C) matrix is no faster and,
    # multi-threaded on a busy machine, can be 40 times slower)
    den = np.zeros((s.shape[0], n_cat))
    num = np.zeros((s.shape[0], n_cat))
    for j in range(s.shape[1]):
        if w[j] == 0:
            continue
        c = mcat[j]
        den[:, c] += w[j] * have[:, j]
        num[:, c] += w[j] * values[:, j]
    del values
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = den / np.where(cat_total > 0, cat_total, np.nan)
        cat_ok = (coverage >= min_category_coverage - _EPS) & (den > 0)
        cat_val = np.divide(num, den, out=np.full_like(num, np.nan), where=cat_ok)
    # weighted means of scores in [0, 100] stay there; clip the last-bit rounding of
    # exp(log(100)) = 100.00000000000004
    cat_scores = np.clip(np.exp(cat_val) if method == "geometric" else cat_val, 0.0, 100.0)

    v = np.asarray(category_weights, dtype=float)
    ov_den = np.zeros(s.shape[0])
    ov_val = np.zeros(s.shape[0])
    for c in range(n_cat):
        ov_den += v[c] * cat_ok[:, c]
        ov_val += v[c] * np.where(cat_ok[:, c], cat_val[:, c], 0.0)
    ov_coverage = ov_den / v.sum()
    ov_ok = (ov_coverage >= min_overall_coverage - _EPS) & (ov_den > 0)
    ov_val = np.divide(ov_val, ov_den, out=np.full_like(ov_val, np.nan), where=ov_ok)
    overall = np.clip(np.exp(ov_val) if method == "geometric" else ov_val, 0.0, 100.0)

    # effective weight of metric m in row i: (v_c / ov_den) * (w_m / den_c), where both exist
    share = np.zeros_like(den)
    np.divide(v[None, :], ov_den[:, None] * den, out=share, where=cat_ok & ov_ok[:, None])
    return Aggregated(cat_scores, coverage, overall, ov_coverage, share=share, have=have,
                      metric_category=mcat, metric_weights=w)


def combine(scores: np.ndarray, effective_weights: np.ndarray, method: str, floor: float) -> (
    np.ndarray
):
    """The RoT score from metric scores and effective weights (used to check and to re-score).

    Rows whose effective weights are all zero have no RoT score (NaN).
    """
    w = effective_weights
    has = w.sum(axis=1) > 0
    if method == "geometric":
        vals = np.log(np.maximum(np.nan_to_num(scores, nan=floor), floor))
        out = np.exp((w * vals).sum(axis=1))
    else:
        out = (w * np.nan_to_num(scores, nan=0.0)).sum(axis=1)
    return np.where(has, out, np.nan)

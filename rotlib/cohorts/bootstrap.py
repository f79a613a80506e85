"""Partner-cluster bootstrap: a model-free cross-check of the cohort differences.

Why partners are resampled (not deals): deals, renewals and tickets of one partner are
correlated, so the partner is the independent unit. Resampling is stratified by
cohort: each draw takes ``n_c`` partners with replacement from cohort ``c``, so every
draw has the observed cohort sizes (the cohorts are fixed by the score, not random).

Why it is fast: a draw is a vector of counts (how often each partner was drawn), and
every statistic here is a function of per-partner sums (won and closed deals, days,
escalations and exposure, pipeline). A block of draws is then one integer matrix ``W``
(draws x partners) and all sums are ``W @ A`` - one matrix product - instead of a
Python loop over draws. Medians use the same counts as weights on the distinct deal
values (a sparse partners x values count matrix, one sparse product per block). 1,000
draws over 100k partners fit in memory by processing draws in blocks whose size
depends only on the data sizes (so results depend only on the seed).

Intervals are percentile intervals; the standard error is the standard deviation of
the draws. Draws in which a statistic is undefined (a resample with no closed deal in a
cohort, or all deals won) are counted; when more than 10% are undefined no interval is
given.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from rotlib.cohorts.cohorts import OUTCOME_KIND, Cohorts, OutcomeUnits

#: Cells (draws x partners, or draws x deals) processed at once; bounds memory (~100 MB).
MAX_CELLS = 4_000_000


class PartnerResampler:
    """Seeded, stratified resampling of partners within each cohort level.

    ``counts()`` yields, block by block, one integer matrix per level: how many times
    each of the level's partners was drawn in each draw of the block.
    """

    def __init__(self, level_code: np.ndarray, draws: int, seed: int, width: int = 0) -> None:
        self.level_code = np.asarray(level_code)
        self.n_levels = int(self.level_code.max()) + 1 if self.level_code.size else 0
        self.members = [np.flatnonzero(self.level_code == lv) for lv in range(self.n_levels)]
        self.draws = int(draws)
        self.seed = int(seed)
        widest = max([m.size for m in self.members] + [int(width), 1])
        self.block = max(1, min(self.draws, MAX_CELLS // widest))

    def counts(self) -> Iterator[tuple[slice, list[np.ndarray]]]:
        rngs = [np.random.default_rng(s)
                for s in np.random.SeedSequence(self.seed).spawn(self.n_levels)]
        for start in range(0, self.draws, self.block):
            stop = min(self.draws, start + self.block)
            c = stop - start
            block = []
            for rng, members in zip(rngs, self.members, strict=True):
                n = members.size
                idx = rng.integers(0, n, size=(c, n))
                idx += (np.arange(c) * n)[:, None]
                block.append(np.bincount(idx.ravel(), minlength=c * n).reshape(c, n))
            yield slice(start, stop), block


def weighted_median_rows(sorted_values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Median of ``sorted_values`` repeated ``weights[r]`` times, for each row ``r``.

    Equals ``np.median`` of the expanded sample (the mean of the two middle values when
    the total weight is even); NaN for a row with zero total weight.
    """
    cum = np.cumsum(weights, axis=1)
    total = cum[:, -1] if cum.shape[1] else np.zeros(cum.shape[0], dtype=np.int64)
    lower = (total + 1) // 2
    upper = total // 2 + 1
    out = np.full(weights.shape[0], np.nan)
    for r in range(weights.shape[0]):
        if total[r] == 0:
            continue
        i1, i2 = np.searchsorted(cum[r], [lower[r], upper[r]], side="left")
        out[r] = 0.5 * (sorted_values[i1] + sorted_values[i2])
    return out


@dataclass(frozen=True)
class _Stat:
    outcome: str
    window: int
    quarter: str
    statistic: str  # e.g. "log odds ratio"
    effect_label: str
    log_scale: bool
    role: str  # "cross-check" (same scale as a model) or "effect size"


def _stats_for(kind: str, outcome: str) -> list[tuple[str, str, bool, str]]:
    """(statistic, effect label, log scale?, role) computed for one outcome."""
    if kind == "binary":
        return [("log odds ratio", "odds ratio", True, "cross-check"),
                ("difference in share", "difference in percentage points", False,
                 "effect size")]
    if kind == "count":
        return [("log rate ratio", "rate ratio", True, "cross-check"),
                ("difference in rate", "difference in rate per unit of exposure", False,
                 "effect size")]
    if outcome == "median_cycle_days_won":
        return [("log ratio of means", "ratio of means", True, "cross-check"),
                ("difference in median days", "difference in median days", False,
                 "effect size")]
    return [("log ratio of means", "ratio of means", True, "cross-check"),
            ("difference in means", "difference in mean per partner", False, "effect size")]


def _logit(p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(p) - np.log1p(-p)


def _statistic(stat: str, num: np.ndarray, den: np.ndarray, num0: np.ndarray,
               den0: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        r, r0 = num / den, num0 / den0
        if stat == "log odds ratio":
            return _logit(r) - _logit(r0)
        if stat in ("log rate ratio", "log ratio of means"):
            return np.log(r) - np.log(r0)
        return r - r0


def partner_bootstrap(
    cohorts: Cohorts,
    units: list[OutcomeUnits],
    *,
    draws: int,
    seed: int,
    alpha: float = 0.05,
    return_draws: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, dict]:
    """Bootstrap every outcome in ``units`` by resampling partners within cohorts.

    Returns one row per outcome, window, non-reference level and statistic with the
    full-sample estimate, the bootstrap standard error and a percentile interval.
    With ``return_draws`` also a dict of the raw draws (for tests).
    """
    n = len(cohorts.frame)
    code = cohorts.level_code
    columns: list[np.ndarray] = []
    slots: dict[tuple[str, int], int] = {}
    medians: dict[tuple[str, int], OutcomeUnits] = {}
    for u in units:
        if u.n == 0:
            continue
        kind = OUTCOME_KIND[u.outcome]
        slots[(u.outcome, u.window)] = len(columns)
        columns.append(np.bincount(u.partner, weights=u.y, minlength=n))
        den = u.exposure if kind == "count" else np.ones(u.n)
        columns.append(np.bincount(u.partner, weights=den, minlength=n))
        if u.outcome == "median_cycle_days_won":
            medians[(u.outcome, u.window)] = u
    if not columns:
        empty = pd.DataFrame(columns=_COLUMNS)
        return (empty, {}) if return_draws else empty
    draws = max(0, int(draws))
    A = np.column_stack(columns)
    L = len(cohorts.levels)
    # position of each partner inside its level, for the median weights
    local = np.empty(n, dtype=np.int64)
    members = [np.flatnonzero(code == lv) for lv in range(L)]
    for m in members:
        local[m] = np.arange(m.size)
    # medians: per level, a sparse (partners x distinct values) count matrix, so a
    # draw's weight on each distinct value is one sparse product
    med_parts = {}
    for key, u in medians.items():
        lv = code[u.partner]
        parts = []
        for i in range(L):
            y = u.y[lv == i]
            values, inverse = np.unique(y, return_inverse=True)
            counts = sparse.csr_matrix(
                (np.ones(y.size), (local[u.partner[lv == i]], inverse.ravel())),
                shape=(members[i].size, values.size))
            parts.append((values, counts.T.tocsr(), y))
        med_parts[key] = parts

    sums = np.empty((L, draws, A.shape[1]))
    meds = {key: np.empty((L, draws)) for key in med_parts}
    A_levels = [A[m] for m in members]
    resampler = PartnerResampler(code, draws, seed)
    for rows, block in (resampler.counts() if draws else ()):
        for i, W in enumerate(block):
            sums[i, rows] = W @ A_levels[i]
            for key, parts in med_parts.items():
                values, counts_t, _ = parts[i]
                weights = np.asarray(counts_t @ W.T).T  # (draws in block, distinct values)
                meds[key][i, rows] = weighted_median_rows(values, weights)
    full = np.stack([a.sum(axis=0) for a in A_levels])  # (L, K)
    full_med = {key: np.array([np.median(y) if y.size else np.nan for _, _, y in parts])
                for key, parts in med_parts.items()}

    out = []
    raw: dict = {}
    for u in units:
        key = (u.outcome, u.window)
        if key not in slots:
            continue
        j = slots[key]
        kind = OUTCOME_KIND[u.outcome]
        for stat, label, log_scale, role in _stats_for(kind, u.outcome):
            for lv in range(1, L):
                if stat == "difference in median days":
                    point = full_med[key][lv] - full_med[key][0]
                    d = meds[key][lv] - meds[key][0]
                else:
                    point = float(_statistic(stat, full[lv, j], full[lv, j + 1],
                                             full[0, j], full[0, j + 1]))
                    d = _statistic(stat, sums[lv, :, j], sums[lv, :, j + 1],
                                   sums[0, :, j], sums[0, :, j + 1])
                raw[(u.outcome, u.window, cohorts.levels[lv], stat)] = d
                out.append(_summarise(d, point, alpha, u, cohorts.levels[lv], stat, label,
                                      log_scale, role, draws))
    table = pd.DataFrame(out, columns=_COLUMNS)
    return (table, raw) if return_draws else table


_COLUMNS = ["outcome", "window", "quarter", "level", "statistic", "effect_label", "log_scale",
            "role", "estimate", "std_error", "ci_low", "ci_high", "draws", "finite_draws",
            "note"]


def _summarise(d: np.ndarray, point: float, alpha: float, u: OutcomeUnits, level: str,
               stat: str, label: str, log_scale: bool, role: str, draws: int) -> dict:
    finite = d[np.isfinite(d)]
    share = finite.size / max(1, d.size)
    note = ""
    se = lo = hi = float("nan")
    if not np.isfinite(point):
        note = "undefined in the observed data (a cohort with no units, or all/no events)"
    elif draws == 0:
        note = "bootstrap turned off (bootstrap_draws = 0): no interval"
    elif share < 0.9:
        note = (f"{d.size - finite.size} of {d.size} bootstrap draws were undefined (a "
                "resample with no units or all/no events): no interval is given")
    else:
        if share < 1:
            note = f"{d.size - finite.size} of {d.size} bootstrap draws were undefined"
        se = float(np.std(finite, ddof=1))
        lo, hi = (float(x) for x in np.percentile(finite, [50 * alpha, 100 - 50 * alpha]))
    return {"outcome": u.outcome, "window": u.window, "quarter": u.quarter, "level": level,
            "statistic": stat, "effect_label": label, "log_scale": log_scale, "role": role,
            "estimate": float(point), "std_error": se, "ci_low": lo, "ci_high": hi,
            "draws": draws, "finite_draws": int(finite.size), "note": note}

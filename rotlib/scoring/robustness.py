"""How robust is each partner's tier? Monte Carlo over weights and normalization choices.

Composite-indicator practice (the OECD/JRC handbook's uncertainty analysis) asks how much a
ranking depends on the modeller's choices. Each draw re-scores every partner with

* every metric weight multiplied by ``U(1 - spread, 1 + spread)`` and every category
  weight likewise (independently, around the configured weights);
* one normalization method for all metrics, drawn uniformly from
  ``robustness.normalizations`` (a "goalposts" draw keeps a metric's configured method
  when the config gives it no goalposts);
* optionally the aggregation (``robustness.aggregations``; default: the configured one).

Shrinkage, minimum-data rules and reference distributions stay as calibrated: the
question is about the modeller's choices, not the data. For each partner-quarter this
gives the rank (1 = best, within the quarter; ties share the average rank) in every
draw, summarized by its 5th, 50th and 95th percentiles, and the tier in every draw
(with the same hysteresis rule, last quarter's published tier held fixed; by default the
cut points move with each draw's score scale so that tiers keep their sizes, see
:func:`_share_matched_thresholds`), summarized as the probability of each tier. A
partner whose published tier holds in fewer than ``tier_stability_threshold`` (default
80%) of the draws is flagged.

Everything is matrix algebra over draws: per normalization/aggregation combination and
chunk of draws, one (n, M) @ (M, C * draws) product gives every category numerator and
one more every denominator. Randomness is drawn only over settings, never per row, so
shuffling the partners changes nothing. Memory is O(rows of one quarter x draws).

Also here: the reliability of each category (Cronbach's alpha over its metric scores)
and the metric correlations, flagging redundant (r above ``redundant_above``) and
contradicting (r < 0) pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rotlib.scoring.aggregate import category_matrix
from rotlib.scoring.tiers import INSUFFICIENT, TIER_TOLERANCE

_EPS = 1e-12
_CHUNK_CELLS = 6_000_000  # n * C * draws per matrix product (about 48 MB of float64)


@dataclass(frozen=True)
class DrawSettings:
    """The settings of every draw (so a run can be audited and repeated)."""

    method: np.ndarray  # (D,) normalization method name
    aggregation: np.ndarray  # (D,) aggregation name
    metric_factor: np.ndarray  # (D, M)
    category_factor: np.ndarray  # (D, C)

    def to_frame(self, metric_ids: tuple[str, ...], category_ids: tuple[str, ...]) -> (
        pd.DataFrame
    ):
        frame = pd.DataFrame({"draw": np.arange(self.method.size), "normalization": self.method,
                              "aggregation": self.aggregation})
        for j, m in enumerate(metric_ids):
            frame[f"w_factor__{m}"] = self.metric_factor[:, j]
        for c, cat in enumerate(category_ids):
            frame[f"w_factor__{cat}"] = self.category_factor[:, c]
        return frame


def draw_settings(
    draws: int,
    n_metrics: int,
    n_categories: int,
    normalizations: tuple[str, ...],
    aggregations: tuple[str, ...],
    spread: float,
    seed: int,
) -> DrawSettings:
    rng = np.random.default_rng(seed)
    method = np.asarray(normalizations)[rng.integers(len(normalizations), size=draws)]
    aggregation = np.asarray(aggregations)[rng.integers(len(aggregations), size=draws)]
    mf = rng.uniform(1 - spread, 1 + spread, size=(draws, n_metrics))
    cf = rng.uniform(1 - spread, 1 + spread, size=(draws, n_categories))
    return DrawSettings(method, aggregation, mf, cf)


def overall_under_draws(
    scores: np.ndarray,
    metric_category: np.ndarray,
    metric_weights: np.ndarray,
    category_weights: np.ndarray,
    *,
    aggregation: str,
    floor: float,
    min_category_coverage: float,
    min_overall_coverage: float,
) -> np.ndarray:
    """RoT score of every row under many weight draws at once.

    ``metric_weights`` is (D, M) and ``category_weights`` (D, C); returns (n, D). This is
    :func:`rotlib.scoring.aggregate.aggregate` with a draw axis added (tested equal).
    """
    s = np.asarray(scores, dtype=float)
    have = ~np.isnan(s)
    n_draws = metric_weights.shape[0]
    n_cat = category_weights.shape[1]
    onehot = category_matrix(np.asarray(metric_category), n_cat)  # (M, C)
    if aggregation == "geometric":
        with np.errstate(invalid="ignore"):
            values = np.where(have, np.log(np.maximum(s, floor)), 0.0)
    else:
        values = np.where(have, s, 0.0)
    t = (onehot[:, :, None] * metric_weights.T[:, None, :]).reshape(s.shape[1], -1)  # (M, C*D)
    num = (values @ t).reshape(-1, n_cat, n_draws)
    den = (have.astype(float) @ t).reshape(-1, n_cat, n_draws)
    cat_total = t.sum(axis=0).reshape(n_cat, n_draws)
    cat_ok = (den >= (min_category_coverage - _EPS) * cat_total[None]) & (den > 0)
    cat_val = np.divide(num, den, out=np.zeros_like(num), where=cat_ok)
    v = category_weights.T  # (C, D)
    ov_den = np.einsum("ncd,cd->nd", cat_ok.astype(float), v)
    ov_ok = (ov_den / v.sum(axis=0)[None] >= min_overall_coverage - _EPS) & (ov_den > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ov = np.einsum("ncd,cd->nd", cat_val, v) / np.where(ov_den > 0, ov_den, 1.0)
    ov = np.where(ov_ok, ov, np.nan)
    return np.clip(np.exp(ov) if aggregation == "geometric" else ov, 0.0, 100.0)


@dataclass
class Robustness:
    """Per partner-quarter rank intervals and tier probabilities, plus the draw settings."""

    per_row: pd.DataFrame
    settings: pd.DataFrame
    tier_names: tuple[str, ...]
    threshold: float
    draws: int
    notes: list[str] = field(default_factory=list)
    rows: np.ndarray | None = None  # positions of per_row's rows in the scored table

    def to_frame(self) -> pd.DataFrame:
        return self.per_row.copy()

    def to_dict(self) -> dict[str, object]:
        return {
            "draws": self.draws,
            "threshold": self.threshold,
            "per_row": self.per_row.to_dict(orient="records"),
            "settings": self.settings.to_dict(orient="records"),
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        pr = self.per_row
        scored = pr["tier_stability"].notna()
        flagged = int(pr.loc[scored, "tier_unstable"].sum())
        width = (pr["rank_p95"] - pr["rank_p05"]).median()
        return (
            f"Robustness: {self.draws} draws over weights and normalizations; "
            f"{flagged} of {int(scored.sum())} partner-quarters hold their tier in fewer than "
            f"{self.threshold:.0%} of draws; median rank interval (5-95%) width {width:.1f}."
        )


def run_robustness(
    score_sets: dict[str, np.ndarray],
    *,
    metric_category: np.ndarray,
    metric_weights: np.ndarray,
    category_weights: np.ndarray,
    quarter_index: np.ndarray,
    published_tier: np.ndarray,
    previous_tier: np.ndarray,
    min_scores: np.ndarray,
    margin: float,
    settings: DrawSettings,
    floor: float,
    min_category_coverage: float,
    min_overall_coverage: float,
    tier_names: tuple[str, ...],
    threshold: float,
    base_score: np.ndarray | None = None,
    tier_thresholds: str = "shares",
    rows: np.ndarray | None = None,
) -> pd.DataFrame:
    """Rank percentiles and tier probabilities for ``rows`` (default: all), one quarter at a time.

    ``score_sets`` maps each normalization method to its (n, M) score matrix;
    ``base_score`` is the configured RoT score (needed for ``tier_thresholds="shares"``).
    """
    if tier_thresholds == "shares" and base_score is None:
        raise ValueError("tier_thresholds='shares' needs the configured scores (base_score)")
    n = quarter_index.size
    rows = np.arange(n) if rows is None else np.asarray(rows)
    n_draws = settings.method.size
    k = min_scores.size
    out = {
        "rank_p05": np.full(rows.size, np.nan),
        "rank_p50": np.full(rows.size, np.nan),
        "rank_p95": np.full(rows.size, np.nan),
        "tier_stability": np.full(rows.size, np.nan),
    }
    probs = np.full((rows.size, k + 1), np.nan)
    combos = sorted(set(zip(settings.method.tolist(), settings.aggregation.tolist(), strict=True)))
    for q in np.unique(quarter_index[rows]):
        pos = np.flatnonzero(quarter_index[rows] == q)
        qrows = rows[pos]
        overall = np.empty((qrows.size, n_draws))
        n_cat = category_weights.size
        chunk = max(1, _CHUNK_CELLS // max(1, qrows.size * n_cat))
        for method, agg in combos:
            idx = np.flatnonzero((settings.method == method) & (settings.aggregation == agg))
            sub = score_sets[method][qrows]
            for start in range(0, idx.size, chunk):
                d = idx[start:start + chunk]
                overall[:, d] = overall_under_draws(
                    sub, metric_category,
                    metric_weights[None, :] * settings.metric_factor[d],
                    category_weights[None, :] * settings.category_factor[d],
                    aggregation=agg, floor=floor,
                    min_category_coverage=min_category_coverage,
                    min_overall_coverage=min_overall_coverage)
        ranks, desc, valid = descending_ranks(overall)
        out["rank_p05"][pos], out["rank_p50"][pos], out["rank_p95"][pos] = _row_percentiles(
            ranks, (5, 50, 95))
        if tier_thresholds == "shares":
            cuts = _share_matched_thresholds(desc, valid, base_score[qrows], min_scores[:-1])
        else:
            cuts = np.repeat(min_scores[:-1, None], n_draws, axis=1)
        tiers = _draw_tiers(overall, previous_tier[qrows], cuts, margin)
        for t in range(k):
            probs[pos, t] = (tiers == t).mean(axis=1)
        probs[pos, k] = (tiers == INSUFFICIENT).mean(axis=1)
        pub = published_tier[qrows]
        out["tier_stability"][pos] = (tiers == pub[:, None]).mean(axis=1)
    frame = pd.DataFrame(out)
    for t, name in enumerate(tier_names):
        frame[f"p_tier__{name}"] = probs[:, t]
    frame["p_tier__insufficient data"] = probs[:, k]
    frame["tier_unstable"] = frame["tier_stability"] < threshold
    frame.index = rows
    return frame


def descending_ranks(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rank every column of ``x`` from the highest value (rank 1); ties share their average
    rank and NaN gets NaN. Also returns the column-wise sorted values (highest first, NaN
    last) and the number of non-NaN values per column.

    One argsort per column; the tie handling is vectorized (no per-column Python loop).
    """
    # work on the transpose so that each draw's values are contiguous (sorting along the
    # last axis is several times faster than along a strided first axis)
    xt = np.ascontiguousarray(x.T)
    d, n = xt.shape
    order = np.argsort(-xt, axis=1)  # NaN (as -NaN) sorts last; ties get one rank anyway
    desc = np.take_along_axis(xt, order, axis=1)
    valid = (~np.isnan(xt)).sum(axis=1)
    pos = np.arange(1, n + 1, dtype=float)[None, :]
    new_group = np.ones((d, n), dtype=bool)
    new_group[:, 1:] = desc[:, 1:] != desc[:, :-1]
    first = np.maximum.accumulate(np.where(new_group, pos, 0.0), axis=1)
    end_group = np.ones((d, n), dtype=bool)
    end_group[:, :-1] = new_group[:, 1:]
    last = np.minimum.accumulate(np.where(end_group, pos, np.inf)[:, ::-1], axis=1)[:, ::-1]
    avg = np.where(np.isnan(desc), np.nan, (first + last) / 2)
    ranks = np.empty_like(avg)
    np.put_along_axis(ranks, order, avg, axis=1)
    return ranks.T, desc.T, valid


def _row_percentiles(values: np.ndarray, q: tuple[float, ...]) -> np.ndarray:
    """Percentiles of each row ignoring NaN; the common no-NaN rows in one vectorized call."""
    out = np.full((len(q), values.shape[0]), np.nan)
    missing = np.isnan(values)
    full = ~missing.any(axis=1)
    if full.any():
        out[:, full] = np.percentile(values[full], q, axis=1)
    partial = np.flatnonzero(missing.any(axis=1) & ~missing.all(axis=1))
    for i in partial:  # rows scored in only some draws (coverage near its threshold)
        out[:, i] = np.percentile(values[i][~missing[i]], q)
    return out


def _share_matched_thresholds(desc: np.ndarray, valid: np.ndarray, base_score: np.ndarray,
                              thresholds: np.ndarray) -> np.ndarray:
    """Per-draw cut points (K-1, D) that keep each tier as large as under the configuration.

    Threshold ``t`` has ``c`` configured scores at or above it; it lies between the
    ``c``-th and ``(c+1)``-th highest configured scores ``a >= t > b``, a share
    ``lam = (t - b) / (a - b)`` of the way. In each draw the cut is put the same share of
    the way between that draw's ``c``-th and ``(c+1)``-th highest scores, so every tier
    keeps ``c`` partners and a draw that changes nothing reproduces ``t`` exactly (beyond
    the highest or lowest score the cut keeps its distance to it).
    """
    conf = np.sort(base_score[~np.isnan(base_score)])[::-1]
    m = conf.size
    n_rows, n_draws = desc.shape
    cols = np.arange(n_draws)
    cuts = np.full((thresholds.size, n_draws), np.inf)
    if m == 0:
        return cuts

    def order_stat(i: int) -> np.ndarray:
        """The i-th highest score (0-based) of each draw, clipped to the draw's last score."""
        pos = np.clip(np.minimum(i, valid - 1), 0, n_rows - 1)
        return np.where(valid > 0, desc[pos, cols], np.nan)

    for j, t in enumerate(thresholds):
        c = int((conf + TIER_TOLERANCE >= t).sum())
        if c == 0:  # nobody reaches it: keep its distance above the best score
            cut = order_stat(0) + (t - conf[0])
        elif c == m:  # everybody reaches it: keep its distance below the worst score
            cut = order_stat(m - 1) - (conf[m - 1] - t)
        else:
            a, b = conf[c - 1], conf[c]
            lam = (t - b) / (a - b) if a > b else 0.5
            lo, hi = order_stat(c), order_stat(c - 1)
            cut = lo + lam * (hi - lo)
        cuts[j] = np.where(np.isnan(cut), np.inf, cut)
    return cuts


def _draw_tiers(overall: np.ndarray, previous: np.ndarray, cuts: np.ndarray, margin: float) -> (
    np.ndarray
):
    """Tier per row and draw with per-draw cut points and the hysteresis rule.

    Same rule as :func:`rotlib.scoring.tiers.hysteresis_tier`: ``clip(previous,
    raw(s + margin), raw(s - margin))``, raw tier = number of cut points above the score.
    """
    def raw(s: np.ndarray) -> np.ndarray:
        return (cuts[:, None, :] > s[None, :, :] + TIER_TOLERANCE).sum(axis=0)

    tier_now = raw(overall)
    held = np.clip(previous[:, None], raw(overall + margin), raw(overall - margin))
    out = np.where(previous[:, None] < 0, tier_now, held)
    return np.where(np.isnan(overall), INSUFFICIENT, out)


# --------------------------------------------------------------------------------------
# reliability: Cronbach's alpha and correlations per category
# --------------------------------------------------------------------------------------
@dataclass
class Reliability:
    """Per category: Cronbach's alpha; per metric pair: correlation and a flag."""

    alpha: pd.DataFrame
    correlations: pd.DataFrame
    matrix: pd.DataFrame

    def to_dict(self) -> dict[str, object]:
        return {
            "alpha": self.alpha.to_dict(orient="records"),
            "correlations": self.correlations.to_dict(orient="records"),
        }

    def summary(self) -> str:
        lines = ["Reliability (metric scores, all partner-quarters):"]
        for row in self.alpha.itertuples(index=False):
            lines.append(f"  {row.category}: Cronbach's alpha {row.cronbach_alpha:.2f} "
                         f"over {row.n_metrics} metrics ({row.n_complete} complete rows)")
        flagged = self.correlations[self.correlations["flag"] != ""]
        for row in flagged.itertuples(index=False):
            lines.append(f"  {row.metric_a} ~ {row.metric_b}: r = {row.r:.2f} ({row.flag})")
        return "\n".join(lines)


def cronbach_alpha(items: np.ndarray) -> float:
    """Cronbach's alpha of the complete rows of an (n, k) item matrix (k >= 2)."""
    x = items[~np.isnan(items).any(axis=1)]
    k = x.shape[1]
    if k < 2 or x.shape[0] < 3:
        return float("nan")
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var))


def reliability(
    scores: np.ndarray,
    metric_ids: tuple[str, ...],
    metric_category: tuple[str, ...],
    redundant_above: float,
) -> Reliability:
    frame = pd.DataFrame(scores, columns=list(metric_ids))
    matrix = frame.corr(min_periods=3)
    alpha_rows, pair_rows = [], []
    for cat in dict.fromkeys(metric_category):
        members = [m for m, c in zip(metric_ids, metric_category, strict=True) if c == cat]
        sub = frame[members].to_numpy()
        alpha_rows.append({
            "category": cat,
            "n_metrics": len(members),
            "n_complete": int((~np.isnan(sub).any(axis=1)).sum()),
            "cronbach_alpha": cronbach_alpha(sub),
        })
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                r = matrix.loc[a, b]
                n = int((frame[a].notna() & frame[b].notna()).sum())
                flag = ""
                if pd.notna(r) and r > redundant_above:
                    flag = "redundant"
                elif pd.notna(r) and r < 0:
                    flag = "contradicting"
                pair_rows.append({"category": cat, "metric_a": a, "metric_b": b, "r": r,
                                  "n": n, "flag": flag})
    pairs = pd.DataFrame(pair_rows, columns=["category", "metric_a", "metric_b", "r", "n", "flag"])
    return Reliability(pd.DataFrame(alpha_rows), pairs, matrix)

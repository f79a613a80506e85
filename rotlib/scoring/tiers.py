"""Tiers: thresholds, hysteresis, the benefits each tier unlocks, and the next-tier gap.

Tier indexes run from 0 (best) to K-1 (worst); -1 means "insufficient data". A score
``s`` is in tier ``k`` when ``min_score[k] <= s < min_score[k-1]``.

Hysteresis (stops flapping on noise): with margin ``h`` and last quarter's tier ``p``,

* promotion needs the score to clear the higher tier's threshold by ``h``: the partner
  moves to ``raw(s - h)`` if that is better than ``p``;
* demotion needs the score to fall ``h`` below the current tier's threshold: the
  partner moves to ``raw(s + h)`` if that is worse than ``p``;
* otherwise the tier stays ``p``.

Equivalently ``tier = clip(p, raw(s + h), raw(s - h))``. The rule is monotone in both the
score and the previous tier, so a higher score never gives a worse tier, this quarter or
later. Without a tier last quarter (first quarter, a gap in the data, or insufficient
data) the raw tier is used.

A tiny tolerance (``TIER_TOLERANCE`` points) is added before comparing with thresholds so
that a score that is a threshold up to floating-point rounding (79.99999999999999 for 80)
lands in the tier a person computing by hand would expect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TIER_TOLERANCE = 1e-9
INSUFFICIENT = -1


def thresholds(min_scores: list[float] | tuple[float, ...]) -> np.ndarray:
    """Tier thresholds best-first as an array (validated strictly decreasing by the config)."""
    return np.asarray(min_scores, dtype=float)


def raw_tier(score: np.ndarray, min_scores: np.ndarray) -> np.ndarray:
    """Tier index of each score (0 = best), -1 where the score is missing."""
    s = np.asarray(score, dtype=float)
    # number of thresholds strictly above the score = index of the tier it reaches
    ascending = min_scores[::-1]
    above = min_scores.size - np.searchsorted(ascending, s + TIER_TOLERANCE, side="right")
    above = np.minimum(above, min_scores.size - 1)  # below the lowest threshold: worst tier
    return np.where(np.isnan(s), INSUFFICIENT, above).astype(np.int64)


def hysteresis_tier(
    score: np.ndarray, previous_tier: np.ndarray, min_scores: np.ndarray, margin: float
) -> np.ndarray:
    """Tier with hysteresis given last quarter's tier (-1 = none: use the raw tier)."""
    s = np.asarray(score, dtype=float)
    p = np.asarray(previous_tier)
    raw = raw_tier(s, min_scores)
    optimistic = raw_tier(s + margin, min_scores)  # better or equal index
    pessimistic = raw_tier(s - margin, min_scores)  # worse or equal index
    held = np.clip(p, optimistic, pessimistic)
    out = np.where(p < 0, raw, held)
    return np.where(np.isnan(s), INSUFFICIENT, out).astype(np.int64)


def previous_row(partner_codes: np.ndarray, quarter_index: np.ndarray) -> np.ndarray:
    """Row index of the same partner's previous quarter (-1 when absent).

    Rows must be sorted by partner, then quarter; only the immediately preceding
    quarter counts (a gap means no previous quarter).
    """
    n = partner_codes.size
    prev = np.full(n, -1, dtype=np.int64)
    if n > 1:
        same = ((partner_codes[1:] == partner_codes[:-1])
                & (quarter_index[1:] == quarter_index[:-1] + 1))
        prev[1:] = np.where(same, np.arange(n - 1), -1)
    return prev


def assign_tiers(
    score: np.ndarray,
    quarter_index: np.ndarray,
    prev_row: np.ndarray,
    min_scores: np.ndarray,
    margin: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(raw tier, tier after hysteresis) for every row, quarter by quarter (vectorized)."""
    raw = raw_tier(score, min_scores)
    tier = np.full(score.size, INSUFFICIENT, dtype=np.int64)
    for q in np.unique(quarter_index):
        rows = np.flatnonzero(quarter_index == q)
        pr = prev_row[rows]
        prev_tier = np.where(pr >= 0, tier[np.maximum(pr, 0)], INSUFFICIENT)
        tier[rows] = hysteresis_tier(score[rows], prev_tier, min_scores, margin)
    return raw, tier


def tier_labels(index: np.ndarray, names: tuple[str, ...]) -> pd.Categorical:
    """Tier indexes -> an ordered categorical (best first, then "insufficient data")."""
    cats = [*names, "insufficient data"]
    codes = np.where(np.asarray(index) < 0, len(names), index)
    return pd.Categorical.from_codes(codes, categories=cats, ordered=True)


# --------------------------------------------------------------------------------------
# next-tier gap
# --------------------------------------------------------------------------------------
def next_tier_plan(
    scores: np.ndarray,
    effective_weights: np.ndarray,
    overall: np.ndarray,
    tier: np.ndarray,
    min_scores: np.ndarray,
    margin: float,
    method: str = "arithmetic",
    floor: float = 1.0,
) -> dict[str, np.ndarray]:
    """The smallest set of metric improvements that lifts each row into the next tier.

    The target is the next tier's threshold plus the hysteresis margin (what it takes
    to be promoted next quarter from the current tier). The RoT score is linear in each
    metric's score (arithmetic) or in its log (geometric) through the effective weights,
    so metric ``m`` can add at most ``W_m * (phi(100) - phi(s_m))``. Taking metrics by
    that headroom, largest first, gives the fewest metrics that can close the gap (no
    set of k metrics has more headroom than the k largest). Each chosen metric then
    closes the same share ``theta`` of its remaining headroom, ``theta = gap / sum of
    chosen headroom``, so no metric is asked for more than it must. Metrics without data
    cannot help (they carry no weight until they have data).

    Returns arrays: ``status`` (top tier / insufficient data / reachable / unreachable),
    ``target`` score, ``gap`` points, ``n_metrics``, ``theta``, the (n, M) ``chosen``
    mask and ``target_scores`` (n, M; NaN where unchanged).
    """
    n, m = scores.shape
    s = np.asarray(scores, dtype=float)
    status = np.full(n, "reachable", dtype=object)
    target = np.full(n, np.nan)
    tier = np.asarray(tier)
    ok = (tier > 0) & ~np.isnan(overall)
    status[tier == 0] = "top tier"
    status[(tier < 0) | np.isnan(overall)] = "insufficient data"
    target[ok] = min_scores[tier[ok] - 1] + margin
    target = np.minimum(target, 100.0)

    if method == "geometric":
        def phi(x: np.ndarray) -> np.ndarray:
            return np.log(np.maximum(x, floor))

        def phi_inv(x: np.ndarray) -> np.ndarray:
            return np.exp(x)
    else:
        def phi(x: np.ndarray) -> np.ndarray:
            return x

        def phi_inv(x: np.ndarray) -> np.ndarray:
            return x

    with np.errstate(invalid="ignore"):
        need = phi(target) - phi(overall)
        headroom = np.where(np.isnan(s), 0.0, effective_weights * (phi(np.full_like(s, 100.0))
                                                                   - phi(np.nan_to_num(s))))
    headroom = np.maximum(headroom, 0.0)
    order = np.argsort(-headroom, axis=1, kind="stable")
    sorted_room = np.take_along_axis(headroom, order, axis=1)
    cum = np.cumsum(sorted_room, axis=1)
    enough = cum >= need[:, None] - 1e-12
    reachable = ok & enough[:, -1] & (need > 0)
    k = np.where(reachable, np.argmax(enough, axis=1) + 1, 0)
    status[ok & ~enough[:, -1]] = "unreachable"
    status[ok & (need <= 0)] = "qualifies"
    chosen_sorted = np.arange(m)[None, :] < k[:, None]
    chosen = np.zeros((n, m), dtype=bool)
    np.put_along_axis(chosen, order, chosen_sorted, axis=1)
    room_k = np.where(chosen, headroom, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        theta = np.where(reachable, need / room_k, np.nan)
        new_phi = phi(np.nan_to_num(s)) + theta[:, None] * (phi(np.full_like(s, 100.0))
                                                             - phi(np.nan_to_num(s)))
    target_scores = np.where(chosen, np.minimum(phi_inv(new_phi), 100.0), np.nan)
    return {
        "status": status,
        "target": np.where(ok, target, np.nan),
        "gap": np.where(ok, target - overall, np.nan),
        "n_metrics": k,
        "theta": theta,
        "chosen": chosen,
        "target_scores": target_scores,
    }

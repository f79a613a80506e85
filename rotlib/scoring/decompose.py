"""Why did the score move? An exact split of the quarter-over-quarter change.

With effective weights ``W`` (see :mod:`rotlib.scoring.aggregate`) the RoT score is
``sum_m W_m s_m`` (arithmetic), so the change from quarter ``p`` to ``t`` is exactly

    rot_t - rot_p = sum_m (W_mt s_mt - W_mp s_mp)

and each term is metric ``m``'s contribution. Each term splits exactly (midpoint rule)
into a *score effect* ``mean(W) * delta(s)`` (the metric got better or worse) and a
*weight effect* ``mean(s) * delta(W)`` (its weight changed because some metric or
category gained or lost data). For the geometric aggregation the same split is made on
``W_m log s_m`` and converted to points with the logarithmic mean
``L(rot_t, rot_p) = (rot_t - rot_p) / (log rot_t - log rot_p)`` (the LMDI method), which
is again exact.

When the previous quarter was published under another config, the reported change is
``rot_t(new) - rot_p(old)``, and the extra term ``rot_p(new) - rot_p(old)`` is the part
due to the configuration change. The contributions plus that part sum to the reported
change up to floating-point rounding (tested to 1e-9).
"""

from __future__ import annotations

import numpy as np


def log_mean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Logarithmic mean ``(a - b) / (ln a - ln b)``, ``a`` where ``a == b`` (positive inputs)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (a - b) / (np.log(a) - np.log(b))
    return np.where(np.isclose(a, b, rtol=1e-12, atol=0.0), a, out)


def decompose_change(
    scores_now: np.ndarray,
    weights_now: np.ndarray,
    overall_now: np.ndarray,
    scores_prev: np.ndarray,
    weights_prev: np.ndarray,
    overall_prev: np.ndarray,
    *,
    method: str = "arithmetic",
    floor: float = 1.0,
) -> dict[str, np.ndarray]:
    """Per-metric contributions (n, M) to ``overall_now - overall_prev`` and their split.

    Rows where either overall score is missing get NaN contributions: a change from or to
    "insufficient data" has no size to split.
    """
    if method == "geometric":
        v_now = np.log(np.maximum(np.nan_to_num(scores_now, nan=floor), floor))
        v_prev = np.log(np.maximum(np.nan_to_num(scores_prev, nan=floor), floor))
        scale = log_mean(overall_now, overall_prev)[:, None]
    else:
        v_now = np.nan_to_num(scores_now, nan=0.0)
        v_prev = np.nan_to_num(scores_prev, nan=0.0)
        scale = np.ones((overall_now.size, 1))
    both = (weights_now > 0) & (weights_prev > 0)
    contribution = scale * (weights_now * v_now - weights_prev * v_prev)
    score_effect = np.where(
        both, scale * 0.5 * (weights_now + weights_prev) * (v_now - v_prev), 0.0
    )
    weight_effect = contribution - score_effect
    valid = ~(np.isnan(overall_now) | np.isnan(overall_prev))
    nan = np.nan
    return {
        "contribution": np.where(valid[:, None], contribution, nan),
        "score_effect": np.where(valid[:, None], score_effect, nan),
        "weight_effect": np.where(valid[:, None], weight_effect, nan),
    }

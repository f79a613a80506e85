"""Turn a metric's value into a 0-100 score (100 = best), comparable across quarters.

Four methods, all monotone in the value (non-decreasing for "higher is better" metrics,
non-increasing for "lower is better" ones) and all bounded to [0, 100]:

``goalposts`` (default)
    ``100 * (x - lower) / (upper - lower)`` clipped to [0, 100]; for a lower-is-better
    metric ``100 * (upper - x) / (upper - lower)``. The bounds are fixed in the config, so
    a score means the same thing every quarter and does not depend on other partners.
    Clipping at the goalposts is the outlier rule.
``minmax``
    Like goalposts, with bounds taken from the reference period: the lower and upper
    winsorizing quantiles (default 1% and 99%) of the reference values. Values beyond
    them are clipped (winsorized), so one extreme partner cannot squash everyone else.
``percentile``
    The mid-rank empirical CDF against the reference values: ``100 * (#below + #equal/2)
    / n``. Rank-based, so it needs no winsorizing; ties share a score.
``zscore``
    ``z = (x - mean) / sd`` with mean and sd of the *winsorized* reference values;
    ``z`` is clipped to ``[-clip, clip]`` (default 3) and mapped linearly to 0-100, so
    the reference mean scores 50.

A reference period with no spread (all values equal) carries no information: minmax and
zscore then give every value 50 rather than dividing by zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from rotlib.errors import AnalysisError
from rotlib.scoring.config import Normalization


@dataclass
class ReferenceStats:
    """The reference-period distribution of one metric's (adjusted) values.

    ``lower_bound``/``upper_bound`` are the winsorizing quantiles; ``mean``/``sd`` are of
    the values clipped to those bounds; ``sorted_values`` (sorted on first use) feeds the
    percentile method.
    """

    n: int
    lower_bound: float
    upper_bound: float
    mean: float
    sd: float
    values: np.ndarray = field(repr=False)

    @cached_property
    def sorted_values(self) -> np.ndarray:
        return np.sort(self.values)

    def to_dict(self) -> dict[str, float]:
        return {
            "n_reference": self.n,
            "winsor_lower": self.lower_bound,
            "winsor_upper": self.upper_bound,
            "reference_mean": self.mean,
            "reference_sd": self.sd,
        }


def reference_stats(values: np.ndarray, lower_quantile: float, upper_quantile: float) -> (
    ReferenceStats | None
):
    """Summarize reference values (NaN ignored); ``None`` when there are none."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return None
    lo, hi = np.quantile(v, [lower_quantile, upper_quantile])
    w = np.clip(v, lo, hi)
    sd = float(w.std(ddof=1)) if w.size > 1 else 0.0
    # spread at rounding-error level is no spread (avoid scores made of float noise)
    tiny = 1e-12 * (1.0 + float(np.abs(v).max()))
    if hi - lo <= tiny:
        hi = lo
    if sd <= tiny:
        sd = 0.0
    return ReferenceStats(int(v.size), float(lo), float(hi), float(w.mean()), sd, v)


def normalize(
    values: np.ndarray,
    norm: Normalization,
    higher_is_better: bool,
    ref: ReferenceStats | None,
    *,
    metric_id: str = "",
) -> np.ndarray:
    """Score ``values`` 0-100 by ``norm``; NaN stays NaN (no data is never a score)."""
    x = np.asarray(values, dtype=float)
    method = norm.method
    if method == "goalposts":
        assert norm.lower is not None and norm.upper is not None  # validated by the config
        frac = _linear(x, norm.lower, norm.upper)
    else:
        if ref is None:
            raise AnalysisError(
                f"metric {metric_id!r}: the {method} normalization needs reference-period "
                "values, but no partner has data for it in the reference period. Fix: widen "
                "reference_period in the config, or use goalposts for this metric."
            )
        if method == "minmax":
            frac = _linear(x, ref.lower_bound, ref.upper_bound)
        elif method == "percentile":
            below = np.searchsorted(ref.sorted_values, x, side="left")
            upto = np.searchsorted(ref.sorted_values, x, side="right")
            frac = (below + 0.5 * (upto - below)) / ref.n
        elif method == "zscore":
            if ref.sd > 0:
                z = np.clip((x - ref.mean) / ref.sd, -norm.clip, norm.clip)
                frac = 0.5 + 0.5 * z / norm.clip
            else:
                frac = np.full_like(x, 0.5)
        else:  # pragma: no cover - the config only allows the four methods
            raise ValueError(method)
    score = 100.0 * (frac if higher_is_better else 1.0 - frac)
    score = np.where(np.isnan(x), np.nan, score)
    return score


def _linear(x: np.ndarray, lower: float, upper: float) -> np.ndarray:
    if upper > lower:
        return np.clip((x - lower) / (upper - lower), 0.0, 1.0)
    return np.full_like(x, 0.5)


def denormalize(
    score: np.ndarray,
    norm: Normalization,
    higher_is_better: bool,
    ref: ReferenceStats | None,
) -> np.ndarray:
    """The smallest improvement in value that reaches ``score`` (inverse of :func:`normalize`).

    Used to translate a target score into the metric's own unit (for "what it takes to
    reach the next tier"). Linear methods invert exactly; percentile returns the
    reference quantile at that rank.
    """
    s = np.asarray(score, dtype=float)
    frac = s / 100.0 if higher_is_better else 1.0 - s / 100.0
    method = norm.method
    if method == "goalposts":
        assert norm.lower is not None and norm.upper is not None
        return norm.lower + frac * (norm.upper - norm.lower)
    if ref is None:
        return np.full_like(s, np.nan)
    if method == "minmax":
        return ref.lower_bound + frac * (ref.upper_bound - ref.lower_bound)
    if method == "zscore":
        return ref.mean + (2.0 * frac - 1.0) * norm.clip * ref.sd
    return np.quantile(ref.sorted_values, np.clip(frac, 0.0, 1.0))

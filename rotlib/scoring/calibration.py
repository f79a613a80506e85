"""What the scores are calibrated against: shrinkage priors and reference distributions.

A :class:`Calibration` holds, per metric, the empirical-Bayes prior and the reference
period's distribution of adjusted values (for min-max, percentile and z-score). It is
fitted from the reference period of the data being scored, or passed in frozen (for
example the calibration of last quarter's published run) so that new quarters are
scored on exactly the same scale and nothing about one partner moves another's score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rotlib.registry import METRICS_BY_ID
from rotlib.scoring.config import ScorecardConfig
from rotlib.scoring.normalize import ReferenceStats, normalize, reference_stats
from rotlib.scoring.shrinkage import Prior, fit_beta_binomial, fit_gamma_poisson, shrink

#: metric status codes (per partner-quarter); "no reference data": the metric's
#: min-max / percentile / z-score scale could not be set (no data in the reference period)
SCORED, INSUFFICIENT, NO_DATA, NO_REFERENCE = 0, 1, 2, 3
STATUS_LABELS = ("scored", "insufficient data", "no data", "no reference data")


@dataclass(frozen=True)
class MetricCalibration:
    metric_id: str
    prior: Prior | None
    reference: ReferenceStats | None


@dataclass(frozen=True)
class Calibration:
    """Priors and reference distributions per metric, and the quarters they came from."""

    reference_start: int
    reference_end: int
    metrics: dict[str, MetricCalibration]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        """One row per metric: prior parameters and reference statistics."""
        rows = []
        for metric_id, mc in self.metrics.items():
            row: dict[str, object] = {"metric": metric_id}
            if mc.prior is not None:
                row.update({f"prior_{k}" if k in ("a", "b", "model", "method", "n_units") else k: v
                            for k, v in mc.prior.to_dict().items()})
            if mc.reference is not None:
                row.update(mc.reference.to_dict())
            rows.append(row)
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class MetricArrays:
    """Per-metric (n, M) arrays pulled from the prepared table."""

    raw: np.ndarray
    num: np.ndarray
    den: np.ndarray
    status: np.ndarray  # SCORED / INSUFFICIENT / NO_DATA


def metric_arrays(table: pd.DataFrame, cfg: ScorecardConfig) -> MetricArrays:
    ids = cfg.metric_ids()
    n = len(table)
    # column-major: every step works metric by metric, so each metric's column is
    # contiguous (several times faster at 800k rows than strided columns)
    raw = np.empty((n, len(ids)), order="F")
    num = np.full((n, len(ids)), np.nan, order="F")
    den = np.full((n, len(ids)), np.nan, order="F")
    for j, metric_id in enumerate(ids):
        raw[:, j] = table[metric_id].to_numpy(dtype=float)
        if METRICS_BY_ID[metric_id].keeps_fraction:
            num[:, j] = table[f"{metric_id}__num"].to_numpy(dtype=float)
            den[:, j] = table[f"{metric_id}__den"].to_numpy(dtype=float)
    status = np.full(raw.shape, SCORED, dtype=np.int8, order="F")
    min_den = np.array([cfg.min_denominator(m) for m in ids])
    keeps = np.array([METRICS_BY_ID[m].keeps_fraction for m in ids])
    with np.errstate(invalid="ignore"):
        thin = keeps[None, :] & ~(den >= min_den[None, :])
    status[thin] = INSUFFICIENT
    status[np.isnan(raw)] = NO_DATA
    return MetricArrays(raw, num, den, status)


def reference_bounds(cfg: ScorecardConfig, quarter_index: np.ndarray) -> tuple[int, int]:
    rp = cfg.reference_period
    start = cfg.calendar().label_to_index(rp.start) if rp.start else int(quarter_index.min())
    end = cfg.calendar().label_to_index(rp.end) if rp.end else int(quarter_index.max())
    return start, end


def fit_calibration(
    arrays: MetricArrays, quarter_index: np.ndarray, cfg: ScorecardConfig
) -> tuple[Calibration, np.ndarray]:
    """Fit priors on the reference period, then the reference distributions of adjusted values.

    Returns the calibration and the (n, M) adjusted values it implies (computed on the
    way, so the caller need not shrink twice).
    """
    start, end = reference_bounds(cfg, quarter_index)
    in_ref = (quarter_index >= start) & (quarter_index <= end)
    notes: list[str] = []
    if not in_ref.any():
        notes.append(
            f"no data in the reference period {start // 4}Q{start % 4 + 1}-"
            f"{end // 4}Q{end % 4 + 1}: shrinkage is off and only goalposts can score")
    out: dict[str, MetricCalibration] = {}
    all_adjusted = np.empty(arrays.raw.shape, order="F")
    for j, metric_id in enumerate(cfg.metric_ids()):
        kind = cfg.shrinkage_kind(metric_id)
        prior = None
        if kind != "none":
            fit = fit_beta_binomial if kind == "beta_binomial" else fit_gamma_poisson
            prior = fit(arrays.num[in_ref, j], arrays.den[in_ref, j], cfg.shrinkage.method)
            if prior is None and in_ref.any():
                notes.append(f"{metric_id}: too little spread or data in the reference period "
                             "to fit a shrinkage prior; raw values are scored")
        adjusted = adjusted_values(arrays, j, prior)
        all_adjusted[:, j] = adjusted
        ref_values = adjusted[in_ref & (arrays.status[:, j] == SCORED)]
        ref = reference_stats(ref_values, cfg.winsorize.lower_quantile,
                              cfg.winsorize.upper_quantile)
        method = cfg.metric_config(metric_id).normalization.method
        if ref is None and method != "goalposts":
            notes.append(f"{metric_id}: no scored value in the reference period, so its "
                         f"{method} scale cannot be set; it is not scored (use goalposts or "
                         "widen reference_period)")
        out[metric_id] = MetricCalibration(metric_id, prior, ref)
    return Calibration(start, end, out, tuple(notes)), all_adjusted


def adjusted_values(arrays: MetricArrays, j: int, prior: Prior | None) -> np.ndarray:
    """Shrunk value where scored (raw when there is no prior), NaN otherwise."""
    values = arrays.raw[:, j] if prior is None else shrink(arrays.num[:, j], arrays.den[:, j],
                                                           prior)
    return np.where(arrays.status[:, j] == SCORED, values, np.nan)


def metric_scores(
    adjusted: np.ndarray,
    cfg: ScorecardConfig,
    calibration: Calibration,
    method: str | None = None,
) -> np.ndarray:
    """0-100 score matrix; ``method`` overrides every metric's normalization (robustness).

    A goalposts override falls back to the metric's configured method when the config
    gives that metric no goalposts. A method that needs a reference distribution the
    calibration lacks gives no score (NaN) for that metric.
    """
    ids = cfg.metric_ids()
    out = np.empty_like(adjusted)
    for j, metric_id in enumerate(ids):
        norm = cfg.metric_config(metric_id).normalization
        if method is not None and method != norm.method:
            if method == "goalposts":
                if norm.lower is not None and norm.upper is not None:
                    norm = norm.model_copy(update={"method": "goalposts"})
            else:
                norm = norm.model_copy(update={"method": method, "lower": None, "upper": None})
        ref = calibration.metrics[metric_id].reference
        if ref is None and norm.method != "goalposts":
            out[:, j] = np.nan
            continue
        out[:, j] = normalize(adjusted[:, j], norm, METRICS_BY_ID[metric_id].higher_is_better,
                              ref, metric_id=metric_id)
    return out

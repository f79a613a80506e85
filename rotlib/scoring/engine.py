"""``score()``: one call from the partner x quarter metrics table to a :class:`ScoreResult`.

The steps, each in its own module: check the table (:mod:`.inputs`), pull each metric's
value, numerator and denominator and apply the minimum-data rule, fit or reuse the
calibration (shrinkage priors and reference distributions, :mod:`.calibration`), shrink
and normalize to 0-100 (:mod:`.shrinkage`, :mod:`.normalize`), aggregate into categories
and the RoT score (:mod:`.aggregate`), assign tiers with hysteresis (:mod:`.tiers`),
compute the RoT ratio (:mod:`.ratio`) and jump flags (:mod:`.gaming`), and optionally run
the Monte Carlo robustness analysis (:mod:`.robustness`). Decomposition, next-tier gaps,
back-test, reliability and metric cards are computed on demand by the result object.

Pure: no file is read or written here (the ``rot score`` command does the I/O).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rotlib.errors import AnalysisError, ConfigError
from rotlib.registry import METRICS_BY_ID
from rotlib.scoring.aggregate import Aggregated, aggregate
from rotlib.scoring.calibration import (
    NO_REFERENCE,
    SCORED,
    Calibration,
    MetricArrays,
    adjusted_values,
    fit_calibration,
    metric_arrays,
    metric_scores,
)
from rotlib.scoring.config import ScorecardConfig, load_config
from rotlib.scoring.gaming import quarter_groups, robust_jump_z
from rotlib.scoring.inputs import prepare_metrics
from rotlib.scoring.ratio import ratio_arrays
from rotlib.scoring.result import ScoreResult, build_partner_table
from rotlib.scoring.robustness import Robustness, draw_settings, run_robustness
from rotlib.scoring.tiers import INSUFFICIENT, assign_tiers, previous_row


@dataclass
class Core:
    """Arrays behind one scoring of one table with one config (rows sorted by partner, quarter)."""

    cfg: ScorecardConfig
    arrays: MetricArrays
    calibration: Calibration
    adjusted: np.ndarray  # (n, M)
    scores: np.ndarray  # (n, M)
    agg: Aggregated
    metric_weights: np.ndarray  # (M,)
    metric_category: np.ndarray  # (M,) category index
    category_weights: np.ndarray  # (C,)
    min_scores: np.ndarray  # (K,) tier thresholds best first
    partner_codes: np.ndarray
    quarter_index: np.ndarray
    prev_row: np.ndarray
    tier_raw: np.ndarray
    tier: np.ndarray


def resolve_config(config: ScorecardConfig | str | Path | None) -> ScorecardConfig:
    if config is None or isinstance(config, (str, Path)):
        return load_config(config)
    if isinstance(config, ScorecardConfig):
        return config
    raise ConfigError(
        f"config must be a ScorecardConfig, a path to a YAML file or None, got "
        f"{type(config).__name__}. Fix: pass load_config('scorecard.yaml')."
    )


def weight_arrays(cfg: ScorecardConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(metric weights, metric -> category index, category weights) in the engine's order."""
    cats = cfg.category_ids()
    ids = cfg.metric_ids()
    mw = np.array([cfg.metric_config(m).weight for m in ids], dtype=float)
    mc = np.array([cats.index(METRICS_BY_ID[m].category) for m in ids], dtype=np.int64)
    cw = np.array([cfg.categories[c].weight for c in cats], dtype=float)
    return mw, mc, cw


def score_core(
    table: pd.DataFrame, cfg: ScorecardConfig, calibration: Calibration | None = None
) -> Core:
    """Score a prepared table (see :func:`rotlib.scoring.inputs.prepare_metrics`)."""
    arrays = metric_arrays(table, cfg)
    quarter_index = table["quarter_index"].to_numpy(dtype=np.int64)
    if calibration is None:
        calibration, adjusted = fit_calibration(arrays, quarter_index, cfg)
    else:
        missing = [m for m in cfg.metric_ids() if m not in calibration.metrics]
        if missing:
            raise AnalysisError(
                f"the calibration passed in has no entry for {', '.join(missing)}. Fix: reuse "
                "a calibration from a run with the same metrics, or let score() fit one.")
        adjusted = np.empty(arrays.raw.shape, order="F")
        for j, m in enumerate(cfg.metric_ids()):
            adjusted[:, j] = adjusted_values(arrays, j, calibration.metrics[m].prior)
    scores = metric_scores(adjusted, cfg, calibration)
    unscaled = (arrays.status == SCORED) & np.isnan(scores)
    if unscaled.any():  # a min-max / percentile / z-score scale could not be set
        arrays.status[unscaled] = NO_REFERENCE
        adjusted[unscaled] = np.nan
    mw, mc, cw = weight_arrays(cfg)
    agg = aggregate(
        scores, mc, mw, cw, method=cfg.aggregation, floor=cfg.geometric_floor,
        min_category_coverage=cfg.minimum_data.min_category_coverage,
        min_overall_coverage=cfg.minimum_data.min_overall_coverage,
    )
    codes, _ = pd.factorize(table["partner_id"], sort=False)
    prev = previous_row(codes, quarter_index)
    min_scores = np.array([t.min_score for t in cfg.tiers], dtype=float)
    tier_raw, tier = assign_tiers(agg.overall, quarter_index, prev, min_scores,
                                  cfg.hysteresis.margin)
    return Core(cfg, arrays, calibration, adjusted, scores, agg, mw, mc, cw, min_scores,
                codes, quarter_index, prev, tier_raw, tier)


def score(
    metrics: pd.DataFrame,
    config: ScorecardConfig | str | Path | None = None,
    *,
    previous_config: ScorecardConfig | str | Path | None = None,
    robustness_draws: int = 0,
    seed: int = 0,
    calibration: Calibration | None = None,
    robustness_quarters: list[str] | tuple[str, ...] | None = None,
) -> ScoreResult:
    """Score every partner in every quarter.

    Parameters
    ----------
    metrics
        The partner x quarter metrics table (``rot metrics``): key columns, and for each
        configured metric ``m`` the columns ``m``, ``m__num``, ``m__den``; outcome,
        investment and risk columns feed the RoT ratio and the back-test when present.
    config
        A :class:`ScorecardConfig`, a YAML path, or ``None`` for the shipped default.
    previous_config
        The config the previous quarters were published with, when it differs: movement
        since last quarter is then measured against the published score, and the
        decomposition shows the part due to the configuration change.
    robustness_draws
        Monte Carlo draws over weights and normalizations (0 = skip; 1,000 is typical).
    seed
        Seed of the robustness draws (results are identical for a given seed).
    calibration
        Reuse the priors and reference distributions of an earlier run (for example
        ``published.calibration``) instead of fitting them on this table.
    robustness_quarters
        Quarter labels to run the robustness analysis on (default: all quarters).
    """
    cfg = resolve_config(config)
    prev_cfg = resolve_config(previous_config) if previous_config is not None else None
    if robustness_draws < 0:
        raise AnalysisError(f"robustness_draws must be >= 0, got {robustness_draws}. "
                            "Fix: pass 0 to skip or e.g. 1000.")
    needed = cfg.metric_ids() + (prev_cfg.metric_ids() if prev_cfg else ())
    table = prepare_metrics(metrics, tuple(dict.fromkeys(needed)), cfg.calendar())
    core = score_core(table, cfg, calibration)
    prev_core = score_core(table, prev_cfg) if prev_cfg is not None else None

    published_prev = prev_core.agg.overall if prev_core is not None else core.agg.overall
    prev = core.prev_row
    has_prev = prev >= 0
    prev_score = np.where(has_prev, published_prev[np.maximum(prev, 0)], np.nan)
    prev_tier = np.where(has_prev, core.tier[np.maximum(prev, 0)], INSUFFICIENT)

    ratio = ratio_arrays(table, cfg.rot_ratio)
    groups = quarter_groups(core.quarter_index)
    jump_z = {
        m: robust_jump_z(core.adjusted[:, j], prev, core.quarter_index,
                         METRICS_BY_ID[m].higher_is_better, groups)
        for j, m in enumerate(cfg.metric_ids())
    }

    robust = None
    if robustness_draws > 0:
        robust = _robustness(core, cfg, robustness_draws, seed, prev_tier, robustness_quarters,
                             table)
    partners = build_partner_table(table, core, prev_score, prev_tier, ratio, jump_z, robust)
    notes = list(core.calibration.notes)
    if prev_core is not None:
        notes.append("previous quarters were published with another config: movement is "
                     "measured against the published scores")
    return ScoreResult(
        partners=partners, config=cfg, calibration=core.calibration, core=core,
        table=table, previous_core=prev_core, robustness=robust, notes=notes,
    )


def _robustness(core: Core, cfg: ScorecardConfig, draws: int, seed: int,
                prev_tier: np.ndarray, quarters: list[str] | tuple[str, ...] | None,
                table: pd.DataFrame) -> Robustness:
    rb = cfg.robustness
    score_sets: dict[str, np.ndarray] = {}
    for method in rb.normalizations:
        score_sets[method] = metric_scores(core.adjusted, cfg, core.calibration, method)
    methods = tuple(score_sets)
    aggregations = rb.aggregations or (cfg.aggregation,)
    settings = draw_settings(draws, len(cfg.metric_ids()), len(cfg.category_ids()),
                             methods, aggregations, rb.weight_spread, seed)
    rows = None
    if quarters is not None:
        wanted = {str(q) for q in quarters}
        unknown = wanted - set(table["quarter"])
        if unknown:
            raise AnalysisError(f"robustness_quarters {sorted(unknown)} are not in the data. "
                                f"Fix: use quarters present, e.g. {table['quarter'].iloc[-1]}.")
        rows = np.flatnonzero(table["quarter"].isin(wanted).to_numpy())
    per_row = run_robustness(
        score_sets,
        metric_category=core.metric_category,
        metric_weights=core.metric_weights,
        category_weights=core.category_weights,
        quarter_index=core.quarter_index,
        published_tier=core.tier,
        previous_tier=prev_tier,
        min_scores=core.min_scores,
        margin=cfg.hysteresis.margin,
        settings=settings,
        floor=cfg.geometric_floor,
        min_category_coverage=cfg.minimum_data.min_category_coverage,
        min_overall_coverage=cfg.minimum_data.min_overall_coverage,
        tier_names=cfg.tier_names(),
        threshold=rb.tier_stability_threshold,
        base_score=core.agg.overall,
        tier_thresholds=rb.tier_thresholds,
        rows=rows,
    )
    positions = per_row.index.to_numpy()
    per_row.insert(0, "partner_id", table["partner_id"].to_numpy()[positions])
    per_row.insert(1, "quarter", table["quarter"].to_numpy()[positions])
    return Robustness(
        per_row=per_row.reset_index(drop=True),
        settings=settings.to_frame(cfg.metric_ids(), cfg.category_ids()),
        tier_names=cfg.tier_names(),
        threshold=rb.tier_stability_threshold,
        draws=draws,
        rows=positions,
    )


__all__ = ["Core", "score", "score_core"]

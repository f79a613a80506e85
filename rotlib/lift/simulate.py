"""Seeded staggered-adoption panels with a known, planted effect.

Why this exists: an estimator can only be trusted if it recovers an effect we planted
ourselves. The simulator draws partners into adoption cohorts (plus never-treated
partners), gives each a persistent level (so quarters of one partner are correlated,
as in real partner data), adds a common quarterly trend, and plants a treatment effect
that *grows with time since adoption* and differs by cohort. That is exactly the
setting in which a static two-way fixed-effects regression is biased (already-treated
partners act as controls while their effect is still growing), so the same panels
test that Callaway-Sant'Anna is unbiased and that TWFE is not.

The truth returned with each panel is computed with the same weights that the
Callaway-Sant'Anna aggregations use, from the realised cohort sizes, so an estimate
can be compared with it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

EffectFn = Callable[[int, int], float]
"""``effect(cohort, event_time) -> lift`` for event_time >= 0 (outcome units)."""


def growing_effect(base: float, growth: float, cohort_slope: float = 0.0) -> EffectFn:
    """Effect ``base + growth * e`` at ``e`` quarters after adoption.

    ``cohort_slope`` adds ``cohort_slope * (first_cohort_index)`` so that earlier
    adopters can gain more; the index is the cohort's rank (0 for the first cohort),
    set by :func:`simulate_staggered_panel`.
    """

    def effect(cohort_rank: int, event_time: int) -> float:
        return base + growth * event_time + cohort_slope * cohort_rank

    return effect


def no_effect(cohort_rank: int, event_time: int) -> float:
    """The null: the program changes nothing."""
    return 0.0


@dataclass(frozen=True)
class SimulatedPanel:
    """A generated panel and the truth planted in it.

    ``panel`` has columns ``unit`` (str), ``period`` (int), ``first_treated``
    (int, 0 = never treated), ``y`` (float) and two covariates ``segment`` (str) and
    ``size`` (str). ``truth`` holds the planted effect under each aggregation:
    ``simple`` (cohort-size weighted mean of all post-adoption cells, as CS "simple"),
    ``dynamic`` (mean over event times e >= 0 of the per-event-time effects, as CS
    "dynamic") and ``group`` (mean over cohorts of each cohort's mean post effect,
    cohort-size weighted, as CS "group"); ``event_time`` maps e -> effect.
    """

    panel: pd.DataFrame
    truth: dict[str, float]
    event_truth: dict[int, float] = field(default_factory=dict)
    baseline_mean: float = 0.0


def simulate_staggered_panel(
    *,
    n_units: int = 400,
    n_periods: int = 12,
    cohorts: Sequence[int] = (5, 7, 9),
    never_treated_share: float = 0.4,
    effect: EffectFn | None = None,
    baseline: float = 0.30,
    unit_sd: float = 0.05,
    noise_sd: float = 0.03,
    trend: float = 0.002,
    pre_trend_gap: float = 0.0,
    first_period: int = 1,
    seed: int = 0,
) -> SimulatedPanel:
    """Draw a balanced staggered-adoption panel with a planted dynamic effect.

    Parameters
    ----------
    n_units, n_periods
        Partners and quarters. Periods run ``first_period .. first_period+n_periods-1``.
    cohorts
        First treated periods of the adoption waves (each must lie inside the panel).
        Treated partners are split evenly across waves.
    never_treated_share
        Share of partners that never adopt (the clean comparison group).
    effect
        ``effect(cohort_rank, event_time)``; default :func:`growing_effect` with
        base 0.02, growth 0.01 per quarter and earlier cohorts gaining 0.01 more,
        i.e. effects that grow over time and differ by cohort.
    baseline, unit_sd, noise_sd, trend
        Outcome level (e.g. a win rate of 0.30), spread of partners' persistent
        levels, quarter-to-quarter noise and the common trend per quarter. The
        within-partner correlation is ``unit_sd**2 / (unit_sd**2 + noise_sd**2)``.
    pre_trend_gap
        Extra slope per quarter for treated partners *before and after* adoption:
        a violation of parallel trends (0 keeps parallel trends true).
    seed
        Seed of the numpy generator; the same seed gives the same panel.
    """
    rng = np.random.default_rng(seed)
    effect = effect if effect is not None else growing_effect(0.02, 0.01, -0.01)
    periods = np.arange(first_period, first_period + n_periods)
    cohorts = sorted(int(c) for c in cohorts)
    for c in cohorts:
        if not periods[0] < c <= periods[-1]:
            raise ValueError(f"cohort {c} must be inside ({periods[0]}, {periods[-1]}]")
    n_never = round(n_units * never_treated_share)
    n_treated = n_units - n_never
    cohort_of_unit = np.concatenate(
        [np.zeros(n_never, dtype=int), np.resize(np.array(cohorts, dtype=int), n_treated)]
    )
    rng.shuffle(cohort_of_unit)
    rank = {c: i for i, c in enumerate(cohorts)}

    unit_level = baseline + rng.normal(0.0, unit_sd, n_units)
    period_shock = trend * (periods - periods[0]) + rng.normal(0.0, noise_sd / 3, n_periods)
    g = np.repeat(cohort_of_unit, n_periods)
    t = np.tile(periods, n_units)
    y = np.repeat(unit_level, n_periods) + np.tile(period_shock, n_units)
    y = y + rng.normal(0.0, noise_sd, n_units * n_periods)
    treated = g > 0
    y = y + pre_trend_gap * (t - periods[0]) * treated
    event_time = np.where(treated, t - g, -1)
    cell_effect = np.array(
        [
            effect(rank[gi], ei) if (gi > 0 and ei >= 0) else 0.0
            for gi, ei in zip(g, event_time, strict=True)
        ]
    )
    y = y + cell_effect

    units = np.array([f"P{i:05d}" for i in range(n_units)])
    segment = rng.choice(np.array(["reseller", "isv", "si"]), n_units)
    size = rng.choice(np.array(["small", "mid", "large"]), n_units)
    panel = pd.DataFrame(
        {
            "unit": np.repeat(units, n_periods),
            "period": t,
            "first_treated": g,
            "y": y,
            "segment": np.repeat(segment, n_periods),
            "size": np.repeat(size, n_periods),
        }
    )
    truth, event_truth = _aggregate_truth(cohort_of_unit, cohorts, periods, effect, rank)
    return SimulatedPanel(panel=panel, truth=truth, event_truth=event_truth, baseline_mean=baseline)


def _aggregate_truth(
    cohort_of_unit: np.ndarray,
    cohorts: list[int],
    periods: np.ndarray,
    effect: EffectFn,
    rank: dict[int, int],
) -> tuple[dict[str, float], dict[int, float]]:
    """The planted effect under the CS aggregations, with realised cohort sizes."""
    sizes = {c: int((cohort_of_unit == c).sum()) for c in cohorts}
    last = int(periods[-1])
    cells = [(c, tt) for c in cohorts for tt in range(c, last + 1) if sizes[c] > 0]
    w = np.array([sizes[c] for c, _ in cells], dtype=float)
    v = np.array([effect(rank[c], tt - c) for c, tt in cells])
    simple = float((w * v).sum() / w.sum())

    event_truth: dict[int, float] = {}
    for e in sorted({tt - c for c, tt in cells}):
        ce = [c for c in cohorts if sizes[c] > 0 and c + e <= last]
        we = np.array([sizes[c] for c in ce], dtype=float)
        event_truth[e] = float((we * np.array([effect(rank[c], e) for c in ce])).sum() / we.sum())
    dynamic = float(np.mean(list(event_truth.values())))

    gw = np.array([sizes[c] for c in cohorts if sizes[c] > 0], dtype=float)
    gv = np.array(
        [
            np.mean([effect(rank[c], tt - c) for tt in range(c, last + 1)])
            for c in cohorts
            if sizes[c] > 0
        ]
    )
    group = float((gw * gv).sum() / gw.sum())
    return {"simple": simple, "dynamic": dynamic, "group": group}, event_truth


@dataclass(frozen=True)
class CoverageStudy:
    """Repeated-sampling behaviour of one estimator on simulated panels.

    ``draws`` has one row per simulated panel: ``truth``, ``estimate``, ``se``,
    ``ci_low``, ``ci_high`` and ``covered``. ``coverage`` is the share of intervals
    that contain the truth (should be close to the nominal level), ``bias`` the mean
    error and ``mc_se`` the Monte Carlo standard error of the coverage.
    """

    method: str
    aggregation: str
    draws: pd.DataFrame

    @property
    def coverage(self) -> float:
        """Share of intervals covering the planted truth."""
        return float(self.draws["covered"].mean())

    @property
    def mc_se(self) -> float:
        """Monte Carlo standard error of the coverage."""
        c = self.coverage
        return float(np.sqrt(c * (1 - c) / len(self.draws)))

    @property
    def bias(self) -> float:
        """Mean of estimate minus truth."""
        return float((self.draws["estimate"] - self.draws["truth"]).mean())

    @property
    def rmse(self) -> float:
        """Root mean squared error."""
        return float(np.sqrt(((self.draws["estimate"] - self.draws["truth"]) ** 2).mean()))

    def summary(self) -> str:
        """One line: draws, coverage, bias."""
        return (
            f"{self.method}/{self.aggregation}: {len(self.draws)} draws, coverage "
            f"{self.coverage:.3f} (MC se {self.mc_se:.3f}), bias {self.bias:+.5f}, "
            f"rmse {self.rmse:.5f}, mean se {self.draws['se'].mean():.5f}"
        )


def coverage_study(
    *,
    method: str = "cs",
    aggregation: str = "simple",
    draws: int = 200,
    seed: int = 2024,
    alpha: float = 0.05,
    truth_key: str | None = None,
    **panel_kwargs: object,
) -> CoverageStudy:
    """Simulate ``draws`` panels, estimate each, record whether the interval covers.

    ``truth_key`` picks the planted quantity the estimate targets (default: the
    ``aggregation`` name; static TWFE and did2s have no matching estimand, so
    the "simple" truth is used for them and their coverage shows their bias).
    Seeds are ``seed, seed+1, ...`` so any single draw can be replayed.
    """
    from rotlib.lift.estimators import did

    key = truth_key or (aggregation if aggregation in ("simple", "dynamic", "group") else "simple")
    rows = []
    for i in range(draws):
        sim = simulate_staggered_panel(seed=seed + i, **panel_kwargs)  # type: ignore[arg-type]
        r = did(
            sim.panel,
            unit="unit",
            period="period",
            outcome="y",
            first_treated="first_treated",
            method=method,
            aggregation=aggregation,
            alpha=alpha,
        )
        truth = sim.truth[key]
        rows.append(
            {
                "seed": seed + i,
                "truth": truth,
                "estimate": r.estimate,
                "se": r.se,
                "ci_low": r.ci[0],
                "ci_high": r.ci[1],
                "covered": bool(r.ci[0] <= truth <= r.ci[1]),
            }
        )
    return CoverageStudy(method=method, aggregation=aggregation, draws=pd.DataFrame(rows))

"""Power and minimum detectable effect (MDE) for the next program.

Why: a program given to 12 partners for two quarters may be unable to show any
plausible lift; teams should know that before they run it. The calculation uses the
difference-in-differences variance for panels with equicorrelated errors (Burlig,
Preonas & Woerman 2020, eq. 2; as implemented by diff-diff's ``compute_mde``):

    Var(lift) = sigma^2 (1/n_treated + 1/n_control) (1/n_pre + 1/n_post) (1 - rho)

``sigma`` (outcome spread after removing common quarter effects) and ``rho`` (the
within-partner correlation across quarters) are taken from the data: partners whose
outcome is stable from quarter to quarter (high ``rho``) make lifts easier to see.

Limits: the formula is for one adoption wave compared over ``n_pre`` and ``n_post``
quarters; serial correlation that fades with distance (rather than a constant
``rho``) makes it optimistic for long windows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rotlib.errors import AnalysisError
from rotlib.lift.result import to_jsonable

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass(frozen=True)
class OutcomeVariance:
    """Spread of an outcome and its within-unit correlation, estimated from data."""

    sigma: float
    rho: float
    mean: float
    n_units: int
    n_periods: int


def outcome_variance(
    panel: pd.DataFrame,
    *,
    unit: str,
    period: str,
    outcome: str,
    first_treated: str | None = None,
) -> OutcomeVariance:
    """Estimate ``sigma`` and ``rho`` of ``outcome`` from untreated observations.

    Quarter means are removed first (a shock that hits everyone cancels out in a
    difference-in-differences). ``rho`` is the one-way ANOVA intraclass correlation
    (between-unit variance share), truncated to [0, 1). If ``first_treated`` is
    given, treated rows are left out so a past program's lift does not inflate the
    spread.
    """
    for c in [unit, period, outcome] + ([first_treated] if first_treated else []):
        if c not in panel:
            raise AnalysisError(f"the panel has no column {c!r}.")
    f = panel[[unit, period, outcome]].copy()
    f[outcome] = pd.to_numeric(f[outcome], errors="coerce")
    if first_treated:
        g = pd.to_numeric(panel[first_treated], errors="coerce").fillna(0)
        f = f[(g == 0) | (pd.to_numeric(panel[period]) < g)]
    f = f.dropna()
    if f.empty or f[outcome].std(ddof=0) == 0:
        raise AnalysisError(f"outcome {outcome!r} never varies; power cannot be computed.")
    y = f[outcome] - f.groupby(period)[outcome].transform("mean")
    units = f[unit].astype("str")
    n_i = units.value_counts()
    n_units, n_total = len(n_i), len(y)
    if n_units < 2 or n_total <= n_units:
        raise AnalysisError("need at least two units observed in two or more periods.")
    unit_mean = y.groupby(units).transform("mean")
    ms_within = float(((y - unit_mean) ** 2).sum() / (n_total - n_units))
    ms_between = float(((unit_mean - y.mean()) ** 2).sum() / (n_units - 1))
    n0 = (n_total - float((n_i**2).sum()) / n_total) / (n_units - 1)
    var_between = max((ms_between - ms_within) / n0, 0.0)
    total = var_between + ms_within
    rho = min(var_between / total, 0.999) if total > 0 else 0.0
    return OutcomeVariance(
        sigma=float(np.sqrt(total)),
        rho=float(rho),
        mean=float(f[outcome].mean()),
        n_units=n_units,
        n_periods=int(f[period].nunique()),
    )


def minimum_detectable_effect(
    *,
    n_treated: int,
    n_control: int,
    n_pre: int,
    n_post: int,
    sigma: float,
    rho: float = 0.0,
    alpha: float = 0.05,
    power: float = 0.8,
) -> float:
    """Smallest true lift (outcome units) detected with probability ``power``."""
    import diff_diff as dd

    _check_design(n_treated, n_control, n_pre, n_post)
    return float(
        dd.compute_mde(
            n_treated=n_treated,
            n_control=n_control,
            sigma=sigma,
            power=power,
            alpha=alpha,
            n_pre=n_pre,
            n_post=n_post,
            rho=rho,
        )
    )


def power_for_effect(
    effect: float,
    *,
    n_treated: int,
    n_control: int,
    n_pre: int,
    n_post: int,
    sigma: float,
    rho: float = 0.0,
    alpha: float = 0.05,
) -> float:
    """Probability that a two-sided test at ``alpha`` detects a true lift ``effect``."""
    import diff_diff as dd

    _check_design(n_treated, n_control, n_pre, n_post)
    return float(
        dd.compute_power(
            effect_size=effect,
            n_treated=n_treated,
            n_control=n_control,
            sigma=sigma,
            alpha=alpha,
            n_pre=n_pre,
            n_post=n_post,
            rho=rho,
        )
    )


def _check_design(n_treated: int, n_control: int, n_pre: int, n_post: int) -> None:
    if n_treated < 2 or n_control < 2:
        raise AnalysisError(
            "a design needs at least 2 treated and 2 control partners, got "
            f"{n_treated} and {n_control}."
        )
    if n_pre < 1 or n_post < 1:
        raise AnalysisError(
            f"need at least one quarter before and after, got {n_pre} and {n_post}."
        )


@dataclass
class PowerPlan:
    """MDE for a planned program, with the grid a team can pick a size from."""

    outcome: str
    variance: OutcomeVariance
    n_treated: int
    n_control: int
    n_pre: int
    n_post: int
    alpha: float
    power: float
    mde: float
    grid: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def mde_pct(self) -> float:
        """MDE in percent of the outcome's mean level."""
        return 100 * self.mde / abs(self.variance.mean) if self.variance.mean else float("nan")

    def tidy(self) -> pd.DataFrame:
        """MDE by partners per arm."""
        return self.grid.copy()

    def summary(self) -> str:
        """Text for a notebook."""
        v = self.variance
        return (
            f"Power plan for {self.outcome!r}: sigma {v.sigma:.4g}, within-partner "
            f"correlation {v.rho:.2f} (from {v.n_units} partners x {v.n_periods} quarters).\n"
            f"  {self.n_treated} treated vs {self.n_control} control partners, {self.n_pre} "
            f"quarters before and {self.n_post} after: minimum detectable lift "
            f"{self.mde:.4g} ({self.mde_pct:.1f}% of the mean {v.mean:.4g}) at "
            f"{self.power:.0%} power, alpha {self.alpha}."
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """MDE against partners per arm."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(self.grid["partners_per_arm"], self.grid["mde"], marker="o")
        ax.set_xscale("log")
        ax.set_xlabel("partners per arm")
        ax.set_ylabel(f"minimum detectable lift in {self.outcome}")
        ax.set_title(f"{self.power:.0%} power, {self.n_pre} quarters before / {self.n_post} after")
        return ax

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return to_jsonable(
            {
                "outcome": self.outcome,
                "sigma": self.variance.sigma,
                "rho": self.variance.rho,
                "mean": self.variance.mean,
                "n_treated": self.n_treated,
                "n_control": self.n_control,
                "n_pre": self.n_pre,
                "n_post": self.n_post,
                "alpha": self.alpha,
                "power": self.power,
                "mde": self.mde,
                "mde_pct": self.mde_pct,
                "grid": self.grid,
            }
        )


def plan_program(
    panel: pd.DataFrame,
    *,
    unit: str,
    period: str,
    outcome: str,
    n_treated: int,
    n_control: int,
    n_pre: int,
    n_post: int,
    first_treated: str | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    arm_sizes: Sequence[int] = (5, 10, 20, 30, 50, 100, 200, 500, 1000),
) -> PowerPlan:
    """MDE for a planned design, with sigma and rho taken from ``panel``."""
    v = outcome_variance(
        panel, unit=unit, period=period, outcome=outcome, first_treated=first_treated
    )
    kw = {"n_pre": n_pre, "n_post": n_post, "sigma": v.sigma, "rho": v.rho, "alpha": alpha}
    mde = minimum_detectable_effect(n_treated=n_treated, n_control=n_control, power=power, **kw)
    grid = pd.DataFrame(
        [
            {
                "partners_per_arm": n,
                "mde": minimum_detectable_effect(n_treated=n, n_control=n, power=power, **kw),
            }
            for n in arm_sizes
            if n >= 2
        ]
    )
    if v.mean:
        grid["mde_pct"] = 100 * grid["mde"] / abs(v.mean)
    return PowerPlan(outcome, v, n_treated, n_control, n_pre, n_post, alpha, power, mde, grid)

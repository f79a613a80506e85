"""Result objects: what an estimate, an event study and a credibility check return.

Why objects and not bare numbers: a notebook wants to print, tabulate and plot a
result, and the executive report wants to serialise it. Every result here has
``.tidy()`` (a data frame), ``.summary()`` (text), ``.plot()`` (matplotlib) and
``.to_dict()`` (plain JSON types, NaN as ``None``), in the spirit of pyfixest and
statsmodels results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rotlib.jsonsafe import to_jsonable as _to_jsonable

DETAIL_COLUMNS = ["term", "estimate", "se", "ci_low", "ci_high", "p_value"]

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def to_jsonable(value: Any) -> Any:
    """JSON types for lift results; anything unexpected becomes its text."""
    return _to_jsonable(value, unknown=str)


def _fmt(x: float | None, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:.{digits}g}" if abs(x) < 1e-3 and x != 0 else f"{x:.{digits}f}"


@dataclass
class LiftResult:
    """One difference-in-differences estimate of a program's lift on one outcome.

    ``estimate`` is in the outcome's own units (e.g. +0.04 win rate = 4 points);
    ``lift_pct`` expresses it in percent of the treated units' pre-program level
    (``baseline``). ``detail`` holds the disaggregated effects behind the estimate
    (event times, cohorts or group-time cells) with the same columns as ``tidy()``.
    """

    method: str
    outcome: str
    estimate: float
    se: float
    ci: tuple[float, float]
    p_value: float
    alpha: float
    control: str
    aggregation: str | None
    inference: str
    n_units: int
    n_treated: int
    n_periods: int
    n_obs: int
    baseline: float
    detail: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DETAIL_COLUMNS))
    notes: list[str] = field(default_factory=list)
    engine: str = ""

    @property
    def lift_pct(self) -> float:
        """Estimate in percent of the pre-program baseline (NaN if baseline is 0)."""
        if not self.baseline or not math.isfinite(self.baseline):
            return float("nan")
        return 100.0 * self.estimate / abs(self.baseline)

    @property
    def ci_pct(self) -> tuple[float, float]:
        """Interval in percent of the baseline."""
        if not self.baseline or not math.isfinite(self.baseline):
            return (float("nan"), float("nan"))
        b = abs(self.baseline)
        return (100.0 * self.ci[0] / b, 100.0 * self.ci[1] / b)

    def tidy(self) -> pd.DataFrame:
        """Overall estimate first, then the detail rows (one row per term)."""
        overall = pd.DataFrame(
            [
                {
                    "term": f"ATT ({self.aggregation or self.method})",
                    "estimate": self.estimate,
                    "se": self.se,
                    "ci_low": self.ci[0],
                    "ci_high": self.ci[1],
                    "p_value": self.p_value,
                }
            ]
        )
        if self.detail.empty:
            return overall
        return pd.concat([overall, self.detail[DETAIL_COLUMNS]], ignore_index=True)

    def summary(self) -> str:
        """A short text block for a notebook or a log."""
        lo, hi = self.ci
        level = round(100 * (1 - self.alpha))
        lines = [
            f"Lift of the program on {self.outcome!r} ({self.method}, {self.engine})",
            f"  estimate {_fmt(self.estimate)}  se {_fmt(self.se)}  "
            f"{level}% CI [{_fmt(lo)}, {_fmt(hi)}]  p = {_fmt(self.p_value, 3)}",
            f"  = {_fmt(self.lift_pct, 3)}% of the pre-program baseline {_fmt(self.baseline)}",
            f"  units {self.n_units} (treated {self.n_treated}), periods {self.n_periods}, "
            f"rows {self.n_obs}; control: {self.control}; inference: {self.inference}",
        ]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def plot(self, ax: Axes | None = None) -> Axes:
        """Plot the detail effects with their intervals (or the overall estimate)."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.5))
        t = self.tidy()
        x = np.arange(len(t))
        ax.errorbar(
            x,
            t["estimate"],
            yerr=[t["estimate"] - t["ci_low"], t["ci_high"] - t["estimate"]],
            fmt="o",
            capsize=3,
        )
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xticks(x, t["term"].astype(str), rotation=45, ha="right")
        ax.set_ylabel(f"lift in {self.outcome}")
        ax.set_title(
            f"{self.method}: {_fmt(self.estimate)} [{_fmt(self.ci[0])}, {_fmt(self.ci[1])}]"
        )
        return ax

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form for the report."""
        return to_jsonable(
            {
                "method": self.method,
                "engine": self.engine,
                "outcome": self.outcome,
                "estimate": self.estimate,
                "se": self.se,
                "ci": list(self.ci),
                "p_value": self.p_value,
                "alpha": self.alpha,
                "control": self.control,
                "aggregation": self.aggregation,
                "inference": self.inference,
                "n_units": self.n_units,
                "n_treated": self.n_treated,
                "n_periods": self.n_periods,
                "n_obs": self.n_obs,
                "baseline": self.baseline,
                "lift_pct": self.lift_pct,
                "ci_pct": list(self.ci_pct),
                "detail": self.detail[DETAIL_COLUMNS] if not self.detail.empty else [],
                "notes": self.notes,
            }
        )


@dataclass
class PretrendTest:
    """Joint Wald test that all pre-adoption event-time effects are zero."""

    statistic: float
    df: int
    p_value: float
    distribution: str = "chi2"

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return to_jsonable(self.__dict__)


@dataclass
class EventStudyResult:
    """Effects by quarters since adoption (leads and lags) and the pre-trend test.

    ``table`` has ``event_time`` (0 = first treated quarter), ``estimate``, ``se``,
    ``ci_low``, ``ci_high``, ``p_value`` and ``is_reference`` (the normalised period,
    estimate 0 by construction). ``vcov`` is the covariance of the non-reference
    estimates (index = event time), used for the joint test and for sensitivity.
    """

    method: str
    outcome: str
    table: pd.DataFrame
    vcov: pd.DataFrame
    pretrend: PretrendTest | None
    alpha: float
    engine: str = ""
    notes: list[str] = field(default_factory=list)
    raw: Any = field(default=None, repr=False)

    def tidy(self) -> pd.DataFrame:
        """The event-time table."""
        return self.table.copy()

    def pre(self) -> pd.DataFrame:
        """Estimated leads (event time < 0, reference excluded)."""
        t = self.table
        return t[(t["event_time"] < 0) & ~t["is_reference"]]

    def post(self) -> pd.DataFrame:
        """Estimated lags (event time >= 0)."""
        return self.table[self.table["event_time"] >= 0]

    def summary(self) -> str:
        """Text table plus the pre-trend test."""
        lines = [f"Event study of {self.outcome!r} ({self.method}, {self.engine})"]
        for r in self.table.itertuples():
            mark = " (reference)" if r.is_reference else ""
            lines.append(
                f"  e={int(r.event_time):+d}: {_fmt(r.estimate)} "
                f"[{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]{mark}"
            )
        if self.pretrend is not None:
            p = self.pretrend
            lines.append(
                f"  joint pre-trend test: chi2({p.df}) = {_fmt(p.statistic, 3)}, "
                f"p = {_fmt(p.p_value, 3)}"
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def plot(self, ax: Axes | None = None, title: str | None = None) -> Axes:
        """Event-study plot: leads and lags with intervals, adoption marked."""
        import matplotlib.pyplot as plt
        import seaborn as sns

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.8))
        t = self.table.sort_values("event_time")
        palette = sns.color_palette("deep")
        for is_post, color, label in ((False, palette[0], "before"), (True, palette[3], "after")):
            part = t[(t["event_time"] >= 0) == is_post]
            ax.errorbar(
                part["event_time"],
                part["estimate"],
                yerr=[
                    (part["estimate"] - part["ci_low"]).fillna(0),
                    (part["ci_high"] - part["estimate"]).fillna(0),
                ],
                fmt="o",
                color=color,
                capsize=3,
                label=f"{label} adoption",
            )
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(-0.5, color="grey", ls="--", lw=0.8)
        ax.set_xlabel("quarters since adoption")
        ax.set_ylabel(f"effect on {self.outcome}")
        if title is None:
            title = f"Event study ({self.method})"
            if self.pretrend is not None:
                title += f"; pre-trend p = {_fmt(self.pretrend.p_value, 2)}"
        ax.set_title(title)
        ax.legend(frameon=False)
        return ax

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (the raw engine object is left out)."""
        return to_jsonable(
            {
                "method": self.method,
                "engine": self.engine,
                "outcome": self.outcome,
                "alpha": self.alpha,
                "table": self.table,
                "pretrend": self.pretrend.to_dict() if self.pretrend else None,
                "notes": self.notes,
            }
        )


@dataclass
class CheckResult:
    """One credibility check.

    ``status`` is ``"pass"`` (nothing wrong found), ``"fail"`` (the check speaks
    against the causal claim), ``"warn"`` (a weakness that limits the claim),
    ``"info"`` (context, never decisive) or ``"skipped"`` (did not apply; the
    message says why).
    """

    name: str
    status: str
    message: str
    p_value: float | None = None
    estimate: float | None = None
    ci: tuple[float, float] | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return to_jsonable(
            {
                "name": self.name,
                "status": self.status,
                "message": self.message,
                "p_value": self.p_value,
                "estimate": self.estimate,
                "ci": list(self.ci) if self.ci else None,
                "details": self.details,
            }
        )

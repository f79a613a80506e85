"""The result of a cohort comparison: tables, a summary, plots, a serializable dict.

Like a statsmodels results object: a notebook prints ``.summary()``, tabulates
``.tidy()`` and calls ``.plot_forest()``; the report serializes ``.to_dict()``. Text in
the summary and sentences is plain (cohort labels and tier names are untrusted input
and are left for the report layer to escape).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rotlib.cohorts.cohorts import Cohorts
from rotlib.cohorts.config import CohortConfig
from rotlib.cohorts.transitions import Transitions
from rotlib.jsonsafe import to_jsonable

if TYPE_CHECKING:  # matplotlib is imported only when plotting
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Columns of the tidy table, in order (documented in docs/cohorts.md).
TIDY_COLUMNS: list[str] = [
    "outcome", "outcome_name", "window", "window_label", "quarter", "level", "reference",
    "contrast", "adjusted", "adjusted_for", "method", "role", "scale", "estimate",
    "std_error", "ci_low", "ci_high", "p_value", "p_adjusted", "correction", "effect_label",
    "effect", "effect_low", "effect_high", "log_scale", "value_level", "value_reference",
    "value_unit", "n_units", "n_partners_level", "n_partners_reference", "estimable",
    "inference", "circular", "headline", "note",
]


@dataclass
class CohortResult:
    """Everything a cohort comparison found.

    Attributes
    ----------
    estimates
        The tidy table (see :data:`TIDY_COLUMNS`): one row per outcome, window, cohort
        level, adjustment and method. ``estimate``/``ci_*`` are on ``scale`` (log scale
        for ratios); ``effect``/``effect_*`` are back-transformed (odds ratio, rate ratio,
        ratio of means, or a difference in outcome units).
    cohort_values
        Plain per-cohort outcome values (share, median days, rate, mean per partner),
        counts and standardized effect sizes (Cohen's h or d).
    balance
        Standardized mean differences of the covariates between cohorts.
    transitions
        Tier transition matrix Q -> Q+1 and the movers.
    circularity
        Outcomes that overlap with metrics in the score.
    rdd
        Regression-discontinuity rows (empty unless threshold cohorts and ``rdd=True``).
    warnings, notes
        Guard-rail warnings (small cohorts, missing covariates, empty windows) and
        interpretation notes (Simpson's paradox).
    """

    config: CohortConfig
    quarter: str
    quarter_index: int
    cohorts: Cohorts
    estimates: pd.DataFrame
    cohort_values: pd.DataFrame
    balance: pd.DataFrame
    transitions: Transitions | None
    circularity: pd.DataFrame
    rdd: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    correction_note: str = ""
    sentences: list[str] = field(default_factory=list)

    # --- tables ----------------------------------------------------------------------
    def tidy(self) -> pd.DataFrame:
        """The estimates table (a copy)."""
        return self.estimates.copy()

    def headline(self) -> pd.DataFrame:
        """Primary adjusted rows of the headline window (Q+1)."""
        return self.estimates.loc[self.estimates["headline"]].reset_index(drop=True)

    @property
    def cohort_sizes(self) -> pd.DataFrame:
        sizes = self.cohorts.sizes()
        return pd.DataFrame({"cohort": list(sizes), "label": [self.cohorts.labels[k]
                                                                for k in sizes],
                             "partners": list(sizes.values())})

    # --- text ------------------------------------------------------------------------
    def summary(self) -> str:
        """A plain-text account: cohorts, headline sentences, guard rails, checks."""
        cfg = self.config
        hw = cfg.headline_window
        lines = []
        rule = (f"RoT threshold {cfg.threshold:g} (partners at or above it are 'above')"
                if cfg.by == "threshold" else f"tier, compared with {self.cohorts.reference}")
        lines.append(f"Does trust pay? Cohorts formed in {self.quarter} by {rule}.")
        sizes = ", ".join(f"{self.cohorts.labels[k]}: {n}" for k, n in
                          self.cohorts.sizes().items())
        lines.append(f"Partners: {sizes}; {self.cohorts.n_insufficient} with insufficient "
                     "data left out.")
        wins = ", ".join(f"{'Q' if w == 0 else f'Q+{w}'} = {_label(self.quarter_index + w)}"
                         for w in cfg.windows)
        lines.append(f"Outcome windows: {wins}; the headline is Q+{hw} (trust leads, "
                     "outcomes lag). These are associations, not proof that trust causes "
                     "the difference.")
        lines.append("")
        lines.append("Headline and other readings:")
        lines += [f"  - {s}" for s in self.sentences]
        sizes = self._effect_sizes(hw)
        if sizes:
            lines.append("")
            lines.append(f"Standardized effect sizes in Q+{hw} (crude): " + "; ".join(sizes))
        lines.append("")
        lines.append(self.correction_note)
        if not self.circularity.empty:
            same = self.circularity.loc[self.circularity["overlap"] == "same quantity"]
            for r in same.itertuples():
                lines.append(f"Circularity: {r.outcome} is also in the score as "
                             f"{r.score_metric}: {r.why}")
            shared = self.circularity.loc[self.circularity["overlap"] != "same quantity"]
            if not shared.empty:
                pairs = "; ".join(f"{o}: {', '.join(g['score_metric'])}"
                                  for o, g in shared.groupby("outcome", sort=False))
                lines.append(f"Score metrics sharing a source table with an outcome (weaker "
                             f"overlap): {pairs}.")
        imb = self.balance.loc[self.balance["imbalanced"]] if not self.balance.empty else []
        lines.append(f"Balance: {len(imb)} of {len(self.balance)} covariate values differ "
                     f"by |SMD| > {cfg.smd_flag:g} between cohorts.")
        for n in self.notes:
            lines.append(f"Note: {n}")
        for w in self.warnings:
            lines.append(f"Warning: {w}")
        if self.transitions is not None:
            mv = self.transitions.movers
            up = int((mv["direction"] == "up").sum())
            down = int((mv["direction"] == "down").sum())
            lines.append(f"Movement {self.transitions.quarter_from} -> "
                         f"{self.transitions.quarter_to}: {up} partners moved up a tier, "
                         f"{down} down.")
        if not self.rdd.empty:
            main = self.rdd.loc[self.rdd["check"] == "estimate"]
            for r in main.itertuples():
                if np.isfinite(r.estimate):
                    lines.append(
                        f"Discontinuity at {r.cutoff:g} ({r.outcome}, {r.quarter}): jump "
                        f"{r.estimate:+.3g} ({cfg.confidence:.0%} CI {r.ci_low:.3g} to "
                        f"{r.ci_high:.3g}), "
                        f"bandwidth {r.bandwidth:.1f} points, {r.n_left}+{r.n_right} partners.")
        return "\n".join(lines)

    def _effect_sizes(self, window: int) -> list[str]:
        from rotlib.cohorts.reading import effect_size_label

        v = self.cohort_values
        v = v.loc[(v["window"] == window) & v["std_effect"].notna()]
        multi = len(self.cohorts.levels) > 2
        return [f"{r.outcome}{f' {r.level}' if multi else ''} "
                f"{effect_size_label(r.std_effect_kind, r.std_effect)}"
                for r in v.itertuples()]

    # --- plots -----------------------------------------------------------------------
    def plot_forest(self, ax: Axes | None = None, *, include_bootstrap: bool = True) -> Figure:
        """Forest plot of the ratio estimates (odds, rate, means) with intervals.

        Log x-axis; 1 means no difference. Crude, adjusted and bootstrap rows of each
        outcome and window are stacked; a hollow marker has no interval (withheld).
        """
        import matplotlib.pyplot as plt

        roles = ["primary", "cross-check"] if include_bootstrap else ["primary"]
        t = self.estimates.loc[self.estimates["log_scale"] & self.estimates["role"].isin(roles)
                               & self.estimates["estimable"]]
        if ax is None:
            fig, ax = plt.subplots(figsize=(8, 0.35 * max(len(t), 4) + 1.2))
        else:
            fig = ax.figure
        styles = {("primary", True): ("o", "C0", "adjusted"),
                  ("primary", False): ("s", "C1", "crude"),
                  ("cross-check", False): ("D", "C2", "bootstrap")}
        labels, seen = [], set()
        for y, r in enumerate(t.itertuples()):
            marker, color, name = styles[(r.role, bool(r.adjusted))]
            filled = bool(r.inference)
            if filled:
                ax.plot([r.effect_low, r.effect_high], [y, y], color=color, lw=1.5)
            ax.plot([r.effect], [y], marker=marker, color=color,
                    markerfacecolor=color if filled else "white",
                    label=name if name not in seen else None, linestyle="none")
            seen.add(name)
            lvl = "" if len(self.cohorts.levels) == 2 else f" {r.level}"
            labels.append(f"{r.outcome_name} ({r.window_label}){lvl}")
        ax.axvline(1.0, color="grey", lw=1, ls="--")
        ax.set_xscale("log")
        _ratio_ticks(ax, t[["effect", "effect_low", "effect_high"]].to_numpy())
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.set_xlabel(f"ratio vs {self.cohorts.reference} (odds / rate / means), "
                      f"{self.config.confidence:.0%} CI")
        ax.set_title(f"Cohorts of {self.quarter}: differences with intervals")
        if seen:
            ax.legend(loc="best", fontsize="small")
        fig.tight_layout()
        return fig

    def plot_transitions(self, ax: Axes | None = None) -> Figure:
        """Heatmap of tier transition shares Q -> Q+1, annotated with counts."""
        import matplotlib.pyplot as plt

        if self.transitions is None:
            raise ValueError("this result has no transitions")
        shares = self.transitions.shares.fillna(0.0)
        counts = self.transitions.counts
        if ax is None:
            n = len(shares)
            fig, ax = plt.subplots(figsize=(1.2 * n + 2.5, 1.0 * n + 1.5))
        else:
            fig = ax.figure
        im = ax.imshow(shares.to_numpy(), cmap="Blues", vmin=0, vmax=1)
        for i in range(shares.shape[0]):
            for j in range(shares.shape[1]):
                v = shares.iat[i, j]
                ax.text(j, i, f"{counts.iat[i, j]}\n{v:.0%}", ha="center", va="center",
                        color="white" if v > 0.6 else "black", fontsize="small")
        ax.set_xticks(range(shares.shape[1]), list(shares.columns), rotation=30, ha="right")
        ax.set_yticks(range(shares.shape[0]), list(shares.index))
        ax.set_xlabel(counts.columns.name)
        ax.set_ylabel(counts.index.name)
        ax.set_title("Tier transitions (count and row share)")
        fig.colorbar(im, ax=ax, label="share of the row")
        fig.tight_layout()
        return fig

    # --- serialization ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (NaN -> None) of the whole result, for the report layer."""
        return _clean({
            "quarter": self.quarter,
            "quarter_index": self.quarter_index,
            "config": self.config.to_dict(),
            "cohort_sizes": self.cohort_sizes.to_dict(orient="records"),
            "n_insufficient": self.cohorts.n_insufficient,
            "estimates": self.estimates.to_dict(orient="records"),
            "cohort_values": self.cohort_values.to_dict(orient="records"),
            "balance": self.balance.to_dict(orient="records"),
            "circularity": self.circularity.to_dict(orient="records"),
            "transitions": None if self.transitions is None else self.transitions.to_dict(),
            "rdd": self.rdd.to_dict(orient="records"),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "correction_note": self.correction_note,
            "sentences": list(self.sentences),
        })


def _ratio_ticks(ax: Axes, values: np.ndarray) -> None:
    """Readable ratio ticks (0.5, 0.8, 1, 1.25, 2 ...) on a log axis."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

    finite = values[np.isfinite(values) & (values > 0)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (0.5, 2.0)
    lo, hi = min(lo, 0.9), max(hi, 1.1)
    fine = (0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0)
    coarse = (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 10.0)
    ticks = [v for v in (fine if hi / lo < 4 else coarse) if lo / 1.05 <= v <= hi * 1.05]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())


def _label(index: int) -> str:
    from rotlib.calendar import FiscalCalendar

    return FiscalCalendar.index_to_label(index)


def _clean(obj: Any) -> Any:
    return to_jsonable(obj)

"""Check a long panel and bring it into the one shape every estimator reads.

Why one module: each estimator library wants slightly different input (moderndid
needs numeric unit ids, diff-diff wants ``0`` for never treated, pyfixest wants a
treatment dummy), and every estimate must refuse the same impossible inputs with the
same clear message. Doing that once here keeps the estimators thin and the errors
consistent: whatever method a user picks, "no never-treated partners left" reads the
same.

The prepared frame has fixed internal column names (``lift_unit``, ``lift_period``,
``lift_g``, ``lift_y``, plus covariate columns) so that estimator code never depends on what the
user called things.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rotlib.errors import AnalysisError

CONTROLS = ("never_treated", "not_yet_treated")

UNIT, PERIOD, G, Y, D = "lift_unit", "lift_period", "lift_g", "lift_y", "lift_treated"


@dataclass
class PreparedPanel:
    """A validated balanced panel with internal column names.

    Attributes
    ----------
    frame
        Columns ``lift_unit`` (int codes 1..N, stable in order of first appearance of the
        sorted unit labels), ``lift_period`` (int), ``lift_g`` (first treated period, 0 =
        not treated inside the panel), ``lift_y`` (outcome), ``lift_treated`` (0/1: the
        unit is treated in this period) and the covariate columns listed in
        ``covariates``.
    unit_labels
        The user's unit label for each code (index = code).
    covariates
        Names of the numeric covariate columns in ``frame`` (categoricals already
        expanded into 0/1 indicators).
    notes
        What was dropped or recoded, in words, for the result's notes.
    """

    frame: pd.DataFrame
    unit_labels: pd.Series
    outcome: str
    covariates: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    anticipation: int = 0

    @property
    def periods(self) -> np.ndarray:
        """Sorted distinct periods."""
        return np.sort(self.frame[PERIOD].unique())

    @property
    def unit_cohort(self) -> pd.Series:
        """First treated period per unit code (0 = not treated in the panel)."""
        return self.frame.groupby(UNIT, sort=True)[G].first()

    @property
    def n_units(self) -> int:
        """Number of units."""
        return int(self.frame[UNIT].nunique())

    @property
    def n_treated(self) -> int:
        """Units with a first treated period inside the panel."""
        return int((self.unit_cohort > 0).sum())

    def baseline(self) -> float:
        """Mean outcome of treated units in the period just before their adoption.

        Why this baseline: "lift in percent" should be relative to where the treated
        partners stood right before the program, not to the whole portfolio.
        """
        f = self.frame
        base = f[(f[G] > 0) & (f[PERIOD] == f[G] - 1 - self.anticipation)]
        if base.empty:
            return float("nan")
        return float(base[Y].mean())


def prepare_panel(
    panel: pd.DataFrame,
    *,
    unit: str,
    period: str,
    outcome: str,
    first_treated: str,
    control: str = "never_treated",
    covariates: Sequence[str] | None = None,
    anticipation: int = 0,
) -> PreparedPanel:
    """Validate ``panel`` and return it in the internal shape.

    Raises :class:`rotlib.errors.AnalysisError` (with what to do) when no honest
    estimate is possible: no treated units, a single treated unit, no comparison
    units left under ``control``, an outcome that never varies, or a program whose
    first treated period lies after the panel's last period.
    """
    if control not in CONTROLS:
        raise AnalysisError(f"control must be one of {', '.join(CONTROLS)}, got {control!r}.")
    covariates = list(covariates or [])
    missing = [c for c in [unit, period, outcome, first_treated, *covariates] if c not in panel]
    if missing:
        raise AnalysisError(
            f"the panel has no column(s) {', '.join(map(repr, missing))}; it has "
            f"{', '.join(map(str, panel.columns))}. Fix: pass the right column names."
        )
    if int(anticipation) < 0:
        raise AnalysisError(f"anticipation must be 0 or more quarters, got {anticipation}.")
    notes: list[str] = []

    # one factorisation up front: every later grouping is on integers (on 600k rows,
    # grouping and mapping string labels cost over a second)
    codes, uniques = pd.factorize(panel[unit].astype("str"), sort=True)
    f = pd.DataFrame(
        {
            "label": codes.astype("int64"),
            PERIOD: pd.to_numeric(panel[period], errors="coerce").to_numpy(),
            G: pd.to_numeric(panel[first_treated], errors="coerce").to_numpy(),
            Y: pd.to_numeric(panel[outcome], errors="coerce").to_numpy(dtype=float),
        }
    )
    for c in covariates:
        f[c] = panel[c].to_numpy()
    if f[PERIOD].isna().any():
        raise AnalysisError(
            f"column {period!r} has {int(f[PERIOD].isna().sum())} missing or non-numeric "
            "periods. Fix: use a consecutive integer period such as quarter_index."
        )
    f[PERIOD] = f[PERIOD].astype("int64")
    if f.duplicated(["label", PERIOD]).any():
        dup = f.loc[f.duplicated(["label", PERIOD]), ["label", PERIOD]].iloc[0]
        raise AnalysisError(
            f"unit {uniques[dup['label']]!r} appears more than once in period {dup[PERIOD]}. "
            "Fix: aggregate the panel to one row per unit and period first."
        )
    f[G] = f[G].fillna(0).astype("int64")
    per_unit = f.groupby("label")[G].agg(["min", "max"])
    varying = per_unit.index[per_unit["min"] != per_unit["max"]]
    if len(varying):
        raise AnalysisError(
            f"first treated period varies within unit {uniques[varying[0]]!r}. "
            f"Fix: column {first_treated!r} must be constant per unit."
        )

    n_missing_y = int(f[Y].isna().sum())
    if n_missing_y:
        f = f[f[Y].notna()]
        notes.append(f"dropped {n_missing_y} rows with a missing {outcome!r}.")
    periods = np.sort(f[PERIOD].unique())
    if len(periods) < 2:
        raise AnalysisError(
            f"the panel has {len(periods)} period(s); a before/after comparison needs at least two."
        )
    if np.any(np.diff(periods) != 1):
        notes.append("periods are not consecutive integers; gaps are treated as missing quarters.")
    counts = f.groupby("label")[PERIOD].nunique()
    incomplete = counts[counts < len(periods)].index
    if len(incomplete):
        f = f[~f["label"].isin(incomplete)]
        notes.append(
            f"dropped {len(incomplete)} unit(s) not observed in all {len(periods)} "
            "periods (the estimators need a balanced panel)."
        )

    first, last = int(periods[0]), int(periods[-1])
    cohort = f.groupby("label")[G].first()
    after = cohort[cohort > last]
    inside = cohort[(cohort > 0) & (cohort <= last)]
    if len(after) and inside.empty:
        raise AnalysisError(
            f"the program starts after the last period of the panel (first treated "
            f"period {int(after.min())} > last period {last}) for all "
            f"{len(after)} treated unit(s): there is no post-program data yet. Fix: wait "
            "for the quarter to close, or check the start dates."
        )
    if len(after):
        f.loc[f["label"].isin(after.index), G] = 0
        notes.append(
            f"{len(after)} unit(s) adopt after the last period; counted as not treated "
            "in this window."
        )
    always = cohort[(cohort > 0) & (cohort <= first + int(anticipation))]
    if len(always):
        f = f[~f["label"].isin(always.index)]
        notes.append(
            f"dropped {len(always)} unit(s) already treated in the first period (no "
            "pre-program data to compare with)."
        )

    cohort = f.groupby("label")[G].first()
    treated = cohort[cohort > 0]
    if treated.empty:
        raise AnalysisError(
            f"no treated units: column {first_treated!r} is 0 or missing for every unit "
            "with pre-program data. Fix: check the program name and the interventions "
            "table, or the adoption rule."
        )
    if len(treated) == 1:
        raise AnalysisError(
            f"only one treated unit ({uniques[treated.index[0]]!r}): its lift cannot be told apart "
            "from its own noise and no standard error is valid with one treated cluster. "
            "Fix: wait until more partners join the program, or report it as a case study."
        )
    never = cohort[cohort == 0]
    if control == "never_treated" and never.empty:
        raise AnalysisError(
            "no controls left: every unit is treated at some point, so there is no "
            "never-treated comparison group. Fix: use control='not_yet_treated', or add "
            "partners that never joined the program."
        )
    if control == "not_yet_treated" and never.empty and treated.nunique() < 2:
        raise AnalysisError(
            "no controls left: all units adopt in the same period and none is never "
            "treated, so no unit is still untreated when the others start."
        )
    if control == "not_yet_treated" and never.empty:
        last_cohort = int(treated.max())
        f = f[f[PERIOD] < last_cohort - int(anticipation)]
        notes.append(
            f"no never-treated units: periods from {last_cohort - int(anticipation)} on "
            "have no untreated comparison and are left out."
        )
    if f[Y].std(ddof=0) == 0 or not np.isfinite(f[Y].std(ddof=0)):
        raise AnalysisError(
            f"outcome {outcome!r} never varies (always {f[Y].iloc[0]!r}): there is no "
            "lift to measure. Fix: check that the right column was passed and that it "
            "was computed for these periods."
        )

    kept, inverse = np.unique(f["label"].to_numpy(), return_inverse=True)
    f[UNIT] = inverse.astype("int64") + 1
    f[D] = ((f[G] > 0) & (f[PERIOD] >= f[G] - int(anticipation))).astype("int64")
    cov_cols = _expand_covariates(f, covariates, notes)
    f = f.drop(columns=["label", *[c for c in covariates if c not in cov_cols]])
    f = f.sort_values([UNIT, PERIOD], kind="stable").reset_index(drop=True)
    unit_labels = pd.Series(np.asarray(uniques)[kept], index=np.arange(1, len(kept) + 1))
    return PreparedPanel(
        frame=f,
        unit_labels=unit_labels,
        outcome=outcome,
        covariates=cov_cols,
        notes=notes,
        anticipation=int(anticipation),
    )


def _expand_covariates(f: pd.DataFrame, covariates: list[str], notes: list[str]) -> list[str]:
    """Turn text covariates into 0/1 columns (first level dropped), keep numbers.

    Why the first period's value: Callaway-Sant'Anna conditions on covariates before
    adoption; a covariate that moves after adoption could itself be an effect.
    """
    out: list[str] = []
    for c in covariates:
        first_value = f.groupby("label")[c].transform("first")
        if (f[c].astype("str") != first_value.astype("str")).any():
            notes.append(f"covariate {c!r} varies over time; its first-period value is used.")
        if pd.api.types.is_numeric_dtype(f[c]):
            f[c] = pd.to_numeric(first_value).astype(float)
            out.append(c)
            continue
        levels = sorted(first_value.astype("str").unique())
        for level in levels[1:]:
            name = f"{c}__{_safe(level)}"
            f[name] = (first_value.astype("str") == level).astype(float)
            out.append(name)
    return out


def _safe(text: str) -> str:
    """Make a level usable inside a model formula."""
    return "".join(ch if ch.isalnum() else "_" for ch in str(text))

"""Guard rails: when the data cannot carry a number, say so instead of printing one.

Every function here returns plain-language reasons (empty string = fine). They are
attached to the result rows and to ``CohortResult.warnings``; nothing is raised here
except by the caller for conditions that make the whole comparison meaningless (no
scored partners, a single cohort).

* Small cohorts: below ``min_cohort_size`` partners a warning; below
  ``p_value_floor`` partners contributing to an outcome no p-value and no interval
  (cluster-robust and bootstrap inference need many clusters).
* Perfect separation / zero counts: a cohort whose units are all won (or none), or a
  cohort with no escalations at all, has an infinite or zero odds/rate ratio; no number
  is given.
* Simpson's paradox: when the segment mix differs between cohorts, the crude and the
  adjusted comparison can disagree, even in sign; a note says where.
* Empty windows: a quarter with no outcome units is named, not silently zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rotlib.cohorts.cohorts import Cohorts, OutcomeUnits
from rotlib.cohorts.reading import outcome_words


def unit_counts(
    units: OutcomeUnits, level_code: np.ndarray, n_levels: int
) -> dict[str, np.ndarray]:
    """Per cohort level: units, contributing partners, sum of y, sum of exposure."""
    lv = level_code[units.partner]
    n_units = np.bincount(lv, minlength=n_levels)
    present = np.flatnonzero(np.bincount(units.partner, minlength=level_code.size))
    partners = np.bincount(level_code[present], minlength=n_levels)
    total = np.bincount(lv, weights=units.y, minlength=n_levels)
    expo = (np.bincount(lv, weights=units.exposure, minlength=n_levels)
            if units.exposure is not None else n_units.astype(float))
    return {"units": n_units, "partners": partners, "sum": total, "exposure": expo}


def level_problems(
    units: OutcomeUnits, cohorts: Cohorts, kind: str
) -> dict[str, str]:
    """Why each cohort level cannot be compared on this outcome ("" when it can).

    A problem in the reference level is reported for every level.
    """
    counts = unit_counts(units, cohorts.level_code, len(cohorts.levels))
    words = outcome_words(units.outcome)
    out: dict[str, str] = {}
    for i, lvl in enumerate(cohorts.levels):
        who = cohorts.labels[lvl]
        n = int(counts["units"][i])
        s = float(counts["sum"][i])
        if n == 0:
            out[lvl] = f"{who} had no {words['units']} in {units.quarter}"
        elif kind == "binary" and s == n:
            out[lvl] = (f"all {n} {words['units']} of {who} in {units.quarter} were "
                        f"{words['event']}: the odds ratio is infinite (perfect separation), "
                        "so no number is given")
        elif kind == "binary" and s == 0:
            out[lvl] = (f"none of the {n} {words['units']} of {who} in {units.quarter} was "
                        f"{words['event']}: the odds ratio is zero (perfect separation), so "
                        "no number is given")
        elif kind == "count" and s == 0:
            out[lvl] = (f"{who} had no {words['events']} in {units.quarter} "
                        f"({int(counts['exposure'][i])} {words['exposure']}): the rate ratio "
                        "would be zero or infinite, so no number is given")
        elif kind == "amount" and s == 0:
            out[lvl] = (f"{who} had a total of zero {words['amount']} in {units.quarter}: a "
                        "ratio of means would be zero or infinite, so no number is given")
        else:
            out[lvl] = ""
    ref = cohorts.levels[0]
    if out[ref]:
        for lvl in cohorts.levels[1:]:
            out[lvl] = out[lvl] or f"the reference group cannot be compared: {out[ref]}"
    return out


def inference_floor(n_level: int, n_reference: int, floor: int, who: str, ref: str) -> str:
    """Reason to withhold p-values and intervals ("" when both cohorts are big enough)."""
    small = [(w, n) for w, n in ((who, n_level), (ref, n_reference)) if n < floor]
    if not small:
        return ""
    parts = ", ".join(f"{n} {w}" for w, n in small)
    return (f"only {parts} contribute (below the floor of {floor} partners): the point "
            "estimate is shown without an interval or p-value")


def size_warnings(cohorts: Cohorts, minimum: int) -> list[str]:
    """One warning per cohort with fewer than ``minimum`` partners."""
    out = []
    for lvl, n in cohorts.sizes().items():
        if n < minimum:
            out.append(f"{cohorts.labels[lvl]}: only {n} partners in {cohorts.quarter} "
                       f"(fewer than {minimum}); estimates are imprecise.")
    return out


def simpson_notes(
    balance: pd.DataFrame, estimates: pd.DataFrame, smd_limit: float
) -> list[str]:
    """Notes when the segment mix differs enough for crude and adjusted to disagree.

    ``balance`` is the standardized-difference table; ``estimates`` the tidy estimates
    (primary model rows). A note names the most imbalanced covariates; a second kind of
    note names outcomes whose crude and adjusted estimates point in opposite directions.
    """
    notes: list[str] = []
    if not balance.empty:
        big = balance.loc[balance["smd"].abs() >= smd_limit]
        if not big.empty:
            top = big.reindex(big["smd"].abs().sort_values(ascending=False).index).head(3)
            listed = "; ".join(
                f"{r.covariate}={r.value}: {r.mean_level:.0%} vs {r.mean_reference:.0%} "
                f"(SMD {r.smd:+.2f})" if r.kind == "share" else
                f"{r.covariate}: SMD {r.smd:+.2f}"
                for r in top.itertuples()
            )
            notes.append(
                "The segment mix differs between cohorts (" + listed + "). A crude "
                "comparison can then disagree with the within-segment one (Simpson's "
                "paradox); read the adjusted rows."
            )
    if not estimates.empty:
        prim = estimates.loc[(estimates["role"] == "primary") & estimates["estimable"]]
        key = ["outcome", "window", "level"]
        crude = prim.loc[~prim["adjusted"]].set_index(key)
        adj = prim.loc[prim["adjusted"]].set_index(key)["estimate"]
        both = pd.concat({"crude": crude["estimate"], "adjusted": adj}, axis=1).dropna()
        # a reversal matters when the crude comparison claims a direction: its interval
        # excludes zero (two estimates both near zero flip sign by chance)
        clear = (crude["ci_low"] > 0) | (crude["ci_high"] < 0)
        both = both.loc[both.index.isin(clear.index[clear])]
        flip = both.loc[np.sign(both["crude"]) * np.sign(both["adjusted"]) < 0]
        for (outcome, window, level), r in flip.iterrows():
            label = "Q" if window == 0 else f"Q+{window}"
            notes.append(
                f"{outcome} ({label}, {level}): the crude and the adjusted "
                f"estimates point in opposite directions ({r['crude']:+.3f} vs "
                f"{r['adjusted']:+.3f} on the model scale) - Simpson's paradox; the "
                "adjusted estimate compares partners within the same segments."
            )
    return notes


def empty_window_warnings(units: list[OutcomeUnits]) -> list[str]:
    """A message per window where no outcome had any unit (e.g. Q+1 not in the data yet)."""
    out = []
    windows = sorted({u.window for u in units})
    for w in windows:
        us = [u for u in units if u.window == w]
        if us and all(u.n == 0 for u in us):
            out.append(
                f"{us[0].quarter} (Q+{w}) has no outcome data at all: no closed deals, "
                "renewals, tickets or influenced opportunities of cohort partners. The data "
                "may not reach that quarter yet; its rows are left empty."
            )
    return out

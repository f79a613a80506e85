"""``compare_cohorts``: does trust pay? One call from scored panel to result.

The steps, each in its own module: cohorts in Q (cohorts.py) -> outcome units in Q,
Q+1 (cohorts.py) -> models, crude and adjusted (models.py) -> partner bootstrap
(bootstrap.py) -> small-cohort floor and multiplicity (guards.py, multiplicity.py) ->
balance, Simpson's-paradox notes, circularity, transitions, regression discontinuity
-> sentences (reading.py) -> :class:`CohortResult`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from rotlib.calendar import FiscalCalendar
from rotlib.cohorts import guards
from rotlib.cohorts.balance import standardized_differences
from rotlib.cohorts.bootstrap import partner_bootstrap
from rotlib.cohorts.cohorts import (
    OUTCOME_KIND,
    SAME_QUANTITY,
    Cohorts,
    OutcomeUnits,
    assign_cohorts,
    circularity,
    outcome_units,
    prepare_outcomes,
    scored_quarters,
)
from rotlib.cohorts.config import CohortConfig
from rotlib.cohorts.models import cohort_values, fit_cohort_model
from rotlib.cohorts.multiplicity import adjust_p_values
from rotlib.cohorts.rdd import regression_discontinuity
from rotlib.cohorts.reading import correction_statement, sentence
from rotlib.cohorts.result import TIDY_COLUMNS, CohortResult
from rotlib.cohorts.transitions import NOT_SCORED, tier_transitions
from rotlib.errors import AnalysisError
from rotlib.registry import METRICS_BY_ID, SCORECARD_METRICS

#: Outcome date columns used to find the last quarter with data.
_DATE_COLUMNS = {"opportunities": ("closed_date", "created_date"),
                 "account_health": ("snapshot_date",), "tickets": ("opened_at",)}


def window_label(window: int) -> str:
    return "Q" if window == 0 else f"Q+{window}"


def _model_plan(outcome: str, config: CohortConfig) -> list[tuple[str, bool]]:
    """(model, adjusted) pairs fitted for an outcome."""
    primary = {"win_rate": "logistic", "renewal_rate": "logistic",
               "median_cycle_days_won": "ratio_of_means", "influenced_pipeline": "ratio_of_means",
               "escalation_rate": "rate" if config.escalation_model == "poisson" else "negbin"}
    plan = [(primary[outcome], False)]
    if config.adjust_for:
        plan.append((primary[outcome], True))
    if outcome == "median_cycle_days_won" and config.median_regression and config.adjust_for:
        plan.append(("median", True))
    return plan


def _last_data_quarter(outcomes: Mapping[str, pd.DataFrame], cal: FiscalCalendar) -> int | None:
    last = None
    for table, cols in _DATE_COLUMNS.items():
        df = outcomes.get(table)
        if df is None:
            continue
        for col in cols:
            if col in df.columns and df[col].notna().any():
                q = cal.quarter_index(pd.Series([pd.to_datetime(df[col]).max()])).iloc[0]
                last = int(q) if last is None else max(last, int(q))
    return last


def choose_quarter(scored: pd.DataFrame, outcomes: Mapping[str, pd.DataFrame],
                   config: CohortConfig) -> int:
    """The cohort quarter: the configured one, else the latest scored quarter whose
    headline window (Q+1) lies within the outcome data, else the latest scored one."""
    if config.quarter is not None:
        return FiscalCalendar.label_to_index(config.quarter)
    have = scored_quarters(scored)
    if not have:
        raise AnalysisError("the scored panel has no quarters. Fix: pass the scoring output.")
    last = _last_data_quarter(outcomes, config.calendar)
    fits = [q for q in have if last is not None and q + config.headline_window <= last]
    return fits[-1] if fits else have[-1]


def compare_cohorts(
    scored: pd.DataFrame,
    outcomes: Mapping[str, pd.DataFrame],
    config: CohortConfig | None = None,
    *,
    quarter: str | None = None,
    decomposition: pd.DataFrame | None = None,
) -> CohortResult:
    """Compare partners above and below the RoT threshold (or by tier) in quarter Q on
    outcomes in Q and Q+1 (the headline), with uncertainty.

    Parameters
    ----------
    scored
        Scored panel: partner_id, quarter, quarter_index, rot_score (0-100, NaN =
        insufficient data), tier, and the covariates (partner_type, region, size; missing
        ones are taken from ``outcomes["partners"]``).
    outcomes
        Validated tables by name: ``opportunities``, ``account_health``, ``tickets`` and
        optionally ``partners``. Only those the configured outcomes need are required.
    config
        :class:`CohortConfig` (threshold, windows, adjustment set, correction, ...).
    quarter
        Cohort quarter (``"2026Q2"``); overrides ``config.quarter``.
    decomposition
        Optional score-change decomposition (long format) used to say why partners
        changed tier.

    Returns
    -------
    CohortResult
        ``.tidy()``, ``.summary()``, ``.plot_forest()``, ``.plot_transitions()``,
        ``.to_dict()``. Differences are associations between a partner's trust cohort
        and its later outcomes, not causal effects (see the regression-discontinuity
        rows for the benefits of crossing the threshold). Sentences, notes and labels
        are plain text that may carry untrusted tier names and ids: the report layer
        escapes them; nothing here builds HTML.

    Raises
    ------
    AnalysisError
        When no honest comparison is possible: no scored partner in the quarter, all
        partners on one side of the threshold, a missing or empty covariate, a missing
        outcome table or column.
    """
    config = config or CohortConfig()
    if quarter is not None:
        config = config.replace(quarter=quarter)
    q_index = choose_quarter(scored, outcomes, config)
    cohorts = assign_cohorts(scored, q_index, config, partners=outcomes.get("partners"))
    prep = prepare_outcomes(cohorts, outcomes, config)
    units = [outcome_units(cohorts, prep, o, w, config)
             for w in config.windows for o in config.outcomes]

    values = pd.concat([cohort_values(u, cohorts) for u in units], ignore_index=True)
    rows = _model_rows(units, cohorts, config) + _bootstrap_rows(units, cohorts, config)
    tidy = pd.DataFrame(rows)
    tidy = _attach_values(tidy, values, cohorts)
    warnings_: list[str] = list(cohorts.warnings)
    warnings_ += guards.size_warnings(cohorts, config.min_cohort_size)
    warnings_ += guards.empty_window_warnings(units)
    tidy = _apply_floor(tidy, cohorts, config)
    tidy["p_adjusted"], sizes = adjust_p_values(tidy, config.correction)
    tidy["correction"] = np.where(tidy["p_adjusted"].notna(), config.correction, "")
    tidy["headline"] = ((tidy["window"] == config.headline_window) & tidy["adjusted"]
                        & (tidy["role"] == "primary"))
    if not config.adjust_for:
        tidy["headline"] = (tidy["window"] == config.headline_window) & (
            tidy["role"] == "primary")
    tidy = _order(tidy, config)[TIDY_COLUMNS]
    for u in units:
        if u.note:
            warnings_.append(f"{u.outcome} {u.quarter}: {u.note}")

    balance = standardized_differences(cohorts, flag=config.smd_flag)
    notes = guards.simpson_notes(balance, tidy, config.simpson_smd)
    circ = circularity(config)
    transitions = tier_transitions(scored, q_index, tier_order=config.tier_order,
                                   insufficient_label=config.insufficient_label,
                                   decomposition=decomposition)
    if transitions.counts.drop(columns=NOT_SCORED, errors="ignore").to_numpy().sum() == 0:
        warnings_.append(f"no partner is scored in {transitions.quarter_to}: the transition "
                         "matrix shows everyone as not scored.")
    rdd = _rdd(cohorts, units, config)
    labels = {**cohorts.labels}
    sentences = [sentence(tidy, o, w, lv, labels, config.confidence, config.correction)
                 for w in sorted(config.windows, key=lambda w: (w != config.headline_window, w))
                 for o in config.outcomes for lv in cohorts.levels[1:]]
    statement = correction_statement(
        config.correction, {(w, a): n for (w, a), n in sizes.items()},
        {w: f"{window_label(w)} ({FiscalCalendar.index_to_label(q_index + w)})"
         for w in config.windows})
    return CohortResult(
        config=config, quarter=cohorts.quarter, quarter_index=q_index, cohorts=cohorts,
        estimates=tidy, cohort_values=values, balance=balance, transitions=transitions,
        circularity=circ, rdd=rdd, warnings=warnings_, notes=notes,
        correction_note=statement, sentences=[s for s in sentences if s],
    )


def _model_rows(units: list[OutcomeUnits], cohorts: Cohorts, config: CohortConfig
                ) -> list[dict]:
    """Crude and adjusted model estimates of every outcome and window."""
    rows = []
    for u in units:
        for method, adjusted in _model_plan(u.outcome, config):
            for r in fit_cohort_model(u, cohorts, method, adjusted=adjusted, alpha=config.alpha):
                role = "effect size" if method == "median" else "primary"
                rows.append(_tidy_row(r, u, cohorts, config, adjusted, role))
    return rows


def _bootstrap_rows(units: list[OutcomeUnits], cohorts: Cohorts, config: CohortConfig
                    ) -> list[dict]:
    """Partner-bootstrap cross-checks and crude effect sizes (differences)."""
    boot = partner_bootstrap(cohorts, units, draws=config.bootstrap_draws, seed=config.seed,
                             alpha=config.alpha)
    draws = config.bootstrap_draws
    rows = []
    for r in boot.to_dict(orient="records"):
        u = next(x for x in units if x.outcome == r["outcome"] and x.window == r["window"])
        if r["statistic"] == "difference in rate":
            r["effect_label"] = f"difference in escalations per {u.exposure_name}"
        r["method"] = (f"partner-cluster bootstrap ({draws} draws), percentile CI" if draws
                       else "plain difference (bootstrap off)")
        r["scale"] = r.pop("statistic")
        r["p_value"] = float("nan")
        r["estimable"] = bool(np.isfinite(r["estimate"]))
        r["n_units"] = u.n
        rows.append(_tidy_row(r, u, cohorts, config, False, r["role"]))
    return rows


def _tidy_row(r: dict, u: OutcomeUnits, cohorts: Cohorts, config: CohortConfig,
              adjusted: bool, role: str) -> dict:
    level = r["level"]
    log_scale = bool(r["log_scale"])
    tr = np.exp if log_scale else (lambda v: v)
    note = r.get("note", "") or ""
    if not r["estimable"] and not note:
        note = u.empty_reason or "not estimable"
    return {
        "outcome": u.outcome, "outcome_name": METRICS_BY_ID[u.outcome].name,
        "window": u.window, "window_label": window_label(u.window), "quarter": u.quarter,
        "level": level, "reference": cohorts.reference,
        "contrast": f"{level} vs {cohorts.reference}",
        "adjusted": bool(adjusted), "adjusted_for": ",".join(config.adjust_for) if adjusted
        else "", "method": r["method"], "role": role, "scale": r["scale"],
        "effect_label": r["effect_label"],
        "estimate": r["estimate"], "std_error": r["std_error"], "ci_low": r["ci_low"],
        "ci_high": r["ci_high"], "p_value": r["p_value"],
        "effect": float(tr(r["estimate"])), "effect_low": float(tr(r["ci_low"])),
        "effect_high": float(tr(r["ci_high"])), "log_scale": log_scale,
        "n_units": int(r.get("n_units", 0)), "estimable": bool(r["estimable"]),
        "inference": bool(r["estimable"] and np.isfinite(r["ci_low"])), "note": note,
        "circular": bool(set(SAME_QUANTITY.get(u.outcome, ())) & _in_score(config)),
    }


def _in_score(config: CohortConfig) -> set[str]:
    if config.score_metrics is not None:
        return set(config.score_metrics)
    return {m.id for m in SCORECARD_METRICS}


def _attach_values(tidy: pd.DataFrame, values: pd.DataFrame, cohorts: Cohorts) -> pd.DataFrame:
    v = values.set_index(["outcome", "window", "level"])
    ref = cohorts.reference
    key_l = list(zip(tidy["outcome"], tidy["window"], tidy["level"], strict=True))
    key_r = list(zip(tidy["outcome"], tidy["window"], [ref] * len(tidy), strict=True))
    tidy["value_level"] = v.loc[key_l, "value"].to_numpy()
    tidy["value_reference"] = v.loc[key_r, "value"].to_numpy()
    tidy["value_unit"] = v.loc[key_l, "value_unit"].to_numpy()
    tidy["n_partners_level"] = v.loc[key_l, "n_partners"].to_numpy()
    tidy["n_partners_reference"] = v.loc[key_r, "n_partners"].to_numpy()
    return tidy


def _apply_floor(tidy: pd.DataFrame, cohorts: Cohorts, config: CohortConfig) -> pd.DataFrame:
    """Withhold intervals and p-values where too few partners contribute; warn when few."""
    tidy = tidy.copy()
    for i, r in tidy.iterrows():
        if not r["estimable"]:
            continue
        who = cohorts.labels[r["level"]]
        refw = cohorts.labels[r["reference"]]
        reason = guards.inference_floor(int(r["n_partners_level"]),
                                        int(r["n_partners_reference"]),
                                        config.p_value_floor, who, refw)
        note = r["note"]
        if reason:
            tidy.loc[i, ["std_error", "ci_low", "ci_high", "p_value", "effect_low",
                         "effect_high"]] = np.nan
            tidy.loc[i, "inference"] = False
            note = "; ".join(x for x in (note, reason) if x)
        elif min(r["n_partners_level"], r["n_partners_reference"]) < config.min_cohort_size:
            note = "; ".join(x for x in (note, f"fewer than {config.min_cohort_size} partners "
                                         "contribute in a cohort: imprecise") if x)
        tidy.loc[i, "note"] = note
    return tidy


def _order(tidy: pd.DataFrame, config: CohortConfig) -> pd.DataFrame:
    role_rank = {"primary": 0, "effect size": 1, "cross-check": 2}
    out_rank = {o: i for i, o in enumerate(config.outcomes)}
    key = pd.DataFrame({
        "w": (tidy["window"] != config.headline_window).astype(int),
        "wn": tidy["window"], "o": tidy["outcome"].map(out_rank),
        "r": tidy["role"].map(role_rank), "a": (~tidy["adjusted"]).astype(int),
    })
    order = key.sort_values(["w", "wn", "o", "r", "a"], kind="stable").index
    return tidy.loc[order].reset_index(drop=True)


def _partner_outcome(u: OutcomeUnits, n: int) -> np.ndarray:
    """Partner-level value of an outcome (NaN for partners without units)."""
    s = np.bincount(u.partner, weights=u.y, minlength=n)
    d = np.bincount(u.partner, weights=u.exposure if OUTCOME_KIND[u.outcome] == "count"
                    else np.ones(u.n), minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d > 0, s / d, np.nan)


def _rdd(cohorts: Cohorts, units: list[OutcomeUnits], config: CohortConfig) -> pd.DataFrame:
    if not config.rdd or config.by != "threshold":
        return pd.DataFrame()
    x = cohorts.frame["rot_score"].to_numpy(float)
    parts = []
    for u in units:
        if u.window != config.headline_window or u.n == 0:
            continue
        y = _partner_outcome(u, len(x))
        parts.append(regression_discontinuity(
            x, y, float(config.threshold), bandwidth=config.rdd_bandwidth, alpha=config.alpha,
            outcome=u.outcome, window=u.window, quarter=u.quarter))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

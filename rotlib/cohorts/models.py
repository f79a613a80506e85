"""The outcome models: each outcome estimated on the unit it lives on.

=====================  ==================  ==========================================
outcome                unit                model (coefficient of the cohort dummy)
=====================  ==================  ==========================================
win rate               closed deal         logistic GLM -> log odds ratio
cycle time (won)       won deal            log-link GLM, Poisson quasi-likelihood ->
                                           log ratio of mean days; median regression
                                           (QuantReg) -> difference in median days
renewal rate           renewal due         logistic GLM -> log odds ratio
escalations            partner             Poisson GLM with log(exposure) offset (or
                                           negative binomial) -> log rate ratio
influenced pipeline    partner             log-link GLM, Poisson quasi-likelihood ->
                                           log ratio of mean pipeline per partner
=====================  ==================  ==========================================

Why these: deals of one partner share the partner's sales team, so standard errors
are clustered by partner (the CRV1 sandwich of statsmodels ``cov_type="cluster"``, with
the t reference distribution on G - 1 degrees of freedom for G partners). The GLMs
are fitted here to per-pattern sums by Newton's method and their sandwich is built
from per-partner sums (see :func:`_glm_fit`): identical numbers to a unit-level
statsmodels fit, checked to 1e-8 by the tests, at a fraction of the cost.

The Poisson quasi-likelihood with a log link estimates a ratio of means for any
non-negative outcome (days, money) without assuming a distribution; with robust errors
it stays valid under over-dispersion. Median regression standard errors are the statsmodels kernel
sandwich and are *not* clustered by partner (the partner bootstrap row is the
clustered check for the median).

Every function returns rows (dicts) for the tidy table; when a number cannot be
honest (separation, zero events, too few partners, non-convergence) the row is kept
with ``estimable=False`` and a note saying why.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special, stats
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    HessianInversionWarning,
    IterationLimitWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from rotlib.cohorts.cohorts import Cohorts, OutcomeUnits
from rotlib.cohorts.design import build_design
from rotlib.cohorts.guards import level_problems, unit_counts


@dataclass(frozen=True)
class ModelSpec:
    """What a model estimates, for the tidy table."""

    method: str
    kind: str  # binary / count / amount (which guard applies)
    scale: str  # scale of the coefficient
    effect_label: str  # scale after back-transformation
    log_scale: bool = True


MODELS: dict[str, ModelSpec] = {
    "logistic": ModelSpec("logistic GLM, partner-clustered SE", "binary",
                          "log odds ratio", "odds ratio"),
    "ratio_of_means": ModelSpec("log-link GLM (Poisson quasi-likelihood), partner-clustered SE",
                                "amount", "log ratio of means", "ratio of means"),
    "rate": ModelSpec("Poisson GLM with exposure offset, partner-robust SE", "count",
                      "log rate ratio", "rate ratio"),
    "negbin": ModelSpec("negative binomial with exposure, partner-robust SE", "count",
                        "log rate ratio", "rate ratio"),
    "median": ModelSpec("median regression (QuantReg), kernel SE not clustered", "amount",
                        "difference in median days", "difference in median days",
                        log_scale=False),
}

#: Warnings that mean a fitted number is not to be trusted.
_BAD_FIT = (PerfectSeparationWarning, ConvergenceWarning, IterationLimitWarning,
            HessianInversionWarning)


@dataclass(frozen=True)
class _Partners:
    """An outcome summed per partner: the sufficient statistics of the GLMs."""

    partner: np.ndarray  # partner code per row
    total: np.ndarray  # sum of the outcome over the partner's units
    trials: np.ndarray  # number of units (deals, renewals) of the partner
    exposure: np.ndarray | None  # summed exposure (escalations)
    n_units: int  # units before summing (the N of the small-sample factor)


def _per_partner(units: OutcomeUnits, n_partners: int) -> _Partners:
    counts = np.bincount(units.partner, minlength=n_partners)
    has = np.flatnonzero(counts)
    total = np.bincount(units.partner, weights=units.y, minlength=n_partners)[has]
    exposure = (None if units.exposure is None else
                np.bincount(units.partner, weights=units.exposure, minlength=n_partners)[has])
    return _Partners(has, total, counts[has].astype(float), exposure, units.n)


def _newton(patterns: np.ndarray, total: np.ndarray, size: np.ndarray, logistic: bool,
            max_iter: int = 100) -> tuple[np.ndarray, bool]:
    """Maximum likelihood for a canonical-link GLM on grouped data, by Newton's method.

    ``size`` is the number of units (logistic) or the exposure (Poisson) of each row.
    Step-halving keeps the log-likelihood increasing; convergence when the largest
    step is below 1e-12 (relative). A saturated model (one row per parameter) is fine
    here, unlike statsmodels' deviance-based stopping rule, which never settles when
    the deviance is zero.
    """
    k = patterns.shape[1]
    beta = np.zeros(k)
    rate = total.sum() / size.sum()
    # start from the pooled rate on the intercept (first column is the constant)
    beta[0] = special.logit(rate) if logistic else np.log(rate)

    def loglik(b: np.ndarray) -> float:
        eta = patterns @ b
        if logistic:
            return float(np.sum(total * eta - size * np.logaddexp(0.0, eta)))
        return float(np.sum(total * (eta + np.log(size)) - size * np.exp(eta)))

    current = loglik(beta)
    for _ in range(max_iter):
        eta = patterns @ beta
        if logistic:
            mu = special.expit(eta)
            expected, weight = size * mu, size * mu * (1.0 - mu)
        else:
            expected = size * np.exp(eta)
            weight = expected
        grad = patterns.T @ (total - expected)
        hess = patterns.T @ (patterns * weight[:, None])
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            return beta, False
        t = 1.0
        while True:
            trial = beta + t * step
            value = loglik(trial)
            if np.isfinite(value) and value >= current - 1e-12 * abs(current):
                break
            t /= 2
            if t < 1e-8:  # no step improves the likelihood: report, do not guess
                return beta, False
        beta, current = trial, value
        if np.max(np.abs(t * step)) <= 1e-12 * (1.0 + np.max(np.abs(beta))):
            return beta, True
    return beta, False


def _glm_fit(method: str, agg: _Partners, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Estimates of a canonical-link GLM, and each partner's fitted expected sum.

    Every unit of a partner shares the partner's covariates and cohort, and the
    likelihood equations of a canonical-link GLM (logit-binomial, log-Poisson) only
    involve sums of outcomes and of units (or exposure) over rows with the same
    covariate pattern. So the model is fitted to those sums and gives exactly the
    unit-level estimates with a handful of rows (the tests check this against a
    unit-level statsmodels fit to 1e-8). Returns (params, expected sum per partner,
    converged).
    """
    inverse = pd.DataFrame(X).groupby(list(range(X.shape[1])), sort=False).ngroup().to_numpy()
    first = np.unique(inverse, return_index=True)[1]
    patterns = X[first]
    total = np.bincount(inverse, weights=agg.total)
    if method == "logistic":
        size_rows = agg.trials
    else:
        size_rows = agg.exposure if method == "rate" else agg.trials
    size = np.bincount(inverse, weights=size_rows)
    params, converged = _newton(patterns, total, size, logistic=method == "logistic")
    eta = X @ params
    expected = size_rows * (special.expit(eta) if method == "logistic" else np.exp(eta))
    return params, expected, converged


def cluster_covariance(method: str, expected: np.ndarray, agg: _Partners,
                       X: np.ndarray) -> np.ndarray:
    """Partner-clustered (CRV1) sandwich covariance of a canonical-link GLM.

    Score of partner g: ``x_g (Y_g - E_g)`` (observed minus expected sum over its
    units); bread: ``sum_g x_g x_g' V_g`` with ``V_g = E_g (1 - E_g / n_g)`` (binomial)
    or ``E_g`` (Poisson). Small-sample factor ``G/(G-1) * (N-1)/(N-k)`` with N units,
    as statsmodels uses for a unit-level fit with ``cov_type="cluster"`` (the tests
    check the match to 1e-8).
    """
    logistic = method == "logistic"
    weight = expected * (1.0 - expected / agg.trials) if logistic else expected
    score = X * (agg.total - expected)[:, None]
    meat = score.T @ score
    bread = np.linalg.inv(X.T @ (X * weight[:, None]))
    G, k = X.shape
    N = agg.n_units
    factor = G / (G - 1.0) * (N - 1.0) / (N - k)
    return factor * bread @ meat @ bread


def _negbin(agg: _Partners, X: np.ndarray):
    """Negative binomial (NB2) with exposure, partner-robust errors.

    Newton's method started at the Poisson estimates and a method-of-moments
    dispersion: statsmodels' default start can step to a negative dispersion and
    return NaN. Falls back to BFGS if Newton does not give a finite fit.
    """
    start, expected, _ = _glm_fit("rate", agg, X)
    excess = np.sum((agg.total - expected) ** 2 - agg.total)
    alpha0 = max(1e-3, float(excess / np.sum(expected**2)))
    model = sm.NegativeBinomial(agg.total, X, exposure=agg.exposure)
    robust = {"cov_type": "cluster", "cov_kwds": {"groups": np.arange(X.shape[0])},
              "use_t": True}
    res = model.fit(start_params=np.r_[start, alpha0], disp=0, maxiter=500, method="newton",
                    **robust)
    if not np.all(np.isfinite(res.params)) or res.params[-1] <= 0:
        res = model.fit(start_params=np.r_[start, alpha0], disp=0, maxiter=2000,
                        method="bfgs", **robust)
    return res


def _inference(params: np.ndarray, cov: np.ndarray, df: int, alpha: float):
    se = np.sqrt(np.diag(cov))
    t = params / se
    p = 2 * stats.t.sf(np.abs(t), df)
    q = stats.t.ppf(1 - alpha / 2, df)
    return se, p, np.column_stack([params - q * se, params + q * se])


def fit_cohort_model(
    units: OutcomeUnits,
    cohorts: Cohorts,
    method: str,
    *,
    adjusted: bool,
    alpha: float = 0.05,
) -> list[dict]:
    """Fit ``method`` to ``units`` and return one row per non-reference cohort level.

    Row keys: level, estimate, std_error, ci_low, ci_high, p_value (coefficient scale),
    n_units, estimable, note, method, scale, effect_label. Intervals and p-values use
    the t distribution with G - 1 degrees of freedom (G partners), as statsmodels does
    for clustered errors with ``use_t=True``.
    """
    spec = MODELS[method]
    levels = cohorts.levels
    problems = level_problems(units, cohorts, spec.kind)
    rows = {lvl: _row(lvl, spec, problems[lvl]) for lvl in levels[1:]}
    ok = [levels[0], *[lv for lv in levels[1:] if not problems[lv]]]
    if problems[levels[0]] or len(ok) < 2 or units.n == 0:
        return list(rows.values())

    n_partners = len(cohorts.frame)
    agg = _per_partner(units, n_partners)
    # drop uninformative covariate cells, then check the cohorts again on what is left
    while True:
        design = build_design(cohorts, agg.partner, agg.total, agg.trials, tuple(ok),
                              adjusted=adjusted, kind=spec.kind)
        keep_units = np.zeros(n_partners, dtype=bool)
        keep_units[agg.partner[design.keep]] = True
        kept = _subset(units, keep_units[units.partner])
        again = level_problems(kept, cohorts, spec.kind)
        newly = [lv for lv in ok[1:] if again[lv]]
        if again[levels[0]]:
            for lv in ok[1:]:
                rows[lv]["note"] = f"after adjustment: {again[levels[0]]}"
            return list(rows.values())
        if not newly:
            break
        for lv in newly:
            rows[lv]["note"] = f"after adjustment: {again[lv]}"
        ok = [lv for lv in ok if lv not in newly]
        if len(ok) < 2:
            return list(rows.values())

    notes = "; ".join(design.notes)
    X = design.X
    sub = _Partners(agg.partner[design.keep], agg.total[design.keep],
                    agg.trials[design.keep],
                    None if agg.exposure is None else agg.exposure[design.keep], kept.n)
    n_rows, n_params = X.shape
    too_few = ""
    if n_rows <= n_params:
        too_few = (f"only {n_rows} partners for {n_params} model parameters: too few to fit "
                   "this model")
    elif kept.n <= n_params:
        too_few = f"only {kept.n} units for {n_params} model parameters"
    if too_few:
        for lv in ok[1:]:
            rows[lv]["note"] = too_few
        return list(rows.values())

    failure = ""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if method in ("logistic", "ratio_of_means", "rate"):
                params, expected, converged = _glm_fit(method, sub, X)
                cov = cluster_covariance(method, expected, sub, X)
                se, pvals, ci = _inference(params, cov, n_rows - 1, alpha)
                if not converged:
                    failure = "the model did not converge"
            elif method == "negbin":
                res = _negbin(sub, X)
                params = np.asarray(res.params)[:n_params]
                se = np.asarray(res.bse)[:n_params]
                pvals = np.asarray(res.pvalues)[:n_params]
                ci = np.asarray(res.conf_int(alpha=alpha))[:n_params]
                if not res.mle_retvals.get("converged", True):
                    failure = "the negative binomial model did not converge"
            else:  # median regression on the units themselves
                row_of = np.full(n_partners, -1)
                row_of[sub.partner] = np.arange(n_rows)
                Xu = X[row_of[kept.partner]]
                res = sm.QuantReg(kept.y, Xu).fit(q=0.5, max_iter=5000, p_tol=1e-6)
                params, se = np.asarray(res.params), np.asarray(res.bse)
                pvals = np.asarray(res.pvalues)
                ci = np.asarray(res.conf_int(alpha=alpha))
        except (PerfectSeparationError, np.linalg.LinAlgError, ValueError) as exc:
            failure = f"the model could not be fitted ({exc})"
    bad = [w for w in caught if issubclass(w.category, _BAD_FIT)]
    if not failure and bad:
        failure = f"the model did not give a trustworthy fit ({bad[0].message})"
    if failure:
        for lv in ok[1:]:
            rows[lv]["note"] = "; ".join(x for x in (failure, notes) if x)
        return list(rows.values())

    for lv in ok[1:]:
        row = rows[lv]
        if lv not in design.cohort_column:
            row["note"] = "; ".join(x for x in (notes, "cohort not identified") if x)
            continue
        j = design.cohort_column[lv]
        values = (params[j], se[j], ci[j, 0], ci[j, 1], pvals[j])
        if not np.all(np.isfinite(values)):
            row["note"] = "the fit gave no finite estimate or error; no number is given"
            continue
        if abs(params[j]) > 30:
            row["note"] = ("the estimate runs off to infinity (quasi-separation); no number "
                           "is given")
            continue
        row.update(estimate=float(params[j]), std_error=float(se[j]), ci_low=float(ci[j, 0]),
                   ci_high=float(ci[j, 1]), p_value=float(pvals[j]), estimable=True,
                   note=notes, n_units=int(kept.n))
    return list(rows.values())


def _row(level: str, spec: ModelSpec, note: str) -> dict:
    nan = float("nan")
    return {"level": level, "estimate": nan, "std_error": nan, "ci_low": nan, "ci_high": nan,
            "p_value": nan, "n_units": 0, "estimable": False, "note": note,
            "method": spec.method, "scale": spec.scale, "effect_label": spec.effect_label,
            "log_scale": spec.log_scale}


def _subset(units: OutcomeUnits, keep: np.ndarray) -> OutcomeUnits:
    return dataclasses.replace(
        units, partner=units.partner[keep], y=units.y[keep],
        exposure=None if units.exposure is None else units.exposure[keep],
    )


# --------------------------------------------------------------------------------------
# raw cohort values and standardized effect sizes
# --------------------------------------------------------------------------------------
def cohort_values(units: OutcomeUnits, cohorts: Cohorts) -> pd.DataFrame:
    """Per cohort level: the plain outcome value, its unit, counts, and a standardized
    effect size against the reference (Cohen's h for shares, Cohen's d for amounts).

    Values: win and renewal rate = pooled share of units; cycle time = median days of won
    deals; escalations = escalations per unit of exposure (pooled); pipeline = mean per
    partner.
    """
    n_levels = len(cohorts.levels)
    counts = unit_counts(units, cohorts.level_code, n_levels)
    lv = cohorts.level_code[units.partner]
    rows = []
    for i, level in enumerate(cohorts.levels):
        y = units.y[lv == i]
        n = int(counts["units"][i])
        if units.outcome in ("win_rate", "renewal_rate"):
            value = counts["sum"][i] / n if n else np.nan
            unit = "share"
        elif units.outcome == "median_cycle_days_won":
            value = float(np.median(y)) if n else np.nan
            unit = "median days"
        elif units.outcome == "escalation_rate":
            e = counts["exposure"][i]
            value = counts["sum"][i] / e if e else np.nan
            unit = f"escalations per {units.exposure_name or 'unit of exposure'}"
        else:
            value = float(np.mean(y)) if n else np.nan
            unit = "mean per partner"
        rows.append({"outcome": units.outcome, "window": units.window,
                     "quarter": units.quarter, "level": level, "value": value,
                     "value_unit": unit, "n_units": n,
                     "n_partners": int(counts["partners"][i]),
                     "sum": float(counts["sum"][i]), "exposure": float(counts["exposure"][i]),
                     "mean": float(np.mean(y)) if n else np.nan,
                     "sd": float(np.std(y, ddof=1)) if n > 1 else np.nan})
    out = pd.DataFrame(rows)
    ref = out.iloc[0]
    if units.outcome in ("win_rate", "renewal_rate") or (
            units.outcome == "escalation_rate" and units.exposure_name == "ticket"):
        kind = "Cohen's h"
        v = out["value"].clip(0, 1)
        std = 2 * np.arcsin(np.sqrt(v)) - 2 * np.arcsin(np.sqrt(v.iloc[0]))
    else:
        kind = "Cohen's d"
        pooled = np.sqrt((out["sd"] ** 2 + ref["sd"] ** 2) / 2)
        std = (out["mean"] - ref["mean"]) / pooled.where(pooled > 0)
    out["std_effect"] = std
    out["std_effect_kind"] = kind
    out.loc[0, "std_effect"] = np.nan
    return out

"""Event studies: the effect quarter by quarter around adoption, and a pre-trend test.

Why: one average lift hides two things leadership should see - whether treated and
comparison partners moved alike *before* the program (the leads should be near
zero; if they are not, the comparison is not a fair counterfactual) and how the lift
builds up after it (the lags). The leads are tested jointly with a Wald test.

All methods normalise to the last quarter before adoption (event time
``-1 - anticipation``), the "universal" base period, so leads and lags are on one
scale and can feed the HonestDiD sensitivity analysis.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from rotlib.errors import AnalysisError
from rotlib.lift.data import PERIOD, UNIT, G, PreparedPanel, Y, prepare_panel
from rotlib.lift.result import EventStudyResult, PretrendTest

EVENT_METHODS = ("cs", "sunab", "twfe")


def event_study(
    panel: pd.DataFrame,
    *,
    unit: str,
    period: str,
    outcome: str,
    first_treated: str,
    method: str = "cs",
    control: str = "never_treated",
    covariates: list[str] | None = None,
    anticipation: int = 0,
    alpha: float = 0.05,
) -> EventStudyResult:
    """Estimate leads and lags of the program effect and test the leads jointly.

    Parameters are as in :func:`rotlib.lift.did`. ``method`` is ``"cs"``
    (Callaway-Sant'Anna dynamic effects, default), ``"sunab"`` (Sun-Abraham) or
    ``"twfe"`` (dynamic two-way fixed effects; biased under staggered adoption with
    changing effects, shown for comparison).

    Returns
    -------
    EventStudyResult
        ``.table`` of effects by event time, ``.pretrend`` (joint Wald test that all
        leads are zero: statistic, df, p-value), ``.plot()``.
    """
    prepared = prepare_panel(
        panel,
        unit=unit,
        period=period,
        outcome=outcome,
        first_treated=first_treated,
        control=control,
        covariates=covariates,
        anticipation=anticipation,
    )
    return event_study_prepared(prepared, method=method, control=control, alpha=alpha)


def event_study_prepared(
    prepared: PreparedPanel,
    *,
    method: str = "cs",
    control: str = "never_treated",
    alpha: float = 0.05,
) -> EventStudyResult:
    """Event study on an already prepared panel."""
    if method not in EVENT_METHODS:
        raise AnalysisError(
            f"event_study method must be one of {', '.join(EVENT_METHODS)}, got {method!r}."
        )
    ref = -1 - prepared.anticipation
    if method == "twfe":
        return _twfe_event_study(prepared, alpha, ref)
    import diff_diff as dd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "cs":
            raw = dd.CallawaySantAnna(
                control_group=control,
                anticipation=prepared.anticipation,
                base_period="universal",
                alpha=alpha,
                cband=False,
            ).fit(
                prepared.frame,
                outcome=Y,
                unit=UNIT,
                time=PERIOD,
                first_treat=G,
                covariates=prepared.covariates or None,
                aggregate="event_study",
            )
            engine = "diff_diff.CallawaySantAnna(base_period='universal')"
        else:
            raw = dd.SunAbraham(
                control_group=control,
                anticipation=prepared.anticipation,
                alpha=alpha,
                cluster=UNIT,
            ).fit(
                prepared.frame,
                outcome=Y,
                unit=UNIT,
                time=PERIOD,
                first_treat=G,
                covariates=prepared.covariates or None,
            )
            engine = "diff_diff.SunAbraham"
    effects = {int(e): v for e, v in raw.event_study_effects.items()}
    z = stats.norm.ppf(1 - alpha / 2)
    rows = []
    for e in sorted(set(effects) | {ref}):
        v = effects.get(e)
        is_ref = e == ref or v is None or not np.isfinite(v["se"])
        est = 0.0 if is_ref else float(v["effect"])
        se = float("nan") if is_ref else float(v["se"])
        rows.append(
            {
                "event_time": e,
                "estimate": est,
                "se": se,
                "ci_low": est - z * se if not is_ref else float("nan"),
                "ci_high": est + z * se if not is_ref else float("nan"),
                "p_value": float(2 * stats.norm.sf(abs(est / se))) if not is_ref else float("nan"),
                "is_reference": is_ref,
            }
        )
    table = pd.DataFrame(rows)
    index = [int(e) for e in raw.event_study_vcov_index]
    vcov = pd.DataFrame(np.asarray(raw.event_study_vcov), index=index, columns=index)
    pre = [e for e in index if e < ref]
    pretrend = wald_pretrend(table.set_index("event_time").loc[pre, "estimate"], vcov.loc[pre, pre])
    return EventStudyResult(
        method=method,
        outcome=prepared.outcome,
        table=table,
        vcov=vcov,
        pretrend=pretrend,
        alpha=alpha,
        engine=engine,
        notes=list(prepared.notes),
        raw=raw,
    )


def wald_pretrend(estimates: pd.Series, vcov: pd.DataFrame) -> PretrendTest | None:
    """Joint chi-squared test that all leads are zero (None without leads).

    A pseudo-inverse keeps the test defined when two leads are collinear (then the
    degrees of freedom are the rank, as in Stata's ``test``).
    """
    if len(estimates) == 0:
        return None
    b = estimates.to_numpy(dtype=float)
    v = vcov.to_numpy(dtype=float)
    rank = int(np.linalg.matrix_rank(v))
    stat = float(b @ np.linalg.pinv(v) @ b)
    return PretrendTest(statistic=stat, df=rank, p_value=float(stats.chi2.sf(stat, rank)))


def _twfe_event_study(prepared: PreparedPanel, alpha: float, ref: int) -> EventStudyResult:
    """Dynamic TWFE with absorbed unit and period effects (pyfixest)."""
    import pyfixest as pf

    f = prepared.frame.copy()
    # never-treated units sit in the reference bin: they only identify period effects
    f["lift_rel"] = np.where(f[G] > 0, f[PERIOD] - f[G], ref).astype("int64")
    fml = f"{Y} ~ i(lift_rel, ref={ref}) | {UNIT} + {PERIOD}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols(fml, data=f, vcov={"CRV1": UNIT})
    names = list(fit._coefnames)
    ev = [int(float(n.split("::")[1])) for n in names]
    ci = fit.confint(alpha=alpha)
    table = pd.DataFrame(
        {
            "event_time": ev,
            "estimate": fit.coef().to_numpy(),
            "se": fit.se().to_numpy(),
            "ci_low": ci.iloc[:, 0].to_numpy(),
            "ci_high": ci.iloc[:, 1].to_numpy(),
            "p_value": fit.pvalue().to_numpy(),
            "is_reference": False,
        }
    )
    ref_row = pd.DataFrame(
        [
            {
                "event_time": ref,
                "estimate": 0.0,
                "se": np.nan,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "p_value": np.nan,
                "is_reference": True,
            }
        ]
    )
    table = pd.concat([table, ref_row], ignore_index=True).sort_values(
        "event_time", ignore_index=True
    )
    vcov = pd.DataFrame(np.asarray(fit._vcov), index=ev, columns=ev)
    pre_idx = [i for i, e in enumerate(ev) if e < ref]
    pretrend = None
    if pre_idx:
        r = np.zeros((len(pre_idx), len(names)))
        for row, i in enumerate(pre_idx):
            r[row, i] = 1.0
        w = fit.wald_test(R=r, distribution="chi2")
        pretrend = PretrendTest(
            statistic=float(w["statistic"]), df=len(pre_idx), p_value=float(w["pvalue"])
        )
    return EventStudyResult(
        method="twfe",
        outcome=prepared.outcome,
        table=table,
        vcov=vcov,
        pretrend=pretrend,
        alpha=alpha,
        engine="pyfixest.feols(i(rel_time))",
        notes=[*prepared.notes, "dynamic TWFE is biased when effects differ by cohort."],
        raw=fit,
    )

"""Difference-in-differences estimators behind one call, :func:`did`.

Why a registry and thin wrappers: the statistics are done by well-kept libraries
(pyfixest for fixed-effects regressions, moderndid and diff-diff for the
heterogeneity-robust estimators); rotlib only prepares the data once, calls the
library, and returns every estimate in the same :class:`LiftResult` shape. A new
estimator is one function added to :data:`ESTIMATORS`, not another ``elif``.

Methods
-------
``"cs"``     Callaway & Sant'Anna (2021) group-time effects, aggregated ("simple",
             "dynamic", "group" or "calendar"); engine diff-diff for "simple" and
             "dynamic" (fast), moderndid ``att_gt``/``aggte`` for the others.
             Analytic influence-function standard errors; multiplier bootstrap on
             request. Robust to effects that differ by cohort and grow over time.
``"sunab"``  Sun & Abraham (2021) interaction-weighted event study (diff-diff), the
             cross-check: a different construction that is also robust.
``"did2s"``  Gardner (2021) two-stage DiD (diff-diff ``TwoStageDiD``): imputes the
             untreated outcome from not-yet-treated observations. Slow beyond ~10k
             units with the installed version.
``"twfe"``   Static two-way fixed effects with unit and period effects absorbed
             (pyfixest), cluster-robust by unit. Biased when adoption is staggered
             and effects change over time; kept as the familiar baseline and for the
             Goodman-Bacon decomposition.
``"2x2"``    The textbook pre/post x treated/control comparison for one adoption wave
             against never-treated units (pyfixest), cluster-robust by unit.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from rotlib.errors import AnalysisError
from rotlib.lift.data import PERIOD, UNIT, D, G, PreparedPanel, Y, prepare_panel
from rotlib.lift.result import DETAIL_COLUMNS, LiftResult

AGGREGATIONS = ("simple", "dynamic", "group", "calendar")


@dataclass(frozen=True)
class EstimateOptions:
    """Settings shared by all estimators.

    ``bootstrap`` is the number of bootstrap draws (0 = analytic / cluster-robust
    standard errors); ``cohort`` picks the adoption wave for ``"2x2"``;
    ``cs_method`` is the Callaway-Sant'Anna estimation method (``"dr"`` doubly
    robust, ``"reg"`` outcome regression, ``"ipw"``); default ``"dr"`` with
    covariates and ``"reg"`` without (all three are equal without covariates).
    """

    control: str = "never_treated"
    aggregation: str = "simple"
    alpha: float = 0.05
    bootstrap: int = 0
    seed: int = 0
    cohort: int | None = None
    cs_method: str | None = None

    def cs_method_for(self, has_covariates: bool) -> str:
        """Doubly robust with covariates; outcome regression without.

        Without covariates the three methods give identical estimates and standard
        errors, and "reg" skips fitting an intercept-only propensity score per cell.
        """
        if self.cs_method is not None:
            return self.cs_method
        return "dr" if has_covariates else "reg"


EstimatorFn = Callable[[PreparedPanel, EstimateOptions], LiftResult]
PointFn = Callable[[PreparedPanel, EstimateOptions], float]


@dataclass(frozen=True)
class Estimator:
    """A registered method: the full fit and a fast point-estimate-only fit.

    The point-only path is what randomization inference and placebo loops call
    hundreds of times; it must return exactly the ``estimate`` of ``fit``.
    """

    name: str
    fit: EstimatorFn
    point: PointFn
    engine: str
    uses_control: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)


ESTIMATORS: dict[str, Estimator] = {}


def register(estimator: Estimator) -> Estimator:
    """Add an estimator to the registry (also the extension point for new ones)."""
    ESTIMATORS[estimator.name] = estimator
    return estimator


def did(
    panel: pd.DataFrame,
    *,
    unit: str,
    period: str,
    outcome: str,
    first_treated: str,
    method: str = "cs",
    control: str = "never_treated",
    covariates: list[str] | None = None,
    aggregation: str = "simple",
    anticipation: int = 0,
    alpha: float = 0.05,
    bootstrap: int = 0,
    seed: int = 0,
    cohort: int | None = None,
    cs_method: str | None = None,
) -> LiftResult:
    """Estimate a program's lift with difference-in-differences.

    Parameters
    ----------
    panel
        Long panel, one row per unit and period.
    unit, period, outcome
        Column names. ``period`` must hold integers that step by one per period
        (e.g. rotlib's ``quarter_index``).
    first_treated
        Column with each unit's first treated period on the ``period`` scale;
        ``0`` or missing means never treated.
    method
        ``"cs"`` (default), ``"sunab"``, ``"did2s"``, ``"twfe"`` or ``"2x2"``
        (see the module docstring for what each does and when to prefer it).
    control
        ``"never_treated"`` or ``"not_yet_treated"`` comparison units (used by
        ``cs`` and ``sunab``; ``twfe`` and ``did2s`` always use every untreated
        observation and say so in the notes; ``2x2`` uses never-treated units).
    covariates
        Columns to condition on (text columns become indicators). Callaway-
        Sant'Anna uses their first-period values (doubly robust by default).
    aggregation
        For ``cs``: ``"simple"`` (default; average over all post-adoption cells,
        cohort-size weighted), ``"dynamic"`` (average of the event-time effects),
        ``"group"`` (average of cohort effects) or ``"calendar"``.
    anticipation
        Quarters before the first treated quarter in which units may already
        react; those quarters are not used as clean pre-periods.
    alpha
        1 - confidence level of the interval.
    bootstrap
        0 for analytic / cluster-robust standard errors (default); otherwise the
        number of (multiplier or wild) bootstrap draws, seeded by ``seed``.
    cohort
        For ``2x2``: the adoption wave to analyse when there are several.

    Returns
    -------
    LiftResult
        ``.estimate``, ``.se``, ``.ci`` (outcome units), ``.lift_pct``,
        ``.tidy()``, ``.summary()``, ``.plot()``, ``.to_dict()``.

    Raises
    ------
    rotlib.errors.AnalysisError
        No treated units, a single treated unit, no controls left, an outcome that
        never varies, a program starting after the last period, or bad options.
    """
    prepared, options = prepare_inputs(
        panel,
        unit=unit,
        period=period,
        outcome=outcome,
        first_treated=first_treated,
        method=method,
        control=control,
        covariates=covariates,
        anticipation=anticipation,
        options=EstimateOptions(
            control=control,
            aggregation=aggregation,
            alpha=alpha,
            bootstrap=int(bootstrap),
            seed=int(seed),
            cohort=cohort,
            cs_method=cs_method,
        ),
    )
    return estimate_prepared(prepared, method, options)


def prepare_inputs(
    panel: pd.DataFrame,
    *,
    unit: str,
    period: str,
    outcome: str,
    first_treated: str,
    method: str,
    control: str,
    covariates: list[str] | None,
    anticipation: int,
    options: EstimateOptions,
) -> tuple[PreparedPanel, EstimateOptions]:
    """Check the options, then the panel (options first: a typo fails before data work)."""
    _lookup(method)
    if options.aggregation not in AGGREGATIONS:
        raise AnalysisError(
            f"aggregation must be one of {', '.join(AGGREGATIONS)}, got {options.aggregation!r}."
        )
    if not 0 < options.alpha < 1:
        raise AnalysisError(f"alpha must be between 0 and 1, got {options.alpha}.")
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
    return prepared, options


def estimate_prepared(prepared: PreparedPanel, method: str, options: EstimateOptions) -> LiftResult:
    """Run one registered estimator on an already prepared panel."""
    est = _lookup(method)
    result = est.fit(prepared, options)
    result.notes = [*prepared.notes, *est.notes, *result.notes]
    return result


def point_estimate(prepared: PreparedPanel, method: str, options: EstimateOptions) -> float:
    """Only the point estimate, fast (for permutation and placebo loops)."""
    return float(_lookup(method).point(prepared, options))


def _lookup(method: str) -> Estimator:
    if method not in ESTIMATORS:
        raise AnalysisError(
            f"unknown method {method!r}; choose one of {', '.join(sorted(ESTIMATORS))}."
        )
    return ESTIMATORS[method]


@contextmanager
def _collect_warnings(notes: list[str]) -> Iterator[None]:
    """Run an engine quietly but keep its warnings as notes (deduplicated, short)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    seen = set(notes)
    for w in caught:
        text = str(w.message).strip().splitlines()[0][:200]
        if (
            text
            and text not in seen
            and not issubclass(w.category, (DeprecationWarning, FutureWarning))
        ):
            notes.append(f"engine warning: {text}")
            seen.add(text)


def _normal_ci(est: float, se: float, alpha: float) -> tuple[tuple[float, float], float]:
    z = stats.norm.ppf(1 - alpha / 2)
    if not np.isfinite(se) or se <= 0:
        return (float("nan"), float("nan")), float("nan")
    p = float(2 * stats.norm.sf(abs(est / se)))
    return (est - z * se, est + z * se), p


def _detail(terms: list[str], est: np.ndarray, se: np.ndarray, alpha: float) -> pd.DataFrame:
    rows = []
    for term, e, s in zip(terms, est, se, strict=True):
        ci, p = _normal_ci(float(e), float(s), alpha)
        rows.append(
            {
                "term": term,
                "estimate": float(e),
                "se": float(s),
                "ci_low": ci[0],
                "ci_high": ci[1],
                "p_value": p,
            }
        )
    return pd.DataFrame(rows, columns=DETAIL_COLUMNS)


def _base_result(
    prepared: PreparedPanel, method: str, options: EstimateOptions, **kw: object
) -> LiftResult:
    f = prepared.frame
    fields = {
        "method": method,
        "outcome": prepared.outcome,
        "alpha": options.alpha,
        "control": options.control,
        "aggregation": None,
        "n_units": prepared.n_units,
        "n_treated": prepared.n_treated,
        "n_periods": int(f[PERIOD].nunique()),
        "n_obs": len(f),
        "baseline": prepared.baseline(),
    }
    fields.update(kw)
    return LiftResult(**fields)  # type: ignore[arg-type]


# --- Callaway & Sant'Anna (moderndid) -------------------------------------------


def _cs_fit_moderndid(
    prepared: PreparedPanel, options: EstimateOptions, notes: list[str]
) -> tuple[Any, Any]:
    import moderndid as md

    xformla = "~" + "+".join(prepared.covariates) if prepared.covariates else None
    with _collect_warnings(notes):
        gt = md.att_gt(
            prepared.frame,
            yname=Y,
            tname=PERIOD,
            idname=UNIT,
            gname=G,
            xformla=xformla,
            alp=options.alpha,
            cband=False,
            boot=options.bootstrap > 0,
            biters=max(options.bootstrap, 1),
            est_method=options.cs_method_for(bool(prepared.covariates)),
            control_group=options.control.replace("_", ""),
            anticipation=prepared.anticipation,
            base_period="varying",
            random_state=options.seed,
        )
        agg = md.aggte(
            gt,
            type=options.aggregation,
            cband=False,
            boot=options.bootstrap > 0,
            biters=max(options.bootstrap, 1),
            alp=options.alpha,
            random_state=options.seed,
        )
    return gt, agg


def _cs_diff_diff(prepared: PreparedPanel, options: EstimateOptions, notes: list[str]) -> Any:
    import diff_diff as dd

    with _collect_warnings(notes):
        return dd.CallawaySantAnna(
            control_group=options.control,
            anticipation=prepared.anticipation,
            estimation_method=options.cs_method_for(bool(prepared.covariates)),
            alpha=options.alpha,
            cband=False,
            n_bootstrap=options.bootstrap,
            seed=options.seed,
        ).fit(
            prepared.frame,
            outcome=Y,
            unit=UNIT,
            time=PERIOD,
            first_treat=G,
            covariates=prepared.covariates or None,
        )


def _cs_fit(prepared: PreparedPanel, options: EstimateOptions) -> LiftResult:
    """Callaway-Sant'Anna. Engine by aggregation, for speed and completeness.

    The simple and dynamic aggregations run on diff-diff (10-30x faster than
    moderndid on 50k partners; identical numbers, tested against moderndid); the
    group and calendar aggregations, and the bootstrap for dynamic, need ``aggte``'s
    overall effects, which only moderndid exposes.
    """
    notes: list[str] = []
    inference = (
        f"multiplier bootstrap by unit ({options.bootstrap} draws, seed {options.seed})"
        if options.bootstrap
        else "analytic (influence function), clustered by unit"
    )
    if options.aggregation == "simple":
        r = _cs_diff_diff(prepared, options, notes)
        est, se = float(r.overall_att), float(r.overall_se)
        if options.bootstrap:
            ci = (float(r.overall_conf_int[0]), float(r.overall_conf_int[1]))
            p = float(r.overall_p_value)
        else:
            ci, p = _normal_ci(est, se, options.alpha)
        cells = sorted((int(g), int(t), v) for (g, t), v in r.group_time_effects.items() if t >= g)
        detail = _detail(
            [f"ATT(g={g}, t={t})" for g, t, _ in cells],
            np.array([v["effect"] for _, _, v in cells]),
            np.array([v["se"] for _, _, v in cells]),
            options.alpha,
        )
        engine = "diff_diff.CallawaySantAnna"
    elif options.aggregation == "dynamic" and not options.bootstrap:
        est, se, es = _cs_dynamic_diff_diff(prepared, options, notes)
        ci, p = _normal_ci(est, se, options.alpha)
        detail = _detail([f"e={int(e)}" for e in es.event_time], es.att, es.se, options.alpha)
        engine = "diff_diff.CallawaySantAnna (event-study mean)"
    else:
        _, agg = _cs_fit_moderndid(prepared, options, notes)
        est, se = float(agg.overall_att), float(agg.overall_se)
        ci, p = _normal_ci(est, se, options.alpha)
        label = {"dynamic": "e", "group": "g", "calendar": "t"}[options.aggregation]
        terms = [f"{label}={int(x)}" for x in agg.event_times]
        detail = _detail(
            terms, np.asarray(agg.att_by_event), np.asarray(agg.se_by_event), options.alpha
        )
        engine = "moderndid.att_gt/aggte"
    return _base_result(
        prepared,
        "cs",
        options,
        estimate=est,
        se=se,
        ci=ci,
        p_value=p,
        aggregation=options.aggregation,
        inference=inference,
        detail=detail,
        notes=notes,
        engine=engine,
    )


def _cs_dynamic_diff_diff(
    prepared: PreparedPanel, options: EstimateOptions, notes: list[str]
) -> tuple[float, float, Any]:
    """CS "dynamic" overall: the mean of the post-adoption event-time effects.

    Its standard error follows from the event-study covariance (``w' V w`` with equal
    weights): the same influence-function average moderndid's ``aggte`` reports
    (tested to 1e-6), at diff-diff's speed.
    """
    r = _cs_diff_diff(prepared, options, notes)
    with _collect_warnings(notes):
        es = r.aggregate("event_study")
    index = [int(e) for e in es.vcov_index]
    post = [i for i, e in enumerate(index) if e >= -prepared.anticipation]
    att_by_e = dict(zip((int(e) for e in es.event_time), es.att, strict=True))
    effects = np.array([att_by_e[index[i]] for i in post], dtype=float)
    w = np.full(len(post), 1.0 / len(post))
    vcov = np.asarray(es.vcov, dtype=float)[np.ix_(post, post)]
    return float(w @ effects), float(np.sqrt(w @ vcov @ w)), es


def _cs_point(prepared: PreparedPanel, options: EstimateOptions) -> float:
    opts = replace(options, bootstrap=0)
    if options.aggregation == "simple":
        return float(_cs_diff_diff(prepared, opts, []).overall_att)
    if options.aggregation == "dynamic":
        return _cs_dynamic_diff_diff(prepared, opts, [])[0]
    _, agg = _cs_fit_moderndid(prepared, opts, [])
    return float(agg.overall_att)


register(Estimator("cs", _cs_fit, _cs_point, engine="moderndid"))


# --- Sun & Abraham and two-stage DiD (diff-diff) ----------------------------------


def _diff_diff_run(
    estimator: str, prepared: PreparedPanel, options: EstimateOptions, notes: list[str]
) -> Any:
    """Fit diff-diff's ``SunAbraham`` or ``TwoStageDiD`` on the prepared panel."""
    import diff_diff as dd

    kwargs: dict[str, Any] = {
        "anticipation": prepared.anticipation,
        "alpha": options.alpha,
        "cluster": UNIT,
        "n_bootstrap": options.bootstrap,
        "seed": options.seed,
    }
    if estimator == "SunAbraham":
        kwargs["control_group"] = options.control
    with _collect_warnings(notes):
        return getattr(dd, estimator)(**kwargs).fit(
            prepared.frame,
            outcome=Y,
            unit=UNIT,
            time=PERIOD,
            first_treat=G,
            covariates=prepared.covariates or None,
        )


def _diff_diff_fit(
    method: str, estimator: str, aggregation: str, prepared: PreparedPanel, options: EstimateOptions
) -> LiftResult:
    notes: list[str] = []
    r = _diff_diff_run(estimator, prepared, options, notes)
    lo, hi = (float(x) for x in r.overall_conf_int)
    detail = pd.DataFrame(columns=DETAIL_COLUMNS)
    if getattr(r, "event_study_effects", None):
        effects = {int(e): v for e, v in r.event_study_effects.items() if np.isfinite(v["se"])}
        detail = _detail(
            [f"e={e}" for e in sorted(effects)],
            np.array([effects[e]["effect"] for e in sorted(effects)]),
            np.array([effects[e]["se"] for e in sorted(effects)]),
            options.alpha,
        )
    return _base_result(
        prepared,
        method,
        options,
        estimate=float(r.overall_att),
        se=float(r.overall_se),
        ci=(lo, hi),
        p_value=float(r.overall_p_value),
        aggregation=aggregation,
        inference="bootstrap" if options.bootstrap else "cluster-robust by unit",
        detail=detail,
        notes=notes,
        engine=f"diff_diff.{estimator}",
    )


def _diff_diff_estimator(method: str, estimator: str, aggregation: str, **kw: Any) -> Estimator:
    def fit(prepared: PreparedPanel, options: EstimateOptions) -> LiftResult:
        return _diff_diff_fit(method, estimator, aggregation, prepared, options)

    def point(prepared: PreparedPanel, options: EstimateOptions) -> float:
        opts = replace(options, bootstrap=0)
        return float(_diff_diff_run(estimator, prepared, opts, []).overall_att)

    return Estimator(method, fit, point, engine="diff-diff", **kw)


register(_diff_diff_estimator("sunab", "SunAbraham", "post-period average (cohort-share weighted)"))
register(
    _diff_diff_estimator(
        "did2s",
        "TwoStageDiD",
        "average over treated observations",
        uses_control=False,
        notes=(
            "did2s imputes untreated outcomes from all not-yet-treated observations; "
            "the control setting does not apply.",
        ),
    )
)


# --- two-way fixed effects and 2x2 (pyfixest) -----------------------------------


def _feols(fml: str, data: pd.DataFrame, vcov: dict[str, str] | str, notes: list[str]) -> Any:
    import pyfixest as pf

    with _collect_warnings(notes):
        return pf.feols(fml, data=data, vcov=vcov)


def _twfe_formula(prepared: PreparedPanel) -> str:
    rhs = " + ".join([D, *prepared.covariates])
    return f"{Y} ~ {rhs} | {UNIT} + {PERIOD}"


def _fixest_result(
    fit: object, term: str, alpha: float
) -> tuple[float, float, tuple[float, float], float]:
    est = float(fit.coef()[term])  # type: ignore[attr-defined]
    se = float(fit.se()[term])  # type: ignore[attr-defined]
    ci_frame = fit.confint(alpha=alpha)  # type: ignore[attr-defined]
    ci = (float(ci_frame.loc[term].iloc[0]), float(ci_frame.loc[term].iloc[1]))
    p = float(fit.pvalue()[term])  # type: ignore[attr-defined]
    return est, se, ci, p


def _twfe_fit(prepared: PreparedPanel, options: EstimateOptions) -> LiftResult:
    notes: list[str] = []
    if options.bootstrap:
        notes.append("bootstrap is not used for twfe; see the wild/RI check instead.")
    fit = _feols(_twfe_formula(prepared), prepared.frame, {"CRV1": UNIT}, notes)
    est, se, ci, p = _fixest_result(fit, D, options.alpha)
    return _base_result(
        prepared,
        "twfe",
        options,
        estimate=est,
        se=se,
        ci=ci,
        p_value=p,
        aggregation="static TWFE coefficient",
        inference="cluster-robust by unit (CRV1, t with G-1 df)",
        notes=notes,
        engine="pyfixest.feols",
    )


def _twfe_point(prepared: PreparedPanel, options: EstimateOptions) -> float:
    fit = _feols(_twfe_formula(prepared), prepared.frame, "iid", [])
    return float(fit.coef()[D])


register(
    Estimator(
        "twfe",
        _twfe_fit,
        _twfe_point,
        engine="pyfixest",
        uses_control=False,
        notes=(
            "static TWFE compares with every untreated and already-treated "
            "observation; it is biased when effects grow over time under staggered "
            "adoption (see the Goodman-Bacon check).",
        ),
    )
)


def two_by_two_frame(prepared: PreparedPanel, cohort: int | None) -> tuple[pd.DataFrame, int]:
    """The single-wave sub-panel: one adoption cohort and the never-treated units."""
    f = prepared.frame
    cohorts = sorted(int(c) for c in prepared.unit_cohort.unique() if c > 0)
    if cohort is None:
        if len(cohorts) > 1:
            raise AnalysisError(
                f"2x2 compares one adoption wave with never-treated units, but the program "
                f"has {len(cohorts)} waves ({', '.join(map(str, cohorts))}). Fix: pass "
                "cohort=<first treated period>, or use method='cs' for all waves."
            )
        cohort = cohorts[0]
    if cohort not in cohorts:
        raise AnalysisError(f"no units adopt in period {cohort}; waves are {cohorts}.")
    sub = f[(f[G] == cohort) | (f[G] == 0)].copy()
    if (sub[G] == cohort).groupby(sub[UNIT]).first().sum() < 2:
        raise AnalysisError(f"only one treated unit in wave {cohort}: no valid standard error.")
    if (sub[G] == 0).sum() == 0:
        raise AnalysisError("no controls left: the 2x2 comparison needs never-treated units.")
    sub["lift_group"] = (sub[G] == cohort).astype("int64")
    sub["lift_post"] = (sub[PERIOD] >= cohort - prepared.anticipation).astype("int64")
    if prepared.anticipation:
        # anticipation quarters are neither clean pre nor full post: leave them out
        sub = sub[(sub[PERIOD] < cohort - prepared.anticipation) | (sub[PERIOD] >= cohort)]
    return sub, cohort


def _two_by_two_fit(prepared: PreparedPanel, options: EstimateOptions) -> LiftResult:
    notes: list[str] = []
    sub, cohort = two_by_two_frame(prepared, options.cohort)
    if options.control != "never_treated":
        notes.append("2x2 always compares with never-treated units.")
    fit = _feols(f"{Y} ~ lift_group * lift_post", sub, {"CRV1": UNIT}, notes)
    term = "lift_group:lift_post"
    est, se, ci, p = _fixest_result(fit, term, options.alpha)
    n_treated = int(sub.groupby(UNIT)["lift_group"].first().sum())
    base = sub[(sub["lift_group"] == 1) & (sub[PERIOD] == cohort - 1 - prepared.anticipation)][Y]
    return _base_result(
        prepared,
        "2x2",
        options,
        estimate=est,
        se=se,
        ci=ci,
        p_value=p,
        control="never_treated",
        aggregation=f"wave {cohort}: post-mean minus pre-mean, treated minus control",
        inference="cluster-robust by unit (CRV1, t with G-1 df)",
        n_units=int(sub[UNIT].nunique()),
        n_treated=n_treated,
        n_obs=len(sub),
        baseline=float(base.mean()) if len(base) else float("nan"),
        notes=notes,
        engine="pyfixest.feols",
    )


def _two_by_two_point(prepared: PreparedPanel, options: EstimateOptions) -> float:
    sub, _ = two_by_two_frame(prepared, options.cohort)
    fit = _feols(f"{Y} ~ lift_group * lift_post", sub, "iid", [])
    return float(fit.coef()["lift_group:lift_post"])


register(
    Estimator("2x2", _two_by_two_fit, _two_by_two_point, engine="pyfixest", uses_control=False)
)

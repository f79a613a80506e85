"""Credibility checks reported with every lift estimate.

Why each check exists (see docs/lift.md for the longer story):

- **pre-trend test** - if treated and comparison partners already drifted apart
  before the program, the comparison group is not a fair stand-in for "no program".
- **pre-trend power** - a pre-test that passes proves little when it could not have
  caught a trend big enough to explain the lift (Roth 2022).
- **placebo, fake dates** - pretend the program started earlier and use only data
  from before the real start: a "lift" there is spurious by construction.
- **placebo, fake treated** - give never-treated partners the program on paper: the
  estimator should find nothing.
- **randomization inference** - with few treated partners (under 30 by default)
  clustered standard errors are too small; reshuffling who was treated gives a
  p-value that does not lean on large-sample theory.
- **HonestDiD sensitivity** - how large a violation of parallel trends (relative to
  the worst pre-period one) the conclusion survives (Rambachan & Roth 2023).
- **Goodman-Bacon decomposition** - shows which comparisons drive the naive TWFE
  number and how much weight sits on "forbidden" ones (already-treated partners as
  controls), i.e. why TWFE and Callaway-Sant'Anna differ.

Each function returns a :class:`CheckResult`; none of them raises for a check that
merely does not apply (it is reported as ``"skipped"`` with the reason).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from rotlib.errors import AnalysisError
from rotlib.lift.data import PERIOD, UNIT, D, G, PreparedPanel, Y
from rotlib.lift.estimators import EstimateOptions, estimate_prepared, point_estimate
from rotlib.lift.result import CheckResult, EventStudyResult


@dataclass(frozen=True)
class CheckSettings:
    """How the checks run. Defaults follow common practice; all are documented.

    ``alpha`` is the level of each check before the Bonferroni split that the
    verdict applies; ``few_treated`` is the number of treated units below which
    randomization inference replaces clustered standard errors as the arbiter;
    ``placebo_shift`` is how many quarters earlier the fake start is placed.
    """

    alpha: float = 0.05
    few_treated: int = 30
    permutations: int = 199
    placebo_shift: int = 2
    honest_mbar: tuple[float, ...] = (0.0, 0.5, 1.0, 1.5, 2.0)
    pretrend_power: float = 0.8
    seed: int = 0


def pretrend_check(es: EventStudyResult, alpha: float) -> CheckResult:
    """Joint test that all leads are zero."""
    if es.pretrend is None:
        return CheckResult("pre_trend", "skipped", "no pre-adoption periods to test.")
    p = es.pretrend
    status = "fail" if p.p_value < alpha else "pass"
    word = "differ" if status == "fail" else "do not differ detectably"
    return CheckResult(
        "pre_trend",
        status,
        f"pre-period trends {word} (joint Wald chi2({p.df}) = {p.statistic:.2f}, "
        f"p = {p.p_value:.3g}, {es.method} event study; fails below {alpha:.3g}).",
        p_value=p.p_value,
        details={"statistic": p.statistic, "df": p.df, "event_study": es.method},
    )


def pretrend_power_check(es: EventStudyResult, lift: float, settings: CheckSettings) -> CheckResult:
    """Smallest linear pre-trend the pre-test would catch, against the lift (Roth 2022).

    Uses diff-diff's ``PreTrendsPower`` on the event study. A linear trend of slope
    ``s`` per quarter that continued after adoption would bias the average lift by
    about ``s`` times the mean number of quarters since the base period; if a trend
    the pre-test misses could explain half the lift, the pass is weak evidence.
    """
    if es.raw is None or es.method not in ("cs", "sunab") or es.pretrend is None:
        return CheckResult(
            "pre_trend_power", "skipped", "needs a cs or sunab event study with leads."
        )
    import diff_diff as dd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pw = dd.PreTrendsPower(
            alpha=settings.alpha, power=settings.pretrend_power, violation_type="linear"
        ).fit(es.raw)
    slope = float(pw.mdv)
    post = es.post()["event_time"].to_numpy()
    ref = int(es.table.loc[es.table["is_reference"], "event_time"].max())
    implied_bias = slope * float(np.mean(post - ref)) if len(post) else float("nan")
    weak = np.isfinite(implied_bias) and abs(lift) > 0 and implied_bias >= 0.5 * abs(lift)
    return CheckResult(
        "pre_trend_power",
        "warn" if weak else "pass",
        f"the pre-test has {settings.pretrend_power:.0%} power against a linear trend of "
        f"{slope:.3g} per quarter, which would bias the lift by about {implied_bias:.3g}"
        + (
            " - at least half the estimated lift, so a passed pre-test is weak evidence."
            if weak
            else " - small next to the estimated lift."
        ),
        estimate=implied_bias,
        details={
            "min_detectable_slope": slope,
            "implied_bias": implied_bias,
            "target_power": settings.pretrend_power,
        },
    )


def _rebuild(prepared: PreparedPanel, frame: pd.DataFrame, note: str) -> PreparedPanel:
    """A prepared panel with new cohorts (treatment dummy recomputed)."""
    frame = frame.copy()
    frame[D] = ((frame[G] > 0) & (frame[PERIOD] >= frame[G] - prepared.anticipation)).astype(
        "int64"
    )
    return replace(prepared, frame=frame.reset_index(drop=True), notes=[note])


def _significance_check(
    name: str,
    prepared: PreparedPanel,
    method: str,
    options: EstimateOptions,
    alpha: float,
    what: str,
) -> CheckResult:
    try:
        r = estimate_prepared(prepared, method, replace(options, bootstrap=0))
    except AnalysisError as exc:
        return CheckResult(name, "skipped", f"could not run: {exc}")
    status = "fail" if (np.isfinite(r.p_value) and r.p_value < alpha) else "pass"
    verdict = "finds a spurious lift" if status == "fail" else "finds no lift, as it should"
    return CheckResult(
        name,
        status,
        f"{what} {verdict}: {r.estimate:.3g} [{r.ci[0]:.3g}, {r.ci[1]:.3g}], p = {r.p_value:.3g} "
        f"(fails below {alpha:.3g}).",
        p_value=r.p_value,
        estimate=r.estimate,
        ci=r.ci,
        details={"n_treated": r.n_treated, "n_units": r.n_units},
    )


def placebo_fake_dates(
    prepared: PreparedPanel, method: str, options: EstimateOptions, settings: CheckSettings
) -> CheckResult:
    """Move adoption ``placebo_shift`` quarters earlier, using only pre-program data.

    The window is every period before the earliest real adoption (minus
    anticipation), so no row in it is treated; cohorts whose fake start does not
    leave at least one earlier period inside the window are left out.
    """
    f = prepared.frame
    cohorts = prepared.unit_cohort
    first_adoption = int(cohorts[cohorts > 0].min()) - prepared.anticipation
    window = f[f[PERIOD] < first_adoption].copy()
    periods = np.sort(window[PERIOD].unique())
    if len(periods) < 2:
        return CheckResult(
            "placebo_fake_dates", "skipped", "fewer than two quarters before the first adoption."
        )
    for shift in range(settings.placebo_shift, 0, -1):
        fake = window[G].where(window[G] == 0, window[G] - shift - prepared.anticipation)
        ok = (fake == 0) | ((fake > periods[0]) & (fake <= periods[-1]))
        keep = window[ok].assign(**{G: fake[ok]})
        n_fake = keep.loc[keep[G] > 0, UNIT].nunique()
        if n_fake >= 2:
            placebo = _rebuild(
                replace(prepared, anticipation=0),
                keep,
                f"fake start {shift} quarter(s) early, periods before {first_adoption}",
            )
            opts = options
            if method == "2x2":
                opts = replace(
                    options, cohort=int(placebo.unit_cohort[placebo.unit_cohort > 0].min())
                )
            res = _significance_check(
                "placebo_fake_dates",
                placebo,
                method,
                opts,
                settings.alpha,
                f"starting the program {shift} quarter(s) early (pre-program data only)",
            )
            res.details["shift"] = shift
            return res
    return CheckResult(
        "placebo_fake_dates",
        "skipped",
        "too few quarters before the first adoption to place a fake start.",
    )


def placebo_fake_treated(
    prepared: PreparedPanel, method: str, options: EstimateOptions, settings: CheckSettings
) -> CheckResult:
    """Give never-treated units the real cohort mix on paper and re-estimate.

    As many fake adopters as real ones (at most half the never-treated units), with
    adoption periods drawn from the real cohort distribution; the real adopters are
    left out so that only untreated outcomes are compared.
    """
    rng = np.random.default_rng(settings.seed)
    cohorts = prepared.unit_cohort
    never = cohorts[cohorts == 0].index.to_numpy()
    real = cohorts[cohorts > 0].to_numpy()
    n_fake = min(len(real), len(never) // 2)
    if n_fake < 2:
        return CheckResult(
            "placebo_fake_treated", "skipped", "too few never-treated units to draw fake adopters."
        )
    fake_units = rng.choice(never, size=n_fake, replace=False)
    fake_g = rng.choice(real, size=n_fake, replace=True)
    if method == "2x2":
        fake_g[:] = options.cohort if options.cohort is not None else int(np.min(real))
    f = prepared.frame[prepared.frame[G] == 0].copy()
    f[G] = f[UNIT].map(dict(zip(fake_units, fake_g, strict=True))).fillna(0).astype("int64")
    placebo = _rebuild(prepared, f, f"{n_fake} never-treated units given fake adoption dates")
    opts = replace(options, cohort=int(fake_g[0])) if method == "2x2" else options
    return _significance_check(
        "placebo_fake_treated",
        placebo,
        method,
        opts,
        settings.alpha,
        f"giving {n_fake} never-treated partners fake adoption dates",
    )


def randomization_inference(
    prepared: PreparedPanel,
    method: str,
    options: EstimateOptions,
    observed: float,
    settings: CheckSettings,
) -> CheckResult:
    """Permutation p-value for the lift when treated units are few.

    Under the sharp null that the program changed nothing for anyone, which units
    adopted when is exchangeable; reshuffling the adoption dates across units and
    re-estimating gives the null distribution of the estimate. Two-sided p-value
    ``(1 + #|perm| >= |observed|) / (1 + R)``.
    """
    n_treated = prepared.n_treated
    if n_treated >= settings.few_treated:
        return CheckResult(
            "randomization_inference",
            "skipped",
            f"{n_treated} treated units (>= {settings.few_treated}): clustered standard "
            "errors are reliable enough.",
        )
    rng = np.random.default_rng(settings.seed)
    cohorts = prepared.unit_cohort
    units, labels = cohorts.index.to_numpy(), cohorts.to_numpy()
    draws: list[float] = []
    failed = 0
    opts = replace(options, bootstrap=0)
    for _ in range(settings.permutations):
        mapping = dict(zip(units, rng.permutation(labels), strict=True))
        f = prepared.frame.copy()
        f[G] = f[UNIT].map(mapping).astype("int64")
        try:
            draws.append(point_estimate(_rebuild(prepared, f, ""), method, opts))
        except (AnalysisError, ValueError, np.linalg.LinAlgError):
            failed += 1
    d = np.asarray([x for x in draws if np.isfinite(x)])
    if len(d) < 19:
        return CheckResult("randomization_inference", "skipped", "too few valid permutations.")
    p = float((1 + np.sum(np.abs(d) >= abs(observed) - 1e-12)) / (1 + len(d)))
    status = "pass" if p < settings.alpha else "warn"
    return CheckResult(
        "randomization_inference",
        status,
        f"only {n_treated} treated units; reshuffling adoption dates {len(d)} times gives "
        f"p = {p:.3g}"
        + (
            " - the lift stands out from chance."
            if status == "pass"
            else " - the lift does not stand out from chance."
        ),
        p_value=p,
        estimate=observed,
        details={
            "permutations": len(d),
            "failed": failed,
            "seed": settings.seed,
            "null_sd": float(np.std(d, ddof=1)),
        },
    )


def honest_did_check(es: EventStudyResult, settings: CheckSettings) -> CheckResult:
    """HonestDiD relative-magnitude bounds (diff-diff) on the average post effect.

    ``Mbar`` = how many times the largest pre-period violation a post-period
    violation may be. The breakdown value is the largest ``Mbar`` on the grid at
    which the robust interval still excludes zero.
    """
    if es.raw is None or es.method not in ("cs", "sunab") or es.pretrend is None:
        return CheckResult("honest_did", "skipped", "needs a cs or sunab event study with leads.")
    import diff_diff as dd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sens = dd.HonestDiD(
                method="relative_magnitude", alpha=settings.alpha
            ).sensitivity_analysis(es.raw, M_grid=list(settings.honest_mbar))
        table = sens.to_dataframe()
    except (ValueError, np.linalg.LinAlgError) as exc:
        return CheckResult("honest_did", "skipped", f"could not run: {exc}")
    sig = table[table["is_significant"].astype(bool)]["M"]
    breakdown = float(sig.max()) if len(sig) else None
    robust_at_1 = table[np.isclose(table["M"], 1.0)]
    if breakdown is None:
        msg = "the interval includes zero even without any trend violation (Mbar = 0)."
    elif breakdown >= max(settings.honest_mbar):
        msg = (
            f"the lift stays significant for post-period violations up to "
            f"{breakdown:g} x the largest pre-period one (the whole grid)."
        )
    else:
        msg = (
            f"the lift stays significant only while post-period violations stay below "
            f"{breakdown:g} x the largest pre-period one."
        )
    return CheckResult(
        "honest_did",
        "info",
        msg,
        details={
            "breakdown_mbar": breakdown,
            "grid": table.to_dict(orient="records"),
            "robust_ci_mbar_1": robust_at_1[["ci_lb", "ci_ub"]].iloc[0].tolist()
            if len(robust_at_1)
            else None,
            "target": "equal-weight average of post-adoption event-time effects",
        },
    )


def bacon_check(prepared: PreparedPanel) -> CheckResult:
    """Goodman-Bacon (2021) decomposition of the static TWFE estimate (diff-diff)."""
    if prepared.covariates:
        note = " (covariates ignored: the decomposition is for the plain TWFE model)"
    else:
        note = ""
    import diff_diff as dd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            b = dd.BaconDecomposition().fit(
                prepared.frame, outcome=Y, unit=UNIT, time=PERIOD, first_treat=G
            )
    except (ValueError, np.linalg.LinAlgError) as exc:
        return CheckResult("bacon", "skipped", f"could not run: {exc}")
    forbidden = float(b.total_weight_later_vs_earlier)
    return CheckResult(
        "bacon",
        "info",
        f"static TWFE = {b.twfe_estimate:.3g}: {b.total_weight_treated_vs_never:.0%} of its "
        f"weight compares with never-treated units, {forbidden:.0%} uses already-treated "
        f"units as controls (avg 2x2 effect there {b.weighted_avg_later_vs_earlier:.3g})"
        + note
        + ".",
        estimate=float(b.twfe_estimate),
        details={
            "twfe_estimate": float(b.twfe_estimate),
            "weight_treated_vs_never": float(b.total_weight_treated_vs_never),
            "weight_earlier_vs_later": float(b.total_weight_earlier_vs_later),
            "weight_later_vs_earlier": forbidden,
            "avg_treated_vs_never": float(b.weighted_avg_treated_vs_never),
            "avg_earlier_vs_later": float(b.weighted_avg_earlier_vs_later),
            "avg_later_vs_earlier": float(b.weighted_avg_later_vs_earlier),
            "comparisons": b.to_dataframe(),
        },
    )


ALL_CHECKS: Sequence[str] = (
    "pre_trend",
    "pre_trend_power",
    "placebo_fake_dates",
    "placebo_fake_treated",
    "randomization_inference",
    "honest_did",
    "bacon",
)

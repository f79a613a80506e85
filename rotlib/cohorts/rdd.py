"""Regression discontinuity at the tier threshold: does *crossing* it change outcomes?

Why: partners just above and just below the threshold are alike in trust, but only
those above get the higher tier's benefits (lead routing, MDF, beta access). A jump in
next-quarter outcomes exactly at the threshold is evidence about the benefits rather
than about trust itself. The design:

* Running variable: RoT score in the cohort quarter; cutoff: the threshold. Partner
  level outcome in the window (a partner's own win rate, renewal rate, escalations per
  ticket, mean cycle days or influenced pipeline; partners without units are left out).
* Local linear regression on each side, triangular kernel weights ``1 - |x - c| / h``,
  heteroskedasticity-robust (HC1) errors: the jump is the coefficient of ``x >= c``.
  Units of the estimate: the outcome's own (share, days, per ticket, currency).
* Bandwidth ``h``: leave-one-out style cross-validation of Ludwig and Miller (2007) as
  in Imbens and Lemieux (2008): each partner in the half of the data nearest the cutoff
  on its side is predicted from a straight line fitted only to partners *farther* from
  the cutoff than it, within ``h`` (so every prediction is a boundary prediction, like
  the estimate), and the ``h`` with the smallest mean squared error wins. The estimate is
  also shown at ``h/2`` and ``2h``.
* Placebo: the same estimate at the median score of each side, using only that side's
  partners (where no benefit changes): it should be near zero.

Caveats (also in docs/cohorts.md): with a hysteresis rule the tier does not switch
exactly at the score threshold, so this is the effect of *crossing the score*
(intent to treat), not of the tier; and no density (manipulation) test is made here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

MIN_SIDE = 10

COLUMNS = ["outcome", "window", "quarter", "check", "cutoff", "bandwidth", "bandwidth_rule",
           "n_left", "n_right", "estimate", "std_error", "ci_low", "ci_high", "p_value", "note"]


def _one_sided_predictions(x: np.ndarray, y: np.ndarray, h: float) -> np.ndarray:
    """Predict each y_i from a line fitted to points with x in [x_i - h, x_i).

    ``x`` must be sorted ascending. NaN where fewer than 3 points or no spread.
    """
    xc = x - x.mean()
    s0 = np.concatenate([[0.0], np.cumsum(np.ones_like(xc))])
    s1 = np.concatenate([[0.0], np.cumsum(xc)])
    s2 = np.concatenate([[0.0], np.cumsum(xc * xc)])
    sy = np.concatenate([[0.0], np.cumsum(y)])
    sxy = np.concatenate([[0.0], np.cumsum(xc * y)])
    lo = np.searchsorted(x, x - h, side="left")
    hi = np.searchsorted(x, x, side="left")  # strictly below x_i
    n = s0[hi] - s0[lo]
    sx = s1[hi] - s1[lo]
    sxx = s2[hi] - s2[lo]
    sumy = sy[hi] - sy[lo]
    sumxy = sxy[hi] - sxy[lo]
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = n * sxx - sx * sx
        b = (n * sumxy - sx * sumy) / denom
        a = (sumy - b * sx) / n
        pred = a + b * xc
    ok = (n >= 3) & (denom > 1e-12 * np.maximum(1.0, n * sxx))
    return np.where(ok, pred, np.nan)


def cv_bandwidth(
    x: np.ndarray, y: np.ndarray, cutoff: float, candidates: np.ndarray | None = None
) -> tuple[float, pd.DataFrame]:
    """Cross-validated bandwidth (score points) and the CV criterion per candidate."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    left, right = x < cutoff, x >= cutoff
    lx, ly = x[left], y[left]
    o = np.argsort(lx, kind="stable")
    lx, ly = lx[o], ly[o]
    # mirror the right side so "the far side" is again "below"
    rx, ry = -x[right], y[right]
    o = np.argsort(rx, kind="stable")
    rx, ry = rx[o], ry[o]
    dist = np.abs(x - cutoff)
    if candidates is None:
        lo = max(np.quantile(dist, 0.1), 1e-6)
        hi = max(dist.max(), lo * 1.01)
        candidates = np.geomspace(lo, hi, 25)
    # evaluation points: the half of each side nearest the cutoff
    l_eval = lx >= np.median(lx) if lx.size else np.zeros(0, bool)
    r_eval = rx >= np.median(rx) if rx.size else np.zeros(0, bool)
    n_eval = int(l_eval.sum() + r_eval.sum())
    rows = []
    for h in candidates:
        pl = _one_sided_predictions(lx, ly, h)[l_eval]
        pr = _one_sided_predictions(rx, ry, h)[r_eval]
        err = np.concatenate([(ly[l_eval] - pl), (ry[r_eval] - pr)])
        ok = np.isfinite(err)
        covered = ok.sum() / max(1, n_eval)
        mse = float(np.mean(err[ok] ** 2)) if ok.any() else np.nan
        rows.append((float(h), mse, float(covered)))
    table = pd.DataFrame(rows, columns=["bandwidth", "cv_mse", "share_predicted"])
    usable = table.loc[(table["share_predicted"] >= 0.8) & table["cv_mse"].notna()]
    if usable.empty:
        return float(candidates[-1]), table
    return float(usable.loc[usable["cv_mse"].idxmin(), "bandwidth"]), table


def local_linear_jump(
    x: np.ndarray, y: np.ndarray, cutoff: float, bandwidth: float, alpha: float = 0.05
) -> dict:
    """Jump in E[y | x] at ``cutoff``: triangular-kernel local linear fit, HC1 errors."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    d = x - cutoff
    inside = np.abs(d) < bandwidth
    above = d >= 0
    n_left, n_right = int((inside & ~above).sum()), int((inside & above).sum())
    nan = float("nan")
    out = {"n_left": n_left, "n_right": n_right, "estimate": nan, "std_error": nan,
           "ci_low": nan, "ci_high": nan, "p_value": nan, "note": ""}
    if n_left < MIN_SIDE or n_right < MIN_SIDE:
        out["note"] = (f"only {n_left} partners below and {n_right} above within the "
                       f"bandwidth (need {MIN_SIDE} on each side)")
        return out
    di, ai = d[inside], above[inside].astype(float)
    X = np.column_stack([np.ones(di.size), ai, di, ai * di])
    w = 1.0 - np.abs(di) / bandwidth
    res = sm.WLS(y[inside], X, weights=w).fit(cov_type="HC1")
    ci = res.conf_int(alpha=alpha)
    out.update(estimate=float(res.params[1]), std_error=float(res.bse[1]),
               ci_low=float(ci[1, 0]), ci_high=float(ci[1, 1]), p_value=float(res.pvalues[1]))
    return out


def regression_discontinuity(
    x: np.ndarray,
    y: np.ndarray,
    cutoff: float,
    *,
    bandwidth: float | None = None,
    alpha: float = 0.05,
    outcome: str = "",
    window: int = 1,
    quarter: str = "",
) -> pd.DataFrame:
    """Estimate, bandwidth sensitivity (h/2, 2h) and two placebo cutoffs, as rows."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    rule = "given"
    if bandwidth is None:
        bandwidth, _ = cv_bandwidth(x, y, cutoff)
        rule = "cross-validation (Ludwig-Miller)"
    rows = []

    def add(check: str, c: float, h: float, xs: np.ndarray, ys: np.ndarray) -> None:
        r = local_linear_jump(xs, ys, c, h, alpha)
        rows.append({"outcome": outcome, "window": window, "quarter": quarter, "check": check,
                     "cutoff": c, "bandwidth": h, "bandwidth_rule": rule, **r})

    add("estimate", cutoff, bandwidth, x, y)
    add("half bandwidth", cutoff, bandwidth / 2, x, y)
    add("double bandwidth", cutoff, bandwidth * 2, x, y)
    below, above = x < cutoff, x >= cutoff
    if below.sum() >= 2 * MIN_SIDE:
        add("placebo below", float(np.median(x[below])), bandwidth, x[below], y[below])
    if above.sum() >= 2 * MIN_SIDE:
        add("placebo above", float(np.median(x[above])), bandwidth, x[above], y[above])
    return pd.DataFrame(rows, columns=COLUMNS)

"""The cohort models match a direct statsmodels / scipy computation to 1e-8.

Each reference is built independently of rotlib.cohorts: the units are selected from
the raw tables with pandas, the design with ``pd.get_dummies`` and the fit with
statsmodels at the *unit* level (deals, renewals), while rotlib fits per-partner sums
with its own Newton solver and sandwich. Agreement to 1e-8 checks the whole chain:
unit selection, quarter bucketing, design, estimates, clustered errors, t intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.stats.contingency import odds_ratio

from rotlib.calendar import FiscalCalendar
from rotlib.cohorts import CohortConfig, compare_cohorts
from rotlib.cohorts.bootstrap import PartnerResampler, partner_bootstrap, weighted_median_rows
from rotlib.cohorts.cohorts import assign_cohorts, outcome_units, prepare_outcomes

TOL = 1e-8
COVARIATES = ["partner_type", "region", "size"]


@pytest.fixture(scope="module")
def run(planted):
    cfg = CohortConfig(bootstrap_draws=0, rdd=False)
    return compare_cohorts(planted.scored, planted.outcomes, cfg, quarter=planted.quarter)


def _partners(sim) -> pd.DataFrame:
    q = FiscalCalendar.label_to_index(sim.quarter)
    p = sim.scored.loc[(sim.scored["quarter_index"] == q) & sim.scored["rot_score"].notna()]
    p = p[["partner_id", "rot_score", *COVARIATES]].copy()
    p["above"] = (p["rot_score"] >= sim.threshold).astype(float)
    return p


def _design(df: pd.DataFrame, adjusted: bool) -> pd.DataFrame:
    X = pd.DataFrame({"const": 1.0, "above": df["above"].to_numpy()}, index=df.index)
    if adjusted:
        d = pd.get_dummies(df[COVARIATES], drop_first=True).astype(float)
        X = pd.concat([X, d], axis=1)
    return X


def _row(result, outcome: str, window: int, adjusted: bool, role: str = "primary"):
    t = result.tidy()
    sel = t.loc[(t["outcome"] == outcome) & (t["window"] == window) & (t["adjusted"] == adjusted)
                & (t["role"] == role)]
    assert len(sel) == 1
    return sel.iloc[0]


def _check(row, res, alpha: float = 0.05) -> None:
    j = list(res.model.exog_names).index("above") if hasattr(res.model, "exog_names") else 1
    ci = np.asarray(res.conf_int(alpha=alpha))
    assert row["estimate"] == pytest.approx(np.asarray(res.params)[j], abs=TOL)
    assert row["std_error"] == pytest.approx(np.asarray(res.bse)[j], abs=TOL)
    assert row["ci_low"] == pytest.approx(ci[j, 0], abs=TOL)
    assert row["ci_high"] == pytest.approx(ci[j, 1], abs=TOL)
    assert row["p_value"] == pytest.approx(np.asarray(res.pvalues)[j], abs=TOL, rel=1e-6)


def _closed_deals(sim, window: int) -> pd.DataFrame:
    opp = sim.outcomes["opportunities"]
    q = FiscalCalendar.label_to_index(sim.quarter) + window
    d = opp.loc[opp["stage"].isin(["won", "lost"]) & opp["closed_date"].notna()].copy()
    d = d.loc[FiscalCalendar(1).quarter_index(d["closed_date"]).to_numpy() == q]
    d = d.merge(_partners(sim), on="partner_id", how="inner")
    d["won"] = (d["stage"] == "won").astype(float)
    d["days"] = (d["closed_date"] - d["created_date"]).dt.days.astype(float)
    return d


def _cluster(df: pd.DataFrame) -> dict:
    groups = pd.factorize(df["partner_id"])[0]
    return {"cov_type": "cluster", "cov_kwds": {"groups": groups}, "use_t": True}


@pytest.mark.parametrize("window", [0, 1])
@pytest.mark.parametrize("adjusted", [False, True])
def test_win_rate_logistic_matches_statsmodels(planted, run, window, adjusted):
    d = _closed_deals(planted, window)
    X = _design(d, adjusted)
    res = sm.GLM(d["won"], X, family=sm.families.Binomial()).fit(tol=1e-12, **_cluster(d))
    _check(_row(run, "win_rate", window, adjusted), res)


def test_crude_log_odds_ratio_matches_scipy_table(planted, run):
    d = _closed_deals(planted, 1)
    table = pd.crosstab(d["above"], d["won"]).loc[[1.0, 0.0], [1.0, 0.0]].to_numpy()
    ref = np.log(odds_ratio(table, kind="sample").statistic)
    assert _row(run, "win_rate", 1, False)["estimate"] == pytest.approx(ref, abs=TOL)


@pytest.mark.parametrize("adjusted", [False, True])
def test_cycle_ratio_of_means_matches_statsmodels(planted, run, adjusted):
    d = _closed_deals(planted, 1)
    d = d.loc[d["won"] == 1]
    X = _design(d, adjusted)
    res = sm.GLM(d["days"], X, family=sm.families.Poisson()).fit(tol=1e-12, **_cluster(d))
    _check(_row(run, "median_cycle_days_won", 1, adjusted), res)


@pytest.mark.parametrize("adjusted", [False, True])
def test_renewal_logistic_matches_statsmodels(planted, run, adjusted):
    ah = planted.outcomes["account_health"]
    q = FiscalCalendar.label_to_index(planted.quarter) + 1
    r = ah.loc[ah["renewal_due"].astype(bool)
               & (FiscalCalendar(1).quarter_index(ah["snapshot_date"]).to_numpy() == q)]
    r = r.merge(_partners(planted), on="partner_id")
    y = r["renewed"].astype(float)
    res = sm.GLM(y, _design(r, adjusted), family=sm.families.Binomial()).fit(
        tol=1e-12, **_cluster(r))
    _check(_row(run, "renewal_rate", 1, adjusted), res)


def _escalations(sim, window: int) -> pd.DataFrame:
    tk = sim.outcomes["tickets"]
    q = FiscalCalendar.label_to_index(sim.quarter) + window
    t = tk.loc[FiscalCalendar(1).quarter_index(tk["opened_at"]).to_numpy() == q]
    per = t.groupby("partner_id").agg(tickets=("ticket_id", "size"),
                                      escalations=("escalated", "sum")).reset_index()
    return per.merge(_partners(sim), on="partner_id")


@pytest.mark.parametrize("adjusted", [False, True])
def test_escalation_poisson_with_exposure_matches_statsmodels(planted, run, adjusted):
    e = _escalations(planted, 1)
    res = sm.GLM(e["escalations"].astype(float), _design(e, adjusted),
                 family=sm.families.Poisson(), exposure=e["tickets"].astype(float)).fit(
        tol=1e-12, **_cluster(e))
    _check(_row(run, "escalation_rate", 1, adjusted), res)


def test_negative_binomial_matches_statsmodels(planted):
    cfg = CohortConfig(bootstrap_draws=0, rdd=False, escalation_model="negbin", windows=(1,),
                       outcomes=("escalation_rate",))
    result = compare_cohorts(planted.scored, planted.outcomes, cfg, quarter=planted.quarter)
    e = _escalations(planted, 1)
    X = _design(e, True)
    res = sm.NegativeBinomial(e["escalations"].astype(float), X,
                              exposure=e["tickets"].astype(float)).fit(
        disp=0, maxiter=500, method="newton", cov_type="cluster",
        cov_kwds={"groups": np.arange(len(e))}, use_t=True)
    # an MLE reached from different starts agrees to the optimizer's precision
    row = _row(result, "escalation_rate", 1, True)
    assert row["estimate"] == pytest.approx(res.params["above"], abs=1e-6)
    assert row["std_error"] == pytest.approx(res.bse["above"], abs=1e-6)


@pytest.mark.parametrize("adjusted", [False, True])
def test_pipeline_ratio_of_means_matches_statsmodels(planted, run, adjusted):
    opp = planted.outcomes["opportunities"]
    q = FiscalCalendar.label_to_index(planted.quarter) + 1
    inf = opp.loc[(opp["attribution"] == "influenced")
                  & (FiscalCalendar(1).quarter_index(opp["created_date"]).to_numpy() == q)]
    amount = inf.groupby("partner_id")["amount"].sum()
    p = _partners(planted)
    p["pipeline"] = p["partner_id"].map(amount).fillna(0.0)
    res = sm.GLM(p["pipeline"], _design(p, adjusted), family=sm.families.Poisson()).fit(
        tol=1e-12, **_cluster(p))
    _check(_row(run, "influenced_pipeline", 1, adjusted), res)


def test_median_regression_matches_quantreg(planted):
    cfg = CohortConfig(bootstrap_draws=0, rdd=False, median_regression=True, windows=(1,),
                       outcomes=("median_cycle_days_won",))
    result = compare_cohorts(planted.scored, planted.outcomes, cfg, quarter=planted.quarter)
    row = _row(result, "median_cycle_days_won", 1, True, role="effect size")
    row = row if row["method"].startswith("median regression") else None
    assert row is not None
    d = _closed_deals(planted, 1)
    d = d.loc[d["won"] == 1]
    # the median regression is solved iteratively, so the reference uses the same columns
    # in the same order: const, cohort, then each covariate's levels by the number of
    # partners with a won deal (the most frequent is the reference; ties by name)
    X = pd.DataFrame({"const": 1.0, "above": d["above"]}, index=d.index)
    for col in COVARIATES:
        counts = d.drop_duplicates("partner_id")[col].value_counts()
        order = sorted(counts.index, key=lambda lv: (-counts[lv], lv))
        for lv in order[1:]:
            X[f"{col}[{lv}]"] = (d[col] == lv).astype(float)
    res = sm.QuantReg(d["days"], X).fit(q=0.5, max_iter=5000, p_tol=1e-6)
    _check(row, res)


def test_cohort_values_match_pandas(planted, run):
    d = _closed_deals(planted, 1)
    vals = run.cohort_values.set_index(["outcome", "window", "level"])
    share = d.groupby("above")["won"].mean()
    assert vals.loc[("win_rate", 1, "above"), "value"] == pytest.approx(share[1.0], abs=1e-12)
    assert vals.loc[("win_rate", 1, "below"), "value"] == pytest.approx(share[0.0], abs=1e-12)
    med = d.loc[d["won"] == 1].groupby("above")["days"].median()
    assert vals.loc[("median_cycle_days_won", 1, "above"), "value"] == med[1.0]
    e = _escalations(planted, 1)
    rate = e.groupby("above")["escalations"].sum() / e.groupby("above")["tickets"].sum()
    assert vals.loc[("escalation_rate", 1, "below"), "value"] == pytest.approx(rate[0.0])


# ---------------------------------------------------------------------------------------
# bootstrap: vectorized == a plain loop over draws with the same resampled partners
# ---------------------------------------------------------------------------------------
def test_weighted_median_equals_numpy_median_of_expanded_sample():
    rng = np.random.default_rng(0)
    for _ in range(50):
        values = np.sort(rng.integers(0, 20, size=rng.integers(1, 15)).astype(float))
        weights = rng.integers(0, 4, size=(3, values.size))
        got = weighted_median_rows(values, weights)
        for r in range(3):
            expanded = np.repeat(values, weights[r])
            want = np.median(expanded) if expanded.size else np.nan
            assert (np.isnan(got[r]) and np.isnan(want)) or got[r] == want


def test_bootstrap_matches_a_loop_over_draws(small_sim):
    cfg = CohortConfig()
    q = FiscalCalendar.label_to_index(small_sim.quarter)
    co = assign_cohorts(small_sim.scored, q, cfg, small_sim.outcomes["partners"])
    prep = prepare_outcomes(co, small_sim.outcomes, cfg)
    units = [outcome_units(co, prep, o, 1, cfg) for o in cfg.outcomes]
    draws, seed = 120, 9
    table, raw = partner_bootstrap(co, units, draws=draws, seed=seed, return_draws=True)
    # rebuild each draw's resampled partner list from the same counts
    resampler = PartnerResampler(co.level_code, draws, seed)
    counts = [np.zeros((draws, m.size), dtype=np.int64) for m in resampler.members]
    for rows, block in resampler.counts():
        for i, W in enumerate(block):
            counts[i][rows] = W
    win = units[0]
    cycle = units[1]
    for b in range(draws):
        stats = {}
        for i, members in enumerate(resampler.members):
            picked = np.repeat(members, counts[i][b])  # partners drawn, with repeats
            mult = np.bincount(picked, minlength=len(co.frame))
            w = mult[win.partner]
            stats[i] = (np.sum(w * win.y) / np.sum(w),
                        np.median(np.repeat(cycle.y, mult[cycle.partner])))
        p1, p0 = stats[1][0], stats[0][0]
        want = np.log(p1 / (1 - p1)) - np.log(p0 / (1 - p0))
        got = raw[("win_rate", 1, "above", "log odds ratio")][b]
        assert got == pytest.approx(want, abs=TOL)
        got_med = raw[("median_cycle_days_won", 1, "above", "difference in median days")][b]
        assert got_med == pytest.approx(stats[1][1] - stats[0][1], abs=TOL)
    row = table.loc[(table["outcome"] == "win_rate") & (table["statistic"] == "log odds ratio")]
    d = raw[("win_rate", 1, "above", "log odds ratio")]
    assert row["std_error"].iloc[0] == pytest.approx(np.std(d, ddof=1), abs=TOL)
    assert row["ci_low"].iloc[0] == pytest.approx(np.percentile(d, 2.5), abs=TOL)


def test_bootstrap_is_seeded(small_sim):
    cfg = CohortConfig(bootstrap_draws=150, rdd=False, windows=(1,))
    a = compare_cohorts(small_sim.scored, small_sim.outcomes, cfg, quarter=small_sim.quarter)
    b = compare_cohorts(small_sim.scored, small_sim.outcomes, cfg, quarter=small_sim.quarter)
    c = compare_cohorts(small_sim.scored, small_sim.outcomes, cfg.replace(seed=cfg.seed + 1),
                        quarter=small_sim.quarter)
    boot = a.tidy()["role"] == "cross-check"
    pd.testing.assert_frame_equal(a.tidy(), b.tidy())
    assert not np.allclose(a.tidy().loc[boot, "ci_low"], c.tidy().loc[boot, "ci_low"])

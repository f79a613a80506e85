"""Guard rails: small cohorts, empty quarters, separation, zero counts, missing covariates.

Each case must end in a clear AnalysisError / ConfigError or a documented warning and a
row that says why no number is given - never a crash, and never a made-up number.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from cohort_testdata import Partner, build, varied

from rotlib.cohorts import CohortConfig, compare_cohorts
from rotlib.errors import AnalysisError, ConfigError

CFG = CohortConfig(bootstrap_draws=0, rdd=False, min_cohort_size=10, p_value_floor=5)


def _rows(result, outcome, window=1, role="primary"):
    t = result.tidy()
    return t.loc[(t["outcome"] == outcome) & (t["window"] == window) & (t["role"] == role)]


def test_quarter_without_scores_is_a_clear_error():
    scored, outcomes = build(varied(20, 20))
    with pytest.raises(AnalysisError, match=r"2027Q1 has no scored partners \(scored quarters: "
                                            r"2026Q2 to 2026Q3\)"):
        compare_cohorts(scored, outcomes, CFG, quarter="2027Q1")


def test_quarter_where_everyone_has_insufficient_data():
    partners = varied(20, 20)
    for p in partners:
        p.score = float("nan")
    scored, outcomes = build(partners)
    with pytest.raises(AnalysisError, match="all 40 have insufficient data"):
        compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")


def test_everyone_above_threshold_names_a_usable_threshold():
    scored, outcomes = build(varied(30, 0))
    with pytest.raises(AnalysisError, match=r"all 30 scored partners .* are above .*Fix: "
                                            r"choose a threshold between"):
        compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")


def test_duplicated_partner_rows_are_refused():
    scored, outcomes = build(varied(10, 10))
    scored = pd.concat([scored, scored.iloc[[0]]], ignore_index=True)
    with pytest.raises(AnalysisError, match="duplicated partner_id"):
        compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")


def test_next_quarter_without_outcome_data_is_named_not_zero():
    scored, outcomes = build(varied(20, 20), windows=(0,))
    result = compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")
    assert any("2026Q3 (Q+1) has no outcome data at all" in w for w in result.warnings)
    q1 = result.tidy().loc[lambda t: t["window"] == 1]
    assert not q1["estimable"].any()
    assert q1["estimate"].isna().all()
    assert q1.loc[q1["role"] == "primary", "note"].str.contains("in 2026Q3").all()
    q0 = _rows(result, "win_rate", window=0)
    assert q0["estimable"].all()
    # the sentence for Q+1 says that nothing is stated, and why
    s = [x for x in result.sentences if x.startswith("In 2026Q3") and "won" in x]
    assert s and "no comparison" in s[0]


def test_cohort_with_all_wins_gives_no_odds_ratio():
    partners = varied(15, 15, seed=1)
    for p in partners[:15]:  # above-threshold partners win every closed deal
        p.lost = 0
    scored, outcomes = build(partners)
    result = compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")
    win = _rows(result, "win_rate")
    assert not win["estimable"].any()
    assert win["estimate"].isna().all()
    assert win["note"].str.contains("perfect separation").all()
    assert win["note"].str.contains("were won").all()
    # the other outcomes are unaffected
    assert _rows(result, "renewal_rate")["estimable"].all()
    boot = _rows(result, "win_rate", role="cross-check")
    assert boot["estimate"].isna().all() or not boot["estimable"].any()


def test_cohort_with_no_escalations_gives_no_rate_ratio():
    partners = varied(15, 15, seed=2)
    for p in partners[15:]:  # below-threshold partners: no escalation at all
        p.escalated = 0
    scored, outcomes = build(partners)
    result = compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")
    esc = _rows(result, "escalation_rate")
    assert not esc["estimable"].any()
    assert esc["note"].str.contains("had no escalations").all()
    assert esc["note"].str.contains("reference group").all()


def test_small_cohort_keeps_estimate_but_withholds_interval_and_p_value():
    scored, outcomes = build(varied(4, 30, seed=3))
    result = compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")
    assert any("only 4 partners" in w for w in result.warnings)
    win = _rows(result, "win_rate")
    assert win["estimate"].notna().all()
    assert win["ci_low"].isna().all() and win["p_value"].isna().all()
    assert win["p_adjusted"].isna().all()
    assert not win["inference"].any()
    assert win["note"].str.contains("below the floor of 5 partners").all()
    boot = CFG.replace(bootstrap_draws=100)
    b = _rows(compare_cohorts(scored, outcomes, boot, quarter="2026Q2"), "win_rate",
              role="cross-check")
    assert b["ci_low"].isna().all()


def test_cohort_between_floor_and_minimum_is_stated_with_a_warning():
    scored, outcomes = build(varied(7, 30, seed=4))
    result = compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")
    win = _rows(result, "win_rate")
    assert win["p_value"].notna().all()
    assert win["note"].str.contains("imprecise").all()
    assert any("only 7 partners" in w for w in result.warnings)


def test_missing_covariate_column_is_a_clear_error():
    scored, outcomes = build(varied(10, 10))
    cfg = CFG.replace(adjust_for=("partner_type", "tenure_band"))
    with pytest.raises(AnalysisError, match=r"cannot adjust for 'tenure_band'.*Fix: add the "
                                            r"column, or remove it from adjust_for"):
        compare_cohorts(scored, outcomes, cfg, quarter="2026Q2")


def test_empty_covariate_is_a_clear_error():
    partners = [dataclasses.replace(p, region=None) for p in varied(10, 10)]
    scored, outcomes = build(partners)
    with pytest.raises(AnalysisError, match="'region': it is empty for all 20"):
        compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")


def test_partly_missing_covariate_becomes_its_own_group_with_a_warning():
    partners = varied(15, 15, seed=5)
    for p in partners[::4]:
        p.region = None
    scored, outcomes = build(partners)
    result = compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")
    assert any("8 of 30 partners have no region" in w and "'(missing)'" in w
               for w in result.warnings)
    adj = _rows(result, "win_rate").loc[lambda t: t["adjusted"]]
    assert adj["estimable"].all()
    assert "(missing)" in set(result.balance["value"])


def test_covariates_missing_from_scores_come_from_the_partners_table():
    scored, outcomes = build(varied(15, 15, seed=6))
    full = compare_cohorts(scored, outcomes, CFG, quarter="2026Q2").tidy()
    slim = compare_cohorts(scored.drop(columns=["region", "size"]), outcomes, CFG,
                           quarter="2026Q2").tidy()
    assert np.allclose(full["estimate"], slim["estimate"], equal_nan=True)


def test_missing_outcome_table_names_the_table_and_the_fix():
    scored, outcomes = build(varied(10, 10))
    del outcomes["tickets"]
    with pytest.raises(AnalysisError, match=r"escalation_rate needs the tickets table.*"
                                            r"outcomes\['tickets'\]"):
        compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")
    ok = compare_cohorts(scored, outcomes, CFG.replace(outcomes=("win_rate",)),
                         quarter="2026Q2")
    assert set(ok.tidy()["outcome"]) == {"win_rate"}


def test_missing_outcome_column_is_named():
    scored, outcomes = build(varied(10, 10))
    outcomes["opportunities"] = outcomes["opportunities"].drop(columns=["closed_date"])
    with pytest.raises(AnalysisError, match="table opportunities has no column"):
        compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")


def test_covariate_group_with_all_wins_is_left_out_of_the_adjusted_model_openly():
    partners = varied(20, 20, seed=7)
    for p in partners[::5]:
        p.region, p.lost = "latam", 0  # every latam deal is won
    scored, outcomes = build(partners)
    result = compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")
    adj = _rows(result, "win_rate").loc[lambda t: t["adjusted"]].iloc[0]
    assert adj["estimable"]
    assert "region=latam" in adj["note"] and "left out of the adjusted model" in adj["note"]


def test_cohort_fully_explained_by_a_covariate_is_not_estimated_after_adjustment():
    partners = varied(15, 15, seed=8)
    for i, p in enumerate(partners):
        p.size = "large" if i < 15 else "small"
    scored, outcomes = build(partners)
    result = compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")
    win = _rows(result, "win_rate")
    assert win.loc[~win["adjusted"], "estimable"].all()
    adj = win.loc[win["adjusted"]].iloc[0]
    assert not adj["estimable"] and np.isnan(adj["estimate"])
    assert "fully explained by the covariates" in adj["note"]


def test_simpson_reversal_is_pointed_out():
    # within each size, above-threshold partners win more; but most above-threshold
    # partners are small, and small partners win far less
    partners = []
    for i in range(40):
        above, small = i < 20, (i % 20) < (16 if i < 20 else 4)
        base = 2 if small else 8  # wins out of 10
        won = base + (1 if above else 0)
        partners.append(Partner(f"S{i:03d}", 70.0 if above else 40.0, won=won, lost=10 - won,
                                size="small" if small else "large", region="emea",
                                partner_type="reseller"))
    scored, outcomes = build(partners)
    cfg = CFG.replace(adjust_for=("size",))
    result = compare_cohorts(scored, outcomes, cfg, quarter="2026Q2")
    win = _rows(result, "win_rate")
    crude = win.loc[~win["adjusted"], "estimate"].iloc[0]
    adjusted = win.loc[win["adjusted"], "estimate"].iloc[0]
    assert crude < 0 < adjusted
    assert any("Simpson" in n and "size=small" in n for n in result.notes)
    assert any("win_rate" in n and "opposite directions" in n for n in result.notes)


@pytest.mark.parametrize(("changes", "match"), [
    ({"threshold": 120}, "'threshold'.*outside 0-100"),
    ({"correction": "bonferroni"}, "'correction'.*holm"),
    ({"by": "decile"}, "'by'"),
    ({"windows": (1, 1)}, "'windows'.*repeats"),
    ({"outcomes": ("nps",)}, "'outcomes'.*unknown"),
    ({"p_value_floor": 40, "min_cohort_size": 30}, "'min_cohort_size'"),
    ({"bootstrap_draws": 20}, "'bootstrap_draws'.*at least 100"),
    ({"quarter": "Q3-2026"}, "'quarter'.*2026Q2"),
    ({"score_metrics": ("made_up",)}, "'score_metrics'.*unknown"),
])
def test_config_errors_name_the_key_and_the_fix(changes, match):
    with pytest.raises(ConfigError, match=match):
        CohortConfig(**changes)
    with pytest.raises(ConfigError, match="unknown key"):
        CohortConfig.from_mapping({"treshold": 50})


def test_newton_on_separated_data_never_returns_a_finite_looking_answer():
    from rotlib.cohorts.models import _newton

    patterns = np.array([[1.0, 0.0], [1.0, 1.0]])
    beta, converged = _newton(patterns, np.array([2.0, 5.0]), np.array([5.0, 5.0]),
                              logistic=True)
    # the second pattern won 5 of 5: the coefficient runs off to infinity
    assert not converged or abs(beta[1]) > 30
    beta, converged = _newton(patterns, np.array([2.0, 3.0]), np.array([5.0, 5.0]),
                              logistic=True)
    assert converged and beta[1] == pytest.approx(np.log(3 / 2) - np.log(2 / 3))


def test_won_deals_without_a_valid_cycle_time_are_left_out_and_counted():
    scored, outcomes = build(varied(15, 15, seed=9))
    opp = outcomes["opportunities"]
    won = opp.index[(opp["stage"] == "won") & opp["opportunity_id"].str.contains("-0-")]
    opp.loc[won[:2], "created_date"] = pd.NaT
    opp.loc[won[2], "created_date"] = opp.loc[won[2], "closed_date"] + pd.Timedelta(days=5)
    result = compare_cohorts(scored, outcomes, CFG, quarter="2026Q2")
    assert any("3 won deal(s) in 2026Q2 without a valid cycle time" in w
               for w in result.warnings)
    assert _rows(result, "median_cycle_days_won", window=0)["estimable"].all()

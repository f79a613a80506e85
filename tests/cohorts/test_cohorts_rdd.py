"""Regression discontinuity: a planted jump is recovered, placebos find none."""

from __future__ import annotations

import numpy as np
import pytest

from rotlib.cohorts import CohortConfig, compare_cohorts
from rotlib.cohorts.rdd import cv_bandwidth, local_linear_jump, regression_discontinuity


def _data(n: int, jump: float, seed: int, curve=lambda x: 0.01 * x):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, n)
    y = curve(x) + jump * (x >= 60) + rng.normal(0, 0.3, n)
    return x, y


def test_planted_jump_is_recovered_and_placebos_cover_zero():
    x, y = _data(3000, 0.5, seed=1)
    rows = regression_discontinuity(x, y, 60.0, outcome="y").set_index("check")
    est = rows.loc["estimate"]
    assert est["ci_low"] <= 0.5 <= est["ci_high"]
    assert est["bandwidth_rule"].startswith("cross-validation")
    assert rows.loc["half bandwidth", "bandwidth"] == pytest.approx(est["bandwidth"] / 2)
    assert rows.loc["double bandwidth", "bandwidth"] == pytest.approx(est["bandwidth"] * 2)
    # over seeded draws: the jump's interval covers 0.5 and the placebos' cover 0
    covered = {"estimate": 0, "placebo below": 0, "placebo above": 0}
    reps = 30
    for r in range(reps):
        x, y = _data(3000, 0.5, seed=100 + r)
        rows = regression_discontinuity(x, y, 60.0).set_index("check")
        for check in covered:
            truth = 0.5 if check == "estimate" else 0.0
            covered[check] += rows.loc[check, "ci_low"] <= truth <= rows.loc[check, "ci_high"]
    rate = sum(covered.values()) / (3 * reps)
    print(f"RDD: {reps} draws, coverage {rate:.3f} {covered}")
    assert rate >= 0.88
    assert min(covered.values()) >= 24


def test_no_jump_gives_an_interval_around_zero():
    x, y = _data(3000, 0.0, seed=2)
    est = regression_discontinuity(x, y, 60.0).set_index("check").loc["estimate"]
    assert est["ci_low"] <= 0.0 <= est["ci_high"]


def test_local_linear_jump_matches_a_hand_written_weighted_least_squares():
    x, y = _data(500, 0.4, seed=3)
    h, c = 15.0, 60.0
    got = local_linear_jump(x, y, c, h)
    d = x - c
    keep = np.abs(d) < h
    a = (d[keep] >= 0).astype(float)
    X = np.column_stack([np.ones(keep.sum()), a, d[keep], a * d[keep]])
    w = 1 - np.abs(d[keep]) / h
    sw = np.sqrt(w)
    beta, *_ = np.linalg.lstsq(X * sw[:, None], y[keep] * sw, rcond=None)
    resid = y[keep] - X @ beta
    bread = np.linalg.inv(X.T @ (X * w[:, None]))
    meat = (X * (w * resid)[:, None]).T @ (X * (w * resid)[:, None])
    n, k = X.shape
    se = np.sqrt(np.diag(bread @ meat @ bread) * n / (n - k))
    assert got["estimate"] == pytest.approx(beta[1], abs=1e-10)
    assert got["std_error"] == pytest.approx(se[1], abs=1e-10)


def test_cross_validation_picks_a_narrower_window_for_a_curved_relation():
    x, y = _data(3000, 0.3, seed=4)
    h_lin, _ = cv_bandwidth(x, y, 60.0)
    xc, yc = _data(3000, 0.3, seed=4, curve=lambda v: np.sin(v / 6.0))
    h_curve, table = cv_bandwidth(xc, yc, 60.0)
    assert h_curve < h_lin
    assert table["cv_mse"].notna().any()


def test_too_few_partners_near_the_cutoff_is_stated():
    x, y = _data(30, 0.5, seed=5)
    est = regression_discontinuity(x, y, 60.0, bandwidth=3.0).set_index("check")
    assert np.isnan(est.loc["estimate", "estimate"])
    assert "need 10 on each side" in est.loc["estimate", "note"]


def test_rdd_rows_in_a_cohort_comparison(small_sim):
    cfg = CohortConfig(bootstrap_draws=0, windows=(1,))
    result = compare_cohorts(small_sim.scored, small_sim.outcomes, cfg,
                             quarter=small_sim.quarter)
    rdd = result.rdd
    assert set(rdd["outcome"]) == set(cfg.outcomes)
    assert {"estimate", "placebo below", "placebo above"} <= set(rdd["check"])
    assert (rdd["cutoff"].loc[rdd["check"] == "estimate"] == 60.0).all()
    tiers = compare_cohorts(small_sim.scored, small_sim.outcomes, cfg.replace(by="tier"),
                            quarter=small_sim.quarter)
    assert tiers.rdd.empty

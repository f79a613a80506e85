"""Seeded simulation: planted differences are recovered; with no link, intervals cover zero.

The simulator (rotlib.cohorts.simulate) plants a known log odds ratio / rate ratio /
ratio of means between above- and below-threshold partners, with partner-level
heterogeneity (so clustered errors matter) and segment confounding (so the crude
comparison is biased). The adjusted model coefficient is exactly the planted value.

Draw counts are modest to keep the suite fast; each test prints its draws and the
coverage it found (run with ``-s`` to see them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rotlib.cohorts import CohortConfig, compare_cohorts
from rotlib.cohorts.simulate import NO_EFFECTS, simulate_cohorts

FAST = CohortConfig(bootstrap_draws=0, rdd=False, windows=(1,))


def _intervals(reps: int, seed0: int, effects: dict | None, confounding: float,
               config: CohortConfig, role: str, adjusted: bool, n: int = 400) -> pd.DataFrame:
    rows = []
    for r in range(reps):
        sim = simulate_cohorts(n, effects=effects, confounding=confounding, seed=seed0 + r)
        t = compare_cohorts(sim.scored, sim.outcomes, config, quarter=sim.quarter).tidy()
        t = t.loc[(t["role"] == role) & (t["adjusted"] == adjusted) & t["log_scale"]]
        for row in t.itertuples():
            truth = sim.truth[row.outcome]
            rows.append({"rep": r, "outcome": row.outcome, "estimate": row.estimate,
                         "ci_low": row.ci_low, "ci_high": row.ci_high, "truth": truth,
                         "covered": bool(row.ci_low <= truth <= row.ci_high)})
    return pd.DataFrame(rows)


def _report(name: str, res: pd.DataFrame) -> float:
    by = res.groupby("outcome")["covered"].mean().round(3).to_dict()
    cov = float(res["covered"].mean())
    print(f"\n{name}: {res['rep'].nunique()} draws, {len(res)} intervals, coverage "
          f"{cov:.3f}; by outcome {by}")
    return cov


def test_planted_difference_recovered_within_intervals(planted):
    cfg = CohortConfig(bootstrap_draws=0, rdd=False)
    result = compare_cohorts(planted.scored, planted.outcomes, cfg, quarter=planted.quarter)
    head = result.headline()
    assert len(head) == 5
    for row in head.itertuples():
        truth = planted.truth[row.outcome]
        print(f"{row.outcome}: planted {truth:+.3f}, estimate {row.estimate:+.3f} "
              f"({row.ci_low:+.3f} to {row.ci_high:+.3f})")
        assert row.ci_low <= truth <= row.ci_high, row.outcome
    # segment confounding biases the crude comparison: the planted value is outside it
    t = result.tidy()
    crude = t.loc[(t["outcome"] == "influenced_pipeline") & (t["window"] == 1)
                  & (t["role"] == "primary") & ~t["adjusted"]].iloc[0]
    assert crude["ci_low"] > planted.truth["influenced_pipeline"]


@pytest.mark.slow
def test_null_intervals_cover_zero_at_nominal_rate():
    reps = 60
    res = _intervals(reps, 1000, NO_EFFECTS, 1.0, FAST, "primary", adjusted=True)
    cov = _report("no link, adjusted models", res)
    assert len(res) == 5 * reps
    # 300 intervals at 95%: the binomial standard error is 1.3 points
    assert 0.90 <= cov <= 0.99
    # and the estimates are centred on zero (no systematic bias under the null)
    mean = res.groupby("outcome")["estimate"].mean()
    se = res.groupby("outcome")["estimate"].std() / np.sqrt(reps)
    assert (mean.abs() < 4 * se).all(), mean.to_dict()


@pytest.mark.slow
def test_planted_intervals_cover_truth_at_nominal_rate():
    res = _intervals(40, 2000, None, 1.0, FAST, "primary", adjusted=True)
    cov = _report("planted link, adjusted models", res)
    assert 0.89 <= cov <= 0.99
    # the planted differences are large enough to be detected most of the time
    away = (res["ci_high"] < 0) | (res["ci_low"] > 0)
    assert away.mean() > 0.5


@pytest.mark.slow
def test_bootstrap_null_intervals_cover_zero():
    # no confounding, so the crude (model-free) bootstrap difference is centred on zero
    cfg = FAST.replace(bootstrap_draws=200)
    res = _intervals(30, 3000, NO_EFFECTS, 0.0, cfg, "cross-check", adjusted=False)
    cov = _report("no link, partner bootstrap (200 resamples each)", res)
    assert len(res) == 150
    # percentile intervals from 200 resamples run a little narrow; 150 intervals
    assert 0.87 <= cov <= 1.0

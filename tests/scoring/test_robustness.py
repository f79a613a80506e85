"""Robustness internals against references: ranks (scipy), share-matched cut points, tiers."""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats

from rotlib.scoring.robustness import (
    _draw_tiers,
    _row_percentiles,
    _share_matched_thresholds,
    descending_ranks,
    draw_settings,
)
from rotlib.scoring.tiers import hysteresis_tier


def test_descending_ranks_match_scipy_with_ties_and_nan():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, size=(60, 40)).astype(float)
    x[rng.random(x.shape) < 0.2] = np.nan
    ranks, desc, valid = descending_ranks(x)
    np.testing.assert_allclose(ranks, stats.rankdata(-x, axis=0, nan_policy="omit"),
                               equal_nan=True)
    assert (valid == (~np.isnan(x)).sum(axis=0)).all()
    np.testing.assert_array_equal(desc[0], np.nanmax(x, axis=0))


def test_row_percentiles_match_nanpercentile():
    rng = np.random.default_rng(1)
    v = rng.normal(size=(30, 200))
    v[3, :50] = np.nan
    v[7] = np.nan
    got = _row_percentiles(v, (5, 50, 95))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the all-NaN row
        ref = np.nanpercentile(v, (5, 50, 95), axis=1)
    np.testing.assert_allclose(got, ref, equal_nan=True)


def test_share_matched_cuts_keep_tier_sizes():
    # 10 partners scored 95, 85, ..., 5 with thresholds 80 and 50: 2, 3 and 5 per tier
    base = np.linspace(95, 5, 10)
    t = np.array([80.0, 50.0])
    draws = np.array([base, base[::-1] * 0.5, base]).T  # a reversed, rescaled draw
    _, desc, valid = descending_ranks(draws)
    cuts = _share_matched_thresholds(desc, valid, base, t)
    tiers = _draw_tiers(draws, np.full(10, -1), cuts, 0.0)
    for d in range(3):
        assert np.bincount(tiers[:, d], minlength=3).tolist() == [2, 3, 5]
    assert tiers[:, 1].tolist() == [2, 2, 2, 2, 2, 1, 1, 1, 0, 0]
    # a draw equal to the configured scoring reproduces the thresholds exactly:
    # 80 lies half-way between 85 and 75; in the rescaled draw, half-way between 42.5 and 37.5
    np.testing.assert_allclose(cuts[:, 0], t)
    np.testing.assert_allclose(cuts[:, 1], [40.0, 25.0])


def test_draw_tiers_equal_the_hysteresis_rule_with_fixed_thresholds():
    rng = np.random.default_rng(2)
    t = np.array([75.0, 60.0, 45.0, 0.0])
    scores = rng.uniform(0, 100, size=(200, 7))
    scores[rng.random(scores.shape) < 0.1] = np.nan
    prev = rng.integers(-1, 4, size=200)
    cuts = np.repeat(t[:-1, None], 7, axis=1)
    got = _draw_tiers(scores, prev, cuts, 2.5)
    for d in range(7):
        np.testing.assert_array_equal(got[:, d], hysteresis_tier(scores[:, d], prev, t, 2.5))


def test_draw_settings_are_seeded_and_centered():
    a = draw_settings(4000, 12, 4, ("goalposts", "zscore"), ("arithmetic",), 0.25, seed=5)
    b = draw_settings(4000, 12, 4, ("goalposts", "zscore"), ("arithmetic",), 0.25, seed=5)
    np.testing.assert_array_equal(a.metric_factor, b.metric_factor)
    assert (a.method == b.method).all()
    assert a.metric_factor.min() >= 0.75 and a.metric_factor.max() <= 1.25
    assert abs(a.metric_factor.mean() - 1) < 0.01
    assert set(a.method) == {"goalposts", "zscore"}

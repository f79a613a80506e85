"""Tiers by hand: thresholds, the hysteresis rule over quarters, and next-tier gaps."""

from __future__ import annotations

import numpy as np
import pytest

from rotlib.scoring.tiers import (
    assign_tiers,
    hysteresis_tier,
    next_tier_plan,
    previous_row,
    raw_tier,
)

T = np.array([75.0, 60.0, 45.0, 0.0])  # Strategic, Trusted, Developing, Probation
NAN = float("nan")


def test_raw_tier_boundaries():
    s = np.array([100, 75, 74.99, 60, 59.999, 45, 0, NAN, 80 - 1e-13])
    assert raw_tier(s, T).tolist() == [0, 0, 1, 1, 2, 2, 3, -1, 0]


def test_hysteresis_sequence_by_hand():
    # one partner over 9 quarters, margin 2
    scores = np.array([61, 59, 57.5, 61, 62, 80, 44, NAN, 50])
    expected = [
        1,   # first quarter: raw tier, Trusted
        1,   # 59 is below 60 but not below 60 - 2: stays Trusted
        2,   # 57.5 < 58: demoted to raw(57.5 + 2) = Developing
        2,   # 61 >= 60 but < 60 + 2: stays Developing
        1,   # 62 >= 62: promoted to raw(62 - 2) = Trusted
        0,   # 80 - 2 = 78 >= 75: Strategic (a jump of one tier here)
        2,   # 44: demoted to raw(44 + 2) = Developing, not Probation (within the margin)
        -1,  # insufficient data
        2,   # no tier last quarter: the raw tier of 50
    ]
    codes = np.zeros(scores.size, dtype=int)
    q = np.arange(scores.size) + 8100
    prev = previous_row(codes, q)
    raw, tier = assign_tiers(scores, q, prev, T, 2.0)
    assert tier.tolist() == expected
    assert raw.tolist() == [1, 2, 2, 1, 1, 0, 3, -1, 2]


def test_hysteresis_is_monotone_in_score_and_previous_tier():
    s = np.linspace(0, 100, 401)
    for p in (-1, 0, 1, 2, 3):
        t = hysteresis_tier(s, np.full(s.size, p), T, 3.0)
        assert (np.diff(t) <= 0).all()  # higher score, same or better tier
    for score in (44.0, 59.0, 61.0, 76.0):
        tiers = [hysteresis_tier(np.array([score]), np.array([p]), T, 3.0)[0] for p in range(4)]
        assert tiers == sorted(tiers)  # a better previous tier never gives a worse tier


def test_previous_row_needs_the_immediately_preceding_quarter():
    codes = np.array([0, 0, 0, 1, 1])
    q = np.array([10, 11, 13, 10, 11])
    assert previous_row(codes, q).tolist() == [-1, 0, -1, -1, 3]


def _plan(scores, weights, tier, method="arithmetic"):
    s = np.atleast_2d(np.asarray(scores, float))
    w = np.atleast_2d(np.asarray(weights, float))
    geo = method == "geometric"
    overall = np.exp((w * np.log(s)).sum(axis=1)) if geo else (w * s).sum(axis=1)
    return next_tier_plan(s, w, overall, np.atleast_1d(tier), T, 2.0, method=method), overall


def test_gap_one_metric_by_hand():
    plan, _ = _plan([40, 60], [0.5, 0.5], 2)  # 50: Developing
    # target = Trusted 60 + margin 2 = 62; need 12; headroom 0.5 * 60 = 30 and 0.5 * 40 = 20
    assert plan["target"][0] == 62 and plan["gap"][0] == pytest.approx(12)
    assert plan["n_metrics"][0] == 1 and plan["chosen"][0].tolist() == [True, False]
    # theta = 12 / 30: metric 0 closes 40% of its way to 100 -> 40 + 0.4 * 60 = 64
    assert plan["target_scores"][0, 0] == pytest.approx(64)


def test_gap_needs_two_metrics_by_hand():
    plan, _ = _plan([60, 60, 60, 60], [0.25] * 4, 1)  # 60: Trusted
    # target Strategic 75 + 2 = 77: need 17, each metric has only 0.25 * 40 = 10 of headroom
    assert plan["n_metrics"][0] == 2
    assert plan["chosen"][0].tolist() == [True, True, False, False]
    # theta = 17 / 20 -> 60 + 0.85 * 40 = 94 on each chosen metric
    np.testing.assert_allclose(plan["target_scores"][0, :2], [94, 94])


def test_gap_prefers_the_most_headroom():
    plan, _ = _plan([90, 30, 20], [0.5, 0.3, 0.2], 2)  # 58: Developing
    # need 4; headroom 5, 21, 16 -> the 30-point metric alone, to 30 + 70 * 4/21
    assert plan["chosen"][0].tolist() == [False, True, False]
    assert plan["target_scores"][0, 1] == pytest.approx(30 + 70 * 4 / 21)


def test_gap_geometric_by_hand():
    plan, overall = _plan([25, 64], [0.5, 0.5], 3, method="geometric")  # sqrt(25*64) = 40
    assert overall[0] == pytest.approx(40)
    assert plan["chosen"][0].tolist() == [True, False]
    # sqrt(s * 64) = 47  ->  s = 47^2 / 64
    assert plan["target_scores"][0, 0] == pytest.approx(47**2 / 64)


def test_gap_status_for_top_tier_and_no_data():
    s = np.array([[90.0, 90.0], [NAN, NAN]])
    w = np.array([[0.5, 0.5], [0.0, 0.0]])
    plan = next_tier_plan(s, w, np.array([90.0, NAN]), np.array([0, -1]), T, 2.0)
    assert plan["status"].tolist() == ["top tier", "insufficient data"]
    assert plan["n_metrics"].tolist() == [0, 0]
    assert not plan["chosen"].any()

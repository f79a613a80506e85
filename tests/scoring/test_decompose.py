"""The quarter-over-quarter split, by hand (arithmetic and geometric)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rotlib.scoring.decompose import decompose_change, log_mean

NAN = float("nan")


def test_arithmetic_split_by_hand():
    # previous quarter: metrics 0 and 1 at half weight each (metric 2 had no data): 50
    # this quarter: all three at a third: (40 + 90 + 20) / 3 = 50 -> change 0
    s_prev, w_prev = np.array([[40.0, 60.0, NAN]]), np.array([[0.5, 0.5, 0.0]])
    s_now, w_now = np.array([[40.0, 90.0, 20.0]]), np.array([[1 / 3, 1 / 3, 1 / 3]])
    d = decompose_change(s_now, w_now, np.array([50.0]), s_prev, w_prev, np.array([50.0]))
    np.testing.assert_allclose(d["contribution"][0], [40 / 3 - 20, 30 - 30, 20 / 3])
    # metric 1 rose 30 points at mean weight 5/12 (+12.5) but lost weight 1/6 at mean
    # score 75 (-12.5); metric 2 gained its weight by having data again
    np.testing.assert_allclose(d["score_effect"][0], [0, 12.5, 0])
    np.testing.assert_allclose(d["weight_effect"][0], [40 / 3 - 20, -12.5, 20 / 3])
    assert d["contribution"].sum() == pytest.approx(0, abs=1e-12)


def test_geometric_split_uses_the_log_mean():
    # sqrt(25 * 64) = 40 -> sqrt(49 * 64) = 56: all of the +16 comes from metric 0
    w = np.array([[0.5, 0.5]])
    d = decompose_change(np.array([[49.0, 64.0]]), w, np.array([56.0]),
                         np.array([[25.0, 64.0]]), w, np.array([40.0]), method="geometric")
    lm = 16 / math.log(56 / 40)
    assert d["contribution"][0, 0] == pytest.approx(lm * 0.5 * math.log(49 / 25))
    assert d["contribution"][0].sum() == pytest.approx(16)
    assert d["contribution"][0, 1] == pytest.approx(0)


def test_log_mean_limits():
    assert log_mean(np.array([5.0]), np.array([5.0]))[0] == 5.0
    assert log_mean(np.array([math.e]), np.array([1.0]))[0] == pytest.approx(math.e - 1)


def test_no_split_without_both_scores():
    d = decompose_change(np.array([[50.0]]), np.array([[1.0]]), np.array([50.0]),
                         np.array([[NAN]]), np.array([[0.0]]), np.array([NAN]))
    assert np.isnan(d["contribution"]).all()

"""Category and RoT scores by hand: arithmetic, geometric, weight coverage, insufficient data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rotlib.scoring.aggregate import aggregate, combine
from rotlib.scoring.robustness import overall_under_draws

NAN = float("nan")
# metrics m0, m1 in category A (weights 1 and 3); m2, m3 in category B (1 and 1); A:B = 2:1
CATS = np.array([0, 0, 1, 1])
MW = np.array([1.0, 3.0, 1.0, 1.0])
CW = np.array([2.0, 1.0])
SCORES = np.array([
    [40.0, 80.0, 60.0, NAN],  # B has half its weight: still scored (coverage 0.5)
    [NAN, NAN, 50.0, 70.0],   # A has no data: RoT coverage 1/3 < 0.75 -> insufficient
    [100.0, NAN, 20.0, 30.0],  # A has 1/4 of its weight: insufficient, RoT too
])


def test_arithmetic_by_hand():
    agg = aggregate(SCORES, CATS, MW, CW)
    # A = (40 * 1 + 80 * 3) / 4 = 70 ; B = 60 ; RoT = (2 * 70 + 1 * 60) / 3
    np.testing.assert_allclose(agg.category_scores[0], [70, 60])
    assert agg.overall[0] == pytest.approx(200 / 3)
    np.testing.assert_allclose(agg.category_coverage[0], [1.0, 0.5])
    assert agg.overall_coverage[0] == pytest.approx(1.0)
    # effective weights: (2/3)(1/4), (2/3)(3/4), (1/3)(1), 0
    np.testing.assert_allclose(agg.effective_weights[0], [1 / 6, 1 / 2, 1 / 3, 0])
    assert combine(SCORES[:1], agg.effective_weights[:1], "arithmetic", 1.0)[0] == pytest.approx(
        200 / 3)


def test_insufficient_data_is_never_a_number():
    agg = aggregate(SCORES, CATS, MW, CW)
    assert np.isnan(agg.category_scores[1, 0]) and agg.category_scores[1, 1] == 60
    assert agg.overall_coverage[1] == pytest.approx(1 / 3)
    assert np.isnan(agg.overall[1])
    assert agg.category_coverage[2, 0] == pytest.approx(0.25)
    assert np.isnan(agg.category_scores[2, 0]) and np.isnan(agg.overall[2])
    assert (agg.effective_weights[1:] == 0).all()


def test_geometric_by_hand_and_the_floor():
    agg = aggregate(SCORES, CATS, MW, CW, method="geometric", floor=1.0)
    a = 40 ** 0.25 * 80 ** 0.75
    assert agg.category_scores[0, 0] == pytest.approx(a)
    assert agg.overall[0] == pytest.approx(a ** (2 / 3) * 60 ** (1 / 3))
    zero = np.array([[0.0, 100.0, 100.0, 100.0]])
    g = aggregate(zero, CATS, MW, CW, method="geometric", floor=1.0)
    # the 0 is floored at 1 point: A = 1^(1/4) 100^(3/4)
    assert g.category_scores[0, 0] == pytest.approx(100 ** 0.75)
    assert g.overall[0] == pytest.approx(100 ** 0.5 * 100 ** (1 / 3))
    # non-compensatory: the arithmetic score of the same row is much higher
    assert aggregate(zero, CATS, MW, CW).overall[0] == pytest.approx(2 / 3 * 75 + 100 / 3)
    assert g.overall[0] < 50 < aggregate(zero, CATS, MW, CW).overall[0]


def test_geometric_ignores_missing_metrics_whatever_the_floor():
    agg = aggregate(SCORES, CATS, MW, CW, method="geometric", floor=5.0)
    # B has only m2 (60): its geometric mean is 60, not pulled toward the floor by m3
    assert agg.category_scores[0, 1] == pytest.approx(60)
    low = np.array([[2.0, 80.0, 60.0, 70.0]])
    g = aggregate(low, CATS, MW, CW, method="geometric", floor=5.0)
    assert g.category_scores[0, 0] == pytest.approx(5 ** 0.25 * 80 ** 0.75)  # 2 floored at 5


def test_coverage_thresholds_are_configurable():
    agg = aggregate(SCORES, CATS, MW, CW, min_category_coverage=0.6, min_overall_coverage=0.3)
    assert np.isnan(agg.category_scores[0, 1])  # B at 0.5 < 0.6
    assert agg.overall[0] == pytest.approx(70)  # RoT from A alone (coverage 2/3 >= 0.3)
    assert agg.overall[1] == pytest.approx(60)  # B alone: coverage 1/3 >= 0.3


@pytest.mark.parametrize("method", ["arithmetic", "geometric"])
def test_draw_aggregation_equals_aggregate(method):
    rng = np.random.default_rng(3)
    s = rng.uniform(0, 100, size=(50, 4))
    s[rng.random(s.shape) < 0.3] = NAN
    mws = rng.uniform(0.5, 1.5, size=(7, 4)) * MW
    cws = rng.uniform(0.5, 1.5, size=(7, 2)) * CW
    many = overall_under_draws(s, CATS, mws, cws, aggregation=method, floor=1.0,
                               min_category_coverage=0.5, min_overall_coverage=0.75)
    for d in range(7):
        one = aggregate(s, CATS, mws[d], cws[d], method=method).overall
        np.testing.assert_allclose(many[:, d], one, rtol=1e-12, equal_nan=True)
    assert not math.isnan(np.nanmax(many))

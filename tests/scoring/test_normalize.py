"""Hand-computed examples for every normalization method, direction and the winsorizing rule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rotlib.errors import AnalysisError
from rotlib.scoring.config import Normalization
from rotlib.scoring.normalize import denormalize, normalize, reference_stats

NAN = float("nan")


def _close(a, b):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=0, atol=1e-9)


def test_goalposts_up_and_clipping():
    norm = Normalization(method="goalposts", lower=0.5, upper=1.0)
    # (x - 0.5) / 0.5 * 100, clipped to 0..100; NaN stays NaN
    _close(normalize(np.array([0.4, 0.5, 0.75, 0.9, 1.0, NAN]), norm, True, None),
           [0, 0, 50, 80, 100, NAN])


def test_goalposts_lower_is_better():
    norm = Normalization(method="goalposts", lower=0.0, upper=0.4)
    # (0.4 - x) / 0.4 * 100: rework 10% scores 75, 40% or worse scores 0
    _close(normalize(np.array([0.0, 0.1, 0.4, 0.6]), norm, False, None), [100, 75, 0, 0])


def test_minmax_with_winsorized_bounds():
    ref = reference_stats(np.arange(1, 11) / 10, 0.1, 0.9)
    # np.quantile (linear) of 0.1..1.0 at 10% = 0.1 + 0.9 * 0.1 = 0.19, at 90% = 0.91
    assert ref.lower_bound == pytest.approx(0.19)
    assert ref.upper_bound == pytest.approx(0.91)
    norm = Normalization(method="minmax")
    # 0.55 is half-way between 0.19 and 0.91; 0.1 and 1.0 are beyond the bounds (clipped)
    _close(normalize(np.array([0.55, 0.1, 1.0]), norm, True, ref), [50, 0, 100])
    _close(normalize(np.array([0.55, 0.1, 1.0]), norm, False, ref), [50, 100, 0])


def test_percentile_mid_rank():
    ref = reference_stats(np.array([1.0, 2.0, 2.0, 3.0, NAN]), 0.0, 1.0)
    assert ref.n == 4  # NaN is not a reference value
    norm = Normalization(method="percentile")
    # x=2: one value below, two equal -> (1 + 2/2) / 4 = 50%; x=3: (3 + 1/2) / 4 = 87.5%
    _close(normalize(np.array([0.5, 1.0, 2.0, 3.0, 10.0]), norm, True, ref),
           [0, 12.5, 50, 87.5, 100])
    _close(normalize(np.array([2.0, 3.0]), norm, False, ref), [50, 12.5])


def test_zscore_clipped_and_linear():
    ref = reference_stats(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), 0.0, 1.0)
    sd = math.sqrt(2.5)  # sample sd of 1..5
    assert ref.mean == pytest.approx(3.0)
    assert ref.sd == pytest.approx(sd)
    norm = Normalization(method="zscore", clip=3.0)
    # z = 1 -> 50 + 50 * 1/3; z >= 3 -> 100; z = -1.5 -> 25
    _close(normalize(np.array([3 + sd, 100.0, 3 - 1.5 * sd]), norm, True, ref),
           [50 + 50 / 3, 100, 25])
    _close(normalize(np.array([3 + sd]), norm, False, ref), [50 - 50 / 3])


def test_winsorizing_rule_limits_one_extreme_partner():
    # quantiles 25% / 75% of [0, 1, 2, 3, 100] (linear) are 1 and 3: the 100 is clipped to 3
    ref = reference_stats(np.array([0.0, 1.0, 2.0, 3.0, 100.0]), 0.25, 0.75)
    assert (ref.lower_bound, ref.upper_bound) == (1.0, 3.0)
    # z-score statistics of the clipped values [1, 1, 2, 3, 3]: mean 2, sample sd 1
    assert ref.mean == pytest.approx(2.0)
    assert ref.sd == pytest.approx(1.0)
    z = normalize(np.array([3.0]), Normalization(method="zscore", clip=2.0), True, ref)
    _close(z, [75.0])  # z = 1 of a clip of 2 -> 50 + 25


def test_no_spread_scores_fifty():
    ref = reference_stats(np.array([0.7, 0.7, 0.7]), 0.0, 1.0)
    for method in ("minmax", "zscore"):
        _close(normalize(np.array([0.1, 0.7, 0.9]), Normalization(method=method), True, ref),
               [50, 50, 50])


def test_reference_methods_need_reference_values():
    assert reference_stats(np.array([NAN, NAN]), 0.01, 0.99) is None
    with pytest.raises(AnalysisError, match=r"'joint_win_rate'.*Fix: widen reference_period"):
        normalize(np.array([0.3]), Normalization(method="percentile"), True, None,
                  metric_id="joint_win_rate")


@pytest.mark.parametrize("method", ["goalposts", "minmax", "zscore"])
@pytest.mark.parametrize("up", [True, False])
def test_denormalize_inverts_linear_methods(method, up):
    ref = reference_stats(np.linspace(0.2, 0.9, 50), 0.05, 0.95)
    norm = (Normalization(method="goalposts", lower=0.3, upper=0.8) if method == "goalposts"
            else Normalization(method=method))
    scores = np.array([10.0, 35.0, 62.5, 90.0])
    values = denormalize(scores, norm, up, ref)
    _close(normalize(values, norm, up, ref), scores)


def test_denormalize_percentile_reaches_the_score():
    ref = reference_stats(np.linspace(0, 1, 101), 0.0, 1.0)
    norm = Normalization(method="percentile")
    value = denormalize(np.array([80.0]), norm, True, ref)
    assert normalize(value, norm, True, ref)[0] == pytest.approx(80.0, abs=1.0)

"""Robust z-scores of quarter-over-quarter jumps, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from rotlib.scoring.gaming import jump_flags, robust_jump_z


def _two_quarters(before, after):
    n = len(before)
    values = np.concatenate([before, after])
    prev = np.concatenate([np.full(n, -1), np.arange(n)])
    q = np.concatenate([np.full(n, 1), np.full(n, 2)])
    return values, prev, q


def test_robust_z_by_hand():
    before = np.array([0.5, 0.5, 0.5, 0.5, 0.3])
    after = before + np.array([0.0, 0.01, -0.01, 0.02, 0.5])
    values, prev, q = _two_quarters(before, after)
    z = robust_jump_z(values, prev, q, higher_is_better=True)
    # changes 0, .01, -.01, .02, .5: median .01, |dev| = .01 0 .02 .01 .49 -> MAD .01
    assert np.isnan(z[:5]).all()  # first quarter: no change to judge
    assert z[9] == pytest.approx(0.49 / (1.4826 * 0.01), rel=1e-6)
    assert jump_flags({"m": z}, 3.5)[9] == "m"
    assert (jump_flags({"m": z}, 3.5)[:9] == "").all()
    down = robust_jump_z(values, prev, q, higher_is_better=False)
    assert down[9] == pytest.approx(-z[9])  # a jump up is a deterioration when lower is better


def test_zero_mad_falls_back_to_mean_absolute_deviation():
    before = np.zeros(5)
    values, prev, q = _two_quarters(before, np.array([0, 0, 0, 0, 0.3]))
    z = robust_jump_z(values, prev, q, higher_is_better=True)
    # median 0, MAD 0 -> mean |dev| = 0.06, scaled by 1.2533
    assert z[9] == pytest.approx(0.3 / (1.2533 * 0.06))
    flat, prev2, q2 = _two_quarters(np.zeros(3), np.zeros(3))
    assert np.isnan(robust_jump_z(flat, prev2, q2, True)[3:]).all()  # nobody moved: no flags

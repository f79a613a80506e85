"""Empirical-Bayes shrinkage: hand-computed examples, a planted truth, and scipy references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats

from rotlib.scoring.shrinkage import (
    STRENGTH_MAX,
    Prior,
    fit_beta_binomial,
    fit_gamma_poisson,
    shrink,
)


def test_two_of_two_does_not_outrank_120_of_200():
    prior = Prior("beta_binomial", 3.0, 7.0, "given", 100)  # portfolio mean 30%, 10 trials
    out = shrink(np.array([2, 120]), np.array([2, 200]), prior)
    # (2 + 3) / (2 + 10) = 5/12 ; (120 + 3) / (200 + 10) = 123/210
    np.testing.assert_allclose(out, [5 / 12, 123 / 210], rtol=0, atol=1e-15)
    assert out[0] < out[1]


def test_gamma_poisson_posterior_mean():
    prior = Prior("gamma_poisson", 2.0, 20.0, "given", 100)  # 0.1 disputes per deal
    out = shrink(np.array([1, 0, 5]), np.array([1, 50, 0]), prior)
    # (1 + 2) / (1 + 20) ; (0 + 2) / (50 + 20) ; no exposure -> no value
    np.testing.assert_allclose(out[:2], [3 / 21, 2 / 70], rtol=0, atol=1e-15)
    assert np.isnan(out[2])


def test_beta_moments_by_hand():
    # p = .1 .4 .6 .9 out of 10 each: mu = 0.5, S = sum n (p - mu)^2 = 3.4,
    # rho = (S / (mu (1 - mu)) - (k - 1)) / (N - sum n^2 / N - (k - 1)) = (13.6 - 3) / 27
    prior = fit_beta_binomial(np.array([1, 4, 6, 9]), np.full(4, 10), method="moments")
    rho = (13.6 - 3) / 27
    assert prior.mean == pytest.approx(0.5)
    assert prior.strength == pytest.approx(1 / rho - 1)


def test_gamma_moments_by_hand():
    # y = 0, 2, 4 over n = 10, 10, 20: mu = 6/40 = 0.15;
    # S = sum (y - n mu)^2 / n = 2.25/10 + 0.25/10 + 1/20 = 0.3;
    # tau2 = (S - (k - 1) mu) / (N - sum n^2 / N) = (0.3 - 0.3) / 25 = 0 -> no spread: cap
    prior = fit_gamma_poisson(np.array([0, 2, 4]), np.array([10, 10, 20]), method="moments")
    assert prior.mean == pytest.approx(0.15)
    assert prior.strength == STRENGTH_MAX
    # y = 0, 6 over 10, 10: mu = 0.3, S = (9 + 9) / 10 = 1.8, tau2 = (1.8 - 0.3) / 10 = 0.15
    prior = fit_gamma_poisson(np.array([0, 6]), np.array([10, 10]), method="moments")
    assert prior.strength == pytest.approx(0.3 / 0.15)  # b = mu / tau2


def _simulate_beta(rng, k, a, b):
    n = rng.integers(1, 40, size=k)
    p = rng.beta(a, b, size=k)
    return rng.binomial(n, p), n


def test_beta_marginal_likelihood_matches_scipy_reference():
    rng = np.random.default_rng(11)
    y, n = _simulate_beta(rng, 400, 4.0, 6.0)
    ours = fit_beta_binomial(y, n)

    def negll(theta):
        return -stats.betabinom.logpmf(y, n, np.exp(theta[0]), np.exp(theta[1])).sum()

    ref = optimize.minimize(negll, [0.0, 0.0], method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    np.testing.assert_allclose([ours.a, ours.b], np.exp(ref.x), rtol=1e-4)


def test_gamma_marginal_likelihood_matches_scipy_reference():
    rng = np.random.default_rng(12)
    n = rng.integers(1, 60, size=500).astype(float)
    lam = rng.gamma(3.0, 1 / 30.0, size=n.size)
    y = rng.poisson(lam * n)
    ours = fit_gamma_poisson(y, n)

    def negll(theta):
        a, b = np.exp(theta)
        return -stats.nbinom.logpmf(y, a, b / (b + n)).sum()

    ref = optimize.minimize(negll, [0.0, 2.0], method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    np.testing.assert_allclose([ours.a, ours.b], np.exp(ref.x), rtol=1e-4)


@pytest.mark.parametrize("method", ["marginal_likelihood", "moments"])
def test_planted_beta_prior_is_recovered(method):
    rng = np.random.default_rng(13)
    y, n = _simulate_beta(rng, 6000, 6.0, 4.0)  # mean 0.6, strength 10
    prior = fit_beta_binomial(y, n, method=method)
    assert prior.mean == pytest.approx(0.6, abs=0.01)
    assert prior.strength == pytest.approx(10.0, rel=0.15)


def test_no_extra_spread_means_near_full_pooling():
    rng = np.random.default_rng(14)
    n = np.full(3000, 20)
    y = rng.binomial(n, 0.3)  # every partner has the same true rate
    prior = fit_beta_binomial(y, n)
    assert prior.strength > 200  # far more than any partner's 20 trials


def test_degenerate_inputs_give_no_prior():
    assert fit_beta_binomial(np.array([1.0]), np.array([3.0])) is None  # one unit
    assert fit_beta_binomial(np.array([0, 0, 0]), np.array([3, 5, 2])) is None  # all 0%
    assert fit_beta_binomial(np.array([np.nan, 1]), np.array([3, 0])) is None  # no usable unit
    assert fit_gamma_poisson(np.array([0, 0]), np.array([4, 5])) is None  # no event


def test_fit_is_invariant_to_unit_order():
    rng = np.random.default_rng(15)
    y, n = _simulate_beta(rng, 300, 2.0, 5.0)
    perm = rng.permutation(y.size)
    a, b = fit_beta_binomial(y, n), fit_beta_binomial(y[perm], n[perm])
    assert (a.a, a.b) == (b.a, b.b)

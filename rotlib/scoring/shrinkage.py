"""Empirical-Bayes shrinkage of small-sample rates toward the portfolio.

Why: a partner that won 2 of 2 deals has a raw win rate of 100%, but the evidence is
thin; 120 of 200 is strong evidence of 60%. Scoring raw rates rewards luck on small
samples (and invites gaming by keeping the denominator small). Each rate is replaced by
its posterior mean under a prior fitted to the whole portfolio, so thin evidence is
pulled toward the portfolio and strong evidence barely moves.

Two models, chosen per metric in the config:

``beta_binomial`` (shares of counts: successes ``y`` out of trials ``n``)
    ``p_i ~ Beta(alpha, beta)``, ``y_i ~ Binomial(n_i, p_i)``; the adjusted value is
    ``(y + alpha) / (n + alpha + beta)``: the prior acts like ``alpha + beta`` extra
    trials at the portfolio mean ``alpha / (alpha + beta)``.
``gamma_poisson`` (events per unit of exposure, e.g. disputes per closed deal)
    ``rate_i ~ Gamma(a, b)`` (shape, rate), ``y_i ~ Poisson(rate_i * n_i)``; the adjusted
    value is ``(y + a) / (n + b)``.

The prior is fitted once per metric over the reference period (all partner-quarters with
a positive denominator), by either

* ``marginal_likelihood`` (default): maximize the beta-binomial (or negative-binomial)
  marginal likelihood over (mean, strength), starting from the moments estimate. It is
  the efficient estimator and handles unequal denominators properly.
* ``moments``: Kleinman's weighted method of moments, closed form and fast; less
  efficient when denominators vary a lot.

Both run on the distinct (y, n) pairs with their counts, so fitting 800k partner-quarters
costs about as much as a few thousand.

When the data show no extra-binomial spread (every partner looks like the same rate), the
strength estimate runs to its cap (``STRENGTH_MAX``): every partner is then shrunk almost
fully to the portfolio mean, which is what the data support.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import special

STRENGTH_MAX = 1e6
STRENGTH_MIN = 1e-3


@dataclass(frozen=True)
class Prior:
    """A fitted prior. For beta-binomial ``(a, b) = (alpha, beta)``; for gamma-Poisson
    ``a`` is the shape and ``b`` the rate (``b`` acts like units of exposure).
    """

    model: str  # "beta_binomial" | "gamma_poisson"
    a: float
    b: float
    method: str
    n_units: int

    @property
    def mean(self) -> float:
        """The portfolio rate the values are shrunk toward."""
        if self.model == "beta_binomial":
            return self.a / (self.a + self.b)
        return self.a / self.b

    @property
    def strength(self) -> float:
        """Prior weight in denominator units (trials or exposure)."""
        return self.a + self.b if self.model == "beta_binomial" else self.b

    def to_dict(self) -> dict[str, float | str | int]:
        return {**asdict(self), "prior_mean": self.mean, "prior_strength": self.strength}


def shrink(successes: np.ndarray, trials: np.ndarray, prior: Prior) -> np.ndarray:
    """Posterior-mean rate per unit; NaN where ``trials`` is missing or not positive."""
    y = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if prior.model == "beta_binomial":
            out = (y + prior.a) / (n + prior.a + prior.b)
        else:
            out = (y + prior.a) / (n + prior.b)
    return np.where(np.isfinite(n) & (n > 0) & np.isfinite(y), out, np.nan)


def _distinct_pairs(y: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (y, n) pairs and how often each occurs (fits then cost O(distinct)).

    Counts are whole numbers in practice, so the pair is packed into one integer key and
    sorted once; other values fall back to a two-key sort.
    """
    if (y.size and y.min() >= 0 and n.max() < 2**31
            and np.array_equal(y, np.floor(y)) and np.array_equal(n, np.floor(n))):
        width = np.int64(n.max()) + 1
        key = y.astype(np.int64) * width + n.astype(np.int64)
        if width * (np.int64(y.max()) + 1) <= 10_000_000:  # small counts: one O(n) pass
            counts = np.bincount(key)
            uniq = np.flatnonzero(counts)
            counts = counts[uniq]
        else:
            uniq, counts = np.unique(key, return_counts=True)
        return (uniq // width).astype(float), (uniq % width).astype(float), counts.astype(float)
    order = np.lexsort((n, y))
    ys, ns = y[order], n[order]
    start = np.ones(ys.size, dtype=bool)
    start[1:] = (ys[1:] != ys[:-1]) | (ns[1:] != ns[:-1])
    first = np.flatnonzero(start)
    counts = np.diff(np.append(first, ys.size))
    return ys[first], ns[first], counts.astype(float)


def _clean(y: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    n = np.asarray(n, dtype=float)
    ok = np.isfinite(y) & np.isfinite(n) & (n > 0)
    return y[ok], n[ok]


# --------------------------------------------------------------------------------------
# beta-binomial
# --------------------------------------------------------------------------------------
def fit_beta_binomial(
    successes: np.ndarray, trials: np.ndarray, method: str = "marginal_likelihood"
) -> Prior | None:
    """Fit Beta(alpha, beta) to per-unit counts; ``None`` with fewer than 2 units or no spread
    in the data to learn from (all 0% or all 100%)."""
    y, n = _clean(successes, trials)
    if y.size < 2:
        return None
    yy, nn, w = _distinct_pairs(y, n)
    mu, kappa = _beta_moments(yy, nn, w)
    if mu is None:
        return None
    if method == "moments":
        return Prior("beta_binomial", mu * kappa, (1 - mu) * kappa, "moments", int(y.size))
    mu, kappa = _beta_max_likelihood(yy, nn, w, mu, kappa)
    return Prior("beta_binomial", mu * kappa, (1 - mu) * kappa, "marginal_likelihood",
                 int(y.size))


def _beta_moments(y: np.ndarray, n: np.ndarray, w: np.ndarray) -> tuple[float | None, float]:
    """Kleinman's weighted moments: rho = 1 / (alpha + beta + 1) from the n-weighted spread.

    E[sum n_i (p_i - mu_hat)^2] = mu (1 - mu) [(k - 1) + rho (N - sum n_i^2 / N - (k - 1))].
    """
    k = w.sum()
    big_n = (w * n).sum()
    mu = (w * y).sum() / big_n
    if not 0 < mu < 1:
        return None, 0.0
    p = y / n
    s = (w * n * (p - mu) ** 2).sum()
    denom = big_n - (w * n**2).sum() / big_n - (k - 1)
    # with every n = 1 overdispersion is not identifiable: pool fully
    rho = 1.0 / (STRENGTH_MAX + 1) if denom <= 0 else (s / (mu * (1 - mu)) - (k - 1)) / denom
    rho = float(np.clip(rho, 1.0 / (STRENGTH_MAX + 1), 1.0 / (STRENGTH_MIN + 1)))
    return float(mu), 1.0 / rho - 1.0


def beta_binomial_loglik(y: np.ndarray, n: np.ndarray, w: np.ndarray, a: float, b: float) -> float:
    """Weighted beta-binomial log-likelihood without the binomial coefficient (a constant)."""
    return float((w * (special.betaln(y + a, n - y + b) - special.betaln(a, b))).sum())


def _beta_max_likelihood(
    y: np.ndarray, n: np.ndarray, w: np.ndarray, mu0: float, kappa0: float
) -> tuple[float, float]:
    """Maximize the beta-binomial likelihood over ``(logit mean, log strength)`` by Newton."""
    total = w.sum()

    def fgh(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        mu = special.expit(theta[0])
        kappa = np.exp(theta[1])
        a, b = mu * kappa, (1 - mu) * kappa
        ll = (w * (special.betaln(y + a, n - y + b) - special.betaln(a, b))).sum() / total
        c1 = special.digamma(n + a + b) - special.digamma(a + b)
        ga = (w * (special.digamma(y + a) - special.digamma(a) - c1)).sum() / total
        gb = (w * (special.digamma(n - y + b) - special.digamma(b) - c1)).sum() / total
        c2 = special.polygamma(1, a + b) - special.polygamma(1, n + a + b)
        haa = (w * (special.polygamma(1, y + a) - special.polygamma(1, a) + c2)).sum() / total
        hbb = (w * (special.polygamma(1, n - y + b) - special.polygamma(1, b) + c2)).sum() / total
        hab = (w * c2).sum() / total
        s = kappa * mu * (1 - mu)
        grad = np.array([s * (ga - gb), a * ga + b * gb])
        h_mm = s * s * (haa - 2 * hab + hbb) + s * (1 - 2 * mu) * (ga - gb)
        h_mk = s * ((a * haa + b * hab) - (a * hab + b * hbb)) + s * (ga - gb)
        h_kk = a * a * haa + 2 * a * b * hab + b * b * hbb + a * ga + b * gb
        return float(ll), grad, np.array([[h_mm, h_mk], [h_mk, h_kk]])

    start = np.array([special.logit(mu0), np.log(np.clip(kappa0, STRENGTH_MIN, STRENGTH_MAX))])
    lo = np.array([-30.0, np.log(STRENGTH_MIN)])
    hi = np.array([30.0, np.log(STRENGTH_MAX)])
    theta = _newton_maximize(fgh, start, lo, hi)
    return float(special.expit(theta[0])), float(np.exp(theta[1]))


def _newton_maximize(fgh, theta: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                     max_iter: int = 200) -> np.ndarray:
    """Maximize a smooth 2-parameter function in a box: Newton steps where the Hessian is
    negative definite, gradient steps otherwise, halved until the function increases.

    The likelihoods here are concave near their maximum, so this converges in a few
    iterations (fast: each iteration is a handful of vectorized special functions).
    """
    value, grad, hess = fgh(theta)
    for _ in range(max_iter):
        free = ~(((theta <= lo) & (grad < 0)) | ((theta >= hi) & (grad > 0)))
        if not free.any() or np.abs(grad[free]).max() < 1e-12:
            break
        step = np.zeros_like(theta)
        h = hess[np.ix_(free, free)]
        try:
            newton = -np.linalg.solve(h, grad[free])
            descent_ok = np.all(np.linalg.eigvalsh(h) < 0)
        except np.linalg.LinAlgError:
            descent_ok = False
        if descent_ok:
            step[free] = newton
        else:
            step[free] = grad[free] / max(1.0, float(np.abs(grad[free]).max()))
        step = np.clip(step, -5.0, 5.0)
        improved = False
        for _halving in range(60):
            candidate = np.clip(theta + step, lo, hi)
            c_value, c_grad, c_hess = fgh(candidate)
            if np.isfinite(c_value) and c_value >= value - 1e-15 * abs(value):
                improved = True
                break
            step = step / 2
        if not improved:
            break
        moved = np.abs(candidate - theta).max()
        gain = c_value - value
        theta, value, grad, hess = candidate, c_value, c_grad, c_hess
        if moved < 1e-11 or (0 <= gain < 1e-15 * max(1.0, abs(value)) and moved < 1e-8):
            break
    return theta


# --------------------------------------------------------------------------------------
# gamma-Poisson
# --------------------------------------------------------------------------------------
def fit_gamma_poisson(
    events: np.ndarray, exposure: np.ndarray, method: str = "marginal_likelihood"
) -> Prior | None:
    """Fit Gamma(shape, rate) to per-unit event counts over exposure; ``None`` with fewer than
    2 units or no event at all."""
    y, n = _clean(events, exposure)
    if y.size < 2:
        return None
    yy, nn, w = _distinct_pairs(y, n)
    big_n = (w * nn).sum()
    mu = (w * yy).sum() / big_n
    if mu <= 0:
        return None
    k = w.sum()
    s = (w * (yy - nn * mu) ** 2 / nn).sum()
    denom = big_n - (w * nn**2).sum() / big_n
    tau2 = (s - (k - 1) * mu) / denom if denom > 0 else 0.0
    # strength b = mu / tau2 (exposure units); capped like the beta strength
    b = float(np.clip(mu / tau2, STRENGTH_MIN, STRENGTH_MAX)) if tau2 > 0 else STRENGTH_MAX
    if method == "moments":
        return Prior("gamma_poisson", mu * b, b, "moments", int(y.size))
    total = w.sum()

    def fgh(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        a, bb = np.exp(theta[0] + theta[1]), np.exp(theta[1])
        log_share = np.log(bb / (bb + nn))
        ll = (w * (special.gammaln(yy + a) - special.gammaln(a) + a * log_share
                   + yy * np.log(nn / (bb + nn)))).sum() / total
        ga = (w * (special.digamma(yy + a) - special.digamma(a) + log_share)).sum() / total
        gb = (w * (a / bb - (a + yy) / (bb + nn))).sum() / total
        haa = (w * (special.polygamma(1, yy + a) - special.polygamma(1, a))).sum() / total
        hab = (w * (1 / bb - 1 / (bb + nn))).sum() / total
        hbb = (w * (-a / bb**2 + (a + yy) / (bb + nn) ** 2)).sum() / total
        # theta = (log mean, log b) with a = mean * b
        grad = np.array([a * ga, a * ga + bb * gb])
        h_uu = a * a * haa + a * ga
        h_uv = a * (a * haa + bb * hab) + a * ga
        h_vv = a * a * haa + 2 * a * bb * hab + bb * bb * hbb + a * ga + bb * gb
        return float(ll), grad, np.array([[h_uu, h_uv], [h_uv, h_vv]])

    start = np.array([np.log(mu), np.log(b)])
    lo = np.array([-30.0, np.log(STRENGTH_MIN)])
    hi = np.array([30.0, np.log(STRENGTH_MAX)])
    theta = _newton_maximize(fgh, start, lo, hi)
    m, b = float(np.exp(theta[0])), float(np.exp(theta[1]))
    return Prior("gamma_poisson", m * b, b, "marginal_likelihood", int(y.size))

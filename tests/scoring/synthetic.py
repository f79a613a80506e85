"""A small, seeded synthetic partner x quarter metrics table with a known latent trust.

Used by the scoring tests (and the scoring benchmark) so they do not depend on the sample
generator. The mechanism is deliberately simple and fully known:

* latent trust per partner follows a stationary AR(1) over quarters,
  ``t_q = 0.8 t_{q-1} + 0.6 e_q`` (so ``sd(t) = 1``);
* each rate metric counts successes out of a size-dependent number of trials with
  success probability ``expit(base + 0.8 * t)`` (``- 0.8 t`` for the lower-is-better
  rework rate), disputes are Poisson per closed deal with rate ``exp(-2.3 - 0.6 t)``,
  and MDF utilization is ``expit(0.5 + 0.7 t + noise)`` of the allocation;
* outcomes in the same quarter also follow trust (trust is persistent, so next quarter's
  outcomes do too): win rate, renewal rate, escalation rate, cycle days, amounts;
* zero denominators give a missing value with a reason, exactly as ``rot metrics`` does.

The returned ``truth`` frame has ``partner_id``, ``quarter``, ``latent_trust``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

from rotlib.registry import SCORECARD_METRICS

SIZES = ("small", "medium", "large")
TRIALS = {"small": 3.0, "medium": 10.0, "large": 30.0}

# metric -> (base logit, slope on trust, trials multiplier)
_RATES = {
    "on_time_delivery_rate": (1.2, 0.8, 1.0),
    "sla_adherence_rate": (1.5, 0.8, 2.0),
    "rework_rate": (-1.8, -0.8, 1.0),
    "certification_coverage": (0.0, 0.8, 1.5),
    "joint_win_rate": (-0.8, 0.8, 1.0),
    "customer_outcome_attainment": (0.8, 0.8, 2.0),
    "policy_compliance_rate": (2.0, 0.8, 1.0),
    "security_posture_rate": (1.0, 0.8, 0.5),
    "partner_sourced_share": (-0.6, 0.8, 1.0),
    "joint_initiative_completion": (0.6, 0.8, 0.7),
}


def _fraction(num: np.ndarray, den: np.ndarray, reason: str) -> tuple[np.ndarray, ...]:
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    return value, num.astype(float), den.astype(float), np.where(den > 0, "", reason)


def build_metrics(
    n_partners: int = 60,
    n_quarters: int = 4,
    seed: int = 0,
    first_quarter: str = "2025Q1",
    with_reasons: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(metrics table, truth) for ``n_partners`` x ``n_quarters``; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    year, q = int(first_quarter[:4]), int(first_quarter[-1])
    q0 = year * 4 + q - 1
    trust = np.empty((n_partners, n_quarters))
    trust[:, 0] = rng.standard_normal(n_partners)
    for k in range(1, n_quarters):
        trust[:, k] = 0.8 * trust[:, k - 1] + 0.6 * rng.standard_normal(n_partners)
    size = rng.choice(SIZES, size=n_partners, p=[0.4, 0.4, 0.2])
    ptype = rng.choice(["reseller", "systems_integrator", "isv", "msp", "referral"], n_partners)
    region = rng.choice(["north_america", "emea", "apac", "latam"], n_partners)
    ids = np.array([f"P{i:06d}" for i in range(n_partners)])

    n = n_partners * n_quarters
    t = trust.ravel()
    qi = np.tile(np.arange(q0, q0 + n_quarters), n_partners)
    base_trials = np.repeat(np.vectorize(TRIALS.get)(size), n_quarters)
    cols: dict[str, object] = {
        "partner_id": np.repeat(ids, n_quarters),
        "quarter": [f"{i // 4}Q{i % 4 + 1}" for i in qi],
        "quarter_index": qi,
        "partner_name": np.repeat(np.array([f"Partner {i}" for i in range(n_partners)]),
                                  n_quarters),
        "partner_type": np.repeat(ptype, n_quarters),
        "region": np.repeat(region, n_quarters),
        "size": np.repeat(size, n_quarters),
    }
    reasons = {m.id: m.missing_when for m in SCORECARD_METRICS}
    for metric_id, (base, slope, mult) in _RATES.items():
        den = rng.poisson(base_trials * mult)
        num = rng.binomial(den, expit(base + slope * t))
        v, nu, de, r = _fraction(num, den, reasons[metric_id])
        cols.update({metric_id: v, f"{metric_id}__num": nu, f"{metric_id}__den": de})
        if with_reasons:
            cols[f"{metric_id}__reason"] = r
    closed = cols["joint_win_rate__den"]
    disputes = rng.poisson(closed * np.exp(-2.3 - 0.6 * t))
    v, nu, de, r = _fraction(disputes, closed, reasons["dispute_rate"])
    cols.update({"dispute_rate": v, "dispute_rate__num": nu, "dispute_rate__den": de})
    allocated = np.where(rng.random(n) < 0.8, np.round(rng.gamma(2.0, 5000.0, n), 2), 0.0)
    utilized = np.round(allocated * expit(0.5 + 0.7 * t + 0.5 * rng.standard_normal(n)), 2)
    v2, nu2, de2, r2 = _fraction(utilized, allocated, reasons["co_investment_rate"])
    cols.update({"co_investment_rate": v2, "co_investment_rate__num": nu2,
                 "co_investment_rate__den": de2})
    if with_reasons:
        cols["dispute_rate__reason"] = r
        cols["co_investment_rate__reason"] = r2

    # outcomes
    won = cols["joint_win_rate__num"]
    wr, wn, wd, _ = _fraction(won, closed, "no partner deal closed in the quarter")
    cols.update({"win_rate": wr, "win_rate__num": wn, "win_rate__den": wd})
    renew_due = rng.poisson(base_trials * 0.5)
    renewed = rng.binomial(renew_due, expit(1.0 + 0.7 * t))
    rr, rn, rd, _ = _fraction(renewed, renew_due, "no renewal due in the quarter")
    cols.update({"renewal_rate": rr, "renewal_rate__num": rn, "renewal_rate__den": rd})
    tickets = rng.poisson(base_trials * 1.5)
    escal = rng.binomial(tickets, expit(-1.7 - 0.6 * t))
    er, en, ed, _ = _fraction(escal, tickets, "no ticket opened in the quarter")
    cols.update({"escalation_rate": er, "escalation_rate__num": en, "escalation_rate__den": ed})
    cycle = np.where(won > 0, np.round(np.exp(4.3 - 0.15 * t + 0.2 * rng.standard_normal(n))),
                     np.nan)
    cols["median_cycle_days_won"] = cycle
    deal = 20000.0 * np.exp(0.2 * rng.standard_normal(n))
    share = cols["partner_sourced_share"]
    sourced_share = np.nan_to_num(share, nan=0.3)
    cols["won_amount_sourced"] = np.round(won * deal * sourced_share, 2)
    cols["won_amount_influenced"] = np.round(won * deal * (1 - sourced_share), 2)
    cols["sourced_pipeline"] = np.round(cols["partner_sourced_share__num"] * deal * 2.5, 2)
    cols["influenced_pipeline"] = np.round(
        (cols["partner_sourced_share__den"] - cols["partner_sourced_share__num"]) * deal * 2.5, 2)
    cols["renewals_count"] = renewed.astype(float)
    cols["expansion_amount"] = np.round(renewed * 3000.0 * np.exp(0.3 * t), 2)
    cols["direct_win_rate_baseline"] = np.full(n, 0.25)

    # investments and risk signals
    cols["investment_mdf"] = cols["co_investment_rate__num"]
    cols["investment_enablement_hours"] = rng.poisson(base_trials * 2).astype(float)
    cols["investment_se_hours"] = rng.poisson(base_trials * 3).astype(float)
    cols["investment_incentive"] = np.round(won * 500.0, 2)
    cols["investment_co_marketing"] = np.where(rng.random(n) < 0.3, 2500.0, 0.0)
    cols["tickets_opened"] = tickets.astype(float)
    cols["escalations"] = escal.astype(float)
    cols["disputes_opened"] = disputes.astype(float)
    cols["implementation_defects"] = cols["rework_rate__num"]
    cols["audit_findings"] = rng.poisson(np.exp(-0.5 - 0.5 * t)).astype(float)
    reviews = cols["security_posture_rate__den"]
    cols["security_review_days"] = np.where(
        reviews > 0, np.round(np.exp(3.4 - 0.2 * t + 0.2 * rng.standard_normal(n)), 1), np.nan)
    cols["closed_deals"] = closed.astype(float)

    table = pd.DataFrame(cols)
    truth = pd.DataFrame({"partner_id": table["partner_id"], "quarter": table["quarter"],
                          "latent_trust": t})
    return table, truth

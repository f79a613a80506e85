"""Seeded partner panels with a known, planted difference between trust cohorts.

Why this exists: the cohort models are only credible if they recover a difference we
planted ourselves, and if, when nothing is planted, their intervals cover zero at the
stated rate. The simulator writes outcome tables at their natural unit (deals,
account snapshots, tickets, opportunities) in the shape of the data contract, and a
scored panel, so the whole of :func:`rotlib.cohorts.compare_cohorts` is exercised.

The planted truth is *exactly* the coefficient each adjusted model estimates:

* win rate / renewal: each partner's win (renewal) probability is drawn from a Beta
  distribution whose mean is ``expit(b0 + segment effects + delta * above)``, so deals of
  one partner are correlated (cluster-robust errors matter) while the population-
  averaged logistic model with segment main effects holds exactly; ``delta`` is the
  log odds ratio.
* cycle days of won deals: ``base * exp(segment + delta * above) * F_partner * E_deal``
  with mean-one gamma terms, so ``delta`` is the log ratio of mean days.
* escalations: each ticket escalates with a partner probability drawn from a Beta with
  mean ``exp(r0 + segment + delta * above)``, so ``delta`` is the log rate ratio per
  ticket (the Poisson model with a log-ticket offset).
* influenced pipeline: influenced opportunities per partner are Poisson with a
  mean-one gamma partner frailty and a log-linear mean; amounts are independent, so
  ``delta`` is the log ratio of mean pipeline per partner.

Scores depend on segment (``confounding`` > 0: large partners score higher *and* win
more), so the crude comparison is biased and the adjusted one is not. Closed deals are
partner-sourced; influenced opportunities are separate open opportunities (so the
pipeline outcome does not depend on the deal process).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rotlib.calendar import FiscalCalendar

#: Planted log-scale differences, above vs below (the defaults favour trust).
DEFAULT_EFFECTS: dict[str, float] = {
    "win_rate": 0.40,  # log odds ratio
    "median_cycle_days_won": float(np.log(0.85)),  # log ratio of mean days
    "renewal_rate": 0.50,  # log odds ratio
    "escalation_rate": float(np.log(0.70)),  # log rate ratio per ticket
    "influenced_pipeline": float(np.log(1.30)),  # log ratio of mean pipeline
}
NO_EFFECTS: dict[str, float] = dict.fromkeys(DEFAULT_EFFECTS, 0.0)

TYPES = ("reseller", "systems_integrator", "isv", "msp", "referral")
REGIONS = ("north_america", "emea", "apac", "latam")
SIZES = ("small", "medium", "large")
TIERS = ((80.0, "Strategic"), (60.0, "Trusted"), (40.0, "Developing"), (-1.0, "Probation"))

# segment effects on each outcome's linear predictor (log-odds or log scale)
_SIZE = {"small": -0.35, "medium": 0.0, "large": 0.35}
_REGION = {"north_america": 0.1, "emea": 0.0, "apac": -0.15, "latam": -0.05}
_TYPE = {"reseller": 0.0, "systems_integrator": 0.15, "isv": 0.1, "msp": -0.1,
         "referral": -0.2}


@dataclass(frozen=True)
class SimulatedCohorts:
    """A generated scored panel and outcome tables, with the planted truth."""

    scored: pd.DataFrame
    outcomes: dict[str, pd.DataFrame]
    truth: dict[str, float]
    quarter: str
    threshold: float
    info: dict = field(default_factory=dict)


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _beta_around(rng: np.random.Generator, mean: np.ndarray, concentration: float
                 ) -> np.ndarray:
    """Beta draws with the given means (exact in expectation)."""
    m = np.clip(mean, 1e-6, 1 - 1e-6)
    return rng.beta(m * concentration, (1 - m) * concentration)


def _gamma1(rng: np.random.Generator, shape: float, size: int) -> np.ndarray:
    """Mean-one gamma frailty with variance 1/shape."""
    return rng.gamma(shape, 1.0 / shape, size=size)


def tier_of(score: np.ndarray) -> np.ndarray:
    out = np.full(score.shape, "insufficient data", dtype=object)
    for cut, name in reversed(TIERS):
        out[score >= cut] = name
    out[np.isnan(score)] = "insufficient data"
    return out


def simulate_cohorts(
    n_partners: int = 500,
    *,
    effects: dict[str, float] | None = None,
    confounding: float = 1.0,
    seed: int = 0,
    quarter: str = "2026Q2",
    threshold: float = 60.0,
    deals_scale: float = 1.0,
    insufficient_share: float = 0.03,
    concentration: float = 20.0,
) -> SimulatedCohorts:
    """Generate ``n_partners`` partners scored in ``quarter`` and in the next quarter,
    with outcomes in both.

    ``effects`` are log-scale differences above vs below the threshold (see
    :data:`DEFAULT_EFFECTS`; :data:`NO_EFFECTS` is the null). ``confounding`` scales how
    much segments drive both the score and the outcomes' baselines (0 = scores
    independent of segment). ``deals_scale`` multiplies every count (deals, tickets,
    renewals, opportunities). ``concentration`` sets the partner heterogeneity of rates
    (smaller = more correlated units within a partner).
    """
    eff = {**NO_EFFECTS, **(DEFAULT_EFFECTS if effects is None else effects)}
    rng = np.random.default_rng(seed)
    cal = FiscalCalendar(1)
    q0 = FiscalCalendar.label_to_index(quarter)
    n = int(n_partners)
    pid = np.array([f"P{i:06d}" for i in range(n)], dtype=object)
    ptype = rng.choice(TYPES, size=n, p=[0.35, 0.2, 0.15, 0.15, 0.15])
    region = rng.choice(REGIONS, size=n, p=[0.4, 0.3, 0.2, 0.1])
    size = rng.choice(SIZES, size=n, p=[0.5, 0.35, 0.15])
    seg = (np.vectorize(_SIZE.get)(size) + np.vectorize(_REGION.get)(region)
           + np.vectorize(_TYPE.get)(ptype))
    seg_out = confounding * seg

    # scores: segment-driven (confounding) plus partner noise; next quarter drifts
    score0 = np.clip(55 + confounding * 25 * seg + rng.normal(0, 14, n), 0, 100)
    score1 = np.clip(score0 + rng.normal(0, 6, n), 0, 100)
    score0[rng.random(n) < insufficient_share] = np.nan
    score1[rng.random(n) < insufficient_share] = np.nan
    above = (np.nan_to_num(score0, nan=-1.0) >= threshold).astype(float)

    scored = pd.concat([
        pd.DataFrame({"partner_id": pid, "quarter": FiscalCalendar.index_to_label(q),
                      "quarter_index": q, "rot_score": s, "tier": tier_of(s),
                      "partner_type": ptype, "region": region, "size": size})
        for q, s in ((q0, score0), (q0 + 1, score1))
    ], ignore_index=True)
    scored["tier"] = scored["tier"].astype("str")

    size_mult = np.vectorize({"small": 0.5, "medium": 1.0, "large": 2.0}.get)(size)
    # partner-level traits, constant across windows (so windows are correlated too)
    p_win = _beta_around(rng, _expit(-0.3 + seg_out + eff["win_rate"] * above), concentration)
    p_ren = _beta_around(rng, _expit(0.8 + seg_out + eff["renewal_rate"] * above), concentration)
    p_esc = _beta_around(rng, np.exp(np.log(0.12) - 0.5 * seg_out
                                     + eff["escalation_rate"] * above), concentration)
    f_cycle = _gamma1(rng, 6.0, n)
    f_pipe = _gamma1(rng, 3.0, n)
    mean_cycle = 60.0 * np.exp(-0.3 * seg_out + eff["median_cycle_days_won"] * above)
    mean_pipe_n = 1.5 * size_mult * np.exp(0.5 * seg_out + eff["influenced_pipeline"] * above)

    opps, snaps, tickets = [], [], []
    n_accounts = 1 + rng.poisson(2.0 * size_mult * deals_scale)
    for w in (0, 1):
        qi = q0 + w
        start = cal.quarter_start(qi)
        span = (cal.quarter_end(qi) - start).days + 1

        def days_in(k: int, start=start, span=span) -> pd.DatetimeIndex:
            return start + pd.to_timedelta(rng.integers(0, span, size=k), unit="D")

        # closed partner-sourced deals
        k = rng.poisson(4.0 * size_mult * deals_scale)
        who = np.repeat(np.arange(n), k)
        won = rng.random(who.size) < p_win[who]
        cycle = mean_cycle[who] * f_cycle[who] * _gamma1(rng, 4.0, who.size)
        lost_cycle = 70.0 * _gamma1(rng, 3.0, who.size)
        days = np.maximum(0, np.rint(np.where(won, cycle, lost_cycle))).astype(int)
        closed = days_in(who.size)
        opps.append(pd.DataFrame({
            "partner_id": pid[who], "account_id": [f"A{j}" for j in rng.integers(0, 10**6,
                                                                                  who.size)],
            "motion": rng.choice(["co_sell", "partner_only"], size=who.size),
            "attribution": "sourced", "stage": np.where(won, "won", "lost"),
            "amount": np.round(rng.lognormal(10, 0.8, who.size), 2),
            "created_date": closed - pd.to_timedelta(days, unit="D"), "closed_date": closed,
            "deal_registered": rng.random(who.size) < 0.8,
        }))
        # influenced opportunities created in the quarter (open)
        k = rng.poisson(mean_pipe_n * f_pipe * deals_scale)
        who = np.repeat(np.arange(n), k)
        opps.append(pd.DataFrame({
            "partner_id": pid[who], "account_id": [f"A{j}" for j in rng.integers(0, 10**6,
                                                                                  who.size)],
            "motion": "co_sell", "attribution": "influenced", "stage": "open",
            "amount": np.round(rng.lognormal(10.5, 0.7, who.size), 2),
            "created_date": days_in(who.size), "closed_date": pd.NaT,
            "deal_registered": True,
        }))
        # account snapshots (one per account and quarter)
        who = np.repeat(np.arange(n), n_accounts)
        acct = np.concatenate([np.arange(c) for c in n_accounts]) if n else np.zeros(0, int)
        due = rng.random(who.size) < 0.35
        renewed = rng.random(who.size) < p_ren[who]
        snaps.append(pd.DataFrame({
            "account_id": [f"{p}-A{a}" for p, a in zip(pid[who], acct, strict=True)],
            "account_name": [f"Account {a}" for a in acct], "partner_id": pid[who],
            "snapshot_date": start + pd.Timedelta(days=45), "milestones_planned": 4,
            "milestones_met": rng.integers(0, 5, who.size), "time_to_value_days": np.nan,
            "renewal_due": due,
            "renewed": pd.array(np.where(due, renewed, False), dtype="boolean").copy(),
            "expansion_amount": 0.0,
        }))
        snaps[-1].loc[~due, "renewed"] = pd.NA
        # tickets
        k = rng.poisson(5.0 * size_mult * deals_scale)
        who = np.repeat(np.arange(n), k)
        opened = days_in(who.size).tz_localize("UTC") + pd.to_timedelta(
            rng.integers(0, 86400, who.size), unit="s")
        tickets.append(pd.DataFrame({
            "partner_id": pid[who], "account_id": None, "opened_at": opened,
            "resolved_at": opened + pd.Timedelta(days=2),
            "sla_due_at": opened + pd.Timedelta(days=3),
            "severity": rng.choice(["sev1", "sev2", "sev3", "sev4"], size=who.size),
            "escalated": rng.random(who.size) < p_esc[who],
        }))
    opp = pd.concat(opps, ignore_index=True)
    opp.insert(0, "opportunity_id", [f"O{i:08d}" for i in range(len(opp))])
    tk = pd.concat(tickets, ignore_index=True)
    tk.insert(0, "ticket_id", [f"T{i:08d}" for i in range(len(tk))])
    ah = pd.concat(snaps, ignore_index=True)
    partners = pd.DataFrame({"partner_id": pid, "partner_name": [f"Partner {p}" for p in pid],
                             "partner_type": ptype, "region": region, "size": size,
                             "joined_date": pd.Timestamp("2022-01-01")})
    return SimulatedCohorts(
        scored=scored,
        outcomes={"partners": partners, "opportunities": opp, "account_health": ah,
                  "tickets": tk},
        truth={k: float(v) for k, v in eff.items()},
        quarter=quarter,
        threshold=float(threshold),
        info={"n_above": int(above.sum()), "confounding": confounding, "seed": seed},
    )

"""The generator's mechanism parameters, declared once.

Why one module: ``truth.json`` reports these same numbers (see
:func:`rotlib.sample_data.truth.mechanism_description`), so what the data was made from
and what the truth file says it was made from cannot drift apart.

Scales and units
----------------
* Latent trust ``z`` is a standardised level (about mean 0, sd 0.7 across partners);
  higher is more trustworthy. It is never written to the data, only to ``truth.json``.
* ``*_logit`` coefficients shift a log-odds; ``*_log`` coefficients shift a natural log
  (of days, of an amount or of a Poisson rate). A coefficient is "per unit of ``z``".
* Volumes are expected events per partner per quarter (at ``volume=1`` for deals,
  tickets and shared accounts, the only ones ``volume`` scales).

Why trust baselines depend on partner type only (not region or size): outcome baselines
depend on region (rates) and size (volumes). Keeping the two sets of segment variables
apart means that with ``trust_link=0`` outcomes are independent of trust not only
conditionally but marginally, so the cohort analysis' no-link null holds without any
adjustment. Partner type, region and size are drawn independently of each other.
"""

from __future__ import annotations

from math import log

# --- segments (shares sum to 1; order follows rotlib.contract) ------------------------
PARTNER_TYPE_SHARES: dict[str, float] = {
    "reseller": 0.35, "systems_integrator": 0.20, "isv": 0.15, "msp": 0.15, "referral": 0.15,
}
REGION_SHARES: dict[str, float] = {
    "north_america": 0.40, "emea": 0.30, "apac": 0.20, "latam": 0.10,
}
SIZE_SHARES: dict[str, float] = {"small": 0.50, "medium": 0.35, "large": 0.15}

#: Share of partners that join during the window (no activity before joining; never
#: enrolled in a program). Only when the window has at least 2 quarters.
NEW_PARTNER_SHARE = 0.08
#: Established partners joined between this many days and 30 days before the history.
MAX_TENURE_DAYS = 8 * 365

# --- latent trust ---------------------------------------------------------------------
TRUST_TYPE_BASELINE: dict[str, float] = {
    "reseller": 0.0, "systems_integrator": 0.30, "isv": 0.15, "msp": 0.10, "referral": -0.50,
}
TRUST_PARTNER_SD = 0.45        # sd of the partner's permanent level around its baseline
TRUST_AR1_RHO = 0.75           # quarter-to-quarter persistence of deviations
TRUST_INNOVATION_SD = 0.35     # sd of the quarterly shock; stationary sd = 0.35/sqrt(1-rho^2)
#: Internal tiers (not written) from last quarter's trust: investments respond to them.
TIER_CUTS = (-0.2, 0.6)        # z below -0.2 bronze, below 0.6 silver, else gold
TIER_NAMES = ("bronze", "silver", "gold")

#: Quarters of opportunity history before the window, so that deals closing in the first
#: window quarters include long-cycle deals (no ramp-up in closed-deal metrics).
HISTORY_QUARTERS = 4

# --- seasonality by fiscal quarter of year (Q1..Q4) -------------------------------------
SEASON_DEALS = (0.85, 1.00, 0.95, 1.25)      # deal creation volume (Q4 push)
SEASON_AMOUNT = (0.95, 1.00, 1.00, 1.10)     # deal size
SEASON_TICKETS = (1.10, 1.00, 0.95, 1.00)    # ticket volume (Q1 go-lives)

# --- volumes (events per partner-quarter), by size small/medium/large --------------------
# Transaction systems scale with ``volume`` (deals, tickets, shared accounts): ...
DEAL_RATE = (3.0, 10.0, 35.0)
DIRECT_DEAL_RATE = 1.6               # direct deals per partner-quarter (no partner)
TICKET_RATE = (10.0, 30.0, 95.0)
INITIAL_ACCOUNTS = (2.0, 6.0, 20.0)  # shared accounts at the start of the window
NEW_ACCOUNT_RATE = (0.15, 0.5, 1.5)  # new shared accounts per quarter
# ... governance records follow the partner program's cadence and do not.
DELIVERABLE_RATE = (1.0, 2.5, 6.0)
POLICY_CHECK_RATE = (1.2, 2.0, 3.5)
ACTIVITY_RATE = (0.8, 1.5, 3.5)
SECURITY_REVIEW_RATE = (0.3, 0.5, 0.9)
#: Headcount by size (rows) and role (sales, solutions, support); referral partners have
#: no support staff.
HEADCOUNT = ((3, 2, 1), (10, 6, 4), (40, 25, 15))

# --- outcome mechanisms (baselines; trust enters only via OUTCOME_LINK * trust_link) ----
WIN_BASE_LOGIT = -0.60
WIN_CO_SELL_LOGIT = 0.30
WIN_REGION_LOGIT = (0.0, -0.05, -0.10, -0.20)
WIN_PARTNER_SD = 0.25                # permanent partner heterogeneity, independent of trust
WIN_QUARTER_SHOCK_SD = 0.15          # partner-quarter shock
DIRECT_WIN_LOGIT = -0.45

CYCLE_BASE_LOG = log(70.0)           # median days, medium partner, north america
CYCLE_SIZE_LOG = (-0.10, 0.0, 0.15)
CYCLE_REGION_LOG = (0.0, 0.08, 0.12, 0.20)
CYCLE_AMOUNT_ELASTICITY = 0.15       # log days per log(amount / size median)
CYCLE_SD = 0.50
DIRECT_CYCLE_BASE_LOG = log(80.0)

DEAL_AMOUNT_MEDIAN = (12_000.0, 30_000.0, 75_000.0)
DIRECT_AMOUNT_MEDIAN = 40_000.0
DEAL_AMOUNT_SD = 0.80
CO_SELL_AMOUNT_FACTOR = 1.30

ESCALATION_BASE_LOGIT = -2.10
ESCALATION_SEVERITY_LOGIT = (1.20, 0.60, 0.0, -0.60)     # sev1..sev4
ESCALATION_REGION_LOGIT = (0.0, 0.05, 0.10, 0.15)

RENEWAL_BASE_LOGIT = 1.60
RENEWAL_REGION_LOGIT = (0.0, 0.05, -0.10, -0.20)
EXPANSION_BASE_LOGIT = -1.80
EXPANSION_AMOUNT_MEDIAN = (4_000.0, 9_000.0, 20_000.0)

#: How strongly latent trust drives each outcome, per unit of z, before multiplying by
#: ``trust_link``. With ``trust_link=0`` none of these outcomes depends on trust.
OUTCOME_LINK: dict[str, float] = {
    "win_logit": 0.45,               # deal win log-odds (at the close quarter's trust)
    "cycle_log": -0.12,              # log cycle days (at the creation quarter's trust)
    "escalation_logit": -0.45,       # ticket escalation log-odds
    "renewal_logit": 0.60,           # account renewal log-odds when a renewal is due
    "expansion_logit": 0.50,         # log-odds that an account expands in a quarter
    "pipeline_log_rate": 0.25,       # log rate of partner deal creation
    "pipeline_log_amount": 0.08,     # log deal amount
}

# --- behaviour mechanisms: (intercept, slope per unit of z); always trust-driven --------
BEHAVIOUR_LINK: dict[str, tuple[float, float]] = {
    "on_time_delivery_logit": (1.00, 0.90),
    "rework_logit": (-1.80, -0.60),
    "sla_met_logit": (1.30, 0.80),
    "certified_logit": (0.20, 0.90),
    "milestone_met_logit": (0.80, 0.70),
    "policy_pass_logit": (2.20, 0.80),
    "dispute_log_rate_per_closed_deal": (log(0.05), -0.60),
    "security_on_time_logit": (0.70, 0.80),
    "findings_log_rate": (log(1.2), -0.50),
    "sourced_logit": (-0.40, 0.70),
    "initiative_executed_logit": (0.90, 0.80),
    "mdf_utilization_logit": (0.50, 0.90),
    "deal_registered_logit": (1.60, 0.70),
    "ticket_log_rate": (0.0, -0.15),
    "time_to_value_log_days": (log(75.0), -0.20),
}

# --- programs ---------------------------------------------------------------------------
BOOTCAMP = "Enablement Bootcamp"
OFFICE_HOURS = "Partner Office Hours"
#: Enrollment probability of an eligible partner by type, times a size factor.
BOOTCAMP_TYPE_PROB: dict[str, float] = {
    "reseller": 0.55, "systems_integrator": 0.60, "isv": 0.45, "msp": 0.45, "referral": 0.20,
}
BOOTCAMP_SIZE_FACTOR = (0.70, 1.00, 1.25)
#: Tilt of wave choice by size: negative = earlier waves (large partners go first).
BOOTCAMP_WAVE_TILT = (1.2, 0.0, -1.2)
#: Share of starts on the first day of the wave quarter (the rest start mid-quarter).
START_ON_QUARTER_DAY_ONE = 0.6
OFFICE_HOURS_SHARE = 0.15
#: Planted effects of the bootcamp by quarters since start e = 0, 1, 2, 3+ (times
#: ``program_effect``). Each enters the deal or ticket mechanism, never an aggregate.
BOOTCAMP_WIN_LOGIT = (0.15, 0.30, 0.40, 0.45)          # deals closed on/after start
BOOTCAMP_ESCALATION_LOGIT = (-0.20, -0.35, -0.45, -0.50)  # tickets opened on/after start
BOOTCAMP_CYCLE_LOG = (-0.04, -0.08, -0.12, -0.15)      # deals created on/after start
BOOTCAMP_ENABLEMENT_HOURS = 40.0                       # program cost, at the start date

#: Partners per generation chunk (bounds memory; part of what makes output deterministic).
CHUNK_PARTNERS = 4000

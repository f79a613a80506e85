"""The RoT ratio: (value created + risk reduced) / investment, with its breakdown.

All amounts are in the config's currency per quarter.

Value created
    ``gross_margin * (credit_share_sourced * won_amount_sourced
    + credit_share_influenced * won_amount_influenced)``
    ``+ credit_share_renewal * renewal_value_per_account * renewals_count``
    ``+ credit_share_expansion * gross_margin * expansion_amount``.
Risk reduced
    For escalations (exposure: tickets opened), disputes (exposure: closed partner
    deals) and implementation defects (exposure: deliverables delivered, the
    ``rework_rate`` denominator): ``(baseline rate * exposure - actual events) *
    unit_cost``. For security reviews: ``(baseline days - mean review days) * reviews due
    (the security_posture_rate denominator) * cost per day``. A baseline is a stated
    rate or ``portfolio`` (the pooled rate of all partners in the same quarter). Risk
    reduced is negative when a partner caused more events than the baseline: that is
    reported, not hidden.
Investment
    ``investment_mdf + enablement hours * rate + SE hours * rate + investment_incentive
    + investment_co_marketing``.

A partner with zero investment gets no ratio (NaN) and the status "no investment", never
infinity or 0; the portfolio ratio is the ratio of sums (not a mean of ratios), per
quarter. Missing amounts or counts count as zero (nothing was booked); a missing mean
review time counts as no days saved.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rotlib.scoring.config import RiskItem, RotRatioConfig

#: columns of the breakdown, in the order the report shows them
VALUE_PARTS = ("value_sourced", "value_influenced", "value_renewal", "value_expansion")
RISK_PARTS = ("risk_escalations", "risk_disputes", "risk_defects", "risk_security_days")
INVESTMENT_PARTS = (
    "investment_mdf",
    "investment_enablement",
    "investment_se",
    "investment_incentive",
    "investment_co_marketing",
)


def _col(table: pd.DataFrame, name: str) -> np.ndarray:
    if name not in table.columns:
        return np.zeros(len(table))
    return np.nan_to_num(pd.to_numeric(table[name], errors="coerce").to_numpy(float), nan=0.0)


def _baseline_rate(item: RiskItem, events: np.ndarray, exposure: np.ndarray,
                   quarter: np.ndarray) -> np.ndarray:
    """The stated baseline, or the pooled portfolio rate of each row's quarter."""
    if item.baseline != "portfolio":
        return np.full(events.size, float(item.baseline))
    frame = pd.DataFrame({"q": quarter, "e": events, "x": exposure})
    sums = frame.groupby("q", sort=False)[["e", "x"]].transform("sum")
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = sums["e"].to_numpy() / sums["x"].to_numpy()
    return np.nan_to_num(rate, nan=0.0)


def rot_ratio(table: pd.DataFrame, cfg: RotRatioConfig) -> pd.DataFrame:
    """Per-row value created, risk reduced, investment, the ratio and its status."""
    return pd.DataFrame(ratio_arrays(table, cfg), index=table.index)


def ratio_arrays(table: pd.DataFrame, cfg: RotRatioConfig) -> dict[str, object]:
    """:func:`rot_ratio` as ordered columns (arrays), for assembling a larger table."""
    vc = cfg.value_created
    rr = cfg.risk_reduced
    quarter = table["quarter_index"].to_numpy()
    out: dict[str, np.ndarray] = {}
    out["value_sourced"] = vc.gross_margin * vc.credit_share_sourced * _col(
        table, "won_amount_sourced")
    out["value_influenced"] = vc.gross_margin * vc.credit_share_influenced * _col(
        table, "won_amount_influenced")
    out["value_renewal"] = (vc.credit_share_renewal * vc.renewal_value_per_account
                            * _col(table, "renewals_count"))
    out["value_expansion"] = vc.credit_share_expansion * vc.gross_margin * _col(
        table, "expansion_amount")

    for part, item, events, exposure in (
        ("risk_escalations", rr.escalations, "escalations", "tickets_opened"),
        ("risk_disputes", rr.disputes, "disputes_opened", "closed_deals"),
        ("risk_defects", rr.implementation_defects, "implementation_defects", "rework_rate__den"),
    ):
        e, x = _col(table, events), _col(table, exposure)
        out[part] = (_baseline_rate(item, e, x, quarter) * x - e) * item.unit_cost

    sec = rr.security_review_days
    if "security_review_days" in table.columns:
        days_arr = pd.to_numeric(table["security_review_days"], errors="coerce").to_numpy(float)
    else:
        days_arr = np.full(len(table), np.nan)
    reviews = _col(table, "security_posture_rate__den")
    if sec.baseline == "portfolio":
        frame = pd.DataFrame({"q": quarter, "d": days_arr * reviews,
                              "r": np.where(np.isnan(days_arr), 0.0, reviews)})
        sums = frame.groupby("q", sort=False)[["d", "r"]].transform("sum")
        with np.errstate(invalid="ignore", divide="ignore"):
            base_days = np.nan_to_num(sums["d"].to_numpy() / sums["r"].to_numpy(), nan=0.0)
    else:
        base_days = np.full(len(table), float(sec.baseline))
    saved = np.where(np.isnan(days_arr), 0.0, (base_days - days_arr) * reviews)
    out["risk_security_days"] = saved * sec.unit_cost

    inv = cfg.investment
    out["investment_mdf"] = _col(table, "investment_mdf")
    out["investment_enablement"] = _col(table, "investment_enablement_hours") * (
        inv.enablement_hour_cost)
    out["investment_se"] = _col(table, "investment_se_hours") * inv.se_hour_cost
    out["investment_incentive"] = _col(table, "investment_incentive")
    out["investment_co_marketing"] = _col(table, "investment_co_marketing")

    value = sum(out[c] for c in VALUE_PARTS)
    risk = sum(out[c] for c in RISK_PARTS)
    invest = sum(out[c] for c in INVESTMENT_PARTS)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(invest > 0, (value + risk) / np.where(invest > 0, invest, 1.0), np.nan)
    status = pd.Categorical.from_codes((invest <= 0).astype(np.int8),
                                       categories=["ok", "no investment"])
    return {"value_created": value, "risk_reduced": risk, "investment": invest,
            "rot_ratio": ratio, "rot_ratio_status": status, **out}


def portfolio_ratio(breakdown: pd.DataFrame, quarter: pd.Series) -> pd.DataFrame:
    """Portfolio RoT ratio per quarter: sum of numerators over sum of investment."""
    cols = ["value_created", "risk_reduced", "investment", *VALUE_PARTS, *RISK_PARTS,
            *INVESTMENT_PARTS]
    sums = breakdown[cols].groupby(quarter.to_numpy()).sum()
    sums.index.name = "quarter"
    invest = sums["investment"]
    sums.insert(3, "rot_ratio", ((sums["value_created"] + sums["risk_reduced"]) / invest)
                .where(invest > 0))
    sums.insert(4, "rot_ratio_status", np.where(invest > 0, "ok", "no investment"))
    sums.insert(5, "partners_with_investment",
                (breakdown["investment"] > 0).groupby(quarter.to_numpy()).sum())
    return sums.reset_index()

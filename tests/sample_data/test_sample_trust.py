"""Latent trust drives behaviours always and outcomes only through trust_link."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from _sample_panels import (
    count_panel,
    partner_pos,
    quarter_pos,
    start_quarters,
    trust_matrix,
    win_panel,
)
from scipy.stats import spearmanr

from rotlib.sample_data import params as P


def _behaviour_panels(frames, truth) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(numerator, denominator) per partner-quarter for behaviour metrics, from raw data."""
    d = frames["deliverables"]
    due = pd.to_datetime(d["due_date"])
    delivered = pd.to_datetime(d["delivered_date"])
    tk = frames["tickets"]
    pc = frames["policy_checks"]
    opp = frames["opportunities"]
    attributed = opp[opp["attribution"].notna()]
    ja = frames["joint_activities"]
    ah = frames["account_health"]
    out = {
        "on_time_delivery": count_panel(d["partner_id"], due, delivered <= due, truth),
        "rework": count_panel(d["partner_id"][delivered.notna()], delivered.dropna(),
                              d["rework_required"][delivered.notna()].astype(bool), truth),
        "sla_adherence": count_panel(tk["partner_id"], tk["sla_due_at"],
                                     tk["resolved_at"] <= tk["sla_due_at"], truth),
        "policy_compliance": count_panel(pc["partner_id"], pd.to_datetime(pc["checked_date"]),
                                         pc["passed"], truth),
        "sourced_share": count_panel(attributed["partner_id"],
                                     pd.to_datetime(attributed["created_date"]),
                                     attributed["attribution"] == "sourced", truth),
        "initiatives_executed": count_panel(
            ja["partner_id"], pd.to_datetime(ja["planned_date"]),
            pd.to_datetime(ja["completed_date"]).notna(), truth),
    }
    n, t = trust_matrix(truth).shape
    for name, table, num, den, when in (
        ("milestones_met", ah, "milestones_met", "milestones_planned", "snapshot_date"),
        ("certification_coverage", frames["certifications"], "certified", "headcount",
         "snapshot_date"),
        ("mdf_utilization", frames["mdf_allocations"], "utilized_amount", "allocated_amount",
         "allocated_date"),
    ):
        p, q = partner_pos(table["partner_id"], truth), quarter_pos(
            pd.to_datetime(table[when]), truth)
        ok = q >= 0
        key = p[ok] * t + q[ok]
        out[name] = (np.bincount(key, table[num].to_numpy(float)[ok], n * t).reshape(n, t),
                     np.bincount(key, table[den].to_numpy(float)[ok], n * t).reshape(n, t))
    return out


@pytest.fixture(scope="module")
def worlds(mid_sample, mid_frames, mid_no_link, mid_no_link_frames):
    """link value -> (frames, truth)."""
    return {1.0: (mid_frames, mid_sample.truth), 0.0: (mid_no_link_frames, mid_no_link.truth)}


@pytest.mark.parametrize("link", [1.0, 0.0])
def test_behaviours_follow_latent_trust(worlds, link):
    frames, truth = worlds[link]
    z = trust_matrix(truth)
    for name, (num, den) in _behaviour_panels(frames, truth).items():
        ok = den >= 3
        rho = spearmanr(num[ok] / den[ok], z[ok]).statistic
        sign = -1 if name == "rework" else 1
        assert sign * rho > 0.15, (name, rho)


def _never_treated_deals(frames, truth):
    opp = frames["opportunities"]
    deals = opp[opp["partner_id"].notna() & (opp["stage"] != "open")].copy()
    p = partner_pos(deals["partner_id"], truth)
    q = quarter_pos(pd.to_datetime(deals["closed_date"]), truth)
    never = start_quarters(truth) < 0
    keep = (q >= 0) & never[p]
    deals = deals[keep]
    deals["z"] = trust_matrix(truth)[p[keep], q[keep]]
    return deals, frames["partners"].set_index("partner_id")


def _logit_trust(y: pd.Series, z: pd.Series, controls: pd.DataFrame) -> tuple[float, float]:
    X = sm.add_constant(pd.concat([z.rename("z"), controls], axis=1).astype(float))
    fit = sm.Logit(y.astype(float).to_numpy(), X.to_numpy()).fit(disp=0)
    return float(fit.params[1]), float(fit.bse[1])


@pytest.mark.parametrize("link", [1.0, 0.0])
def test_win_log_odds_respond_to_trust_only_with_link(worlds, link):
    deals, partners = _never_treated_deals(*worlds[link])
    controls = pd.get_dummies(partners.loc[deals["partner_id"], "region"].reset_index(drop=True),
                              drop_first=True)
    controls["co_sell"] = (deals["motion"] == "co_sell").to_numpy()
    coef, se = _logit_trust((deals["stage"] == "won").reset_index(drop=True),
                            deals["z"].reset_index(drop=True), controls)
    target = link * P.OUTCOME_LINK["win_logit"]
    # omitted partner heterogeneity (sd ~0.3, independent of trust) attenuates a logit
    # coefficient by ~1-2 %: allow that on top of sampling noise
    assert abs(coef - target) < 4 * se + 0.03 * abs(target), (coef, se, target)


@pytest.mark.parametrize("link", [1.0, 0.0])
def test_escalation_and_renewal_respond_to_trust_only_with_link(worlds, link):
    frames, truth = worlds[link]
    z = trust_matrix(truth)
    partners = frames["partners"].set_index("partner_id")
    never = start_quarters(truth) < 0

    tk = frames["tickets"]
    p, q = partner_pos(tk["partner_id"], truth), quarter_pos(tk["opened_at"], truth)
    sel = never[p]
    tk = tk[sel].reset_index(drop=True)
    controls = pd.get_dummies(pd.DataFrame({
        "severity": tk["severity"],
        "region": partners.loc[tk["partner_id"], "region"].to_numpy()}), drop_first=True)
    coef, se = _logit_trust(tk["escalated"], pd.Series(z[p[sel], q[sel]]), controls)
    target = link * P.OUTCOME_LINK["escalation_logit"]
    assert abs(coef - target) < 4 * se + 0.03 * abs(target), ("escalation", coef, se)

    ah = frames["account_health"]
    due = ah[ah["renewal_due"]].reset_index(drop=True)
    p, q = partner_pos(due["partner_id"], truth), quarter_pos(
        pd.to_datetime(due["snapshot_date"]), truth)
    controls = pd.get_dummies(partners.loc[due["partner_id"], "region"].reset_index(drop=True),
                              drop_first=True)
    coef, se = _logit_trust(due["renewed"].astype(bool), pd.Series(z[p, q]), controls)
    target = link * P.OUTCOME_LINK["renewal_logit"]
    # account heterogeneity (sd 0.5) attenuates by ~4 %
    assert abs(coef - target) < 4 * se + 0.06 * abs(target), ("renewal", coef, se)


@pytest.mark.parametrize("link", [1.0, 0.0])
def test_cycle_days_respond_to_trust_only_with_link(worlds, link):
    frames, truth = worlds[link]
    opp = frames["opportunities"]
    created = pd.to_datetime(opp["created_date"])
    q = quarter_pos(created, truth)
    never = start_quarters(truth) < 0
    p = partner_pos(opp["partner_id"].fillna(""), truth)
    # deals created early in the window have all closed by the as-of date (no censoring)
    sel = (p >= 0) & (q >= 0) & (q <= 3) & (opp["stage"] != "open").to_numpy()
    sel &= never[np.maximum(p, 0)]
    deals = opp[sel].reset_index(drop=True)
    partners = frames["partners"].set_index("partner_id").loc[deals["partner_id"]]
    days = (pd.to_datetime(deals["closed_date"]) - pd.to_datetime(deals["created_date"])).dt.days
    X = pd.get_dummies(partners[["size", "region"]].reset_index(drop=True), drop_first=True)
    X["log_amount"] = np.log(deals["amount"].to_numpy(float))
    X.insert(0, "z", trust_matrix(truth)[p[sel], q[sel]])
    fit = sm.OLS(np.log(days.to_numpy(float)), sm.add_constant(X.astype(float))).fit()
    target = link * P.OUTCOME_LINK["cycle_log"]
    assert abs(fit.params["z"] - target) < 4 * fit.bse["z"] + 0.01, (fit.params["z"], target)


def test_no_link_means_no_marginal_association(worlds):
    """With trust_link=0 the above/below-trust comparison has nothing to find, even
    without adjusting for segments (no confounding through partner_type, region, size)."""
    for link, (frames, truth) in worlds.items():
        wins, closed = win_panel(frames, truth)
        never = start_quarters(truth) < 0
        ok = never & (closed.sum(axis=1) >= 10)
        rate = wins[ok].sum(axis=1) / closed[ok].sum(axis=1)
        rho = spearmanr(rate, trust_matrix(truth)[ok].mean(axis=1)).statistic
        if link:
            assert rho > 0.2
        else:
            assert abs(rho) < 4 / np.sqrt(ok.sum())

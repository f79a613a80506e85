"""Hand-made tiny panels for guard-rail tests: every deal, renewal and ticket is chosen.

``Partner`` says what one partner did in the window quarter(s); ``build`` turns a list
of them into a scored panel and contract-shaped outcome tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rotlib.calendar import FiscalCalendar


@dataclass
class Partner:
    partner_id: str
    score: float
    won: int = 3
    lost: int = 3
    days: float = 30.0  # cycle days of each won deal
    renewed: int = 2
    not_renewed: int = 1
    tickets: int = 4
    escalated: int = 1
    pipeline: float = 1000.0
    partner_type: str | None = "reseller"
    region: str | None = "emea"
    size: str | None = "small"
    tier: str | None = None
    score_next: float | None = None


def _tier(score: float) -> str:
    if score != score:  # NaN
        return "insufficient data"
    return "Strategic" if score >= 80 else "Trusted" if score >= 60 else \
        "Developing" if score >= 40 else "Probation"


def build(partners: list[Partner], quarter: str = "2026Q2", windows: tuple[int, ...] = (0, 1),
          ) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Scored panel (quarter and next quarter) and outcome tables for ``partners``."""
    cal = FiscalCalendar(1)
    q0 = FiscalCalendar.label_to_index(quarter)
    scored_rows, opp, ah, tk = [], [], [], []
    for p in partners:
        nxt = p.score if p.score_next is None else p.score_next
        for q, s in ((q0, p.score), (q0 + 1, nxt)):
            scored_rows.append({
                "partner_id": p.partner_id, "quarter": FiscalCalendar.index_to_label(q),
                "quarter_index": q, "rot_score": s,
                "tier": p.tier if (p.tier and q == q0) else _tier(s),
                "partner_type": p.partner_type, "region": p.region, "size": p.size})
        for w in windows:
            start = cal.quarter_start(q0 + w)
            day = start + pd.Timedelta(days=40)
            for k in range(p.won + p.lost):
                won = k < p.won
                opp.append({"opportunity_id": f"{p.partner_id}-{w}-{k}",
                            "partner_id": p.partner_id, "account_id": "A",
                            "motion": "co_sell", "attribution": "sourced",
                            "stage": "won" if won else "lost", "amount": 100.0,
                            "created_date": day - pd.Timedelta(days=p.days if won else 20),
                            "closed_date": day, "deal_registered": True})
            if p.pipeline:
                opp.append({"opportunity_id": f"{p.partner_id}-{w}-infl",
                            "partner_id": p.partner_id, "account_id": "A",
                            "motion": "co_sell", "attribution": "influenced", "stage": "open",
                            "amount": p.pipeline, "created_date": day, "closed_date": pd.NaT,
                            "deal_registered": True})
            for k in range(p.renewed + p.not_renewed):
                ah.append({"account_id": f"{p.partner_id}-acct{k}", "account_name": "x",
                           "partner_id": p.partner_id, "snapshot_date": day,
                           "milestones_planned": 1, "milestones_met": 1,
                           "time_to_value_days": np.nan, "renewal_due": True,
                           "renewed": k < p.renewed, "expansion_amount": 0.0})
            for k in range(p.tickets):
                opened = pd.Timestamp(day, tz="UTC")
                tk.append({"ticket_id": f"{p.partner_id}-{w}-t{k}", "partner_id": p.partner_id,
                           "account_id": None, "opened_at": opened,
                           "resolved_at": opened + pd.Timedelta(days=1),
                           "sla_due_at": opened + pd.Timedelta(days=2), "severity": "sev3",
                           "escalated": k < p.escalated})
    scored = pd.DataFrame(scored_rows)
    opp_cols = ["opportunity_id", "partner_id", "account_id", "motion", "attribution", "stage",
                "amount", "created_date", "closed_date", "deal_registered"]
    outcomes = {
        "opportunities": pd.DataFrame(opp, columns=opp_cols),
        "account_health": pd.DataFrame(ah, columns=[
            "account_id", "account_name", "partner_id", "snapshot_date", "milestones_planned",
            "milestones_met", "time_to_value_days", "renewal_due", "renewed",
            "expansion_amount"]),
        "tickets": pd.DataFrame(tk, columns=[
            "ticket_id", "partner_id", "account_id", "opened_at", "resolved_at", "sla_due_at",
            "severity", "escalated"]),
        "partners": pd.DataFrame({
            "partner_id": [p.partner_id for p in partners],
            "partner_type": [p.partner_type for p in partners],
            "region": [p.region for p in partners], "size": [p.size for p in partners]}),
    }
    return scored, outcomes


def varied(n_above: int, n_below: int, seed: int = 0, **overrides) -> list[Partner]:
    """Partners with some random variation in wins, days and tickets (no guard trips)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_above + n_below):
        above = i < n_above
        out.append(Partner(
            partner_id=f"P{i:04d}", score=float(rng.uniform(61, 95) if above
                                                else rng.uniform(5, 59)),
            won=int(rng.integers(1, 5)), lost=int(rng.integers(1, 5)),
            days=float(rng.integers(10, 90)), renewed=int(rng.integers(1, 3)),
            not_renewed=int(rng.integers(1, 3)), tickets=int(rng.integers(2, 8)),
            escalated=int(rng.integers(0, 2)), pipeline=float(rng.integers(0, 5) * 1000),
            region=str(rng.choice(["emea", "apac"])), size=str(rng.choice(["small", "large"])),
            partner_type=str(rng.choice(["reseller", "isv"])), **overrides))
    return out

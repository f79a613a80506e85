"""Movement between quarters: tier transition matrix Q -> Q+1, and who moved and why.

Why: a leader reading "above-threshold partners did better" next asks "and who moved?".
The matrix counts partners by their tier in Q (rows) and Q+1 (columns), with row
shares (of the partners in a Q tier, the share that ended in each Q+1 tier).
Partners missing from one of the quarters are counted as "not scored" rather than
dropped, so every partner of both quarters is in the matrix exactly once.

"Why" comes from the scoring step's decomposition of each partner's score change into
metric contributions (optional input, long format: one row per partner, quarter and
component with the contribution in score points; the quarter is the one the change
leads *into*, Q+1 here). Without it, the score change alone is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rotlib.calendar import FiscalCalendar
from rotlib.errors import AnalysisError

NOT_SCORED = "not scored"
_COMPONENT = ("metric", "component", "item", "category", "driver")
_CONTRIBUTION = ("contribution", "change", "delta", "points")


@dataclass(frozen=True)
class Transitions:
    """Tier transitions from ``quarter_from`` to ``quarter_to``."""

    counts: pd.DataFrame
    shares: pd.DataFrame
    movers: pd.DataFrame
    order: tuple[str, ...]
    quarter_from: str
    quarter_to: str

    def to_dict(self) -> dict:
        return {"quarter_from": self.quarter_from, "quarter_to": self.quarter_to,
                "order": list(self.order),
                "counts": self.counts.to_dict(orient="index"),
                "shares": self.shares.round(6).to_dict(orient="index"),
                "movers": self.movers.to_dict(orient="records")}


def _order(tiers: pd.DataFrame, tier_order: tuple[str, ...] | None, insufficient: str
           ) -> tuple[str, ...]:
    ranked = tiers.loc[tiers["tier"] != insufficient]
    if tier_order is not None:
        return tuple(tier_order)
    med = ranked.groupby("tier")["rot_score"].median().sort_values(kind="stable")
    return tuple(med.index.tolist())


def tier_transitions(
    scored: pd.DataFrame,
    quarter_index: int,
    *,
    tier_order: tuple[str, ...] | None = None,
    insufficient_label: str = "insufficient data",
    decomposition: pd.DataFrame | None = None,
    top: int = 3,
) -> Transitions:
    """Transition counts and shares from quarter ``quarter_index`` to the next one.

    ``tier_order`` lists tiers from lowest to highest (None: by median score). Movers
    are partners whose tier changed, with direction (up/down by tier rank), scores
    and the ``top`` largest decomposition contributions in the direction of the move.
    """
    q0, q1 = int(quarter_index), int(quarter_index) + 1
    qi = pd.to_numeric(scored["quarter_index"], errors="coerce")
    cols = ["partner_id", "tier", "rot_score"]
    a = scored.loc[qi == q0, cols].copy()
    b = scored.loc[qi == q1, cols].copy()
    for df in (a, b):
        df["partner_id"] = df["partner_id"].astype(str)
        df["tier"] = df["tier"].astype("str").where(df["tier"].notna(), insufficient_label)
    order = _order(pd.concat([a, b]), tier_order, insufficient_label)
    merged = a.merge(b, on="partner_id", how="outer", suffixes=("_from", "_to"))
    merged["tier_from"] = merged["tier_from"].fillna(NOT_SCORED)
    merged["tier_to"] = merged["tier_to"].fillna(NOT_SCORED)

    present = set(merged["tier_from"]) | set(merged["tier_to"])
    extra = [s for s in (insufficient_label, NOT_SCORED) if s in present]
    unknown = sorted(present - set(order) - set(extra))
    if unknown:
        raise AnalysisError(
            f"tier(s) {unknown} are not in tier_order {list(order)}. Fix: add them to "
            "tier_order or leave it unset."
        )
    states = [*order, *extra]
    counts = pd.crosstab(
        pd.Categorical(merged["tier_from"], categories=states),
        pd.Categorical(merged["tier_to"], categories=states), dropna=False,
    )
    counts.index = pd.Index(states, name=f"tier in {FiscalCalendar.index_to_label(q0)}")
    counts.columns = pd.Index(states, name=f"tier in {FiscalCalendar.index_to_label(q1)}")
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0), axis=0)

    rank = {t: i for i, t in enumerate(order)}
    moved = merged.loc[merged["tier_from"] != merged["tier_to"]].copy()
    r0 = moved["tier_from"].map(rank)
    r1 = moved["tier_to"].map(rank)
    direction = np.where(r1 > r0, "up", np.where(r1 < r0, "down", "unranked"))
    direction = np.where(moved["tier_from"] == NOT_SCORED, "entered", direction)
    direction = np.where(moved["tier_to"] == NOT_SCORED, "left", direction)
    moved["direction"] = direction
    moved["score_change"] = moved["rot_score_to"] - moved["rot_score_from"]
    moved["why"] = _why(moved, decomposition, q1, top)
    movers = moved[["partner_id", "tier_from", "tier_to", "direction", "rot_score_from",
                    "rot_score_to", "score_change", "why"]]
    movers = movers.sort_values(["direction", "score_change", "partner_id"],
                                key=lambda s: s.abs() if s.name == "score_change" else s,
                                ascending=[True, False, True]).reset_index(drop=True)
    return Transitions(counts=counts, shares=shares, movers=movers, order=order,
                       quarter_from=FiscalCalendar.index_to_label(q0),
                       quarter_to=FiscalCalendar.index_to_label(q1))


def _why(moved: pd.DataFrame, decomposition: pd.DataFrame | None, q1: int, top: int
         ) -> pd.Series:
    base = moved["score_change"].map(
        lambda d: f"score {d:+.1f} points" if np.isfinite(d) else "score not comparable")
    if decomposition is None or moved.empty:
        return base
    dec = decomposition
    comp = next((c for c in _COMPONENT if c in dec.columns), None)
    contrib = next((c for c in _CONTRIBUTION if c in dec.columns), None)
    if "partner_id" not in dec.columns or comp is None or contrib is None:
        raise AnalysisError(
            "the score decomposition needs columns partner_id, a component column (one of "
            f"{', '.join(_COMPONENT)}) and a contribution column (one of "
            f"{', '.join(_CONTRIBUTION)}); it has {list(dec.columns)}. Fix: pass the "
            "scoring step's long-format decomposition."
        )
    if "quarter_index" in dec.columns:
        dec = dec.loc[pd.to_numeric(dec["quarter_index"], errors="coerce") == q1]
    elif "quarter" in dec.columns:
        dec = dec.loc[dec["quarter"].astype(str) == FiscalCalendar.index_to_label(q1)]
    dec = dec[["partner_id", comp, contrib]].copy()
    dec["partner_id"] = dec["partner_id"].astype(str)
    dec[contrib] = pd.to_numeric(dec[contrib], errors="coerce")
    dec = dec.loc[dec["partner_id"].isin(set(moved["partner_id"])) & dec[contrib].notna()]
    sign = dict(zip(moved["partner_id"], np.sign(moved["score_change"].fillna(0)), strict=True))
    texts: dict[str, str] = {}
    for pid, g in dec.groupby("partner_id", sort=False):
        s = sign.get(pid, 0) or 1
        g = g.assign(_k=-s * g[contrib]).sort_values("_k", kind="stable")
        g = g.loc[np.sign(g[contrib]) == s].head(top) if (np.sign(g[contrib]) == s).any() \
            else g.head(top)
        texts[pid] = ", ".join(f"{c} {v:+.1f}" for c, v in zip(g[comp], g[contrib],
                                                                 strict=True))
    extra = moved["partner_id"].map(texts)
    return base.where(extra.isna(), base + " (" + extra.fillna("") + ")")

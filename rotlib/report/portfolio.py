"""The portfolio by tier, and who moved tier this quarter with the reason."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from rotlib.report.charts import TIER_PALETTE, chart_html
from rotlib.report.common import (
    INSUFFICIENT,
    metric_name,
    previous_quarter,
    quarter_rows,
    tier_order,
)
from rotlib.report.html import Figures, Section, format_value, note, paragraph, table, text


def tier_counts(scores: pd.DataFrame, tier_names: Sequence[str]) -> pd.DataFrame:
    """Partners per tier (rows, best first) and quarter (columns, in order)."""
    order = tier_order(tier_names)
    q_order = (scores[["quarter", "quarter_index"]].drop_duplicates()
               .sort_values("quarter_index")["quarter"].astype(str).tolist())
    counts = pd.crosstab(scores["tier"].astype(str), scores["quarter"].astype(str))
    return counts.reindex(index=order, columns=q_order, fill_value=0).fillna(0).astype(int)


def move_reasons(decomposition: pd.DataFrame, *, top: int = 2) -> pd.Series:
    """Per partner, the metrics that moved its score most in the direction it moved.

    ``decomposition`` is the scoring decomposition of one quarter (contribution of each
    metric to the change, in points). Returns text such as
    "On-time joint deliverables +4.1 pts; Dispute frequency +1.2 pts", indexed by
    partner_id. Plain text: the caller escapes it.
    """
    if decomposition.empty:
        return pd.Series(dtype="str")
    d = decomposition.loc[decomposition["contribution"].notna()].copy()
    d["sign"] = np.sign(d["change"])
    d = d.loc[np.sign(d["contribution"]) == d["sign"]]
    d["size"] = d["contribution"].abs()
    d = d.sort_values(["partner_id", "size"], ascending=[True, False], kind="stable")
    reasons = (d.groupby("partner_id", sort=False).head(top)
               .assign(part=lambda x: [f"{metric_name(i)} {c:+.1f} pts"
                                       for i, c in zip(x["item"], x["contribution"],
                                                       strict=True)])
               .groupby("partner_id", sort=False)["part"].agg("; ".join))
    return reasons


def movers(scores: pd.DataFrame, decomposition: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """Partners whose tier changed in ``quarter``, biggest score changes first."""
    rows = quarter_rows(scores, quarter)
    moved = rows.loc[rows["tier_change"].astype(str).isin(["up", "down"])].copy()
    reasons = move_reasons(decomposition.loc[decomposition["quarter"].astype(str) == quarter]
                           if not decomposition.empty else decomposition)
    moved["reason"] = moved["partner_id"].map(reasons).fillna(
        "score change within the hysteresis margin, or partial data")
    moved["previous_score"] = moved["rot_score"] - moved["rot_score_change"]
    moved["size"] = moved["rot_score_change"].abs()
    moved = moved.sort_values(["tier_change", "size"], ascending=[False, False], kind="stable")
    name = moved["partner_name"] if "partner_name" in moved else moved["partner_id"]
    return pd.DataFrame({
        "partner_id": moved["partner_id"].astype(str),
        "partner": name.astype(str),
        "direction": moved["tier_change"].astype(str),
        "from_tier": moved["previous_tier"].astype(str),
        "to_tier": moved["tier"].astype(str),
        "previous_score": moved["previous_score"],
        "rot_score": moved["rot_score"],
        "change": moved["rot_score_change"],
        "reason": moved["reason"].astype(str),
    }).reset_index(drop=True)


def _tier_chart(counts: pd.DataFrame, *, quarters: int = 8) -> str:
    import matplotlib.pyplot as plt

    # the last `quarters` quarters, without leading ones where nobody could be scored yet
    counts = counts.iloc[:, -quarters:]
    scored = counts.drop(index=INSUFFICIENT, errors="ignore").sum(axis=0)
    first = int(np.argmax(scored.to_numpy() > 0)) if (scored > 0).any() else 0
    counts = counts.iloc[:, first:]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    bottom = np.zeros(counts.shape[1])
    for i, tier in enumerate(counts.index):
        values = counts.loc[tier].to_numpy(dtype=float)
        ax.bar(counts.columns, values, bottom=bottom, label=str(tier),
               color=TIER_PALETTE[min(i, len(TIER_PALETTE) - 1)] if tier != INSUFFICIENT
               else TIER_PALETTE[-1])
        bottom += values
    ax.set_ylabel("partners")
    ax.set_xlabel("fiscal quarter")
    ax.set_title("Partners by tier, per quarter")
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend(frameon=False, bbox_to_anchor=(1.01, 1), loc="upper left")
    last = counts.columns[-1]
    alt = (f"Stacked bar chart of partners per tier for quarters {counts.columns[0]} to "
           f"{last}. In {last}: " + ", ".join(f"{t} {int(counts.at[t, last])}"
                                               for t in counts.index) + ".")
    return chart_html(fig, alt=alt, caption="Partners per tier and quarter (tiers best first).")


def portfolio_section(scores: pd.DataFrame, decomposition: pd.DataFrame, quarter: str,
                      tier_names: Sequence[str], *, max_movers: int = 12) -> Section:
    """Tier counts now and last quarter, their history, and the movers with reasons."""
    counts = tier_counts(scores, tier_names)
    prev = previous_quarter(quarter)
    f = Figures()
    now_col = counts[quarter] if quarter in counts else pd.Series(0, index=counts.index)
    prev_col = counts[prev] if prev in counts else pd.Series(np.nan, index=counts.index)
    tier_table = pd.DataFrame({
        "tier": counts.index,
        prev: prev_col.to_numpy(),
        quarter: [f.span(f"tier_count:{t}", int(now_col[t]), "int") for t in counts.index],
        "change": [format_value(n - p, "delta", digits=0) if pd.notna(p) else "n/a"
                   for n, p in zip(now_col, prev_col, strict=True)],
    })
    body = [paragraph(text(
        f"Tiers follow the RoT score thresholds of the scorecard; a partner changes tier only "
        f"when its score clears the boundary by the hysteresis margin, so tiers do not flap "
        f"on noise. {int(now_col.sum())} partners in {quarter}."))]
    body.append(table(tier_table, formatter={prev: "{:,.0f}"}, html_columns=[quarter]))
    if counts.shape[1] > 0:
        body.append(_tier_chart(counts))

    moved = movers(scores, decomposition, quarter)
    ups, downs = (moved["direction"] == "up").sum(), (moved["direction"] == "down").sum()
    body.append(f"<h3>Who moved tier in {text(quarter)}</h3>")
    body.append(paragraph(
        f.span("movers_up", int(ups), "int"),
        text(f" {'partner' if ups == 1 else 'partners'} moved up and "),
        f.span("movers_down", int(downs), "int"),
        text(" moved down. The reason is the metrics that contributed most to the change in "
             "score (points of RoT score, from the exact decomposition of the change).")))
    if len(moved):
        shown = moved.head(max_movers)
        view = pd.DataFrame({
            "Partner": shown["partner"], "Move": shown["from_tier"] + " -> " + shown["to_tier"],
            "Score": [f"{p:.1f} -> {n:.1f}" for p, n in zip(shown["previous_score"],
                                                           shown["rot_score"], strict=True)],
            "Change": shown["change"], "Main reasons": shown["reason"],
        })
        body.append(table(view, formatter={"Change": "{:+.1f}"}))
        if len(moved) > max_movers:
            body.append(note(f"{len(moved) - max_movers} more partners moved; every partner's "
                             "move is in the scorecard export (exports/scorecard.csv, column "
                             "tier_change)."))
    return Section("portfolio", "Portfolio by tier and who moved", "".join(body), f.values)

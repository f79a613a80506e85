"""Headline figures of the quarter and their change since the previous quarter."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from rotlib.report.common import change_text, previous_quarter, quarter_rows
from rotlib.report.html import Figures, Section, kpis, paragraph, plural, text


def headline_figures(scores: pd.DataFrame, portfolio: pd.DataFrame, quarter: str,
                     tier_names: Sequence[str]) -> dict[str, dict[str, float | int | None]]:
    """The headline numbers for ``quarter`` and the quarter before (pure, testable).

    ``scores`` is the scored partner table (one row per partner x quarter); ``portfolio``
    the portfolio RoT ratio per quarter. Returns ``{quarter: {...}, previous: {...}}``.
    """
    top = set(tier_names[:2])
    out: dict[str, dict[str, float | int | None]] = {}
    for key, q in (("current", quarter), ("previous", previous_quarter(quarter))):
        rows = quarter_rows(scores, q)
        scored = rows["rot_score"].notna()
        ratio_row = portfolio.loc[portfolio["quarter"].astype(str) == q]
        ratio = ratio_row["rot_ratio"].iloc[0] if len(ratio_row) else None
        change = rows["tier_change"].astype(str)
        out[key] = {
            "partners": len(rows),
            "partners_scored": int(scored.sum()),
            "median_rot_score": float(rows.loc[scored, "rot_score"].median())
            if scored.any() else None,
            "top_tier_partners": int(rows["tier"].astype(str).isin(top).sum()),
            "moved_up": int((change == "up").sum()),
            "moved_down": int((change == "down").sum()),
            "portfolio_rot_ratio": None if ratio is None or pd.isna(ratio) else float(ratio),
        }
    return out


def headline_section(scores: pd.DataFrame, portfolio: pd.DataFrame, quarter: str,
                     tier_names: Sequence[str], *, currency: str = "USD") -> Section:
    """Five cards a leader reads first, and one sentence that says the same in words."""
    figs = headline_figures(scores, portfolio, quarter, tier_names)
    now, before = figs["current"], figs["previous"]
    prev = previous_quarter(quarter)
    f = Figures()
    top_label = " or ".join(tier_names[:2])
    cards = [
        ("Partners scored", f.span("partners_scored", now["partners_scored"], "int"),
         text(f"of {now['partners']} partners; "
              + change_text(now["partners_scored"], before["partners_scored"], digits=0,
                            quarter=prev))),
        ("Median RoT score (0-100)", f.span("median_rot_score", now["median_rot_score"]),
         text(change_text(now["median_rot_score"], before["median_rot_score"], quarter=prev))),
        (f"Partners in {top_label}", f.span("top_tier_partners", now["top_tier_partners"],
                                            "int"),
         text(change_text(now["top_tier_partners"], before["top_tier_partners"], digits=0,
                          quarter=prev))),
        ("Moved up / down a tier",
         f.span("moved_up", now["moved_up"], "int") + " / "
         + f.span("moved_down", now["moved_down"], "int"),
         text(f"since {prev}")),
        ("Portfolio RoT ratio", f.span("portfolio_rot_ratio", now["portfolio_rot_ratio"],
                                       "ratio"),
         text(change_text(now["portfolio_rot_ratio"], before["portfolio_rot_ratio"],
                          digits=2, quarter=prev))),
    ]
    ratio = now["portfolio_rot_ratio"]
    sentence = [
        text(f"In {quarter}, {now['partners_scored']} of {now['partners']} partners had enough "
             f"data to be scored. "),
    ]
    if now["median_rot_score"] is not None:
        sentence.append(text(f"The median RoT score was {now['median_rot_score']:.1f}"))
        if before["median_rot_score"] is not None:
            sentence.append(text(
                f" ({now['median_rot_score'] - before['median_rot_score']:+.1f} points "
                f"since {prev})"))
        sentence.append(text(". "))
    sentence.append(text(f"{plural(now['moved_up'], 'partner')} moved up a tier and "
                         f"{now['moved_down']} moved down. "))
    if ratio is not None:
        sentence.append(text(f"Each {currency} 1 invested in partners came back as "
                             f"{currency} {ratio:.2f} of value created and risk avoided."))
    else:
        sentence.append(text("There was no recorded investment, so the RoT ratio is not "
                             "defined this quarter."))
    body = paragraph(*sentence, css_class="rot-lede") + kpis(cards)
    return Section("headline", f"{quarter} at a glance", body, f.values)

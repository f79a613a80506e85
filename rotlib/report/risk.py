"""Risk indicators across the portfolio: disputes, escalations, audit findings, tickets."""

from __future__ import annotations

import pandas as pd

from rotlib.calendar import FiscalCalendar
from rotlib.registry import METRICS_BY_ID
from rotlib.report.charts import chart_html
from rotlib.report.common import previous_quarter
from rotlib.report.html import Figures, Section, format_value, missing, paragraph, table, text

#: Portfolio totals shown, in the order a risk review reads them.
RISK_ITEMS = ("tickets_opened", "escalations", "disputes_opened", "audit_findings",
              "implementation_defects")


def risk_trends(metrics: pd.DataFrame, quarters: int = 8) -> pd.DataFrame:
    """Portfolio totals per quarter of each risk signal, plus the escalation rate.

    ``metrics`` is the partner x quarter metrics table; returns one row per quarter (the
    last ``quarters``) with the summed counts and ``escalation_rate`` = escalations /
    tickets opened (pooled, missing when no ticket was opened).
    """
    present = [c for c in RISK_ITEMS if c in metrics.columns]
    totals = (metrics.groupby(["quarter_index", "quarter"], sort=True)[present]
              .sum(min_count=1).reset_index())
    if {"escalations", "tickets_opened"} <= set(present):
        opened = totals["tickets_opened"].where(totals["tickets_opened"] > 0)
        totals["escalation_rate"] = totals["escalations"] / opened
    return totals.tail(quarters).reset_index(drop=True)


def _trend_chart(trends: pd.DataFrame) -> str:
    import matplotlib.pyplot as plt

    items = [c for c in RISK_ITEMS if c in trends.columns]
    fig, axes = plt.subplots(1, len(items), figsize=(2.1 * len(items) + 1, 2.8), sharex=True)
    axes = list(axes) if len(items) > 1 else [axes]
    labels = trends["quarter"].astype(str).tolist()
    for ax, item in zip(axes, items, strict=True):
        ax.plot(labels, trends[item].to_numpy(dtype=float), marker="o", color="#cf4f1f")
        ax.set_title(METRICS_BY_ID[item].name, fontsize=10)
        ax.tick_params(axis="x", labelrotation=60, labelsize=8)
        ax.set_ylim(bottom=0)
    alt = ("Line charts of portfolio totals per quarter: " + "; ".join(
        f"{METRICS_BY_ID[i].name} from {trends[i].iloc[0]:,.0f} in {labels[0]} to "
        f"{trends[i].iloc[-1]:,.0f} in {labels[-1]}" for i in items) + ".")
    return chart_html(fig, alt=alt, caption="Risk signals, portfolio totals per quarter.")


def risk_section(metrics: pd.DataFrame, quarter: str) -> Section:
    """This quarter's totals against last quarter's, and the trend."""
    data = metrics.loc[metrics["quarter_index"] <= FiscalCalendar.label_to_index(quarter)]
    if data.empty:
        return Section("risk", "Risk indicators", missing(f"No data up to {quarter}."), {},
                       False)
    trends = risk_trends(data)
    f = Figures()
    prev = previous_quarter(quarter)
    now = trends.loc[trends["quarter"].astype(str) == quarter]
    before = trends.loc[trends["quarter"].astype(str) == prev]
    rows = []
    for item in [c for c in (*RISK_ITEMS, "escalation_rate") if c in trends.columns]:
        value = now[item].iloc[0] if len(now) else None
        old = before[item].iloc[0] if len(before) else None
        is_rate = item == "escalation_rate"
        name = "Escalation rate (escalated / opened tickets)" if is_rate \
            else METRICS_BY_ID[item].name
        change = None
        if value is not None and old is not None and pd.notna(value) and pd.notna(old) \
                and old != 0:
            change = (value - old) / old
        rows.append({
            "Signal": name,
            prev: format_value(old, "pct" if is_rate else "int"),
            quarter: f.span(f"risk:{item}", value, "pct" if is_rate else "int"),
            "Change": "n/a" if change is None else f"{change * 100:+.0f}%",
        })
    view = pd.DataFrame(rows)
    body = [paragraph(text(
        "Lower is better for every signal below. Totals over all partners; a rising count "
        "with a flat rate usually means more business, not less trust."))]
    body.append(table(view, html_columns=[quarter]))
    body.append(_trend_chart(trends))
    return Section("risk", "Risk indicators", "".join(body), f.values)

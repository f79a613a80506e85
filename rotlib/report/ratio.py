"""The RoT ratio and its breakdown: value created, risk reduced, investment."""

from __future__ import annotations

import pandas as pd

from rotlib.report.charts import chart_html
from rotlib.report.common import change_text, previous_quarter, quarter_rows
from rotlib.report.html import Figures, Section, kpis, missing, note, paragraph, table, text

#: Breakdown columns of the scoring result and how the report names them.
PART_LABELS = {
    "value_sourced": "Margin on partner-sourced wins",
    "value_influenced": "Margin on partner-influenced wins",
    "value_renewal": "Renewals on shared accounts",
    "value_expansion": "Expansion on shared accounts",
    "risk_escalations": "Escalations avoided",
    "risk_disputes": "Disputes avoided",
    "risk_defects": "Implementation defects avoided",
    "risk_security_days": "Security-review days saved",
    "investment_mdf": "MDF",
    "investment_enablement": "Enablement hours",
    "investment_se": "Solution-engineering hours",
    "investment_incentive": "Incentives",
    "investment_co_marketing": "Co-marketing",
}


def _breakdown_chart(row: pd.Series, currency: str, quarter: str) -> str:
    import matplotlib.pyplot as plt

    parts = [(label, float(row.get(col, 0.0) or 0.0)) for col, label in PART_LABELS.items()]
    kinds = ["value" if c.startswith("value") else "risk" if c.startswith("risk")
             else "investment" for c in PART_LABELS]
    colors = {"value": "#1f4e79", "risk": "#3a7dbf", "investment": "#cf4f1f"}
    fig, ax = plt.subplots(figsize=(8, 4.2))
    labels = [p[0] for p in parts][::-1]
    values = [p[1] for p in parts][::-1]
    from matplotlib.ticker import FuncFormatter

    from rotlib.report.html import format_value

    ax.barh(labels, values, color=[colors[k] for k in kinds][::-1])
    ax.axvline(0, color="black", lw=0.8)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_value(v, "money")))
    ax.set_xlabel(f"{currency} in {quarter}")
    ax.set_title("Returned (blue) vs invested (orange)")
    alt = (f"Horizontal bar chart of the RoT ratio breakdown for {quarter} in {currency}: "
           + "; ".join(f"{label} {value:,.0f}" for label, value in parts) + ".")
    return chart_html(fig, alt=alt, caption="Value created and risk reduced against the "
                      "investment that built partner confidence.")


def ratio_section(scores: pd.DataFrame, portfolio: pd.DataFrame, quarter: str, *,
                  currency: str = "USD", top: int = 10) -> Section:
    """Portfolio ratio with its parts, and the partners with the highest and lowest ratio."""
    f = Figures()
    rows = portfolio.loc[portfolio["quarter"].astype(str) == quarter]
    if rows.empty:
        return Section("ratio", "Return on Trust ratio",
                       missing(f"No RoT ratio was computed for {quarter}."), {}, False)
    row = rows.iloc[0]
    prev = previous_quarter(quarter)
    prev_rows = portfolio.loc[portfolio["quarter"].astype(str) == prev]
    prev_ratio = prev_rows["rot_ratio"].iloc[0] if len(prev_rows) else None
    ratio = row["rot_ratio"] if pd.notna(row["rot_ratio"]) else None
    body = [paragraph(text(
        "RoT ratio = (value created + risk reduced) / investment. Value is margin on won and "
        "expanded revenue credited to partners; risk reduced is escalations, disputes and "
        "defects below the stated baseline (and security-review days saved), valued at the "
        "configured unit costs; investment is MDF, enablement and SE hours at their rates, "
        "incentives and co-marketing. Negative risk reduced means more incidents than the "
        "baseline: it is shown, not hidden."))]
    body.append(kpis([
        ("Portfolio RoT ratio", f.span("ratio:portfolio", ratio, "ratio", digits=2),
         text(change_text(ratio, prev_ratio, digits=2, quarter=prev))),
        ("Value created", f.span("ratio:value_created", row["value_created"], "money",
                                 currency=currency), ""),
        ("Risk reduced", f.span("ratio:risk_reduced", row["risk_reduced"], "money",
                                currency=currency), ""),
        ("Investment", f.span("ratio:investment", row["investment"], "money",
                              currency=currency),
         text(f"{int(row.get('partners_with_investment', 0))} partners invested in")),
    ]))
    body.append(_breakdown_chart(row, currency, quarter))

    current = quarter_rows(scores, quarter)
    if "rot_ratio" in current:
        with_ratio = current.loc[current["rot_ratio"].notna()]
        no_investment = int((current.get("investment", pd.Series(dtype=float)) <= 0).sum())
        name = with_ratio["partner_name"] if "partner_name" in with_ratio else \
            with_ratio["partner_id"]
        view = pd.DataFrame({
            "Partner": name.astype(str), "Tier": with_ratio["tier"].astype(str),
            "RoT ratio": with_ratio["rot_ratio"],
            "Value + risk reduced": with_ratio["value_created"] + with_ratio["risk_reduced"],
            "Investment": with_ratio["investment"],
        }).sort_values("RoT ratio", ascending=False, kind="stable")
        money = "{:,.0f}"
        fmt = {"RoT ratio": "{:.2f}", "Value + risk reduced": money, "Investment": money}
        if len(view):
            body.append(f"<h3>Highest ratios in {text(quarter)}</h3>")
            body.append(table(view.head(top), formatter=fmt))
            body.append(f"<h3>Lowest ratios in {text(quarter)}</h3>")
            body.append(table(view.tail(top).iloc[::-1], formatter=fmt))
        body.append(note(f"{no_investment} partners had no recorded investment in {quarter}: "
                         "their ratio is reported as 'no investment', not as 0 or infinity."))
    return Section("ratio", "Return on Trust ratio and investment", "".join(body), f.values)

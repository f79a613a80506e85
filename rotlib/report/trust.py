"""Does trust pay? The cohort comparison for leaders: sentences, intervals, one chart.

Reads the serialized cohort result (``artifacts/cohorts.json`` from notebook 03, the
``to_dict()`` of :class:`rotlib.cohorts.CohortResult`) and its forest plot. Every string
from the analysis (cohort labels embed the threshold; tier names come from the config) is
escaped here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from rotlib.report.charts import chart_html, png_html
from rotlib.report.html import (
    Figures,
    Section,
    bullet_list,
    missing,
    note,
    paragraph,
    table,
    text,
)

TITLE = "Does trust pay?"


def _interval(low: Any, high: Any, digits: int = 2) -> str:
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return "not stated (too few partners)"
    return f"{float(low):.{digits}f} to {float(high):.{digits}f}"


def _value(value: Any, unit: str) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    if unit == "share":
        return f"{float(value) * 100:.1f}%"
    if "per ticket" in unit:
        return f"{float(value) * 100:.1f} per 100 tickets"
    if "days" in unit:
        return f"{float(value):.0f} days"
    return f"{float(value):,.0f}"


def _p(value: Any) -> str:
    if value is None or pd.isna(value):
        return "not stated"
    return "< 0.001" if float(value) < 0.001 else f"{float(value):.3f}"


def forest_chart(head: pd.DataFrame) -> str | None:
    """A compact forest plot of the headline effects (ratios on a log scale, 1 = none)."""
    import matplotlib.pyplot as plt
    import numpy as np

    rows = head.loc[head["effect"].notna() & head["effect_low"].notna()
                    & head["effect_high"].notna() & head["log_scale"].astype(bool)]
    if rows.empty:
        return None
    labels = [f"{name}\n({label})" for name, label in zip(rows["outcome_name"],
                                                          rows["effect_label"], strict=True)]
    y = np.arange(len(rows))[::-1]
    est = rows["effect"].to_numpy(float)
    low, high = rows["effect_low"].to_numpy(float), rows["effect_high"].to_numpy(float)
    fig, ax = plt.subplots(figsize=(8, 0.62 * len(rows) + 1.3))
    ax.errorbar(est, y, xerr=[est - low, high - est], fmt="o", color="#1f4e79", capsize=4)
    ax.axvline(1.0, color="grey", ls="--", lw=1)
    ax.set_xscale("log")
    # plain tick labels: math text is off for every chart (untrusted labels stay literal)
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    span = (min(low.min(), 1.0) * 0.9, max(high.max(), 1.0) * 1.1)
    ticks = [t for t in (0.25, 0.33, 0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 6.0)
             if span[0] <= t <= span[1]]
    ax.set_xlim(*span)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks(y, labels)
    ax.set_xlabel("above vs below the threshold (1 = no difference; log scale)")
    ax.set_title(f"Trust cohorts: outcomes in {rows['quarter'].iloc[0]}")
    alt = "Forest plot of the headline cohort differences with 95% intervals: " + "; ".join(
        f"{n} {lab} {e:.2f} ({lo:.2f} to {hi:.2f})" for n, lab, e, lo, hi in zip(
            rows["outcome_name"], rows["effect_label"], est, low, high, strict=True)) + "."
    return chart_html(fig, alt=alt, caption="Adjusted differences between the cohorts with "
                      "95% intervals; an interval that crosses 1 cannot be told apart from "
                      "no difference.")


def headline_rows(cohorts: Mapping[str, Any]) -> pd.DataFrame:
    """The primary, adjusted rows of the headline window (Q+1) from the serialized result."""
    estimates = pd.DataFrame(cohorts.get("estimates") or [])
    if estimates.empty or "headline" not in estimates:
        return estimates
    return estimates.loc[estimates["headline"].astype(bool)].reset_index(drop=True)


def trust_section(artifact: Mapping[str, Any], *, forest_png: bytes | None = None,
                  transitions_png: bytes | None = None) -> Section:
    """The cohort comparison in words, a table with intervals, and the forest plot."""
    if not artifact.get("available"):
        reason = artifact.get("reason") or "the cohort analysis did not run."
        return Section("trust", TITLE, missing(
            f"The cohort comparison is not available for this run: {reason}"), {}, False)
    result = artifact["result"]
    f = Figures()
    sizes = pd.DataFrame(result.get("cohort_sizes") or [])
    quarter = result.get("quarter", "?")
    head = headline_rows(result)
    body = []
    size_text = [f"{text(row['label'])}: " + f.span(f"cohort_size:{row['cohort']}",
                                                     int(row["partners"]), "int")
                 for row in sizes.to_dict(orient="records")]
    body.append(paragraph(
        text(f"Partners were split by their RoT score in {quarter} and followed into the next "
             "quarter: trust leads, outcomes lag. "), "; ".join(size_text),
        text(f"; {result.get('n_insufficient', 0)} partners with insufficient data were left "
             "out. These are associations, not proof that trust causes the difference "
             "(see 'Did the program work?' for causal evidence).")))
    sentences = list(result.get("sentences") or [])
    if sentences:
        body.append("<h3>In plain words</h3>")
        body.append(bullet_list(text(s) for s in sentences[: max(len(head), 1)]))
    if not head.empty:
        rows = []
        for r in head.to_dict(orient="records"):
            key = f"cohort:{r['outcome']}"
            rows.append({
                "Outcome": r.get("outcome_name") or r["outcome"],
                "Quarter": r.get("quarter"),
                "Above": _value(r.get("value_level"), str(r.get("value_unit") or "")),
                "Below": _value(r.get("value_reference"), str(r.get("value_unit") or "")),
                "Measure": r.get("effect_label"),
                "Estimate": f.span(f"{key}:effect", r.get("effect"), digits=2),
                "95% interval": _interval(r.get("effect_low"), r.get("effect_high")),
                "p (corrected)": _p(r.get("p_adjusted")),
                "Partners (above / below)": f"{r.get('n_partners_level')} / "
                                            f"{r.get('n_partners_reference')}",
            })
        view = pd.DataFrame(rows)
        body.append("<h3>Headline comparison (adjusted for partner type, region and size)"
                    "</h3>")
        body.append(table(view, html_columns=["Estimate"]))
    chart = forest_chart(head) if not head.empty and "log_scale" in head else None
    if chart:
        body.append(chart)
    elif forest_png:
        body.append(png_html(forest_png, alt="Forest plot of the cohort differences with "
                             "95% intervals.", caption="Differences between cohorts with 95% "
                             "intervals (ratios on a log scale; 1 = no difference)."))
    caveats = [result.get("correction_note") or ""]
    caveats += list(result.get("warnings") or []) + list(result.get("notes") or [])
    circular = pd.DataFrame(result.get("circularity") or [])
    if not circular.empty and "overlap" in circular:
        for r in circular.loc[circular["overlap"] == "same quantity"].to_dict(orient="records"):
            caveats.append(f"Circularity: {r.get('outcome')} is also part of the score as "
                           f"{r.get('score_metric')}, so part of this difference is built in.")
    caveats = [c for c in caveats if c]
    if caveats:
        body.append("<h3>How to read this</h3>")
        body.append(bullet_list(text(c) for c in caveats))
    transitions = result.get("transitions") or {}
    counts = transitions.get("counts")
    if counts:
        order = [*reversed(transitions.get("order") or []), "insufficient data"]
        matrix = pd.DataFrame(counts).T
        keep = [t for t in order if t in matrix.index] + [t for t in matrix.index
                                                          if t not in order]
        matrix = matrix.reindex(index=keep, columns=[t for t in keep if t in matrix.columns])
        matrix.insert(0, f"{transitions.get('quarter_from')} \\ {transitions.get('quarter_to')}",
                      matrix.index.astype(str))
        body.append(f"<h3>Tier moves {text(transitions.get('quarter_from'))} to "
                    f"{text(transitions.get('quarter_to'))}</h3>")
        body.append(table(matrix.reset_index(drop=True),
                          formatter={c: "{:,.0f}" for c in matrix.columns[1:]}))
        body.append(note("Rows: tier in the first quarter; columns: tier in the next."))
    if transitions_png:
        body.append(png_html(transitions_png, alt="Heatmap of tier transitions between "
                             "the two quarters (share of each starting tier).",
                             caption="Tier transitions."))
    return Section("trust", TITLE, "".join(body), f.values)

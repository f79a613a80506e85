"""Data quality: rows read, accepted and quarantined, per table and per rule."""

from __future__ import annotations

import pandas as pd

from rotlib.report.html import Figures, Section, missing, note, paragraph, table, text


def quality_section(quality: pd.DataFrame | None) -> Section:
    """Totals as figures, the per-table table, and the rules that quarantined rows.

    ``quality`` is the validation report (``artifacts/validated/quality.csv``): one
    ``level == "table"`` row per table and one ``level == "rule"`` row per rule.
    """
    title = "Data quality"
    if quality is None or quality.empty:
        return Section("quality", title, missing(
            "No data-quality report: the validation step did not write one."), {}, False)
    f = Figures()
    tables = quality.loc[quality["level"].astype(str) == "table"].copy()
    read = int(tables["rows_read"].sum())
    accepted = int(tables["rows_accepted"].sum())
    quarantined = int(tables["rows_quarantined"].sum())
    share = quarantined / read if read else 0.0
    body = [paragraph(
        text("Every export was checked against the data contract before anything was "
             "computed. "), f.span("quality:rows_read", read, "int"),
        text(" rows were read, "), f.span("quality:rows_accepted", accepted, "int"),
        text(" accepted and "), f.span("quality:rows_quarantined", quarantined, "int"),
        text(" quarantined ("), f.span("quality:share_quarantined", share, "pct", digits=2),
        text("), each with its rule, reason and source line in the run's quarantine files. "
             "Rows read = accepted + quarantined, for every table and rule."))]
    view = pd.DataFrame({
        "Table": tables["table"].astype(str),
        "Rows read": tables["rows_read"], "Accepted": tables["rows_accepted"],
        "Quarantined": tables["rows_quarantined"],
        "Quarters": [f"{a} to {b}" if str(a) not in ("", "nan", "None") else "n/a"
                     for a, b in zip(tables.get("first_quarter", ""),
                                     tables.get("last_quarter", ""), strict=True)],
    })
    count = "{:,.0f}"
    body.append(table(view, formatter={"Rows read": count, "Accepted": count,
                                       "Quarantined": count}))
    rules = quality.loc[(quality["level"].astype(str) == "rule")
                        & (pd.to_numeric(quality["rows_quarantined"]) > 0)]
    if len(rules):
        body.append("<h3>Why rows were quarantined</h3>")
        body.append(table(pd.DataFrame({
            "Table": rules["table"].astype(str), "Rule": rules["rule"].astype(str),
            "What it means": rules["description"].astype(str),
            "Rows": rules["rows_quarantined"],
        }), formatter={"Rows": count}))
    else:
        body.append(note("No row was quarantined."))
    return Section("quality", title, "".join(body), f.values)

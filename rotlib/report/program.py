"""Did the program work? Lift verdicts in plain words, with the event-study chart.

Reads ``artifacts/lift.json`` (notebook 04: one ``ProgramEvaluation.to_dict()`` per program
and outcome) and the event-study PNGs. Program names are untrusted text: escaped here, and
never used in file names (charts are numbered).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from rotlib.registry import METRICS_BY_ID
from rotlib.report.charts import png_html
from rotlib.report.html import Figures, Section, bullet_list, missing, note, paragraph, table, text

TITLE = "Did the program work?"
LEVEL_WORDS = {
    "credible": "Credible lift",
    "inconclusive": "Inconclusive",
    "not credible": "Not credible",
}


def _is_share(outcome: str) -> bool:
    m = METRICS_BY_ID.get(outcome)
    return m is not None and m.kind == "proportion"


def _natural(value: Any, outcome: str) -> str:
    """A lift in the outcome's own unit: percentage points for shares, else the number."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if _is_share(outcome):
        return f"{float(value) * 100:+.1f} pp"
    return f"{float(value):+,.2f}"


def verdict_table(evaluations: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per program and outcome: verdict, lift, interval, reason (plain values)."""
    rows = []
    for e in evaluations:
        v = e.get("verdict") or {}
        outcome = str(e.get("outcome"))
        ci = v.get("ci") or [None, None]
        ci_pct = v.get("ci_pct") or [None, None]
        rows.append({
            "program": str(e.get("program") or ""),
            "outcome": outcome,
            "outcome_name": METRICS_BY_ID[outcome].name if outcome in METRICS_BY_ID
            else outcome,
            "level": str(v.get("level", "")),
            "estimate": v.get("estimate"),
            "ci_low": ci[0], "ci_high": ci[1],
            "lift_pct": v.get("lift_pct"),
            "ci_pct_low": ci_pct[0], "ci_pct_high": ci_pct[1],
            "baseline": v.get("baseline"),
            "reason": str(v.get("reason", "")),
            "caveats": list(v.get("caveats") or []),
            "treated": (e.get("lift") or {}).get("n_treated"),
            "method": (e.get("lift") or {}).get("method"),
        })
    return pd.DataFrame(rows)


def _pct(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{float(value):+.1f}%"


def program_section(artifact: Mapping[str, Any],
                    event_study_pngs: Mapping[int, bytes] | None = None) -> Section:
    """Verdict per program and outcome, why, and the event-study chart of each."""
    if not artifact.get("available"):
        reason = artifact.get("reason") or "the lift analysis did not run."
        return Section("program", TITLE, missing(
            f"The program evaluation is not available for this run: {reason}"), {}, False)
    evaluations = list(artifact.get("evaluations") or [])
    pngs = dict(event_study_pngs or {})
    f = Figures()
    body = [paragraph(text(
        "Programs start in different quarters for different partners, so the lift is "
        "estimated with a heterogeneity-robust difference-in-differences (Callaway and "
        "Sant'Anna) against comparable partners that had not started it, and a claim is "
        "called credible only when the pre-period trends, placebo tests and sensitivity "
        "checks hold."))]
    verdicts = verdict_table(evaluations)
    for program, group in verdicts.groupby("program", sort=False):
        body.append(f"<h3>{text(program or 'Program')}</h3>")
        rows = []
        for idx, r in group.iterrows():
            key = f"lift:{idx}"
            share = _is_share(r["outcome"])
            rows.append({
                "Outcome": r["outcome_name"],
                "Verdict": LEVEL_WORDS.get(r["level"], r["level"]),
                "Lift": f.span(f"{key}:estimate", r["estimate"], "pp" if share else "delta",
                               digits=1 if share else 2),
                "Of the baseline": _pct(r["lift_pct"]),
                "95% interval": f"{_natural(r['ci_low'], r['outcome'])} to "
                                f"{_natural(r['ci_high'], r['outcome'])}",
                "Partners treated": r["treated"],
            })
        body.append(table(pd.DataFrame(rows), html_columns=["Lift"],
                          formatter={"Partners treated": "{:,.0f}"}))
        reasons = [f"<strong>{text(r['outcome_name'])}</strong>: "
                   + text(f"{LEVEL_WORDS.get(r['level'], r['level'])} because "
                          f"{r['reason'].rstrip('.')}.")
                   + "".join(f" {text('Caveat: ' + c)}" for c in r["caveats"])
                   for _, r in group.iterrows()]
        body.append(bullet_list(reasons))
        # One chart per program: its first credible outcome, else its first outcome (every
        # event study is in the run's html/04_lift.html).
        credible = group.loc[group["level"] == "credible"]
        idx = int((credible if len(credible) else group).index[0])
        r = verdicts.loc[idx]
        png = pngs.get(idx)
        if png is not None:
            alt = (f"Event-study chart for {r['program']} on {r['outcome_name']}: estimated "
                   f"effect by quarter relative to the start of the program, with 95% "
                   f"intervals; verdict {r['level']}, overall lift "
                   f"{_natural(r['estimate'], r['outcome'])}.")
            body.append(png_html(png, alt=alt, caption=(
                f"{r['outcome_name']}: effect by quarter since the program started "
                "(before 0: should be flat; after 0: the lift). The event studies of the "
                "other outcomes are in html/04_lift.html.")))
    errors = list(artifact.get("errors") or [])
    if errors:
        body.append(note("Not estimated: " + "; ".join(
            f"{e.get('program')} on {e.get('outcome')}: {e.get('reason')}" for e in errors)))
    if verdicts.empty and not errors:
        body.append(missing("No program had partners enrolled in the analysed quarters."))
    return Section("program", TITLE, "".join(body), f.values)

"""Plain-language reading of cohort results: sentences a leader can repeat.

Every number in a sentence is read from the result table, never typed here. The
sentences are plain text: tier names and cohort labels come from configuration and
partner data (untrusted), and are **not escaped here** - the report layer escapes them
for HTML, Markdown or spreadsheets. No HTML is built in this module.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from rotlib.registry import METRICS_BY_ID

#: Words used about each outcome's units and events.
_WORDS: dict[str, dict[str, str]] = {
    "win_rate": {"units": "closed deals", "event": "won", "events": "wins",
                 "exposure": "closed deals", "amount": "wins"},
    "median_cycle_days_won": {"units": "won deals", "event": "won", "events": "won deals",
                              "exposure": "won deals", "amount": "cycle days"},
    "renewal_rate": {"units": "renewals due", "event": "renewed", "events": "renewals",
                     "exposure": "renewals due", "amount": "renewals"},
    "escalation_rate": {"units": "partners with exposure", "event": "escalated",
                        "events": "escalations", "exposure": "tickets",
                        "amount": "escalations"},
    "influenced_pipeline": {"units": "partners", "event": "", "events": "opportunities",
                            "exposure": "partners", "amount": "influenced pipeline"},
}


def outcome_words(outcome: str) -> dict[str, str]:
    return _WORDS[outcome]


def window_phrase(window: int, quarter: str) -> str:
    if window == 0:
        return f"In {quarter} (the scoring quarter)"
    if window == 1:
        return f"In {quarter} (the quarter after scoring)"
    return f"In {quarter} ({window} quarters after scoring)"


def _p(p: float) -> str:
    if not np.isfinite(p):
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _ci(lo: float, hi: float, level: float, digits: int = 2, thousands: bool = False) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return ""
    fmt = f",.{digits}f" if thousands else f".{digits}f"
    return f"{level:.0%} CI {lo:{fmt}} to {hi:{fmt}}"


def _magnitude_interval(lo: float, hi: float, level: float, digits: int, unit: str,
                        neg_word: str, pos_word: str) -> str:
    """Interval of a difference read as a magnitude: '95% CI 6 to 16' when it does not
    include zero, else both ends in words ('from 8 days faster to 2 days slower')."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return ""
    if lo >= 0 or hi <= 0:
        a, b = sorted((abs(lo), abs(hi)))
        return f"{level:.0%} CI {a:.{digits}f} to {b:.{digits}f}"
    def amount(v: float) -> str:
        text = f"{abs(v):.{digits}f}"
        # "1 day", "2 days": the unit is given in the plural
        return f"{text} {unit[:-1] if text == '1' and unit.endswith('s') else unit}"

    return f"{level:.0%} CI from {amount(lo)} {neg_word} to {amount(hi)} {pos_word}"


def _pick(rows: pd.DataFrame, **match) -> pd.Series | None:
    sel = rows
    for k, v in match.items():
        sel = sel.loc[sel[k] == v]
    return None if sel.empty else sel.iloc[0]


def sentence(
    tidy: pd.DataFrame,
    outcome: str,
    window: int,
    level: str,
    labels: dict[str, str],
    confidence: float,
    correction: str,
) -> str:
    """One sentence for an outcome, window and cohort level (vs the reference).

    Uses the adjusted primary estimate when estimable, else the crude one, plus the
    plain cohort values and the effect-size row (difference in points, days, rate or
    pipeline per partner) from the same table. Plain text: ``labels`` may hold
    untrusted tier names and are not escaped here.
    """
    rows = tidy.loc[(tidy["outcome"] == outcome) & (tidy["window"] == window)
                    & (tidy["level"] == level)]
    if rows.empty:
        return ""
    prim = rows.loc[rows["role"] == "primary"]
    best = _pick(prim, adjusted=True, estimable=True)
    if best is None:
        best = _pick(prim, adjusted=False, estimable=True)
    first = rows.iloc[0]
    who = labels[level]
    ref = labels[first["reference"]]
    when = window_phrase(window, first["quarter"])
    name = METRICS_BY_ID[outcome].name.lower()
    if best is None:
        reason = next((n for n in prim["note"] if n), "the data do not allow a comparison")
        return f"{when}, {name}: no comparison of {who} with {ref} is stated ({reason})."

    adj_txt = (f"adjusted for {best['adjusted_for'].replace(',', ', ')}" if best["adjusted"]
               else "not adjusted for segment")
    ci = _ci(best["effect_low"], best["effect_high"], confidence)
    p = _p(best["p_adjusted"])
    stat = f"{best['effect_label']} {best['effect']:.2f}"
    inner = ", ".join(x for x in (ci, adj_txt,
                                  f"{_corr_name(correction)}-adjusted {p}" if p else "") if x)
    model_part = f"{stat} ({inner})"
    if not best["inference"] and best["note"]:
        model_part += f" - {best['note']}"
    vl, vr = best["value_level"], best["value_reference"]
    diff = _pick(rows, role="effect size", adjusted=False)
    has_diff = diff is not None and np.isfinite(diff["estimate"])

    if outcome in ("win_rate", "renewal_rate"):
        what = ("won {:.1%} of their closed deals" if outcome == "win_rate" else
                "renewed {:.1%} of the renewals due on their shared accounts")
        text = f"{when}, {who} {what.format(vl)} against {vr:.1%} for {ref}"
        if has_diff:
            d = diff["estimate"] * 100
            text += f": {abs(d):.1f} percentage points {'higher' if d >= 0 else 'lower'}"
            dci = _magnitude_interval(diff["ci_low"] * 100, diff["ci_high"] * 100, confidence,
                                      1, "points", "lower", "higher")
            text += f" (crude; {dci})" if dci else " (crude)"
        return f"{text}; {model_part}."
    if outcome == "median_cycle_days_won":
        text = f"{when}, {who} closed won deals"
        if has_diff:
            d = diff["estimate"]
            if abs(d) < 0.5:
                text += " in about the same median time as"
            else:
                text += f" {abs(d):.0f} days {'faster' if d < 0 else 'slower'} than"
            text += f" {ref} at the median ({diff['value_level']:.0f} vs " \
                    f"{diff['value_reference']:.0f} days, crude"
            dci = _magnitude_interval(diff["ci_low"], diff["ci_high"], confidence, 0, "days",
                                      "faster", "slower")
            text += f"; {dci})" if dci else ")"
        else:
            text += f" in a median {vl:.0f} days against {vr:.0f} for {ref}"
        return f"{text}; mean cycle time {model_part}."
    if outcome == "escalation_rate":
        per = str(best["value_unit"]).rsplit(" ", 1)[-1]
        text = (f"{when}, {who} had {vl * 100:.1f} escalations per 100 {per}s against "
                f"{vr * 100:.1f} for {ref}")
        return f"{text}; {model_part}."
    if outcome == "influenced_pipeline":
        text = (f"{when}, {who} generated {vl:,.0f} of influenced pipeline per partner "
                f"against {vr:,.0f} for {ref}")
        if has_diff:
            text += f" (crude difference {diff['estimate']:+,.0f}"
            dci = _ci(diff["ci_low"], diff["ci_high"], confidence, 0, thousands=True)
            text += f"; {dci})" if dci else ")"
        return f"{text}; {model_part}."
    return f"{when}, {name}: {model_part}."  # pragma: no cover - every outcome is above


def _corr_name(correction: str) -> str:
    return {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg"}.get(correction, correction)


def correction_statement(correction: str, family_sizes: dict[tuple[int, bool], int],
                         window_labels: dict[int, str]) -> str:
    """How p-values were adjusted, in words, with the family sizes used."""
    what = ("Holm's step-down method (controls the chance of any false finding)"
            if correction == "holm" else
            "Benjamini-Hochberg (controls the expected share of false findings)")
    parts = [f"{n} tests in {window_labels[w]} {'adjusted' if a else 'crude'}"
             for (w, a), n in sorted(family_sizes.items())]
    fam = "; ".join(parts) if parts else "no tests"
    return (f"P-values are corrected across outcomes with {what}, within each window and "
            f"adjustment set ({fam}). Effect sizes and bootstrap rows are not tested.")


def effect_size_label(kind: str, value: float) -> str:
    """Conventional reading of a standardized effect (Cohen's h or d)."""
    if not math.isfinite(value):
        return ""
    a = abs(value)
    size = "negligible" if a < 0.2 else "small" if a < 0.5 else "medium" if a < 0.8 else "large"
    return f"{kind} {value:+.2f} ({size})"

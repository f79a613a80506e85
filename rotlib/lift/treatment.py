"""From the interventions table to each partner's first treated quarter.

Why one explicit rule: programs start on arbitrary dates, the panel is by fiscal
quarter, and where a mid-quarter start lands decides which quarter is the last
clean "before" quarter. Two rules are offered:

``"start_quarter"`` (default)
    Treated from the fiscal quarter that contains the start date. The quarter before
    it is then entirely untreated, which is what Callaway-Sant'Anna compares
    against; the price is that the first treated quarter may be only partly
    exposed, so the first event-time effect can look smaller than later ones.
``"next_full_quarter"``
    Treated from the first quarter fully exposed: a start after the first
    ``grace_days`` days of a quarter moves to the next quarter. The first treated
    quarter is then fully exposed, but the partly exposed quarter becomes the base
    quarter - combine with ``anticipation=1`` in :func:`rotlib.lift.did` to keep it
    out of the comparison.

A partner enrolled several times in one program counts from its earliest start
(treatment is assumed to stay on: the estimators are for absorbing treatments).
Programs are kept apart: each (partner, program) pair gets its own first quarter.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from rotlib.calendar import FiscalCalendar
from rotlib.errors import AnalysisError, InputError

ADOPTION_RULES = ("start_quarter", "next_full_quarter")
INTERVENTION_COLUMNS = ("partner_id", "program", "start_date")


def first_treated_quarters(
    interventions: pd.DataFrame,
    *,
    calendar: FiscalCalendar | None = None,
    adoption: str = "start_quarter",
    grace_days: int = 0,
    programs: Sequence[str] | None = None,
) -> pd.DataFrame:
    """First treated fiscal quarter per partner and program.

    Parameters
    ----------
    interventions
        Columns ``partner_id`` (str), ``program`` (str), ``start_date`` (date).
    calendar
        Fiscal calendar for quarter boundaries (default: calendar quarters).
    adoption
        ``"start_quarter"`` or ``"next_full_quarter"`` (see the module docstring).
    grace_days
        With ``"next_full_quarter"``: a start within the first ``grace_days`` days
        of a quarter still counts that quarter as fully exposed (0 = only a start on
        the first day does).
    programs
        Keep only these programs (default all).

    Returns
    -------
    pandas.DataFrame
        One row per partner and program: ``partner_id``, ``program``,
        ``start_date`` (earliest), ``start_quarter_index``, ``first_treated_index``
        and ``first_treated_quarter`` (label such as ``"2026Q3"``).
    """
    calendar = calendar or FiscalCalendar()
    if adoption not in ADOPTION_RULES:
        raise AnalysisError(
            f"adoption must be one of {', '.join(ADOPTION_RULES)}, got {adoption!r}."
        )
    if grace_days < 0:
        raise AnalysisError(f"grace_days must be 0 or more, got {grace_days}.")
    missing = [c for c in INTERVENTION_COLUMNS if c not in interventions]
    if missing:
        raise InputError(
            f"the interventions table lacks column(s) {', '.join(missing)}.",
            fix="provide partner_id, program and start_date",
        )
    t = interventions[list(INTERVENTION_COLUMNS)].copy()
    t["partner_id"] = t["partner_id"].astype("str")
    t["program"] = t["program"].astype("str")
    t["start_date"] = pd.to_datetime(t["start_date"], errors="coerce")
    bad = t["start_date"].isna()
    if bad.any():
        first_bad = interventions.loc[bad[bad].index[0]]
        raise InputError(
            f"{int(bad.sum())} intervention(s) have no valid start_date (first: partner "
            f"{first_bad['partner_id']!r}, program {first_bad['program']!r}).",
            column="start_date",
            fix="fill in the start date or remove the row",
        )
    if programs is not None:
        t = t[t["program"].isin(list(programs))]
    t = t.groupby(["partner_id", "program"], as_index=False)["start_date"].min()
    q = calendar.quarter_index(t["start_date"]).astype("int64").to_numpy()
    first = q.copy()
    if adoption == "next_full_quarter":
        starts = np.array([calendar.quarter_start(int(i)) for i in q], dtype="datetime64[ns]")
        days_in = (t["start_date"].to_numpy(dtype="datetime64[ns]") - starts) / np.timedelta64(
            1, "D"
        )
        first = np.where(days_in > grace_days, q + 1, q)
    t["start_quarter_index"] = q
    t["first_treated_index"] = first.astype("int64")
    t["first_treated_quarter"] = [calendar.index_to_label(int(i)) for i in first]
    return t.sort_values(["program", "partner_id"], ignore_index=True)


def assign_first_treated(
    panel: pd.DataFrame,
    first_treated: pd.DataFrame,
    *,
    program: str,
    unit: str = "partner_id",
    column: str = "first_treated",
    other_programs: str = "keep",
) -> pd.DataFrame:
    """Add ``column`` (first treated quarter index, 0 = not in the program) to ``panel``.

    ``other_programs="exclude"`` drops every partner that joined a *different* program,
    from both arms: the comparison is then "this program alone" against "no program".
    Dropping them from the comparison group only would leave the other program's
    effect in the treated arm and bias the estimate (measured on the sample: a placebo
    program showed +9 pp on win rate that way). ``"keep"`` leaves them in both arms,
    which is unbiased when enrolment in the two programs is unrelated.
    """
    if other_programs not in ("keep", "exclude"):
        raise AnalysisError(f"other_programs must be 'keep' or 'exclude', got {other_programs!r}.")
    if program not in set(first_treated["program"]):
        known = ", ".join(sorted(set(first_treated["program"]))) or "none"
        raise AnalysisError(
            f"no partner is enrolled in program {program!r}; programs in the interventions "
            f"table: {known}."
        )
    mine = first_treated[first_treated["program"] == program]
    mapping = dict(zip(mine["partner_id"], mine["first_treated_index"], strict=True))
    out = panel.copy()
    ids = out[unit].astype("str")
    out[column] = ids.map(mapping).fillna(0).astype("int64")
    if other_programs == "exclude":
        others = set(first_treated.loc[first_treated["program"] != program, "partner_id"])
        out = out[~ids.isin(others)]
    return out

"""Interventions -> first treated fiscal quarter, with the adoption rules."""

from __future__ import annotations

import pandas as pd
import pytest

from rotlib.calendar import FiscalCalendar
from rotlib.errors import AnalysisError, InputError
from rotlib.lift import assign_first_treated, first_treated_quarters

CAL = FiscalCalendar()  # calendar quarters


def _interventions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partner_id": ["A", "B", "C", "A", "D", "B"],
            "program": ["enable", "enable", "enable", "process", "process", "enable"],
            "start_date": pd.to_datetime(
                ["2025-04-01", "2025-05-20", "2025-06-30", "2025-10-03", "2025-07-01", "2025-01-15"]
            ),
        }
    )


def _q(label: str) -> int:
    return CAL.label_to_index(label)


def test_start_quarter_rule_uses_the_quarter_containing_the_start() -> None:
    t = first_treated_quarters(_interventions(), calendar=CAL)
    enable = t[t["program"] == "enable"].set_index("partner_id")
    assert enable.loc["A", "first_treated_quarter"] == "2025Q2"
    assert enable.loc["C", "first_treated_quarter"] == "2025Q2"  # last day of Q2
    # B enrolled twice: the earliest start counts (treatment is absorbing)
    assert enable.loc["B", "start_date"] == pd.Timestamp("2025-01-15")
    assert enable.loc["B", "first_treated_index"] == _q("2025Q1")


def test_next_full_quarter_rule_moves_mid_quarter_starts() -> None:
    t = first_treated_quarters(_interventions(), calendar=CAL, adoption="next_full_quarter")
    by = t.set_index(["program", "partner_id"])["first_treated_quarter"]
    assert by[("enable", "A")] == "2025Q2"  # starts on the quarter's first day
    assert by[("enable", "C")] == "2025Q3"  # starts on its last day
    assert by[("process", "A")] == "2026Q1"  # 2 days into Q4
    assert by[("process", "D")] == "2025Q3"


def test_grace_days_keep_early_starts_in_their_quarter() -> None:
    t = first_treated_quarters(
        _interventions(), calendar=CAL, adoption="next_full_quarter", grace_days=5
    )
    by = t.set_index(["program", "partner_id"])["first_treated_quarter"]
    assert by[("process", "A")] == "2025Q4"  # 2 days in <= 5 grace days
    assert by[("enable", "B")] == "2025Q2"  # 14 days in > 5


def test_fiscal_year_starting_in_february() -> None:
    cal = FiscalCalendar(start_month=2)
    t = first_treated_quarters(_interventions(), calendar=cal)
    a = t[(t["program"] == "enable") & (t["partner_id"] == "A")].iloc[0]
    # Feb-Apr is fiscal Q1 of the year ending next January: 2025-04-01 -> FY2026 Q1
    assert a["first_treated_quarter"] == "2026Q1"
    assert a["first_treated_index"] == cal.quarter_index(pd.Series([a["start_date"]])).iloc[0]


def test_programs_are_kept_apart_and_filterable() -> None:
    t = first_treated_quarters(_interventions(), calendar=CAL, programs=["process"])
    assert set(t["program"]) == {"process"}
    assert sorted(t["partner_id"]) == ["A", "D"]


def test_assign_first_treated_marks_never_treated_with_zero() -> None:
    t = first_treated_quarters(_interventions(), calendar=CAL)
    panel = pd.DataFrame(
        {
            "partner_id": ["A", "B", "C", "D", "E"] * 2,
            "quarter_index": [_q("2025Q1")] * 5 + [_q("2025Q2")] * 5,
        }
    )
    keep = assign_first_treated(panel, t, program="enable")
    first = keep.groupby("partner_id")["first_treated"].first()
    assert first["A"] == _q("2025Q2") and first["E"] == 0 and first["D"] == 0
    excl = assign_first_treated(panel, t, program="enable", other_programs="exclude")
    # D is only in "process": it is not a clean control for "enable"
    assert "D" not in set(excl["partner_id"]) and "E" in set(excl["partner_id"])
    # and partners in both programs leave the treated arm too, or the other program's
    # effect would be counted as this one's
    both = pd.concat(
        [t, pd.DataFrame({"partner_id": ["A"], "program": ["process"],
                          "first_treated_index": [_q("2025Q2")]})],
        ignore_index=True,
    )
    excl_both = assign_first_treated(panel, both, program="enable", other_programs="exclude")
    assert "A" not in set(excl_both["partner_id"])


def test_unknown_program_and_bad_rule_are_clear() -> None:
    t = first_treated_quarters(_interventions(), calendar=CAL)
    with pytest.raises(AnalysisError, match="no partner is enrolled in program 'onboard'"):
        assign_first_treated(pd.DataFrame({"partner_id": ["A"]}), t, program="onboard")
    with pytest.raises(AnalysisError, match="adoption must be one of"):
        first_treated_quarters(_interventions(), adoption="whenever")


def test_missing_start_date_names_the_partner() -> None:
    bad = _interventions()
    bad.loc[2, "start_date"] = pd.NaT
    with pytest.raises(InputError, match="partner 'C'"):
        first_treated_quarters(bad)
    with pytest.raises(InputError, match="lacks column"):
        first_treated_quarters(bad.drop(columns=["program"]))

"""Each impossible input stops with an AnalysisError that says what to do."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lift_testdata import COLS

from rotlib.errors import AnalysisError, RotError
from rotlib.lift import did, evaluate, event_study


def _panel(first_treated: dict[str, int], n_periods: int = 6, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for u, g in first_treated.items():
        for t in range(1, n_periods + 1):
            rows.append({"unit": u, "period": t, "first_treated": g, "y": rng.normal()})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("method", ["cs", "twfe", "sunab"])
def test_no_treated_units(method: str) -> None:
    panel = _panel({f"u{i}": 0 for i in range(10)})
    with pytest.raises(AnalysisError, match="no treated units"):
        did(panel, method=method, **COLS)


def test_missing_first_treated_means_never_treated() -> None:
    panel = _panel({f"u{i}": 0 for i in range(10)})
    panel["first_treated"] = np.nan
    with pytest.raises(AnalysisError, match="0 or missing for every unit"):
        did(panel, **COLS)


def test_single_treated_unit() -> None:
    panel = _panel({"t1": 4, **{f"c{i}": 0 for i in range(10)}})
    with pytest.raises(AnalysisError, match=r"only one treated unit \('t1'\)"):
        did(panel, **COLS)


def test_no_controls_left_never_treated() -> None:
    panel = _panel({f"u{i}": 3 + i % 2 for i in range(10)})
    with pytest.raises(AnalysisError, match=r"no controls left.*not_yet_treated"):
        did(panel, **COLS)


def test_no_controls_left_not_yet_treated() -> None:
    panel = _panel({f"u{i}": 4 for i in range(10)})
    with pytest.raises(AnalysisError, match="no controls left"):
        did(panel, control="not_yet_treated", **COLS)


def test_not_yet_treated_works_without_never_treated() -> None:
    panel = _panel({f"u{i}": 3 if i < 5 else 5 for i in range(10)}, seed=1)
    r = did(panel, control="not_yet_treated", **COLS)
    assert np.isfinite(r.estimate)
    assert any("no untreated comparison" in n for n in r.notes)


def test_outcome_never_varies() -> None:
    panel = _panel({**{f"t{i}": 4 for i in range(3)}, **{f"c{i}": 0 for i in range(5)}})
    panel["y"] = 0.25
    with pytest.raises(AnalysisError, match="never varies"):
        did(panel, **COLS)


def test_program_starts_after_last_period() -> None:
    panel = _panel({**{f"t{i}": 9 for i in range(3)}, **{f"c{i}": 0 for i in range(5)}})
    with pytest.raises(AnalysisError, match=r"after the last period.*9 > last period 6"):
        did(panel, **COLS)


def test_late_adopters_count_as_untreated_when_others_start_inside() -> None:
    panel = _panel(
        {**{f"t{i}": 4 for i in range(4)}, "late": 9, **{f"c{i}": 0 for i in range(6)}}, seed=2
    )
    r = did(panel, **COLS)
    assert r.n_treated == 4
    assert any("adopt after the last period" in n for n in r.notes)


def test_errors_are_catchable_as_rot_error_and_name_the_fix() -> None:
    panel = _panel({"t1": 4, **{f"c{i}": 0 for i in range(5)}})
    with pytest.raises(RotError) as info:
        evaluate(panel, **COLS)
    assert "Fix:" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"method": "synthetic"}, "unknown method"),
        ({"control": "everyone"}, "control must be one of"),
        ({"aggregation": "weekly"}, "aggregation must be one of"),
        ({"alpha": 1.5}, "alpha must be between"),
        ({"outcome": "revenue"}, "no column"),
        ({"anticipation": -1}, "anticipation must be"),
    ],
)
def test_bad_options(kwargs: dict[str, object], pattern: str) -> None:
    panel = _panel({**{f"t{i}": 4 for i in range(3)}, **{f"c{i}": 0 for i in range(5)}})
    args = {**COLS, **kwargs}
    with pytest.raises(AnalysisError, match=pattern):
        did(panel, **args)  # type: ignore[arg-type]


def test_duplicate_rows_are_refused() -> None:
    panel = _panel({**{f"t{i}": 4 for i in range(3)}, **{f"c{i}": 0 for i in range(5)}})
    with pytest.raises(AnalysisError, match="more than once"):
        did(pd.concat([panel, panel.head(1)]), **COLS)


def test_2x2_needs_a_wave_when_there_are_several(staggered) -> None:
    with pytest.raises(AnalysisError, match="cohort=<first treated period>"):
        did(staggered.panel, method="2x2", **COLS)


def test_event_study_rejects_unknown_method(staggered) -> None:
    with pytest.raises(AnalysisError, match="event_study method"):
        event_study(staggered.panel, method="2x2", **COLS)


def test_first_treated_must_be_constant_per_unit() -> None:
    panel = _panel({**{f"t{i}": 4 for i in range(3)}, **{f"c{i}": 0 for i in range(5)}})
    panel.loc[(panel["unit"] == "t1") & (panel["period"] == 6), "first_treated"] = 5
    with pytest.raises(AnalysisError, match="varies within unit 't1'"):
        did(panel, **COLS)


def test_evaluate_rejects_unknown_check(staggered) -> None:
    with pytest.raises(AnalysisError, match="unknown check"):
        evaluate(staggered.panel, checks=("pre_trend", "vibes"), **COLS)

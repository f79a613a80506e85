"""Run folders as notebooks see them, the default report quarter, and explore helpers."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from rotlib.calendar import FiscalCalendar
from rotlib.errors import ConfigError, InputError
from rotlib.pipeline import workspace
from rotlib.pipeline.explore import partner_history, partner_options, reweighted, tier_shift
from rotlib.pipeline.quarters import as_of_date, choose_quarter, latest_complete_quarter


def _tables(last_ticket: str) -> dict[str, pd.DataFrame]:
    return {
        "tickets": pd.DataFrame({
            "opened_at": pd.to_datetime(["2026-07-01 10:00", last_ticket], format="ISO8601"),
            "resolved_at": pd.to_datetime(["2026-07-02", None]),
            "sla_due_at": pd.to_datetime(["2027-03-01", "2027-03-01"]),  # future: ignored
        }),
        "joint_activities": pd.DataFrame({"planned_date": pd.to_datetime(["2027-06-01"]),
                                          "completed_date": pd.to_datetime([None])}),
    }


@pytest.mark.parametrize(("last", "quarter"), [
    ("2026-09-30 23:00", "2026Q3"),  # reaches the last day
    ("2026-09-20 08:00", "2026Q3"),  # within the last 14 days
    ("2026-09-10 08:00", "2026Q2"),  # three weeks short: Q3 is incomplete
    ("2026-10-02 08:00", "2026Q3"),  # two days into Q4
])
def test_latest_complete_quarter(last, quarter):
    report = latest_complete_quarter(_tables(last), FiscalCalendar(1))
    assert report.quarter == quarter
    assert report.quarter_index == FiscalCalendar.label_to_index(quarter)


def test_due_and_planned_dates_do_not_count_and_fiscal_calendars_do():
    assert as_of_date(_tables("2026-09-30")) == pd.Timestamp("2026-09-30")
    # with a February fiscal year start, 2026-10-31 ends FY2027 Q3
    report = latest_complete_quarter(_tables("2026-10-31"), FiscalCalendar(2))
    assert report.quarter == "2027Q3"


def test_as_of_date_from_parquet_matches_pandas(tmp_path):
    tables = _tables("2026-09-30 23:00")
    for name, frame in tables.items():
        frame.to_parquet(tmp_path / f"{name}.parquet")
    assert as_of_date(tmp_path) == as_of_date(tables)


def test_choose_quarter_checks_a_requested_label():
    assert choose_quarter("2026Q1", _tables("2026-09-30"), FiscalCalendar()).quarter == "2026Q1"
    with pytest.raises(InputError, match="YYYYQn"):
        choose_quarter("Q1 2026", _tables("2026-09-30"), FiscalCalendar())
    with pytest.raises(InputError, match="no table has a dated event"):
        latest_complete_quarter({"tickets": pd.DataFrame({"opened_at": []})}, FiscalCalendar())


def test_run_folder_resolution_and_missing_artifacts(tmp_path, monkeypatch):
    monkeypatch.setenv(workspace.ENV_RUN_DIR, str(tmp_path / "from-env"))
    run = workspace.open_run("")
    assert run.root == (tmp_path / "from-env").resolve() and run.artifacts.is_dir()
    explicit = workspace.open_run(str(tmp_path / "explicit"))
    assert explicit.root.name == "explicit"
    with pytest.raises(InputError, match="run notebook 02_score first"):
        run.read_table("scores.parquet", made_by="02_score")
    run.write_json({"b": float("nan"), "a": pd.Timestamp("2026-01-01")}, "x.json")
    assert json.loads(run.path("x.json").read_text()) == {"a": "2026-01-01T00:00:00",
                                                         "b": None}
    monkeypatch.setenv(workspace.ENV_DATA_DIR, str(tmp_path / "nope"))
    with pytest.raises(InputError, match="data folder not found"):
        workspace.resolve_data_dir("")
    with pytest.raises(InputError, match="no run artifacts here"):
        workspace.find_run(str(tmp_path / "empty"))


def _scores() -> pd.DataFrame:
    return pd.DataFrame({
        "partner_id": ["b", "a", "b", "a"], "partner_name": ["<B>", "A", "<B>", "A"],
        "quarter": ["2026Q1", "2026Q1", "2026Q2", "2026Q2"],
        "quarter_index": [8104, 8104, 8105, 8105], "rank": [2, 1, 1, 2],
        "rot_score": [50.0, 70.0, 80.0, 60.0], "tier": ["Developing", "Trusted",
                                                        "Strategic", "Trusted"],
        "reliability_score": [40.0, 60.0, 90.0, 55.0],
    })


def test_explore_helpers():
    assert partner_options(_scores(), "2026Q2") == [("<B> (b)", "b"), ("A (a)", "a")]
    history = partner_history(_scores(), "b")
    assert history["rot_score"].tolist() == [50.0, 80.0]
    assert "reliability_score" in history
    shift = tier_shift(_scores(), _scores().assign(tier="Trusted"), "2026Q2",
                       ["Strategic", "Trusted", "Developing", "Probation"])
    assert shift.set_index("tier").loc["Trusted", "change"] == 1


def test_reweighted_configs_are_validated_like_yaml():
    from rotlib.scoring import load_config

    config = load_config(None)
    changed = reweighted(config, {"integrity": 3.0}, {"Strategic": 80.0})
    assert changed.categories["integrity"].weight == 3.0
    assert changed.tiers[0].min_score == 80.0
    assert config.categories["integrity"].weight == 1.0  # the original is untouched
    with pytest.raises(ConfigError):
        reweighted(config, tier_thresholds={"Trusted": 90.0})  # above Strategic: overlap

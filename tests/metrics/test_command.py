"""``rot metrics DIR --out FILE``: formats, options, exit codes, CSV folders."""

from __future__ import annotations

import sys
import types

import pandas as pd
import pytest

from rotlib.calendar import FiscalCalendar
from rotlib.cli import main
from rotlib.metrics import compute_metrics


def _folder(tables, folder, suffix, *, validated=False):
    """Write every table as ``<table>.parquet`` or ``<table>.csv`` into a new ``folder``.

    ``validated`` adds the ``source_line`` column, as ``rot validate`` writes its output.
    """
    folder.mkdir()
    for name, frame in tables.items():
        path = folder / f"{name}{suffix}"
        if validated:
            frame = frame.assign(source_line=range(2, len(frame) + 2))
        if suffix == ".parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False)
    return folder


@pytest.fixture
def parquet_folder(world_tables, tmp_path):
    return _folder(world_tables, tmp_path / "validated", ".parquet", validated=True)


def test_writes_parquet(parquet_folder, world_metrics, tmp_path, capsys):
    out = tmp_path / "out" / "metrics.parquet"
    assert main(["metrics", str(parquet_folder), "--out", str(out)]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out), world_metrics, check_dtype=False)
    assert "9 rows (3 partners x 3 quarters, 2025Q4..2026Q2)" in capsys.readouterr().err


def test_writes_spreadsheet_safe_csv(parquet_folder, world_metrics, tmp_path):
    out = tmp_path / "metrics.csv"
    assert main(["metrics", str(parquet_folder), "--out", str(out)]) == 0
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(back.columns) == list(world_metrics.columns)
    names = dict(zip(back.partner_id, back.partner_name, strict=False))
    assert names == {"P1": "Partner P1", "P2": "NA", "P3": "'=HYPERLINK(1)"}
    p1 = back[(back.partner_id == "P1") & (back.quarter == "2026Q1")].iloc[0]
    assert float(p1.win_rate) == pytest.approx(0.6)
    assert p1.win_rate__num == "3" and p1.win_rate__reason == ""


def test_fiscal_year_and_quarter_range_options(parquet_folder, world_tables, tmp_path):
    out = tmp_path / "m.parquet"
    argv = ["metrics", str(parquet_folder), "--out", str(out), "--fiscal-year-start-month", "2",
            "--first-quarter", "2027Q1", "--last-quarter", "2027Q3"]
    assert main(argv) == 0
    expected = compute_metrics(world_tables, calendar=FiscalCalendar(2),
                               quarters=("2027Q1", "2027Q3"))
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected, check_dtype=False)


@pytest.mark.parametrize(("extra", "message"), [
    (["--out", "m.xlsx"], "end the --out file name in .parquet or .csv"),
    (["--out", "m.csv", "--first-quarter", "2026Q1"], "go together"),
    (["--out", "m.csv", "--first-quarter", "2026-Q1", "--last-quarter", "2026Q2"], "YYYYQn"),
])
def test_usage_errors_exit_2(parquet_folder, tmp_path, capsys, monkeypatch, extra, message):
    monkeypatch.chdir(tmp_path)
    assert main(["metrics", str(parquet_folder), *extra]) == 2
    assert message in capsys.readouterr().err


def test_missing_folder_exits_2(tmp_path, capsys):
    assert main(["metrics", str(tmp_path / "nope"), "--out", str(tmp_path / "m.csv")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_help_describes_the_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["metrics", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--out", "--fiscal-year-start-month", "--first-quarter", "__reason"):
        assert option in text


@pytest.mark.parametrize("raw_format", [".csv", ".parquet"])
def test_raw_exports_are_validated_first(world_tables, world_metrics, parquet_folder, tmp_path,
                                         monkeypatch, raw_format):
    seen = []

    def validate_folder(folder, **options):  # stands in for rotlib.validation here only
        seen.append((folder, options["calendar"]))
        paths = {name: parquet_folder / f"{name}.parquet" for name in world_tables}
        return types.SimpleNamespace(tables={}, parquet_paths=paths, rows_quarantined=0)

    fake = types.ModuleType("rotlib.validation")
    fake.validate_folder = validate_folder
    monkeypatch.setitem(sys.modules, "rotlib.validation", fake)
    folder = _folder(world_tables, tmp_path / "raw", raw_format)
    out = tmp_path / "m.parquet"
    assert main(["metrics", str(folder), "--out", str(out)]) == 0
    assert seen == [(folder, FiscalCalendar(1))]
    pd.testing.assert_frame_equal(pd.read_parquet(out), world_metrics, check_dtype=False)


def test_raw_sample_gives_the_same_table_as_validated_parquet(tmp_path):
    """End to end with the real generator and validator: CSV in, same metrics out."""
    raw, validated = tmp_path / "raw", tmp_path / "validated"
    assert main(["sample-data", "--partners", "12", "--quarters", "2", "--seed", "3",
                 "--out", str(raw)]) == 0
    assert main(["validate", str(raw), "--out", str(validated)]) == 0
    from_raw, from_parquet = tmp_path / "a.parquet", tmp_path / "b.parquet"
    assert main(["metrics", str(raw), "--out", str(from_raw)]) == 0
    assert main(["metrics", str(validated), "--out", str(from_parquet)]) == 0
    a, b = pd.read_parquet(from_raw), pd.read_parquet(from_parquet)
    pd.testing.assert_frame_equal(a, b)
    assert a.partner_id.nunique() == 12 and list(a.quarter.unique()) == ["2025Q1", "2025Q2"]


def test_csv_folder_without_validation_module_exits_2(world_tables, tmp_path, monkeypatch,
                                                      capsys):
    monkeypatch.setitem(sys.modules, "rotlib.validation", None)  # import raises ImportError
    folder = _folder(world_tables, tmp_path / "raw", ".csv")
    assert main(["metrics", str(folder), "--out", str(tmp_path / "m.csv")]) == 2
    assert "holds raw exports" in capsys.readouterr().err

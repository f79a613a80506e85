"""`rot score`: files in and out, exit codes, and spreadsheet-safe CSV."""

from __future__ import annotations

import pandas as pd
import pytest

from rotlib.cli import main

from .synthetic import build_metrics


@pytest.fixture(scope="module")
def metrics_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("score_cmd")
    table, _ = build_metrics(30, 3, seed=2)
    table.loc[0, "partner_name"] = '=HYPERLINK("http://evil","click")'
    first = table["partner_id"] == "P000001"
    table.loc[first, "partner_id"] = "NA"  # a real id that must not become missing
    table.loc[first, "partner_name"] = "NA"
    csv, parquet = folder / "metrics.csv", folder / "metrics.parquet"
    table.to_csv(csv, index=False)
    table.to_parquet(parquet, index=False)
    return folder, csv, parquet


def test_score_csv_to_csv_is_spreadsheet_safe(metrics_files, capsys):
    folder, csv, _ = metrics_files
    out = folder / "scores.csv"
    assert main(["score", str(csv), "--out", str(out), "--summary"]) == 0
    err = capsys.readouterr().err
    assert "wrote 90 rows (30 partners x 3 quarters)" in err
    assert "RoT scorecard" in err  # --summary
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and ',=HYPERLINK' not in text
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert "NA" in set(back["partner_id"])
    for col in ("rot_score", "tier", "rot_ratio", "reliability_score", "joint_win_rate__score"):
        assert col in back.columns


def test_score_parquet_with_robustness(metrics_files):
    folder, _, parquet = metrics_files
    out = folder / "scores.parquet"
    assert main(["score", str(parquet), "--out", str(out), "--robustness-draws", "20",
                 "--robustness-quarters", "2025Q3"]) == 0
    frame = pd.read_parquet(out)
    assert len(frame) == 90
    assert {"rank_p05", "rank_p95", "tier_stability", "p_tier__Strategic"} <= set(frame.columns)
    assert frame.loc[frame["quarter"] == "2025Q3", "tier_stability"].notna().any()


def test_score_command_errors(metrics_files, tmp_path, capsys):
    _, csv, _ = metrics_files
    assert main(["score", str(csv), "--out", str(tmp_path / "x.txt")]) == 2
    assert "unknown output format" in capsys.readouterr().err
    assert main(["score", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "x.csv")]) == 2
    assert "file not found" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("tiers: []\ncategories: {}\n", encoding="utf-8")
    assert main(["score", str(csv), "--config", str(bad), "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "key 'tiers'" in err and "Fix:" in err
    broken = pd.read_csv(csv, dtype=str, keep_default_na=False)
    broken = broken.drop(columns=["joint_win_rate__den"])
    broken_csv = tmp_path / "broken.csv"
    broken.to_csv(broken_csv, index=False)
    assert main(["score", str(broken_csv), "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert str(broken_csv) in err and "joint_win_rate__den" in err

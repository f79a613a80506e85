"""``rot cohorts``: files in, result out, errors mapped to exit codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from rotlib.cli import main


@pytest.fixture(scope="module")
def folders(small_sim, tmp_path_factory):
    root = tmp_path_factory.mktemp("cohorts_cli")
    parquet, csv = root / "validated", root / "validated_csv"
    parquet.mkdir()
    csv.mkdir()
    for name, frame in small_sim.outcomes.items():
        frame.to_parquet(parquet / f"{name}.parquet", index=False)
        frame.to_csv(csv / f"{name}.csv", index=False)
    small_sim.scored.to_parquet(root / "scores.parquet", index=False)
    small_sim.scored.to_csv(root / "scores.csv", index=False)
    return root


def _args(root, out, *extra):
    return ["cohorts", "--scores", str(root / "scores.parquet"), "--data",
            str(root / "validated"), "--quarter", "2026Q2", "--out", str(out),
            "--bootstrap-draws", "100", *extra]


def test_json_output_and_figures(folders, capsys):
    out = folders / "out" / "cohorts.json"
    code = main(_args(folders, out, "--figures", str(folders / "fig")))
    assert code == 0
    data = json.loads(out.read_text())
    assert data["quarter"] == "2026Q2" and data["config"]["bootstrap_draws"] == 100
    assert (folders / "fig" / "forest.png").stat().st_size > 0
    assert (folders / "fig" / "transitions.png").stat().st_size > 0
    printed = capsys.readouterr().out
    assert "Does trust pay?" in printed and "headline is Q+1" in printed


def test_csv_inputs_give_the_same_estimates_as_parquet(folders):
    a, b = folders / "a.csv", folders / "b.csv"
    assert main(_args(folders, a, "--quiet")) == 0
    args = _args(folders, b, "--quiet")
    args[args.index("--scores") + 1] = str(folders / "scores.csv")
    args[args.index("--data") + 1] = str(folders / "validated_csv")
    assert main(args) == 0
    ta, tb = pd.read_csv(a), pd.read_csv(b)
    pd.testing.assert_frame_equal(ta, tb, check_exact=False, rtol=1e-9)


def test_options_reach_the_config(folders):
    out = folders / "opts.json"
    code = main(_args(folders, out, "--quiet", "--threshold", "55", "--correction", "fdr_bh",
                      "--adjust-for", "size", "--outcomes", "win_rate,escalation_rate",
                      "--no-rdd"))
    assert code == 0
    data = json.loads(out.read_text())
    assert data["config"]["threshold"] == 55 and data["config"]["adjust_for"] == ["size"]
    assert {r["outcome"] for r in data["estimates"]} == {"win_rate", "escalation_rate"}
    assert data["rdd"] == [] and "Benjamini-Hochberg" in data["correction_note"]


@pytest.mark.parametrize(("change", "code", "message"), [
    (("--data", "missing_dir"), 2, "is not a folder"),
    (("--out", "result.txt"), 2, "unknown output format"),
    (("--quarter", "2030Q1"), 1, "has no scored partners"),
    (("--threshold", "150"), 2, "outside 0-100"),
])
def test_errors_map_to_exit_codes(folders, capsys, change, code, message):
    args = _args(folders, folders / "err.json", "--quiet")
    flag, value = change
    value = str(folders / value) if flag in ("--data", "--out") else value
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    assert main(args) == code
    assert message in capsys.readouterr().err


def test_yaml_config_with_an_unknown_key_is_refused(folders, capsys):
    cfg = folders / "cohorts.yaml"
    cfg.write_text("treshold: 50\n")
    assert main(_args(folders, folders / "x.json", "--config", str(cfg))) == 2
    assert "unknown key(s) treshold" in capsys.readouterr().err


def test_csv_keeps_a_partner_named_na_and_leading_zeros(tmp_path):
    from rotlib.commands.cohorts import read_frame

    path = tmp_path / "scores.csv"
    path.write_text("partner_id,quarter,quarter_index,rot_score,tier\n"
                    "NA,2026Q2,8105,61.5,Trusted\n007,2026Q2,8105,,insufficient data\n")
    frame = read_frame(path, "scores")
    assert frame["partner_id"].tolist() == ["NA", "007"]
    assert frame["rot_score"].isna().tolist() == [False, True]

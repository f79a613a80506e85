"""``rot sample-data``: writes the files, refuses to clobber, explains bad parameters."""

from __future__ import annotations

import json

import pytest

from rotlib.cli import EXIT_BAD_INPUT, main
from rotlib.contract import TABLES

ARGS = ["sample-data", "--partners", "40", "--quarters", "4", "--seed", "3", "--volume", "0.3"]


def test_writes_every_table_and_truth(tmp_path, capsys):
    out = tmp_path / "sample"
    assert main([*ARGS, "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert names == {f"{t.name}.csv" for t in TABLES} | {"truth.json"}
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert truth["parameters"]["partners"] == 40 and truth["parameters"]["volume"] == 0.3
    assert "tickets" in capsys.readouterr().out


def test_parquet_format(tmp_path):
    out = tmp_path / "pq"
    assert main([*ARGS, "--out", str(out), "--format", "parquet", "--start", "2026Q2",
                 "--fiscal-start-month", "4", "--trust-link", "0", "--program-effect",
                 "0"]) == 0
    assert (out / "tickets.parquet").exists() and not (out / "tickets.csv").exists()
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert truth["calendar"]["window_quarters"][0]["label"] == "2026Q2"
    assert truth["calendar"]["window_quarters"][0]["start"] == "2025-07-01"


def test_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "sample"
    assert main([*ARGS, "--out", str(out)]) == 0
    (out / "README.md").write_text("keep me")
    assert main([*ARGS, "--out", str(out)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "--force" in err and str(out) in err
    # --force replaces sample files of either format and keeps anything else
    assert main([*ARGS, "--out", str(out), "--format", "parquet", "--force"]) == 0
    assert (out / "README.md").read_text() == "keep me"
    assert not list(out.glob("*.csv")) and (out / "tickets.parquet").exists()


@pytest.mark.parametrize(("extra", "needle"), [
    (["--partners", "0"], "partners"),
    (["--quarters", "0"], "quarters"),
    (["--start", "2025-Q1"], "start"),
    (["--volume", "0"], "volume"),
    (["--trust-link", "-1"], "trust_link"),
    (["--fiscal-start-month", "13"], "fiscal_start_month"),
    (["--seed", "-4"], "seed"),
])
def test_bad_parameters_exit_2_with_a_message(tmp_path, capsys, extra, needle):
    code = main([*ARGS, *extra, "--out", str(tmp_path / "x")])
    assert code == EXIT_BAD_INPUT
    assert needle in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_help_explains_the_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sample-data", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for word in ("--trust-link", "--program-effect", "--volume", "truth.json", "--force"):
        assert word in text

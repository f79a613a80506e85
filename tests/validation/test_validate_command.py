"""`rot validate`: exit codes, messages and what lands in --out."""

from __future__ import annotations

import pytest
from bad_inputs.base import base_tables, write_folder

from rotlib.cli import main


def test_help_describes_the_options(capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for words in ("--out", "--strict", "--encoding", "--date-format", "--metrics-table",
                  "exit codes", "quarantine"):
        assert words in text


def test_valid_folder_writes_tables_and_report(tmp_path, capsys):
    folder = write_folder(tmp_path / "in")
    assert main(["validate", str(folder), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "tickets.parquet").is_file()
    assert (tmp_path / "out" / "quality.html").is_file()
    assert "rows read = accepted + quarantined" in capsys.readouterr().out


def test_table_level_problem_exits_2_and_names_the_fix(tmp_path, capsys):
    folder = write_folder(tmp_path / "in")
    (folder / "tickets.csv").unlink()
    assert main(["validate", str(folder), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "tickets.csv" in err and "is missing" in err and "Fix:" in err
    assert not (tmp_path / "out").exists()


def test_strict_exits_3_and_writes_only_quarantine_and_report(tmp_path, capsys):
    tables = base_tables()
    tables["opportunities"][0]["amount"] = "(75.00)"
    folder = write_folder(tmp_path / "in", tables)
    out = tmp_path / "out"
    assert main(["validate", str(folder), "--out", str(out), "--strict"]) == 3
    assert "--strict" in capsys.readouterr().err
    assert (out / "quarantine" / "opportunities.csv").is_file()
    assert not (out / "opportunities.parquet").exists()
    assert main(["validate", str(folder), "--out", str(out)]) == 0
    assert (out / "opportunities.parquet").is_file()


def test_encoding_and_date_format_options(tmp_path):
    tables = base_tables()
    tables["partners"][0]["partner_name"] = "Café Müller"
    tables["partners"][1]["joined_date"] = "01/07/2022"
    folder = write_folder(tmp_path / "in", tables)
    for path in folder.glob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    assert main(["validate", str(folder)]) == 2
    assert main(["validate", str(folder), "--encoding", "cp1252", "--date-format",
                 "%d/%m/%Y", "--strict"]) == 0

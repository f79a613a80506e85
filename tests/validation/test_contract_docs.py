"""docs/data-contract.md is generated from the contract; it must never be stale."""

from __future__ import annotations

from pathlib import Path

from rotlib.cli import main
from rotlib.contract import TABLES
from rotlib.contract_docs import contract_markdown
from rotlib.registry import ALL_METRICS

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-contract.md"


def test_committed_contract_doc_is_up_to_date():
    assert DOC.is_file(), "run `rot contract-docs --out docs/data-contract.md`"
    assert DOC.read_text(encoding="utf-8") == contract_markdown(), (
        "docs/data-contract.md is stale: run `rot contract-docs --out docs/data-contract.md`")


def test_doc_names_every_table_column_and_metric():
    text = contract_markdown()
    for spec in TABLES:
        assert f"### `{spec.name}`" in text
        for col in spec.columns:
            assert f"| `{col.name}` |" in text
        for rule in spec.row_rules:
            assert f"`{rule.name}`" in text
    for m in ALL_METRICS:
        assert f"| `{m.id}` |" in text
    for words in ("85%", "(75.00)", "Excel serial", "--date-format", "duplicate",
                  "`NA`", "source_line", "--strict"):
        assert words in text


def test_check_mode_detects_a_stale_file(tmp_path, capsys):
    out = tmp_path / "contract.md"
    assert main(["contract-docs", "--out", str(out)]) == 0
    assert main(["contract-docs", "--out", str(out), "--check"]) == 0
    out.write_text(out.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    assert main(["contract-docs", "--out", str(out), "--check"]) == 2
    assert "is stale" in capsys.readouterr().err

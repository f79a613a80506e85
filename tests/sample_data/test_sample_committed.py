"""The committed data/sample is exactly what its documented command produces."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from _sample_checks import contract_violations, csv_format_violations, read_raw_csv, typed_from_csv

from rotlib.cli import main
from rotlib.contract import TABLES
from rotlib.sample_data.names import TRICKY_PARTNER_NAMES

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
MAX_FILE_BYTES = 5_000_000


def _documented_command() -> list[str]:
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^rot (sample-data .*)$", readme, flags=re.MULTILINE)
    assert match, "data/sample/README.md must record the generating command"
    return shlex.split(match.group(1))


def test_sample_is_small():
    files = [p for p in SAMPLE.iterdir() if p.is_file()]
    assert all(p.stat().st_size < MAX_FILE_BYTES for p in files)
    assert sum(p.stat().st_size for p in files) < MAX_FILE_BYTES


def test_sample_regenerates_byte_for_byte(tmp_path):
    args = _documented_command()
    args[args.index("--out") + 1] = str(tmp_path)
    assert main(args) == 0
    for table in TABLES:
        name = f"{table.name}.csv"
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    assert (tmp_path / "truth.json").read_bytes() == (SAMPLE / "truth.json").read_bytes()


def test_sample_satisfies_contract_and_keeps_tricky_names():
    raw = read_raw_csv(SAMPLE)
    assert csv_format_violations(raw) == []
    assert contract_violations(typed_from_csv(raw)) == []
    assert set(TRICKY_PARTNER_NAMES) <= set(raw["partners"]["partner_name"])


def test_readme_row_counts_match_truth():
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    counts = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))["row_counts"]
    documented = {m.group(1): int(m.group(2).replace(",", "")) for m in
                  re.finditer(r"^\| (\w+)\.csv \|[^|]*\| ([\d,]+) \|$", readme, re.MULTILINE)}
    assert documented == counts

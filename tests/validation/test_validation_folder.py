"""validate_folder end to end: typed output, quarantine, report, provenance, formats."""

from __future__ import annotations

import gc
import hashlib
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from bad_inputs.base import base_tables, row_count, write_folder
from bad_inputs.checks import assert_reconciles
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotlib.calendar import FiscalCalendar
from rotlib.contract import TABLES
from rotlib.errors import InputError, StrictModeError
from rotlib.parsing import ARROW_TYPES, PANDAS_DTYPES
from rotlib.validation import load_validated, spreadsheet_safe, validate_folder


@pytest.fixture(scope="module")
def base_result(tmp_path_factory):
    return validate_folder(write_folder(tmp_path_factory.mktemp("base")))


def _frames(result) -> dict[str, pd.DataFrame]:
    return {name: result.tables[name] for name in result.tables}


def test_valid_dataset_is_accepted_whole_and_typed(base_result):
    assert_reconciles(base_result)
    assert base_result.rows_quarantined == 0
    assert base_result.warnings == []
    for spec in TABLES:
        frame = base_result.tables[spec.name]
        assert len(frame) == row_count()[spec.name]
        assert list(frame.columns) == [*spec.column_names, "source_line"]
        for col in spec.columns:
            assert str(frame[col.name].dtype) == PANDAS_DTYPES[col.kind], (spec.name, col.name)
        assert str(frame["source_line"].dtype) == "Int64"
        assert frame["source_line"].tolist() == list(range(2, len(frame) + 2))
    tickets = base_result.tables["tickets"].set_index("ticket_id")
    assert tickets.loc["T2", "opened_at"] == pd.Timestamp("2024-02-01 10:30:00")  # +02:00
    assert tickets["escalated"].tolist() == [False, True, False]  # "no" is a boolean too
    assert pd.isna(tickets.loc["T2", "resolved_at"])


def test_written_parquet_follows_the_contract_and_loads_back(base_result, tmp_path):
    out = base_result.write(tmp_path / "validated")
    for spec in TABLES:
        schema = pq.read_schema(out / f"{spec.name}.parquet")
        assert schema.names == [*spec.column_names, "source_line"]
        for col in spec.columns:
            assert schema.field(col.name).type == ARROW_TYPES[col.kind]
        assert schema.field("source_line").type == pa.int64()
    loaded = load_validated(out)
    for name, frame in _frames(base_result).items():
        pd.testing.assert_frame_equal(loaded[name], frame)
    assert (out / "quality.csv").is_file() and (out / "quality.html").is_file()
    inputs = pd.read_csv(out / "inputs.csv")
    assert set(inputs["table"]) == {s.name for s in TABLES}
    assert not (out / "quarantine").exists()


def test_provenance_records_every_input(base_result):
    files = base_result.files
    for row in files.itertuples():
        with open(row.path, "rb") as f:
            data = f.read()
        assert row.sha256 == hashlib.sha256(data).hexdigest()
        assert row.bytes == len(data)
        assert row.rows == row_count()[row.table]


def test_parquet_input_gives_the_same_tables(base_result, tmp_path):
    strings = validate_folder(write_folder(tmp_path / "strings", fmt="parquet"))
    assert_reconciles(strings)
    typed_in = tmp_path / "typed"
    base_result.write(typed_in)
    for f in typed_in.glob("*.parquet"):  # validated output is valid input, types and all
        pq.write_table(pq.read_table(f).drop_columns(["source_line"]), f)
    typed = validate_folder(typed_in)
    for name, frame in _frames(base_result).items():
        want = frame.drop(columns="source_line")
        for other in (strings, typed):
            got = other.tables[name]
            assert got["source_line"].tolist() == list(range(1, len(got) + 1))  # row numbers
            pd.testing.assert_frame_equal(got.drop(columns="source_line"), want)


def test_strict_mode_fails_with_the_result_attached(tmp_path):
    tables = base_tables()
    tables["tickets"][0]["severity"] = "critical"
    folder = write_folder(tmp_path / "in", tables)
    with pytest.raises(StrictModeError) as info:
        validate_folder(folder, strict=True)
    assert "1 row(s) were quarantined" in str(info.value)
    assert "tickets 1 (not_allowed 1)" in str(info.value)
    assert info.value.result.quarantine["tickets"]["source_line"].tolist() == [2]
    assert validate_folder(folder).rows_quarantined == 1  # without --strict the run goes on


def test_duplicate_key_with_a_quarantined_copy_quarantines_every_copy(tmp_path):
    tables = base_tables()
    tables["tickets"].append(dict(tables["tickets"][0], severity="critical"))
    result = validate_folder(write_folder(tmp_path, tables))
    q = result.quarantine["tickets"].set_index("source_line")
    assert q.loc[2, "rule"] == "duplicate_key"
    assert "none is kept" in q.loc[2, "reason"]
    assert q.loc[5, "rule"] == "not_allowed"
    assert "duplicate key ticket_id='T1': also on line(s) 2" in q.loc[5, "reason"]
    dup = result.quality.query("table == 'tickets' and rule == 'duplicate_key'").iloc[0]
    assert (dup["rows_quarantined"], dup["failures"]) == (1, 2)
    assert_reconciles(result)


def test_quarantine_keeps_raw_text_and_is_spreadsheet_safe(tmp_path):
    tables = base_tables()
    tables["partners"][3].update(partner_name='=HYPERLINK("http://evil")', region="+mars")
    tables["opportunities"][0]["amount"] = "85%"
    result = validate_folder(write_folder(tmp_path / "in", tables))
    q = result.quarantine["partners"]
    assert q["partner_name"].tolist() == ['=HYPERLINK("http://evil")']
    assert result.quarantine["opportunities"]["amount"].tolist() == ["85%"]
    out = result.write(tmp_path / "out")
    written = pd.read_csv(out / "quarantine" / "partners.csv", dtype=str, keep_default_na=False)
    assert written["partner_name"].tolist() == ['\'=HYPERLINK("http://evil")']
    assert written["region"].tolist() == ["'+mars"]
    assert written["source_line"].tolist() == ["5"]


def test_spreadsheet_safe_prefixes_every_formula_lead():
    frame = pd.DataFrame({"a": ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok", None]})
    assert spreadsheet_safe(frame)["a"].tolist()[:7] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "ok"]


def test_html_report_escapes_text_from_the_exports(tmp_path):
    tables = base_tables()
    tables["deliverables"] = [dict(r, **{"<script>alert(1)</script>": "x"})
                              for r in tables["deliverables"]]
    result = validate_folder(write_folder(tmp_path, tables))
    html = result.quality_html()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "rows read" in html


def test_writing_twice_and_to_two_folders(tmp_path):
    result = validate_folder(write_folder(tmp_path / "in"))
    first = result.write(tmp_path / "a")
    result.write(tmp_path / "a")
    second = result.write(tmp_path / "b")
    for folder in (first, second):
        assert len(load_validated(folder)["tickets"]) == 3
    assert len(result.tables["tickets"]) == 3


def test_rewriting_removes_stale_outputs(tmp_path):
    tables = base_tables()
    tables["tickets"][0]["severity"] = "critical"
    out = tmp_path / "out"
    validate_folder(write_folder(tmp_path / "bad", tables)).write(out)
    assert (out / "quarantine" / "tickets.csv").is_file()
    validate_folder(write_folder(tmp_path / "good")).write(out)
    assert not (out / "quarantine" / "tickets.csv").exists()
    validate_folder(write_folder(tmp_path / "bad", tables)).write(out, tables=False)
    assert not (out / "tickets.parquet").exists()


def test_report_covers_quarters_of_the_configured_calendar(tmp_path):
    folder = write_folder(tmp_path)
    calendar_year = validate_folder(folder).quality.set_index("table")
    tickets = calendar_year.loc["tickets"]
    row = tickets[tickets["level"] == "table"].iloc[0]
    assert (row["first_quarter"], row["last_quarter"]) == ("2024Q1", "2024Q1")
    february = validate_folder(folder, calendar=FiscalCalendar(2)).quality.set_index("table")
    row = february.loc["tickets"][february.loc["tickets"]["level"] == "table"].iloc[0]
    assert (row["first_quarter"], row["last_quarter"]) == ("2024Q4", "2025Q1")


def test_metrics_table_from_an_explicit_path(tmp_path):
    from bad_inputs.corpus import _metrics_table

    folder = write_folder(tmp_path / "in", {"partners": base_tables()["partners"]})
    elsewhere = tmp_path / "bi"
    elsewhere.mkdir()
    path = _metrics_table(elsewhere, den=3, value=0.0, reason="")
    result = validate_folder(folder, metrics_table=path)
    assert list(result.tables) == ["partners", "partner_quarter_metrics"]
    frame = result.tables["partner_quarter_metrics"]
    assert frame["quarter_index"].dtype == "Int64" and len(frame) == 2
    assert_reconciles(result)
    with pytest.raises(InputError, match="does not exist"):
        validate_folder(folder, metrics_table=tmp_path / "nope.csv")


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="is not a folder"):
        validate_folder(tmp_path / "nope")


def test_tables_outlive_the_result_and_the_staging_folder_is_then_removed(tmp_path):
    tables = validate_folder(write_folder(tmp_path / "in")).tables  # result dropped at once
    gc.collect()
    assert len(tables["tickets"]) == 3
    staging = tables._workspace.path
    del tables
    gc.collect()
    assert not staging.exists()


def test_tables_are_loaded_lazily(base_result):
    tables = base_result.tables
    assert len(tables) == len(TABLES) and "tickets" in tables
    assert tables["tickets"] is tables["tickets"]  # loaded once, then cached


_TABLE_NAMES = [s.name for s in TABLES]
_JUNK = st.sampled_from(["", "NA", "-", "x", "85%", "(1)", "$1,200", "45292", "2024-13-01",
                         "P999", "O9", "sev9", "true", "3.5", "\n", "Total", "=1+1",
                         "2024-01-01", "2024-01-01T00:00:00Z", "1,234", "nan"])


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(_TABLE_NAMES), st.integers(0, 10),
                          st.integers(0, 10), _JUNK), min_size=1, max_size=8))
def test_any_corruption_reconciles(tmp_path_factory, edits):
    """Whatever cells are broken, every row read is accepted or quarantined, once."""
    tables = base_tables()
    for name, row, col, value in edits:
        rows = tables[name]
        r = rows[row % len(rows)]
        r[list(r)[col % len(r)]] = value
    folder = tmp_path_factory.mktemp("fuzz")
    write_folder(folder, tables)
    try:
        result = validate_folder(folder)
    except InputError:
        return  # a table-level problem (e.g. a whole table rejected) is a valid outcome
    assert_reconciles(result)
    read = result.quality[result.quality["level"] == "table"].set_index("table")["rows_read"]
    for name in _TABLE_NAMES:
        assert read[name] == len(tables[name])
    shutil.rmtree(folder)

"""rotlib.reading: every record gets the physical line it starts on, whatever precedes it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from bad_inputs.base import base_tables, write_folder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotlib import reading
from rotlib.errors import InputError
from rotlib.reading import CsvSource, LineCountMismatch, scan_file
from rotlib.validation import validate_folder

_FIELD = st.lists(st.sampled_from(['a', 'b', ',', '"', ' ', '\n', '\r\n', '\r', 'é', '1']),
                  max_size=8).map("".join)


def _expected(text: str) -> tuple[list[int], list[list[str]]]:
    """Start line of every non-blank record, by Python's csv module (the reference)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    starts, records = [], []
    while True:
        before = reader.line_num
        try:
            record = next(reader)
        except StopIteration:
            break
        if record and any(v for v in record):
            starts.append(before + 1)
            records.append(record)
    return starts, records


def _read(path: Path, exact: bool) -> tuple[list[int], list[list[str]], list[int]]:
    source = CsvSource(path, block_bytes=1 << 10, batch_rows=7)
    starts, records, bad = [], [], []
    for batch in source.batches(exact=exact):
        starts += batch.source_line.tolist()
        columns = [batch.columns[n].to_pylist() for n in source.columns]
        records += [list(r) for r in zip(*columns, strict=True)]
        bad += [b.line for b in batch.bad_records]
    return starts, records, bad


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_FIELD, _FIELD, _FIELD), max_size=40),
       blanks=st.lists(st.integers(min_value=0, max_value=40), max_size=5),
       terminator=st.sampled_from(["\n", "\r\n"]))
def test_source_lines_match_the_csv_module(tmp_path, rows, blanks, terminator):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=terminator)
    writer.writerow(["a", "b", "c"])
    lines = []
    # minimal quoting only quotes a lone \r when \r is part of the line terminator
    quoting = csv.QUOTE_MINIMAL if terminator == "\r\n" else csv.QUOTE_ALL
    for i, row in enumerate(rows):
        out = io.StringIO()
        csv.writer(out, lineterminator=terminator, quoting=quoting).writerow(row)
        lines.append(out.getvalue())
        if i in blanks:
            lines.append(terminator)
    text = buf.getvalue() + "".join(lines)
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    want_starts, want_records = _expected(text)
    starts, records, bad = _read(path, exact=True)
    assert bad == []
    assert starts == want_starts
    assert records == want_records
    try:
        fast_starts, fast_records, _ = _read(path, exact=False)
    except LineCountMismatch:
        assert any("\n" in v or "\r" in v for r in want_records for v in r)
    else:
        assert fast_starts == want_starts
        assert fast_records == want_records


def test_records_with_the_wrong_field_count_keep_their_lines_across_batches(tmp_path):
    lines = ["a,b,c\n"]
    expected_bad = []
    for i in range(300):
        if i % 37 == 5:
            lines.append(f"{i},x\n")
            expected_bad.append(sum(chunk.count("\n") for chunk in lines))
        elif i % 41 == 7:
            lines.append(f'{i},"multi\nline",z\n')
        else:
            lines.append(f"{i},y,z\n")
    path = tmp_path / "t.csv"
    path.write_text("".join(lines), encoding="utf-8")
    starts, _, bad = _read(path, exact=True)
    assert bad == expected_bad
    want_starts, _ = _expected("".join(lines).replace(",x\n", ",x,\n"))
    assert sorted(starts + bad) == want_starts


@pytest.mark.parametrize(("data", "lines"), [
    (b"a,b\n1,2\n", 2), (b"a,b\n1,2", 2), (b"a,b\r\n1,2\r\n", 2), (b"a,b\r1,2\r3,4", 3),
    (b"a,b\n\n\n", 3), (b"", 0),
])
def test_scan_counts_physical_lines(tmp_path, data, lines):
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    assert scan_file(path).line_count == lines


def test_invalid_utf8_deep_in_a_file_names_its_line(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "SNIFF_BYTES", 64)  # past the up-front check
    tables = base_tables()
    tables["partners"] += [dict(tables["partners"][0], partner_id=f"Q{i}")
                           for i in range(60)]
    write_folder(tmp_path, tables)
    path = tmp_path / "partners.csv"
    data = path.read_bytes().replace(b"Q50,Acme", b"Q50,Caf\xe9")
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        validate_folder(tmp_path)
    assert info.value.row == 56  # header, 4 base rows, Q0..Q49, then Q50
    assert "not valid UTF-8" in str(info.value)
    assert "--encoding cp1252" in str(info.value)


def test_fast_read_falls_back_when_values_hold_line_breaks(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "EXACT_BELOW_BYTES", 0)  # treat every file as large
    tables = base_tables()
    tables["partners"][0]["partner_name"] = "Acme\nPartners"
    tables["partners"][3]["region"] = "mars"
    write_folder(tmp_path, tables)
    assert not CsvSource(tmp_path / "partners.csv").needs_exact_read
    result = validate_folder(tmp_path)
    assert result.quarantine["partners"]["source_line"].tolist() == [6]
    assert result.tables["partners"]["source_line"].tolist() == [2, 4, 5]


def test_header_and_bom(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbf a ,b\n1,2\n")
    source = CsvSource(path)
    assert source.columns == ["a", "b"]
    assert source.header.raw_names == [" a ", "b"]
    assert source.has_rows


def test_blank_first_line_is_a_table_error(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("\na,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="header must be on line 1"):
        CsvSource(path)

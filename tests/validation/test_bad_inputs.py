"""Run the bad-input corpus (tests/validation/bad_inputs/corpus.py): every case gives its
specified clear error or quarantine, and every run reconciles."""

from __future__ import annotations

import pytest
from bad_inputs.checks import assert_reconciles
from bad_inputs.corpus import CASES, Quarantined, TableError

from rotlib.errors import InputError
from rotlib.validation import validate_folder


def test_corpus_is_large_enough():
    assert len(CASES) >= 25
    assert sum(isinstance(c.expect, TableError) for c in CASES.values()) >= 10
    assert sum(isinstance(c.expect, Quarantined) and bool(c.expect.lines)
               for c in CASES.values()) >= 15


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(name, tmp_path):
    case = CASES[name]
    folder = tmp_path / "exports"
    options = case.build(folder)
    expect = case.expect
    if isinstance(expect, TableError):
        with pytest.raises(InputError) as info:
            validate_folder(folder, **options)
        err = info.value
        text = str(err)
        assert expect.file in text
        for words in expect.says:
            assert words in text, f"{words!r} not in: {text}"
        assert err.fix, "a table-level error must say how to fix it"
        if expect.column is not None:
            assert err.column == expect.column
            assert f"column '{expect.column}'" in text
        if expect.line is not None:
            assert err.row == expect.line
            assert f"line {expect.line}" in text
        return
    result = validate_folder(folder, **options)
    assert_reconciles(result)
    for table, frame in result.quarantine.items():
        got = sorted(int(x) for x in frame["source_line"])
        assert got == sorted(expect.lines.get(table, ())), (table, frame.to_dict("records"))
    for row in expect.rows:
        q = result.quarantine[row.table]
        hit = q[q["source_line"] == row.line]
        assert len(hit) == 1, (row, q.to_dict("records"))
        found = hit.iloc[0]
        assert found["rule"] == row.rule, found.to_dict()
        if row.column is not None:
            assert found["column"] == row.column, found.to_dict()
        for words in row.says:
            assert words in found["reason"], (words, found["reason"])
    tables = {name: result.tables[name] for name in result.tables}
    for check in expect.checks:
        check(tables)
    for words in expect.warns:
        assert any(words in w for w in result.warnings), result.warnings

"""Reading rules of rotlib.parsing: what is read, what is rejected, and why."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotlib.contract import ColumnSpec
from rotlib.parsing import (
    ParseOptions,
    arrow_type_problem,
    explain_invalid,
    from_arrow_typed,
    parse_column,
)

MISSING = object()
INVALID = object()


def _spec(kind: str, **kw) -> ColumnSpec:
    return ColumnSpec(name="x", kind=kind, description="test column", **kw)


def _one(kind: str, text: str, options: ParseOptions | None = None):
    parsed = parse_column([text], _spec(kind), options)
    if parsed.invalid[0]:
        return INVALID
    if parsed.missing[0]:
        return MISSING
    return parsed.values.to_pylist()[0]


TS = datetime
CASES = [
    # id: text as exported, only "" missing
    ("id", "00042", "00042"), ("id", " P1\t", "P1"), ("id", "NA", "NA"), ("id", "-", "-"),
    ("id", "", MISSING), ("id", "a\nb", INVALID), ("id", "a\r\nb", INVALID),
    ("text", "NA", "NA"), ("text", "null", "null"), ("text", "two\nlines", "two\nlines"),
    ("category", " EMEA ", "emea"), ("category", "N/A", MISSING), ("category", "#N/A", MISSING),
    ("boolean", "TRUE", True), ("boolean", "No", False), ("boolean", "y", True),
    ("boolean", "0", False), ("boolean", "null", MISSING), ("boolean", "maybe", INVALID),
    ("boolean", "t", INVALID),
    ("integer", "1,234", 1234), ("integer", "3.0", 3), ("integer", "+7", 7),
    ("integer", "007", 7), ("integer", "3.5", INVALID), ("integer", "0x10", INVALID),
    ("integer", "1e3", INVALID), ("integer", "12%", INVALID), ("integer", "1,23", INVALID),
    ("integer", "-", MISSING), ("integer", "9" * 19, INVALID),
    ("number", "1,200.5", 1200.5), ("number", "-0.25", -0.25), ("number", ".5", 0.5),
    ("number", "1e3", 1000.0), ("number", "85%", INVALID), ("number", "$5", INVALID),
    ("number", "(75.00)", INVALID), ("number", "1.234,56", INVALID), ("number", "nan", INVALID),
    ("number", "inf", INVALID), ("number", "1e400", INVALID), ("number", "NA", MISSING),
    ("money", "$1,200", 1200.0), ("money", "(75.00)", -75.0), ("money", "($75.00)", -75.0),
    ("money", "-$5", -5.0), ("money", "€3.50", 3.5), ("money", " 12 ", 12.0),
    ("money", "85%", INVALID), ("money", "USD 1200", INVALID), ("money", "$$5", INVALID),
    ("money", "(-5)", INVALID), ("money", "1,000e3", INVALID), ("money", "(5", INVALID),
    ("date", "2024-03-05", TS(2024, 3, 5)), ("date", "2024-03-05T00:00:00", TS(2024, 3, 5)),
    ("date", "2024-03-05 00:00", TS(2024, 3, 5)), ("date", "2024-03-05T10:00", INVALID),
    ("date", "45292", INVALID), ("date", "03/05/2024", INVALID), ("date", "2023-02-29", INVALID),
    ("date", "2024-3-5", INVALID), ("date", "0024-01-01", INVALID), ("date", "null", MISSING),
    ("timestamp", "2024-03-05T10:00:00Z", TS(2024, 3, 5, 10)),
    ("timestamp", "2024-03-05 10:00:00+02:00", TS(2024, 3, 5, 8)),
    ("timestamp", "2024-03-05T10:00:00-0530", TS(2024, 3, 5, 15, 30)),
    ("timestamp", "2024-03-05T10:30", TS(2024, 3, 5, 10, 30)),
    ("timestamp", "2024-03-05", TS(2024, 3, 5)),
    ("timestamp", "2024-03-05T10:00:00.123456", TS(2024, 3, 5, 10, 0, 0, 123456)),
    ("timestamp", "2024-03-05T10:00:00 UTC", INVALID), ("timestamp", "45292.5", INVALID),
    ("timestamp", "2024-02-30T01:00:00", INVALID), ("timestamp", "2024-03-05Z", INVALID),
    ("timestamp", "2204-03-05T10:00:00", INVALID), ("timestamp", "-", MISSING),
]


@pytest.mark.parametrize(("kind", "text", "expected"), CASES)
def test_reading_rule(kind, text, expected):
    got = _one(kind, text)
    if expected is MISSING or expected is INVALID:
        assert got is expected
    else:
        assert got == expected


@pytest.mark.parametrize(("kind", "text", "expected"), CASES)
def test_same_result_alone_and_among_values_that_need_the_full_rules(kind, text, expected):
    """The fast path (a whole-array cast) and the full rules agree on every value."""
    mixed = parse_column([text, "@@ not a value @@"], _spec(kind))
    alone = parse_column([text], _spec(kind))
    assert mixed.values.to_pylist()[0] == alone.values.to_pylist()[0]
    assert mixed.missing[0] == alone.missing[0]
    assert mixed.invalid[0] == alone.invalid[0]


@pytest.mark.parametrize(("kind", "text", "words"), [
    ("money", "85%", ["percentage", "0.85"]),
    ("number", "$12.50", ["currency symbol", "not money"]),
    ("number", "(75.00)", ["accounting negative", "money columns"]),
    ("money", "1.234,56", ["decimal mark"]),
    ("money", "USD 1200", ["currency code"]),
    ("integer", "3.5", ["not a whole number"]),
    ("integer", "1e3", ["scientific notation"]),
    ("date", "45292", ["Excel serial day number", "YYYY-MM-DD"]),
    ("date", "03/15/2024", ["not an ISO date", "--date-format"]),
    ("date", "2023-02-29", ["not a real calendar date"]),
    ("date", "2024-03-05T10:00", ["time of day"]),
    ("date", "1800-01-01", ["plausible range"]),
    ("timestamp", "2024-03-05 10:00 CET", ["time zone name", "+02:00"]),
    ("timestamp", "03/15/2024 10:00", ["not ISO 8601"]),
    ("boolean", "maybe", ["yes/no"]),
    ("id", "a\nb", ["line break", "'a\\nb'"]),
])
def test_explanations_name_the_problem_and_the_fix(kind, text, words):
    assert _one(kind, text) is INVALID
    reason = explain_invalid(text, _spec(kind))
    for w in words:
        assert w in reason, reason


def test_date_format_is_explicit_and_iso_stays_valid():
    options = ParseOptions(date_format="%d/%m/%Y")
    assert _one("date", "05/03/2024", options) == TS(2024, 3, 5)
    assert _one("date", "2024-03-05", options) == TS(2024, 3, 5)
    assert _one("date", "31/02/2024", options) is INVALID
    assert _one("date", "05/03/2024") is INVALID  # without the flag: never guessed
    assert "--date-format '%d/%m/%Y'" in explain_invalid("5.3.24", _spec("date"), options)


def test_money_reports_the_currency_of_each_value():
    parsed = parse_column(["$5", "7", "€3"], _spec("money"))
    assert parsed.currency.to_pylist() == ["$", "", "€"]
    assert parse_column(["5", "7"], _spec("money")).currency is None


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.sampled_from(
    ["{:,.2f}", "${:,.2f}", "{:.2f}", "€{:,.2f}"]))
def test_money_formats_round_trip(x, fmt):
    amount = round(x, 2)
    text = fmt.format(abs(amount))
    if amount < 0:
        text = f"({text})"
    got = _one("money", text)
    assert math.isclose(got, amount, rel_tol=1e-12, abs_tol=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**17), max_value=10**17), st.booleans())
def test_integers_with_thousands_separators_round_trip(n, grouped):
    assert _one("integer", f"{n:,}" if grouped else str(n)) == n


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=12))
def test_numeric_looking_ids_keep_their_leading_zeros(digits):
    assert _one("id", digits) == digits


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2090, 1, 1)),
       st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15))
def test_timestamps_with_offsets_become_naive_utc(moment, offset_minutes):
    zone = timezone(timedelta(minutes=offset_minutes))
    aware = moment.replace(tzinfo=zone)
    expected = aware.astimezone(UTC).replace(tzinfo=None)
    assert _one("timestamp", aware.isoformat()) == expected
    assert _one("timestamp", aware.isoformat(sep=" ")) == expected


_JUNK = st.text(alphabet=" 0123456789-:.,+TZ$()%eE/", max_size=22)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["date", "timestamp", "number", "money", "integer"]),
       st.lists(_JUNK, min_size=1, max_size=6))
def test_each_value_is_read_the_same_whatever_its_neighbours(kind, texts):
    """A value's reading never depends on the other values of its batch."""
    together = parse_column(texts, _spec(kind))
    for i, text in enumerate(texts):
        alone = parse_column([text], _spec(kind))
        assert together.values.to_pylist()[i] == alone.values.to_pylist()[0], text
        assert together.invalid[i] == alone.invalid[0], text
        assert together.missing[i] == alone.missing[0], text
        assert not (together.invalid[i] and together.missing[i])


def test_typed_parquet_columns():
    # 23:00 in Paris is 22:00 UTC: build the instant in UTC, then label it Paris time
    ts = pa.array([datetime(2024, 1, 1, 22, 0)], pa.timestamp("us", tz="UTC")).cast(
        pa.timestamp("us", tz="Europe/Paris"))
    got = from_arrow_typed(ts, _spec("timestamp")).values.to_pylist()
    assert got == [datetime(2024, 1, 1, 22, 0)]
    day = from_arrow_typed(pa.array([datetime(2024, 1, 1, 12)], pa.timestamp("us")),
                           _spec("date"))
    assert day.invalid.tolist() == [True]  # a date column with a time of day
    ints = from_arrow_typed(pa.array([1.0, 2.5, None]), _spec("integer"))
    assert ints.values.to_pylist() == [1, None, None]
    assert ints.invalid.tolist() == [False, True, False]
    flags = from_arrow_typed(pa.array([0, 1, 2]), _spec("boolean"))
    assert flags.values.to_pylist() == [False, True, None]
    assert flags.invalid.tolist() == [False, False, True]
    assert "leading zeros" in arrow_type_problem(pa.float64(), _spec("id"))
    assert arrow_type_problem(pa.int64(), _spec("id")) is None
    assert arrow_type_problem(pa.string(), _spec("boolean")) is None  # text rules apply
    assert "cannot hold a boolean" in arrow_type_problem(pa.float64(), _spec("boolean"))
    assert "time zone" in arrow_type_problem(pa.timestamp("us", tz="UTC"), _spec("date"))


def test_pandas_series_input():
    parsed = parse_column(pd.Series(["1", None, "x"], dtype="str"), _spec("integer"))
    assert parsed.values.to_pylist() == [1, None, None]
    assert parsed.missing.tolist() == [False, True, False]
    assert parsed.invalid.tolist() == [False, False, True]

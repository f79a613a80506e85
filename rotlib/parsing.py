"""Turn exported text into typed values by explicit rules: documented here, never guessed.

Partner exports come from CRMs, spreadsheets and BI tools, each with its own habits
(``$1,200``, ``(75.00)``, ``85%``, ``03/04/2024``, Excel serial day numbers, ``N/A``).
A value is either read by one of the rules below or rejected with a message that says
what is wrong and how to fix the export; nothing is silently coerced. The rules are kept
as data (:data:`KIND_RULES`) so ``docs/data-contract.md`` is generated from the same text.

Every function here is pure and vectorised over Arrow arrays (the validator streams
millions of rows; a Python loop per value would not keep up). Reasons for rejected
values are produced per value by :func:`explain_invalid`, only for the few values that
fail.

Rules common to every kind:

* spaces and tabs around a value are removed (line breaks are *not* whitespace: a line
  break inside a number or an ID is a broken export, not padding);
* a value equal to one of the column's missing tokens (``ColumnSpec.missing_tokens``:
  ``contract.NA_TOKENS`` for typed columns, only the empty string for ``id`` and
  ``text``) is missing, so a partner named "NA" survives;
* dates and timestamps must fall in the plausible window 1900-01-01 .. 2100-12-31
  (a year 0024 or 2204 is a typo, not a date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rotlib.contract import ColumnKind, ColumnSpec

#: Characters trimmed from both ends of every value.
WHITESPACE = " \t"

#: Arrow type of each column kind, as written to ``<table>.parquet``.
ARROW_TYPES: dict[str, pa.DataType] = {
    "id": pa.large_string(),
    "text": pa.large_string(),
    "category": pa.large_string(),
    "date": pa.timestamp("us"),
    "timestamp": pa.timestamp("us"),
    "integer": pa.int64(),
    "number": pa.float64(),
    "money": pa.float64(),
    "boolean": pa.bool_(),
}

#: pandas dtype of each kind once loaded (naive datetimes are UTC; day precision for dates).
PANDAS_DTYPES: dict[str, str] = {
    "id": "str",
    "text": "str",
    "category": "str",
    "date": "datetime64[us]",
    "timestamp": "datetime64[us]",
    "integer": "Int64",
    "number": "float64",
    "money": "float64",
    "boolean": "boolean",
}

TRUE_TOKENS: tuple[str, ...] = ("true", "yes", "y", "1")
FALSE_TOKENS: tuple[str, ...] = ("false", "no", "n", "0")
CURRENCY_SYMBOLS: tuple[str, ...] = ("$", "€", "£", "¥")
EARLIEST = pd.Timestamp("1900-01-01")
LATEST = pd.Timestamp("2100-12-31 23:59:59.999999")

#: The reading rule of each kind, in words (rendered into docs/data-contract.md).
KIND_RULES: dict[str, str] = {
    "id": "Kept as text exactly as exported (leading zeros survive), spaces and tabs "
    "trimmed. Only the empty string is missing. A line break inside an ID is rejected.",
    "text": "Kept as text (trimmed); may contain line breaks inside quotes. Only the empty "
    "string is missing. Untrusted: escaped wherever it is shown.",
    "category": "Trimmed and lower-cased, then it must be one of the allowed values "
    "(no other normalisation: 'Co-Sell' is not 'co_sell').",
    "date": "ISO 8601 YYYY-MM-DD (a midnight time such as 'T00:00:00' is tolerated). With "
    "--date-format FMT (strptime codes, e.g. %d/%m/%Y), values in that layout are read as "
    "well; ISO dates stay valid because they cannot be confused with it. Excel serial "
    "day numbers (45292) and other layouts are rejected.",
    "timestamp": "ISO 8601 YYYY-MM-DD[THH[:MM[:SS[.ffffff]]]] with an optional Z or "
    "+HH[:MM] offset; a space may replace the T. Values with an offset are converted to "
    "UTC; values without one are taken as UTC. --date-format does not apply.",
    "integer": "Digits with an optional sign; ',' thousands separators in groups of three "
    "(1,234) and a zero fraction (3.0) are accepted. Fractions, percentages, currency "
    "symbols and hexadecimal are rejected.",
    "number": "A decimal number with '.' as the decimal mark, optional sign, exponent and "
    "',' thousands separators in groups of three. Percentages (85%), currency symbols, "
    "accounting negatives ((75.00)), decimal commas (1.234,5) and inf/nan are rejected.",
    "money": "As number, plus: one leading currency symbol ($, €, £ or ¥, after an "
    "optional sign) is dropped, and accounting negatives (75.00) or ($75.00) are read as "
    "-75.00 (then a minimum of 0 quarantines them as negative amounts). A column must "
    "use a single currency symbol: rows with another symbol than the first one seen are "
    "rejected, because amounts are never converted.",
    "boolean": "true/false, yes/no, y/n or 1/0, case-insensitive.",
}


@dataclass(frozen=True)
class ParseOptions:
    """User choices that change how text is read.

    ``date_format`` is a strptime layout (``%d/%m/%Y``) accepted in date columns in
    addition to ISO 8601; ``None`` means ISO only.
    """

    date_format: str | None = None


@dataclass
class ParsedColumn:
    """One column read from text.

    ``values`` holds the typed values (Arrow type :data:`ARROW_TYPES` of the kind), null
    where the text was missing or unreadable; ``missing`` marks missing tokens (not an
    error by itself: nullability is checked by the schema); ``invalid`` marks text that
    could not be read. ``currency`` (money only) is the symbol each value carried ("" for
    none); it is ``None`` when no value in the column had a symbol.
    """

    values: pa.Array
    missing: np.ndarray
    invalid: np.ndarray
    currency: pa.Array | None = None


# --- regular expressions (RE2 syntax for Arrow, also valid Python re) -------------------
_INTEGER_RE = r"^[+-]?(?:\d{1,18}|\d{1,3}(?:,\d{3}){1,5})(?:\.0*)?$"
_NUMBER_RE = (
    r"^(?P<open>\(?)(?P<sign>[+-]?)(?P<sym>[$€£¥]?)"
    r"(?P<body>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)"
    r"(?P<exp>(?:[eE][+-]?\d+)?)(?P<close>\)?)$"
)
_DATE_RE = r"^\d{4}-\d{2}-\d{2}(?:[T ]00(?::00(?::00(?:\.0+)?)?)?)?$"
_TIMESTAMP_RE = (
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}(?::\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?"
    r"(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
# an offset only ever follows a time of day ("2024-03-05" ends in "-05" but has none)
_OFFSET_RE = r"[T ][\d:.]+(?:Z|[+-]\d{2}(?::?\d{2})?)$"
_ISO_DAY_RE = r"^\d{4}-\d{2}-\d{2}$"


def _as_array(values: pa.Array | pa.ChunkedArray | pd.Series | list) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if isinstance(values, pa.Array):
        return values
    if isinstance(values, pd.Series):
        return pa.array(values.astype(object).where(values.notna(), None), type=pa.large_string())
    return pa.array(list(values), type=pa.large_string())


def _mask(arr: pa.Array) -> np.ndarray:
    """Boolean Arrow array -> numpy bool (nulls count as False)."""
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False)


def _try_cast(arr: pa.Array, target: pa.DataType) -> pa.Array | None:
    try:
        return pc.cast(arr, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _cast_each(arr: pa.Array, target: pa.DataType) -> pa.Array:
    """Cast, turning the values Arrow refuses into nulls.

    Only used on values that already match the documented grammar, so refusals are
    rare (impossible calendar dates such as 2023-02-29): the array is split in halves
    until the refused values are isolated.
    """
    done = _try_cast(arr, target)
    if done is not None:
        return done
    if len(arr) == 1:
        return pa.nulls(1, type=target)
    mid = len(arr) // 2
    return pa.concat_arrays([_cast_each(arr.slice(0, mid), target),
                             _cast_each(arr.slice(mid), target)])


def _line_breaks(arr: pa.Array) -> pa.Array:
    return pc.or_(pc.match_substring(arr, "\n"), pc.match_substring(arr, "\r"))


# --- the per-kind readers ---------------------------------------------------------------
def _read_text(vals: pa.Array, kind: ColumnKind, check_breaks: bool) -> tuple[pa.Array, pa.Array]:
    invalid = pa.nulls(len(vals), pa.bool_())
    if kind == "category":
        vals = pc.ascii_lower(vals)  # allowed values are ASCII: others fail either way
    elif kind == "id" and check_breaks:
        invalid = _line_breaks(vals)
        vals = pc.if_else(invalid, pa.scalar(None, vals.type), vals)
    return vals.cast(pa.large_string()), invalid


def _read_boolean(vals: pa.Array) -> tuple[pa.Array, pa.Array]:
    # ASCII lower-casing is enough: every token is ASCII, and a value with other letters
    # is invalid either way
    position = pc.index_in(pc.ascii_lower(vals),
                           value_set=pa.array(TRUE_TOKENS + FALSE_TOKENS, type=vals.type))
    values = pc.less(position, len(TRUE_TOKENS))
    invalid = pc.and_(pc.is_valid(vals), pc.is_null(position))
    return values, invalid


def _read_integer(vals: pa.Array) -> tuple[pa.Array, pa.Array]:
    ok = pc.match_substring_regex(vals, _INTEGER_RE)
    good = pc.if_else(ok, vals, pa.scalar(None, vals.type))
    good = pc.replace_substring(good, ",", "")
    good = pc.replace_substring_regex(good, r"\.0*$", "")
    good = pc.replace_substring_regex(good, r"^\+", "")
    values = _cast_each(good, pa.int64())
    invalid = pc.and_(pc.is_valid(vals), pc.is_null(values))
    return values, invalid


def _read_decimal(vals: pa.Array, kind: ColumnKind) -> tuple[pa.Array, pa.Array, pa.Array]:
    """number and money: fast path when every value is a plain decimal."""
    fast = _try_cast(vals, pa.float64())
    finite = fast is not None and pc.all(
        pc.or_(pc.is_null(fast), pc.is_finite(fast))).as_py() is not False
    if finite:
        return fast, pa.array(np.zeros(len(vals), dtype=bool)), None
    parts = pc.extract_regex(vals, _NUMBER_RE)
    field = {name: parts.field(name) for name in ("open", "sign", "sym", "body", "exp", "close")}
    has_open = pc.equal(field["open"], "(")
    ok = pc.and_(pc.is_valid(parts), pc.equal(has_open, pc.equal(field["close"], ")")))
    # an exponent never goes with thousands separators ("1,000e3" is not a number)
    ok = pc.and_(ok, pc.invert(pc.and_(pc.not_equal(field["exp"], ""),
                                       pc.match_substring(field["body"], ","))))
    if kind == "money":
        # accounting parentheses carry the sign themselves: "(-75)" is not read
        ok = pc.and_(ok, pc.invert(pc.and_(has_open, pc.not_equal(field["sign"], ""))))
    else:
        ok = pc.and_(ok, pc.and_(pc.invert(has_open), pc.equal(field["sym"], "")))
    digits = pc.binary_join_element_wise(pc.replace_substring(field["body"], ",", ""),
                                         field["exp"], pa.scalar("", field["exp"].type))
    magnitude = _cast_each(pc.if_else(ok, digits, pa.scalar(None, digits.type)), pa.float64())
    negative = pc.or_(pc.equal(field["sign"], "-"), has_open)
    values = pc.if_else(negative, pc.negate(magnitude), magnitude)
    values = pc.if_else(pc.is_finite(values), values, pa.scalar(None, pa.float64()))
    invalid = pc.and_(pc.is_valid(vals), pc.is_null(values))
    currency = field["sym"].cast(pa.large_string()) if kind == "money" else None
    return values, invalid, currency


def _within_window(values: pa.Array) -> pa.Array:
    lo = pa.scalar(EARLIEST.to_datetime64(), pa.timestamp("us"))
    hi = pa.scalar(LATEST.to_datetime64(), pa.timestamp("us"))
    return pc.and_(pc.greater_equal(values, lo), pc.less_equal(values, hi))


def _all_within_window(values: pa.Array) -> bool:
    """One min/max pass instead of comparing every value twice."""
    bounds = pc.min_max(values).as_py()
    if bounds["min"] is None:
        return True
    return bounds["min"] >= EARLIEST and bounds["max"] <= LATEST


def _read_date(vals: pa.Array, options: ParseOptions) -> tuple[pa.Array, pa.Array]:
    days = _try_cast(vals, pa.date32())
    if days is None:
        iso = pc.match_substring_regex(vals, _DATE_RE)
        head = pc.utf8_slice_codeunits(pc.if_else(iso, vals, pa.scalar(None, vals.type)), 0, 10)
        days = _cast_each(head, pa.date32())
        if options.date_format:
            rest = pc.and_(pc.is_valid(vals), pc.is_null(days)).to_numpy(zero_copy_only=False)
            if rest.any():
                text = pd.Series(vals.filter(pa.array(rest)).to_pylist(), dtype="str")
                parsed = pd.to_datetime(text, format=options.date_format, errors="coerce")
                midnight = parsed.notna() & (parsed == parsed.dt.normalize())
                parsed = parsed.where(midnight).astype("datetime64[us]")
                other = np.full(len(vals), None, dtype=object)
                other[rest] = [None if pd.isna(v) else v.date() for v in parsed]
                days = pc.coalesce(days, pa.array(other, type=pa.date32()))
    values = pc.cast(days, pa.timestamp("us"))
    values = pc.if_else(_within_window(values), values, pa.scalar(None, pa.timestamp("us")))
    invalid = pc.and_(pc.is_valid(vals), pc.is_null(values))
    return values, invalid


def _read_timestamp(vals: pa.Array) -> tuple[pa.Array, pa.Array]:
    naive = pa.timestamp("us")
    values = _try_cast(vals, naive)
    if values is None:
        aware = _try_cast(vals, pa.timestamp("us", tz="UTC"))
        values = pc.cast(aware, naive) if aware is not None else None
    if values is None:
        ok = pc.match_substring_regex(vals, _TIMESTAMP_RE)
        offset = pc.and_(ok, pc.match_substring_regex(vals, _OFFSET_RE))
        plain = pc.and_(ok, pc.invert(offset))
        null = pa.scalar(None, vals.type)
        local = _cast_each(pc.if_else(plain, vals, null), naive)
        utc = _cast_each(pc.if_else(offset, vals, null), pa.timestamp("us", tz="UTC"))
        values = pc.coalesce(local, pc.cast(utc, naive))
    values = pc.if_else(_within_window(values), values, pa.scalar(None, naive))
    invalid = pc.and_(pc.is_valid(vals), pc.is_null(values))
    return values, invalid


def parse_column(
    values: pa.Array | pa.ChunkedArray | pd.Series | list,
    spec: ColumnSpec,
    options: ParseOptions | None = None,
    *,
    check_line_breaks: bool = True,
) -> ParsedColumn:
    """Read one column of exported text by the rule of ``spec.kind``.

    ``values`` are strings (a CSV column or a Parquet string column); typed Parquet
    columns go through :func:`from_arrow_typed` instead. ``check_line_breaks=False``
    tells the reader that no value can contain a line break (the file has no quotes),
    which saves a pass over ID columns.
    """
    options = options or ParseOptions()
    arr = _as_array(values)
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        if pa.types.is_null(arr.type):
            arr = arr.cast(pa.large_string())
        else:
            return from_arrow_typed(arr, spec)
    kind = spec.kind
    tokens = pa.array(spec.missing_tokens, type=arr.type)
    if kind in ("date", "timestamp", "number", "money"):
        fast = _fast_typed(arr, tokens, kind)
        if fast is not None:
            return fast
    trimmed = pc.utf8_trim(arr, characters=WHITESPACE)
    if spec.missing_tokens == ("",):  # id and text: a length test beats a set lookup
        missing = pc.or_(pc.is_null(trimmed), pc.equal(pc.binary_length(trimmed), 0))
    else:
        missing = pc.or_(pc.is_null(trimmed), pc.is_in(trimmed, value_set=tokens))
    vals = pc.if_else(missing, pa.scalar(None, trimmed.type), trimmed)
    currency = None
    if kind in ("id", "text", "category"):
        typed, invalid = _read_text(vals, kind, check_line_breaks)
    elif kind == "boolean":
        typed, invalid = _read_boolean(vals)
    elif kind == "integer":
        typed, invalid = _read_integer(vals)
    elif kind in ("number", "money"):
        typed, invalid, currency = _read_decimal(vals, kind)
    elif kind == "date":
        typed, invalid = _read_date(vals, options)
    elif kind == "timestamp":
        typed, invalid = _read_timestamp(vals)
    else:  # pragma: no cover - ColumnKind is closed
        raise ValueError(f"unknown column kind {kind!r}")
    return ParsedColumn(
        values=typed.cast(ARROW_TYPES[kind]),
        missing=_mask(missing),
        invalid=_mask(invalid),
        currency=currency,
    )


def _fast_typed(arr: pa.Array, tokens: pa.Array, kind: ColumnKind) -> ParsedColumn | None:
    """The common case in one cast: untrimmed values that are all plain ISO / decimal.

    Returns None when any value needs the full rules (whitespace, another layout, a
    currency symbol...); those give the same result for these values, only slower.
    """
    missing = pc.or_(pc.is_null(arr), pc.is_in(arr, value_set=tokens))
    vals = pc.if_else(missing, pa.scalar(None, arr.type), arr)
    if kind == "date":
        days = _try_cast(vals, pa.date32())
        values = None if days is None else pc.cast(days, pa.timestamp("us"))
    elif kind == "timestamp":
        values = _try_cast(vals, pa.timestamp("us"))
    else:
        values = _try_cast(vals, pa.float64())
        if values is not None and pc.all(pc.or_(pc.is_null(values),
                                                pc.is_finite(values))).as_py() is False:
            return None
    if values is None:
        return None
    if kind in ("date", "timestamp") and not _all_within_window(values):
        return None
    n = len(arr)
    return ParsedColumn(values=values, missing=_mask(missing),
                        invalid=np.zeros(n, dtype=bool))


# --- typed (Parquet) columns ----------------------------------------------------------
def arrow_type_problem(arrow_type: pa.DataType, spec: ColumnSpec) -> str | None:
    """Why a typed Parquet column cannot hold ``spec.kind`` (None when it can).

    Strings are always acceptable (they are read by the text rules). Floating-point IDs
    are refused because leading zeros and long IDs are already lost in them.
    """
    t = arrow_type
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t):
        return None
    if pa.types.is_dictionary(t):
        return arrow_type_problem(t.value_type, spec)
    kind = spec.kind
    ok = {
        "id": pa.types.is_integer(t),
        "text": False,
        "category": False,
        "date": pa.types.is_date(t) or (pa.types.is_timestamp(t) and t.tz is None),
        "timestamp": pa.types.is_timestamp(t) or pa.types.is_date(t),
        "integer": pa.types.is_integer(t) or pa.types.is_floating(t)
        or pa.types.is_decimal(t),
        "number": pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t),
        "money": pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t),
        "boolean": pa.types.is_boolean(t) or pa.types.is_integer(t),
    }[kind]
    if ok:
        return None
    if kind == "id" and pa.types.is_floating(t):
        return (f"is stored as {t} but IDs must be text: floating point loses leading zeros "
                "and long IDs. Store the column as string.")
    if kind == "date" and pa.types.is_timestamp(t):
        return (f"is stored as {t} (with a time zone) but is a date column. Store it as a "
                "date (or a naive timestamp at midnight).")
    return f"is stored as {t}, which cannot hold a {kind} column. Store it as {_STORE_AS[kind]}."


_STORE_AS = {
    "id": "string", "text": "string", "category": "string", "date": "date32",
    "timestamp": "timestamp", "integer": "int64", "number": "double", "money": "double",
    "boolean": "bool",
}


def from_arrow_typed(arr: pa.Array, spec: ColumnSpec) -> ParsedColumn:
    """Accept a typed Parquet column whose type :func:`arrow_type_problem` allows."""
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    problem = arrow_type_problem(arr.type, spec)
    if problem:
        raise TypeError(problem)
    t, kind = arr.type, spec.kind
    missing = pc.is_null(arr)
    invalid = pa.array(np.zeros(len(arr), dtype=bool))
    if kind == "id":
        values = arr.cast(pa.large_string())
    elif kind in ("date", "timestamp"):
        if pa.types.is_timestamp(t) and t.tz is not None:
            arr = pc.cast(arr.cast(pa.timestamp("us", tz="UTC")), pa.timestamp("us"))
        values = pc.cast(arr, pa.timestamp("us"))
        if kind == "date":
            not_midnight = pc.not_equal(pc.floor_temporal(values, unit="day"), values)
            if pc.any(not_midnight).as_py():
                values = pc.if_else(not_midnight, pa.scalar(None, values.type), values)
        if not _all_within_window(values):
            values = pc.if_else(_within_window(values), values, pa.scalar(None, values.type))
        invalid = pc.and_(pc.invert(missing), pc.is_null(values))
    elif kind == "integer":
        as_float = pc.cast(arr, pa.float64())
        whole = pc.and_(pc.is_finite(as_float), pc.equal(pc.floor(as_float), as_float))
        values = pc.cast(pc.if_else(whole, as_float, pa.scalar(None, pa.float64())), pa.int64())
        invalid = pc.and_(pc.invert(missing), pc.is_null(values))
    elif kind in ("number", "money"):
        as_float = pc.cast(arr, pa.float64())
        values = pc.if_else(pc.is_finite(as_float), as_float, pa.scalar(None, pa.float64()))
        invalid = pc.and_(pc.invert(missing), pc.is_null(values))
    else:  # boolean
        if pa.types.is_integer(t):
            ok = pc.is_in(arr, value_set=pa.array([0, 1], type=t))
            values = pc.if_else(ok, pc.equal(arr, 1), pa.scalar(None, pa.bool_()))
            invalid = pc.and_(pc.invert(missing), pc.invert(pc.fill_null(ok, False)))
        else:
            values = arr
    return ParsedColumn(values=values.cast(ARROW_TYPES[kind]), missing=_mask(missing),
                        invalid=_mask(invalid))


def as_text(arr: pa.Array) -> list[str]:
    """Show any Arrow array as the text a person would see in the export ("" for null)."""
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        text = arr
    elif pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        text = pc.strftime(arr, format="%Y-%m-%dT%H:%M:%S" if pa.types.is_timestamp(arr.type)
                           else "%Y-%m-%d")
    else:
        text = pc.cast(arr, pa.large_string())
    return ["" if v is None else v for v in text.to_pylist()]


# --- explanations --------------------------------------------------------------------------
_PERCENT = re.compile(r"%\s*$")
_CURRENCY_CODE = re.compile(r"^[A-Za-z]{3}\s*[-+(]?[\d.,]|[\d.]\s*[A-Za-z]{3}$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\(?[$€£¥]?(?:\d{1,3}(?:\.\d{3})+,\d+|\d+,\d{1,2})\)?$")
_EXCEL_SERIAL = re.compile(r"^\d{4,5}(?:\.\d+)?$")
_OTHER_DATE = re.compile(r"^\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}")


def _show(text: str) -> str:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return "'" + shown.encode("unicode_escape").decode("ascii").replace("'", "\\'") + "'"


def explain_invalid(text: str, spec: ColumnSpec, options: ParseOptions | None = None) -> str:
    """Say why ``text`` was rejected for ``spec`` and how to fix the export.

    Called only for values :func:`parse_column` marked invalid; it chooses the wording,
    it does not decide validity.
    """
    options = options or ParseOptions()
    raw = text.strip(WHITESPACE)
    shown = _show(text)
    kind = spec.kind
    if kind == "id":
        return f"{shown} contains a line break; IDs must be on one line."
    if kind == "boolean":
        return f"{shown} is not a yes/no value (true/false, yes/no, y/n or 1/0)."
    if kind in ("integer", "number", "money"):
        return shown + " " + _explain_number(raw, kind)
    if kind == "date":
        return shown + " " + _explain_date(raw, options)
    if kind == "timestamp":
        return shown + " " + _explain_timestamp(raw)
    return f"{shown} could not be read as {kind}."


def _explain_number(raw: str, kind: str) -> str:
    what = {"integer": "a whole number", "number": "a plain number", "money": "an amount"}[kind]
    if "\n" in raw or "\r" in raw:
        return f"contains a line break; this column takes {what}."
    if _PERCENT.search(raw):
        return (f"is a percentage; this column takes {what}, not a percentage "
                "(write shares as decimals, e.g. 0.85).")
    if _CURRENCY_CODE.search(raw):
        return ("has a currency code; write the amount with at most one currency symbol "
                "($, €, £ or ¥) and no code.")
    symbols = [s for s in CURRENCY_SYMBOLS if s in raw]
    if symbols and kind != "money":
        return (f"has a currency symbol, but this column takes {what} (it is not money: "
                "it may hold hours or counts). Export plain numbers.")
    if len(symbols) > 1:
        return "mixes currency symbols; use one symbol for the whole column."
    if raw.startswith("(") and raw.endswith(")") and kind != "money":
        return ("is an accounting negative; only money columns read (75.00) as -75.00. "
                f"This column takes {what}.")
    if _DECIMAL_COMMA.match(raw):
        return "uses ',' as the decimal mark; export with '.' as the decimal mark."
    if kind == "integer" and re.match(r"^[+-]?[\d,]*\.\d*[1-9]\d*$", raw):
        return "is not a whole number; this column counts things."
    if kind == "integer" and re.match(r"^[+-]?\d{19,}$", raw.replace(",", "")):
        return "is too large for a whole-number column (more than 18 digits)."
    if re.match(r"^[+-]?[\d.,]+[eE][+-]?\d+$", raw):
        if kind == "integer":
            return "is in scientific notation; this column takes a whole number in digits."
        if "," in raw:
            return "mixes ',' thousands separators with an exponent; write one or the other."
        return f"is too large or small to be {what}."
    if re.search(r"(?i)\b(inf|infinity|nan)\b", raw):
        return f"is not a finite number; this column takes {what}."
    if "," in raw:
        return ("has ',' thousands separators that are not in groups of three "
                f"(1,234,567); this column takes {what}.")
    return f"is not {what} (digits with '.' as the decimal mark)."


def _explain_date(raw: str, options: ParseOptions) -> str:
    if "\n" in raw or "\r" in raw:
        return "contains a line break; this column takes a date."
    if _EXCEL_SERIAL.match(raw):
        return ("looks like an Excel serial day number, not a date; format the column as a "
                "date (YYYY-MM-DD) before exporting.")
    if re.match(_ISO_DAY_RE[:-1], raw):
        day = raw[:10]
        if pd.to_datetime(day, format="%Y-%m-%d", errors="coerce") is pd.NaT:
            return "is not a real calendar date."
        if len(raw) > 10:
            return "has a time of day or a time zone; this column takes a date (YYYY-MM-DD)."
        return "is outside the plausible range 1900-01-01 .. 2100-12-31 (a typo in the year?)."
    if options.date_format:
        return (f"matches neither ISO YYYY-MM-DD nor --date-format '{options.date_format}' "
                "(or is not a real calendar date, or has a time of day).")
    if _OTHER_DATE.match(raw):
        return ("is not an ISO date (YYYY-MM-DD). If every date in the export uses this "
                "layout, pass it explicitly, e.g. --date-format '%d/%m/%Y' or '%m/%d/%Y'.")
    return "is not an ISO date (YYYY-MM-DD)."


def _explain_timestamp(raw: str) -> str:
    if "\n" in raw or "\r" in raw:
        return "contains a line break; this column takes a date-time."
    if _EXCEL_SERIAL.match(raw):
        return ("looks like an Excel serial day number, not a date-time; format the column "
                "as ISO 8601 (YYYY-MM-DDTHH:MM:SS) before exporting.")
    if re.match(_TIMESTAMP_RE, raw):
        when = pd.to_datetime(raw, format="ISO8601", errors="coerce", utc=True)
        if when is pd.NaT:
            return "is not a real calendar date and time."
        return "is outside the plausible range 1900-01-01 .. 2100-12-31 (a typo in the year?)."
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ][\d:.]+\s*[A-Za-z]", raw):
        return ("has a time zone name; write the offset instead (Z or +02:00), as ISO 8601 "
                "requires.")
    if _OTHER_DATE.match(raw):
        return ("is not ISO 8601 (YYYY-MM-DDTHH:MM:SS[Z|+HH:MM]); re-export the column in "
                "ISO 8601 (--date-format applies to date columns only).")
    return "is not an ISO 8601 date-time (YYYY-MM-DDTHH:MM:SS, optional Z or +HH:MM)."

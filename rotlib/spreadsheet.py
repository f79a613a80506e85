"""Text that is safe to open in a spreadsheet (CSV / formula injection).

A partner named ``=HYPERLINK("http://evil","click")`` becomes a live formula when a CSV or
XLSX file is opened in Excel or LibreOffice. Every *text* cell (and column header) that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with a single
quote, the OWASP recommendation; numbers and missing values are left alone. One module so
every writer (quarantine files, data-quality report, metrics and scorecard exports) uses
the same rule.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

#: Leading characters that make a spreadsheet treat text as a formula (or split a cell).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
NEUTRALIZER = "'"


def neutralize_formula(value: Any) -> Any:
    """Prefix a quote to text that a spreadsheet would run as a formula; leave the rest."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return NEUTRALIZER + value
    return value


def neutralize_frame(df: pd.DataFrame, *, headers: bool = True) -> pd.DataFrame:
    """A copy with every text cell (and, by default, every column name) neutralized.

    String columns are handled vectorized (large exports); object and categorical columns,
    which may mix text and numbers, value by value.
    """
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or isinstance(series.dtype, pd.CategoricalDtype):
            out[column] = series.map(neutralize_formula)
        elif pd.api.types.is_string_dtype(series):
            risky = series.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
            out[column] = series.where(~risky, NEUTRALIZER + series)
    if headers:
        out.columns = [neutralize_formula(str(c)) for c in out.columns]
    return out

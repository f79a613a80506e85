"""A minimal, self-contained contract check for generated samples (test helper).

Independent of ``rotlib.validation`` on purpose: it reads ``rotlib.contract`` specs and
checks column names and order, allowed values, nullability, bounds, key uniqueness,
foreign keys and row rules, plus the CSV text formats the generator promises (ISO dates,
ISO timestamps with Z or an offset, true/false, two-decimal money).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from rotlib.contract import TABLES, ColumnSpec, TableSpec

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
INT_RE = re.compile(r"^-?\d+$")
NUM_RE = re.compile(r"^-?\d+(\.\d+)?$")
MONEY_RE = re.compile(r"^\d+\.\d{2}$")
BOOL_VALUES = {"true", "false"}

_OPS = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b, "<": lambda a, b: a < b}


def read_raw_csv(folder: Path) -> dict[str, pd.DataFrame]:
    """Every table as text exactly as written (no NA guessing: "NA" stays "NA")."""
    return {t.name: pd.read_csv(folder / f"{t.name}.csv", dtype=str, keep_default_na=False,
                                na_filter=False, encoding="utf-8") for t in TABLES}


def read_parquet(folder: Path) -> dict[str, pd.DataFrame]:
    return {t.name: pq.read_table(folder / f"{t.name}.parquet").to_pandas() for t in TABLES}


def csv_format_violations(raw: dict[str, pd.DataFrame]) -> list[str]:
    """Text-level promises of the CSV files."""
    problems: list[str] = []
    for spec in TABLES:
        df = raw[spec.name]
        if tuple(df.columns) != spec.column_names:
            problems.append(f"{spec.name}: columns {tuple(df.columns)} != {spec.column_names}")
            continue
        for col in spec.columns:
            values = df[col.name]
            present = values[values != ""]
            pattern = {"date": DATE_RE, "timestamp": TS_RE, "integer": INT_RE,
                       "number": NUM_RE, "money": MONEY_RE}.get(col.kind)
            if pattern is not None:
                bad = present[~present.str.match(pattern)]
                if len(bad):
                    problems.append(f"{spec.name}.{col.name}: bad {col.kind} text "
                                    f"{bad.iloc[0]!r} ({len(bad)} rows)")
            if col.kind == "boolean" and not set(present) <= BOOL_VALUES:
                problems.append(f"{spec.name}.{col.name}: booleans {set(present) - BOOL_VALUES}")
            if col.kind in ("id", "text") and (present != present.str.strip()).any():
                problems.append(f"{spec.name}.{col.name}: untrimmed text")
    return problems


def _typed_column(values: pd.Series, col: ColumnSpec) -> pd.Series:
    """Text -> typed values (only "" is missing in the files we write)."""
    missing = values == ""
    if col.kind in ("id", "text", "category"):
        return values.where(~missing, None).astype(object)
    if col.kind == "date":
        return pd.to_datetime(values.where(~missing, None), format="%Y-%m-%d")
    if col.kind == "timestamp":
        return pd.to_datetime(values.where(~missing, None), format="ISO8601", utc=True)
    if col.kind == "integer":
        return pd.to_numeric(values.where(~missing, None)).astype("Int64")
    if col.kind in ("number", "money"):
        return pd.to_numeric(values.where(~missing, None)).astype("Float64")
    if col.kind == "boolean":
        return values.map({"true": True, "false": False, "": None}).astype("boolean")
    raise AssertionError(col.kind)


def typed_from_csv(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    out = {}
    for spec in TABLES:
        df = raw[spec.name]
        out[spec.name] = pd.DataFrame({c.name: _typed_column(df[c.name], c)
                                       for c in spec.columns})
    return out


def contract_violations(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Every contract rule, on typed frames (from CSV or Parquet)."""
    problems: list[str] = []
    for spec in TABLES:
        df = tables[spec.name].reset_index(drop=True)
        if tuple(df.columns) != spec.column_names:
            problems.append(f"{spec.name}: columns {tuple(df.columns)} != {spec.column_names}")
            continue
        problems += _column_violations(spec, df)
        dup = df.duplicated(subset=list(spec.key), keep=False)
        if dup.any():
            problems.append(f"{spec.name}: {int(dup.sum())} rows share a key {spec.key}")
        for column, ref_table, ref_col in spec.foreign_keys:
            values = df[column].dropna()
            known = set(tables[ref_table][ref_col].dropna())
            orphans = values[~values.isin(known)]
            if len(orphans):
                problems.append(f"{spec.name}.{column}: {len(orphans)} orphan keys, e.g. "
                                f"{orphans.iloc[0]!r}")
        for rule in spec.row_rules:
            left, right = df[rule.left], df[rule.right]
            both = left.notna() & right.notna()
            ok = _OPS[rule.op](left[both], right[both])
            if not bool(ok.all()):
                problems.append(f"{spec.name}: rule {rule.name} fails on "
                                f"{int((~ok).sum())} rows")
    return problems


def _column_violations(spec: TableSpec, df: pd.DataFrame) -> list[str]:
    problems = []
    for col in spec.columns:
        s = df[col.name]
        null = s.isna()
        if not col.nullable and null.any():
            problems.append(f"{spec.name}.{col.name}: {int(null.sum())} missing values")
        present = s[~null]
        if col.kind in ("id", "text") and (present.astype(str) == "").any():
            problems.append(f"{spec.name}.{col.name}: empty text that is not missing")
        if col.allowed is not None:
            bad = set(present) - set(col.allowed)
            if bad:
                problems.append(f"{spec.name}.{col.name}: values {sorted(bad)[:3]} not allowed")
        if col.minimum is not None and len(present) and (present < col.minimum).any():
            problems.append(f"{spec.name}.{col.name}: values below {col.minimum}")
        if col.maximum is not None and len(present) and (present > col.maximum).any():
            problems.append(f"{spec.name}.{col.name}: values above {col.maximum}")
    return problems

"""Where the metric expressions run: an in-process DuckDB reached through Ibis.

Why Ibis: the metric definitions are written once as Ibis expressions and compiled to
the SQL of whatever engine holds the data. By default that is an embedded DuckDB that
reads the validated ``<table>.parquet`` files in place (nothing is loaded into pandas,
which is what keeps 100k partners inside a few GB); tests and callers that already hold
typed DataFrames pass them in memory instead.

Inputs are the validated tables of :mod:`rotlib.contract`: exactly its columns, typed
(id/text/category -> string, date/timestamp -> naive UTC timestamp, integer -> int64,
number/money -> float64, boolean -> boolean). Extra columns (``source_line``) are
ignored. Every table is re-typed here to the contract, so a metric never sees an
``int32`` where it expects ``int64`` or a time zone where it expects naive UTC.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rotlib.contract import ColumnKind, TableSpec, table
from rotlib.errors import InputError
from rotlib.parsing import ARROW_TYPES

#: Contract column kind -> Ibis type the metric expressions rely on.
IBIS_TYPES: dict[ColumnKind, str] = {
    "id": "string",
    "text": "string",
    "category": "string",
    "date": "timestamp",
    "timestamp": "timestamp",
    "integer": "int64",
    "number": "float64",
    "money": "float64",
    "boolean": "boolean",
}

#: Column that ``rotlib.validation`` adds to every table it writes (and raw exports lack).
VALIDATED_MARKER = "source_line"

_FIX_VALIDATE = "run `rot validate` on the raw exports and point `rot metrics` at its output."


def connect(**config: object) -> ibis.BaseBackend:
    """A fresh in-process DuckDB (session time zone UTC); ``config`` goes to DuckDB.

    For example ``connect(threads=2, memory_limit="3GB")``; DuckDB spills to disk when
    an aggregation outgrows ``memory_limit``.
    """
    return ibis.duckdb.connect(**config)


def parquet_path(folder: Path, name: str) -> Path:
    """Where the validated parquet file of table ``name`` lives in ``folder``."""
    return folder / f"{name}.parquet"


def holds_validated(folder: Path, names: tuple[str, ...]) -> bool:
    """Whether ``folder`` holds ``rot validate`` output for every table in ``names``.

    Validated files carry the ``source_line`` column validation adds; parquet files
    without it are raw exports, which must be validated before any metric sees them.
    """
    paths = [parquet_path(folder, n) for n in names]
    return all(p.is_file() and VALIDATED_MARKER in pq.read_schema(p).names for p in paths)


def holds_raw_exports(folder: Path, names: tuple[str, ...]) -> bool:
    """Whether ``folder`` has at least one ``<table>.csv`` or unvalidated parquet of ``names``."""
    for name in names:
        path = parquet_path(folder, name)
        if (folder / f"{name}.csv").is_file():
            return True
        if path.is_file() and VALIDATED_MARKER not in pq.read_schema(path).names:
            return True
    return False


def load_tables(
    con: ibis.BaseBackend,
    source: str | Path | Mapping[str, pd.DataFrame | str | Path],
    names: tuple[str, ...],
) -> dict[str, ir.Table]:
    """Open the tables ``names`` from a folder of parquet files or a dict.

    A dict maps table names to typed DataFrames or to parquet files (for example the
    staged files of ``rotlib.validation``, which at 100k partners are far too large to
    load into pandas first). Raises :class:`InputError` naming the file (or table) and
    column when a table or a contract column is missing or has a type that cannot be the
    contract's.
    """
    if isinstance(source, Mapping):
        return {n: _from_mapping(con, source, table(n)) for n in names}
    folder = Path(source)
    if not folder.is_dir():
        raise InputError("is not a folder.", file=str(folder),
                         fix="pass the folder that holds the validated <table>.parquet files.")
    return {n: _from_parquet(con, parquet_path(folder, n), table(n)) for n in names}


def _from_mapping(
    con: ibis.BaseBackend, source: Mapping[str, pd.DataFrame | str | Path], spec: TableSpec
) -> ir.Table:
    try:
        item = source[spec.name]
    except KeyError:
        raise InputError("is missing from the tables passed in.", file=spec.name,
                         fix="pass every table of the data contract (rotlib.contract).") from None
    if isinstance(item, (str, Path)):
        return _from_parquet(con, Path(item), spec)
    return _from_frame(item, spec)


def _from_parquet(con: ibis.BaseBackend, path: Path, spec: TableSpec) -> ir.Table:
    """A parquet file read in place (nothing is loaded until the query runs)."""
    if not path.is_file():
        raise InputError("is missing.", file=str(path), fix=_FIX_VALIDATE)
    with warnings.catch_warnings():
        # ibis 12 reads the schema with DuckDB 2's deprecated fetch_arrow_table()
        warnings.filterwarnings("ignore", message="fetch_arrow_table",
                                category=DeprecationWarning)
        raw = con.read_parquet(path, table_name=f"rot_{spec.name}")
    return _typed(raw, spec, str(path))


def _typed(raw: ir.Table, spec: TableSpec, file: str) -> ir.Table:
    """Select the contract's columns of ``raw``, cast to the contract's types."""
    schema = raw.schema()
    columns = {}
    for col in spec.columns:
        if col.name not in schema:
            raise InputError("is missing.", file=file, column=col.name, fix=_FIX_VALIDATE)
        have = schema[col.name]
        want = IBIS_TYPES[col.kind]
        if not (have.is_null() or _compatible(have, want)):
            raise InputError(
                f"has type {have}, but the contract says {col.kind} ({want}).",
                file=file, column=col.name, fix=_FIX_VALIDATE,
            )
        # a time zone (if any) is dropped after conversion: the session runs in UTC
        columns[col.name] = raw[col.name].cast(want)
    return raw.select(**columns)


def _compatible(have: ibis.expr.datatypes.DataType, want: str) -> bool:
    if want == "string":
        return have.is_string()
    if want == "timestamp":
        return have.is_timestamp() or have.is_date()
    if want == "int64":
        return have.is_integer()
    if want == "float64":
        return have.is_numeric()
    return have.is_boolean()


def _from_frame(frame: pd.DataFrame, spec: TableSpec) -> ir.Table:
    """An in-memory table typed to the contract, from a DataFrame."""
    arrays = []
    for col in spec.columns:
        if col.name not in frame.columns:
            raise InputError("is missing.", file=spec.name, column=col.name,
                             fix="pass the typed tables rotlib.validation returns.")
        values = frame[col.name]
        try:
            if col.kind in ("date", "timestamp"):
                values = _naive_utc(values)
            arrays.append(pa.array(values, type=ARROW_TYPES[col.kind], from_pandas=True))
        except (pa.ArrowException, TypeError, ValueError) as exc:
            raise InputError(
                f"cannot be read as {col.kind}: {exc}", file=spec.name, column=col.name,
                fix="pass the typed tables rotlib.validation returns.",
            ) from None
    names = [c.name for c in spec.columns]
    return ibis.memtable(pa.Table.from_arrays(arrays, names=names))


def _naive_utc(values: pd.Series) -> pd.Series:
    """Timestamps as naive UTC at microsecond precision (what the engine expects)."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        if not values.isna().all():
            raise TypeError(f"expected datetimes, got dtype {values.dtype}")
        values = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    stamps = values
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.astype("datetime64[us]")


def execute(con: ibis.BaseBackend, expr: ir.Table) -> pa.Table:
    """Run an expression on ``con`` and return the result as Arrow."""
    return con.to_pyarrow(expr)

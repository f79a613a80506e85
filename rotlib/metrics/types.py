"""The columns of the partner x quarter metrics table and their types, in one place.

Why one place: the same table is produced by DuckDB today and may be produced by Spark
or a warehouse later, and each engine hands back slightly different types (DuckDB sums
integers into 128-bit integers, pandas turns an integer column with a gap into floats).
Both the Ibis expression (:mod:`rotlib.metrics.assemble` casts every output column to
:func:`output_schema`) and the pandas frame (:func:`normalise`) read the types from here,
so downstream code can rely on them whatever engine ran the query.

Types by column:

* key and partner attributes (``partner_id``, ``quarter``, ``partner_name``,
  ``partner_type``, ``region``, ``size``): text; ``quarter_index``: int64;
  ``quarter_start`` / ``quarter_end``: timestamps at midnight (first and last day).
* proportions (successes out of trials): ``m`` float64 in [0, 1], missing when the
  denominator is zero; ``m__num`` / ``m__den`` int64 counts, never missing (0 when
  nothing happened); ``m__reason`` text, empty unless ``m`` is missing.
* ratios: as proportions, but ``m__num`` / ``m__den`` are float64 (money, or counts of
  different things) and ``m`` may exceed 1.
* counts: int64, 0 when nothing happened; amounts: float64, 0 when nothing happened;
  days: float64, missing when there is nothing to measure.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rotlib.registry import ALL_METRICS, METRICS_KEY_COLUMNS, MetricDefinition

#: Columns that describe the quarter of a row, after the key columns.
QUARTER_COLUMNS: tuple[str, ...] = ("quarter_start", "quarter_end")
#: Partner attributes carried on every row (copied from the partners table).
PARTNER_COLUMNS: tuple[str, ...] = ("partner_name", "partner_type", "region", "size")

#: Ibis type name -> pandas dtype of the returned frame.
_PANDAS_DTYPES: dict[str, str] = {
    "string": "str",
    "int64": "int64",
    "float64": "float64",
    "timestamp(6)": "datetime64[us]",
}


#: Row order of the metrics table: by partner (byte order of the id), then quarter.
SORT_KEYS: list[tuple[str, str]] = [("partner_id", "ascending"), ("quarter_index", "ascending")]


def num_column(metric_id: str) -> str:
    """Name of the numerator column kept for a proportion or ratio."""
    return f"{metric_id}__num"


def den_column(metric_id: str) -> str:
    """Name of the denominator column kept for a proportion or ratio."""
    return f"{metric_id}__den"


def reason_column(metric_id: str) -> str:
    """Name of the column that says why a proportion or ratio is missing."""
    return f"{metric_id}__reason"


def value_type(metric: MetricDefinition) -> str:
    """Ibis type of a metric's value column."""
    return "int64" if metric.kind == "count" else "float64"


def fraction_part_type(metric: MetricDefinition) -> str:
    """Ibis type of a proportion's or ratio's numerator and denominator columns."""
    return "int64" if metric.kind == "proportion" else "float64"


def metric_schema(metric: MetricDefinition) -> dict[str, str]:
    """Output columns (name -> Ibis type) of one registered metric, in table order."""
    out = {metric.id: value_type(metric)}
    if metric.keeps_fraction:
        part = fraction_part_type(metric)
        out[num_column(metric.id)] = part
        out[den_column(metric.id)] = part
        out[reason_column(metric.id)] = "string"
    return out


def output_schema() -> dict[str, str]:
    """Every column of the metrics table (name -> Ibis type), in table order."""
    schema: dict[str, str] = {
        "partner_id": "string",
        "quarter": "string",
        "quarter_index": "int64",
        "quarter_start": "timestamp(6)",
        "quarter_end": "timestamp(6)",
    }
    schema.update(dict.fromkeys(PARTNER_COLUMNS, "string"))
    for metric in ALL_METRICS:
        schema.update(metric_schema(metric))
    assert tuple(schema)[: len(METRICS_KEY_COLUMNS)] == METRICS_KEY_COLUMNS
    return schema


def metrics_columns() -> list[str]:
    """Names of the metrics table's columns, in order (key columns first)."""
    return list(output_schema())


def pandas_dtypes() -> dict[str, str]:
    """Pandas dtype of every column of the frame :func:`normalise` returns."""
    return {name: _PANDAS_DTYPES[kind] for name, kind in output_schema().items()}


def normalise(result: pa.Table | pd.DataFrame) -> pd.DataFrame:
    """Turn an engine's result into the metrics frame: documented dtypes, sorted rows.

    An Arrow result is sorted and converted one column at a time, so the peak is about
    one copy of the table beside the result rather than three (800k rows x ~90 columns
    at 100k partners). Raises ``ValueError`` when a column is missing or an integer
    column holds a gap: both mean the query broke its own contract (a bug, not a data
    problem).
    """
    dtypes = pandas_dtypes()
    missing = [c for c in dtypes if c not in result.column_names] if isinstance(
        result, pa.Table) else [c for c in dtypes if c not in result.columns]
    if missing:
        raise ValueError(f"metrics result lacks columns {missing}")
    if isinstance(result, pa.Table):
        order = pc.sort_indices(result.select([k for k, _ in SORT_KEYS]), sort_keys=SORT_KEYS)

        def column(name: str) -> pd.Series:
            return result.column(name).take(order).to_pandas()
    else:
        result = result.sort_values([k for k, _ in SORT_KEYS], kind="stable")

        def column(name: str) -> pd.Series:
            return result[name].reset_index(drop=True)

    out = {}
    for name, dtype in dtypes.items():
        values = column(name)
        if dtype == "int64" and values.isna().any():
            raise ValueError(f"metrics column {name!r} must never be missing")
        out[name] = values.astype(dtype)
    return pd.DataFrame(out, copy=False)

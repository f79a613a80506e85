"""Partner x quarter metrics: every registered metric for every partner and quarter.

The public entry point is :func:`compute_metrics`; :func:`metrics_columns` lists the
columns it returns. What each metric means lives in :mod:`rotlib.registry` (and
``docs/metrics.md``, generated from it); how it is computed lives in the family modules
(``reliability``, ``competence``, ``integrity``, ``reciprocity``, ``outcomes``,
``investments``, ``risk``) as Ibis expressions over the event sets of
:mod:`rotlib.metrics.facts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd

from rotlib.calendar import FiscalCalendar
from rotlib.errors import InputError
from rotlib.metrics import engine
from rotlib.metrics.assemble import metrics_expr
from rotlib.metrics.facts import SOURCE_TABLES, activity_range
from rotlib.metrics.quarters import QuarterGrid, parse_quarter
from rotlib.metrics.types import metrics_columns, normalise, output_schema, pandas_dtypes

__all__ = [
    "SOURCE_TABLES",
    "compute_metrics",
    "metrics_columns",
    "metrics_expr",
    "output_schema",
    "pandas_dtypes",
    "resolve_grid",
]

QuarterBound = str | int


def compute_metrics(
    source: str | Path | Mapping[str, pd.DataFrame | str | Path],
    *,
    calendar: FiscalCalendar = FiscalCalendar(1),  # noqa: B008 (immutable)
    quarters: tuple[QuarterBound, QuarterBound] | None = None,
    engine_config: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Compute the partner x quarter metrics table.

    Parameters
    ----------
    source
        A folder of validated ``<table>.parquet`` files (read in place by DuckDB), or a
        dict keyed by table name of validated, typed DataFrames (as
        ``rotlib.validation.validate_folder(...).tables``) or of parquet file paths (as
        its ``.parquet_paths``, the cheap way at scale). Every table in
        :data:`SOURCE_TABLES` is required; extra columns are ignored.
    calendar
        Fiscal calendar that buckets dates into quarters (``FiscalCalendar(2)``: the
        fiscal year starts in February).
    quarters
        ``(first, last)`` quarters, as labels (``"2026Q1"``) or quarter indexes,
        inclusive. By default every quarter from the first to the last with any
        activity (see ``rotlib.metrics.facts``).
    engine_config
        DuckDB settings, e.g. ``{"threads": 2, "memory_limit": "3GB"}``.

    Returns
    -------
    One row per partner x quarter, ordered by partner and quarter, with the columns of
    :func:`metrics_columns` and the dtypes of :func:`pandas_dtypes`.

    Raises
    ------
    InputError
        A table or column is missing or mistyped, a quarter label is malformed, or there
        is no dated activity to set the range and ``quarters`` was not given.
    """
    con = engine.connect(**dict(engine_config or {}))
    try:
        tables = engine.load_tables(con, source, SOURCE_TABLES)
        grid = resolve_grid(con, tables, calendar, quarters)
        result = engine.execute(con, metrics_expr(tables, grid))
    finally:
        con.disconnect()  # frees DuckDB's memory before the pandas copy is made
    return normalise(result)


def resolve_grid(
    con: ibis.BaseBackend,
    tables: Mapping[str, ir.Table],
    calendar: FiscalCalendar,
    quarters: tuple[QuarterBound, QuarterBound] | None,
) -> QuarterGrid:
    """The quarters to report: the given range, or the span of the data's activity."""
    if quarters is not None:
        first, last = quarters
        return QuarterGrid(calendar, parse_quarter(first), parse_quarter(last))
    span = engine.execute(con, activity_range(tables, calendar)).to_pylist()[0]
    if span["first"] is None:
        raise InputError(
            "no table has a dated record (deal, ticket, deliverable, ...), so there is no "
            "quarter to report.",
            fix="check that the exports are not empty, or give the quarters explicitly "
            "(--first-quarter / --last-quarter).",
        )
    return QuarterGrid(calendar, int(span["first"]), int(span["last"]))

"""Check the partner x quarter metrics table before scoring it.

The table normally comes from ``rot metrics`` but teams whose BI computes metrics may
supply their own, so nothing is assumed: every column the config needs must be there,
keys must be unique, shares must lie in 0..1, numerators must not exceed denominators,
and a value must agree with its numerator / denominator. A problem stops scoring with
an :class:`InputError` naming the column, the row (as a line number of the table written
as CSV with one header line: row 0 is line 2) and the fix; a score computed from a
corrupted table would be worse than no score. Only the columns scoring reads are kept
(keys, partner attributes, registered values, numerators and denominators).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rotlib.calendar import FiscalCalendar
from rotlib.errors import InputError
from rotlib.registry import METRICS_BY_ID

KEY_COLUMNS = ("partner_id", "quarter", "quarter_index")
ATTRIBUTE_COLUMNS = ("partner_name", "partner_type", "region", "size")


def _line(position: int) -> int:
    return int(position) + 2


def _numeric(table: pd.DataFrame, column: str, source: str | None) -> np.ndarray:
    col = table[column]
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        return col.to_numpy(dtype=float, na_value=np.nan)
    values = pd.to_numeric(col, errors="coerce")
    bad = values.isna() & col.notna()
    if bad.any():
        text = col[bad].astype(str).str.strip()
        real = text[text != ""]
        if len(real):
            pos = int(table.index.get_loc(real.index[0]))
            raise InputError(
                f"value {col.iloc[pos]!r} is not a number",
                file=source, column=column, row=_line(pos),
                fix="write plain numbers (no units, percent signs or thousands separators); "
                "regenerate the table with `rot metrics`",
            )
    return values.to_numpy(dtype=float, na_value=np.nan)


def prepare_metrics(
    metrics: pd.DataFrame,
    metric_ids: tuple[str, ...],
    calendar: FiscalCalendar | None = None,
    *,
    source: str | None = None,
) -> pd.DataFrame:
    """Validated copy of the table, sorted by partner and quarter, with a fresh 0..n-1 index.

    ``quarter_index`` is derived from ``quarter`` when absent. ``source`` (a file name) is
    only used in error messages.
    """
    if not isinstance(metrics, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, got {type(metrics).__name__}",
                         file=source, fix="load the metrics file with pandas first")
    if metrics.empty:
        raise InputError("the metrics table has no rows", file=source,
                         fix="run `rot metrics DATA_DIR --out FILE` on a folder with data")
    # keep what scoring reads: keys, partner attributes and registered items (value,
    # numerator, denominator); the free-text __reason columns and unknown extras stay out
    # (at 100k partners x 8 quarters they are most of the table's memory)
    keep = [c for c in metrics.columns
            if c in KEY_COLUMNS or c in ATTRIBUTE_COLUMNS
            or (str(c).split("__")[0] in METRICS_BY_ID and not str(c).endswith("__reason"))]
    table = metrics[keep].reset_index(drop=True)
    for col in ("partner_id", "quarter"):
        if col not in table.columns:
            raise InputError("required key column is missing", file=source, column=col,
                             fix="the metrics table needs partner_id, quarter (e.g. 2026Q3) "
                             "and quarter_index; produce it with `rot metrics`")
    missing_id = table["partner_id"].isna() | (table["partner_id"].astype(str).str.strip() == "")
    if missing_id.any():
        pos = int(np.flatnonzero(missing_id.to_numpy())[0])
        raise InputError("partner_id is empty", file=source, column="partner_id",
                         row=_line(pos), fix="every row needs the partner's id")
    if not pd.api.types.is_string_dtype(table["partner_id"]) or table["partner_id"].dtype == object:
        table["partner_id"] = table["partner_id"].astype(str)
    quarter = table["quarter"].astype(str)
    labels = pd.unique(quarter)
    if any(label != label.strip() for label in labels):
        quarter = quarter.str.strip()
        labels = pd.unique(quarter)
    table["quarter"] = quarter

    index_of: dict[str, int] = {}
    for label in labels:
        try:
            index_of[label] = FiscalCalendar.label_to_index(label)
        except ValueError:
            pos = int(np.flatnonzero((table["quarter"] == label).to_numpy())[0])
            raise InputError(f"quarter {label!r} is not of the form YYYYQn", file=source,
                             column="quarter", row=_line(pos),
                             fix="write quarters like 2026Q3") from None
    codes, uniques = pd.factorize(table["quarter"])
    derived = np.array([index_of[label] for label in uniques], dtype=np.int64)[codes]
    if "quarter_index" in table.columns:
        given = _numeric(table, "quarter_index", source)
        bad = ~(given == derived)
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"quarter_index {given[pos]!r} does not match quarter "
                f"{table['quarter'].iloc[pos]!r} (expected {derived[pos]})",
                file=source, column="quarter_index", row=_line(pos),
                fix="quarter_index is year * 4 + quarter - 1; regenerate the table or drop the "
                "column to derive it")
    table["quarter_index"] = derived

    # sort by partner then quarter; a repeated (partner, quarter) is then adjacent
    partner_codes, _ = pd.factorize(table["partner_id"], sort=True)
    order = np.lexsort((derived, partner_codes))
    pc, qi = partner_codes[order], derived[order]
    dup = np.flatnonzero((pc[1:] == pc[:-1]) & (qi[1:] == qi[:-1]))
    if dup.size:
        pos = int(max(order[dup[0]], order[dup[0] + 1]))
        raise InputError(
            f"partner {table['partner_id'].iloc[pos]!r} appears twice in quarter "
            f"{table['quarter'].iloc[pos]}", file=source, column="partner_id", row=_line(pos),
            fix="keep one row per partner and quarter (aggregate duplicates upstream)")

    for metric_id in metric_ids:
        _check_metric(table, metric_id, source)

    if np.array_equal(order, np.arange(order.size)):  # already sorted (as rot metrics writes)
        return table
    return table.iloc[order].reset_index(drop=True)


def _check_metric(table: pd.DataFrame, metric_id: str, source: str | None) -> None:
    m = METRICS_BY_ID[metric_id]
    needed = [metric_id] + ([f"{metric_id}__num", f"{metric_id}__den"] if m.keeps_fraction else [])
    for col in needed:
        if col not in table.columns:
            raise InputError(
                "column needed by the scorecard config is missing", file=source, column=col,
                fix=f"compute it with `rot metrics`, or remove {metric_id} from "
                f"categories.{m.category}.metrics in the config")
    value = _numeric(table, metric_id, source)
    table[metric_id] = value
    if not m.keeps_fraction:
        return
    num = _numeric(table, f"{metric_id}__num", source)
    den = _numeric(table, f"{metric_id}__den", source)
    table[f"{metric_id}__num"] = num
    table[f"{metric_id}__den"] = den

    def fail(mask: np.ndarray, column: str, problem: str, fix: str) -> None:
        pos = int(np.flatnonzero(mask)[0])
        raise InputError(f"{problem} (partner {table['partner_id'].iloc[pos]!r}, "
                         f"{table['quarter'].iloc[pos]})", file=source, column=column,
                         row=_line(pos), fix=fix)

    with np.errstate(invalid="ignore", divide="ignore"):
        neg = (num < 0) | (den < 0)
        if neg.any():
            fail(neg, f"{metric_id}__num", "negative numerator or denominator",
                 "counts and amounts cannot be negative; fix the source rows")
        if m.kind == "proportion":
            over = num > den
            if over.any():
                fail(over, f"{metric_id}__num", "numerator exceeds denominator",
                     "a share counts successes out of trials; check the source rows")
            out = (value < 0) | (value > 1)
            if out.any():
                fail(out, metric_id, f"share {value[np.flatnonzero(out)[0]]} is outside 0..1",
                     "write shares as fractions (0.85, not 85%)")
        zero_den_value = (den == 0) & ~np.isnan(value)
        if zero_den_value.any():
            fail(zero_den_value, metric_id, "value given for a zero denominator",
                 "a zero denominator means no data: leave the value empty and say why in "
                 f"{metric_id}__reason")
        expected = num / den
        both = ~np.isnan(value) & ~np.isnan(expected)
        off = both & (np.abs(value - expected) > 1e-6 + 1e-3 * np.abs(expected))
        if off.any():
            pos = int(np.flatnonzero(off)[0])
            fail(off, metric_id, f"value {value[pos]:.6g} disagrees with numerator / "
                 f"denominator = {expected[pos]:.6g}",
                 "regenerate the table with `rot metrics` so value and counts agree")
        lost = np.isnan(value) & (den > 0) & ~np.isnan(num)
        if lost.any():
            fail(lost, metric_id, "value is missing although numerator and denominator exist",
                 "fill the value (numerator / denominator) or clear the counts")

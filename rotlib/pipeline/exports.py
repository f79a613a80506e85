"""Scorecard exports (CSV and XLSX) that are safe to open in a spreadsheet.

A partner named ``=HYPERLINK("http://evil","click")`` or ``@SUM(1+1)*cmd|' /C calc'!A0``
becomes a live formula when a CSV or XLSX export is opened in Excel or LibreOffice (CSV
injection). Every *text* cell (and every column header) that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with a single quote, the OWASP
recommendation; numbers stay numbers. In XLSX the cell is also typed as a string, so
openpyxl never writes it as a formula.

Both files are byte-reproducible: the CSV has a fixed column order, ``\\n`` line ends and
a fixed float format; the XLSX gets fixed document dates and zip timestamps, so two runs on
the same inputs give files with the same SHA-256.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from rotlib.spreadsheet import (  # noqa: F401  (re-exported for callers of this module)
    FORMULA_PREFIXES,
    NEUTRALIZER,
    neutralize_formula,
    neutralize_frame,
)

_FIXED_DATE = datetime(2000, 1, 1)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def write_csv(df: pd.DataFrame, path: Path | str) -> Path:
    """Formula-safe, reproducible UTF-8 CSV (no index; ``\\n`` line ends)."""
    target = Path(path)
    neutralize_frame(df).to_csv(target, index=False, lineterminator="\n",
                                float_format="%.10g", encoding="utf-8")
    return target


def _normalize_xlsx(raw: bytes) -> bytes:
    """Fixed zip timestamps and document dates, so identical tables give identical bytes."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data)
    return buffer.getvalue()


def write_xlsx(df: pd.DataFrame, path: Path | str, *, sheet_name: str = "scorecard") -> Path:
    """Formula-safe, reproducible XLSX with a frozen header row and readable widths."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    safe = neutralize_frame(df)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name[:31]
    wb.properties.creator = "rot"
    wb.properties.created = _FIXED_DATE
    wb.properties.modified = _FIXED_DATE
    ws.append([str(c) for c in safe.columns])
    for c in ws[1]:
        c.data_type = "s"
    for row in safe.itertuples(index=False, name=None):
        values = [None if (not isinstance(v, str) and pd.isna(v)) else v for v in row]
        values = [v.item() if hasattr(v, "item") else v for v in values]
        ws.append(values)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    ws.freeze_panes = "A2"
    for idx, column in enumerate(safe.columns, start=1):
        width = max([len(str(column))] + [len(str(v)) for v in safe[column].head(200)])
        ws.column_dimensions[get_column_letter(idx)].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    wb.save(buffer)
    target = Path(path)
    target.write_bytes(_normalize_xlsx(buffer.getvalue()))
    return target


#: Columns of the scored partner table that go into the scorecard export, in order.
SCORECARD_COLUMNS = (
    "partner_id", "partner_name", "partner_type", "region", "size", "quarter", "rank",
    "tier", "previous_tier", "tier_change", "rot_score", "rot_score_change", "rot_status",
    "rot_coverage", "reliability_score", "competence_score", "integrity_score",
    "reciprocity_score", "rot_ratio", "rot_ratio_status", "value_created", "risk_reduced",
    "investment", "rank_p05", "rank_p95", "tier_unstable", "flags",
)


def scorecard_frame(scores: pd.DataFrame, quarter: str, *,
                    benefits: pd.DataFrame | None = None,
                    gaps: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per partner for ``quarter``: scores, tier, ratio, benefits, next-tier gap.

    ``scores`` is the scored partner table; ``benefits`` the tier benefits of the quarter
    (one column per benefit); ``gaps`` the next-tier gaps (the metrics a partner must
    improve, listed in ``to_reach_next_tier``). Sorted by rank, then partner id.
    """
    current = scores.loc[scores["quarter"].astype(str) == quarter]
    frame = current[[c for c in SCORECARD_COLUMNS if c in current.columns]].copy()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype("str")
    if benefits is not None and not benefits.empty:
        extra = benefits.drop(columns=[c for c in ("quarter", "tier") if c in benefits])
        frame = frame.merge(extra, on="partner_id", how="left")
    if gaps is not None and not gaps.empty:
        needed = (gaps.loc[gaps["metric"].astype(str) != ""]
                  .groupby("partner_id", sort=False)["metric"].agg(", ".join))
        status = gaps.groupby("partner_id", sort=False)["status"].first()
        frame["next_tier_status"] = frame["partner_id"].map(status)
        frame["to_reach_next_tier"] = frame["partner_id"].map(needed).fillna("")
    order = ["rank", "partner_id"] if "rank" in frame else ["partner_id"]
    return frame.sort_values(order, kind="stable", na_position="last").reset_index(drop=True)


def write_scorecard(df: pd.DataFrame, out_dir: Path | str, *, stem: str = "scorecard"
                    ) -> dict[str, Path]:
    """Write ``<stem>.csv`` and ``<stem>.xlsx`` into ``out_dir``; returns both paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return {
        "csv": write_csv(df, out / f"{stem}.csv"),
        "xlsx": write_xlsx(df, out / f"{stem}.xlsx"),
    }

"""``rot metrics DIR --out FILE``: the partner x quarter metrics table.

DIR holds the validated tables as ``<table>.parquet`` (what ``rot validate`` writes,
recognised by its ``source_line`` column), read in place by DuckDB. If it holds raw
exports instead (``<table>.csv``, or parquet without ``source_line``), they are validated
first (``rotlib.validation``), exactly as ``rot validate`` would: no metric ever reads an
unvalidated row. The output format
follows the extension of FILE: ``.parquet``, or ``.csv`` (spreadsheet-safe: text that a
spreadsheet would run as a formula gets a leading quote).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rotlib.calendar import FiscalCalendar
from rotlib.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

_FORMATS = (".parquet", ".csv")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "metrics",
        help="compute every registered metric for every partner and quarter",
        description="Compute the partner x quarter metrics table: the 12 scorecard metrics, "
        "outcomes, investments and risk signals of the metric registry (docs/metrics.md), "
        "one row per partner and fiscal quarter, including partners with no activity. "
        "Rates keep their numerator and denominator; a rate with a zero denominator is "
        "missing and its __reason column says why.",
        epilog="examples:\n"
        "  rot metrics build/validated --out build/metrics.parquet\n"
        "  rot metrics data/sample --out metrics.csv --fiscal-year-start-month 2\n"
        "  rot metrics build/validated --out m.parquet --first-quarter 2025Q1 "
        "--last-quarter 2026Q4",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("folder", metavar="DIR", type=Path,
                        help="folder with the validated <table>.parquet files written by "
                        "`rot validate` (raw CSV or parquet exports are validated first)")
    parser.add_argument("--out", metavar="FILE", type=Path, required=True,
                        help="where to write the table: .parquet or .csv")
    parser.add_argument("--fiscal-year-start-month", metavar="M", type=int, default=1,
                        choices=range(1, 13),
                        help="month (1-12) in which the fiscal year starts (default 1: "
                        "calendar quarters)")
    parser.add_argument("--first-quarter", metavar="YYYYQn",
                        help="first quarter to report (default: first quarter with activity); "
                        "labels are fiscal years, named by the calendar year they end in")
    parser.add_argument("--last-quarter", metavar="YYYYQn",
                        help="last quarter to report (default: last quarter with activity)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # imported here so that `rot --help` and the other commands do not pay for Ibis
    from rotlib.metrics import SOURCE_TABLES, compute_metrics
    from rotlib.metrics.engine import holds_raw_exports, holds_validated

    out: Path = args.out
    if out.suffix.lower() not in _FORMATS:
        raise InputError(f"has an unknown output format {out.suffix!r}.", file=str(out),
                         fix="end the --out file name in .parquet or .csv.")
    calendar = FiscalCalendar(args.fiscal_year_start_month)
    quarters = _quarter_range(args)
    folder: Path = args.folder
    if not folder.is_dir():
        raise InputError("is not a folder.", file=str(folder),
                         fix="pass the folder that holds the exports.")
    if holds_validated(folder, SOURCE_TABLES) or not holds_raw_exports(folder, SOURCE_TABLES):
        # validated parquet (a missing file is reported by name when it is read)
        frame = compute_metrics(folder, calendar=calendar, quarters=quarters)
    else:
        result = _validate(folder, calendar)
        # the staged parquet files live as long as ``result``: read them in place
        source = getattr(result, "parquet_paths", None) or result.tables
        frame = compute_metrics(source, calendar=calendar, quarters=quarters)
    write_metrics(frame, out)
    partners = frame["partner_id"].nunique()
    labels = frame["quarter"].unique()
    span = f"{labels[0]}..{labels[-1]}" if len(labels) else "no quarters"
    print(f"rot metrics: wrote {len(frame)} rows ({partners} partners x {len(labels)} "
          f"quarters, {span}) to {out}", file=sys.stderr)
    return 0


def _quarter_range(args: argparse.Namespace) -> tuple[str, str] | None:
    if args.first_quarter is None and args.last_quarter is None:
        return None
    if args.first_quarter is None or args.last_quarter is None:
        raise InputError("--first-quarter and --last-quarter go together.",
                         fix="give both, or neither to span the data's activity.")
    return (args.first_quarter, args.last_quarter)


def _validate(folder: Path, calendar: FiscalCalendar):
    """Validate raw exports as ``rot validate`` would; quarantined rows are left out."""
    try:
        from rotlib.validation import validate_folder
    except ImportError:
        raise InputError(
            "holds raw exports, and this installation cannot validate them "
            "(rotlib.validation is missing).", file=str(folder),
            fix="validate the exports first and point rot metrics at the parquet folder.",
        ) from None
    print(f"rot metrics: {folder} holds raw exports (CSV, or parquet not written by rot "
          "validate); validating them first", file=sys.stderr)
    result = validate_folder(folder, calendar=calendar)
    quarantined = getattr(result, "rows_quarantined", 0)
    if quarantined:
        print(f"rot metrics: {quarantined} rows quarantined and left out; run "
              f"`rot validate {folder} --out DIR` for the report", file=sys.stderr)
    return result


def write_metrics(frame: pd.DataFrame, path: Path) -> Path:
    """Write the metrics table as parquet, or as a spreadsheet-safe CSV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        from rotlib.spreadsheet import neutralize_frame

        neutralize_frame(frame).to_csv(path, index=False, lineterminator="\n")
    return path

"""``rot validate DIR``: check a folder of exports against the data contract."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rotlib.errors import StrictModeError
from rotlib.validation import validate_folder

DESCRIPTION = """\
Validate a folder of partner exports (one <table>.csv or <table>.parquet per contract
table; see docs/data-contract.md) and report data quality.

Table-level problems (a missing file or column, a duplicated column, a wrong delimiter or
encoding, an empty or header-only file) stop with a message naming the file, the column
and the fix (exit code 2). Row-level problems (unreadable values, disallowed categories,
negative amounts, rows breaking a rule such as resolved before opened, duplicate keys,
references to unknown or quarantined rows, repeated headers, totals rows) move the row to
quarantine/<table>.csv with its source line and the reason; the run goes on.

With --out, writes <table>.parquet (accepted rows, typed, for `rot metrics`),
quarantine/<table>.csv, quality.csv, quality.html and inputs.csv (sha256 of every input).
"""

EPILOG = """\
exit codes: 0 validated; 2 a table-level problem (nothing written); 3 --strict and some
rows were quarantined (quarantine and report written, tables not).

examples:
  rot validate data/sample --out build/validated
  rot validate exports/2026Q2 --out build/validated --strict
  rot validate exports/emea --encoding cp1252 --date-format %d/%m/%Y --out build/emea
  rot validate exports/bi --metrics-table exports/bi/partner_quarter_metrics.csv --out build/bi
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate", help="validate a folder of exports and write the accepted rows",
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", metavar="DIR", type=Path,
                        help="folder with one file per table")
    parser.add_argument("--out", metavar="VALIDATED_DIR", type=Path, default=None,
                        help="where to write the validated tables, quarantine and report "
                        "(without it, only the summary is printed)")
    parser.add_argument("--strict", action="store_true",
                        help="fail (exit code 3) if any row is quarantined")
    parser.add_argument("--encoding", default="utf-8",
                        help="text encoding of the CSV files (default utf-8, with or without "
                        "BOM; e.g. cp1252, latin-1, utf-16)")
    parser.add_argument("--date-format", metavar="FMT", default=None,
                        help="strptime layout accepted in date columns besides ISO "
                        "YYYY-MM-DD, e.g. %%d/%%m/%%Y (never guessed; not used for "
                        "timestamps)")
    parser.add_argument("--metrics-table", metavar="FILE", type=Path, default=None,
                        help="a partner x quarter metrics table computed by your BI "
                        "(CSV or Parquet); the raw tables then become optional")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = validate_folder(args.directory, strict=args.strict, encoding=args.encoding,
                                 date_format=args.date_format,
                                 metrics_table=args.metrics_table)
    except StrictModeError as exc:
        result = getattr(exc, "result", None)
        if result is not None:
            print(result.summary())
            if args.out is not None:
                result.write(args.out, tables=False)
                print(f"quarantine and report written to {args.out} (no tables: --strict)")
        raise
    print(result.summary())
    if args.out is not None:
        out = result.write(args.out)
        print(f"validated tables, quarantine and report written to {out}")
    elif result.rows_quarantined:
        print("(pass --out DIR to write the quarantined rows and the report)", file=sys.stderr)
    return 0

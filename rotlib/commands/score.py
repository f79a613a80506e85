"""``rot score METRICS [--config FILE] --out FILE``: score every partner every quarter.

Reads the partner x quarter metrics table (``rot metrics`` output, .parquet or .csv),
scores it with the scorecard config (the shipped default unless ``--config``), and writes
one row per partner and quarter: each metric's raw, adjusted and 0-100 score, each
category score, ``rot_score``, ``tier`` (after hysteresis), movement since last quarter,
the RoT ratio with its breakdown, flags and, with ``--robustness-draws``, the tier
probabilities and rank interval. A CSV output is spreadsheet-safe (text that would run as
a formula gets a leading quote). ``--summary`` prints the text summary to stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from rotlib.errors import InputError

_FORMATS = (".parquet", ".csv")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "score",
        help="score partners: metric, category and RoT scores, tiers, RoT ratio",
        description="Score every partner in every quarter from the metrics table: metric "
        "scores 0-100 (small samples shrunk toward the portfolio), category scores with "
        "weight coverage, the RoT score, tiers with hysteresis, movement since last quarter "
        "and the RoT ratio; optionally the Monte Carlo robustness of each tier. Methods: "
        "docs/scoring.md.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("metrics", metavar="METRICS", type=Path,
                        help="the partner x quarter metrics table (.parquet or .csv) written "
                        "by `rot metrics`")
    parser.add_argument("--config", metavar="FILE", type=Path, default=None,
                        help="scorecard config YAML (default: the shipped default; copy "
                        "rotlib/default_config.yaml to start your own)")
    parser.add_argument("--previous-config", metavar="FILE", type=Path, default=None,
                        help="config the previous quarters were published with, if it "
                        "differs: movement is then measured against the published scores")
    parser.add_argument("--out", metavar="FILE", type=Path, required=True,
                        help="where to write the scores: .parquet or .csv")
    parser.add_argument("--robustness-draws", metavar="N", type=int, default=0,
                        help="Monte Carlo draws over weights and normalizations "
                        "(0 = skip; 1000 is typical)")
    parser.add_argument("--robustness-quarters", metavar="YYYYQn", nargs="+", default=None,
                        help="run the robustness draws only for these quarters "
                        "(default: every quarter)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the robustness draws")
    parser.add_argument("--summary", action="store_true",
                        help="print the text summary of the scoring to stderr")
    parser.set_defaults(handler=run)


def read_metrics_table(path: Path) -> pd.DataFrame:
    """Read a metrics table; identifiers and text stay text (a partner named NA survives)."""
    if not path.is_file():
        raise InputError("file not found.", file=str(path),
                         fix="pass the table written by `rot metrics DIR --out FILE`.")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            return pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for a corrupt file
            raise InputError(f"cannot be read as Parquet ({exc}).", file=str(path),
                             fix="regenerate it with `rot metrics`.") from None
    if suffix == ".csv":
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("is not UTF-8 text.", file=str(path),
                             fix="save the file as UTF-8.") from None
        except pd.errors.ParserError as exc:
            raise InputError(f"is not a readable CSV ({exc}).", file=str(path),
                             fix="check the delimiter (commas) and quoting.") from None
        # every column arrives as text; empty cells are missing, numbers are parsed by the
        # scoring checks (which name the row of any value that is not a number)
        return frame.replace("", pd.NA)
    raise InputError(f"has an unknown format {path.suffix!r}.", file=str(path),
                     fix="use a .parquet or .csv metrics table.")


def write_scores(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        from rotlib.pipeline.exports import write_csv

        write_csv(frame, path)
    return path


def run(args: argparse.Namespace) -> int:
    from rotlib.scoring import score

    out: Path = args.out
    if out.suffix.lower() not in _FORMATS:
        raise InputError(f"has an unknown output format {out.suffix!r}.", file=str(out),
                         fix="end the --out file name in .parquet or .csv.")
    if args.robustness_draws < 0:
        raise InputError("--robustness-draws must be 0 or more.",
                         fix="pass 0 to skip, or e.g. 1000.")
    metrics = read_metrics_table(args.metrics)
    try:
        result = score(
            metrics, args.config, previous_config=args.previous_config,
            robustness_draws=args.robustness_draws, seed=args.seed,
            robustness_quarters=args.robustness_quarters,
        )
    except InputError as exc:
        if exc.file is None:  # name the file the table came from
            raise InputError(str(exc), file=str(args.metrics)) from None
        raise
    write_scores(result.to_frame(), out)
    if args.summary:
        print(result.summary(), file=sys.stderr)
    p = result.partners
    print(f"rot score: wrote {len(p)} rows ({p['partner_id'].nunique()} partners x "
          f"{p['quarter'].nunique()} quarters) to {out}", file=sys.stderr)
    return 0

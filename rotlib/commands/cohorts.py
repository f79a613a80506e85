"""``rot cohorts``: does trust pay? Compare partners above and below the RoT threshold."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import yaml

from rotlib.contract import table as contract_table
from rotlib.errors import ConfigError, InputError

if TYPE_CHECKING:  # rotlib.cohorts pulls in statsmodels: import it only when the command runs
    from rotlib.cohorts import CohortConfig

DESCRIPTION = """\
Compare partners above and below a RoT threshold (or each tier with the lowest) in one
quarter Q on outcomes in Q and Q+1 (the headline): win rate (deal-level logistic model),
cycle time of won deals (median difference and ratio of means), renewal rate (account
level), escalations (Poisson with exposure) and influenced pipeline, crude and adjusted
for partner type, region and size, with partner-clustered intervals, a seeded
partner-cluster bootstrap, Holm (or Benjamini-Hochberg) correction across outcomes, a
covariate balance table, tier transitions Q -> Q+1 and a regression-discontinuity check
at the threshold. Prints the plain-language summary; methods in docs/cohorts.md.
"""

EPILOG = """\
outputs (by the --out suffix): .csv or .parquet = the tidy estimates table; .json = the
whole result (estimates, cohort values, balance, transitions, RDD, warnings, sentences).

exit codes: 0 done; 1 the analysis cannot give an honest number (e.g. the quarter has no
scored partners, everyone is above the threshold); 2 a bad file, option or config.

examples:
  rot cohorts --scores build/scores.parquet --data build/validated --quarter 2026Q2 \\
      --out build/cohorts.json
  rot cohorts --scores build/scores.csv --data build/validated --quarter 2026Q2 \\
      --threshold 70 --correction fdr_bh --bootstrap-draws 2000 --out build/cohorts.csv
  rot cohorts --scores build/scores.parquet --data build/validated --by tier \\
      --adjust-for partner_type,region --figures build/figures --out build/cohorts.json
"""

#: Tables read from VALIDATED_DIR (partners is optional: covariates may be in the scores).
TABLES = ("opportunities", "account_health", "tickets", "partners")
_FORMATS = (".csv", ".parquet", ".json")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "cohorts", help="does trust pay? above- vs below-threshold partners, Q and Q+1",
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scores", metavar="FILE", type=Path, required=True,
                   help="scored panel from `rot score` (.parquet or .csv): partner_id, "
                   "quarter, quarter_index, rot_score, tier (+ partner_type, region, size)")
    p.add_argument("--data", metavar="VALIDATED_DIR", type=Path, required=True,
                   help="folder written by `rot validate --out` (opportunities, "
                   "account_health, tickets and partners as .parquet or .csv)")
    p.add_argument("--out", metavar="FILE", type=Path, required=True,
                   help="where to write the result: .csv/.parquet (estimates) or .json (all)")
    p.add_argument("--quarter", metavar="YYYYQn",
                   help="cohort quarter Q (default: the latest scored quarter whose Q+1 "
                   "has outcome data)")
    p.add_argument("--threshold", type=float, help="RoT score threshold, 0-100 (default 60); "
                   "partners at or above it are 'above'")
    p.add_argument("--by", choices=("threshold", "tier"),
                   help="cohorts by threshold (default) or by tier")
    p.add_argument("--reference-tier", help="with --by tier: the tier others are compared "
                   "with (default the lowest)")
    p.add_argument("--adjust-for", metavar="COLS",
                   help="comma-separated partner columns for the adjusted models (default "
                   "partner_type,region,size; '' for none)")
    p.add_argument("--outcomes", metavar="IDS",
                   help="comma-separated outcome ids (default: all five; see docs/cohorts.md)")
    p.add_argument("--correction", choices=("holm", "fdr_bh"),
                   help="multiplicity correction across outcomes (default holm)")
    p.add_argument("--bootstrap-draws", type=int, metavar="N",
                   help="partner-cluster bootstrap draws (default 1000; 0 = off)")
    p.add_argument("--seed", type=int, help="bootstrap seed")
    p.add_argument("--min-cohort-size", type=int, metavar="N",
                   help="warn below this many partners (default 30)")
    p.add_argument("--p-value-floor", type=int, metavar="N",
                   help="state no p-value or interval below this many partners (default 10)")
    p.add_argument("--escalation-model", choices=("poisson", "negbin"))
    p.add_argument("--escalation-exposure", choices=("tickets", "accounts"))
    p.add_argument("--fiscal-year-start-month", type=int, choices=range(1, 13), metavar="M",
                   help="month (1-12) the fiscal year starts (default 1)")
    p.add_argument("--no-rdd", action="store_true", help="skip the discontinuity check")
    p.add_argument("--config", metavar="YAML", type=Path,
                   help="cohort settings as a YAML mapping (keys of CohortConfig); "
                   "command-line options override it")
    p.add_argument("--decomposition", metavar="FILE", type=Path,
                   help="score-change decomposition (long format) to explain tier moves")
    p.add_argument("--figures", metavar="DIR", type=Path,
                   help="also write forest.png and transitions.png here")
    p.add_argument("--quiet", action="store_true", help="do not print the summary")
    p.set_defaults(handler=run)


def read_frame(path: Path, what: str, text_columns: tuple[str, ...] = ("partner_id",)
               ) -> pd.DataFrame:
    """Read a .parquet or .csv file with errors that name the file and the fix.

    In a CSV only an empty cell is missing (a partner literally named "NA" survives) and
    ``text_columns`` stay text (identifiers keep their leading zeros).
    """
    if not path.is_file():
        raise InputError("file not found.", file=str(path), fix=f"pass the {what} file.")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix == ".csv":
            return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False,
                               na_values=[""], dtype=dict.fromkeys(text_columns, str))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot be read ({exc}).", file=str(path),
                         fix=f"pass the {what} as written by rotlib.") from None
    raise InputError(f"has an unknown format {path.suffix!r}.", file=str(path),
                     fix="use a .parquet or .csv file.")


def _typed(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Give a CSV copy of a validated table its contract types (parquet already has them)."""
    spec = contract_table(name)
    out = frame.copy()
    for col in spec.columns:
        if col.name not in out.columns:
            continue
        if col.kind in ("date", "timestamp"):
            out[col.name] = pd.to_datetime(out[col.name], utc=col.kind == "timestamp",
                                           errors="coerce")
        elif col.kind == "boolean" and out[col.name].dtype != bool:
            mapped = out[col.name].map({True: True, False: False, "True": True,
                                        "False": False, "true": True, "false": False})
            out[col.name] = mapped.astype("boolean")
    return out


def read_validated(folder: Path, needed: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    if not folder.is_dir():
        raise InputError("is not a folder.", file=str(folder),
                         fix="pass the folder written by `rot validate --out`.")
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
        if parquet.is_file():
            tables[name] = read_frame(parquet, f"validated {name} table")
        elif csv.is_file():
            text = tuple(c.name for c in contract_table(name).columns
                         if c.kind in ("id", "text", "category"))
            tables[name] = _typed(read_frame(csv, f"validated {name} table", text), name)
        elif name in needed:
            raise InputError(f"has no {name}.parquet or {name}.csv.", file=str(folder),
                             fix="run `rot validate EXPORTS --out DIR` and pass DIR, or drop "
                             "the outcomes that need this table with --outcomes.")
    return tables


def build_config(args: argparse.Namespace) -> CohortConfig:
    from rotlib.cohorts import CohortConfig
    values: dict = {}
    if args.config is not None:
        if not args.config.is_file():
            raise InputError("file not found.", file=str(args.config),
                             fix="pass a YAML file with cohort settings.")
        try:
            loaded = yaml.safe_load(args.config.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{args.config}: not valid YAML ({exc}).") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{args.config}: expected a mapping of cohort settings.")
        values.update(loaded)
    flags = {"quarter": args.quarter, "threshold": args.threshold, "by": args.by,
             "reference_tier": args.reference_tier, "correction": args.correction,
             "bootstrap_draws": args.bootstrap_draws, "seed": args.seed,
             "min_cohort_size": args.min_cohort_size, "p_value_floor": args.p_value_floor,
             "escalation_model": args.escalation_model,
             "escalation_exposure": args.escalation_exposure,
             "fiscal_start_month": args.fiscal_year_start_month}
    values.update({k: v for k, v in flags.items() if v is not None})
    if args.adjust_for is not None:
        values["adjust_for"] = tuple(c.strip() for c in args.adjust_for.split(",") if c.strip())
    if args.outcomes is not None:
        values["outcomes"] = tuple(c.strip() for c in args.outcomes.split(",") if c.strip())
    if args.no_rdd:
        values["rdd"] = False
    return CohortConfig.from_mapping(values)


def run(args: argparse.Namespace) -> int:
    from rotlib.cohorts import compare_cohorts
    out: Path = args.out
    if out.suffix.lower() not in _FORMATS:
        raise InputError(f"has an unknown output format {out.suffix!r}.", file=str(out),
                         fix="end the --out file name in .json, .csv or .parquet.")
    config = build_config(args)
    scored = read_frame(args.scores, "scores")
    needed = tuple({"win_rate": "opportunities", "median_cycle_days_won": "opportunities",
                    "influenced_pipeline": "opportunities", "renewal_rate": "account_health",
                    "escalation_rate": "tickets"}[o] for o in config.outcomes)
    if config.escalation_exposure == "accounts" and "escalation_rate" in config.outcomes:
        needed += ("account_health",)
    tables = read_validated(args.data, needed)
    decomposition = (read_frame(args.decomposition, "decomposition")
                     if args.decomposition is not None else None)
    result = compare_cohorts(scored, tables, config, decomposition=decomposition)

    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix == ".json":
        out.write_text(json.dumps(result.to_dict(), indent=1, allow_nan=False),
                       encoding="utf-8")
    elif suffix == ".parquet":
        result.tidy().to_parquet(out, index=False)
    else:
        from rotlib.pipeline.exports import write_csv

        write_csv(result.tidy(), out)
    if args.figures is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        args.figures.mkdir(parents=True, exist_ok=True)
        for name, fig in (("forest.png", result.plot_forest()),
                          ("transitions.png", result.plot_transitions())):
            fig.savefig(args.figures / name, dpi=120)
            plt.close(fig)
    if not args.quiet:
        print(result.summary())
    print(f"rot cohorts: {len(result.estimates)} estimates for cohorts of {result.quarter} "
          f"written to {out}", file=sys.stderr)
    return 0

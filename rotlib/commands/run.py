"""``rot run``: the scheduled pipeline, from partner exports to the executive report."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rotlib.errors import InputError, ParameterError

EPILOG = """\
The run folder reports/<run-id>/ holds manifest.json, config.yaml, the executed notebooks
(notebooks/), their renders (html/), artifacts/ (Parquet, JSON), exports/ (scorecard CSV and
XLSX) and executive_report.html. It appears complete or not at all; reports/latest moves
only after a successful run. A failed run is kept under reports/failed/<run-id>/ with the
failing notebook rendered, the error on top.

exit codes:
  0  the run succeeded
  1  a step failed (a cell raised, the kernel died, a cell timed out, PDF printing failed)
  2  bad request or bad input: unknown/misspelled parameter, wrong type, missing data
     folder or file, invalid configuration (nothing ran, or step 01 rejected the data)
  3  strict mode (-p strict=true) found quarantined rows

examples:
  rot run --data data/sample
  rot run --data /srv/exports/2026-10-01 --quarter 2026Q3 --config trust.yaml --pdf
  rot run --data data/sample -p robustness_draws=1000
  rot run --from-manifest reports/latest/manifest.json   # re-execute and compare
  rot run --diff reports/A/manifest.json reports/B/manifest.json
  rot run --list-parameters
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the notebooks into a reproducible report folder",
        description="Execute the numbered notebooks (01 load and validate ... 05 executive\n"
        "report) with papermill into reports/<run-id>/: every parameter is checked before any\n"
        "kernel starts, every cell is verified to have run, and the folder is published\n"
        "atomically with a manifest of what went in.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", type=Path, metavar="DIR",
                        help="folder of partner exports, one file per table (CSV or Parquet)")
    parser.add_argument("--quarter", default="", metavar="YYYYQn",
                        help="fiscal quarter to report on, e.g. 2026Q3 (default: the latest "
                        "complete quarter in the data)")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="scorecard configuration YAML (default: the packaged one)")
    parser.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR",
                        help="where run folders are published (default: reports/)")
    parser.add_argument("--pdf", action="store_true",
                        help="also print executive_report.pdf with headless Chromium")
    parser.add_argument("--pseudonymize", action="store_true",
                        help="replace partner and account names and ids with keyed pseudonyms "
                        "(key: $ROT_PSEUDONYM_KEY, else derived from the input data)")
    parser.add_argument("-p", "--parameter", action="append", default=[],
                        metavar="NAME=VALUE",
                        help="set a notebook parameter (repeatable); names and types are "
                        "checked against the notebooks' parameters cells (--list-parameters)")
    parser.add_argument("--from-manifest", type=Path, metavar="FILE",
                        help="re-execute a recorded run (same data folder, config copy, quarter "
                        "and parameters) and print what changed")
    parser.add_argument("--diff", nargs=2, type=Path, metavar=("A", "B"),
                        help="print what changed between two manifests and exit (0 same "
                        "numbers, 1 artifacts differ)")
    parser.add_argument("--list-parameters", action="store_true",
                        help="list every notebook parameter with its type, default and meaning")
    parser.add_argument("--cell-timeout", type=float, default=1800.0, metavar="SECONDS",
                        help="fail a step whose cell runs longer than this (default 1800)")
    parser.add_argument("--jobs", type=int, default=2, metavar="N",
                        help="notebooks run at the same time when their inputs are ready "
                        "(default 2: lift runs beside scoring and cohorts; 1 = one by one)")
    parser.add_argument("--notebooks", type=Path, default=None, metavar="DIR",
                        help="folder holding the numbered notebooks (default: the repository's)")
    parser.add_argument("--no-progress", action="store_true",
                        help="print one line per step only (default in non-interactive logs)")
    parser.set_defaults(handler=handle)


def _parameters(assignments: list[str]) -> dict[str, str]:
    from rotlib.pipeline.parameters import split_assignment

    out: dict[str, str] = {}
    for text in assignments:
        name, value = split_assignment(text)
        if name in out:
            raise ParameterError(f"parameter '{name}' is given twice.")
        out[name] = value
    return out


def _list_parameters(notebooks: Path) -> int:
    from rotlib.pipeline.runner import BUILTIN_PARAMETERS, declared_parameters
    from rotlib.pipeline.steps import PIPELINE, RESERVED_PARAMETERS

    declared = declared_parameters(PIPELINE, notebooks)
    for step, specs in declared.items():
        print(step)
        for spec in specs:
            how = BUILTIN_PARAMETERS.get(spec.name)
            how = f"set with {how}" if how else (
                "set by the runner" if spec.name in RESERVED_PARAMETERS
                else f"-p {spec.name}=...")
            print(f"  {spec.name}: {spec.type_name} = {spec.default!r}  ({how})")
            print(f"      {spec.help}")
    return 0


def _diff(a: Path, b: Path) -> int:
    from rotlib.pipeline.manifest import diff_manifests, load_manifest

    diff = diff_manifests(load_manifest(a), load_manifest(b))
    print(diff.summary())
    return 0 if diff.same_numbers else 1


def handle(args: argparse.Namespace) -> int:
    from rotlib.pipeline.steps import NOTEBOOKS_DIR

    notebooks = args.notebooks or NOTEBOOKS_DIR
    if args.list_parameters:
        return _list_parameters(notebooks)
    if args.diff:
        return _diff(*args.diff)

    from rotlib.pipeline import manifest as mf
    from rotlib.pipeline.runner import (
        RunOptions,
        changed_inputs,
        options_from_manifest,
        run_pipeline,
    )

    # Same hash seed in every kernel: set iteration order cannot differ between runs.
    os.environ.setdefault("PYTHONHASHSEED", "0")
    original = None
    if args.from_manifest:
        if args.data or args.config or args.quarter or args.parameter or args.pseudonymize:
            raise ParameterError("--from-manifest takes the data folder, config, quarter and "
                                 "parameters from the manifest; pass only --out and --pdf.")
        original = mf.load_manifest(args.from_manifest)
        options = options_from_manifest(original, args.from_manifest, out_dir=args.out,
                                        pdf=args.pdf or None)
        changed = changed_inputs(original)
        if changed:
            print(f"rot run: warning: {len(changed)} input file(s) changed since run "
                  f"{original.get('run_id')}: {', '.join(changed[:10])}", file=sys.stderr)
    else:
        if args.data is None:
            raise InputError("no data folder given.",
                             fix="pass --data DIR (for the bundled sample: --data data/sample).")
        options = RunOptions(data_dir=args.data, out_dir=args.out, quarter=args.quarter,
                             config_path=args.config, pdf=args.pdf,
                             pseudonymize=args.pseudonymize,
                             parameters=_parameters(args.parameter))
    options.notebooks_dir = notebooks
    options.cell_timeout = args.cell_timeout
    options.jobs = args.jobs
    options.progress = not args.no_progress
    options.command = ["rot", *sys.argv[2:]] if sys.argv[1:2] == ["run"] else ["rot", "run"]
    outcome = run_pipeline(options)
    if original is not None:
        print(mf.diff_manifests(original, outcome.manifest).summary())
    return outcome.exit_code

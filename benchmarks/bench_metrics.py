"""Time ``rot validate`` + ``rot metrics`` at 1k, 10k and 100k partners x 8 quarters.

Why a script and not a test: speed depends on the machine and on what else runs on it,
so it is measured and recorded (docs/benchmarks-metrics.md), never asserted.

For each size the script generates a seeded sample with ``rot sample-data`` (not timed
against the goal), then runs each step as its own process and reports its wall time and
peak resident memory (``ru_maxrss`` of that process, from ``os.wait4``):

* ``validate``: ``rot validate RAW --out VALIDATED`` (parse, check, write typed parquet);
* ``metrics``: ``rot metrics VALIDATED --out metrics.parquet`` (DuckDB over the parquet);
* ``validate+metrics``: the sum of the two times and the larger of the two peaks (the
  steps run one after the other, so their memory does not add up).

On a shared machine the wall time moves with the load; ``--repeat N`` runs the metrics
step N times and reports the fastest run (and the largest peak).

Goal at 100k partners x 8 quarters (tens of millions of ticket rows, about 10M
opportunities): validate + metrics under 60 s and under 4 GB peak.

Usage::

    .venv/bin/python benchmarks/bench_metrics.py                  # 1k, 10k, 100k
    .venv/bin/python benchmarks/bench_metrics.py --sizes 1000 --keep --workdir /tmp/b
    .venv/bin/python benchmarks/bench_metrics.py --workdir /tmp/b --reuse --repeat 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROT = [sys.executable, "-m", "rotlib.cli"]


@dataclass(frozen=True)
class Step:
    """One measured process."""

    name: str
    seconds: float
    peak_mb: float


def measure(name: str, argv: list[str]) -> Step:
    """Run ``argv`` to completion; its wall time and peak RSS (fails loudly if it fails)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed (exit {proc.returncode}): {' '.join(argv)}\n{err}")
    return Step(name, seconds, usage.ru_maxrss / 1024)  # Linux reports KiB


def run_size(partners: int, args: argparse.Namespace, root: Path) -> list[Step]:
    raw, validated = root / f"raw-{partners}", root / f"validated-{partners}"
    out = root / f"metrics-{partners}.parquet"
    steps = []
    if not (args.reuse and validated.is_dir()):
        steps.append(measure("generate", [
            *ROT, "sample-data", "--partners", str(partners), "--quarters", str(args.quarters),
            "--seed", str(args.seed), "--format", args.raw_format, "--out", str(raw), "--force"]))
        steps.append(measure("validate", [*ROT, "validate", str(raw), "--out", str(validated)]))
    runs = [measure("metrics", [*ROT, "metrics", str(validated), "--out", str(out)])
            for _ in range(args.repeat)]
    metrics = min(runs, key=lambda step: step.seconds)  # the least disturbed run
    steps.append(Step("metrics", metrics.seconds, max(r.peak_mb for r in runs)))
    if len(steps) == 3:
        validate = steps[1]
        steps.append(Step("validate+metrics", validate.seconds + metrics.seconds,
                          max(validate.peak_mb, metrics.peak_mb)))
    rows = _rows(validated)
    print(f"  {partners:,} partners: {rows.get('tickets', 0):,} tickets, "
          f"{rows.get('opportunities', 0):,} opportunities; metrics runs (s): "
          + ", ".join(f"{r.seconds:.1f}" for r in runs), file=sys.stderr)
    if not (args.keep or args.reuse):
        shutil.rmtree(raw, ignore_errors=True)
        shutil.rmtree(validated, ignore_errors=True)
    return steps


def _rows(folder: Path) -> dict[str, int]:
    import pyarrow.parquet as pq

    return {p.stem: pq.ParquetFile(p).metadata.num_rows for p in folder.glob("*.parquet")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000],
                        help="numbers of partners")
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--raw-format", choices=("csv", "parquet"), default="csv",
                        help="format of the generated exports that validate reads")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where to generate (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse validated-N folders already in --workdir (time metrics "
                        "only) and keep what is generated")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the metrics step this many times; report the fastest run "
                        "and the largest peak")
    args = parser.parse_args(argv)

    root = args.workdir or Path(tempfile.mkdtemp(prefix="rot-bench-metrics-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; data in {root}", file=sys.stderr)
    results = {}
    for partners in args.sizes:
        results[partners] = run_size(partners, args, root)
    if args.workdir is None and not (args.keep or args.reuse):
        shutil.rmtree(root, ignore_errors=True)

    print(f"\n| partners x {args.quarters} quarters | step | wall time (s) | peak RSS (MB) |")
    print("|---:|---|---:|---:|")
    for partners, steps in results.items():
        for step in steps:
            print(f"| {partners:,} | {step.name} | {step.seconds:.1f} | {step.peak_mb:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

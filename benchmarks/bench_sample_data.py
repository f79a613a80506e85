"""Benchmark the sample-data generator: wall time and peak memory by number of partners.

Each size runs in a fresh Python process (so peak memory is that run's own), writing to
a temporary folder that is deleted afterwards unless ``--keep`` is given. Prints a
Markdown table.

    .venv/bin/python benchmarks/bench_sample_data.py                 # 1k, 10k, 100k, CSV
    .venv/bin/python benchmarks/bench_sample_data.py --format parquet
    .venv/bin/python benchmarks/bench_sample_data.py --sizes 1000 10000 --volume 0.2
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _child(args: argparse.Namespace) -> None:
    from rotlib.sample_data import SampleConfig, write_sample

    config = SampleConfig(partners=args.child, quarters=args.quarters, seed=args.seed,
                          volume=args.volume)
    started = time.perf_counter()
    report = write_sample(config, args.out, fmt=args.format)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024,
                      "rows": report.row_counts, "mb": report.total_bytes / 1e6}))


def _run(partners: int, args: argparse.Namespace, root: Path) -> dict:
    out = root / f"sample_{partners}"
    cmd = [sys.executable, __file__, "--child", str(partners), "--out", str(out),
           "--format", args.format, "--quarters", str(args.quarters), "--seed", str(args.seed),
           "--volume", str(args.volume)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--volume", type=float, default=1.0)
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--keep", action="store_true", help="keep the generated folders")
    parser.add_argument("--dir", help="where to write (default: a temporary folder)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return

    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench_sample_"))
    print(f"rot sample-data benchmark: {args.quarters} quarters, volume {args.volume}, "
          f"{args.format}, seed {args.seed}\n")
    print("| partners | opportunities | tickets | all rows | output MB | wall s | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for partners in args.sizes:
        r = _run(partners, args, root)
        rows = r["rows"]
        print(f"| {partners:,} | {rows['opportunities']:,} | {rows['tickets']:,} "
              f"| {sum(rows.values()):,} | {r['mb']:,.0f} | {r['seconds']:.1f} "
              f"| {r['peak_mb']:,.0f} |", flush=True)
    if not args.keep and not args.dir:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

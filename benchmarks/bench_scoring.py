"""Benchmark the scoring engine: scoring 100k partners x 8 quarters, and the Monte Carlo
robustness analysis with 1,000 draws x 10k partners.

Goals (issue 3): scoring under 5 s, robustness under 30 s, on the project's 2-core machine.

Each case runs in a fresh subprocess (so peak memory is the case's own) and is repeated;
the table shows the fastest and the median wall time of ``rotlib.scoring.score(...)``
(input generation and file reading are excluded), its CPU time (all threads), and the
peak resident memory of the process (which includes the input table). The machine's
load average is printed before and after: the machine is shared, and wall times under
load are proportionally slower (CPU time much less so).

Run:  .venv/bin/python benchmarks/bench_scoring.py            (the full table)
      .venv/bin/python benchmarks/bench_scoring.py --quick    (small sizes, a smoke run)
Results are recorded in docs/benchmarks-scoring.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "_data"


def _input(partners: int, quarters: int) -> Path:
    """The synthetic metrics table (tests/scoring/synthetic.py), cached as Parquet."""
    path = DATA / f"scoring-{partners}x{quarters}-seed0.parquet"
    if not path.exists():  # built in a subprocess so that this process stays small
        DATA.mkdir(parents=True, exist_ok=True)
        code = (
            "import sys; sys.path.insert(0, 'tests')\n"
            "from scoring.synthetic import build_metrics\n"
            f"build_metrics({partners}, {quarters}, seed=0)[0].to_parquet({str(path)!r}, "
            "index=False)\n"
        )
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    return path


def _peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image (reset by
    exec), unlike ru_maxrss, which a child can inherit from the parent it was forked from."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(case: str, path: str, draws: int) -> None:
    """Run one case in this process and print its timing as JSON."""
    import pandas as pd

    from rotlib.scoring import score

    table = pd.read_parquet(path)
    start, cpu = time.perf_counter(), time.process_time()
    result = score(table, robustness_draws=draws, seed=1)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = _peak_rss_mb()
    print(json.dumps({"case": case, "seconds": seconds, "cpu": cpu, "peak_mb": peak_mb,
                      "rows": len(result.partners)}))


def _run(case: str, path: Path, draws: int, repeat: int) -> dict[str, float]:
    times, cpus, peaks, rows = [], [], [], 0
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--child", case, str(path), str(draws)],
            check=True, capture_output=True, text=True, cwd=ROOT,
        )
        rec = json.loads(out.stdout.strip().splitlines()[-1])
        times.append(rec["seconds"])
        cpus.append(rec["cpu"])
        peaks.append(rec["peak_mb"])
        rows = rec["rows"]
    return {"min": min(times), "median": statistics.median(times),
            "cpu": statistics.median(cpus), "peak_mb": max(peaks), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("CASE", "PATH", "DRAWS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], int(args.child[2]))
        return
    big, q, robust_n, draws = (100_000, 8, 10_000, 1000)
    if args.quick:
        big, robust_n, draws = 5_000, 1_000, 100
    cases = [
        ("score", f"{big:,} partners x {q} quarters, default config", _input(big, q), 0, 5.0),
        ("score (robustness off)", f"{robust_n:,} partners x 1 quarter", _input(robust_n, 1),
         0, None),
        ("score + robustness", f"{robust_n:,} partners x 1 quarter, {draws:,} draws",
         _input(robust_n, 1), draws, 30.0),
    ]
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / "
          f"{load[2]:.1f} (1/5/15 min); {args.repeat} runs per case\n")
    print("| case | input | rows out | fastest (s) | median (s) | CPU, median (s) "
          "| peak memory (MB) | goal |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    results = {}
    for name, label, path, n_draws, goal in cases:
        r = _run(name, path, n_draws, args.repeat)
        results[name] = r
        goal_text = f"< {goal:g} s" if goal else ""
        print(f"| {name} | {label} | {r['rows']:,} | {r['min']:.2f} | {r['median']:.2f} | "
              f"{r['cpu']:.2f} | {r['peak_mb']:,.0f} | {goal_text} |", flush=True)
    extra = results["score + robustness"]["median"] - results["score (robustness off)"]["median"]
    print(f"\nrobustness draws alone (median difference): {extra:.2f} s")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")


if __name__ == "__main__":
    main()

"""Wall time of the whole `rot run` pipeline on the sample, split by where it goes.

    .venv/bin/python benchmarks/bench_pipeline.py [--data data/sample] [--repeat 1]

Runs the five notebooks exactly as `rot run` does (default parameters, a fresh run folder
under a temporary directory) and prints, per step and in total: kernel start (from
launching the kernel to the first cell), imports (the cell tagged ``imports``), compute
(every other cell), rendering (nbconvert to offline HTML), and what is left (papermill's
own bookkeeping, kernel shutdown). Steps 02-03 and 04 run side by side, so the wall time is
less than the sum of the steps. Goal on the 2-core machine:
the whole sample run under 60 s, with compute the largest part. Results are recorded in
docs/benchmarks-pipeline.md. Also prints the machine's load average, because these
numbers are only meaningful on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rotlib.pipeline.runner import RunOptions, run_pipeline  # noqa: E402

COLUMNS = ("kernel_start_s", "imports_s", "compute_s", "render_s")


def _sample(data: Path | None, scratch: Path) -> Path:
    if data is not None:
        return data
    if (REPO / "data" / "sample" / "partners.csv").exists():
        return REPO / "data" / "sample"
    out = scratch / "sample"
    subprocess.run([sys.executable, "-m", "rotlib.cli", "sample-data", "--partners", "300",
                    "--quarters", "8", "--seed", "20260101", "--out", str(out)], check=True,
                   capture_output=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None,
                        help="exports folder (default: data/sample, else a generated 300x8)")
    parser.add_argument("--repeat", type=int, default=1, help="runs to time (default 1)")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    with tempfile.TemporaryDirectory(prefix="rot-bench-") as tmp:
        data = _sample(args.data, Path(tmp))
        print(f"data: {data}; cores: {os.cpu_count()}; load average before: "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for attempt in range(1, args.repeat + 1):
            started = time.perf_counter()
            outcome = run_pipeline(RunOptions(data_dir=data, out_dir=Path(tmp) / "reports",
                                              progress=False), progress=lambda m: None)
            wall = time.perf_counter() - started
            if outcome.status != "succeeded":
                print(f"run failed: {outcome.manifest.get('error')}")
                return 1
            print(f"\nrun {attempt}: {outcome.run_id}")
            header = f"{'step':<22}{'kernel':>9}{'imports':>9}{'compute':>9}{'render':>9}" \
                     f"{'other':>9}{'total':>9}"
            print(header)
            print("-" * len(header))
            totals = dict.fromkeys((*COLUMNS, "other", "total"), 0.0)
            for step in outcome.steps:
                parts = [getattr(step, c) for c in COLUMNS]
                total = step.seconds + step.render_s
                other = max(total - sum(parts), 0.0)
                for c, v in zip(COLUMNS, parts, strict=True):
                    totals[c] += v
                totals["other"] += other
                totals["total"] += total
                print(f"{step.name:<22}" + "".join(f"{v:>9.1f}" for v in (*parts, other, total)))
            print("-" * len(header))
            print(f"{'all steps':<22}" + "".join(f"{totals[c]:>9.1f}"
                                                 for c in (*COLUMNS, "other", "total")))
            print(f"\nwall time {wall:.1f} s for {totals['total']:.1f} s of notebook time "
                  "(lift runs beside scoring and cohorts, so steps overlap; the rest of the "
                  "wall time is checks, hashing, manifest and publication)")
            share = {c: totals[c] / totals["total"] for c in (*COLUMNS, "other")}
            print("where notebook time goes: " + ", ".join(
                f"{c.removesuffix('_s')} {v:.0%}" for c, v in share.items()))
            largest = max(share, key=share.get)
            print(f"largest part: {largest.removesuffix('_s')}; goal < 60 s wall: "
                  f"{'met' if wall < 60 else 'NOT met'}")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

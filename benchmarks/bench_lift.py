"""Time the lift estimators on 50,000 partners x 12 quarters; optionally run the
full coverage simulation. Prints a table and writes docs/benchmarks-lift.md.

    .venv/bin/python benchmarks/bench_lift.py                 # timings only (~1 min)
    .venv/bin/python benchmarks/bench_lift.py --coverage 1000  # + coverage (~15 min)

Goals from the issue: TWFE under 2 s, Callaway-Sant'Anna under 10 s. Each timing is
the best of ``--repeat`` runs after one warm-up run (the first pyfixest call compiles
its numba kernels; that one-off cost is reported separately as "cold").
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rotlib.lift import did, event_study  # noqa: E402
from rotlib.lift.data import prepare_panel  # noqa: E402
from rotlib.lift.simulate import coverage_study, simulate_staggered_panel  # noqa: E402

LOAD_AT_START = "n/a"
COLS = {"unit": "unit", "period": "period", "outcome": "y", "first_treated": "first_treated"}


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float, float, object]:
    """(cold wall s, best warm wall s, CPU s of that warm run, last result).

    CPU time is reported too because the machine is shared: wall time grows with
    other jobs' load, CPU time much less.
    """
    t = time.perf_counter()
    out = fn()
    cold = time.perf_counter() - t
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        if wall < best:
            best, best_cpu = wall, cpu
    return cold, best, best_cpu, out


def run_timings(n_units: int, n_periods: int, repeat: int) -> pd.DataFrame:
    sim = simulate_staggered_panel(n_units=n_units, n_periods=n_periods, cohorts=(5, 7, 9), seed=1)
    panel = sim.panel
    rows = []

    def add(
        label: str, goal: float | None, fn: Callable[[], object], truth: str = "simple"
    ) -> None:
        cold, warm, cpu, out = _time(fn, repeat)
        est = getattr(out, "estimate", None)
        rows.append(
            {
                "step": label,
                "cold_s": cold,
                "warm_s": warm,
                "warm_cpu_s": cpu,
                "goal_s": goal,
                "estimate": est,
                "truth": sim.truth[truth] if est is not None else None,
                "meets_goal": None if goal is None else warm < goal,
            }
        )
        print(
            f"{label:<42} cold {cold:7.2f} s  warm {warm:7.2f} s  cpu {cpu:7.2f} s"
            + (f"  estimate {est:.5f}" if est is not None else ""),
            flush=True,
        )

    add("prepare_panel (validation, shared)", None, lambda: prepare_panel(panel, **COLS))
    add("did(method='twfe')  pyfixest", 2.0, lambda: did(panel, method="twfe", **COLS))
    add("did(method='cs')  simple, diff-diff", 10.0, lambda: did(panel, method="cs", **COLS))
    add(
        "did(method='cs', aggregation='dynamic')  diff-diff",
        10.0,
        lambda: did(panel, method="cs", aggregation="dynamic", **COLS),
        truth="dynamic",
    )
    add(
        "did(method='cs', aggregation='group')  moderndid",
        10.0,
        lambda: did(panel, method="cs", aggregation="group", **COLS),
        truth="group",
    )
    add(
        "did(method='cs', control='not_yet_treated')",
        10.0,
        lambda: did(panel, method="cs", control="not_yet_treated", **COLS),
    )
    add("did(method='sunab')  diff-diff", None, lambda: did(panel, method="sunab", **COLS))
    add("event_study(method='cs')  diff-diff", None, lambda: event_study(panel, **COLS))
    table = pd.DataFrame(rows)
    return table


def run_coverage(draws: int) -> pd.DataFrame:
    design = {"n_units": 200, "n_periods": 6, "cohorts": (3, 5)}
    rows = []
    for method, agg in (("cs", "simple"), ("cs", "dynamic"), ("twfe", "simple")):
        t = time.perf_counter()
        study = coverage_study(method=method, aggregation=agg, draws=draws, seed=2024, **design)
        print(study.summary(), f"({time.perf_counter() - t:.0f} s)", flush=True)
        rows.append(
            {
                "method": method,
                "aggregation": agg,
                "draws": len(study.draws),
                "coverage": study.coverage,
                "mc_se": study.mc_se,
                "bias": study.bias,
                "rmse": study.rmse,
                "mean_se": float(study.draws["se"].mean()),
            }
        )
    return pd.DataFrame(rows)


def _md_table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in df.itertuples(index=False):
        cells = []
        for v in r:
            if isinstance(v, float):
                cells.append("" if pd.isna(v) else f"{v:.4g}")
            else:
                cells.append("" if v is None else str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_doc(
    path: Path,
    cmd: str,
    timings: pd.DataFrame,
    coverage: pd.DataFrame | None,
    n_units: int,
    n_periods: int,
) -> None:
    versions = ", ".join(
        f"{p} {version(p)}" for p in ("pyfixest", "moderndid", "diff-diff", "pandas")
    )
    text = [
        "# Lift benchmarks",
        "",
        f"Command: `{cmd}`",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {versions}. "
        "The machine is shared with other jobs, so wall times vary run to run; load "
        f"average when the timings started: {LOAD_AT_START}.",
        "",
        f"## Timings: {n_units:,} partners x {n_periods} quarters "
        f"({n_units * n_periods:,} rows, three adoption waves)",
        "",
        "Warm = best of the repeated runs after a warm-up; cold = the first call in a fresh "
        "process (pyfixest compiles numba kernels once; moderndid/diff-diff import costs). "
        "Every `did()` time includes the shared validation step.",
        "",
        _md_table(timings),
        "",
        "`truth` is the planted effect under the aggregation the row estimates (static "
        "TWFE and Sun-Abraham are compared with the simple ATT). Static TWFE lands well "
        "below it (effects grow and differ by cohort); the CS rows land on it.",
        "",
        "`did2s` (diff-diff TwoStageDiD) is not in the table: it took about 250 s at this "
        "size in exploration, and pyfixest's did2s about 3 s at 2,000 partners; use it as a "
        "cross-check on samples, not on the full portfolio.",
    ]
    if coverage is not None:
        text += [
            "",
            "## Coverage of 95% intervals (seeded simulation)",
            "",
            "200 partners x 6 quarters, waves at quarters 3 and 5, 40% never treated, "
            "effects growing 0.01 per quarter and 0.01 larger for the first wave; seeds "
            "2024, 2025, ... Truth = the planted effect under the same aggregation.",
            "",
            _md_table(coverage),
            "",
            "Static TWFE has no target matching its coefficient here; it is compared with "
            "the simple ATT to show its bias.",
        ]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--units", type=int, default=50_000)
    ap.add_argument("--periods", type=int, default=12)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--coverage", type=int, default=0, help="coverage draws per method (0 = skip)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-lift.md")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    global LOAD_AT_START
    LOAD_AT_START = " / ".join(f"{x:.1f}" for x in os.getloadavg()) + " (1/5/15 min)"
    timings = run_timings(args.units, args.periods, args.repeat)
    print(_md_table(timings))
    coverage = run_coverage(args.coverage) if args.coverage else None
    if coverage is not None:
        print(_md_table(coverage))
    cmd = ".venv/bin/python benchmarks/bench_lift.py" + (
        f" --coverage {args.coverage}" if args.coverage else ""
    )
    write_doc(args.out, cmd, timings, coverage, args.units, args.periods)


if __name__ == "__main__":
    main()

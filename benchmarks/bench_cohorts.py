"""Time ``compare_cohorts`` at 1k, 10k and 100k partners with 1,000 bootstrap draws.

Why a script and not a test: speed depends on the machine and on what else runs on it,
so it is measured and recorded (docs/benchmarks-cohorts.md), never asserted.

Each size runs in its own process (so peak memory is that size's alone): it generates a
seeded panel with ``rotlib.cohorts.simulate`` (two quarters of deals, renewals, tickets
and influenced opportunities; not timed against the goal), then times the full default
comparison - cohorts, Q and Q+1, crude and adjusted models for five outcomes, the
partner-cluster bootstrap with 1,000 draws, balance, transitions, regression
discontinuity and sentences - best of ``--repeat`` runs after one warm-up, and the
bootstrap on its own. Wall and CPU time are both reported because the machine is shared
(wall time grows with other jobs' load; CPU time much less).

Goal from the issue: under 30 s for 100k partners with 1,000 bootstrap draws.

Usage::

    .venv/bin/python benchmarks/bench_cohorts.py                    # 1k, 10k, 100k
    .venv/bin/python benchmarks/bench_cohorts.py --sizes 100000 --write
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks-cohorts.md"


def worker(n: int, draws: int, repeat: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from rotlib.calendar import FiscalCalendar
    from rotlib.cohorts import CohortConfig, compare_cohorts
    from rotlib.cohorts.bootstrap import partner_bootstrap
    from rotlib.cohorts.cohorts import assign_cohorts, outcome_units, prepare_outcomes
    from rotlib.cohorts.simulate import simulate_cohorts

    t = time.perf_counter()
    sim = simulate_cohorts(n, seed=1)
    generate = time.perf_counter() - t
    cfg = CohortConfig(bootstrap_draws=draws)
    best = (float("inf"), 0.0)
    result = None
    for _ in range(repeat + 1):  # the first run warms caches and imports
        t, c = time.perf_counter(), time.process_time()
        result = compare_cohorts(sim.scored, sim.outcomes, cfg, quarter=sim.quarter)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        best = min(best, (wall, cpu))
    q = FiscalCalendar.label_to_index(sim.quarter)
    co = assign_cohorts(sim.scored, q, cfg, sim.outcomes["partners"])
    prep = prepare_outcomes(co, sim.outcomes, cfg)
    units = [outcome_units(co, prep, o, w, cfg) for w in cfg.windows for o in cfg.outcomes]
    t, c = time.perf_counter(), time.process_time()
    partner_bootstrap(co, units, draws=draws, seed=cfg.seed)
    boot = (time.perf_counter() - t, time.process_time() - c)
    return {
        "partners": n, "deals": int(sum(u.n for u in units if u.outcome == "win_rate")),
        "tickets": len(sim.outcomes["tickets"]), "draws": draws,
        "generate_s": round(generate, 2), "compare_wall_s": round(best[0], 2),
        "compare_cpu_s": round(best[1], 2), "bootstrap_wall_s": round(boot[0], 2),
        "bootstrap_cpu_s": round(boot[1], 2), "estimates": len(result.estimates),
    }


def measure(n: int, draws: int, repeat: int, blas_threads: str) -> dict:
    argv = [sys.executable, __file__, "--worker", str(n), "--draws", str(draws),
            "--repeat", str(repeat)]
    env = dict(os.environ)
    if blas_threads != "default":
        env["OPENBLAS_NUM_THREADS"] = blas_threads
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"size {n} failed:\n{proc.stderr.read().decode()}")
    row = json.loads(out.strip().splitlines()[-1])
    row["peak_mb"] = round(usage.ru_maxrss / 1024, 0)
    row["blas_threads"] = blas_threads
    return row


COLUMNS = ["partners", "deals", "tickets", "draws", "blas_threads", "compare_wall_s",
           "compare_cpu_s", "bootstrap_wall_s", "bootstrap_cpu_s", "peak_mb", "generate_s"]


def table(rows: list[dict]) -> str:
    head = "| " + " | ".join(COLUMNS) + " |"
    sep = "|" + "|".join("---:" for _ in COLUMNS) + "|"
    body = ["| " + " | ".join(f"{r[c]:,}" if isinstance(r[c], int) else str(r[c])
                              for c in COLUMNS) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--blas-threads", nargs="+", default=["1"],
                    help="OPENBLAS_NUM_THREADS values to measure ('default' = unset)")
    ap.add_argument("--write", action="store_true", help=f"write {DOC.relative_to(ROOT)}")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker is not None:
        print(json.dumps(worker(args.worker, args.draws, args.repeat)))
        return
    load = os.getloadavg()[0]
    rows = [measure(n, args.draws, args.repeat, b) for n in args.sizes
            for b in args.blas_threads]
    text = table(rows)
    print(text)
    print(f"load average at start: {load:.2f} on {os.cpu_count()} cores; "
          f"python {platform.python_version()}")
    if args.write:
        DOC.write_text(DOC_TEMPLATE.format(table=text, load=f"{load:.2f}",
                                           cores=os.cpu_count(), draws=args.draws,
                                           python=platform.python_version()),
                       encoding="utf-8")
        print(f"wrote {DOC}")


DOC_TEMPLATE = """\
# Benchmark: cohort comparison (`rotlib.cohorts.compare_cohorts`)

Measured with:

    .venv/bin/python benchmarks/bench_cohorts.py --write

Goal (issue "Does trust pay?"): under 30 s for 100k partners with 1,000 bootstrap draws.

{table}

- `compare_*`: the full default comparison (cohorts in Q; outcomes in Q and Q+1; crude
  and adjusted models for win rate, cycle time, renewal, escalations and influenced
  pipeline; the partner-cluster bootstrap with {draws} draws; balance, transitions,
  regression discontinuity, multiplicity and sentences), best of the timed runs after a
  warm-up run. Wall and CPU seconds.
- `bootstrap_*`: the partner-cluster bootstrap alone (all outcomes, both windows).
- `deals`: closed partner deals in Q and Q+1 (the unit of the win-rate model);
  `tickets`: ticket rows in the two quarters.
- `peak_mb`: peak resident memory of the measuring process (data generation included).
- `generate_s`: time to simulate the panel (not part of the goal).

Machine: {cores} cores shared with other jobs (load average {load} when the run
started), Python {python}. `blas_threads` is the `OPENBLAS_NUM_THREADS` setting:
"default" lets OpenBLAS start one thread per core, which on a loaded shared machine
makes the many small matrix products of the model fits wait for each other; 1 avoids
that. Wall times on this shared machine vary by a factor of about two with the load;
CPU time is the steadier figure.
"""


if __name__ == "__main__":
    main()

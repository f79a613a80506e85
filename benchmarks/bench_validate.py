"""Benchmark ``validate_folder`` at 1k, 10k and 100k partners; print a table.

Usage::

    .venv/bin/python benchmarks/bench_validate.py                       # 1k, 10k, 100k, CSV
    .venv/bin/python benchmarks/bench_validate.py --sizes 1000 10000 --formats csv parquet

Data is generated here (self-contained and vectorised, seeded) into
``benchmarks/_data/`` (git-ignored) and reused on later runs: per partner and quarter
about 12.5 opportunities (plus 10 % direct deals), 25 tickets, 2.5 deliverables, 3
certification snapshots, 2 policy checks, 0.5 disputes, 0.5 security reviews, 3
investment lines, 1 MDF allocation, 3 account snapshots and 2 joint activities. At 100k
partners x 8 quarters that is 20M tickets and 11M opportunities (about 44M rows, 4 GB
of CSV). The values are valid by construction, with a sprinkle of planted bad rows
(one per 10,000) so the quarantine path is exercised too.

Each measurement runs in a fresh child process (``validate_folder`` + ``write``) so its
peak resident memory (``ru_maxrss`` from ``wait4``) is its own. Wall time includes
reading, parsing, pandera, DuckDB key checks and writing the Parquet outputs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
START = np.datetime64("2024-01-01T00:00:00", "s")
DAY = 86400


def _ids(prefix: str, n: int, width: int = 8) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, "")


def _pick(rng: np.random.Generator, values: tuple[str, ...], n: int,
          p: list[float] | None = None) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(rng.choice(len(values), n, p=p)))


def _ts(seconds: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(START + seconds.astype("timedelta64[s]")), pa.string())


def _day(days: np.ndarray) -> pa.Array:
    return pc.cast(pa.array((START + (days * DAY).astype("timedelta64[s]")).astype(
        "datetime64[D]")), pa.string())


def _blank_where(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(mask), pa.scalar("", pa.string()), arr)


def _money(rng: np.random.Generator, n: int, mean: float) -> pa.Array:
    amounts = np.round(rng.lognormal(np.log(mean), 0.8, n), 2)
    return pc.cast(pa.array(amounts), pa.string())


def generate(partners: int, quarters: int, seed: int = 7) -> Iterator[tuple[str, pa.Table]]:
    """All 13 contract tables as string columns (exactly what a CSV export holds),
    one at a time so that 100k partners fit in memory."""
    rng = np.random.default_rng(seed)
    n_days = quarters * 91
    pid = _ids("P", partners, 6)

    def partner_of(n: int) -> pa.Array:
        return pid.take(pa.array(rng.integers(0, partners, n)))

    out: dict[str, pa.Table] = {}

    def emit() -> Iterator[tuple[str, pa.Table]]:
        for name in list(out):
            yield name, _plant_bad_rows(rng, name, out.pop(name))

    out["partners"] = pa.table({
        "partner_id": pid,
        "partner_name": pc.binary_join_element_wise(pa.scalar("Partner "), pid, ""),
        "partner_type": _pick(rng, ("reseller", "systems_integrator", "isv", "msp",
                                    "referral"), partners),
        "region": _pick(rng, ("north_america", "emea", "apac", "latam"), partners),
        "size": _pick(rng, ("small", "medium", "large"), partners, [0.6, 0.3, 0.1]),
        "joined_date": _day(rng.integers(-2000, 0, partners)),
    })
    n = int(partners * quarters * 12.5)
    n_direct = n // 10
    total = n + n_direct
    created = rng.integers(0, n_days, total)
    stage = rng.choice(3, total, p=[0.3, 0.4, 0.3])
    closed = created + rng.integers(5, 120, total)
    direct = np.zeros(total, dtype=bool)
    direct[n:] = True
    out["opportunities"] = pa.table({
        "opportunity_id": _ids("O", total, 9),
        "partner_id": _blank_where(partner_of(total), direct),
        "account_id": _ids("A", total, 9),
        "motion": pc.if_else(pa.array(direct), "direct",
                             _pick(rng, ("co_sell", "partner_only"), total)),
        "attribution": _blank_where(_pick(rng, ("sourced", "influenced"), total), direct),
        "stage": pa.array(("open", "won", "lost")).take(pa.array(stage)),
        "amount": _money(rng, total, 20000),
        "created_date": _day(created),
        "closed_date": _blank_where(_day(closed), stage == 0),
        "deal_registered": _pick(rng, ("true", "false"), total),
    })
    n_opportunities = total
    yield from emit()
    n = int(partners * quarters * 25)
    opened = rng.integers(0, n_days * DAY, n)
    severity = rng.choice(4, n, p=[0.05, 0.2, 0.45, 0.3])
    resolved = opened + rng.integers(600, 10 * DAY, n)
    out["tickets"] = pa.table({
        "ticket_id": _ids("T", n, 9),
        "partner_id": partner_of(n),
        "account_id": _blank_where(_ids("A", n, 9), rng.random(n) < 0.2),
        "opened_at": _ts(opened),
        "resolved_at": _blank_where(_ts(resolved), rng.random(n) < 0.1),
        "sla_due_at": _ts(opened + np.array([4, 8, 24, 72])[severity] * 3600),
        "severity": pa.array(("sev1", "sev2", "sev3", "sev4")).take(pa.array(severity)),
        "escalated": _pick(rng, ("true", "false"), n, [0.1, 0.9]),
    })
    yield from emit()
    n = int(partners * quarters * 2.5)
    due = rng.integers(0, n_days, n)
    undelivered = rng.random(n) < 0.15
    out["deliverables"] = pa.table({
        "deliverable_id": _ids("D", n),
        "partner_id": partner_of(n),
        "kind": _pick(rng, ("integration_milestone", "enablement_commitment",
                            "joint_implementation", "co_authored_asset"), n),
        "due_date": _day(due),
        "delivered_date": _blank_where(_day(due + rng.integers(-20, 30, n)), undelivered),
        "rework_required": _blank_where(_pick(rng, ("true", "false"), n, [0.15, 0.85]),
                                        undelivered),
    })
    snaps = partners * quarters
    head = rng.integers(1, 40, snaps * 3)
    out["certifications"] = pa.table({
        "partner_id": pa.concat_arrays([pid] * (quarters * 3)),
        "snapshot_date": _day(np.repeat(np.arange(quarters) * 91 + 90, partners * 3)),
        "role": pa.array(np.tile(np.repeat(["sales", "solutions", "support"], partners),
                                 quarters)),
        "headcount": pc.cast(pa.array(head), pa.string()),
        "certified": pc.cast(pa.array(rng.integers(0, head + 1)), pa.string()),
    })
    n = partners * quarters * 2
    out["policy_checks"] = pa.table({
        "check_id": _ids("C", n),
        "partner_id": partner_of(n),
        "checked_date": _day(rng.integers(0, n_days, n)),
        "policy_area": _pick(rng, ("deal_registration", "data_handling", "brand_use"), n),
        "passed": _pick(rng, ("true", "false"), n, [0.9, 0.1]),
    })
    n = partners * quarters // 2
    opened_d = rng.integers(0, n_days, n)
    opp_ids = _ids("O", n_opportunities, 9)
    out["disputes"] = pa.table({
        "dispute_id": _ids("X", n),
        "partner_id": partner_of(n),
        "opportunity_id": _blank_where(opp_ids.take(pa.array(rng.integers(
            0, n_opportunities - n_direct - 1, n))), rng.random(n) < 0.3),
        "dispute_type": _pick(rng, ("attribution", "pricing", "channel_conflict"), n),
        "opened_date": _day(opened_d),
        "resolved_date": _blank_where(_day(opened_d + rng.integers(1, 60, n)),
                                      rng.random(n) < 0.3),
    })
    requested = rng.integers(0, n_days, n)
    open_review = rng.random(n) < 0.2
    out["security_reviews"] = pa.table({
        "review_id": _ids("R", n),
        "partner_id": partner_of(n),
        "review_type": _pick(rng, ("questionnaire", "audit", "remediation"), n),
        "requested_date": _day(requested),
        "due_date": _day(requested + 30),
        "completed_date": _blank_where(_day(requested + rng.integers(1, 60, n)), open_review),
        "findings": _blank_where(pc.cast(pa.array(rng.poisson(1.5, n)), pa.string()),
                                 open_review),
    })
    n = partners * quarters * 3
    out["investments"] = pa.table({
        "investment_id": _ids("I", n),
        "partner_id": partner_of(n),
        "investment_date": _day(rng.integers(0, n_days, n)),
        "investment_type": _pick(rng, ("mdf", "enablement_hours", "se_hours", "incentive",
                                       "co_marketing"), n),
        "amount": _money(rng, n, 800),
    })
    n = partners * quarters
    allocated = np.round(rng.uniform(1000, 20000, n), 2)
    out["mdf_allocations"] = pa.table({
        "allocation_id": _ids("M", n),
        "partner_id": partner_of(n),
        "allocated_date": _day(rng.integers(0, n_days, n)),
        "allocated_amount": pc.cast(pa.array(allocated), pa.string()),
        "utilized_amount": pc.cast(pa.array(np.round(allocated * rng.uniform(0, 1, n), 2)),
                                   pa.string()),
    })
    accounts = partners * 3
    n = accounts * quarters
    planned = rng.integers(0, 6, n)
    renewal_due = rng.random(n) < 0.2
    out["account_health"] = pa.table({
        "account_id": pa.concat_arrays([_ids("S", accounts)] * quarters),
        "account_name": pa.concat_arrays([pc.binary_join_element_wise(
            pa.scalar("Customer "), _ids("S", accounts), "")] * quarters),
        "partner_id": pa.concat_arrays([pid.take(pa.array(np.arange(accounts) % partners))]
                                       * quarters),
        "snapshot_date": _day(np.repeat(np.arange(quarters) * 91 + 90, accounts)),
        "milestones_planned": pc.cast(pa.array(planned), pa.string()),
        "milestones_met": pc.cast(pa.array(rng.integers(0, planned + 1)), pa.string()),
        "time_to_value_days": _blank_where(pc.cast(pa.array(rng.integers(10, 200, n)),
                                                   pa.string()), rng.random(n) < 0.5),
        "renewal_due": pa.array(np.where(renewal_due, "true", "false")),
        "renewed": _blank_where(_pick(rng, ("true", "false"), n, [0.8, 0.2]), ~renewal_due),
        "expansion_amount": _money(rng, n, 500),
    })
    n = partners * quarters * 2
    planned_d = rng.integers(0, n_days, n)
    out["joint_activities"] = pa.table({
        "activity_id": _ids("J", n),
        "partner_id": partner_of(n),
        "activity_type": _pick(rng, ("account_plan", "executive_touchpoint", "webinar",
                                     "event", "solution_bundle"), n),
        "planned_date": _day(planned_d),
        "completed_date": _blank_where(_day(planned_d + rng.integers(-10, 20, n)),
                                       rng.random(n) < 0.25),
    })
    treated = rng.choice(partners, partners * 3 // 10, replace=False)
    out["interventions"] = pa.table({
        "partner_id": pid.take(pa.array(treated)),
        "program": pa.array(["Enablement bootcamp"] * len(treated)),
        "start_date": _day(91 * rng.integers(2, max(3, quarters - 1), len(treated))),
    })
    yield from emit()


def _plant_bad_rows(rng: np.random.Generator, name: str, table: pa.Table) -> pa.Table:
    """One bad value per 10,000 rows (a category nobody allows), so some rows quarantine."""
    if name in ("partners", "interventions") or table.num_rows < 10_000:
        return table
    column = {"opportunities": "stage", "tickets": "severity", "deliverables": "kind",
              "certifications": "role", "policy_checks": "policy_area",
              "disputes": "dispute_type", "security_reviews": "review_type",
              "investments": "investment_type", "mdf_allocations": "utilized_amount",
              "account_health": "renewal_due", "joint_activities": "activity_type"}[name]
    bad = np.zeros(table.num_rows, dtype=bool)
    bad[rng.choice(table.num_rows, table.num_rows // 10_000, replace=False)] = True
    i = table.schema.get_field_index(column)
    return table.set_column(i, column, pc.if_else(pa.array(bad), "not-a-value",
                                                  table.column(column)))


def _typed(name: str, table: pa.Table) -> pa.Table:
    """The string table with the contract's types, as a BI tool would store Parquet.

    Planted bad values that cannot be typed (text in an amount column) become nulls, so
    the Parquet data quarantines a few rows too (as missing required values).
    """
    from rotlib.contract import table as spec_of

    arrays = []
    for col in spec_of(name).columns:
        values = table.column(col.name).combine_chunks()
        values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
        if col.kind == "date":
            values = pc.cast(pc.cast(values, pa.date32()), pa.timestamp("us"))
        elif col.kind == "timestamp":
            values = pc.cast(values, pa.timestamp("us"))
        elif col.kind == "integer":
            values = pc.cast(values, pa.int64())
        elif col.kind in ("number", "money"):
            numeric = pc.match_substring_regex(values, r"^-?[0-9.]+$")
            values = pc.cast(pc.if_else(numeric, values, pa.scalar(None, pa.string())),
                             pa.float64())
        elif col.kind == "boolean":
            values = pc.if_else(pc.is_in(values, pa.array(["true", "false"])),
                                pc.equal(values, "true"), pa.scalar(None, pa.bool_()))
        arrays.append(values)
    return pa.table(arrays, names=list(spec_of(name).column_names))


def materialise(partners: int, quarters: int, fmt: str, quoting: str) -> Path:
    suffix = "" if fmt == "parquet" else f"_{quoting}"
    folder = DATA / f"p{partners}_q{quarters}_{fmt}{suffix}"
    if (folder / "_complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, table in generate(partners, quarters):
        if fmt == "csv":
            pacsv.write_csv(table, folder / f"{name}.csv",
                            pacsv.WriteOptions(quoting_style=quoting))
        else:
            pq.write_table(_typed(name, table), folder / f"{name}.parquet")
    (folder / "_complete").write_text("ok")
    return folder


def _child(data: str, out: str) -> None:
    """Run in a fresh process: validate + write, print timings as JSON."""
    from rotlib.validation import validate_folder

    t0 = time.perf_counter()
    result = validate_folder(data, work_dir=out)
    t1 = time.perf_counter()
    result.write(Path(out) / "validated")
    t2 = time.perf_counter()
    q = result.quality[result.quality["level"] == "table"]
    print(json.dumps({
        "validate_s": t1 - t0, "write_s": t2 - t1,
        "rows_read": int(q["rows_read"].sum()),
        "rows_quarantined": int(q["rows_quarantined"].sum()),
        "per_table_s": {k: round(v, 2) for k, v in result.timings.items()},
        "phases_s": {phase: round(sum(p.get(phase, 0.0) for p in result.profile.values()), 2)
                     for phase in ("read", "parse", "pandera", "keys_and_quarantine",
                                   "write", "keys")},
    }))


def measure_best(folder: Path, repeat: int) -> dict:
    """Run ``repeat`` times; keep the fastest run (the machine is shared: slower runs
    measure the neighbours) and record every wall time and the load average."""
    runs = []
    for _ in range(repeat):
        load = os.getloadavg()[0]
        info = measure(folder)
        info["load_1min"] = load
        runs.append(info)
    best = min(runs, key=lambda r: r["validate_s"])
    best["all_validate_s"] = [round(r["validate_s"], 1) for r in runs]
    best["all_peak_mb"] = [round(r["peak_mb"]) for r in runs]
    return best


def measure(folder: Path) -> dict:
    out = DATA / "_out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(folder), str(out)],
                            stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    stdout = proc.stdout.read() if proc.stdout else ""
    if status != 0:
        raise SystemExit(f"child failed on {folder} (status {status})")
    info = json.loads(stdout.strip().splitlines()[-1])
    info["wall_s"] = wall
    info["peak_mb"] = usage.ru_maxrss / 1024
    info["input_mb"] = sum(p.stat().st_size for p in folder.iterdir()
                           if p.suffix in (".csv", ".parquet")) / 1e6
    shutil.rmtree(out, ignore_errors=True)
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--formats", nargs="+", default=["csv"], choices=["csv", "parquet"])
    parser.add_argument("--quoting", default="needed", choices=["needed", "none"],
                        help="CSV quoting: 'needed' quotes every string (as many CRM "
                        "exports do), 'none' quotes nothing")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per size; the fastest is shown, all are listed")
    parser.add_argument("--child", nargs=2, metavar=("DATA", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    rows = []
    for fmt in args.formats:
        for size in args.sizes:
            t0 = time.perf_counter()
            folder = materialise(size, args.quarters, fmt, args.quoting)
            gen = time.perf_counter() - t0
            info = measure_best(folder, args.repeat)
            rows.append((size, fmt, info, gen))
            print(f"# {size} partners {fmt}: {json.dumps(info)} (data ready in {gen:.1f}s)",
                  file=sys.stderr)
    print(f"{'partners':>9} {'quarters':>8} {'format':>7} {'input MB':>9} {'rows read':>12} "
          f"{'quarantined':>11} {'validate s':>10} {'write s':>8} {'wall s':>7} {'peak MB':>8} "
          f"{'load':>5}  all runs (s)")
    for size, fmt, info, _ in rows:
        print(f"{size:>9} {args.quarters:>8} {fmt:>7} {info['input_mb']:>9.0f} "
              f"{info['rows_read']:>12,} {info['rows_quarantined']:>11,} "
              f"{info['validate_s']:>10.1f} {info['write_s']:>8.1f} {info['wall_s']:>7.1f} "
              f"{info['peak_mb']:>8.0f} {info['load_1min']:>5.1f}  {info['all_validate_s']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``rot sample-data``: write a seeded, realistic sample of every partner export."""

from __future__ import annotations

import argparse

from rotlib.sample_data.config import SampleConfig
from rotlib.sample_data.writer import FORMATS, write_sample

_DESCRIPTION = """\
Generate a seeded, realistic sample of every table of the data contract (partners,
opportunities, tickets, ...) plus truth.json, the ground truth the data were drawn from.

Each partner has a latent trust level (by partner type) that drifts from quarter to
quarter and drives its behaviours (on-time delivery, SLA adherence, certifications,
compliance, ...) and, scaled by --trust-link, its outcomes (win rate, cycle time,
renewal, escalation, pipeline, expansion). An "Enablement Bootcamp" is rolled out in
staggered waves with a planted effect (scaled by --program-effect) on win rate,
escalation rate and deal cycle days; a "Partner Office Hours" program has no effect.
truth.json records the latent trust, the link parameters, who was treated when, and the
planted effect as an ATT on the partner-quarter metrics.

The same arguments always produce the same bytes.
"""

_EPILOG = """\
examples:
  rot sample-data --partners 300 --quarters 8 --seed 20260101 --volume 0.2 --out data/sample --force
  rot sample-data --partners 100000 --quarters 8 --seed 1 --out /tmp/big --format parquet
  rot sample-data --partners 2000 --seed 7 --trust-link 0 --out /tmp/null-link
  rot sample-data --partners 2000 --seed 7 --program-effect 0 --out /tmp/no-effect
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "sample-data", help="generate a seeded, realistic sample of every partner export",
        description=_DESCRIPTION, epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--partners", type=int, required=True, metavar="N",
                   help="number of partners (1 to 5,000,000)")
    p.add_argument("--quarters", type=int, default=8, metavar="Q",
                   help="quarters in the window (default: 8)")
    p.add_argument("--seed", type=int, required=True, metavar="S",
                   help="seed of every random draw (a whole number >= 0)")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder to write into (created if missing)")
    p.add_argument("--format", choices=FORMATS, default="csv",
                   help="file format of the tables (default: csv)")
    p.add_argument("--start", default="2025Q1", metavar="YYYYQn",
                   help="first window quarter in the fiscal calendar (default: 2025Q1)")
    p.add_argument("--fiscal-start-month", type=int, default=1, metavar="M",
                   help="first month of the fiscal year, 1-12 (default: 1, calendar quarters)")
    p.add_argument("--trust-link", type=float, default=1.0, metavar="X",
                   help="multiplier on every trust -> outcome effect; 0 makes outcomes "
                   "independent of latent trust (default: 1.0)")
    p.add_argument("--program-effect", type=float, default=1.0, metavar="X",
                   help="multiplier on the bootcamp's planted effects; 0 plants none "
                   "(default: 1.0)")
    p.add_argument("--volume", type=float, default=1.0, metavar="X",
                   help="multiplier on the high-volume systems: deals, tickets and shared "
                   "accounts; 1.0 gives about 10M opportunities and 20M+ tickets at 100k "
                   "partners x 8 quarters (default: 1.0)")
    p.add_argument("--force", action="store_true",
                   help="replace sample files already in DIR (other files are kept)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    config = SampleConfig(
        partners=args.partners, quarters=args.quarters, seed=args.seed, start=args.start,
        fiscal_start_month=args.fiscal_start_month, trust_link=args.trust_link,
        program_effect=args.program_effect, volume=args.volume,
    )
    report = write_sample(config, args.out, fmt=args.format, force=args.force)
    print(f"wrote {len(report.files)} files to {report.out_dir} "
          f"({report.total_bytes / 1e6:.1f} MB, {report.seconds:.1f} s)")
    width = max(len(name) for name in report.row_counts)
    for name, rows in report.row_counts.items():
        print(f"  {name:<{width}}  {rows:>12,} rows  {report.bytes_written[name] / 1e6:>9.2f} MB")
    return 0

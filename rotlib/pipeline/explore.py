"""Helpers behind the analysts' explore notebook (pure functions, no widgets here).

The notebook wires ipywidgets to these: a configuration with other category weights and
tier thresholds (validated exactly like a YAML file, so a slider can never produce a
config the scoring engine would reject silently), the tier shift between two scorings, a
partner's history, and labels for the partner picker.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd


def reweighted(config: Any, category_weights: Mapping[str, float] | None = None,
               tier_thresholds: Mapping[str, float] | None = None) -> Any:
    """A copy of a ``ScorecardConfig`` with new category weights and tier minimum scores.

    Goes through ``rotlib.scoring.parse_config``, so every rule of the YAML file applies
    (weights not all zero, tiers ordered and not overlapping, ...) and a bad combination
    raises ``ConfigError`` naming the key.
    """
    from rotlib.scoring import parse_config

    data = config.model_dump(mode="json")
    for category, weight in (category_weights or {}).items():
        data["categories"][category]["weight"] = float(weight)
    for tier in data["tiers"]:
        if tier["name"] in (tier_thresholds or {}):
            tier["min_score"] = float(tier_thresholds[tier["name"]])
    return parse_config(data, source="explore notebook sliders")


def tier_shift(before: pd.DataFrame, after: pd.DataFrame, quarter: str,
               tier_names: list[str]) -> pd.DataFrame:
    """Partners per tier in ``quarter`` under two scorings, and the difference."""
    order = [*tier_names, "insufficient data"]

    def counts(frame: pd.DataFrame) -> pd.Series:
        rows = frame.loc[frame["quarter"].astype(str) == quarter, "tier"].astype(str)
        return rows.value_counts().reindex(order, fill_value=0)

    a, b = counts(before), counts(after)
    return pd.DataFrame({"tier": order, "configured": a.to_numpy(), "with sliders": b.to_numpy(),
                         "change": (b - a).to_numpy()})


def partner_history(scores: pd.DataFrame, partner_id: str) -> pd.DataFrame:
    """One partner's RoT and category scores by quarter (quarters in order)."""
    columns = ["quarter", "quarter_index", "rot_score", "tier",
               *[c for c in scores.columns if c.endswith("_score") and c != "rot_score"
                 and "__" not in c]]
    rows = scores.loc[scores["partner_id"] == partner_id, columns]
    return rows.sort_values("quarter_index").reset_index(drop=True)


def partner_options(scores: pd.DataFrame, quarter: str) -> list[tuple[str, str]]:
    """``(label, partner_id)`` pairs for a picker, best-ranked partners of ``quarter`` first.

    Labels are plain text (ipywidgets renders option labels as text, never as HTML).
    """
    rows = scores.loc[scores["quarter"].astype(str) == quarter].copy()
    rows["_rank"] = rows["rank"].fillna(float("inf")) if "rank" in rows else 0
    rows = rows.sort_values(["_rank", "partner_id"], kind="stable")
    name = rows["partner_name"] if "partner_name" in rows else rows["partner_id"]
    return [(f"{n} ({pid})", str(pid)) for n, pid in zip(name.astype(str),
                                                          rows["partner_id"], strict=True)]

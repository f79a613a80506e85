"""Shared fixtures for the scoring tests: the default config as a mutable mapping, small
hand-built metrics tables, and the seeded synthetic panel with a known latent trust."""

from __future__ import annotations

import copy

import matplotlib
import numpy as np
import pandas as pd
import pytest
import yaml

from rotlib.registry import SCORECARD_METRICS
from rotlib.scoring import default_config_text, parse_config

from .synthetic import build_metrics

matplotlib.use("Agg")

_DEFAULT = yaml.safe_load(default_config_text())


def default_mapping() -> dict:
    """A fresh, editable copy of the shipped default config (as parsed YAML)."""
    return copy.deepcopy(_DEFAULT)


def config_with(**changes) -> object:
    """The default config with top-level keys replaced (validated)."""
    data = default_mapping()
    data.update(changes)
    return parse_config(data)


def hand_table(rows: list[dict]) -> pd.DataFrame:
    """A metrics table from a few hand-written rows.

    Each row gives ``partner_id``, ``quarter`` and, per metric it cares about, a
    ``(num, den)`` pair; every other scorecard metric gets 9 of 10 (or 1 of 10 for the
    lower-is-better ones) so that it has data and a known value.
    """
    out = []
    for row in rows:
        rec: dict[str, object] = {"partner_id": row["partner_id"], "quarter": row["quarter"]}
        for m in SCORECARD_METRICS:
            num, den = row.get(m.id, (1.0, 10.0) if m.direction == "down" else (9.0, 10.0))
            rec[f"{m.id}__num"] = float(num)
            rec[f"{m.id}__den"] = float(den)
            rec[m.id] = num / den if den > 0 else np.nan
            rec[f"{m.id}__reason"] = "" if den > 0 else m.missing_when
        for k, v in row.items():
            if k not in rec and not isinstance(v, tuple):
                rec[k] = v
        out.append(rec)
    return pd.DataFrame(out)


@pytest.fixture(scope="session")
def panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    """300 partners x 8 quarters, seed 1: (metrics table, latent trust)."""
    return build_metrics(300, 8, seed=1)


@pytest.fixture(scope="session")
def small_panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    return build_metrics(40, 3, seed=5)

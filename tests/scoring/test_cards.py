"""Metric cards come from the registry and the config, and are safe to render."""

from __future__ import annotations

import pytest

from rotlib.registry import METRICS_BY_ID
from rotlib.scoring import cards_markdown, load_config, metric_cards, parse_config

from .conftest import default_mapping


def test_cards_carry_registry_text_and_config_choices():
    cfg = load_config()
    cards = metric_cards(cfg).set_index("metric")
    win = cards.loc["joint_win_rate"]
    assert win["definition"] == METRICS_BY_ID["joint_win_rate"].definition
    assert win["owner"] == "Sales ops" and win["sources"] == "opportunities"
    assert win["normalization"] == "goalposts 0.1 to 0.5"
    assert win["shrinkage"] == "beta-binomial" and win["min_denominator"] == 2
    assert cards.loc["rework_rate", "direction"] == "lower is better"
    assert cards.loc["dispute_rate", "shrinkage"] == "gamma-poisson"
    # equal weights: 1/3 of a category, 1/4 of categories -> 1/12 of the RoT score
    assert win["weight_in_rot_score"] == pytest.approx(1 / 12)
    assert cards["weight_in_rot_score"].sum() == pytest.approx(1)


def test_cards_markdown_escapes_config_text():
    data = default_mapping()
    data["name"] = "<script>alert(1)</script> | evil"
    data["categories"]["competence"]["metrics"]["joint_win_rate"]["normalization"] = {
        "method": "percentile"}
    data["reference_period"] = {"start": "2025Q1", "end": "2025Q4"}
    md = cards_markdown(parse_config(data))
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "&#124; evil" in md
    assert "percentile, reference 2025Q1 to 2025Q4" in md
    assert md.count("\n## ") == 12

"""Every config error message: each names the key and says how to fix it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rotlib.errors import ConfigError
from rotlib.registry import SCORECARD_METRICS
from rotlib.scoring import load_config, parse_config

from .conftest import default_mapping

REL = ("categories", "reliability")
OTD = ("categories", "reliability", "metrics", "on_time_delivery_rate")


def _set(path: tuple, value) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        node = d
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


def _delete(path: tuple) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        node = d
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return mutate


def _all_metric_weights_zero(d: dict) -> None:
    for mc in d["categories"]["reliability"]["metrics"].values():
        mc["weight"] = 0


def _all_category_weights_zero(d: dict) -> None:
    for c in d["categories"].values():
        c["weight"] = 0


def _move_metric(d: dict) -> None:
    mc = d["categories"]["reliability"]["metrics"].pop("rework_rate")
    d["categories"]["competence"]["metrics"]["rework_rate"] = mc


def _rename_metric(new: str) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        mets = d["categories"]["reliability"]["metrics"]
        mets[new] = mets.pop("on_time_delivery_rate")
    return mutate


# (mutation, key named in the message, problem text, fix text)
CASES = [
    # --- shape (pydantic) --------------------------------------------------------------
    (_set((*OTD, "wieght"), 2), f"{'.'.join(OTD)}.wieght", "unknown key", "did you mean 'weight'"),
    (_delete(("tiers",)), "tiers", "required key is missing", "add it"),
    (_set((*OTD, "weight"), "85%"), f"{'.'.join(OTD)}.weight", "must be a number",
     "without units or percent signs"),
    (_set((*OTD, "normalization", "method"), "linear"),
     f"{'.'.join(OTD)}.normalization.method", "'linear' is not allowed", "use one of"),
    (_set(("categories",), 5), "categories", "must be a mapping", "indent the keys"),
    (_set(("tiers",), 5), "tiers", "must be a list", "YAML list"),
    (_set(("tiers", 0, "name"), 5), "tiers[0].name", "must be text", "quote the value"),
    (_set(("shrinkage", "enabled"), "maybe"), "shrinkage.enabled", "must be true or false",
     "write true or false"),
    (_set(("tiers", 3, "milestones", 0, "due_in_quarters"), 0),
     "tiers[3].milestones[0].due_in_quarters", "greater than or equal to 1",
     "compare with the shipped default"),
    # --- categories and metrics ----------------------------------------------------------
    (_set(("categories",), {}), "categories", "no category is configured",
     "configure at least one"),
    (_set(("categories", "reliabilty"), {"weight": 1, "metrics": {}}),
     "categories.reliabilty", "unknown category", "did you mean 'reliability'"),
    (_set((*REL, "weight"), -0.5), "categories.reliability.weight", "is negative",
     "weights must be >= 0"),
    (_set((*REL, "metrics"), {}), "categories.reliability.metrics", "has no metrics",
     "list at least one metric"),
    (_rename_metric("on_time_delivery"), "categories.reliability.metrics.on_time_delivery",
     "unknown metric", "did you mean 'on_time_delivery_rate'"),
    (_rename_metric("win_rate"), "categories.reliability.metrics.win_rate",
     "is a registered outcome, not a scorecard metric", "scorecard metrics are"),
    (_move_metric, "categories.competence.metrics.rework_rate",
     "belongs to category 'reliability'", "move it under categories.reliability.metrics"),
    (_set((*OTD, "weight"), -1), f"{'.'.join(OTD)}.weight", "weight -1.0 is negative",
     "use 0 to keep the metric visible"),
    (_all_metric_weights_zero, "categories.reliability.metrics", "all metric weights are zero",
     "give at least one metric a positive weight"),
    (_all_category_weights_zero, "categories", "all category weights are zero",
     "give at least one category a positive weight"),
    (_set((*OTD, "normalization"), {"method": "goalposts", "lower": 0.5}),
     f"{'.'.join(OTD)}.normalization", "goalposts need both", "add lower and upper"),
    (_set((*OTD, "normalization"), {"method": "goalposts", "lower": 1.0, "upper": 0.5}),
     f"{'.'.join(OTD)}.normalization", "is not below upper", "write the smaller bound as lower"),
    (_set((*OTD, "normalization"), {"method": "goalposts", "lower": 50, "upper": 100}),
     f"{'.'.join(OTD)}.normalization", "outside 0..1 for a share", "0.85, not 85"),
    (_set((*OTD, "normalization"), {"method": "minmax", "lower": 0.5, "upper": 1.0}),
     f"{'.'.join(OTD)}.normalization", "only used by goalposts", "remove them"),
    (_set((*OTD, "normalization"), {"method": "zscore", "clip": 0}),
     f"{'.'.join(OTD)}.normalization.clip", "clip 0.0 is not positive", "use e.g. 3"),
    (_set(("categories", "reciprocity", "metrics", "co_investment_rate", "shrinkage"),
          "beta_binomial"),
     "categories.reciprocity.metrics.co_investment_rate.shrinkage",
     "beta-binomial needs counts", "use gamma_poisson"),
    (_set((*OTD, "min_denominator"), 0), f"{'.'.join(OTD)}.min_denominator", "is below 1",
     "use >= 1"),
    # --- tiers and hysteresis ---------------------------------------------------------------
    (_set(("tiers",), [{"name": "Only", "min_score": 0}]), "tiers", "1 tier(s) configured",
     "at least two tiers"),
    (_set(("tiers", 1, "name"), "  "), "tiers[1].name", "has no name", "give it a name"),
    (_set(("tiers", 0, "min_score"), 120), "tiers[0].min_score", "outside 0..100",
     "use a threshold in that range"),
    (_set(("tiers", 1, "name"), "strategic"), "tiers[1].name", "is used twice",
     "give each tier its own name"),
    (_set(("tiers", 1, "min_score"), 75), "tiers[1].min_score", "tiers overlap",
     "strictly decreasing min_score"),
    (_set(("tiers", 3, "min_score"), 10), "tiers[3].min_score", "scores below 10",
     "set the lowest tier's min_score to 0"),
    (_set(("hysteresis", "margin"), -1), "hysteresis.margin", "is negative",
     "use 0 (no hysteresis)"),
    (_set(("hysteresis", "margin"), 50), "hysteresis.margin", "makes a tier unreachable",
     "below the lowest positive threshold"),
    # --- minimum data, reference period, calendar ------------------------------------------
    (_set(("minimum_data", "min_category_coverage"), 1.5),
     "minimum_data.min_category_coverage", "is not a share", "write a share such as 0.5"),
    (_set(("minimum_data", "min_denominator"), 0), "minimum_data.min_denominator",
     "is below 1", "at least one trial"),
    (_set(("winsorize",), {"lower_quantile": 0.6, "upper_quantile": 0.9}), "winsorize",
     "are invalid", "lower_quantile < 0.5 < upper_quantile"),
    (_set(("reference_period",), {"start": "2025-Q1", "end": None}), "reference_period.start",
     "is not a quarter label", "YYYYQn"),
    (_set(("reference_period",), {"start": "2026Q1", "end": "2025Q1"}), "reference_period",
     "is after end", "swap them"),
    (_set(("fiscal_year_start_month",), 13), "fiscal_year_start_month", "is not a month",
     "use 1 (January) to 12"),
    (_set(("geometric_floor",), 0), "geometric_floor", "outside (0, 100)",
     "small positive score"),
    # --- RoT ratio ---------------------------------------------------------------------------
    (_set(("rot_ratio", "value_created", "gross_margin"), 70),
     "rot_ratio.value_created.gross_margin", "is not a share in 0..1", "0.3, not 30"),
    (_set(("rot_ratio", "value_created", "renewal_value_per_account"), -5),
     "rot_ratio.value_created.renewal_value_per_account", "is negative", "amount >= 0"),
    (_set(("rot_ratio", "risk_reduced", "disputes", "unit_cost"), -1),
     "rot_ratio.risk_reduced.disputes.unit_cost", "is negative", "cost of one event"),
    (_set(("rot_ratio", "risk_reduced", "disputes", "baseline"), -0.1),
     "rot_ratio.risk_reduced.disputes.baseline", "is negative", "or 'portfolio'"),
    (_set(("rot_ratio", "investment", "se_hour_cost"), -1),
     "rot_ratio.investment.se_hour_cost", "is negative", "cost per hour"),
    # --- robustness, gaming, reliability, back-test ------------------------------------------
    (_set(("robustness", "weight_spread"), 1.5), "robustness.weight_spread",
     "outside [0, 1)", "+/-50%"),
    (_set(("robustness", "normalizations"), []), "robustness.normalizations", "is empty",
     "at least one of"),
    (_set(("robustness", "aggregations"), []), "robustness.aggregations", "is empty",
     "arithmetic and/or geometric"),
    (_set(("robustness", "tier_stability_threshold"), 1.0),
     "robustness.tier_stability_threshold", "is not in (0, 1)", "such as 0.8"),
    (_set(("gaming", "robust_z_threshold"), 0), "gaming.robust_z_threshold",
     "is not positive", "such as 3.5"),
    (_set(("reliability", "redundant_above"), 0), "reliability.redundant_above",
     "is not in (0, 1]", "such as 0.9"),
    (_set(("backtest", "outcomes"), ["win_rate", "profit"]), "backtest.outcomes[1]",
     "'profit' is not a registered outcome", "use one of win_rate"),
    (_set(("backtest", "bins"), 1), "backtest.bins", "1 bins", "use at least 2"),
]


@pytest.mark.parametrize(("mutate", "key", "problem", "fix"), CASES,
                         ids=[f"{i:02d}-{c[1]}" for i, c in enumerate(CASES)])
def test_config_error_names_key_and_fix(mutate, key, problem, fix):
    data = default_mapping()
    mutate(data)
    with pytest.raises(ConfigError) as info:
        parse_config(data, source="my.yaml")
    text = str(info.value)
    assert text.startswith("my.yaml: ")
    line = next((ln for ln in text.splitlines() if f"key '{key}'" in ln), None)
    assert line is not None, text
    assert problem in line, text
    assert "Fix: " in line and fix in line.split("Fix: ", 1)[1], text


def test_every_problem_is_reported_at_once():
    data = default_mapping()
    data["categories"]["reliability"]["weight"] = -1
    data["tiers"][1]["min_score"] = 90
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert "2 problem(s)" in str(info.value)


def test_default_config_loads_and_uses_all_twelve_metrics():
    cfg = load_config()
    assert cfg.metric_ids() == tuple(m.id for m in SCORECARD_METRICS)
    assert cfg.tier_names() == ("Strategic", "Trusted", "Developing", "Probation")
    assert cfg.shrinkage_kind("joint_win_rate") == "beta_binomial"
    assert cfg.shrinkage_kind("dispute_rate") == "gamma_poisson"
    assert cfg.shrinkage_kind("co_investment_rate") == "none"
    assert cfg.min_denominator("co_investment_rate") == 1
    assert cfg.evidence("certification_coverage") == "self-reported"


def test_fingerprint_changes_with_content_only():
    a, b = load_config(), load_config()
    assert a.fingerprint() == b.fingerprint()
    data = default_mapping()
    data["hysteresis"]["margin"] = 3
    assert parse_config(data).fingerprint() != a.fingerprint()


def test_load_config_file_errors(tmp_path):
    with pytest.raises(ConfigError, match=r"config file not found\. Fix: check the path"):
        load_config(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("categories:\n  reliability: [1,\n tiers: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"invalid YAML at line \d+, column \d+.*Fix: check"):
        load_config(bad)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Fran\xe7ais\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"not UTF-8 text.*Fix: save the file as UTF-8"):
        load_config(latin)
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("just text\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"must be a YAML mapping.*Fix: start from"):
        load_config(scalar)


def test_a_key_given_twice_is_an_error(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("name: a\nhysteresis:\n  margin: 2\n  margin: 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"key 'margin' appears twice.*lines 3 and 4.*Fix: keep"):
        load_config(path)


def test_config_file_round_trip(tmp_path):
    from rotlib.scoring import default_config_text

    path = tmp_path / "mine.yaml"
    path.write_text(default_config_text().replace("margin: 2.0", "margin: 4.0"),
                    encoding="utf-8")
    assert load_config(path).hysteresis.margin == 4.0

"""score() end to end: planted trust, small samples, insufficient data, input errors,
frozen calibration, config changes, and every output being serializable."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from rotlib.errors import AnalysisError, InputError
from rotlib.scoring import score
from rotlib.scoring.aggregate import combine

from .conftest import config_with, default_mapping, hand_table


@pytest.fixture(scope="module")
def scored(panel):
    metrics, truth = panel
    return score(metrics, robustness_draws=200, seed=3), truth


def test_score_tracks_the_planted_latent_trust(scored):
    result, truth = scored
    p = result.partners.merge(truth, on=["partner_id", "quarter"])
    ok = p["rot_score"].notna()
    rho = stats.spearmanr(p.loc[ok, "rot_score"], p.loc[ok, "latent_trust"]).statistic
    print(f"Spearman(rot_score, latent trust) on the synthetic panel: {rho:.3f}")
    assert rho > 0.85
    # and each category on its own follows trust too
    for cat in ("reliability", "competence", "integrity", "reciprocity"):
        c = p[f"{cat}_score"].notna()
        assert stats.spearmanr(p.loc[c, f"{cat}_score"], p.loc[c, "latent_trust"]).statistic > 0.5


def test_scores_bounded_and_one_row_per_partner_quarter(scored, panel):
    result, _ = scored
    p = result.partners
    assert len(p) == len(panel[0])
    assert not p.duplicated(["partner_id", "quarter"]).any()
    score_cols = [c for c in p.columns if c.endswith("_score") or c.endswith("__score")]
    values = p[score_cols].to_numpy(float)
    assert np.nanmin(values) >= 0 and np.nanmax(values) <= 100


def test_small_samples_are_shrunk():
    filler = [{"partner_id": f"F{i:02d}", "quarter": "2026Q1",
               "joint_win_rate": (float(k), 20.0)}
              for i, k in enumerate([2, 3, 4, 5, 5, 6, 6, 7, 8, 9, 10])]
    # portfolio around 30%; goalposts 10%..50% so neither partner is clipped at 100
    rows = [{"partner_id": "TWO", "quarter": "2026Q1", "joint_win_rate": (2.0, 2.0)},
            {"partner_id": "BIG", "quarter": "2026Q1", "joint_win_rate": (96.0, 200.0)},
            *filler]
    p = score(hand_table(rows)).partners.set_index("partner_id")  # the shipped default
    assert p.loc["TWO", "joint_win_rate"] == 1.0 > p.loc["BIG", "joint_win_rate"] == 0.48
    assert p.loc["TWO", "joint_win_rate__adjusted"] < p.loc["BIG", "joint_win_rate__adjusted"]
    assert p.loc["TWO", "joint_win_rate__score"] < p.loc["BIG", "joint_win_rate__score"]
    # strong evidence barely moves: 96/200 stays within 3 points of 48%
    assert abs(p.loc["BIG", "joint_win_rate__adjusted"] - 0.48) < 0.03


def test_minimum_data_gives_insufficient_data_not_a_number():
    rows = [
        {"partner_id": "A", "quarter": "2026Q1", "sla_adherence_rate": (1.0, 1.0)},
        {"partner_id": "B", "quarter": "2026Q1",
         **{m: (0.0, 0.0) for m in ("on_time_delivery_rate", "sla_adherence_rate", "rework_rate",
                                    "certification_coverage", "joint_win_rate",
                                    "customer_outcome_attainment")}},
        {"partner_id": "C", "quarter": "2026Q1"},
    ]
    p = score(hand_table(rows)).partners.set_index("partner_id")
    assert p.loc["A", "sla_adherence_rate"] == 1.0  # the raw value is shown
    assert p.loc["A", "sla_adherence_rate__status"] == "insufficient data"
    assert np.isnan(p.loc["A", "sla_adherence_rate__adjusted"])
    assert np.isnan(p.loc["A", "sla_adherence_rate__score"])
    assert p.loc["A", "reliability_coverage"] == pytest.approx(2 / 3)
    assert "partial coverage" not in p.loc["A", "flags"]  # all categories still scored
    # B lacks reliability and competence: half the category weight -> below 0.75
    assert p.loc["B", "on_time_delivery_rate__status"] == "no data"
    assert np.isnan(p.loc["B", "reliability_score"])
    assert p.loc["B", "rot_coverage"] == pytest.approx(0.5)
    assert np.isnan(p.loc["B", "rot_score"])
    assert p.loc["B", "tier"] == "insufficient data"
    assert p.loc["B", "rot_status"] == "insufficient data"
    assert p.loc["C", "rot_status"] == "scored"


def _one_bad(change) -> pd.DataFrame:
    rows = [{"partner_id": f"P{i}", "quarter": "2026Q1"} for i in range(4)]
    return change(hand_table(rows))


def _set(**cells):
    """A change that sets ``column=(row, value)`` cells and returns the table."""
    def change(t):
        t = t.copy()
        for column, (row, value) in cells.items():
            if isinstance(value, str) and pd.api.types.is_numeric_dtype(t[column]):
                t[column] = t[column].astype(object)
            t.loc[row, column] = value
        return t
    return change


INPUT_CASES = [
    (lambda t: t.drop(columns=["joint_win_rate__den"]), "joint_win_rate__den",
     None, "column needed by the scorecard config is missing", "remove joint_win_rate"),
    (lambda t: t.drop(columns=["quarter"]), "quarter", None,
     "required key column is missing", "partner_id, quarter"),
    (_set(partner_id=(2, "P1")), "partner_id", 4, "appears twice in quarter 2026Q1",
     "one row per partner and quarter"),
    (_set(partner_id=(1, "")), "partner_id", 3, "partner_id is empty", "every row needs"),
    (_set(quarter=(3, "2026-03")), "quarter", 5, "'2026-03' is not of the form YYYYQn",
     "like 2026Q3"),
    (_set(rework_rate__num=(0, 11.0)), "rework_rate__num", 2, "numerator exceeds denominator",
     "successes out of trials"),
    (_set(rework_rate__num=(0, -1.0)), "rework_rate__num", 2, "negative numerator",
     "cannot be negative"),
    (_set(policy_compliance_rate=(1, 90.0)), "policy_compliance_rate", 3,
     "share 90.0 is outside 0..1", "0.85, not 85%"),
    (_set(joint_win_rate=(2, "0,9")), "joint_win_rate", 4, "'0,9' is not a number",
     "plain numbers"),
    (_set(joint_win_rate=(2, 0.5)), "joint_win_rate", 4, "disagrees with numerator",
     "regenerate the table"),
    (_set(joint_win_rate=(2, np.nan)), "joint_win_rate", 4,
     "value is missing although numerator and denominator exist", "fill the value"),
    (_set(joint_win_rate__num=(1, 0.0), joint_win_rate__den=(1, 0.0)), "joint_win_rate", 3,
     "value given for a zero denominator", "leave the value empty"),
    (lambda t: t.assign(quarter_index=[8104, 8104, 8105, 8104]), "quarter_index", 4,
     "does not match quarter", "year * 4 + quarter - 1"),
]


@pytest.mark.parametrize(("change", "column", "line", "problem", "fix"), INPUT_CASES,
                         ids=[c[3][:30] for c in INPUT_CASES])
def test_input_errors_name_column_row_and_fix(change, column, line, problem, fix):
    table = _one_bad(change)
    with pytest.raises(InputError) as info:
        score(table)
    err = info.value
    assert err.column == column
    assert err.row == line
    assert problem in str(err) and fix in (err.fix or "")


def test_empty_table_and_wrong_type():
    with pytest.raises(InputError, match=r"no rows.*Fix: run `rot metrics"):
        score(hand_table([{"partner_id": "A", "quarter": "2026Q1"}]).iloc[:0])
    with pytest.raises(InputError, match="expected a pandas DataFrame"):
        score([1, 2, 3])  # type: ignore[arg-type]


def test_frozen_calibration_scores_new_quarters_on_the_same_scale(panel):
    metrics, _ = panel
    data = default_mapping()
    data["categories"]["competence"]["metrics"]["joint_win_rate"]["normalization"] = {
        "method": "percentile"}
    cfg = config_with(**{k: data[k] for k in ("categories",)})
    early = metrics[metrics["quarter_index"] < metrics["quarter_index"].max()]
    published = score(early, cfg)
    later = score(metrics, cfg, calibration=published.calibration)
    both = published.partners.merge(later.partners, on=["partner_id", "quarter"])
    np.testing.assert_array_equal(both["joint_win_rate__score_x"], both["joint_win_rate__score_y"])
    np.testing.assert_array_equal(both["rot_score_x"], both["rot_score_y"])
    refit = score(metrics, cfg)  # re-fitting on more data moves the scale a little
    assert not np.allclose(refit.partners["joint_win_rate__score"],
                           later.partners["joint_win_rate__score"], equal_nan=True)


def test_previous_config_part_of_the_change(small_panel):
    metrics, _ = small_panel
    data = default_mapping()
    data["categories"]["integrity"]["weight"] = 3
    new = config_with(categories=data["categories"])
    result = score(metrics, new, previous_config=None)
    changed = score(metrics, new, previous_config=config_with())
    d = changed.decomposition()
    cfg_part = d[d["item"] == "configuration change"]
    assert len(cfg_part) > 0 and cfg_part["contribution"].abs().max() > 0.1
    sums = d.groupby(["partner_id", "quarter"]).agg(total=("contribution", "sum"),
                                                    change=("change", "first"))
    np.testing.assert_allclose(sums["total"], sums["change"], atol=1e-9)
    # the published score of last quarter is the old config's
    old = score(metrics).partners.set_index(["partner_id", "quarter"])["rot_score"]
    p = changed.partners
    row = p[p["rot_score_change"].notna()].iloc[0]
    prev_q = d.loc[(d["partner_id"] == row["partner_id"]) & (d["quarter"] == row["quarter"]),
                   "previous_quarter"].iloc[0]
    assert row["rot_score_change"] == pytest.approx(
        row["rot_score"] - old.loc[(row["partner_id"], prev_q)])
    assert "configuration change" not in set(result.decomposition()["item"])


def test_decomposition_sums_to_the_change(scored):
    result, _ = scored
    d = result.decomposition()
    sums = d.groupby(["partner_id", "quarter"]).agg(total=("contribution", "sum"),
                                                    change=("change", "first"))
    assert len(sums) > 1000
    np.testing.assert_allclose(sums["total"], sums["change"], atol=1e-9)
    np.testing.assert_allclose(d["score_effect"] + d["weight_effect"], d["contribution"],
                               atol=1e-12)
    p = result.partners.set_index(["partner_id", "quarter"])
    np.testing.assert_allclose(p.loc[sums.index, "rot_score_change"], sums["change"])


def test_next_tier_gaps_reach_the_target(scored):
    result, _ = scored
    gaps = result.next_tier_gaps()
    core = result.core
    latest = result.quarters[-1]
    reach = gaps[gaps["status"] == "reachable"]
    assert reach["partner_id"].nunique() > 50
    assert set(gaps["status"]) <= {"reachable", "top tier", "insufficient data"}
    pos = {(pid, q): i for i, (pid, q) in enumerate(zip(result.partners["partner_id"],
                                                        result.partners["quarter"], strict=True))}
    ids = list(result.config.metric_ids())
    for pid, plan in reach.groupby("partner_id"):
        i = pos[(pid, latest)]
        s = core.scores[i].copy()
        for rec in plan.itertuples():
            s[ids.index(rec.metric)] = rec.target_metric_score
        new = combine(s[None], core.agg.effective_weights[i][None], "arithmetic", 1.0)[0]
        assert new >= plan["target_score"].iloc[0] - 1e-9
        assert (plan["target_metric_score"] >= plan["metric_score"]).all()
        # target values are in the metric's unit and move in its good direction
        for rec in plan.itertuples():
            up = result.config.metric_config(rec.metric)
            assert np.isfinite(rec.target_value) and up is not None


def test_backtest_higher_tiers_do_better_next_quarter(scored):
    result, _ = scored
    bt = result.backtest()
    print(bt.summary())
    corr = bt.correlations.set_index("outcome")
    assert corr["agrees"].all()
    assert corr.loc["win_rate", "ci_low"] > 0 and corr.loc["escalation_rate", "ci_high"] < 0
    wins = bt.by_tier[bt.by_tier["outcome"] == "win_rate"].set_index("tier")["estimate"]
    tiers = [t for t in result.config.tier_names() if t in wins.index]
    assert len(tiers) == 4
    assert list(wins.loc[tiers]) == sorted(wins.loc[tiers], reverse=True)
    dec = bt.by_bin[bt.by_bin["outcome"] == "win_rate"]
    assert dec["estimate"].iloc[-1] > dec["estimate"].iloc[0]
    assert (dec["ci_low"] <= dec["estimate"]).all() and (dec["estimate"] <= dec["ci_high"]).all()


def test_robustness_outputs(scored):
    result, _ = scored
    p = result.partners
    probs = [c for c in p.columns if c.startswith("p_tier__")]
    assert len(probs) == 5
    np.testing.assert_allclose(p[probs].sum(axis=1), 1.0)
    scored_rows = p["rot_score"].notna()
    assert (p.loc[scored_rows, "rank_p05"] <= p.loc[scored_rows, "rank_p95"]).all()
    assert p["tier_unstable"].dtype == bool
    assert (p["tier_unstable"] == (p["tier_stability"] < 0.8)).all()
    assert p.loc[p["tier_unstable"], "flags"].str.contains("tier unstable").all()
    assert "draws over weights" in result.summary()


def test_robustness_without_spread_is_certain(small_panel):
    metrics, _ = small_panel
    cfg = config_with(robustness={"weight_spread": 0.0, "normalizations": ["goalposts"]})
    p = score(metrics, cfg, robustness_draws=20).partners
    ok = p["rot_score"].notna()
    assert (p.loc[ok, "tier_stability"] == 1.0).all()
    np.testing.assert_allclose(p.loc[ok, "rank_p05"], p.loc[ok, "rank_p95"])
    # average ranks of the draws equal the configured ranking ("min" ties aside)
    assert (p.loc[ok, "rank_p50"] >= p.loc[ok, "rank"]).all()


def test_robustness_is_seeded_and_can_be_limited_to_quarters(small_panel):
    metrics, _ = small_panel
    a = score(metrics, robustness_draws=50, seed=9, robustness_quarters=["2025Q3"])
    b = score(metrics, robustness_draws=50, seed=9, robustness_quarters=["2025Q3"])
    pd.testing.assert_frame_equal(a.robustness.per_row, b.robustness.per_row)
    assert set(a.robustness.per_row["quarter"]) == {"2025Q3"}
    assert a.partners.loc[a.partners["quarter"] != "2025Q3", "tier_stability"].isna().all()
    with pytest.raises(AnalysisError, match="not in the data"):
        score(metrics, robustness_draws=5, robustness_quarters=["1999Q1"])


def test_reliability_alpha_matches_the_covariance_formula(scored):
    result, _ = scored
    rel = result.reliability
    p = result.partners
    for cat in ("reliability", "integrity"):
        cols = [f"{m}__score" for m in result.config.categories[cat].metrics]
        x = p[cols].dropna().to_numpy()
        c = np.cov(x, rowvar=False)
        k = len(cols)
        alpha = k / (k - 1) * (1 - np.trace(c) / c.sum())
        got = rel.alpha.set_index("category").loc[cat, "cronbach_alpha"]
        assert got == pytest.approx(alpha, rel=1e-12)
    assert set(rel.correlations["flag"]) <= {"", "redundant", "contradicting"}
    assert "Cronbach" in rel.summary()


def test_reliability_flags_redundant_and_contradicting_metrics(small_panel):
    metrics, _ = small_panel
    m = metrics.copy()
    # make SLA adherence a copy of on-time delivery (redundant) and rework track it (a
    # lower-is-better metric moving *with* a good one scores against it: contradicting)
    for suffix in ("", "__num", "__den"):
        m[f"sla_adherence_rate{suffix}"] = m[f"on_time_delivery_rate{suffix}"]
    m["rework_rate__num"] = 0.4 * m["on_time_delivery_rate__num"]
    m["rework_rate__den"] = m["on_time_delivery_rate__den"]
    m["rework_rate"] = 0.4 * m["on_time_delivery_rate"]
    pairs = score(m).reliability.correlations.set_index(["metric_a", "metric_b"])
    assert pairs.loc[("on_time_delivery_rate", "sla_adherence_rate"), "flag"] == "redundant"
    assert pairs.loc[("on_time_delivery_rate", "rework_rate"), "flag"] == "contradicting"


def test_every_output_serializes(scored):
    result, _ = scored
    text = json.dumps(result.to_dict())
    assert "NaN" not in text and "rot_score" in text
    json.dumps(result.robustness.to_dict())
    json.dumps(result.backtest().to_dict())
    tidy = result.tidy()
    n = len(result.partners)
    assert len(tidy) == n * (12 + 4 + 1 + 1)
    assert set(tidy["level"]) == {"metric", "category", "overall", "tier"}
    first = tidy[(tidy["partner_id"] == result.partners["partner_id"].iloc[0])
                 & (tidy["quarter"] == result.partners["quarter"].iloc[0])]
    assert first["level"].tolist()[:12] == ["metric"] * 12
    assert result.to_frame().equals(result.partners)
    cards = result.metric_cards()
    assert len(cards) == 12 and cards["weight_in_rot_score"].sum() == pytest.approx(1)
    assert {"definition", "owner", "sources", "normalization", "evidence"} <= set(cards.columns)
    port = result.portfolio_ratio()
    assert len(port) == 8 and (port["rot_ratio_status"] == "ok").all()
    ben = result.benefits()
    assert {"lead_routing_priority", "beta_access", "milestones"} <= set(ben.columns)
    prob = ben[ben["tier"] == "Probation"]
    assert prob["milestones"].str.contains(r"due 2027Q1").all()


def test_plots_return_figures(scored):
    import matplotlib.pyplot as plt

    result, _ = scored
    pid = result.partners["partner_id"].iloc[0]
    for fig in (result.plot_tiers(), result.plot_scores(), result.plot_decomposition(pid),
                result.plot_robustness(), result.plot_backtest(), result.plot_backtest(by="bin")):
        assert fig.axes
        plt.close(fig)


def test_hostile_partner_names_are_plain_text_in_plots(small_panel):
    import matplotlib.pyplot as plt

    metrics, _ = small_panel
    m = metrics.copy()
    m["partner_id"] = m["partner_id"].str.replace("P0000", "$\\frac{<script>}{x}$_")
    result = score(m)
    pid = result.partners["partner_id"].iloc[-1]
    fig = result.plot_decomposition(pid)
    fig.canvas.draw()  # mathtext would fail on this id if it were parsed
    assert pid in fig.axes[0].get_title()
    plt.close(fig)


def test_geometric_aggregation_end_to_end(small_panel):
    metrics, _ = small_panel
    geo = score(metrics, config_with(aggregation="geometric"))
    ari = score(metrics)
    ok = geo.partners["rot_score"].notna()
    assert (geo.partners.loc[ok, "rot_score"] <= ari.partners.loc[ok, "rot_score"] + 1e-9).all()
    d = geo.decomposition()
    sums = d.groupby(["partner_id", "quarter"]).agg(t=("contribution", "sum"),
                                                    c=("change", "first"))
    np.testing.assert_allclose(sums["t"], sums["c"], atol=1e-9)

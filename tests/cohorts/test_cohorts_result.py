"""The result object: sentences built from its own numbers, serialization, plots,
invariance to input order, and untrusted text left for the report layer to escape."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from cohort_testdata import build, varied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotlib.cohorts import CohortConfig, compare_cohorts
from rotlib.cohorts.reading import sentence
from rotlib.cohorts.result import TIDY_COLUMNS


@pytest.fixture(scope="module")
def result(small_sim):
    cfg = CohortConfig(bootstrap_draws=200)
    return compare_cohorts(small_sim.scored, small_sim.outcomes, cfg, quarter=small_sim.quarter)


def _row(t, outcome, role="primary", adjusted=True, window=1):
    sel = t.loc[(t["outcome"] == outcome) & (t["role"] == role) & (t["window"] == window)
                & (t["adjusted"] == adjusted)]
    return sel.iloc[0]


def test_tidy_table_shape_and_headline(result):
    t = result.tidy()
    assert list(t.columns) == TIDY_COLUMNS
    head = result.headline()
    assert len(head) == 5 and (head["window"] == 1).all() and head["adjusted"].all()
    assert t.loc[t["outcome"] == "win_rate", "circular"].all()
    assert not t.loc[t["outcome"] == "renewal_rate", "circular"].any()
    # ratios are exp(log-scale estimates); differences are left as they are
    ratio = t.loc[t["log_scale"] & t["estimable"]]
    assert np.allclose(ratio["effect"], np.exp(ratio["estimate"]))
    diff = t.loc[~t["log_scale"] & t["estimable"]]
    assert np.allclose(diff["effect"], diff["estimate"])


def test_sentences_quote_numbers_from_the_result(result):
    t = result.tidy()
    text = result.sentences
    win = next(s for s in text if "closed deals" in s and "quarter after" in s)
    w = _row(t, "win_rate")
    assert f"{w['value_level']:.1%}" in win and f"{w['value_reference']:.1%}" in win
    assert f"odds ratio {w['effect']:.2f}" in win
    assert f"95% CI {w['effect_low']:.2f} to {w['effect_high']:.2f}" in win
    d = _row(t, "win_rate", role="effect size", adjusted=False)
    assert f"{abs(d['estimate']) * 100:.1f} percentage points" in win

    cyc = next(s for s in text if "closed won deals" in s and "quarter after" in s)
    m = _row(t, "median_cycle_days_won", role="effect size", adjusted=False)
    word = "faster" if m["estimate"] < 0 else "slower"
    assert f"{abs(m['estimate']):.0f} days {word}" in cyc
    assert f"{m['value_level']:.0f} vs {m['value_reference']:.0f} days" in cyc
    r = _row(t, "median_cycle_days_won")
    assert f"ratio of means {r['effect']:.2f}" in cyc

    esc = next(s for s in text if "escalations per 100 tickets" in s and "quarter after" in s)
    e = _row(t, "escalation_rate")
    assert f"{e['value_level'] * 100:.1f} escalations per 100 tickets" in esc
    assert f"rate ratio {e['effect']:.2f}" in esc
    assert f"Holm-adjusted {'p < 0.001' if e['p_adjusted'] < 0.001 else 'p ='}" in esc


def test_days_faster_sentence_reads_like_the_issue():
    # a hand-made table: won deals 11 days faster at the median, 95% CI 6 to 16
    base = {"outcome": "median_cycle_days_won", "window": 1, "quarter": "2026Q3",
            "level": "above", "reference": "below", "adjusted_for": "size", "estimable": True,
            "inference": True, "note": "", "value_unit": "median days"}
    tidy = pd.DataFrame([
        {**base, "role": "primary", "adjusted": True, "effect_label": "ratio of means",
         "effect": 0.82, "effect_low": 0.75, "effect_high": 0.9, "p_adjusted": 0.004,
         "value_level": 41.0, "value_reference": 52.0},
        {**base, "role": "effect size", "adjusted": False, "estimate": -11.0, "ci_low": -16.0,
         "ci_high": -6.0, "value_level": 41.0, "value_reference": 52.0,
         "method": "partner-cluster bootstrap"},
    ])
    labels = {"above": "above-threshold partners", "below": "below-threshold partners"}
    s = sentence(tidy, "median_cycle_days_won", 1, "above", labels, 0.95, "holm")
    assert ("above-threshold partners closed won deals 11 days faster than below-threshold "
            "partners at the median (41 vs 52 days, crude; 95% CI 6 to 16)") in s
    assert "mean cycle time ratio of means 0.82 (95% CI 0.75 to 0.90, adjusted for size" in s
    assert "Holm-adjusted p = 0.004" in s


def test_untrusted_tier_names_are_passed_through_unescaped_and_no_html_is_built():
    hostile = "<script>alert('x')</script> & Co"
    partners = varied(15, 15, seed=3)
    for p in partners[:15]:
        p.tier = hostile
    for p in partners[15:]:
        p.tier = "Probation"
    scored, outcomes = build(partners)
    cfg = CohortConfig(by="tier", bootstrap_draws=0, rdd=False, min_cohort_size=10,
                       p_value_floor=5, tier_order=("Probation", hostile, "Developing",
                                                    "Trusted", "Strategic"))
    result = compare_cohorts(scored, outcomes, cfg, quarter="2026Q2")
    text = " ".join(result.sentences) + result.summary()
    assert hostile in text  # verbatim: escaping is the report layer's job
    assert "&lt;" not in text and "&amp;" not in text
    assert text.replace(hostile, "").count("<") == 0  # no markup of our own


def test_to_dict_is_strict_json(result):
    d = result.to_dict()
    text = json.dumps(d, allow_nan=False)
    back = json.loads(text)
    assert back["quarter"] == result.quarter
    assert len(back["estimates"]) == len(result.estimates)
    assert back["transitions"]["quarter_to"] == "2026Q3"
    assert back["config"]["correction"] == "holm"


def test_summary_mentions_the_headline_and_guard_rails(result):
    s = result.summary()
    assert "headline is Q+1" in s
    assert "Holm" in s and "Circularity: win_rate" in s
    assert "Balance:" in s and "Movement 2026Q2 -> 2026Q3" in s


def test_plots_return_figures(result):
    fig = result.plot_forest()
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert len(ax.get_yticks()) == int((result.estimates["log_scale"]
                                        & result.estimates["estimable"]
                                        & result.estimates["role"].isin(
                                            ["primary", "cross-check"])).sum())
    fig2 = result.plot_transitions()
    assert fig2.axes[0].get_title().startswith("Tier transitions")
    import matplotlib.pyplot as plt

    plt.close(fig)
    plt.close(fig2)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**31 - 1))
def test_input_row_order_does_not_change_anything(small_sim, seed):
    cfg = CohortConfig(bootstrap_draws=100, rdd=False, windows=(1,))
    base = compare_cohorts(small_sim.scored, small_sim.outcomes, cfg,
                           quarter=small_sim.quarter).tidy()
    rng = np.random.default_rng(seed)
    shuffled = {k: v.iloc[rng.permutation(len(v))] for k, v in small_sim.outcomes.items()}
    scored = small_sim.scored.iloc[rng.permutation(len(small_sim.scored))]
    other = compare_cohorts(scored, shuffled, cfg, quarter=small_sim.quarter).tidy()
    pd.testing.assert_frame_equal(base, other, check_exact=False, rtol=1e-9, atol=1e-9)


def test_default_quarter_is_the_latest_with_a_next_quarter_in_the_data(small_sim):
    cfg = CohortConfig(bootstrap_draws=0, rdd=False, windows=(1,), outcomes=("win_rate",))
    result = compare_cohorts(small_sim.scored, small_sim.outcomes, cfg)
    assert result.quarter == "2026Q2"  # 2026Q3 is scored too, but has no Q+1 data


def test_tier_cohorts_compare_each_tier_with_the_lowest(small_sim):
    cfg = CohortConfig(by="tier", bootstrap_draws=0, rdd=False, windows=(1,))
    result = compare_cohorts(small_sim.scored, small_sim.outcomes, cfg,
                             quarter=small_sim.quarter)
    assert result.cohorts.levels == ("Probation", "Developing", "Trusted", "Strategic")
    head = result.headline()
    assert len(head) == 5 * 3 and set(head["reference"]) == {"Probation"}
    # the multiplicity family holds every tier contrast of the window
    assert "15 tests in Q+1 (2026Q3) adjusted" in result.correction_note

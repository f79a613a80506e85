"""Transitions, balance and multiplicity: hand-checked examples and invariants."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pandas as pd
import pytest
from cohort_testdata import build, varied
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from rotlib.cohorts import CohortConfig
from rotlib.cohorts.balance import standardized_differences
from rotlib.cohorts.cohorts import assign_cohorts
from rotlib.cohorts.multiplicity import adjust_p_values, benjamini_hochberg, holm
from rotlib.cohorts.transitions import NOT_SCORED, tier_transitions
from rotlib.errors import AnalysisError


def _panel(rows: list[tuple[str, int, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["partner_id", "quarter_index", "rot_score", "tier"])


ORDER = ("Probation", "Developing", "Trusted", "Strategic")
Q = 8105


def test_transition_counts_shares_and_movers_by_hand():
    scored = _panel([
        ("a", Q, 65, "Trusted"), ("a", Q + 1, 85, "Strategic"),      # up
        ("b", Q, 65, "Trusted"), ("b", Q + 1, 50, "Developing"),     # down
        ("c", Q, 45, "Developing"), ("c", Q + 1, 47, "Developing"),  # stays
        ("d", Q, 45, "Developing"),                                  # leaves
        ("e", Q + 1, 30, "Probation"),                               # enters
        ("f", Q, np.nan, "insufficient data"), ("f", Q + 1, 62, "Trusted"),
    ])
    decomposition = pd.DataFrame({
        "partner_id": ["a", "a", "a", "b", "b"],
        "quarter_index": [Q + 1] * 5,
        "metric": ["joint_win_rate", "sla_adherence_rate", "rework_rate", "dispute_rate",
                   "joint_win_rate"],
        "contribution": [12.0, 9.0, -1.0, -14.0, -1.0],
    })
    t = tier_transitions(scored, Q, tier_order=ORDER, decomposition=decomposition)
    assert t.counts.loc["Trusted", "Strategic"] == 1
    assert t.counts.loc["Trusted", "Developing"] == 1
    assert t.counts.loc["Developing", NOT_SCORED] == 1
    assert t.counts.loc[NOT_SCORED, "Probation"] == 1
    assert t.counts.loc["insufficient data", "Trusted"] == 1
    assert t.counts.to_numpy().sum() == 6
    assert t.shares.loc["Trusted", "Strategic"] == 0.5
    mv = t.movers.set_index("partner_id")
    assert mv.loc["a", "direction"] == "up" and mv.loc["b", "direction"] == "down"
    assert mv.loc["d", "direction"] == "left" and mv.loc["e", "direction"] == "entered"
    assert "c" not in mv.index
    # why: the largest contributions in the direction of the move, in order
    assert mv.loc["a", "why"] == ("score +20.0 points (joint_win_rate +12.0, "
                                  "sla_adherence_rate +9.0)")
    assert mv.loc["b", "why"] == "score -15.0 points (dispute_rate -14.0, joint_win_rate -1.0)"


def test_decomposition_in_the_scoring_engines_shape():
    # rotlib.scoring's ScoreResult.decomposition(): quarter = the later quarter; "item"
    # is the metric, "category" its category; "change" is the total, not a contribution
    scored = _panel([("a", Q, 65, "Trusted"), ("a", Q + 1, 45, "Developing")])
    decomposition = pd.DataFrame({
        "partner_id": ["a", "a"], "quarter": ["2026Q3", "2026Q3"],
        "previous_quarter": ["2026Q2", "2026Q2"],
        "item": ["sla_adherence_rate", "policy_compliance_rate"],
        "category": ["reliability", "integrity"], "contribution": [-15.0, -5.0],
        "change": [-20.0, -20.0]})
    t = tier_transitions(scored, Q, tier_order=ORDER, decomposition=decomposition)
    assert t.movers.loc[0, "why"] == ("score -20.0 points (sla_adherence_rate -15.0, "
                                      "policy_compliance_rate -5.0)")


def test_decomposition_in_an_unknown_shape_is_a_clear_error():
    scored = _panel([("a", Q, 65, "Trusted"), ("a", Q + 1, 85, "Strategic")])
    with pytest.raises(AnalysisError, match="component column"):
        tier_transitions(scored, Q, decomposition=pd.DataFrame({"partner_id": ["a"]}))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from([None, *ORDER]),
                          st.sampled_from([None, *ORDER])), min_size=1, max_size=40,
                unique_by=lambda r: r[0]))
def test_every_partner_is_counted_once_and_rows_sum_to_one(rows):
    data = []
    for pid, t0, t1 in rows:
        if t0:
            data.append((f"p{pid}", Q, 10.0 + 20 * ORDER.index(t0), t0))
        if t1:
            data.append((f"p{pid}", Q + 1, 10.0 + 20 * ORDER.index(t1), t1))
    if not data:
        return
    t = tier_transitions(_panel(data), Q, tier_order=ORDER)
    partners = {p for p, *_ in data}
    assert t.counts.to_numpy().sum() == len(partners)
    sums = t.shares.sum(axis=1)
    has = t.counts.sum(axis=1) > 0
    assert np.allclose(sums[has], 1.0)
    moved = sum(1 for _, a, b in rows if (a or NOT_SCORED) != (b or NOT_SCORED) and (a or b))
    assert len(t.movers) == moved


# ---------------------------------------------------------------------------------------
def test_standardized_differences_by_hand():
    scored, outcomes = build(varied(4, 4, seed=1))
    for i, size in enumerate(["large", "large", "large", "small",   # above: 3/4 large
                              "large", "small", "small", "small"]):  # below: 1/4 large
        scored.loc[scored["partner_id"] == f"P{i:04d}", "size"] = size
    co = assign_cohorts(scored, Q, CohortConfig(), outcomes["partners"])
    bal = standardized_differences(co, ("size",)).set_index("value")
    p1, p0 = 0.75, 0.25
    want = (p1 - p0) / np.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
    assert bal.loc["large", "smd"] == pytest.approx(want)
    assert bal.loc["small", "smd"] == pytest.approx(-want)
    assert bal.loc["large", "imbalanced"]


def test_identical_mix_has_zero_smd():
    partners = varied(6, 6, seed=2)
    for i, p in enumerate(partners):
        p.size = "large" if i % 2 else "small"
        p.region, p.partner_type = "emea", "isv"
    scored, outcomes = build(partners)
    co = assign_cohorts(scored, Q, CohortConfig(), outcomes["partners"])
    bal = standardized_differences(co)
    assert np.allclose(bal["smd"], 0.0) and not bal["imbalanced"].any()


# ---------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=12))
def test_holm_and_bh_equal_statsmodels(p):
    p = np.array(p)
    # statsmodels' Holm branch runs gc.collect() on every call (the reason rotlib writes
    # the formulas out); switch it off here so the comparison stays fast
    with mock.patch("gc.collect", return_value=0):
        ref_holm = multipletests(p, method="holm")[1]
        ref_bh = multipletests(p, method="fdr_bh")[1]
    assert np.allclose(holm(p), ref_holm, atol=1e-15)
    assert np.allclose(benjamini_hochberg(p), ref_bh, atol=1e-15)
    assert (holm(p) >= p - 1e-15).all() and (benjamini_hochberg(p) >= p - 1e-15).all()
    assert (benjamini_hochberg(p) <= holm(p) + 1e-15).all()


def test_families_are_window_and_adjustment_and_skip_missing_p_values():
    table = pd.DataFrame({
        "window": [1, 1, 1, 1, 0, 1],
        "adjusted": [True, True, True, False, True, True],
        "role": ["primary", "primary", "primary", "primary", "primary", "cross-check"],
        "p_value": [0.01, 0.04, np.nan, 0.01, 0.01, 0.001],
    })
    adj, sizes = adjust_p_values(table, "holm")
    assert adj.tolist()[:2] == pytest.approx([0.02, 0.04])
    assert np.isnan(adj[2]) and np.isnan(adj[5])
    assert adj[3] == pytest.approx(0.01) and adj[4] == pytest.approx(0.01)
    assert sizes == {(0, True): 1, (1, False): 1, (1, True): 2}

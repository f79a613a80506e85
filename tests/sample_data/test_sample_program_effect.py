"""The planted bootcamp effect is visible in the raw data and matches truth.json."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _sample_panels import (
    bootstrap_se,
    escalation_panel,
    median_cycle_panel,
    pooled_did,
    start_quarters,
    treated_cells,
    win_panel,
    window_labels,
)

PANELS = {"win_rate": win_panel, "escalation_rate": escalation_panel}
POOLED_TRUTH = {"win_rate": "deal_weighted_att", "escalation_rate": "ticket_weighted_att"}


def _established_start(frames, truth, program=0):
    """Start quarter per partner; -2 for partners who joined during the window (they enter
    the never-treated group mid-window, which biases a pooled DiD without unit effects)."""
    start = start_quarters(truth, program)
    partners = frames["partners"].set_index("partner_id").loc[truth["trust"]["partner_ids"]]
    window_start = pd.Timestamp(truth["calendar"]["window_quarters"][0]["start"])
    joined = pd.to_datetime(partners["joined_date"]).to_numpy()
    return np.where(joined < window_start.to_datetime64(), start, -2)


def _did(frames, truth, outcome, program=0):
    succ, trials = PANELS[outcome](frames, truth)
    start = _established_start(frames, truth, program)
    estimate = pooled_did(succ, trials, start)
    se = bootstrap_se(lambda w: pooled_did(succ, trials, start, w), len(start))
    return estimate, se


@pytest.mark.parametrize("outcome", ["win_rate", "escalation_rate"])
def test_simple_did_in_raw_data_recovers_planted_effect(mid_sample, mid_frames, outcome):
    truth = mid_sample.truth
    planted = truth["programs"][0]["effects"][outcome][POOLED_TRUTH[outcome]]
    estimate, se = _did(mid_frames, truth, outcome)
    assert abs(planted) > 2.0                      # a real effect was planted ...
    assert abs(estimate) > 8 * se                  # ... it is plainly visible ...
    assert np.sign(estimate) == np.sign(planted)
    assert abs(estimate - planted) < 4 * se        # ... and recovered within noise


@pytest.mark.parametrize("outcome", ["win_rate", "escalation_rate"])
def test_simple_did_finds_nothing_without_program_effect(mid_no_effect, mid_no_effect_frames,
                                                         outcome):
    estimate, se = _did(mid_no_effect_frames, mid_no_effect.truth, outcome)
    assert abs(estimate) < 4 * se


def test_placebo_program_has_no_effect(mid_sample, mid_frames):
    truth = mid_sample.truth
    placebo = truth["programs"][1]
    assert placebo["has_effect"] is False and placebo["n_treated"] > 100
    estimate, se = _did(mid_frames, truth, "win_rate", program=1)
    assert abs(estimate) < 4 * se


def test_counterfactual_truth_equals_the_no_effect_run(mid_sample, mid_frames,
                                                       mid_no_effect_frames):
    """Same seed with program_effect=0 is the exact counterfactual (common random
    numbers): the cycle-days and realised win-rate truths are reproduced from raw data."""
    truth = mid_sample.truth
    frames0 = mid_no_effect_frames
    start = start_quarters(truth)
    cells = treated_cells(start, len(window_labels(truth)))
    effects = truth["programs"][0]["effects"]

    y1, y0 = median_cycle_panel(mid_frames, truth), median_cycle_panel(frames0, truth)
    both = cells & np.isfinite(y1) & np.isfinite(y0)
    cycle = effects["median_cycle_days_won"]
    assert int(both.sum()) == cycle["n_partner_quarters"]
    assert np.mean(y1[both] - y0[both]) == pytest.approx(cycle["att"], abs=1e-5)
    assert cycle["att"] < -2.0

    (w1, n1), (w0, n0) = win_panel(mid_frames, truth), win_panel(frames0, truth)
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = 100 * (w1 / n1 - w0 / n0)
    ok = cells & (n1 > 0) & (n0 > 0)
    check = effects["win_rate"]["counterfactual_check"]
    assert np.mean(diff[ok]) == pytest.approx(check["att"], abs=1e-5)
    # the realised (common-random-numbers) effect agrees with the expected one
    assert check["att"] == pytest.approx(effects["win_rate"]["att"], abs=0.6)


def test_expected_escalation_effect_matches_realised_difference(mid_sample, mid_frames,
                                                                mid_no_effect_frames):
    truth = mid_sample.truth
    start = start_quarters(truth)
    cells = treated_cells(start, len(window_labels(truth)))
    (e1, n1), (e0, n0) = escalation_panel(mid_frames, truth), escalation_panel(
        mid_no_effect_frames, truth)
    assert (n1 == n0).all()                       # same tickets, only escalation changes
    realised = 100 * (e1[cells].sum() - e0[cells].sum()) / n1[cells].sum()
    expected = truth["programs"][0]["effects"]["escalation_rate"]["ticket_weighted_att"]
    assert realised == pytest.approx(expected, abs=0.35)


def test_no_effect_run_changes_only_program_outcomes(mid_frames, mid_no_effect_frames):
    frames0 = mid_no_effect_frames
    for name in ("partners", "deliverables", "certifications", "policy_checks",
                 "security_reviews", "mdf_allocations", "account_health", "joint_activities",
                 "interventions"):
        pd.testing.assert_frame_equal(mid_frames[name], frames0[name], obj=name)
    keep_opp = [c for c in mid_frames["opportunities"] if c not in ("stage", "closed_date")]
    pd.testing.assert_frame_equal(mid_frames["opportunities"][keep_opp],
                                  frames0["opportunities"][keep_opp])
    keep_tk = [c for c in mid_frames["tickets"] if c != "escalated"]
    pd.testing.assert_frame_equal(mid_frames["tickets"][keep_tk], frames0["tickets"][keep_tk])
    assert not mid_frames["tickets"]["escalated"].equals(frames0["tickets"]["escalated"])

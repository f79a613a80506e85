"""truth.json is complete and consistent with the data it describes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from _sample_panels import start_quarters, trust_matrix, window_labels

from rotlib.calendar import FiscalCalendar
from rotlib.contract import TABLES
from rotlib.sample_data import params as P
from rotlib.sample_data.writer import dump_truth

TOP_KEYS = {"generator", "truth_version", "seed", "parameters", "calendar", "row_counts",
            "trust", "trust_link", "behaviour_link", "tiers", "tricky_partner_names",
            "programs"}
EFFECT_KEYS = {"metric", "unit", "estimand", "att", "n_partner_quarters", "by_event_time",
               "by_cohort_time", "cs_simple", "cs_dynamic", "cs_group"}


def test_truth_is_complete(mid_sample):
    truth, config = mid_sample.truth, mid_sample.truth["parameters"]
    assert set(truth) == TOP_KEYS
    assert truth["seed"] == config["seed"] == 5
    labels = window_labels(truth)
    assert len(labels) == config["quarters"] and labels[0] == config["start"]
    assert trust_matrix(truth).shape == (config["partners"], config["quarters"])
    assert truth["trust"]["partner_ids"] == mid_sample.tables["partners"]["partner_id"].to_pylist()
    assert truth["row_counts"] == {t: mid_sample.tables[t].num_rows for t in
                                   (s.name for s in TABLES)}
    for program in truth["programs"]:
        assert set(program["first_treated_quarter"]) == set(truth["trust"]["partner_ids"])
        for effect in program["effects"].values():
            assert set(effect) >= EFFECT_KEYS
    assert truth["trust_link"]["coefficients_at_link_1"] == P.OUTCOME_LINK
    # serialisable without NaN, and round-trips
    assert json.loads(dump_truth(truth)) == json.loads(json.dumps(truth))


def test_first_treated_quarter_matches_interventions(mid_sample, mid_frames):
    truth = mid_sample.truth
    iv = mid_frames["interventions"]
    cal = FiscalCalendar(truth["calendar"]["fiscal_start_month"])
    for program in truth["programs"]:
        rows = iv[iv["program"] == program["name"]]
        assert len(rows) == program["n_treated"]
        quarter = cal.quarter_label(pd.to_datetime(rows["start_date"]))
        assert dict(zip(rows["partner_id"], quarter, strict=True)) == {
            pid: q for pid, q in program["first_treated_quarter"].items() if q is not None}
        assert set(rows["partner_id"]) == set(program["start_date"])
    boot = truth["programs"][0]
    assert len(boot["waves"]) >= 2 and boot["n_never_treated"] > boot["n_treated"] * 0.5
    starts = pd.to_datetime(iv.loc[iv["program"] == boot["name"], "start_date"])
    assert (starts.dt.day != 1).any() and (starts.dt.day == 1).any()   # some mid-quarter
    # waves leave at least one pre-quarter and one post-quarter
    assert window_labels(truth)[0] not in boot["waves"]
    assert window_labels(truth)[-1] not in boot["waves"]


def test_selection_on_observables_not_on_trust(mid_sample, mid_frames):
    truth = mid_sample.truth
    partners = mid_frames["partners"].set_index("partner_id").loc[truth["trust"]["partner_ids"]]
    treated = start_quarters(truth) >= 0
    share = pd.Series(treated, index=partners.index).groupby(
        partners["partner_type"].to_numpy()).mean()
    assert share["referral"] < share["systems_integrator"] - 0.2
    z0 = trust_matrix(truth)[:, 0]
    for ptype in partners["partner_type"].unique():
        sel = (partners["partner_type"] == ptype).to_numpy()
        a, b = z0[sel & treated], z0[sel & ~treated]
        se = np.sqrt(a.var() / a.size + b.var() / b.size)
        assert abs(a.mean() - b.mean()) < 4 * se, ptype


def test_planted_effects_have_the_documented_shape(mid_sample):
    effects = mid_sample.truth["programs"][0]["effects"]
    win = effects["win_rate"]["by_event_time"]
    assert win["0"]["att"] < win["1"]["att"] < win["2"]["att"] < win["3"]["att"]
    assert 4.0 < effects["win_rate"]["att"] < 12.0
    assert effects["escalation_rate"]["att"] < -1.5
    assert effects["median_cycle_days_won"]["att"] < -2.0
    for effect in effects.values():
        cells = effect["by_cohort_time"]
        assert all(c["event_time"] >= 0 for c in cells)
        n = sum(c["n_partners_defined"] for c in cells)
        mean = sum(c["att"] * c["n_partners_defined"] for c in cells) / n
        assert n == effect["n_partner_quarters"]
        assert mean == pytest.approx(effect["att"], abs=1e-4)


def test_zero_scale_and_placebo_plant_nothing(mid_sample, mid_no_effect):
    for program in mid_no_effect.truth["programs"] + [mid_sample.truth["programs"][1]]:
        for effect in program["effects"].values():
            assert effect["att"] == 0.0
            assert all(v["att"] == 0.0 for v in effect["by_event_time"].values())
        assert all(x == 0.0 for x in program["planted"]["win_logit_by_event_time"])
    # the same partners are treated whatever the effect size
    assert (mid_no_effect.truth["programs"][0]["first_treated_quarter"]
            == mid_sample.truth["programs"][0]["first_treated_quarter"])


def test_trust_link_is_recorded_scaled(mid_no_link, mid_sample):
    assert all(v == 0.0 for v in
               mid_no_link.truth["trust_link"]["coefficients_per_trust_unit"].values())
    assert mid_sample.truth["trust_link"]["coefficients_per_trust_unit"] == P.OUTCOME_LINK
    # latent trust does not depend on the link: same world, same trust
    assert mid_no_link.truth["trust"]["values"] == mid_sample.truth["trust"]["values"]


def test_trust_is_stationary_and_drifts(mid_sample):
    z = trust_matrix(mid_sample.truth)
    means = z.mean(axis=0)
    assert np.ptp(means) < 0.08                       # no common trend
    changes = np.diff(z, axis=1)
    assert 0.3 < changes.std() < 0.5                  # but each partner drifts
    lag1 = np.corrcoef(z[:, :-1].ravel(), z[:, 1:].ravel())[0, 1]
    assert 0.8 < lag1 < 0.95

"""Each credibility check does its job on data where the answer is known."""

from __future__ import annotations

import pyfixest as pf
import pytest

from rotlib.lift import checks as ck
from rotlib.lift.data import prepare_panel
from rotlib.lift.estimators import EstimateOptions, estimate_prepared
from rotlib.lift.event_study import event_study_prepared

SETTINGS = ck.CheckSettings(permutations=99, seed=5)


def _prep(sim, **kw):
    return prepare_panel(
        sim.panel, unit="unit", period="period", outcome="y", first_treated="first_treated", **kw
    )


def test_placebos_pass_under_parallel_trends(staggered) -> None:
    p = _prep(staggered)
    dates = ck.placebo_fake_dates(p, "cs", EstimateOptions(), SETTINGS)
    treated = ck.placebo_fake_treated(p, "cs", EstimateOptions(), SETTINGS)
    print(dates.message, treated.message, sep="\n")
    assert dates.status == "pass" and dates.details["shift"] == 2
    assert treated.status == "pass" and treated.details["n_treated"] == 80


def test_fake_dates_placebo_catches_diverging_trends(trending) -> None:
    r = ck.placebo_fake_dates(_prep(trending), "cs", EstimateOptions(), ck.CheckSettings(alpha=0.1))
    assert r.estimate > 0 and r.status == "fail"


def test_fake_dates_placebo_is_skipped_without_enough_history() -> None:
    from rotlib.lift.simulate import simulate_staggered_panel

    sim = simulate_staggered_panel(n_units=100, n_periods=6, cohorts=(2,), seed=1)
    r = ck.placebo_fake_dates(_prep(sim), "cs", EstimateOptions(), SETTINGS)
    assert r.status == "skipped" and "fewer than two quarters" in r.message


def test_placebos_run_for_2x2(single_wave) -> None:
    p = _prep(single_wave)
    opts = EstimateOptions()
    assert ck.placebo_fake_dates(p, "2x2", opts, SETTINGS).status in ("pass", "fail")
    assert ck.placebo_fake_treated(p, "2x2", opts, SETTINGS).status == "pass"


def test_randomization_inference_with_few_treated(few_treated, null_panel) -> None:
    p = _prep(few_treated)
    observed = estimate_prepared(p, "cs", EstimateOptions()).estimate
    ri = ck.randomization_inference(p, "cs", EstimateOptions(), observed, SETTINGS)
    print(ri.message)
    assert ri.status == "pass" and ri.p_value == pytest.approx(0.01)  # 1 / (1 + 99)
    # under the null the permutation p-value is not small
    from rotlib.lift.simulate import no_effect, simulate_staggered_panel

    sim0 = simulate_staggered_panel(
        n_units=400,
        n_periods=10,
        cohorts=(5, 7),
        seed=3,
        never_treated_share=0.95,
        effect=no_effect,
    )
    p0 = _prep(sim0)
    obs0 = estimate_prepared(p0, "cs", EstimateOptions()).estimate
    ri0 = ck.randomization_inference(p0, "cs", EstimateOptions(), obs0, SETTINGS)
    assert ri0.p_value > 0.05 and ri0.status == "warn"


def test_randomization_inference_is_skipped_with_many_treated(staggered) -> None:
    r = ck.randomization_inference(_prep(staggered), "cs", EstimateOptions(), 0.03, SETTINGS)
    assert r.status == "skipped" and "240 treated" in r.message


def test_randomization_inference_for_twfe_is_seeded(few_treated) -> None:
    p = _prep(few_treated)
    obs = estimate_prepared(p, "twfe", EstimateOptions()).estimate
    quick = ck.CheckSettings(permutations=39, seed=5)
    a = ck.randomization_inference(p, "twfe", EstimateOptions(), obs, quick)
    b = ck.randomization_inference(p, "twfe", EstimateOptions(), obs, quick)
    assert a.p_value == b.p_value and a.details["null_sd"] == b.details["null_sd"]


def test_honest_did_robust_on_clean_data_fragile_on_trending(staggered, trending) -> None:
    clean = ck.honest_did_check(event_study_prepared(_prep(staggered)), SETTINGS)
    assert clean.details["breakdown_mbar"] == 2.0
    ci = clean.details["robust_ci_mbar_1"]
    assert ci[0] > 0 and ci[0] < ci[1]
    bad = ck.honest_did_check(event_study_prepared(_prep(trending)), SETTINGS)
    assert bad.details["breakdown_mbar"] < clean.details["breakdown_mbar"]


def test_pretrend_power_compares_detectable_trend_with_lift(staggered) -> None:
    es = event_study_prepared(_prep(staggered))
    strong = ck.pretrend_power_check(es, 0.034, SETTINGS)
    weak = ck.pretrend_power_check(es, 0.005, SETTINGS)
    assert strong.status == "pass" and weak.status == "warn"
    assert strong.details["min_detectable_slope"] > 0


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_bacon_decomposition_adds_up_to_pyfixest_twfe(staggered) -> None:
    p = _prep(staggered)
    b = ck.bacon_check(p)
    weights = (
        b.details["weight_treated_vs_never"]
        + b.details["weight_earlier_vs_later"]
        + b.details["weight_later_vs_earlier"]
    )
    assert weights == pytest.approx(1.0)
    twfe = pf.feols("lift_y ~ lift_treated | lift_unit + lift_period", data=p.frame)
    assert b.estimate == pytest.approx(float(twfe.coef().iloc[0]), abs=1e-8)
    assert b.details["weight_later_vs_earlier"] > 0  # the forbidden comparisons exist
    assert b.details["avg_later_vs_earlier"] < b.details["avg_treated_vs_never"]


def test_pretrend_check_reports_threshold(trending) -> None:
    es = event_study_prepared(_prep(trending))
    r = ck.pretrend_check(es, 0.05 / 3)
    assert r.status == "fail" and "fails below 0.0167" in r.message

"""MDE calculator: sigma and rho come out of the data; the MDE delivers its power."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rotlib.errors import AnalysisError
from rotlib.lift import (
    did,
    minimum_detectable_effect,
    outcome_variance,
    plan_program,
    power_for_effect,
)
from rotlib.lift.simulate import growing_effect, no_effect, simulate_staggered_panel

UNIT_SD, NOISE_SD = 0.05, 0.03
TRUE_SIGMA = float(np.hypot(UNIT_SD, NOISE_SD))
TRUE_RHO = UNIT_SD**2 / (UNIT_SD**2 + NOISE_SD**2)


def test_outcome_variance_recovers_sigma_and_rho() -> None:
    sim = simulate_staggered_panel(
        n_units=600, n_periods=8, cohorts=(5,), seed=4, unit_sd=UNIT_SD, noise_sd=NOISE_SD
    )
    v = outcome_variance(
        sim.panel, unit="unit", period="period", outcome="y", first_treated="first_treated"
    )
    print(f"sigma {v.sigma:.4f} (true {TRUE_SIGMA:.4f}), rho {v.rho:.3f} (true {TRUE_RHO:.3f})")
    assert v.sigma == pytest.approx(TRUE_SIGMA, rel=0.08)
    assert v.rho == pytest.approx(TRUE_RHO, abs=0.05)


def test_mde_has_its_nominal_power_in_simulation() -> None:
    """At the MDE, a 2x2 DiD rejects about 80% of the time (200 seeded panels)."""
    n_arm, n_pre, n_post = 50, 4, 4
    mde = minimum_detectable_effect(
        n_treated=n_arm, n_control=n_arm, n_pre=n_pre, n_post=n_post, sigma=TRUE_SIGMA, rho=TRUE_RHO
    )
    hits = 0
    draws = 200
    for seed in range(draws):
        sim = simulate_staggered_panel(
            n_units=2 * n_arm,
            n_periods=n_pre + n_post,
            cohorts=(n_pre + 1,),
            never_treated_share=0.5,
            effect=growing_effect(mde, 0.0),
            seed=500 + seed,
            unit_sd=UNIT_SD,
            noise_sd=NOISE_SD,
        )
        r = did(
            sim.panel,
            unit="unit",
            period="period",
            outcome="y",
            first_treated="first_treated",
            method="2x2",
        )
        hits += r.p_value < 0.05
    print(f"MDE {mde:.4f}: rejected in {hits}/{draws} panels")
    assert 0.72 <= hits / draws <= 0.88
    assert power_for_effect(
        mde,
        n_treated=n_arm,
        n_control=n_arm,
        n_pre=n_pre,
        n_post=n_post,
        sigma=TRUE_SIGMA,
        rho=TRUE_RHO,
    ) == pytest.approx(0.8, abs=1e-6)


def test_plan_program_grid_and_serialisation() -> None:
    sim = simulate_staggered_panel(n_units=300, n_periods=8, cohorts=(5,), seed=2, effect=no_effect)
    plan = plan_program(
        sim.panel,
        unit="unit",
        period="period",
        outcome="y",
        n_treated=20,
        n_control=200,
        n_pre=4,
        n_post=2,
    )
    grid = plan.tidy()
    assert (np.diff(grid["mde"]) < 0).all()  # more partners, smaller detectable lift
    assert plan.mde > grid.loc[grid["partners_per_arm"] == 200, "mde"].iloc[0]
    assert "minimum detectable lift" in plan.summary()
    assert json.loads(json.dumps(plan.to_dict()))["mde"] == pytest.approx(plan.mde)
    assert plan.plot().get_xlabel() == "partners per arm"


def test_power_inputs_are_checked() -> None:
    with pytest.raises(AnalysisError, match="at least 2 treated"):
        minimum_detectable_effect(n_treated=1, n_control=10, n_pre=2, n_post=2, sigma=1.0)
    with pytest.raises(AnalysisError, match="one quarter before and after"):
        minimum_detectable_effect(n_treated=5, n_control=10, n_pre=0, n_post=2, sigma=1.0)
    sim = simulate_staggered_panel(n_units=50, n_periods=4, cohorts=(3,), seed=1)
    flat = sim.panel.assign(y=1.0)
    with pytest.raises(AnalysisError, match="never varies"):
        outcome_variance(flat, unit="unit", period="period", outcome="y")

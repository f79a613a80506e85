"""Shared fixtures: small seeded panels with a known planted effect.

Panels are session-scoped because the estimators never modify their input (a test
asserts that) and building them repeatedly would only cost time.
"""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from rotlib.lift.simulate import SimulatedPanel, no_effect, simulate_staggered_panel


@pytest.fixture(scope="session")
def staggered() -> SimulatedPanel:
    """400 partners x 10 quarters, two waves, effects growing and differing by wave."""
    return simulate_staggered_panel(n_units=400, n_periods=10, cohorts=(5, 7), seed=3)


@pytest.fixture(scope="session")
def null_panel() -> SimulatedPanel:
    """Same design, no effect at all."""
    return simulate_staggered_panel(
        n_units=400, n_periods=10, cohorts=(5, 7), seed=3, effect=no_effect
    )


@pytest.fixture(scope="session")
def trending() -> SimulatedPanel:
    """Same design, but treated partners drift upward all along (parallel trends fail)."""
    return simulate_staggered_panel(
        n_units=400, n_periods=10, cohorts=(5, 7), seed=3, pre_trend_gap=0.003
    )


@pytest.fixture(scope="session")
def few_treated() -> SimulatedPanel:
    """20 treated partners among 400: clustered SEs are not to be trusted alone."""
    return simulate_staggered_panel(
        n_units=400, n_periods=10, cohorts=(5, 7), seed=3, never_treated_share=0.95
    )


@pytest.fixture(scope="session")
def single_wave() -> SimulatedPanel:
    """One adoption wave (period 5) and never-treated partners, constant effect 0.03."""
    from rotlib.lift.simulate import growing_effect

    return simulate_staggered_panel(
        n_units=300, n_periods=8, cohorts=(5,), seed=11, effect=growing_effect(0.03, 0.0)
    )

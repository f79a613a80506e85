"""Shared fixtures: seeded simulated panels with a planted cohort difference."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from rotlib.cohorts.simulate import SimulatedCohorts, simulate_cohorts


@pytest.fixture(scope="session")
def planted() -> SimulatedCohorts:
    """1,500 partners, default planted differences, segment confounding."""
    return simulate_cohorts(1500, seed=11)


@pytest.fixture(scope="session")
def small_sim() -> SimulatedCohorts:
    """400 partners: quick end-to-end runs."""
    return simulate_cohorts(400, seed=5)

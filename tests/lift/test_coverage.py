"""Seeded coverage simulation: 95% intervals cover the planted effect ~95% of the time.

The suite runs 150 draws (Monte Carlo se of a 0.95 coverage ~0.018, so the band
0.90-0.99 fails an estimator whose intervals are ~15% too narrow, such as one that
ignores within-partner correlation); benchmarks/bench_lift.py --coverage runs 1000.
"""

from __future__ import annotations

import pytest

from rotlib.lift.simulate import coverage_study

DESIGN = {"n_units": 200, "n_periods": 6, "cohorts": (3, 5)}


@pytest.mark.slow
def test_cs_interval_coverage() -> None:
    study = coverage_study(method="cs", aggregation="simple", draws=150, seed=2024, **DESIGN)
    print("\n" + study.summary())
    assert len(study.draws) == 150
    assert 0.90 <= study.coverage <= 0.99
    assert abs(study.bias) < 3 * study.draws["estimate"].std() / len(study.draws) ** 0.5


@pytest.mark.slow
def test_static_twfe_intervals_undercover_under_staggered_growing_effects() -> None:
    study = coverage_study(method="twfe", aggregation="simple", draws=40, seed=2024, **DESIGN)
    print("\n" + study.summary())
    assert study.coverage < 0.8 and study.bias < 0

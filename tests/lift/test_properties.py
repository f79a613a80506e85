"""Invariances that must hold for any panel (hypothesis property tests).

- relabelling units and shuffling rows change nothing;
- adding a constant to the outcome changes neither the lift nor its standard error;
- scaling the outcome scales both;
- shifting every period (and adoption date) by the same amount changes nothing.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lift_testdata import COLS

from rotlib.lift import did
from rotlib.lift.simulate import simulate_staggered_panel

METHODS = ["cs", "twfe", "sunab"]
PROPERTY = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _sim(seed: int):
    return simulate_staggered_panel(n_units=60, n_periods=6, cohorts=(3, 5), seed=seed).panel


def _fit(panel, method):
    return did(panel, method=method, **COLS)


@pytest.mark.parametrize("method", METHODS)
@PROPERTY
@given(seed=st.integers(0, 10_000), perm_seed=st.integers(0, 10_000))
def test_relabelling_and_row_order_do_not_matter(method: str, seed: int, perm_seed: int) -> None:
    panel = _sim(seed)
    rng = np.random.default_rng(perm_seed)
    units = panel["unit"].unique()
    new_names = dict(zip(units, [f"X{v}" for v in rng.permutation(len(units))], strict=True))
    shuffled = panel.assign(unit=panel["unit"].map(new_names)).sample(
        frac=1.0, random_state=perm_seed
    )
    a, b = _fit(panel, method), _fit(shuffled, method)
    assert b.estimate == pytest.approx(a.estimate, rel=1e-9, abs=1e-12)
    assert b.se == pytest.approx(a.se, rel=1e-7, abs=1e-12)


@pytest.mark.parametrize("method", METHODS)
@PROPERTY
@given(seed=st.integers(0, 10_000), shift=st.floats(-50, 50), scale=st.floats(0.01, 100))
def test_outcome_location_and_scale(method: str, seed: int, shift: float, scale: float) -> None:
    panel = _sim(seed)
    base = _fit(panel, method)
    moved = _fit(panel.assign(y=panel["y"] + shift), method)
    scaled = _fit(panel.assign(y=panel["y"] * scale), method)
    assert moved.estimate == pytest.approx(base.estimate, rel=1e-6, abs=1e-9)
    assert moved.se == pytest.approx(base.se, rel=1e-6, abs=1e-9)
    assert scaled.estimate == pytest.approx(scale * base.estimate, rel=1e-6, abs=1e-9)
    assert scaled.se == pytest.approx(scale * base.se, rel=1e-6)


@PROPERTY
@given(seed=st.integers(0, 10_000), offset=st.integers(0, 9000))
def test_period_numbering_does_not_matter(seed: int, offset: int) -> None:
    """Quarter indexes are large positive integers (~8100 for 2025); their origin is
    arbitrary and must not matter. (0 is reserved for "never treated".)"""
    panel = _sim(seed)
    moved = panel.assign(
        period=panel["period"] + offset,
        first_treated=np.where(panel["first_treated"] > 0, panel["first_treated"] + offset, 0),
    )
    a, b = _fit(panel, "cs"), _fit(moved, "cs")
    assert b.estimate == pytest.approx(a.estimate, rel=1e-9, abs=1e-12)
    assert b.se == pytest.approx(a.se, rel=1e-7)

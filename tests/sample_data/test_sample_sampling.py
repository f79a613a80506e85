"""Property tests of the vectorized drawing helpers against plain pandas/numpy."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rotlib.sample_data.program import wave_offsets
from rotlib.sample_data.sampling import (
    effect_at,
    expand_counts,
    group_median,
    pick_in_groups,
    uniform_day,
)

small_ints = st.integers(0, 5)


@settings(max_examples=60, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(1, 6), st.integers(1, 5)), elements=small_ints))
def test_expand_counts_inverts_bincount(counts):
    rows, cols = expand_counts(counts)
    back = np.zeros_like(counts)
    np.add.at(back, (rows, cols), 1)
    assert (back == counts).all()
    assert (np.diff(rows * counts.shape[1] + cols) >= 0).all()     # row-major order


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(-50, 50)), max_size=40))
def test_group_median_matches_pandas(pairs):
    keys = np.array([k for k, _ in pairs], dtype=np.int64)
    values = np.array([v for _, v in pairs], dtype=np.int64)
    got = group_median(keys, values, 7)
    expected = pd.Series(values, dtype=float).groupby(keys).median() if pairs else pd.Series()
    for k in range(7):
        if k in expected.index:
            assert got[k] == expected[k]
        else:
            assert np.isnan(got[k])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 4), max_size=30), st.lists(st.integers(0, 4), max_size=30),
       st.integers(0, 2**32 - 1))
def test_pick_in_groups_returns_a_member_of_the_same_group(item_groups, queries, seed):
    groups = np.array(item_groups, dtype=np.int64)
    values = np.arange(groups.size) * 10
    q = np.array(queries, dtype=np.int64)
    picked, found = pick_in_groups(np.random.default_rng(seed), groups, values, q, 5)
    for query, value, ok in zip(q, picked, found, strict=True):
        assert ok == (query in item_groups)
        if ok:
            assert groups[value // 10] == query


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 120)), min_size=1, max_size=30),
       st.integers(0, 2**32 - 1))
def test_uniform_day_stays_within_bounds(spans, seed):
    low = np.array([a for a, _ in spans])
    high = low + np.array([b for _, b in spans])
    day = uniform_day(np.random.default_rng(seed), low, high)
    assert ((day >= low) & (day <= high)).all()


def test_effect_schedule_holds_its_last_value():
    assert effect_at((0.1, 0.2, 0.3), np.array([0, 1, 2, 3, 9])).tolist() == [
        0.1, 0.2, 0.3, 0.3, 0.3]


@given(st.integers(1, 40))
def test_waves_leave_pre_and_post_quarters(window):
    waves = wave_offsets(window)
    assert len(waves) <= 4
    if window >= 2:
        assert waves and min(waves) >= 1 and max(waves) <= window - 1
    else:
        assert waves == ()
    assert list(waves) == sorted(set(waves))

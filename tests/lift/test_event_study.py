"""Event study: leads near zero under parallel trends, joint pre-test, plot."""

from __future__ import annotations

import json

import numpy as np
import pytest
from lift_testdata import COLS

from rotlib.lift import event_study


@pytest.mark.parametrize("method", ["cs", "sunab", "twfe"])
def test_pretrend_test_passes_when_trends_are_parallel(staggered, method) -> None:
    es = event_study(staggered.panel, method=method, **COLS)
    assert es.pretrend is not None
    p = es.pretrend
    print(f"{method}: chi2({p.df}) = {p.statistic:.2f}, p = {p.p_value:.3f}")
    assert es.pretrend.p_value > 0.05
    assert es.pretrend.df == len(es.pre()) == 5


@pytest.mark.parametrize("method", ["cs", "twfe"])
def test_pretrend_test_rejects_diverging_trends(trending, method) -> None:
    es = event_study(trending.panel, method=method, **COLS)
    assert es.pretrend.p_value < 0.01


def test_reference_period_and_lags(staggered) -> None:
    es = event_study(staggered.panel, **COLS)
    ref = es.table[es.table["is_reference"]]
    assert ref["event_time"].tolist() == [-1] and ref["estimate"].tolist() == [0.0]
    post = es.post().set_index("event_time")
    for e, truth in staggered.event_truth.items():
        assert abs(post.loc[e, "estimate"] - truth) < 3 * post.loc[e, "se"]


def test_anticipation_moves_the_reference_period(staggered) -> None:
    es = event_study(staggered.panel, anticipation=1, **COLS)
    assert es.table.loc[es.table["is_reference"], "event_time"].tolist() == [-2]


def test_cs_and_sunab_agree_without_covariates(staggered) -> None:
    a = event_study(staggered.panel, method="cs", **COLS).table.set_index("event_time")
    b = event_study(staggered.panel, method="sunab", **COLS).table.set_index("event_time")
    np.testing.assert_allclose(a["estimate"], b.loc[a.index, "estimate"], atol=1e-8)


def test_plot_summary_and_json(staggered) -> None:
    es = event_study(staggered.panel, **COLS)
    ax = es.plot()
    assert "pre-trend p" in ax.get_title()
    assert len(ax.lines) >= 2
    assert "joint pre-trend test" in es.summary()
    payload = json.loads(json.dumps(es.to_dict()))
    assert payload["pretrend"]["df"] == 5
    assert len(payload["table"]) == len(es.table)

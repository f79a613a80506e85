"""Planted effects are recovered; static TWFE is biased where CS is not."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from lift_testdata import COLS

from rotlib.lift import ESTIMATORS, did
from rotlib.lift.simulate import simulate_staggered_panel


@pytest.mark.parametrize(
    ("method", "aggregation", "truth_key"),
    [
        ("cs", "simple", "simple"),
        ("cs", "dynamic", "dynamic"),
        ("cs", "group", "group"),
        ("sunab", "simple", "simple"),
    ],
)
def test_recovers_planted_effect_within_interval(staggered, method, aggregation, truth_key) -> None:
    r = did(staggered.panel, method=method, aggregation=aggregation, **COLS)
    truth = staggered.truth[truth_key]
    print(
        f"{method}/{aggregation}: {r.estimate:.4f} [{r.ci[0]:.4f}, {r.ci[1]:.4f}] truth {truth:.4f}"
    )
    assert r.ci[0] <= truth <= r.ci[1]
    assert r.ci[0] > 0  # and the lift is detected


def test_recovers_event_time_effects(staggered) -> None:
    """Each event-time effect lies within 3 standard errors of its planted value.

    Why not "inside every 95% interval": the six horizons share one comparison
    group, so their errors move together and one panel can miss two at once (this
    one does, at e=3 and e=5, by about 2 se each). Interval coverage is tested over
    repeated panels in test_coverage.py instead.
    """
    r = did(staggered.panel, aggregation="dynamic", **COLS)
    detail = r.detail.set_index("term")
    for e, truth in staggered.event_truth.items():
        row = detail.loc[f"e={e}"]
        assert abs(row["estimate"] - truth) < 3 * row["se"], (e, row["estimate"], truth)
    assert detail.loc["e=5", "estimate"] > detail.loc["e=0", "estimate"]  # the effect grows


def test_not_yet_treated_and_covariates_recover_too(staggered) -> None:
    truth = staggered.truth["simple"]
    for kw in ({"control": "not_yet_treated"}, {"covariates": ["segment", "size"]}):
        r = did(staggered.panel, **COLS, **kw)
        assert r.ci[0] <= truth <= r.ci[1], kw


def test_2x2_recovers_single_wave_effect(single_wave) -> None:
    r = did(single_wave.panel, method="2x2", **COLS)
    assert r.ci[0] <= 0.03 <= r.ci[1]
    assert r.n_treated == 180 and r.control == "never_treated"


def test_2x2_picks_a_wave_on_request(staggered) -> None:
    r = did(staggered.panel, method="2x2", cohort=7, **COLS)
    assert r.n_treated == 120
    assert "wave 7" in r.aggregation


def test_static_twfe_is_biased_where_cs_is_not() -> None:
    """Over 20 seeded panels with growing, cohort-specific effects: TWFE misses low."""
    errors = {"cs": [], "twfe": []}
    for seed in range(20):
        sim = simulate_staggered_panel(n_units=200, n_periods=8, cohorts=(3, 5), seed=100 + seed)
        for m in errors:
            errors[m].append(did(sim.panel, method=m, **COLS).estimate - sim.truth["simple"])
    bias = {m: float(np.mean(v)) for m, v in errors.items()}
    se = {m: float(np.std(v, ddof=1) / np.sqrt(len(v))) for m, v in errors.items()}
    print(
        f"bias over 20 panels: cs {bias['cs']:+.5f} (se {se['cs']:.5f}), "
        f"twfe {bias['twfe']:+.5f} (se {se['twfe']:.5f})"
    )
    assert abs(bias["cs"]) < 3 * se["cs"]
    assert bias["twfe"] < -5 * se["twfe"]  # TWFE understates the growing effect


def test_bootstrap_on_request_is_seeded_and_close_to_analytic(staggered) -> None:
    analytic = did(staggered.panel, **COLS)
    boot = did(staggered.panel, bootstrap=299, seed=7, **COLS)
    again = did(staggered.panel, bootstrap=299, seed=7, **COLS)
    assert boot.estimate == pytest.approx(analytic.estimate)
    assert boot.se == again.se  # same seed, same draws
    assert boot.se == pytest.approx(analytic.se, rel=0.2)
    assert "bootstrap" in boot.inference


def test_input_panel_is_not_modified(staggered) -> None:
    before = staggered.panel.copy()
    for m in ESTIMATORS:
        kw = {"cohort": 5} if m == "2x2" else {}
        did(staggered.panel, method=m, **COLS, **kw)
    pd.testing.assert_frame_equal(staggered.panel, before)


def test_result_api_tidy_summary_plot_json(staggered) -> None:
    r = did(staggered.panel, aggregation="dynamic", **COLS)
    tidy = r.tidy()
    assert list(tidy.columns) == ["term", "estimate", "se", "ci_low", "ci_high", "p_value"]
    assert tidy.iloc[0]["estimate"] == r.estimate
    text = r.summary()
    assert "95% CI" in text and "% of the pre-program baseline" in text
    assert np.isfinite(r.lift_pct) and r.baseline == pytest.approx(
        staggered.panel.query("first_treated > 0 and period == first_treated - 1")["y"].mean()
    )
    ax = r.plot()
    assert len(ax.get_xticklabels()) == len(tidy)
    payload = json.loads(json.dumps(r.to_dict()))
    assert payload["estimate"] == pytest.approx(r.estimate)
    assert len(payload["detail"]) == len(r.detail)


def test_generic_column_names_and_string_periods_are_rejected_cleanly(staggered) -> None:
    p = staggered.panel.rename(columns={"unit": "store", "period": "week", "y": "sales"})
    r = did(p, unit="store", period="week", outcome="sales", first_treated="first_treated")
    assert r.outcome == "sales"
    bad = p.assign(week=p["week"].map(lambda w: f"W{w}"))
    from rotlib.errors import AnalysisError

    with pytest.raises(AnalysisError, match="consecutive integer period"):
        did(bad, unit="store", period="week", outcome="sales", first_treated="first_treated")

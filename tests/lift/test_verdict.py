"""Verdicts: credible on a planted effect, inconclusive on none, not credible when the
design fails; and the end-to-end program evaluation on a rotlib-shaped panel."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from lift_testdata import COLS

from rotlib.calendar import FiscalCalendar
from rotlib.lift import CheckSettings, evaluate, evaluate_program, evaluate_programs
from rotlib.lift.result import CheckResult, LiftResult
from rotlib.lift.verdict import CREDIBLE, INCONCLUSIVE, NOT_CREDIBLE, reach_verdict

FAST = CheckSettings(permutations=49, seed=1)


def test_planted_effect_is_credible(staggered) -> None:
    ev = evaluate(staggered.panel, settings=FAST, **COLS)
    print(ev.verdict)
    assert ev.verdict.level == CREDIBLE
    lo, hi = ev.verdict.ci
    assert lo <= staggered.truth["simple"] <= hi
    assert ev.verdict.lift_pct == pytest.approx(100 * ev.lift.estimate / ev.lift.baseline)
    assert "raises y" in ev.verdict.reason


def test_no_effect_is_inconclusive(null_panel) -> None:
    ev = evaluate(null_panel.panel, settings=FAST, **COLS)
    print(ev.verdict)
    assert ev.verdict.level == INCONCLUSIVE
    assert "includes zero" in ev.verdict.reason


def test_diverging_trends_are_not_credible(trending) -> None:
    ev = evaluate(trending.panel, settings=FAST, **COLS)
    print(ev.verdict)
    assert ev.verdict.level == NOT_CREDIBLE
    assert ev.verdict.reason.startswith("pre-period trends differ, p = ")


def test_few_treated_uses_randomization_inference(few_treated) -> None:
    ev = evaluate(few_treated.panel, settings=FAST, **COLS)
    ri = next(c for c in ev.checks if c.name == "randomization_inference")
    assert ri.status == "pass" and ri.details["permutations"] == 49
    assert ev.verdict.level in (CREDIBLE, INCONCLUSIVE)


def _lift(ci: tuple[float, float]) -> LiftResult:
    return LiftResult(
        method="cs",
        outcome="win_rate",
        estimate=sum(ci) / 2,
        se=0.01,
        ci=ci,
        p_value=0.01,
        alpha=0.05,
        control="never_treated",
        aggregation="simple",
        inference="analytic",
        n_units=100,
        n_treated=40,
        n_periods=8,
        n_obs=800,
        baseline=0.3,
    )


@pytest.mark.parametrize(
    ("checks", "ci", "level", "fragment"),
    [
        (
            [CheckResult("pre_trend", "fail", "x", p_value=0.01)],
            (0.01, 0.05),
            NOT_CREDIBLE,
            "pre-period trends differ, p = 0.01",
        ),
        (
            [CheckResult("placebo_fake_treated", "fail", "x", p_value=0.002, estimate=0.02)],
            (0.01, 0.05),
            NOT_CREDIBLE,
            "on paper show a lift of 0.02",
        ),
        (
            [CheckResult("pre_trend", "pass", "x", p_value=0.5)],
            (-0.01, 0.05),
            INCONCLUSIVE,
            "includes zero",
        ),
        (
            [CheckResult("randomization_inference", "warn", "only 8 treated units; p = 0.3")],
            (0.01, 0.05),
            INCONCLUSIVE,
            "only 8 treated",
        ),
        (
            [CheckResult("honest_did", "info", "fragile", details={"breakdown_mbar": 0.0})],
            (0.01, 0.05),
            INCONCLUSIVE,
            "fragile to parallel-trend violations",
        ),
        (
            [
                CheckResult("honest_did", "info", "ok", details={"breakdown_mbar": 2.0}),
                CheckResult("pre_trend", "pass", "x", p_value=0.4),
            ],
            (0.01, 0.05),
            CREDIBLE,
            "passed: pre_trend",
        ),
    ],
)
def test_verdict_rules(checks, ci, level, fragment) -> None:
    v = reach_verdict(_lift(ci), checks)
    assert v.level == level
    assert fragment in v.reason


def test_caveats_only_accompany_a_claim() -> None:
    warn = CheckResult("pre_trend_power", "warn", "weak pre-test")
    assert reach_verdict(_lift((0.01, 0.05)), [warn]).caveats == ["weak pre-test"]
    assert reach_verdict(_lift((-0.01, 0.05)), [warn]).caveats == []


def _rotlib_shaped(sim) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The simulated panel in rotlib's column names, plus an interventions table."""
    cal = FiscalCalendar()
    q0 = cal.label_to_index("2024Q1") - 1
    panel = pd.DataFrame(
        {
            "partner_id": sim.panel["unit"],
            "quarter_index": sim.panel["period"] + q0,
            "win_rate": sim.panel["y"],
            "region": sim.panel["segment"],
        }
    )
    panel["quarter"] = cal.index_to_label(panel["quarter_index"])
    adopters = sim.panel.drop_duplicates("unit").query("first_treated > 0")
    # programs start mid-quarter (day 20): "start_quarter" puts them in that quarter
    starts = [
        cal.quarter_start(int(g) + q0) + pd.Timedelta(days=19) for g in adopters["first_treated"]
    ]
    interventions = pd.DataFrame(
        {"partner_id": adopters["unit"].to_numpy(), "program": "enablement", "start_date": starts}
    )
    return panel, interventions


def test_evaluate_program_on_rotlib_panel(staggered) -> None:
    panel, interventions = _rotlib_shaped(staggered)
    ev = evaluate_program(
        panel,
        interventions,
        program="enablement",
        outcome="win_rate",
        settings=FAST,
        covariates=["region"],
    )
    assert ev.verdict.level == CREDIBLE
    assert ev.lift.n_treated == 240
    assert ev.verdict.ci[0] <= staggered.truth["simple"] <= ev.verdict.ci[1]
    payload = json.loads(json.dumps(ev.to_dict()))
    assert payload["verdict"]["level"] == "credible"
    assert payload["settings"]["adoption"] == "start_quarter"
    assert {c["name"] for c in payload["checks"]} >= {"pre_trend", "bacon", "honest_did"}
    assert "enablement" in ev.plot().get_title()
    assert set(ev.tidy()["status"]) <= {"pass", "fail", "warn", "info", "skipped"}

    # next_full_quarter moves every mid-quarter start one quarter later: the
    # partly exposed quarter then sits in the "before" period and the lift shrinks
    late = evaluate_program(
        panel,
        interventions,
        program="enablement",
        outcome="win_rate",
        settings=FAST,
        adoption="next_full_quarter",
        checks=("pre_trend",),
    )
    assert late.lift.estimate < ev.lift.estimate


def test_several_programs_are_analysed_separately(staggered) -> None:
    panel, interventions = _rotlib_shaped(staggered)
    # every "process" partner is also in "enablement", so only other_programs="keep" leaves
    # any treated partner for "process" ("exclude" drops other-program partners from both arms)
    other = interventions.sample(30, random_state=1).assign(program="process")
    both = pd.concat([interventions, other], ignore_index=True)
    out = evaluate_programs(
        panel, both, outcomes=["win_rate"], settings=FAST, checks=("pre_trend",),
        other_programs="keep",
    )
    assert [e.program for e in out] == ["enablement", "process"]
    assert out[1].lift.n_treated == 30

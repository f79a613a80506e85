"""One call per program and outcome: estimate, every check, and the verdict.

Why a separate step: the estimate alone is not the deliverable; the report needs the
estimate, the event study, each credibility check and the verdict together, in one
object a notebook can show and the report can serialise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from rotlib.calendar import FiscalCalendar
from rotlib.errors import AnalysisError
from rotlib.lift import checks as ck
from rotlib.lift.estimators import EstimateOptions, estimate_prepared, prepare_inputs
from rotlib.lift.event_study import event_study_prepared
from rotlib.lift.result import CheckResult, EventStudyResult, LiftResult, to_jsonable
from rotlib.lift.treatment import assign_first_treated, first_treated_quarters
from rotlib.lift.verdict import BLOCKING_CHECKS, Verdict, VerdictRules, reach_verdict

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass
class ProgramEvaluation:
    """Estimate, event study, checks and verdict for one program and one outcome."""

    program: str | None
    outcome: str
    lift: LiftResult
    event_study: EventStudyResult | None
    checks: list[CheckResult]
    verdict: Verdict
    settings: dict[str, Any] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """One row per check: name, status, p-value, estimate, message."""
        return pd.DataFrame(
            [
                {
                    "check": c.name,
                    "status": c.status,
                    "p_value": c.p_value,
                    "estimate": c.estimate,
                    "message": c.message,
                }
                for c in self.checks
            ]
        )

    def summary(self) -> str:
        """Verdict, estimate and checks as text."""
        head = f"Program {self.program!r}" if self.program else "Program"
        lines = [f"{head} on {self.outcome!r}", str(self.verdict), "", self.lift.summary(), ""]
        lines += [f"[{c.status:>7}] {c.name}: {c.message}" for c in self.checks]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def plot(self, ax: Axes | None = None) -> Axes:
        """The event-study plot, titled with the verdict."""
        if self.event_study is None:
            return self.lift.plot(ax=ax)
        return self.event_study.plot(
            ax=ax, title=f"{self.program or ''} {self.outcome}: {self.verdict.level}".strip()
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form for the report."""
        return to_jsonable(
            {
                "program": self.program,
                "outcome": self.outcome,
                "verdict": self.verdict.to_dict(),
                "lift": self.lift.to_dict(),
                "event_study": self.event_study.to_dict() if self.event_study else None,
                "checks": [c.to_dict() for c in self.checks],
                "settings": self.settings,
            }
        )


def evaluate(
    panel: pd.DataFrame,
    *,
    unit: str,
    period: str,
    outcome: str,
    first_treated: str,
    method: str = "cs",
    control: str = "never_treated",
    covariates: list[str] | None = None,
    aggregation: str = "simple",
    anticipation: int = 0,
    alpha: float = 0.05,
    bootstrap: int = 0,
    cohort: int | None = None,
    checks: Sequence[str] = ck.ALL_CHECKS,
    settings: ck.CheckSettings | None = None,
    rules: VerdictRules | None = None,
    program: str | None = None,
) -> ProgramEvaluation:
    """Estimate the lift on a generic panel, run the checks, reach a verdict.

    Arguments as in :func:`rotlib.lift.did`; ``checks`` selects which of
    :data:`rotlib.lift.checks.ALL_CHECKS` run; ``settings`` tunes them (seed,
    permutations, few-treated threshold). The pre-trend test and sensitivity use a
    Callaway-Sant'Anna event study unless ``method`` is ``"sunab"``.
    """
    settings = settings or ck.CheckSettings()
    unknown = set(checks) - set(ck.ALL_CHECKS)
    if unknown:
        raise AnalysisError(f"unknown check(s) {sorted(unknown)}; known: {list(ck.ALL_CHECKS)}.")
    prepared, options = prepare_inputs(
        panel,
        unit=unit,
        period=period,
        outcome=outcome,
        first_treated=first_treated,
        method=method,
        control=control,
        covariates=covariates,
        anticipation=anticipation,
        options=EstimateOptions(
            control=control,
            aggregation=aggregation,
            alpha=alpha,
            bootstrap=bootstrap,
            seed=settings.seed,
            cohort=cohort,
        ),
    )
    lift = estimate_prepared(prepared, method, options)

    es_method = "sunab" if method == "sunab" else "cs"
    es = event_study_prepared(prepared, method=es_method, control=control, alpha=alpha)

    # Bonferroni over the design checks that can overturn the claim (see verdict.py)
    n_blocking = max(1, sum(1 for c in BLOCKING_CHECKS if c in checks))
    check_alpha = settings.alpha / n_blocking
    design = replace(settings, alpha=check_alpha)
    results: list[CheckResult] = []
    for name in checks:
        if name == "pre_trend":
            results.append(ck.pretrend_check(es, check_alpha))
        elif name == "pre_trend_power":
            results.append(ck.pretrend_power_check(es, lift.estimate, settings))
        elif name == "placebo_fake_dates":
            results.append(ck.placebo_fake_dates(prepared, method, options, design))
        elif name == "placebo_fake_treated":
            results.append(ck.placebo_fake_treated(prepared, method, options, design))
        elif name == "randomization_inference":
            results.append(
                ck.randomization_inference(prepared, method, options, lift.estimate, settings)
            )
        elif name == "honest_did":
            results.append(ck.honest_did_check(es, settings))
        elif name == "bacon":
            results.append(ck.bacon_check(prepared))
    verdict = reach_verdict(lift, results, rules)
    return ProgramEvaluation(
        program=program,
        outcome=outcome,
        lift=lift,
        event_study=es,
        checks=results,
        verdict=verdict,
        settings={
            "method": method,
            "control": control,
            "aggregation": aggregation,
            "anticipation": anticipation,
            "alpha": alpha,
            "design_check_alpha": check_alpha,
            "covariates": list(covariates or []),
            "seed": settings.seed,
            "permutations": settings.permutations,
            "few_treated": settings.few_treated,
        },
    )


def evaluate_program(
    panel: pd.DataFrame,
    interventions: pd.DataFrame,
    *,
    program: str,
    outcome: str,
    unit: str = "partner_id",
    period: str = "quarter_index",
    calendar: FiscalCalendar | None = None,
    adoption: str = "start_quarter",
    grace_days: int = 0,
    other_programs: str = "exclude",
    **kwargs: Any,
) -> ProgramEvaluation:
    """Evaluate one program on one outcome of the rotlib partner x quarter panel.

    Turns the interventions table into first treated quarters with the adoption
    rule (see :mod:`rotlib.lift.treatment`), then calls :func:`evaluate`.
    ``other_programs="exclude"`` (default) keeps partners of other programs out of
    the comparison group. Remaining keyword arguments go to :func:`evaluate`.
    """
    table = first_treated_quarters(
        interventions, calendar=calendar, adoption=adoption, grace_days=grace_days
    )
    with_g = assign_first_treated(
        panel,
        table,
        program=program,
        unit=unit,
        column="lift_first_treated",
        other_programs=other_programs,
    )
    result = evaluate(
        with_g,
        unit=unit,
        period=period,
        outcome=outcome,
        first_treated="lift_first_treated",
        program=program,
        **kwargs,
    )
    result.settings.update(
        {"adoption": adoption, "grace_days": grace_days, "other_programs": other_programs}
    )
    return result


def evaluate_programs(
    panel: pd.DataFrame,
    interventions: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    programs: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[ProgramEvaluation]:
    """Every program x outcome, each analysed separately (same settings for all)."""
    names = programs or sorted(interventions["program"].astype("str").unique())
    return [
        evaluate_program(panel, interventions, program=p, outcome=o, **kwargs)
        for p in names
        for o in outcomes
    ]

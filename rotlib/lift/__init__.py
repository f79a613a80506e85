"""Did the program work? Intervention lift with the checks that make it credible.

Public API::

    rotlib.lift.did(panel, unit=..., period=..., outcome=..., first_treated=..., method="cs")
    rotlib.lift.event_study(panel, ...)          # leads/lags + joint pre-trend test
    rotlib.lift.evaluate(panel, ...)             # estimate + checks + verdict (generic panel)
    rotlib.lift.evaluate_program(panel, interventions, program=..., outcome=...)
    rotlib.lift.first_treated_quarters(interventions, adoption="start_quarter")
    rotlib.lift.plan_program(panel, ..., n_treated=..., n_control=..., n_pre=..., n_post=...)

See docs/lift.md for what each estimator does and how the verdict is reached.
"""

from rotlib.lift.checks import ALL_CHECKS, CheckSettings
from rotlib.lift.estimators import ESTIMATORS, did
from rotlib.lift.evaluate import ProgramEvaluation, evaluate, evaluate_program, evaluate_programs
from rotlib.lift.event_study import event_study
from rotlib.lift.power import (
    PowerPlan,
    minimum_detectable_effect,
    outcome_variance,
    plan_program,
    power_for_effect,
)
from rotlib.lift.result import CheckResult, EventStudyResult, LiftResult
from rotlib.lift.treatment import ADOPTION_RULES, assign_first_treated, first_treated_quarters
from rotlib.lift.verdict import Verdict, VerdictRules, reach_verdict

__all__ = [
    "ADOPTION_RULES",
    "ALL_CHECKS",
    "ESTIMATORS",
    "CheckResult",
    "CheckSettings",
    "EventStudyResult",
    "LiftResult",
    "PowerPlan",
    "ProgramEvaluation",
    "Verdict",
    "VerdictRules",
    "assign_first_treated",
    "did",
    "evaluate",
    "evaluate_program",
    "evaluate_programs",
    "event_study",
    "first_treated_quarters",
    "minimum_detectable_effect",
    "outcome_variance",
    "plan_program",
    "power_for_effect",
    "reach_verdict",
]

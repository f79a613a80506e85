"""The verdict in plain words: credible, inconclusive or not credible, and why.

Why rules and not judgement: leadership reads one word, so the word must follow the
same written rules every quarter. The order matters:

1. **not credible** - a check that tests the design itself failed: pre-period trends
   differ, or a placebo finds a "lift" where there can be none. Then the estimate is
   not evidence of anything, whatever its size. Each of these checks is run at
   ``check_alpha`` divided by the number of such checks (Bonferroni), so a sound
   program is wrongly called not credible at most ``check_alpha`` of the time.
2. **inconclusive** - the design looks sound but the data cannot tell the lift from
   zero: the interval includes zero, or (with few treated partners) the
   randomization p-value is not small, or the conclusion flips under a mild
   violation of parallel trends (HonestDiD breakdown below ``min_breakdown_mbar``).
3. **credible** - none of the above. Weak spots that do not overturn the claim
   (e.g. a pre-test with little power) are listed as caveats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from rotlib.lift.result import CheckResult, LiftResult, to_jsonable

CREDIBLE, INCONCLUSIVE, NOT_CREDIBLE = "credible", "inconclusive", "not credible"
BLOCKING_CHECKS = ("pre_trend", "placebo_fake_dates", "placebo_fake_treated")


@dataclass(frozen=True)
class VerdictRules:
    """Thresholds of the verdict (documented in docs/lift.md)."""

    min_breakdown_mbar: float = 0.5


@dataclass
class Verdict:
    """The verdict for one program and outcome, with the lift it refers to."""

    level: str
    reason: str
    outcome: str
    estimate: float
    ci: tuple[float, float]
    baseline: float
    lift_pct: float
    ci_pct: tuple[float, float]
    caveats: list[str] = field(default_factory=list)

    def headline(self) -> str:
        """One line for a slide: verdict, lift in units and percent, interval."""
        pct = "" if not math.isfinite(self.lift_pct) else f" ({self.lift_pct:+.1f}% of baseline)"
        return (
            f"{self.level.upper()}: {self.outcome} {self.estimate:+.4g}{pct}, "
            f"interval [{self.ci[0]:+.4g}, {self.ci[1]:+.4g}] - {self.reason}"
        )

    def __str__(self) -> str:
        lines = [self.headline()]
        lines += [f"  caveat: {c}" for c in self.caveats]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return to_jsonable(self.__dict__)


def reach_verdict(
    lift: LiftResult, checks: list[CheckResult], rules: VerdictRules | None = None
) -> Verdict:
    """Apply the rules above to an estimate and its checks."""
    rules = rules or VerdictRules()
    by_name = {c.name: c for c in checks}
    caveats: list[str] = []

    failed = [by_name[n] for n in BLOCKING_CHECKS if n in by_name and by_name[n].status == "fail"]
    lo, hi = lift.ci
    covers_zero = not (math.isfinite(lo) and math.isfinite(hi)) or lo <= 0 <= hi
    ri = by_name.get("randomization_inference")
    honest = by_name.get("honest_did")
    breakdown = (
        honest.details.get("breakdown_mbar") if honest and honest.status != "skipped" else None
    )

    for c in checks:
        if c.status == "skipped" and c.name in BLOCKING_CHECKS:
            caveats.append(f"{c.name} not run: {c.message}")
    if lift.method == "twfe" and "bacon" in by_name:
        caveats.append(
            "static TWFE can be biased under staggered adoption: " + by_name["bacon"].message
        )

    level = round(100 * (1 - lift.alpha))
    if failed:
        verdict, reason = NOT_CREDIBLE, "; ".join(_short(c) for c in failed)
    elif covers_zero:
        verdict = INCONCLUSIVE
        reason = (
            f"the {level}% interval [{lo:.3g}, {hi:.3g}] includes zero: no lift can be told "
            "apart from noise"
        )
    elif ri is not None and ri.status == "warn":
        verdict, reason = INCONCLUSIVE, ri.message
    elif (
        honest is not None
        and honest.status != "skipped"
        and (breakdown is None or breakdown < rules.min_breakdown_mbar)
    ):
        verdict = INCONCLUSIVE
        reason = "fragile to parallel-trend violations: " + honest.message
    else:
        verdict = CREDIBLE
        # weak spots that do not overturn a claim matter only when there is a claim
        caveats += [
            c.message for c in checks if c.status == "warn" and c.name != "randomization_inference"
        ]
        direction = "raises" if lift.estimate > 0 else "lowers"
        passed = [n for n in BLOCKING_CHECKS if n in by_name and by_name[n].status == "pass"]
        reason = (
            f"the program {direction} {lift.outcome} by {abs(lift.estimate):.3g} "
            f"({level}% interval excludes zero, p = {lift.p_value:.2g}); passed: "
            + (", ".join(passed) if passed else "no design checks ran")
        )
    return Verdict(
        level=verdict,
        reason=reason,
        outcome=lift.outcome,
        estimate=lift.estimate,
        ci=lift.ci,
        baseline=lift.baseline,
        lift_pct=lift.lift_pct,
        ci_pct=lift.ci_pct,
        caveats=caveats,
    )


def _short(check: CheckResult) -> str:
    if check.name == "pre_trend":
        return f"pre-period trends differ, p = {check.p_value:.2g}"
    if check.name == "placebo_fake_dates":
        return f"a fake earlier start shows a lift of {check.estimate:.3g}, p = {check.p_value:.2g}"
    if check.name == "placebo_fake_treated":
        return (
            "never-treated partners given the program on paper show a lift of "
            f"{check.estimate:.3g}, p = {check.p_value:.2g}"
        )
    return check.message

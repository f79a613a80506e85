"""Settings of a cohort comparison, checked once so the analysis can trust them.

Why a frozen dataclass and not loose keyword arguments: the same settings are written
into the result (and the report), so a reader can see exactly which threshold,
adjustment set and multiplicity correction produced a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

from rotlib.calendar import FiscalCalendar
from rotlib.errors import ConfigError

#: Outcomes a comparison can cover, by their registry id (rotlib.registry.OUTCOMES).
OUTCOME_IDS: tuple[str, ...] = (
    "win_rate",
    "median_cycle_days_won",
    "renewal_rate",
    "escalation_rate",
    "influenced_pipeline",
)

CohortBy = Literal["threshold", "tier"]
Correction = Literal["holm", "fdr_bh"]
EscalationModel = Literal["poisson", "negbin"]
EscalationExposure = Literal["tickets", "accounts"]


@dataclass(frozen=True)
class CohortConfig:
    """How partners are split into cohorts and how the cohorts are compared.

    Parameters
    ----------
    threshold
        RoT score (0-100) that splits partners when ``by="threshold"``: a partner with
        ``rot_score >= threshold`` in the cohort quarter is *above*, otherwise *below*
        (the reference). Also the cutoff of the regression-discontinuity estimate.
    by
        ``"threshold"`` (two cohorts) or ``"tier"`` (one cohort per tier, each compared
        with ``reference_tier``).
    quarter
        Cohort quarter ``"2026Q2"``; ``None`` picks the latest scored quarter whose next
        quarter has outcome data (see :func:`rotlib.cohorts.compare_cohorts`).
    windows
        Outcome windows as offsets from the cohort quarter: 0 is Q, 1 is Q+1 (the
        headline: trust leads, outcomes lag).
    tier_order
        Tiers from lowest to highest; ``None`` orders tiers by their median score.
    reference_tier
        Tier every other tier is compared with; ``None`` means the lowest tier.
    adjust_for
        Partner columns the adjusted models control for (categorical or numeric).
    correction
        Multiplicity correction across outcomes: ``"holm"`` (family-wise error) or
        ``"fdr_bh"`` (Benjamini-Hochberg false discovery rate).
    alpha
        1 - confidence level of every interval (0.05 gives 95% intervals).
    min_cohort_size
        Below this many partners (in a cohort, or contributing to an outcome) a
        warning is attached.
    p_value_floor
        Below this many contributing partners in either cohort no p-value and no
        interval is stated, only the point estimate, because cluster-robust and
        bootstrap inference are not trustworthy with so few clusters.
    bootstrap_draws, seed
        Partner-cluster bootstrap draws (0 turns the cross-check off) and its seed.
    escalation_model, escalation_exposure
        Poisson (robust errors, default) or negative binomial; exposure is tickets
        opened (rate per ticket) or shared accounts (rate per account).
    median_regression
        Also fit an adjusted median regression of cycle days (statsmodels QuantReg).
        Off by default: its iterative fit is slow on 100k+ deals with many tied whole
        days, and its errors are not clustered; the partner-bootstrap median
        difference and the adjusted ratio of means cover cycle time without it.
    rdd, rdd_bandwidth
        Add a regression-discontinuity estimate around ``threshold`` (threshold
        cohorts only); ``rdd_bandwidth=None`` chooses it by cross-validation.
    smd_flag, simpson_smd
        Absolute standardized mean difference above which a covariate is flagged as
        imbalanced (0.1 by convention), and above which the Simpson's-paradox note is
        attached (0.25).
    score_metrics
        Registry ids of the metrics in the score (for the circularity check); ``None``
        means all 12 scorecard metrics.
    fiscal_start_month
        First month of the fiscal year (quarters of outcome dates).
    """

    threshold: float = 60.0
    by: CohortBy = "threshold"
    quarter: str | None = None
    windows: tuple[int, ...] = (0, 1)
    outcomes: tuple[str, ...] = OUTCOME_IDS
    tier_order: tuple[str, ...] | None = None
    reference_tier: str | None = None
    adjust_for: tuple[str, ...] = ("partner_type", "region", "size")
    correction: Correction = "holm"
    alpha: float = 0.05
    min_cohort_size: int = 30
    p_value_floor: int = 10
    bootstrap_draws: int = 1000
    seed: int = 20260401
    escalation_model: EscalationModel = "poisson"
    escalation_exposure: EscalationExposure = "tickets"
    median_regression: bool = False
    rdd: bool = True
    rdd_bandwidth: float | None = None
    smd_flag: float = 0.1
    simpson_smd: float = 0.25
    score_metrics: tuple[str, ...] | None = None
    fiscal_start_month: int = 1
    insufficient_label: str = "insufficient data"

    def __post_init__(self) -> None:
        # tuples, so the frozen config hashes and prints the same whatever was passed
        for name in ("windows", "outcomes", "adjust_for"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name in ("tier_order", "score_metrics"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, tuple(value))
        self._check()

    # --- validation ------------------------------------------------------------------
    def _check(self) -> None:
        def bad(key: str, message: str, fix: str) -> ConfigError:
            return ConfigError(f"cohort config '{key}': {message} Fix: {fix}")

        if not 0 <= float(self.threshold) <= 100:
            raise bad("threshold", f"{self.threshold!r} is outside 0-100.",
                      "use a RoT score between 0 and 100, e.g. 60.")
        if self.by not in ("threshold", "tier"):
            raise bad("by", f"{self.by!r} is not a cohort rule.", "use 'threshold' or 'tier'.")
        if self.quarter is not None:
            try:
                FiscalCalendar.label_to_index(self.quarter)
            except ValueError as exc:
                raise bad("quarter", str(exc) + ".", "write it like 2026Q2.") from None
        if not self.windows or any(int(w) != w or w < 0 for w in self.windows):
            raise bad("windows", f"{self.windows!r} must be non-negative whole quarters.",
                      "use (0, 1) for Q and Q+1.")
        if len(set(self.windows)) != len(self.windows):
            raise bad("windows", f"{self.windows!r} repeats a window.", "list each once.")
        unknown = [o for o in self.outcomes if o not in OUTCOME_IDS]
        if unknown or not self.outcomes:
            raise bad("outcomes", f"unknown or empty: {unknown or '()'}.",
                      f"choose from {', '.join(OUTCOME_IDS)}.")
        if self.correction not in ("holm", "fdr_bh"):
            raise bad("correction", f"{self.correction!r} is not supported.",
                      "use 'holm' or 'fdr_bh'.")
        if not 0 < float(self.alpha) < 0.5:
            raise bad("alpha", f"{self.alpha!r} must be in (0, 0.5).", "use 0.05 for 95%.")
        if int(self.p_value_floor) < 2:
            raise bad("p_value_floor", f"{self.p_value_floor!r} is below 2.",
                      "use at least 2 (10 is the default).")
        if int(self.min_cohort_size) < int(self.p_value_floor):
            raise bad("min_cohort_size",
                      f"{self.min_cohort_size} is below p_value_floor {self.p_value_floor}.",
                      "make the warning size at least the p-value floor.")
        if int(self.bootstrap_draws) < 0:
            raise bad("bootstrap_draws", "must be 0 (off) or positive.", "use e.g. 1000.")
        if 0 < int(self.bootstrap_draws) < 100:
            raise bad("bootstrap_draws", f"{self.bootstrap_draws} draws give unstable "
                      "percentile intervals.", "use 0 (off) or at least 100.")
        if self.escalation_model not in ("poisson", "negbin"):
            raise bad("escalation_model", f"{self.escalation_model!r} is not supported.",
                      "use 'poisson' or 'negbin'.")
        if self.escalation_exposure not in ("tickets", "accounts"):
            raise bad("escalation_exposure", f"{self.escalation_exposure!r} is unknown.",
                      "use 'tickets' or 'accounts'.")
        if self.rdd_bandwidth is not None and not float(self.rdd_bandwidth) > 0:
            raise bad("rdd_bandwidth", "must be positive score points.", "e.g. 10, or None.")
        if not 1 <= int(self.fiscal_start_month) <= 12:
            raise bad("fiscal_start_month", f"{self.fiscal_start_month!r}.", "use 1-12.")
        if self.tier_order is not None and len(set(self.tier_order)) != len(self.tier_order):
            raise bad("tier_order", "a tier is listed twice.", "list each tier once.")
        if (self.reference_tier is not None and self.tier_order is not None
                and self.reference_tier not in self.tier_order):
            raise bad("reference_tier", f"{self.reference_tier!r} is not in tier_order.",
                      "pick one of the listed tiers.")
        if self.score_metrics is not None:
            from rotlib.registry import SCORECARD_METRICS

            known = {m.id for m in SCORECARD_METRICS}
            unknown = [m for m in self.score_metrics if m not in known]
            if unknown:
                raise bad("score_metrics", f"unknown metric(s) {unknown}.",
                          f"use registry ids: {', '.join(sorted(known))}.")

    # --- helpers ---------------------------------------------------------------------
    @property
    def calendar(self) -> FiscalCalendar:
        return FiscalCalendar(int(self.fiscal_start_month))

    @property
    def confidence(self) -> float:
        return 1.0 - float(self.alpha)

    @property
    def headline_window(self) -> int:
        """Q+1 when it is requested, else the latest window asked for."""
        return 1 if 1 in self.windows else max(self.windows)

    def replace(self, **changes: Any) -> CohortConfig:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return CohortConfig(**values)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CohortConfig:
        """Build from a YAML/JSON mapping; an unknown key names the known ones."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(
                f"cohort config: unknown key(s) {', '.join(unknown)}. "
                f"Fix: use only {', '.join(sorted(known))}."
            )
        return cls(**dict(data))

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}

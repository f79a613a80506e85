"""The scorecard configuration: one YAML file, validated, with errors that name the key.

Analysts copy ``rotlib/default_config.yaml`` and edit it. Everything a scoring decision
depends on lives in that file (metrics in use and their weights, normalization, tiers and
benefits, minimum-data rules, unit costs for the RoT ratio, fiscal calendar), so a score
can always be reproduced from the data plus the config, and two configs can be compared.

Validation runs in two passes. Pydantic checks the shape (types, unknown keys, missing
keys); :func:`_semantic_problems` then checks the meaning (unknown metrics, a metric under
the wrong category, weights that are negative or all zero, tiers that overlap or leave
scores without a tier, goalposts written in percent for a share, ...). Every problem is
reported at once as ``key: problem. Fix: what to do`` inside one :class:`ConfigError`.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import types
import typing
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rotlib.calendar import FiscalCalendar
from rotlib.errors import ConfigError
from rotlib.registry import (
    CATEGORIES,
    METRICS_BY_ID,
    SCORECARD_METRICS,
    MetricDefinition,
)

NormalizationMethod = Literal["goalposts", "minmax", "percentile", "zscore"]
ShrinkageKind = Literal["auto", "beta_binomial", "gamma_poisson", "none"]
Aggregation = Literal["arithmetic", "geometric"]
Evidence = Literal["system record", "audited", "self-reported"]

NORMALIZATION_METHODS: tuple[str, ...] = ("goalposts", "minmax", "percentile", "zscore")


class _Model(BaseModel):
    """Base: unknown keys are errors (a typo must never be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Normalization(_Model):
    """How one metric's value becomes a 0-100 score.

    ``goalposts`` (the default): ``lower`` and ``upper`` are fixed bounds in the metric's
    own unit (a share 0-1, disputes per deal, ...); the worse bound scores 0 and the
    better one 100 (which is which follows the metric's direction); values beyond are
    clipped, which is also the outlier rule. ``minmax`` and ``percentile`` use the
    reference period's (winsorized) distribution; ``zscore`` maps ``z`` clipped to
    ``[-clip, clip]`` linearly onto 0-100 (so the reference mean scores 50).
    """

    method: NormalizationMethod = "goalposts"
    lower: float | None = None
    upper: float | None = None
    clip: float = 3.0


class MetricConfig(_Model):
    """One scorecard metric in use: its weight within the category and how it is scored."""

    weight: float = 1.0
    normalization: Normalization = Normalization()
    shrinkage: ShrinkageKind = "auto"
    min_denominator: float | None = None
    evidence: Evidence | None = None


class CategoryConfig(_Model):
    weight: float = 1.0
    metrics: dict[str, MetricConfig]


class Milestone(_Model):
    """A dated improvement milestone for partners in a tier (``due_in_quarters`` ahead)."""

    description: str
    due_in_quarters: int = Field(1, ge=1)


class Tier(_Model):
    """A tier: scores from ``min_score`` up to the next tier's ``min_score`` (exclusive)."""

    name: str
    min_score: float
    benefits: dict[str, str | int | float | bool] = Field(default_factory=dict)
    milestones: tuple[Milestone, ...] = ()


class Hysteresis(_Model):
    """A partner changes tier only when its score clears the boundary by ``margin`` points."""

    margin: float = 2.0


class MinimumData(_Model):
    """When a number is 'insufficient data' instead of a score.

    ``min_denominator``: a fraction metric needs at least this many trials (deals,
    tickets, ...) in the quarter. ``min_category_coverage``: a category score needs this
    share of the category's weight to have data. ``min_overall_coverage``: the RoT score
    needs this share of the category weights to have category scores.
    """

    min_denominator: float = 2.0
    min_category_coverage: float = 0.5
    min_overall_coverage: float = 0.75


class ReferencePeriod(_Model):
    """Quarters whose data fix min-max, percentile and z-score scales and the shrinkage prior.

    ``start``/``end`` are quarter labels ("2025Q1"); null means the first/last quarter
    in the data (then adding quarters shifts past scores: set both for a stable scale).
    """

    start: str | None = None
    end: str | None = None


class Winsorize(_Model):
    """Reference-period quantiles beyond which values are clipped before min-max / z-score."""

    lower_quantile: float = 0.01
    upper_quantile: float = 0.99


class Shrinkage(_Model):
    """Empirical-Bayes shrinkage of fraction metrics toward the portfolio.

    ``method``: ``marginal_likelihood`` (maximum of the beta-binomial / negative-binomial
    marginal likelihood) or ``moments`` (method of moments, faster, less efficient).
    """

    enabled: bool = True
    method: Literal["marginal_likelihood", "moments"] = "marginal_likelihood"


class ValueCreated(_Model):
    """Value created, in currency: margin on credited wins, renewals and expansion."""

    gross_margin: float = 0.7
    credit_share_sourced: float = 1.0
    credit_share_influenced: float = 0.3
    renewal_value_per_account: float = 0.0
    credit_share_renewal: float = 0.5
    credit_share_expansion: float = 0.5


class RiskItem(_Model):
    """One kind of risk avoided: the baseline rate and what one avoided event is worth.

    ``baseline`` is the expected events per unit of exposure without the partner's
    confidence (a number), or ``portfolio`` for the pooled rate of all partners in the
    same quarter.
    """

    baseline: float | Literal["portfolio"] = "portfolio"
    unit_cost: float = 0.0


class RiskReduced(_Model):
    escalations: RiskItem = RiskItem()
    disputes: RiskItem = RiskItem()
    implementation_defects: RiskItem = RiskItem()
    security_review_days: RiskItem = RiskItem()


class InvestmentRates(_Model):
    """Currency per hour for the hour-based investments."""

    enablement_hour_cost: float = 0.0
    se_hour_cost: float = 0.0


class RotRatioConfig(_Model):
    currency: str = "USD"
    value_created: ValueCreated = ValueCreated()
    risk_reduced: RiskReduced = RiskReduced()
    investment: InvestmentRates = InvestmentRates()


class RobustnessConfig(_Model):
    """Monte Carlo settings: weights drawn uniformly in ``w * [1 - spread, 1 + spread]``.

    ``tier_thresholds``: ``shares`` moves the cut points in each draw so every tier holds
    as many partners as under the configured scorecard (a different normalization puts
    scores on a different scale, and a designer using it would set thresholds to match);
    ``points`` applies the configured thresholds to every draw's score.
    """

    weight_spread: float = 0.25
    tier_thresholds: Literal["shares", "points"] = "shares"
    normalizations: tuple[NormalizationMethod, ...] = NORMALIZATION_METHODS
    aggregations: tuple[Aggregation, ...] | None = None
    tier_stability_threshold: float = 0.8


class GamingConfig(_Model):
    """Robust z-score (median / MAD of quarter-over-quarter changes) that flags a jump."""

    robust_z_threshold: float = 3.5


class ReliabilityConfig(_Model):
    redundant_above: float = 0.9


class BacktestConfig(_Model):
    outcomes: tuple[str, ...] = (
        "win_rate",
        "renewal_rate",
        "escalation_rate",
        "median_cycle_days_won",
    )
    bins: int = 10


class ScorecardConfig(_Model):
    """The whole scorecard. Load it with :func:`load_config`."""

    version: int = 1
    name: str = "RoT scorecard"
    fiscal_year_start_month: int = 1
    aggregation: Aggregation = "arithmetic"
    geometric_floor: float = 1.0
    categories: dict[str, CategoryConfig]
    reference_period: ReferencePeriod = ReferencePeriod()
    winsorize: Winsorize = Winsorize()
    shrinkage: Shrinkage = Shrinkage()
    minimum_data: MinimumData = MinimumData()
    tiers: tuple[Tier, ...]
    hysteresis: Hysteresis = Hysteresis()
    rot_ratio: RotRatioConfig = RotRatioConfig()
    robustness: RobustnessConfig = RobustnessConfig()
    gaming: GamingConfig = GamingConfig()
    reliability: ReliabilityConfig = ReliabilityConfig()
    backtest: BacktestConfig = BacktestConfig()

    # --- derived views used by the engine --------------------------------------------
    def metric_ids(self) -> tuple[str, ...]:
        """Metrics in use, in registry order (deterministic column order)."""
        used = {m for c in self.categories.values() for m in c.metrics}
        return tuple(m.id for m in SCORECARD_METRICS if m.id in used)

    def category_ids(self) -> tuple[str, ...]:
        return tuple(c for c in CATEGORIES if c in self.categories)

    def metric_config(self, metric_id: str) -> MetricConfig:
        return self.categories[METRICS_BY_ID[metric_id].category].metrics[metric_id]

    def shrinkage_kind(self, metric_id: str) -> str:
        """The shrinkage applied to a metric after resolving ``auto`` and ``enabled``."""
        kind = self.metric_config(metric_id).shrinkage
        if not self.shrinkage.enabled:
            return "none"
        if kind == "auto":
            return "beta_binomial" if METRICS_BY_ID[metric_id].kind == "proportion" else "none"
        return kind

    def min_denominator(self, metric_id: str) -> float:
        own = self.metric_config(metric_id).min_denominator
        return self.minimum_data.min_denominator if own is None else own

    def evidence(self, metric_id: str) -> str:
        return self.metric_config(metric_id).evidence or METRICS_BY_ID[metric_id].evidence

    def tier_names(self) -> tuple[str, ...]:
        """Tier names from best to worst."""
        return tuple(t.name for t in self.tiers)

    def calendar(self) -> FiscalCalendar:
        return FiscalCalendar(self.fiscal_year_start_month)

    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON form (equal fingerprints: equal configs)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


# --------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------
DEFAULT_CONFIG_NAME = "default_config.yaml"


def default_config_text() -> str:
    """The shipped default configuration, as text (for copying and editing)."""
    return resources.files("rotlib").joinpath(DEFAULT_CONFIG_NAME).read_text(encoding="utf-8")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (PyYAML keeps the last)."""


def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ConfigError(
                f"key {key!r} appears twice in one mapping (lines {seen[key]} and "
                f"{key_node.start_mark.line + 1}). Fix: keep one of them; YAML would "
                "silently use the last.")
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def _read_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: no objects


@functools.lru_cache(maxsize=1)
def _default_config() -> ScorecardConfig:
    return parse_config(_read_yaml(default_config_text()), source=DEFAULT_CONFIG_NAME)


def load_config(path: str | Path | None = None) -> ScorecardConfig:
    """Load and validate a scorecard config; ``None`` loads the shipped default.

    Raises :class:`ConfigError` listing every problem as ``key: problem. Fix: ...``.
    """
    if path is None:
        return _default_config()
    p = Path(path)
    if not p.is_file():
        raise ConfigError(
            f"{p}: config file not found. Fix: check the path, or omit --config to use the "
            "shipped default (copy it with `python -c \"from rotlib.scoring.config import "
            "default_config_text; print(default_config_text())\" > scorecard.yaml`)."
        )
    try:
        data = _read_yaml(p.read_text(encoding="utf-8-sig"))
    except ConfigError as exc:
        raise ConfigError(f"{p}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not UTF-8 text ({exc}). Fix: save the file as UTF-8.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"{p}: invalid YAML{where}: {problem}. Fix: check indentation and that every "
            "'key: value' pair is on its own line (compare with the shipped default)."
        ) from None
    return parse_config(data, source=str(p))


def parse_config(data: Any, *, source: str = "<config>") -> ScorecardConfig:
    """Validate an already-parsed mapping (for example from a notebook widget)."""
    if not isinstance(data, dict):
        raise ConfigError(
            f"{source}: the config must be a YAML mapping of keys (categories, tiers, ...), "
            f"got {type(data).__name__}. Fix: start from the shipped default config."
        )
    try:
        cfg = ScorecardConfig.model_validate(data)
    except ValidationError as exc:
        problems = [_describe_pydantic_error(err) for err in exc.errors()]
        raise ConfigError(_format(source, problems)) from None
    problems = _semantic_problems(cfg)
    if problems:
        raise ConfigError(_format(source, problems))
    return cfg


def _format(source: str, problems: list[tuple[str, str, str]]) -> str:
    lines = [f"{source}: {len(problems)} problem(s) in the scorecard config:"]
    lines += [f"  - key '{key}': {problem}. Fix: {fix}" for key, problem, fix in problems]
    return "\n".join(lines)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the mapping at ``loc`` (to suggest a close key)."""
    node: Any = ScorecardConfig
    for part in loc:
        node = _child(node, part)
        if node is None:
            return None
    return node if isinstance(node, type) and issubclass(node, BaseModel) else None


def _child(node: Any, part: Any) -> Any:
    """The type found one step down ``node`` at ``part`` (a field, dict key or list index)."""
    if isinstance(node, type) and issubclass(node, BaseModel):
        field = node.model_fields.get(part) if isinstance(part, str) else None
        return field.annotation if field else None
    origin, args = typing.get_origin(node), typing.get_args(node)
    if origin is dict:
        return args[1]
    if origin in (tuple, list):
        return args[0]
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            found = _child(arg, part)
            if found is not None:
                return found
    return None


def _key_text(loc: tuple[Any, ...]) -> str:
    """``('tiers', 0, 'name')`` -> ``tiers[0].name`` (the same form the meaning checks use)."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _describe_pydantic_error(err: dict[str, Any]) -> tuple[str, str, str]:
    loc = tuple(err.get("loc", ()))
    key = _key_text(loc)
    kind = err.get("type", "")
    given = err.get("input")
    if kind == "extra_forbidden":
        owner = _model_at(loc[:-1])
        allowed = sorted(owner.model_fields) if isinstance(owner, type) else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return (key, "unknown key",
                f"{hint}remove it or correct the spelling; keys allowed here: "
                f"{', '.join(allowed) or 'see the shipped default'}")
    if kind == "missing":
        return (key, "required key is missing",
                "add it (see the shipped default config for an example)")
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        want = "a whole number" if kind.startswith("int") else "a number"
        return (key, f"must be {want}, got {given!r}",
                f"write {want} without units or percent signs (for example 0.25)")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return (key, f"{given!r} is not allowed", f"use one of {expected}")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return (key, f"must be a mapping of keys, got {given!r}",
                "indent the keys under it as in the shipped default")
    if kind in ("tuple_type", "list_type"):
        return (key, f"must be a list, got {given!r}", "write it as a YAML list ('- item' lines)")
    if kind in ("string_type",):
        return (key, f"must be text, got {given!r}", "quote the value")
    if kind in ("bool_parsing", "bool_type"):
        return (key, f"must be true or false, got {given!r}", "write true or false")
    return (key, f"{err.get('msg', 'invalid value')} (got {given!r})",
            "compare with the shipped default config")


# --------------------------------------------------------------------------------------
# meaning checks
# --------------------------------------------------------------------------------------
def _semantic_problems(cfg: ScorecardConfig) -> list[tuple[str, str, str]]:
    problems: list[tuple[str, str, str]] = []
    add = problems.append
    scorecard_ids = [m.id for m in SCORECARD_METRICS]

    if not cfg.categories:
        add(("categories", "no category is configured",
             f"configure at least one of {', '.join(CATEGORIES)} with its metrics"))
    for cat_id, cat in cfg.categories.items():
        ckey = f"categories.{cat_id}"
        if cat_id not in CATEGORIES:
            close = difflib.get_close_matches(cat_id, CATEGORIES, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            add((ckey, "unknown category",
                 f"{hint}categories are: {', '.join(CATEGORIES)}"))
            continue
        if cat.weight < 0:
            add((f"{ckey}.weight", f"weight {cat.weight} is negative",
                 "weights must be >= 0 (use 0 to switch a category off)"))
        if not cat.metrics:
            add((f"{ckey}.metrics", "the category has no metrics",
                 "list at least one metric, or remove the category"))
        for metric_id, mc in cat.metrics.items():
            mkey = f"{ckey}.metrics.{metric_id}"
            problems.extend(_metric_problems(metric_id, mkey, cat_id, mc, scorecard_ids))
        if cat.metrics and all(mc.weight == 0 for mc in cat.metrics.values()) and cat.weight > 0:
            add((f"{ckey}.metrics", "all metric weights are zero",
                 "give at least one metric a positive weight, or set the category weight to 0"))
    known = [c for c in cfg.categories if c in CATEGORIES]
    if known and all(cfg.categories[c].weight == 0 for c in known):
        add(("categories", "all category weights are zero",
             "give at least one category a positive weight"))

    problems.extend(_tier_problems(cfg))

    md = cfg.minimum_data
    for name in ("min_category_coverage", "min_overall_coverage"):
        value = getattr(md, name)
        if not 0 < value <= 1:
            add((f"minimum_data.{name}", f"{value} is not a share in (0, 1]",
                 "write a share such as 0.5 (half of the weight must have data)"))
    if md.min_denominator < 1:
        add(("minimum_data.min_denominator", f"{md.min_denominator} is below 1",
             "a metric needs at least one trial (deal, ticket, ...) to be scored: use >= 1"))

    wz = cfg.winsorize
    if not 0 <= wz.lower_quantile < 0.5 < wz.upper_quantile <= 1:
        add(("winsorize", f"quantiles {wz.lower_quantile} and {wz.upper_quantile} are invalid",
             "use 0 <= lower_quantile < 0.5 < upper_quantile <= 1 (0 and 1 switch it off)"))

    rp = cfg.reference_period
    idx: dict[str, int] = {}
    for name in ("start", "end"):
        label = getattr(rp, name)
        if label is None:
            continue
        try:
            idx[name] = FiscalCalendar.label_to_index(label)
        except ValueError:
            add((f"reference_period.{name}", f"{label!r} is not a quarter label",
                 "write it as YYYYQn, for example 2025Q1, or null for the data's range"))
    if len(idx) == 2 and idx["start"] > idx["end"]:
        add(("reference_period", f"start {rp.start} is after end {rp.end}",
             "swap them"))

    if not 1 <= cfg.fiscal_year_start_month <= 12:
        add(("fiscal_year_start_month", f"{cfg.fiscal_year_start_month} is not a month",
             "use 1 (January) to 12 (December)"))
    if not 0 < cfg.geometric_floor < 100:
        add(("geometric_floor", f"{cfg.geometric_floor} is outside (0, 100)",
             "use a small positive score such as 1 (it keeps logs finite)"))

    problems.extend(_ratio_problems(cfg.rot_ratio))

    rb = cfg.robustness
    if not 0 <= rb.weight_spread < 1:
        add(("robustness.weight_spread", f"{rb.weight_spread} is outside [0, 1)",
             "use a share such as 0.5 (weights vary by up to +/-50%)"))
    if not rb.normalizations:
        add(("robustness.normalizations", "the list is empty",
             f"list at least one of {', '.join(NORMALIZATION_METHODS)}"))
    if rb.aggregations is not None and not rb.aggregations:
        add(("robustness.aggregations", "the list is empty",
             "list arithmetic and/or geometric, or null for the configured aggregation"))
    if not 0 < rb.tier_stability_threshold < 1:
        add(("robustness.tier_stability_threshold",
             f"{rb.tier_stability_threshold} is not in (0, 1)",
             "use a probability such as 0.8"))
    if cfg.gaming.robust_z_threshold <= 0:
        add(("gaming.robust_z_threshold", f"{cfg.gaming.robust_z_threshold} is not positive",
             "use a positive threshold such as 3.5"))
    if not 0 < cfg.reliability.redundant_above <= 1:
        add(("reliability.redundant_above", f"{cfg.reliability.redundant_above} is not in (0, 1]",
             "use a correlation such as 0.9"))
    for i, outcome in enumerate(cfg.backtest.outcomes):
        m = METRICS_BY_ID.get(outcome)
        if m is None or m.role != "outcome":
            outcomes = [x.id for x in METRICS_BY_ID.values() if x.role == "outcome"]
            add((f"backtest.outcomes[{i}]", f"{outcome!r} is not a registered outcome",
                 f"use one of {', '.join(outcomes)}"))
    if cfg.backtest.bins < 2:
        add(("backtest.bins", f"{cfg.backtest.bins} bins", "use at least 2 (10 for deciles)"))
    return problems


def _metric_problems(
    metric_id: str, mkey: str, cat_id: str, mc: MetricConfig, scorecard_ids: list[str]
) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    add = out.append
    m: MetricDefinition | None = METRICS_BY_ID.get(metric_id)
    if m is None or m.role != "score":
        close = difflib.get_close_matches(metric_id, scorecard_ids, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        what = f"is a registered {m.role}, not a scorecard metric" if m else "unknown metric"
        add((mkey, what, f"{hint}scorecard metrics are: {', '.join(scorecard_ids)}"))
        return out
    if m.category != cat_id:
        add((mkey, f"metric belongs to category '{m.category}' in the registry",
             f"move it under categories.{m.category}.metrics"))
    if mc.weight < 0:
        add((f"{mkey}.weight", f"weight {mc.weight} is negative",
             "weights must be >= 0 (use 0 to keep the metric visible but unweighted)"))
    norm = mc.normalization
    nkey = f"{mkey}.normalization"
    if norm.method == "goalposts":
        if norm.lower is None or norm.upper is None:
            add((nkey, "goalposts need both 'lower' and 'upper'",
                 f"add lower and upper bounds in the metric's unit ({m.unit})"))
        elif not norm.lower < norm.upper:
            add((nkey, f"lower {norm.lower} is not below upper {norm.upper}",
                 "write the smaller bound as lower; direction (lower is better for "
                 f"{metric_id}: {m.direction == 'down'}) is taken from the registry"))
        elif m.kind == "proportion" and not (norm.lower >= 0 and norm.upper <= 1):
            add((nkey, f"bounds {norm.lower}..{norm.upper} are outside 0..1 for a share",
                 "write shares as fractions (0.85, not 85)"))
    elif norm.lower is not None or norm.upper is not None:
        add((nkey, f"'lower'/'upper' are only used by goalposts, not {norm.method}",
             "remove them, or set method: goalposts"))
    if norm.method == "zscore" and norm.clip <= 0:
        add((f"{nkey}.clip", f"clip {norm.clip} is not positive", "use e.g. 3 (|z| <= 3)"))
    if mc.shrinkage == "beta_binomial" and m.kind != "proportion":
        add((f"{mkey}.shrinkage", f"beta-binomial needs counts of successes out of trials, "
             f"but {metric_id} is a {m.kind}",
             "use gamma_poisson (events per unit of exposure) or none"))
    if mc.min_denominator is not None and mc.min_denominator < 1:
        add((f"{mkey}.min_denominator", f"{mc.min_denominator} is below 1", "use >= 1"))
    return out


def _tier_problems(cfg: ScorecardConfig) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    add = out.append
    tiers = cfg.tiers
    if len(tiers) < 2:
        add(("tiers", f"{len(tiers)} tier(s) configured",
             "configure at least two tiers, best first, each with a min_score"))
        return out
    names = [t.name.strip() for t in tiers]
    for i, t in enumerate(tiers):
        if not names[i]:
            add((f"tiers[{i}].name", "the tier has no name", "give it a name such as Trusted"))
        if not 0 <= t.min_score <= 100:
            add((f"tiers[{i}].min_score", f"{t.min_score} is outside 0..100",
                 "scores are 0-100: use a threshold in that range"))
    seen: set[str] = set()
    for i, n in enumerate(names):
        if n and n.lower() in seen:
            add((f"tiers[{i}].name", f"tier name {n!r} is used twice",
                 "give each tier its own name"))
        seen.add(n.lower())
    for i in range(1, len(tiers)):
        hi, lo = tiers[i - 1], tiers[i]
        if lo.min_score >= hi.min_score:
            add((f"tiers[{i}].min_score",
                 f"tiers overlap: {lo.name!r} starts at {lo.min_score}, not below "
                 f"{hi.name!r} at {hi.min_score}",
                 "list tiers from best to worst with strictly decreasing min_score"))
    if tiers[-1].min_score != 0:
        add((f"tiers[{len(tiers) - 1}].min_score",
             f"scores below {tiers[-1].min_score} would have no tier",
             "set the lowest tier's min_score to 0"))
    margin = cfg.hysteresis.margin
    positive = [t.min_score for t in tiers if t.min_score > 0]
    if margin < 0:
        add(("hysteresis.margin", f"{margin} is negative", "use 0 (no hysteresis) or more"))
    elif positive and (margin >= min(positive) or tiers[0].min_score + margin > 100):
        add(("hysteresis.margin",
             f"margin {margin} makes a tier unreachable (thresholds {sorted(positive)})",
             "use a margin below the lowest positive threshold and no more than "
             f"{100 - tiers[0].min_score:g} (100 minus the top threshold)"))
    return out


def _ratio_problems(r: RotRatioConfig) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    vc = r.value_created
    for name in ("gross_margin", "credit_share_sourced", "credit_share_influenced",
                 "credit_share_renewal", "credit_share_expansion"):
        v = getattr(vc, name)
        if not 0 <= v <= 1:
            out.append((f"rot_ratio.value_created.{name}", f"{v} is not a share in 0..1",
                        "write shares as fractions (0.3, not 30)"))
    if vc.renewal_value_per_account < 0:
        out.append(("rot_ratio.value_created.renewal_value_per_account", "is negative",
                    "use an amount >= 0"))
    for name in ("escalations", "disputes", "implementation_defects", "security_review_days"):
        item: RiskItem = getattr(r.risk_reduced, name)
        key = f"rot_ratio.risk_reduced.{name}"
        if item.unit_cost < 0:
            out.append((f"{key}.unit_cost", f"{item.unit_cost} is negative",
                        "use the cost of one event (or day) as an amount >= 0"))
        if isinstance(item.baseline, float) and item.baseline < 0:
            out.append((f"{key}.baseline", f"{item.baseline} is negative",
                        "use a rate >= 0, or 'portfolio'"))
    for name in ("enablement_hour_cost", "se_hour_cost"):
        v = getattr(r.investment, name)
        if v < 0:
            out.append((f"rot_ratio.investment.{name}", f"{v} is negative",
                        "use a cost per hour >= 0"))
    return out

"""Who is in which cohort in quarter Q, and which outcome units fall in Q, Q+1, ...

Why a separate step: every model, the bootstrap and the balance table must look at the
*same* partners and the *same* deals, accounts and tickets. This module turns the
scored panel and the outcome tables into integer-coded arrays once, so later steps are
plain numpy and agree by construction.

Units (each outcome is analysed on the unit it lives on):

* win rate - closed partner deals (stage won or lost) whose ``closed_date`` is in the
  window quarter; y = 1 if won.
* cycle time - won partner deals closed in the window quarter; y = days from
  ``created_date`` to ``closed_date`` (lower is better).
* renewal rate - account snapshots in the window quarter with ``renewal_due``; y = 1 if
  renewed. Snapshots due with an empty ``renewed`` are left out and counted.
* escalations - one row per partner with tickets opened in the window quarter (or with
  shared accounts, when the exposure is accounts); y = escalated tickets, exposure =
  tickets opened (or distinct shared accounts). Lower is better.
* influenced pipeline - one row per cohort partner; y = amount of partner-influenced
  opportunities created in the window quarter (0 when none), in the reporting currency.

Cohorts are fixed in quarter Q and followed into later quarters whatever the partners'
later scores are (the comparison asks whether *being* above the threshold in Q goes with
better outcomes afterwards).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rotlib.calendar import FiscalCalendar
from rotlib.cohorts.config import CohortConfig
from rotlib.errors import AnalysisError
from rotlib.registry import METRICS_BY_ID, SCORECARD_METRICS

SCORED_COLUMNS: tuple[str, ...] = ("partner_id", "quarter_index", "rot_score", "tier")

#: Which table (and columns) each outcome is measured from.
OUTCOME_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "win_rate": ("opportunities", ("partner_id", "stage", "closed_date")),
    "median_cycle_days_won": (
        "opportunities", ("partner_id", "stage", "created_date", "closed_date")),
    "renewal_rate": ("account_health", ("partner_id", "snapshot_date", "renewal_due", "renewed")),
    "escalation_rate": ("tickets", ("partner_id", "opened_at", "escalated")),
    "influenced_pipeline": ("opportunities", ("partner_id", "attribution", "amount",
                                              "created_date")),
}

#: The unit each outcome is analysed on (for tables and sentences).
OUTCOME_UNIT: dict[str, str] = {
    "win_rate": "closed deal",
    "median_cycle_days_won": "won deal",
    "renewal_rate": "renewal due",
    "escalation_rate": "partner",
    "influenced_pipeline": "partner",
}

#: How each outcome is modelled: a yes/no per unit, a count with an exposure, or a
#: non-negative amount compared as a ratio of means.
OUTCOME_KIND: dict[str, str] = {
    "win_rate": "binary",
    "median_cycle_days_won": "amount",
    "renewal_rate": "binary",
    "escalation_rate": "count",
    "influenced_pipeline": "amount",
}

#: Score metrics built from the *same units* as an outcome (strong circularity), and
#: why. Shared source tables (a weaker overlap) are derived from the registry.
SAME_QUANTITY: dict[str, tuple[str, ...]] = {
    "win_rate": ("joint_win_rate",),
    "influenced_pipeline": ("partner_sourced_share",),
}
_SAME_QUANTITY_WHY: dict[tuple[str, str], str] = {
    ("win_rate", "joint_win_rate"):
        "the score's joint win rate counts the same closed partner deals as the win-rate "
        "outcome; a difference in Q is partly built in, and in Q+1 partly persistence of "
        "the score's own input.",
    ("influenced_pipeline", "partner_sourced_share"):
        "the score's partner-sourced share is sourced / (sourced + influenced) "
        "opportunities created in the quarter: a partner that scores higher on it has, by "
        "construction, fewer influenced opportunities, so influenced pipeline can be lower "
        "above the threshold even when trust does not change total pipeline.",
}


# --------------------------------------------------------------------------------------
# cohorts
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cohorts:
    """Partners of the cohort quarter, one row each, with their cohort.

    ``frame`` is indexed 0..n-1 (the partner *code* every later array uses) and has
    ``partner_id``, ``rot_score``, ``tier``, ``cohort`` (level name) and the covariates.
    ``levels`` lists cohort levels with the reference first.
    """

    frame: pd.DataFrame
    levels: tuple[str, ...]
    labels: dict[str, str]
    quarter_index: int
    quarter: str
    n_insufficient: int
    covariates: tuple[str, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)
    #: per covariate: integer codes and level names (categorical) or values and None
    covariate_codes: dict[str, tuple[np.ndarray, tuple[str, ...] | None]] = field(
        default_factory=dict)

    @property
    def reference(self) -> str:
        return self.levels[0]

    @property
    def level_code(self) -> np.ndarray:
        """Integer level per partner (0 = reference), aligned with ``frame``."""
        return self.frame["cohort_code"].to_numpy()

    def sizes(self) -> dict[str, int]:
        counts = np.bincount(self.level_code, minlength=len(self.levels))
        return {lvl: int(c) for lvl, c in zip(self.levels, counts, strict=True)}


def _check_scored(scored: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in SCORED_COLUMNS if c not in scored.columns]
    if missing:
        raise AnalysisError(
            f"the scored panel has no column(s) {', '.join(missing)}. Fix: pass the output "
            "of the scoring step (one row per partner and quarter with partner_id, quarter, "
            "quarter_index, rot_score and tier)."
        )
    return scored


def scored_quarters(scored: pd.DataFrame) -> list[int]:
    """Quarter indexes present in the scored panel, ascending."""
    q = pd.to_numeric(scored["quarter_index"], errors="coerce").dropna().astype(int)
    return sorted(q.unique().tolist())


def _tier_order(frame: pd.DataFrame, config: CohortConfig) -> tuple[str, ...]:
    present = frame["tier"].unique().tolist()
    if config.tier_order is not None:
        unknown = [t for t in present if t not in config.tier_order]
        if unknown:
            raise AnalysisError(
                f"tier(s) {unknown} in the scored panel are not in tier_order "
                f"{list(config.tier_order)}. Fix: add them to tier_order or leave tier_order "
                "unset to order tiers by score."
            )
        return tuple(t for t in config.tier_order if t in present)
    med = frame.groupby("tier")["rot_score"].median().sort_values(kind="stable")
    return tuple(med.index.tolist())


def assign_cohorts(
    scored: pd.DataFrame,
    quarter_index: int,
    config: CohortConfig,
    partners: pd.DataFrame | None = None,
) -> Cohorts:
    """Split the partners scored in ``quarter_index`` into cohorts.

    Partners with a missing score (or the "insufficient data" tier) are left out and
    counted: a partner with too little data is neither high- nor low-trust. Covariates
    missing from the scored panel are taken from ``partners``.

    Raises :class:`AnalysisError` when the quarter has no scored partners, when every
    partner falls in one cohort, or when an adjustment covariate is absent or empty.
    """
    _check_scored(scored)
    label = FiscalCalendar.index_to_label(int(quarter_index))
    qi = pd.to_numeric(scored["quarter_index"], errors="coerce")
    rows = scored.loc[qi == quarter_index].copy()
    if rows.empty:
        have = scored_quarters(scored)
        span = (f"{FiscalCalendar.index_to_label(have[0])} to "
                f"{FiscalCalendar.index_to_label(have[-1])}") if have else "none"
        raise AnalysisError(
            f"quarter {label} has no scored partners (scored quarters: {span}). "
            "Fix: pass a quarter that was scored, or score this quarter first."
        )
    rows["partner_id"] = rows["partner_id"].astype(str)
    # a fixed partner order makes every result (the bootstrap too) independent of the
    # order of the input rows
    rows = rows.sort_values("partner_id", kind="stable")
    dup = rows["partner_id"].duplicated()
    if dup.any():
        raise AnalysisError(
            f"the scored panel has {int(dup.sum())} duplicated partner_id(s) in {label} "
            f"(first: {rows.loc[dup, 'partner_id'].iloc[0]!r}). Fix: keep one row per "
            "partner and quarter."
        )
    rows["rot_score"] = pd.to_numeric(rows["rot_score"], errors="coerce")
    rows["tier"] = rows["tier"].astype("str").where(rows["tier"].notna(),
                                                    config.insufficient_label)
    insufficient = rows["rot_score"].isna() | (rows["tier"] == config.insufficient_label)
    n_insufficient = int(insufficient.sum())
    rows = rows.loc[~insufficient]
    if rows.empty:
        raise AnalysisError(
            f"no partner scored in {label} has a score: all {n_insufficient} have "
            "insufficient data. Fix: pick a quarter with scored partners or relax the "
            "scorecard's minimum-data rules."
        )

    if config.by == "threshold":
        above = rows["rot_score"].to_numpy() >= float(config.threshold)
        levels = ("below", "above")
        codes = above.astype(np.int64)
        t = f"{float(config.threshold):g}"
        labels = {"below": f"below-threshold partners (RoT < {t})",
                  "above": f"above-threshold partners (RoT >= {t})"}
        if above.all() or not above.any():
            side = "above" if above.all() else "below"
            lo, hi = rows["rot_score"].min(), rows["rot_score"].max()
            raise AnalysisError(
                f"all {len(rows)} scored partners in {label} are {side} the threshold "
                f"{t}, so there is nothing to compare. Fix: choose a threshold between the "
                f"lowest and highest score ({lo:.1f} to {hi:.1f})."
            )
    else:
        order = _tier_order(rows, config)
        reference = config.reference_tier or order[0]
        if reference not in order:
            raise AnalysisError(
                f"reference tier {reference!r} has no scored partner in {label} (tiers "
                f"present: {list(order)}). Fix: choose one of them as reference_tier."
            )
        if len(order) < 2:
            raise AnalysisError(
                f"only one tier ({order[0]!r}) has scored partners in {label}; nothing to "
                "compare. Fix: compare by threshold instead, or pick another quarter."
            )
        levels = (reference, *[t for t in order if t != reference])
        lookup = {lvl: i for i, lvl in enumerate(levels)}
        codes = rows["tier"].map(lookup).to_numpy(dtype=np.int64)
        labels = {lvl: f"{lvl} partners" for lvl in levels}

    rows = rows.reset_index(drop=True)
    rows["cohort"] = np.asarray(levels, dtype=object)[codes]
    rows["cohort_code"] = codes
    rows, notes = _attach_covariates(rows, config, partners, label)
    keep = ["partner_id", "rot_score", "tier", "cohort", "cohort_code", *config.adjust_for]
    for extra in ("partner_type", "region", "size"):
        if extra in rows.columns and extra not in keep:
            keep.append(extra)
    codes_by_covariate: dict[str, tuple[np.ndarray, tuple[str, ...] | None]] = {}
    for col in config.adjust_for:
        if pd.api.types.is_float_dtype(rows[col]):
            codes_by_covariate[col] = (rows[col].to_numpy(float), None)
        else:
            c, uniques = pd.factorize(rows[col], sort=True)
            codes_by_covariate[col] = (c.astype(np.int64), tuple(str(u) for u in uniques))
    return Cohorts(
        frame=rows[keep],
        levels=tuple(levels),
        labels=labels,
        quarter_index=int(quarter_index),
        quarter=label,
        n_insufficient=n_insufficient,
        covariates=tuple(config.adjust_for),
        warnings=tuple(notes),
        covariate_codes=codes_by_covariate,
    )


def _attach_covariates(
    rows: pd.DataFrame, config: CohortConfig, partners: pd.DataFrame | None, label: str
) -> tuple[pd.DataFrame, list[str]]:
    notes: list[str] = []
    need = [c for c in config.adjust_for if c not in rows.columns]
    if need and partners is not None and "partner_id" in partners.columns:
        have = [c for c in need if c in partners.columns]
        if have:
            p = partners[["partner_id", *have]].copy()
            p["partner_id"] = p["partner_id"].astype(str)
            p = p.drop_duplicates("partner_id")
            rows = rows.merge(p, on="partner_id", how="left", validate="one_to_one")
    for col in config.adjust_for:
        if col not in rows.columns:
            raise AnalysisError(
                f"cannot adjust for {col!r}: it is neither a column of the scored panel nor "
                "of the partners table. Fix: add the column, or remove it from adjust_for "
                "(e.g. --adjust-for partner_type,region)."
            )
        values = rows[col]
        missing = values.isna()
        if missing.all():
            raise AnalysisError(
                f"cannot adjust for {col!r}: it is empty for all {len(rows)} scored partners "
                f"in {label}. Fix: fill it in the partners export, or remove it from "
                "adjust_for."
            )
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            if missing.any():
                raise AnalysisError(
                    f"cannot adjust for numeric {col!r}: {int(missing.sum())} of {len(rows)} "
                    f"partners in {label} have no value. Fix: fill the values, or remove "
                    f"{col!r} from adjust_for."
                )
            rows[col] = values.astype(float)
        else:
            if missing.any():
                notes.append(
                    f"{int(missing.sum())} of {len(rows)} partners have no {col}; they are "
                    f"kept in the adjusted models as their own '(missing)' {col} group."
                )
            rows[col] = values.astype("str").where(~missing, "(missing)")
    return rows, notes


# --------------------------------------------------------------------------------------
# outcome units
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OutcomeUnits:
    """The units of one outcome in one window, coded against the cohort frame."""

    outcome: str
    window: int
    quarter: str
    unit: str
    partner: np.ndarray  # int64 partner code per unit
    y: np.ndarray  # float64 outcome per unit
    exposure: np.ndarray | None = None  # float64 exposure per unit (counts)
    empty_reason: str = ""
    note: str = ""
    exposure_name: str = ""  # "ticket" or "account" for escalations

    @property
    def n(self) -> int:
        return int(self.partner.size)


@dataclass
class _Prepared:
    """Outcome tables restricted to cohort partners, with quarter indexes computed once."""

    deals: pd.DataFrame | None = None  # closed partner deals
    created: pd.DataFrame | None = None  # influenced opportunities by creation quarter
    renewals: pd.DataFrame | None = None
    tickets: pd.DataFrame | None = None
    accounts: pd.DataFrame | None = None


def _table(outcomes: Mapping[str, pd.DataFrame], name: str, columns: tuple[str, ...],
           why: str) -> pd.DataFrame:
    if name not in outcomes or outcomes[name] is None:
        raise AnalysisError(
            f"{why} needs the {name} table. Fix: pass it as outcomes[{name!r}] (the validated "
            f"{name} export), or drop {why} from the config's outcomes."
        )
    df = outcomes[name]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AnalysisError(
            f"table {name} has no column(s) {', '.join(missing)}, needed for {why}. Fix: "
            "pass the validated table (see docs/data-contract.md)."
        )
    return df


def _codes(cohorts: Cohorts, ids: pd.Series) -> np.ndarray:
    """Partner code of each row (-1 when the partner is not in a cohort)."""
    index = pd.Index(cohorts.frame["partner_id"])
    return index.get_indexer(ids.astype("str"))


def _bool(series: pd.Series) -> np.ndarray:
    """Booleans as float 1/0 with NaN for missing (validated tables may use 'boolean')."""
    s = series.astype("boolean") if series.dtype != bool else series
    return s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def prepare_outcomes(
    cohorts: Cohorts, outcomes: Mapping[str, pd.DataFrame], config: CohortConfig
) -> _Prepared:
    """Keep rows of cohort partners and bucket their dates into quarters, once."""
    cal = config.calendar
    prep = _Prepared()
    wanted = set(config.outcomes)
    if wanted & {"win_rate", "median_cycle_days_won", "influenced_pipeline"}:
        cols = tuple(sorted({c for o in wanted & {"win_rate", "median_cycle_days_won",
                                                  "influenced_pipeline"}
                             for c in OUTCOME_TABLES[o][1]}))
        why = next(o for o in config.outcomes if OUTCOME_TABLES[o][0] == "opportunities")
        opp = _table(outcomes, "opportunities", cols, why)
        code = _codes(cohorts, opp["partner_id"].where(opp["partner_id"].notna(), ""))
        keep = code >= 0
        if wanted & {"win_rate", "median_cycle_days_won"}:
            stage = opp["stage"].astype("str").str.lower().to_numpy()
            closed = keep & np.isin(stage, ("won", "lost")) & opp["closed_date"].notna().to_numpy()
            d = pd.DataFrame({
                "partner": code[closed],
                "won": (stage[closed] == "won").astype(float),
                "q": cal.quarter_index(opp["closed_date"][closed]).to_numpy(
                    dtype=np.int64, na_value=-1),
            })
            if "median_cycle_days_won" in wanted:
                created = pd.to_datetime(opp["created_date"][closed]).to_numpy()
                closed_at = pd.to_datetime(opp["closed_date"][closed]).to_numpy()
                d["days"] = (closed_at - created) / np.timedelta64(1, "D")
            prep.deals = d
        if "influenced_pipeline" in wanted:
            attr = opp["attribution"].astype("str").str.lower().to_numpy()
            infl = keep & (attr == "influenced") & opp["created_date"].notna().to_numpy()
            prep.created = pd.DataFrame({
                "partner": code[infl],
                "amount": pd.to_numeric(opp["amount"][infl], errors="coerce").to_numpy(float),
                "q": cal.quarter_index(opp["created_date"][infl]).to_numpy(
                    dtype=np.int64, na_value=-1),
            })
    need_accounts = ("escalation_rate" in wanted and config.escalation_exposure == "accounts")
    if "renewal_rate" in wanted or need_accounts:
        cols = OUTCOME_TABLES["renewal_rate"][1]
        if need_accounts:
            cols = (*cols, "account_id")
        why = "renewal_rate" if "renewal_rate" in wanted else "escalations per account"
        ah = _table(outcomes, "account_health", cols, why)
        code = _codes(cohorts, ah["partner_id"])
        keep = code >= 0
        q = cal.quarter_index(ah["snapshot_date"][keep]).to_numpy(dtype=np.int64, na_value=-1)
        if "renewal_rate" in wanted:
            due = _bool(ah["renewal_due"])[keep] == 1
            prep.renewals = pd.DataFrame({
                "partner": code[keep][due],
                "renewed": _bool(ah["renewed"])[keep][due],
                "q": q[due],
            })
        if need_accounts:
            prep.accounts = pd.DataFrame({
                "partner": code[keep], "account": ah["account_id"][keep].astype("str").to_numpy(),
                "q": q,
            })
    if "escalation_rate" in wanted:
        tk = _table(outcomes, "tickets", OUTCOME_TABLES["escalation_rate"][1], "escalation_rate")
        code = _codes(cohorts, tk["partner_id"])
        keep = code >= 0
        prep.tickets = pd.DataFrame({
            "partner": code[keep],
            "escalated": np.nan_to_num(_bool(tk["escalated"])[keep], nan=0.0),
            "q": cal.quarter_index(tk["opened_at"][keep]).to_numpy(dtype=np.int64, na_value=-1),
        })
    return prep


def outcome_units(
    cohorts: Cohorts, prep: _Prepared, outcome: str, window: int, config: CohortConfig
) -> OutcomeUnits:
    """The units of ``outcome`` in window ``window`` (0 = Q, 1 = Q+1, ...)."""
    q = cohorts.quarter_index + int(window)
    label = FiscalCalendar.index_to_label(q)
    unit = OUTCOME_UNIT[outcome]
    n_partners = len(cohorts.frame)
    empty = np.zeros(0, dtype=np.int64)

    def make(partner: np.ndarray, y: np.ndarray, exposure: np.ndarray | None = None,
             reason: str = "", note: str = "", exposure_name: str = "") -> OutcomeUnits:
        if partner.size == 0 and not reason:  # pragma: no cover - callers give reasons
            reason = f"no {unit}s in {label}"
        return OutcomeUnits(outcome, int(window), label, unit, partner.astype(np.int64),
                            y.astype(float), exposure, reason, note, exposure_name)

    if outcome in ("win_rate", "median_cycle_days_won"):
        d = prep.deals
        sel = d["q"].to_numpy() == q
        if outcome == "win_rate":
            return make(d["partner"].to_numpy()[sel], d["won"].to_numpy()[sel],
                        reason="" if sel.any() else
                        f"no partner deal of a cohort partner closed (won or lost) in {label}")
        won = sel & (d["won"].to_numpy() == 1)
        days = d["days"].to_numpy()
        # a won deal without a creation date, or closed before it was created, has no
        # cycle time (the validated tables rule the second out; raw data may not)
        bad = won & ~(days >= 0)
        note = (f"{int(bad.sum())} won deal(s) in {label} without a valid cycle time "
                "(missing creation date or closed before created) were left out."
                if bad.any() else "")
        won = won & ~bad
        return make(d["partner"].to_numpy()[won], days[won], note=note,
                    reason="" if won.any() else
                    f"no partner deal of a cohort partner was won in {label}")
    if outcome == "renewal_rate":
        r = prep.renewals
        sel = r["q"].to_numpy() == q
        renewed = r["renewed"].to_numpy()[sel]
        unknown = np.isnan(renewed)
        note = (f"{int(unknown.sum())} renewal(s) due in {label} with no recorded result were "
                "left out." if unknown.any() else "")
        return make(r["partner"].to_numpy()[sel][~unknown], renewed[~unknown], note=note,
                    reason="" if (~unknown).any() else
                    f"no renewal fell due on a cohort partner's account in {label}")
    if outcome == "escalation_rate":
        t = prep.tickets
        sel = t["q"].to_numpy() == q
        part = t["partner"].to_numpy()[sel]
        tickets = np.bincount(part, minlength=n_partners).astype(float)
        esc = np.bincount(part, weights=t["escalated"].to_numpy()[sel], minlength=n_partners)
        if config.escalation_exposure == "tickets":
            exposure = tickets
            what = "tickets opened"
        else:
            a = prep.accounts
            a = a.loc[a["q"].to_numpy() == q].drop_duplicates(["partner", "account"])
            exposure = np.bincount(a["partner"].to_numpy(), minlength=n_partners).astype(float)
            what = "shared accounts"
        without = (exposure == 0) & (esc > 0)
        # escalations with no exposure (no shared-account snapshot) cannot form a rate
        note = (f"{int(without.sum())} partner(s) had escalations in {label} but no "
                f"{what}; they are left out of the rate." if without.any() else "")
        has = np.flatnonzero(exposure > 0)
        name = "ticket" if config.escalation_exposure == "tickets" else "account"
        if has.size == 0:
            return make(empty, np.zeros(0), np.zeros(0), exposure_name=name,
                        reason=f"no cohort partner had {what} in {label}")
        return make(has, esc[has], exposure[has], note=note, exposure_name=name)
    if outcome == "influenced_pipeline":
        c = prep.created
        sel = c["q"].to_numpy() == q
        amount = np.bincount(c["partner"].to_numpy()[sel],
                             weights=np.nan_to_num(c["amount"].to_numpy()[sel]),
                             minlength=n_partners)
        if not sel.any():
            # zero pipeline for everyone is what an empty quarter looks like, not a finding
            return make(empty, np.zeros(0),
                        reason=f"no partner-influenced opportunity was created in {label}")
        return make(np.arange(n_partners), amount)
    raise AnalysisError(f"unknown outcome {outcome!r}")  # guarded by CohortConfig


# --------------------------------------------------------------------------------------
# circularity
# --------------------------------------------------------------------------------------
def circularity(config: CohortConfig) -> pd.DataFrame:
    """Outcomes that overlap with metrics in the score, and how strongly.

    ``same quantity``: the score is built from the same units as the outcome (the joint
    win rate counts the same deals; the partner-sourced share counts the same
    opportunities as influenced pipeline, in the opposite direction), so part of a
    difference is true by construction.
    ``shared source table``: the metric and the outcome are computed from the same
    export (e.g. SLA adherence and escalations both from tickets): a data problem in
    that export moves both.
    """
    in_score = set(config.score_metrics or [m.id for m in SCORECARD_METRICS])
    rows = []
    for outcome in config.outcomes:
        out_sources = set(METRICS_BY_ID[outcome].sources)
        for m in SCORECARD_METRICS:
            if m.id not in in_score:
                continue
            if m.id in SAME_QUANTITY.get(outcome, ()):
                rows.append((outcome, m.id, "same quantity", ", ".join(m.sources),
                             _SAME_QUANTITY_WHY[(outcome, m.id)]))
            elif out_sources & set(m.sources):
                rows.append((outcome, m.id, "shared source table",
                             ", ".join(sorted(out_sources & set(m.sources))),
                             f"{m.name} and the outcome are computed from the same export."))
    return pd.DataFrame(rows, columns=["outcome", "score_metric", "overlap", "tables", "why"])

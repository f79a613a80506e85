"""The result of scoring: tidy tables, a summary, plots, all serializable for the report.

``ScoreResult.partners`` (also ``to_frame()``) has one row per partner x quarter with, in
order: keys and partner attributes; ``rot_score`` (0-100, NaN = insufficient data),
``rot_coverage``, ``rot_status``, ``rank`` within the quarter (1 = best), ``tier`` (after
hysteresis), ``tier_raw``, ``previous_tier``, ``tier_change``, ``rot_score_change``; per
category ``<category>_score`` and ``<category>_coverage``; per metric ``<m>`` (raw value),
``<m>__adjusted`` (after shrinkage), ``<m>__score``, ``<m>__status``, ``<m>__evidence``,
``<m>__jump_z``; the RoT ratio and its breakdown; tier probabilities and rank interval
when robustness ran; and ``flags``.

Everything else is computed on demand from the arrays kept in the result: the long tidy
table, the decomposition, next-tier gaps, benefits, back-test, reliability, metric
cards. Plot methods return matplotlib figures; partner names reach plots as plain text
(math parsing off), never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rotlib.jsonsafe import to_jsonable
from rotlib.registry import METRICS_BY_ID
from rotlib.scoring.calibration import STATUS_LABELS, Calibration
from rotlib.scoring.cards import metric_cards
from rotlib.scoring.config import ScorecardConfig
from rotlib.scoring.decompose import decompose_change
from rotlib.scoring.normalize import denormalize
from rotlib.scoring.ratio import portfolio_ratio
from rotlib.scoring.robustness import Reliability, Robustness, reliability
from rotlib.scoring.tiers import INSUFFICIENT, next_tier_plan, tier_labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from rotlib.scoring.backtest import Backtest
    from rotlib.scoring.engine import Core

ATTRIBUTES = ("partner_name", "partner_type", "region", "size")


def _categorical(codes: np.ndarray, labels: tuple[str, ...] | list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=list(labels))


def build_partner_table(
    table: pd.DataFrame,
    core: Core,
    prev_score: np.ndarray,
    prev_tier: np.ndarray,
    ratio: dict[str, Any],
    jump_z: dict[str, np.ndarray],
    robust: Robustness | None,
) -> pd.DataFrame:
    """Assemble the one-row-per-partner-quarter table from the scoring arrays."""
    cfg = core.cfg
    names = cfg.tier_names()
    n = len(table)
    cols: dict[str, Any] = {
        "partner_id": table["partner_id"].array,
        "quarter": table["quarter"].array,
        "quarter_index": core.quarter_index,
    }
    for a in ATTRIBUTES:
        if a in table.columns:
            cols[a] = table[a].array
    overall = core.agg.overall
    cols["rot_score"] = overall
    cols["rot_coverage"] = core.agg.overall_coverage
    cols["rot_status"] = _categorical(np.isnan(overall).astype(int),
                                      ["scored", "insufficient data"])
    cols["rank"] = (
        pd.Series(overall).groupby(core.quarter_index).rank(ascending=False, method="min")
        .to_numpy()
    )
    cols["tier"] = tier_labels(core.tier, names)
    cols["tier_raw"] = tier_labels(core.tier_raw, names)
    cols["previous_tier"] = tier_labels(prev_tier, names)
    change = np.select(
        [core.tier < 0, prev_tier < 0, core.tier < prev_tier, core.tier > prev_tier],
        [0, 1, 2, 3], default=4)
    cols["tier_change"] = _categorical(change, ["", "new", "up", "down", "same"])
    cols["rot_score_change"] = overall - prev_score
    for c, cat in enumerate(cfg.category_ids()):
        cols[f"{cat}_score"] = core.agg.category_scores[:, c]
        cols[f"{cat}_coverage"] = core.agg.category_coverage[:, c]
    for j, m in enumerate(cfg.metric_ids()):
        cols[m] = core.arrays.raw[:, j]
        cols[f"{m}__adjusted"] = core.adjusted[:, j]
        cols[f"{m}__score"] = core.scores[:, j]
        cols[f"{m}__status"] = _categorical(core.arrays.status[:, j], STATUS_LABELS)
        cols[f"{m}__evidence"] = _categorical(np.zeros(n, dtype=int), [cfg.evidence(m)])
        cols[f"{m}__jump_z"] = jump_z[m]
    cols.update(ratio)
    unstable = np.zeros(n, dtype=bool)
    if robust is not None:
        rows = robust.rows if robust.rows is not None else np.arange(n)
        for c in robust.per_row.columns:
            if c in ("partner_id", "quarter"):
                continue
            values = robust.per_row[c].to_numpy()
            full = np.full(n, np.nan) if values.dtype != bool else np.zeros(n, dtype=bool)
            full[rows] = values
            cols[c] = full
        unstable[rows] = robust.per_row["tier_unstable"].to_numpy()
    cols["flags"] = _flags(n, jump_z, cfg.gaming.robust_z_threshold, unstable,
                           core.agg.overall_coverage, overall)
    return pd.DataFrame(cols)


def _flags(n: int, jump_z: dict[str, np.ndarray], threshold: float, unstable: np.ndarray,
           coverage: np.ndarray, overall: np.ndarray) -> np.ndarray:
    """Semicolon-separated flags per row ('' when none).

    Common flags (partial coverage, tier unstable) are set by vectorized lookup; jumps
    are rare and listed per row with the metrics that jumped.
    """
    partial = ~np.isnan(overall) & (coverage < 1 - 1e-12)
    common = np.array(["", "tier unstable", "partial coverage",
                       "tier unstable; partial coverage"], dtype=object)
    out = common[unstable.astype(int) + 2 * partial.astype(int)]
    jumps: dict[int, list[str]] = {}
    for m, z in jump_z.items():
        for i in np.flatnonzero(np.nan_to_num(z, nan=-np.inf) > threshold):
            jumps.setdefault(int(i), []).append(m)
    for i, ms in jumps.items():
        text = "implausible jump: " + ",".join(ms)
        out[i] = f"{text}; {out[i]}" if out[i] else text
    return out


@dataclass
class ScoreResult:
    """Scores, tiers, RoT ratio and their explanations for every partner and quarter."""

    partners: pd.DataFrame
    config: ScorecardConfig
    calibration: Calibration
    core: Core = field(repr=False)
    table: pd.DataFrame = field(repr=False)
    previous_core: Core | None = field(default=None, repr=False)
    robustness: Robustness | None = None
    notes: list[str] = field(default_factory=list)

    # --- tables ------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per partner x quarter (a copy of ``partners``)."""
        return self.partners.copy()

    @property
    def quarters(self) -> list[str]:
        order = np.argsort(self.core.quarter_index, kind="stable")
        return list(dict.fromkeys(self.partners["quarter"].to_numpy()[order]))

    def tidy(self) -> pd.DataFrame:
        """Long table: partner x quarter x item (metric, category, overall, tier).

        Columns: partner_id, quarter, quarter_index, level, item, category, value (raw),
        adjusted, score, coverage, weight (effective weight in the RoT score), status,
        evidence.
        """
        core, cfg, p = self.core, self.config, self.partners
        n = len(p)
        keys = {"partner_id": p["partner_id"].to_numpy(), "quarter": p["quarter"].to_numpy(),
                "quarter_index": core.quarter_index}
        frames = []
        for j, m in enumerate(cfg.metric_ids()):
            frames.append(pd.DataFrame({
                **keys, "level": "metric", "item": m, "category": METRICS_BY_ID[m].category,
                "value": core.arrays.raw[:, j], "adjusted": core.adjusted[:, j],
                "score": core.scores[:, j], "coverage": np.nan,
                "weight": core.agg.effective_weights[:, j],
                "status": np.asarray(STATUS_LABELS, dtype=object)[core.arrays.status[:, j]],
                "evidence": cfg.evidence(m)}))
        for c, cat in enumerate(cfg.category_ids()):
            score = core.agg.category_scores[:, c]
            frames.append(pd.DataFrame({
                **keys, "level": "category", "item": cat, "category": cat, "value": np.nan,
                "adjusted": np.nan, "score": score, "coverage": core.agg.category_coverage[:, c],
                "weight": np.nan,
                "status": np.where(np.isnan(score), "insufficient data", "scored"),
                "evidence": ""}))
        overall = core.agg.overall
        frames.append(pd.DataFrame({
            **keys, "level": "overall", "item": "rot_score", "category": "", "value": np.nan,
            "adjusted": np.nan, "score": overall, "coverage": core.agg.overall_coverage,
            "weight": np.nan, "status": np.where(np.isnan(overall), "insufficient data", "scored"),
            "evidence": ""}))
        frames.append(pd.DataFrame({
            **keys, "level": "tier", "item": "tier", "category": "", "value": np.nan,
            "adjusted": np.nan, "score": overall, "coverage": np.nan, "weight": np.nan,
            "status": p["tier"].astype(str).to_numpy(), "evidence": ""}))
        out = pd.concat(frames, ignore_index=True)
        level_order = {"metric": 0, "category": 1, "overall": 2, "tier": 3}
        order = np.lexsort((out["level"].map(level_order).to_numpy(),
                            np.tile(np.arange(n), len(frames))))
        return out.iloc[order].reset_index(drop=True)

    def portfolio_ratio(self) -> pd.DataFrame:
        """RoT ratio of the whole portfolio per quarter (ratio of sums) with its breakdown."""
        return portfolio_ratio(self.partners, self.partners["quarter"])

    def benefits(self, quarter: str | None = None) -> pd.DataFrame:
        """Each partner's tier in ``quarter`` (default latest) and what it unlocks.

        Benefits are one column each; milestones of the tier are listed with their due
        quarter (the quarter ``due_in_quarters`` after this one).
        """
        cfg = self.config
        quarter = quarter or self.quarters[-1]
        p = self.partners[self.partners["quarter"] == quarter]
        tiers = {t.name: t for t in cfg.tiers}
        keys = sorted({k for t in cfg.tiers for k in t.benefits})
        rows = []
        for rec in p[["partner_id", "quarter", "quarter_index", "tier"]].itertuples(index=False):
            t = tiers.get(str(rec.tier))
            row: dict[str, Any] = {"partner_id": rec.partner_id, "quarter": rec.quarter,
                                   "tier": str(rec.tier)}
            for k in keys:
                row[k] = t.benefits.get(k) if t else None
            due = cfg.calendar().index_to_label
            row["milestones"] = "; ".join(
                f"{m.description} (due {due(int(rec.quarter_index) + m.due_in_quarters)})"
                for m in (t.milestones if t else ()))
            rows.append(row)
        return pd.DataFrame(rows, columns=["partner_id", "quarter", "tier", *keys, "milestones"])

    # --- explanations ------------------------------------------------------------------
    def decomposition(self, quarter: str | None = None) -> pd.DataFrame:
        """Exact split of each partner's score change since the previous quarter.

        One row per partner-quarter (with a previous quarter) and item: each metric's
        ``contribution`` (= ``score_effect`` + ``weight_effect``) and, when a previous
        config was given, a ``configuration change`` row. Per partner-quarter the
        contributions sum to ``change`` = ``rot_score`` - ``previous_rot_score``
        (the published previous score).
        """
        core, cfg = self.core, self.config
        rows = np.flatnonzero(core.prev_row >= 0)
        if quarter is not None:
            rows = rows[self.partners["quarter"].to_numpy()[rows] == quarter]
        prev = core.prev_row[rows]
        published_all = (self.previous_core.agg.overall if self.previous_core is not None
                         else core.agg.overall)
        # a change can be split only when both quarters have a score under the current
        # config (and the previous quarter a published one)
        splittable = ~(np.isnan(core.agg.overall[rows]) | np.isnan(core.agg.overall[prev])
                       | np.isnan(published_all[prev]))
        rows, prev = rows[splittable], prev[splittable]
        parts = decompose_change(
            core.scores[rows], core.agg.effective_weights[rows], core.agg.overall[rows],
            core.scores[prev], core.agg.effective_weights[prev], core.agg.overall[prev],
            method=cfg.aggregation, floor=cfg.geometric_floor)
        published_prev = published_all[prev]
        config_part = core.agg.overall[prev] - published_prev
        ids = cfg.metric_ids()
        m = len(ids)
        p = self.partners
        now = core.agg.overall[rows]
        frame = pd.DataFrame({
            "partner_id": np.repeat(p["partner_id"].to_numpy()[rows], m),
            "quarter": np.repeat(p["quarter"].to_numpy()[rows], m),
            "previous_quarter": np.repeat(p["quarter"].to_numpy()[prev], m),
            "item": np.tile(np.asarray(ids, dtype=object), rows.size),
            "category": np.tile(np.asarray([METRICS_BY_ID[i].category for i in ids],
                                           dtype=object), rows.size),
            "contribution": parts["contribution"].ravel(),
            "score_effect": parts["score_effect"].ravel(),
            "weight_effect": parts["weight_effect"].ravel(),
            "score": core.scores[rows].ravel(),
            "previous_score": core.scores[prev].ravel(),
            "weight": core.agg.effective_weights[rows].ravel(),
            "previous_weight": core.agg.effective_weights[prev].ravel(),
            "rot_score": np.repeat(now, m),
            "previous_rot_score": np.repeat(published_prev, m),
        })
        if self.previous_core is not None:
            cfg_rows = pd.DataFrame({
                "partner_id": p["partner_id"].to_numpy()[rows],
                "quarter": p["quarter"].to_numpy()[rows],
                "previous_quarter": p["quarter"].to_numpy()[prev],
                "item": "configuration change", "category": "",
                "contribution": config_part, "score_effect": np.nan, "weight_effect": np.nan,
                "score": np.nan, "previous_score": np.nan, "weight": np.nan,
                "previous_weight": np.nan, "rot_score": now,
                "previous_rot_score": published_prev})
            frame = pd.concat([frame, cfg_rows], ignore_index=True)
        frame["change"] = frame["rot_score"] - frame["previous_rot_score"]
        frame = frame[frame["change"].notna()]
        return frame.sort_values(["partner_id", "quarter"], kind="stable").reset_index(drop=True)

    def next_tier_gaps(self, quarter: str | None = "latest") -> pd.DataFrame:
        """What each partner needs to reach the next tier: the smallest set of metric gains.

        One row per partner-quarter and chosen metric (or one row with the status when
        nothing is needed or possible). ``target_value`` is the metric's adjusted value
        that reaches ``target_metric_score`` (other metrics unchanged, same calibration).
        ``quarter``: a label, ``"latest"`` (default) or ``None`` for every quarter.
        """
        core, cfg, p = self.core, self.config, self.partners
        rows = np.arange(len(p))
        if quarter == "latest":
            quarter = self.quarters[-1]
        if quarter is not None:
            rows = rows[p["quarter"].to_numpy() == quarter]
        plan = next_tier_plan(
            core.scores[rows], core.agg.effective_weights[rows], core.agg.overall[rows],
            core.tier[rows], core.min_scores, cfg.hysteresis.margin,
            method=cfg.aggregation, floor=cfg.geometric_floor)
        names = np.asarray([*cfg.tier_names(), "insufficient data"], dtype=object)
        ids = cfg.metric_ids()
        tier = core.tier[rows]
        base = pd.DataFrame({
            "partner_id": p["partner_id"].to_numpy()[rows],
            "quarter": p["quarter"].to_numpy()[rows],
            "tier": names[np.where(tier < 0, len(names) - 1, tier)],
            "next_tier": np.where(tier > 0, names[np.maximum(tier - 1, 0)], ""),
            "rot_score": core.agg.overall[rows], "target_score": plan["target"],
            "gap_points": plan["gap"], "status": plan["status"],
            "n_metrics": plan["n_metrics"],
        })
        # one row per chosen metric (vectorized per metric for the value targets)
        i, j = np.nonzero(plan["chosen"])
        target_score = plan["target_scores"][i, j]
        target_value = np.empty(i.size)
        for k, m in enumerate(ids):
            sel = j == k
            if sel.any():
                target_value[sel] = denormalize(
                    target_score[sel], cfg.metric_config(m).normalization,
                    METRICS_BY_ID[m].higher_is_better, self.calibration.metrics[m].reference)
        chosen = base.iloc[i].reset_index(drop=True)
        chosen["metric"] = np.asarray(ids, dtype=object)[j]
        chosen["metric_score"] = core.scores[rows[i], j]
        chosen["target_metric_score"] = target_score
        chosen["value"] = core.adjusted[rows[i], j]
        chosen["target_value"] = target_value
        chosen["weight"] = core.agg.effective_weights[rows[i], j]
        chosen["_row"] = i
        rest = base[plan["n_metrics"] == 0].copy()
        rest["metric"] = ""
        for col in ("metric_score", "target_metric_score", "value", "target_value", "weight"):
            rest[col] = np.nan
        rest["_row"] = np.flatnonzero(plan["n_metrics"] == 0)
        out = pd.concat([chosen, rest], ignore_index=True)
        out = out.sort_values(["_row", "metric_score"], kind="stable")
        return out.drop(columns="_row").reset_index(drop=True)

    @cached_property
    def reliability(self) -> Reliability:
        """Cronbach's alpha per category and metric correlations (redundant / contradicting)."""
        cfg = self.config
        return reliability(self.core.scores, cfg.metric_ids(),
                           tuple(METRICS_BY_ID[m].category for m in cfg.metric_ids()),
                           cfg.reliability.redundant_above)

    def backtest(self, outcomes: tuple[str, ...] | None = None, bins: int | None = None) -> (
        Backtest
    ):
        """RoT score in Q against outcomes in Q+1 (see :mod:`rotlib.scoring.backtest`)."""
        from rotlib.scoring.backtest import run_backtest  # scipy.stats: imported on use

        core = self.core
        n = core.prev_row.size
        next_row = np.full(n, -1, dtype=np.int64)
        has = core.prev_row >= 0
        next_row[core.prev_row[has]] = np.flatnonzero(has)
        return run_backtest(
            self.partners[["partner_id", "quarter"]], core.agg.overall,
            self.partners["tier"].array, self.table, next_row,
            outcomes or self.config.backtest.outcomes, bins or self.config.backtest.bins)

    def metric_cards(self) -> pd.DataFrame:
        """Definition, owner, sources, direction, normalization and weight of every metric."""
        return metric_cards(self.config)

    # --- text and serialization ---------------------------------------------------------
    def summary(self) -> str:
        p, cfg = self.partners, self.config
        latest = self.quarters[-1]
        cur = p[p["quarter"] == latest]
        lines = [
            f"RoT scorecard '{cfg.name}' (config {cfg.fingerprint()[:12]}, "
            f"{cfg.aggregation} aggregation)",
            f"{p['partner_id'].nunique()} partners, {len(self.quarters)} quarters "
            f"({self.quarters[0]} to {latest}), {len(p)} partner-quarters",
            f"Latest quarter {latest}: median RoT score {cur['rot_score'].median():.1f}; "
            f"{int(cur['rot_score'].isna().sum())} with insufficient data",
            "Tiers: " + ", ".join(f"{name} {int((cur['tier'] == name).sum())}"
                                  for name in [*cfg.tier_names(), "insufficient data"]),
            "Movement: " + ", ".join(f"{k} {int((cur['tier_change'] == k).sum())}"
                                     for k in ("up", "down", "same", "new")),
        ]
        port = self.portfolio_ratio()
        row = port[port["quarter"] == latest]
        if len(row):
            r = row.iloc[0]
            ratio = f"{r['rot_ratio']:.2f}" if pd.notna(r["rot_ratio"]) else "n/a (no investment)"
            lines.append(
                f"Portfolio RoT ratio {ratio} = (value {r['value_created']:,.0f} + risk reduced "
                f"{r['risk_reduced']:,.0f}) / investment {r['investment']:,.0f} "
                f"{cfg.rot_ratio.currency}")
        flagged = int((cur["flags"].str.contains("implausible jump", regex=False)).sum())
        lines.append(f"Implausible jumps flagged this quarter: {flagged}")
        if self.robustness is not None:
            lines.append(self.robustness.summary())
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<ScoreResult {len(self.partners)} partner-quarters>\n{self.summary()}"

    def to_dict(self, include_partners: bool = True) -> dict[str, Any]:
        """JSON-ready dictionary (NaN becomes None) for the report and the run manifest."""
        out: dict[str, Any] = {
            "config": self.config.model_dump(mode="json"),
            "config_fingerprint": self.config.fingerprint(),
            "calibration": self.calibration.to_frame().to_dict(orient="records"),
            "portfolio_ratio": self.portfolio_ratio().to_dict(orient="records"),
            "reliability": self.reliability.to_dict(),
            "robustness": self.robustness.to_dict() if self.robustness is not None else None,
            "notes": list(self.notes),
        }
        if include_partners:
            out["partners"] = self.partners.astype(object).to_dict(orient="records")
        return _json_clean(out)

    # --- plots --------------------------------------------------------------------------
    def plot_tiers(self) -> Figure:
        """Partners per tier and quarter (stacked bars)."""
        import matplotlib.pyplot as plt

        counts = pd.crosstab(self.partners["quarter"], self.partners["tier"]).reindex(
            self.quarters)
        fig, ax = plt.subplots(figsize=(7, 3.5))
        bottom = np.zeros(len(counts))
        for name in counts.columns:
            ax.bar(counts.index, counts[name], bottom=bottom, label=str(name))
            bottom += counts[name].to_numpy()
        ax.set_ylabel("partners")
        ax.set_title("Partners by tier")
        ax.legend(fontsize=8, frameon=False, bbox_to_anchor=(1.01, 1), loc="upper left")
        fig.tight_layout()
        return fig

    def plot_scores(self) -> Figure:
        """RoT score distribution per quarter with the tier thresholds."""
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 3.5))
        data = [self.partners.loc[self.partners["quarter"] == q, "rot_score"].dropna()
                for q in self.quarters]
        ax.boxplot(data, tick_labels=self.quarters)
        for t in self.config.tiers[:-1]:
            ax.axhline(t.min_score, ls="--", lw=0.8, color="grey")
            ax.text(0.5, t.min_score, t.name, fontsize=7, va="bottom", parse_math=False)
        ax.set_ylim(0, 100)
        ax.set_ylabel("RoT score (0-100)")
        ax.set_title("RoT score by quarter")
        fig.tight_layout()
        return fig

    def plot_decomposition(self, partner_id: str, quarter: str | None = None) -> Figure:
        """Why one partner's score moved: metric contributions as horizontal bars."""
        import matplotlib.pyplot as plt

        d = self.decomposition(quarter or self.quarters[-1])
        d = d[d["partner_id"] == partner_id]
        fig, ax = plt.subplots(figsize=(6, 4))
        if d.empty:
            ax.text(0.5, 0.5, "no change to explain (no previous quarter or no score)",
                    ha="center", parse_math=False)
        else:
            ax.barh(d["item"], d["contribution"],
                    color=np.where(d["contribution"] >= 0, "tab:green", "tab:red"))
            ax.axvline(0, color="black", lw=0.8)
            ax.set_xlabel("points of RoT score")
            ax.set_title(f"Change {d['change'].iloc[0]:+.1f} points for partner {partner_id}",
                         parse_math=False)
        fig.tight_layout()
        return fig

    def plot_robustness(self, quarter: str | None = None) -> Figure:
        """Rank intervals (5-95%) per partner, unstable tiers highlighted."""
        import matplotlib.pyplot as plt

        if self.robustness is None:
            raise ValueError("robustness did not run: pass robustness_draws=1000 to score()")
        quarter = quarter or self.quarters[-1]
        r = self.robustness.per_row
        r = r[(r["quarter"] == quarter) & r["rank_p50"].notna()].sort_values("rank_p50")
        fig, ax = plt.subplots(figsize=(7, 4))
        y = np.arange(len(r))
        color = np.where(r["tier_unstable"], "tab:red", "tab:blue")
        ax.hlines(y, r["rank_p05"], r["rank_p95"], color=color, lw=1)
        ax.scatter(r["rank_p50"], y, s=4, color=color)
        ax.set_xlabel("rank in the quarter (1 = best), 5th-95th percentile over draws")
        ax.set_yticks([])
        ax.set_title(f"Rank uncertainty {quarter} (red: tier holds in < "
                     f"{self.robustness.threshold:.0%} of draws)")
        fig.tight_layout()
        return fig

    def plot_backtest(self, outcome: str | None = None, by: str = "tier") -> Figure:
        return self.backtest().plot(outcome, by)


def _json_clean(value: Any) -> Any:
    return to_jsonable(value)


__all__ = ["INSUFFICIENT", "ScoreResult", "build_partner_table"]

"""Does the score predict? The RoT score in quarter Q against outcomes in Q+1.

Leading trust, lagging outcomes: each partner-quarter's score is paired with the same
partner's outcomes in the next quarter (pairs only where both quarters exist). Three
views per outcome:

* **Rank correlation** (Spearman) of score and next-quarter outcome. Rows of one partner
  in different quarters are not independent, so the interval uses the Fisher z
  transform with the Bonett-Wright standard error ``sqrt((1 + rho^2 / 2) / (n - 3))``
  and ``n`` = the number of *distinct partners*, which is conservative (it treats a
  partner's quarters as one observation).
* **Outcome by score bin** (deciles of the score over all pairs) and **by tier**
  (published tier in Q): a rate outcome is the pooled rate ``sum(num) / sum(den)`` (for
  example won deals over closed deals); other outcomes are the mean over partner-quarters.
  Intervals are 95% normal intervals from the ratio estimator's variance with partners
  as clusters, ``k / (k - 1) * sum_j (y_j - r n_j)^2 / (sum_j n_j)^2``, so deals of one
  partner are not counted as independent evidence.

The expected sign follows the outcome's direction (win and renewal rates up; escalation
rate and cycle days down). Note the circularity: the joint win rate is a score input and
win rate an outcome; the Q -> Q+1 lag is what keeps the check honest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from rotlib.registry import METRICS_BY_ID

_Z = 1.959963984540054  # standard normal 97.5% quantile


def spearman_interval(rho: float, n_eff: int) -> tuple[float, float, float]:
    """(low, high, two-sided p) for Spearman's rho with ``n_eff`` independent units."""
    if n_eff <= 3 or not np.isfinite(rho):
        return float("nan"), float("nan"), float("nan")
    se = np.sqrt((1 + rho**2 / 2) / (n_eff - 3))
    z = np.arctanh(np.clip(rho, -0.999999, 0.999999))
    p = 2 * stats.norm.sf(abs(z) / se)
    return float(np.tanh(z - _Z * se)), float(np.tanh(z + _Z * se)), float(p)


def cluster_ratio(y: np.ndarray, n: np.ndarray, cluster: np.ndarray) -> dict[str, float]:
    """Pooled ratio sum(y)/sum(n) with a partner-clustered 95% interval."""
    frame = pd.DataFrame({"c": cluster, "y": y, "n": n}).groupby("c", sort=False).sum()
    k = len(frame)
    total = frame["n"].sum()
    if k == 0 or total <= 0:
        return {"estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n_partners": k}
    r = frame["y"].sum() / total
    if k < 2:
        return {"estimate": r, "ci_low": np.nan, "ci_high": np.nan, "n_partners": k}
    var = k / (k - 1) * ((frame["y"] - r * frame["n"]) ** 2).sum() / total**2
    half = _Z * np.sqrt(var)
    return {"estimate": r, "ci_low": r - half, "ci_high": r + half, "n_partners": k}


@dataclass
class Backtest:
    correlations: pd.DataFrame
    by_bin: pd.DataFrame
    by_tier: pd.DataFrame
    n_pairs: int
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "n_pairs": self.n_pairs,
            "correlations": self.correlations.to_dict(orient="records"),
            "by_bin": self.by_bin.to_dict(orient="records"),
            "by_tier": self.by_tier.to_dict(orient="records"),
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        lines = [f"Back-test: RoT score in Q vs outcomes in Q+1 ({self.n_pairs} pairs)"]
        for row in self.correlations.itertuples(index=False):
            verdict = "as expected" if row.agrees else "NOT as expected"
            lines.append(
                f"  {row.outcome}: Spearman rho {row.spearman_rho:+.3f} "
                f"(95% CI {row.ci_low:+.3f} to {row.ci_high:+.3f}, {row.n_partners} partners), "
                f"{verdict} for a '{row.direction}' outcome"
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def plot(self, outcome: str | None = None, by: str = "tier"):
        """Outcome in Q+1 by tier (or by score bin) with 95% intervals."""
        import matplotlib.pyplot as plt

        table = self.by_tier if by == "tier" else self.by_bin
        outcome = outcome or str(self.correlations["outcome"].iloc[0])
        sub = table[table["outcome"] == outcome]
        fig, ax = plt.subplots(figsize=(6, 3.5))
        x = np.arange(len(sub))
        est = sub["estimate"].to_numpy(float)
        err = np.vstack([est - sub["ci_low"].to_numpy(float), sub["ci_high"].to_numpy(float) - est])
        ax.errorbar(x, est, yerr=np.nan_to_num(err), fmt="o", capsize=4)
        ax.set_xticks(x, sub[by].astype(str).tolist())
        ax.set_xlabel("tier in quarter Q" if by == "tier" else "RoT score decile in Q")
        ax.set_ylabel(f"{outcome} in Q+1")
        ax.set_title(f"Next-quarter {outcome} by {by} (95% intervals)")
        fig.tight_layout()
        return fig


def run_backtest(
    keys: pd.DataFrame,
    score: np.ndarray,
    tier: pd.Categorical,
    table: pd.DataFrame,
    next_row: np.ndarray,
    outcomes: tuple[str, ...],
    bins: int = 10,
) -> Backtest:
    """Pair each scored row with its partner's next quarter and summarize the outcomes."""
    notes: list[str] = []
    pair = (next_row >= 0) & ~np.isnan(score)
    src = np.flatnonzero(pair)
    dst = next_row[src]
    partner = keys["partner_id"].to_numpy()[src]
    s = score[src]
    tiers = np.asarray(tier)[src]
    cats = [c for c in tier.categories if c != "insufficient data"]
    corr_rows, bin_rows, tier_rows = [], [], []
    bin_labels = np.full(src.size, -1)
    if src.size >= bins:
        ranks = stats.rankdata(s, method="average")
        bin_labels = np.minimum((ranks - 1) * bins // src.size, bins - 1).astype(int) + 1
    for outcome in outcomes:
        m = METRICS_BY_ID[outcome]
        if outcome not in table.columns:
            notes.append(f"{outcome} is not in the metrics table: not back-tested")
            continue
        value = pd.to_numeric(table[outcome], errors="coerce").to_numpy(float)[dst]
        if m.keeps_fraction and f"{outcome}__num" in table.columns:
            y = pd.to_numeric(table[f"{outcome}__num"], errors="coerce").to_numpy(float)[dst]
            n = pd.to_numeric(table[f"{outcome}__den"], errors="coerce").to_numpy(float)[dst]
            ok = ~np.isnan(value) & (n > 0)
        else:
            ok = ~np.isnan(value)
            y, n = np.where(ok, value, 0.0), ok.astype(float)
        k = int(ok.sum())
        rho = stats.spearmanr(s[ok], value[ok]).statistic if k > 2 else np.nan
        n_partners = len(pd.unique(partner[ok]))
        lo, hi, p = spearman_interval(float(rho), n_partners)
        expected = 1 if m.direction == "up" else -1
        corr_rows.append({
            "outcome": outcome, "direction": m.direction, "n_pairs": k,
            "n_partners": n_partners, "spearman_rho": rho, "ci_low": lo, "ci_high": hi,
            "p_value": p, "agrees": bool(np.isfinite(rho) and np.sign(rho) == expected),
        })
        for b in range(1, bins + 1):
            sel = ok & (bin_labels == b)
            if not sel.any():
                continue
            est = cluster_ratio(y[sel], n[sel], partner[sel])
            bin_rows.append({"outcome": outcome, "bin": b, "score_low": s[sel].min(),
                             "score_high": s[sel].max(), "n_rows": int(sel.sum()), **est})
        for name in cats:
            sel = ok & (tiers == name)
            if not sel.any():
                continue
            est = cluster_ratio(y[sel], n[sel], partner[sel])
            tier_rows.append({"outcome": outcome, "tier": name, "n_rows": int(sel.sum()), **est})
    if src.size == 0:
        notes.append("no partner has two consecutive scored quarters: nothing to back-test")
    columns_bin = ["outcome", "bin", "score_low", "score_high", "n_rows", "estimate", "ci_low",
                   "ci_high", "n_partners"]
    columns_tier = ["outcome", "tier", "n_rows", "estimate", "ci_low", "ci_high", "n_partners"]
    columns_corr = ["outcome", "direction", "n_pairs", "n_partners", "spearman_rho", "ci_low",
                    "ci_high", "p_value", "agrees"]
    return Backtest(
        pd.DataFrame(corr_rows, columns=columns_corr),
        pd.DataFrame(bin_rows, columns=columns_bin),
        pd.DataFrame(tier_rows, columns=columns_tier),
        int(src.size), notes,
    )

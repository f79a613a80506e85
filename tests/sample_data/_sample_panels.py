"""Partner x window-quarter panels computed from raw generated tables (test helper).

Deliberately written with plain pandas, independently of the generator's internals, so
that comparing them with ``truth.json`` checks the generator end to end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rotlib.calendar import FiscalCalendar


def window_labels(truth: dict) -> list[str]:
    return [q["label"] for q in truth["calendar"]["window_quarters"]]


def quarter_pos(dates: pd.Series, truth: dict) -> np.ndarray:
    """Window quarter (0-based) of each date or timestamp; -1 outside the window/missing."""
    cal = FiscalCalendar(truth["calendar"]["fiscal_start_month"])
    idx = cal.quarter_index(dates)
    first = truth["calendar"]["window_quarters"][0]["index"]
    pos = (idx - first).fillna(-1).astype(int).to_numpy()
    return np.where((pos >= 0) & (pos < len(window_labels(truth))), pos, -1)


def partner_pos(partner_ids: pd.Series, truth: dict) -> np.ndarray:
    return pd.Index(truth["trust"]["partner_ids"]).get_indexer(partner_ids)


def start_quarters(truth: dict, program: int = 0) -> np.ndarray:
    """First treated window quarter per partner (-1 never)."""
    labels = window_labels(truth)
    first = truth["programs"][program]["first_treated_quarter"]
    return np.array([labels.index(first[p]) if first[p] else -1
                     for p in truth["trust"]["partner_ids"]])


def trust_matrix(truth: dict) -> np.ndarray:
    return np.asarray(truth["trust"]["values"], dtype=float)


def count_panel(partner_ids: pd.Series, when: pd.Series, success: pd.Series, truth: dict
                ) -> tuple[np.ndarray, np.ndarray]:
    """(successes, trials) per partner x window quarter."""
    n, t = len(truth["trust"]["partner_ids"]), len(window_labels(truth))
    p, q = partner_pos(partner_ids, truth), quarter_pos(when, truth)
    ok = (p >= 0) & (q >= 0)
    key = p[ok] * t + q[ok]
    trials = np.bincount(key, minlength=n * t).reshape(n, t)
    wins = np.bincount(key, weights=np.asarray(success, dtype=float)[ok],
                       minlength=n * t).reshape(n, t)
    return wins, trials


def win_panel(frames: dict, truth: dict) -> tuple[np.ndarray, np.ndarray]:
    opp = frames["opportunities"]
    closed = opp[opp["partner_id"].notna() & (opp["stage"] != "open")]
    return count_panel(closed["partner_id"], pd.to_datetime(closed["closed_date"]),
                       closed["stage"] == "won", truth)


def escalation_panel(frames: dict, truth: dict) -> tuple[np.ndarray, np.ndarray]:
    tk = frames["tickets"]
    return count_panel(tk["partner_id"], tk["opened_at"], tk["escalated"], truth)


def median_cycle_panel(frames: dict, truth: dict) -> np.ndarray:
    """Median days from creation to close of deals won in the quarter (NaN if none)."""
    opp = frames["opportunities"]
    won = opp[opp["partner_id"].notna() & (opp["stage"] == "won")].copy()
    closed = pd.to_datetime(won["closed_date"])
    won["days"] = (closed - pd.to_datetime(won["created_date"])).dt.days
    won["p"], won["q"] = partner_pos(won["partner_id"], truth), quarter_pos(closed, truth)
    won = won[won["q"] >= 0]
    med = won.groupby(["p", "q"])["days"].median()
    out = np.full((len(truth["trust"]["partner_ids"]), len(window_labels(truth))), np.nan)
    out[med.index.get_level_values(0), med.index.get_level_values(1)] = med.to_numpy()
    return out


def treated_cells(start: np.ndarray, n_quarters: int) -> np.ndarray:
    k = np.arange(n_quarters)[None, :]
    return (start[:, None] >= 0) & (k >= start[:, None])


def pooled_did(successes: np.ndarray, trials: np.ndarray, start: np.ndarray,
               weights: np.ndarray | None = None) -> float:
    """Event-weighted 2x2 DiD per wave against never-treated partners, pooled over waves
    with the number of treated post-period events as weights (percentage points).

    Partners with ``start == -2`` are excluded (used for partners who joined during the
    window: they enter the never-treated group mid-window and would bias a pooled
    comparison without partner fixed effects).
    """
    n, t = trials.shape
    w = np.ones(n) if weights is None else weights
    never = start == -1
    total, weight = 0.0, 0.0
    for g in sorted(set(start[start >= 0].tolist())):
        cohort = start == g
        pre, post = np.arange(t) < g, np.arange(t) >= g

        def rate(mask, cols):
            s = (w[mask, None] * successes[mask][:, cols]).sum()
            m = (w[mask, None] * trials[mask][:, cols]).sum()
            return s / m, m

        treated_post, n_post = rate(cohort, post)
        treated_pre, _ = rate(cohort, pre)
        control_post, _ = rate(never, post)
        control_pre, _ = rate(never, pre)
        total += n_post * ((treated_post - treated_pre) - (control_post - control_pre))
        weight += n_post
    return 100.0 * total / weight


def bootstrap_se(fn, n_partners: int, reps: int = 100, seed: int = 0) -> float:
    """Partner-level (cluster) bootstrap standard error of ``fn(weights)``."""
    rng = np.random.default_rng(seed)
    draws = [fn(rng.multinomial(n_partners, np.full(n_partners, 1.0 / n_partners))
                .astype(float)) for _ in range(reps)]
    return float(np.std(draws, ddof=1))

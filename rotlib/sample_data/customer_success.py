"""Customer success system: shared accounts and their quarterly health snapshots.

Mechanisms: each partner shares a book of customer accounts (more for larger partners,
new ones arriving each quarter). Every active account gets one snapshot per quarter.
Milestones met and time-to-value are behaviours (always trust-driven). Renewal and
expansion are outcomes: trust enters only through ``trust_link``. An account that does
not renew when due churns: it has no snapshot after that quarter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rotlib.sample_data import params as P
from rotlib.sample_data.columns import (
    TableChunk,
    bool_col,
    build_chunk,
    date_col,
    float_col,
    id_col,
    int_col,
    take_col,
)
from rotlib.sample_data.context import ID_FORMATS, ChunkContext
from rotlib.sample_data.names import TRICKY_ACCOUNT_NAMES, account_names, plant_tricky
from rotlib.sample_data.sampling import expand_counts, sigmoid, uniform_day


@dataclass(frozen=True)
class ActiveAccounts:
    """Which account is active in which partner-quarter (one entry per snapshot).

    ``pq_key = partner_row * J + position`` lets other systems (CRM, support desk) attach
    their deals and tickets to an account the partner actually shares that quarter.
    """

    pq_key: np.ndarray
    account_number: np.ndarray


def generate_account_health(ctx: ChunkContext) -> tuple[TableChunk, ActiveAccounts]:
    rng = ctx.rng("accounts")
    b, g, cfg = ctx.block, ctx.grid, ctx.config
    n, J, H = b.n, g.n, g.history
    window = ctx.window_mask()
    size_idx = b.size.astype(np.int64)

    # existing accounts (partners that joined before the window) -----------------------
    established = b.joined_day < g.window_start_day
    n_initial = rng.poisson(cfg.volume * np.asarray(P.INITIAL_ACCOUNTS)[size_idx]) * established
    # new accounts per window quarter; new partners also bring a starter book
    rate_new = cfg.volume * np.asarray(P.NEW_ACCOUNT_RATE)[size_idx][:, None] * b.active_fraction
    join_pos = g.position_of_day(b.joined_day)
    starter = (~established)[:, None] & (np.arange(J)[None, :] == join_pos[:, None])
    rate_new = rate_new + starter * 0.25 * cfg.volume * np.asarray(P.INITIAL_ACCOUNTS)[
        size_idx][:, None]
    rate_new = rate_new * window[None, :]
    n_new = rng.poisson(rate_new)

    init_rows = np.repeat(np.arange(n), n_initial)
    new_rows, new_pos = expand_counts(n_new)
    rows = np.concatenate([init_rows, new_rows])
    start_pos = np.concatenate([np.full(init_rows.size, H), new_pos])
    existing = np.concatenate([np.ones(init_rows.size, bool), np.zeros(new_rows.size, bool)])
    m = rows.size
    start_day = np.where(
        existing, g.window_start_day - 1,
        uniform_day(rng, b.active_low[rows, start_pos], g.end_day[start_pos]),
    )
    # renewal anniversaries: existing accounts at a random quarter of the year, new ones
    # one year after they started
    phase = np.where(existing, rng.integers(0, 4, m), g.quarter_of_year[start_pos])
    heterogeneity = rng.normal(0.0, 0.5, m)
    ttv_noise = rng.normal(0.0, 0.35, m)

    # account x window-quarter grid ------------------------------------------------------
    pos = np.arange(H, J)
    z = b.trust[rows][:, H:]                         # (m, T)
    after_start = pos[None, :] >= start_pos[:, None]
    due = after_start & (g.quarter_of_year[pos][None, :] == phase[:, None])
    due &= existing[:, None] | (pos[None, :] > start_pos[:, None])
    link = cfg.trust_link * P.OUTCOME_LINK["renewal_logit"]
    p_renew = sigmoid(P.RENEWAL_BASE_LOGIT
                      + np.asarray(P.RENEWAL_REGION_LOGIT)[b.region[rows]][:, None]
                      + heterogeneity[:, None] + link * z)
    renewed = rng.random(p_renew.shape) < p_renew
    lost = due & ~renewed
    churn_k = np.where(lost.any(axis=1), lost.argmax(axis=1), pos.size - 1)
    active = after_start & (np.arange(pos.size)[None, :] <= churn_k[:, None])

    acc_idx, k = np.nonzero(active)                  # row-major: account by account
    j = k + H
    prow = rows[acc_idx]
    zz = z[acc_idx, k]
    s = acc_idx.size
    snap_day = np.maximum(g.end_day[j] - rng.integers(0, 6, s), start_day[acc_idx])

    planned = rng.poisson(1.6, s)
    a, slope = P.BEHAVIOUR_LINK["milestone_met_logit"]
    met = rng.binomial(planned, sigmoid(a + slope * zz))

    a, slope = P.BEHAVIOUR_LINK["time_to_value_log_days"]
    ttv_start_z = b.trust[rows, np.maximum(start_pos, 0)]
    ttv = np.exp(a + slope * ttv_start_z + ttv_noise)[acc_idx]
    reached = existing[acc_idx] | (snap_day - start_day[acc_idx] >= ttv)
    ttv_missing = ~reached | (rng.random(s) < 0.04)

    is_due = due[acc_idx, k]
    did_renew = renewed[acc_idx, k]

    exp_link = cfg.trust_link * P.OUTCOME_LINK["expansion_logit"]
    expands = rng.random(s) < sigmoid(P.EXPANSION_BASE_LOGIT + exp_link * zz)
    expands &= ~(is_due & ~did_renew)
    amount = np.round(np.asarray(P.EXPANSION_AMOUNT_MEDIAN)[b.size[prow]]
                      * np.exp(rng.normal(0.0, 0.7, s)), -1)
    expansion = np.where(expands, amount, 0.0)

    numbers = ctx.ids.take("account", m)
    names_rng = ctx.rng("account_names")
    names = account_names(names_rng, m)
    if ctx.chunk_index == 0:
        names, _ = plant_tricky(names_rng, names, TRICKY_ACCOUNT_NAMES)
    prefix, width = ID_FORMATS["account"]
    ids = id_col(prefix, numbers, width)

    chunk = build_chunk("account_health", {
        "account_id": take_col(ids, acc_idx),
        "account_name": take_col(names, acc_idx),
        "partner_id": take_col(b.partner_ids, prow),
        "snapshot_date": date_col(snap_day),
        "milestones_planned": int_col(planned),
        "milestones_met": int_col(met),
        "time_to_value_days": float_col(np.round(ttv), 0, null=ttv_missing),
        "renewal_due": bool_col(is_due),
        "renewed": bool_col(did_renew, null=~is_due),
        "expansion_amount": float_col(expansion, 2),
    })
    return chunk, ActiveAccounts(pq_key=prow * J + j, account_number=numbers[acc_idx])

"""CRM: opportunities (partner co-sell and partner-only deals, and direct deals).

Mechanisms, per partner deal:

* creation: Poisson per partner-quarter, by size, seasonality (Q4 push) and, through
  ``trust_link``, trust (``pipeline_log_rate``);
* amount: log-normal by size and motion, Q4 a little larger, trust via ``trust_link``;
* cycle days: log-normal by size, region and amount; trust at creation via
  ``trust_link``; the bootcamp shortens deals created on or after the partner's start;
* win: Bernoulli at close with log-odds from motion, region, a permanent partner effect
  and a partner-quarter shock (both independent of trust), trust at the close quarter
  via ``trust_link``, and the bootcamp effect for deals closing on or after the start;
* behaviours (always trust-driven): sourced vs influenced attribution, deal registration.

Deals created in the history quarters appear only if they close inside the window or are
still open (the export holds deals closed in the window plus open pipeline). Deals that
would close after the as-of date are open, with no closed date.

Because every random number is drawn independently of the program, the no-program
counterfactual of each deal (its cycle and win without the bootcamp) is computed from
the same draws; :class:`DealTruth` returns it for ``truth.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from rotlib.contract import ATTRIBUTIONS, MOTIONS, STAGES
from rotlib.sample_data import params as P
from rotlib.sample_data.columns import (
    TableChunk,
    bool_col,
    build_chunk,
    date_col,
    float_col,
    id_col,
    labels_col,
    take_col,
)
from rotlib.sample_data.context import ID_FORMATS, ChunkContext
from rotlib.sample_data.customer_success import ActiveAccounts
from rotlib.sample_data.sampling import (
    effect_at,
    expand_counts,
    group_median,
    pick_in_groups,
    sigmoid,
    uniform_day,
)

_CO_SELL, _PARTNER_ONLY, _DIRECT = (MOTIONS.index(m) for m in ("co_sell", "partner_only",
                                                                "direct"))
_SOURCED, _INFLUENCED = ATTRIBUTIONS.index("sourced"), ATTRIBUTIONS.index("influenced")
_OPEN, _WON, _LOST = (STAGES.index(s) for s in ("open", "won", "lost"))


@dataclass(frozen=True)
class DealSummary:
    """What other systems need from the CRM (per block, positions of the full grid)."""

    closed_pq_key: np.ndarray          # partner deals closed in the window: row * J + pos
    closed_number: np.ndarray          # their opportunity numbers
    closed_day: np.ndarray
    created_count: np.ndarray          # (n, J) partner deals created
    won_sourced_amount: np.ndarray     # (n, J) by close quarter


@dataclass(frozen=True)
class DealTruth:
    """Per partner-quarter (n, T) program-effect bookkeeping for ``truth.json``.

    ``win_diff_sum``: sum over partner deals closed in the quarter of the win probability
    with the program minus without it; ``closed``: deals closed. ``cycle_y1`` /
    ``cycle_y0``: median cycle days of won deals closed in the quarter, observed and in the
    no-program counterfactual (same random draws). ``win_rate_y0``: counterfactual win
    rate (same draws); ``win_rate_y1`` observed.
    """

    win_diff_sum: np.ndarray
    closed: np.ndarray
    cycle_y1: np.ndarray
    cycle_y0: np.ndarray
    win_rate_y1: np.ndarray
    win_rate_y0: np.ndarray


def _win_logit(ctx: ChunkContext, rows: np.ndarray, pos: np.ndarray, co_sell: np.ndarray,
               shock: np.ndarray) -> np.ndarray:
    """Deal win log-odds without the program (pos: close position, clipped to the grid)."""
    b = ctx.block
    link = ctx.config.trust_link * P.OUTCOME_LINK["win_logit"]
    pos = np.clip(pos, 0, ctx.grid.n - 1)
    return (P.WIN_BASE_LOGIT + P.WIN_CO_SELL_LOGIT * co_sell
            + np.asarray(P.WIN_REGION_LOGIT)[b.region[rows]]
            + b.win_heterogeneity[rows] + shock[rows, pos] + link * b.trust[rows, pos])


def generate_opportunities(ctx: ChunkContext, accounts: ActiveAccounts
                           ) -> tuple[TableChunk, DealSummary, DealTruth]:
    rng = ctx.rng("opportunities")
    b, g, cfg = ctx.block, ctx.grid, ctx.config
    n, J = b.n, g.n
    size_idx = b.size.astype(np.int64)
    z = b.trust

    rate = (cfg.volume * np.asarray(P.DEAL_RATE)[size_idx][:, None]
            * np.asarray(P.SEASON_DEALS)[g.quarter_of_year][None, :]
            * np.exp(cfg.trust_link * P.OUTCOME_LINK["pipeline_log_rate"] * z)
            * b.active_fraction)
    counts = rng.poisson(rate)
    rows, cpos = expand_counts(counts)
    m = rows.size
    shock = rng.normal(0.0, P.WIN_QUARTER_SHOCK_SD, (n, J))

    created = uniform_day(rng, b.active_low[rows, cpos], g.end_day[cpos])
    co_sell = rng.random(m) < b.co_sell_share[rows]
    z_c = z[rows, cpos]
    median = np.asarray(P.DEAL_AMOUNT_MEDIAN)[b.size[rows]]
    log_amount_dev = (np.log(np.asarray(P.SEASON_AMOUNT)[g.quarter_of_year[cpos]])
                      + np.log(P.CO_SELL_AMOUNT_FACTOR) * co_sell
                      + cfg.trust_link * P.OUTCOME_LINK["pipeline_log_amount"] * z_c
                      + P.DEAL_AMOUNT_SD * rng.normal(0.0, 1.0, m))
    amount = np.maximum(np.round(median * np.exp(log_amount_dev) / 50.0) * 50.0, 500.0)

    # cycle: program shortens deals created on/after the start -----------------------------
    start_day = b.bootcamp_start_day[rows]
    start_pos = b.bootcamp_start_pos[rows]
    treated_at_creation = (start_pos >= 0) & (created >= start_day)
    theta = np.where(treated_at_creation,
                     cfg.program_effect * effect_at(P.BOOTCAMP_CYCLE_LOG, cpos - start_pos), 0.0)
    log_cycle0 = (P.CYCLE_BASE_LOG + np.asarray(P.CYCLE_SIZE_LOG)[b.size[rows]]
                  + np.asarray(P.CYCLE_REGION_LOG)[b.region[rows]]
                  + P.CYCLE_AMOUNT_ELASTICITY * log_amount_dev
                  + cfg.trust_link * P.OUTCOME_LINK["cycle_log"] * z_c
                  + P.CYCLE_SD * rng.normal(0.0, 1.0, m))
    cycle1 = np.maximum(np.round(np.exp(log_cycle0 + theta)), 1).astype(np.int64)
    cycle0 = np.maximum(np.round(np.exp(log_cycle0)), 1).astype(np.int64)
    close1, close0 = created + cycle1, created + cycle0

    # win: program raises the win log-odds of deals closing on/after the start -------------
    u_win = rng.random(m)
    pos1, pos0 = g.position_of_day(close1), g.position_of_day(close0)
    logit1_base = _win_logit(ctx, rows, pos1, co_sell, shock)
    treated_at_close = (start_pos >= 0) & (close1 >= start_day)
    delta = np.where(treated_at_close,
                     cfg.program_effect * effect_at(P.BOOTCAMP_WIN_LOGIT, pos1 - start_pos), 0.0)
    p1 = sigmoid(logit1_base + delta)
    p1_without = sigmoid(logit1_base)
    p0 = sigmoid(_win_logit(ctx, rows, pos0, co_sell, shock))
    won1, won0 = u_win < p1, u_win < p0

    a, slope = P.BEHAVIOUR_LINK["sourced_logit"]
    sourced = rng.random(m) < sigmoid(a + slope * z_c)
    attribution_missing = rng.random(m) < 0.03
    a, slope = P.BEHAVIOUR_LINK["deal_registered_logit"]
    registered = rng.random(m) < sigmoid(a + slope * z_c)
    use_shared = rng.random(m) < 0.55
    shared, found = pick_in_groups(rng, accounts.pq_key, accounts.account_number,
                                   rows * J + cpos, n * J)

    # keep deals that close in the window or are still open -----------------------------
    keep = close1 >= g.window_start_day
    is_open = close1 > g.as_of_day
    closed = keep & ~is_open
    stage = np.where(is_open, _OPEN, np.where(won1, _WON, _LOST))

    truth = _deal_truth(ctx, rows, pos1, pos0, close0, closed, p1, p1_without, won1, won0,
                        cycle1, cycle0, keep)
    created_count = counts.astype(np.int64)
    sourced_won = closed & won1 & sourced & ~attribution_missing
    won_sourced_amount = np.zeros(n * J)
    np.add.at(won_sourced_amount, (rows * J + np.clip(pos1, 0, J - 1))[sourced_won],
              amount[sourced_won])

    # direct deals ------------------------------------------------------------------------
    direct = _direct_deals(ctx)

    k = int(keep.sum())
    numbers = ctx.ids.take("opportunity", k + direct["n"])
    need_account = ~(use_shared & found) & keep
    prospects = ctx.ids.take("account", int(need_account.sum()) + direct["n"])
    account_number = shared.copy()
    account_number[need_account] = prospects[: int(need_account.sum())]
    direct_accounts = prospects[int(need_account.sum()):]

    prefix, width = ID_FORMATS["opportunity"]
    acc_prefix, acc_width = ID_FORMATS["account"]
    partner_attr = np.where(sourced, _SOURCED, _INFLUENCED)
    cols = {
        "opportunity_id": id_col(prefix, numbers, width),
        "partner_id": _with_nulls(take_col(b.partner_ids, rows[keep]), direct["n"]),
        "account_id": id_col(acc_prefix, np.concatenate([account_number[keep],
                                                         direct_accounts]), acc_width),
        "motion": labels_col(np.concatenate([np.where(co_sell, _CO_SELL, _PARTNER_ONLY)[keep],
                                             np.full(direct["n"], _DIRECT)]), MOTIONS),
        "attribution": labels_col(
            np.concatenate([partner_attr[keep], np.zeros(direct["n"], np.int64)]), ATTRIBUTIONS,
            null=np.concatenate([attribution_missing[keep], np.ones(direct["n"], bool)])),
        "stage": labels_col(np.concatenate([stage[keep], direct["stage"]]), STAGES),
        "amount": float_col(np.concatenate([amount[keep], direct["amount"]]), 2),
        "created_date": date_col(np.concatenate([created[keep], direct["created"]])),
        "closed_date": date_col(np.concatenate([close1[keep], direct["close"]]),
                                null=np.concatenate([is_open[keep], direct["open"]])),
        "deal_registered": bool_col(np.concatenate([registered[keep],
                                                    np.zeros(direct["n"], bool)])),
    }
    chunk = build_chunk("opportunities", cols)
    kept_closed = closed[keep]
    summary = DealSummary(
        closed_pq_key=(rows * J + np.clip(pos1, 0, J - 1))[keep][kept_closed],
        closed_number=numbers[:k][kept_closed],
        closed_day=close1[keep][kept_closed],
        created_count=created_count,
        won_sourced_amount=won_sourced_amount.reshape(n, J),
    )
    return chunk, summary, truth


def _with_nulls(arr: pa.Array, n_null: int) -> pa.Array:
    """Append ``n_null`` missing values (direct deals have no partner)."""
    if n_null == 0:
        return arr
    return pa.concat_arrays([arr, pa.nulls(n_null, pa.string())])


def _deal_truth(ctx: ChunkContext, rows, pos1, pos0, close0, closed, p1, p1_without, won1,
                won0, cycle1, cycle0, keep) -> DealTruth:
    g = ctx.grid
    n, H, T = ctx.block.n, g.history, g.window
    # observed world: deals closed in window quarter (pos1 - H)
    key1 = rows[closed] * T + (pos1[closed] - H)
    diff = np.bincount(key1, weights=(p1 - p1_without)[closed], minlength=n * T)
    n_closed = np.bincount(key1, minlength=n * T)
    won_count1 = np.bincount(key1, weights=won1[closed].astype(float), minlength=n * T)
    w1 = closed & won1
    y1 = group_median(rows[w1] * T + (pos1[w1] - H), cycle1[w1], n * T)
    # counterfactual world: same deals, program removed
    closed0 = keep & (close0 >= g.window_start_day) & (close0 <= g.as_of_day)
    key0 = rows[closed0] * T + (pos0[closed0] - H)
    n_closed0 = np.bincount(key0, minlength=n * T)
    won_count0 = np.bincount(key0, weights=won0[closed0].astype(float), minlength=n * T)
    w0 = closed0 & won0
    y0 = group_median(rows[w0] * T + (pos0[w0] - H), cycle0[w0], n * T)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate1 = np.where(n_closed > 0, won_count1 / np.maximum(n_closed, 1), np.nan)
        rate0 = np.where(n_closed0 > 0, won_count0 / np.maximum(n_closed0, 1), np.nan)
    shape = (n, T)
    return DealTruth(diff.reshape(shape), n_closed.reshape(shape), y1.reshape(shape),
                     y0.reshape(shape), rate1.reshape(shape), rate0.reshape(shape))


def _direct_deals(ctx: ChunkContext) -> dict[str, np.ndarray]:
    """Direct deals (no partner): the baseline the joint win rate is read against.
    Drawn per chunk in proportion to its partners, so volume scales with the sample."""
    rng = ctx.rng("direct")
    g, cfg = ctx.grid, ctx.config
    lam = (cfg.volume * P.DIRECT_DEAL_RATE * ctx.block.n
           * np.asarray(P.SEASON_DEALS)[g.quarter_of_year])
    counts = rng.poisson(lam)
    pos = np.repeat(np.arange(g.n), counts)
    m = pos.size
    created = uniform_day(rng, g.start_day[pos], g.end_day[pos])
    log_dev = (np.log(np.asarray(P.SEASON_AMOUNT)[g.quarter_of_year[pos]])
               + P.DEAL_AMOUNT_SD * rng.normal(0.0, 1.0, m))
    amount = np.maximum(np.round(P.DIRECT_AMOUNT_MEDIAN * np.exp(log_dev) / 50.0) * 50.0, 500.0)
    cycle = np.maximum(np.round(np.exp(P.DIRECT_CYCLE_BASE_LOG
                                       + P.CYCLE_AMOUNT_ELASTICITY * log_dev
                                       + P.CYCLE_SD * rng.normal(0.0, 1.0, m))), 1)
    close = created + cycle.astype(np.int64)
    won = rng.random(m) < sigmoid(np.full(m, P.DIRECT_WIN_LOGIT))
    keep = close >= g.window_start_day
    is_open = close > g.as_of_day
    stage = np.where(is_open, _OPEN, np.where(won, _WON, _LOST))
    return {"n": int(keep.sum()), "created": created[keep], "close": close[keep],
            "open": is_open[keep], "amount": amount[keep], "stage": stage[keep]}

"""Finance / marketing: MDF allocations and every investment line.

Investments respond to the partner's internal tier (from last quarter's trust: bronze,
silver, gold) and size, as a partner program would: more MDF, enablement and
co-marketing for higher tiers. MDF utilisation is a behaviour (trust-driven); allocations
made late in the last quarter are only partly used by the as-of date. Solution-
engineering hours follow the deals the partner created; incentives are a tier-dependent
share of partner-sourced revenue won. Bootcamp participants get the bootcamp's
enablement hours on their start date (the program's cost). Outcomes never depend on
investments, so ``trust_link=0`` keeps outcomes independent of trust.
"""

from __future__ import annotations

import numpy as np

from rotlib.contract import INVESTMENT_TYPES
from rotlib.sample_data import params as P
from rotlib.sample_data.columns import (
    TableChunk,
    build_chunk,
    date_col,
    float_col,
    labels_col,
    take_col,
)
from rotlib.sample_data.context import ChunkContext
from rotlib.sample_data.crm import DealSummary
from rotlib.sample_data.sampling import expand_counts, sigmoid

_SIZE_FACTOR = np.array([0.6, 1.0, 1.6])
_MDF_PROB = np.array([0.35, 0.65, 0.90])          # by tier bronze, silver, gold
_MDF_MEDIAN = np.array([5_000.0, 12_000.0, 25_000.0])
_ENABLEMENT_LINES = np.array([0.6, 1.0, 1.6])
_ENABLEMENT_HOURS = np.array([3.0, 5.0, 8.0])
_SE_HOURS_PER_DEAL = 2.5
_SE_TIER_FACTOR = np.array([0.8, 1.0, 1.3])
_INCENTIVE_SHARE = np.array([0.04, 0.06, 0.08])
_CO_MARKETING_PROB = np.array([0.10, 0.30, 0.55])
_TYPE = {t: i for i, t in enumerate(INVESTMENT_TYPES)}


def generate_finance(ctx: ChunkContext, deals: DealSummary) -> tuple[TableChunk, TableChunk]:
    """Return (mdf_allocations, investments) for the block."""
    rng = ctx.rng("finance")
    b, g = ctx.block, ctx.grid
    win = ctx.window_mask()[None, :]
    active = (b.active_fraction > 0) & win
    tier = b.tier.astype(np.int64)
    size_f = _SIZE_FACTOR[b.size.astype(np.int64)][:, None]

    # MDF allocations ------------------------------------------------------------------
    gets = active & (rng.random(active.shape) < _MDF_PROB[tier])
    extra = gets & (b.size[:, None] == 2) & (tier == 2) & (rng.random(active.shape) < 0.4)
    a_rows, a_pos = expand_counts(gets.astype(np.int64) + extra)
    m = a_rows.size
    allocated_day = ctx.day_in_quarter(rng, a_rows, a_pos)
    allocated = np.maximum(np.round(_MDF_MEDIAN[tier[a_rows, a_pos]] * size_f[a_rows, 0]
                                    * np.exp(rng.normal(0.0, 0.5, m)) / 500.0) * 500.0, 500.0)
    a, slope = P.BEHAVIOUR_LINK["mdf_utilization_logit"]
    share = sigmoid(a + slope * b.trust[a_rows, a_pos] + rng.normal(0.0, 0.5, m))
    elapsed = np.clip((g.as_of_day - allocated_day) / 75.0, 0.0, 1.0)
    utilized = np.minimum(np.round(allocated * share * elapsed, 2), allocated)
    allocations = build_chunk("mdf_allocations", {
        "allocation_id": ctx.new_ids("allocation", m),
        "partner_id": take_col(b.partner_ids, a_rows),
        "allocated_date": date_col(allocated_day),
        "allocated_amount": float_col(allocated, 2),
        "utilized_amount": float_col(utilized, 2),
    })

    lines: list[tuple[np.ndarray, np.ndarray, int, np.ndarray]] = []   # rows, day, type, amt
    # MDF spend: one claim per allocation that was used
    used = utilized > 0
    claim = np.minimum(allocated_day + rng.integers(10, 76, m), g.as_of_day)
    lines.append((a_rows[used], claim[used], _TYPE["mdf"], utilized[used]))

    # enablement hours by tier and size, plus the bootcamp's hours at the start date
    e_rows, e_pos = expand_counts(rng.poisson(_ENABLEMENT_LINES[tier] * size_f * active))
    hours = np.maximum(rng.gamma(2.0, _ENABLEMENT_HOURS[tier[e_rows, e_pos]]
                                 * size_f[e_rows, 0] / 2.0), 0.5)
    lines.append((e_rows, ctx.day_in_quarter(rng, e_rows, e_pos),
                  _TYPE["enablement_hours"], hours))
    boot = np.nonzero(b.bootcamp_start_pos >= 0)[0]
    lines.append((boot, b.bootcamp_start_day[boot], _TYPE["enablement_hours"],
                  P.BOOTCAMP_ENABLEMENT_HOURS * size_f[boot, 0]))

    # solution-engineering hours follow the deals created
    created = deals.created_count * win
    s_rows, s_pos = np.nonzero(created > 0)
    se = (created[s_rows, s_pos] * _SE_HOURS_PER_DEAL * _SE_TIER_FACTOR[tier[s_rows, s_pos]]
          * np.exp(rng.normal(0.0, 0.3, s_rows.size)))
    lines.append((s_rows, ctx.day_in_quarter(rng, s_rows, s_pos),
                  _TYPE["se_hours"], se))

    # incentives: share of partner-sourced revenue won, accrued at the quarter end
    won = deals.won_sourced_amount * win
    i_rows, i_pos = np.nonzero(won > 0)
    lines.append((i_rows, g.end_day[i_pos], _TYPE["incentive"],
                  won[i_rows, i_pos] * _INCENTIVE_SHARE[tier[i_rows, i_pos]]))

    # co-marketing campaigns
    c_rows, c_pos = np.nonzero(active & (rng.random(active.shape) < _CO_MARKETING_PROB[tier]))
    spend = np.round(6_000.0 * size_f[c_rows, 0] * np.exp(rng.normal(0.0, 0.6, c_rows.size)), -1)
    lines.append((c_rows, ctx.day_in_quarter(rng, c_rows, c_pos),
                  _TYPE["co_marketing"], spend))

    rows = np.concatenate([x[0] for x in lines])
    days = np.concatenate([x[1] for x in lines]).astype(np.int64)
    kinds = np.concatenate([np.full(x[0].size, x[2]) for x in lines])
    amounts = np.concatenate([x[3] for x in lines])
    decimals = np.where(np.isin(kinds, [_TYPE["enablement_hours"], _TYPE["se_hours"]]), 1, 2)
    amounts = np.where(decimals == 1, np.round(amounts, 1), np.round(amounts, 2))
    order = np.lexsort((kinds, days, rows))
    k = rows.size
    investments = build_chunk("investments", {
        "investment_id": ctx.new_ids("investment", k),
        "partner_id": take_col(b.partner_ids, rows[order]),
        "investment_date": date_col(days[order]),
        "investment_type": labels_col(kinds[order], INVESTMENT_TYPES),
        "amount": float_col(amounts[order], 2),
    })
    return allocations, investments

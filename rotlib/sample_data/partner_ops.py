"""Partner operations: policy checks, disputes, joint activities and program enrolment.

Mechanisms (behaviours, always trust-driven): passing policy checks; disputes per closed
deal (most attached to a deal the partner closed, raised within a month of the close,
some not tied to any deal); executing planned joint initiatives by the quarter end.
Interventions list who started which program when (see ``program.py``).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rotlib.contract import ACTIVITY_TYPES, DISPUTE_TYPES, POLICY_AREAS
from rotlib.sample_data import params as P
from rotlib.sample_data.columns import (
    TableChunk,
    bool_col,
    build_chunk,
    date_col,
    id_col,
    labels_col,
    mask_nulls,
    take_col,
)
from rotlib.sample_data.context import ID_FORMATS, ChunkContext
from rotlib.sample_data.crm import DealSummary
from rotlib.sample_data.sampling import draw_category, expand_counts, pick_in_groups, sigmoid
from rotlib.sample_data.world import World

_TIED_DISPUTE_MIX = (0.50, 0.35, 0.15)     # attribution, pricing, channel conflict
_UNTIED_DISPUTE_MIX = (0.10, 0.30, 0.60)
_UNTIED_DISPUTE_RATE = (0.03, 0.06, 0.12)  # per partner-quarter by size, at z = 0
_ACTIVITY_MIX = (0.30, 0.30, 0.20, 0.10, 0.10)


def generate_policy_checks(ctx: ChunkContext) -> TableChunk:
    rng = ctx.rng("policy_checks")
    b = ctx.block
    rows, pos = ctx.window_events(rng, P.POLICY_CHECK_RATE)
    m = rows.size
    a, slope = P.BEHAVIOUR_LINK["policy_pass_logit"]
    passed = rng.random(m) < sigmoid(a + slope * b.trust[rows, pos])
    return build_chunk("policy_checks", {
        "check_id": ctx.new_ids("check", m),
        "partner_id": take_col(b.partner_ids, rows),
        "checked_date": date_col(ctx.day_in_quarter(rng, rows, pos)),
        "policy_area": labels_col(rng.integers(0, len(POLICY_AREAS), m), POLICY_AREAS),
        "passed": bool_col(passed),
    })


def generate_disputes(ctx: ChunkContext, deals: DealSummary) -> TableChunk:
    rng = ctx.rng("disputes")
    b, g = ctx.block, ctx.grid
    n, J = b.n, g.n
    a, slope = P.BEHAVIOUR_LINK["dispute_log_rate_per_closed_deal"]
    per_deal = np.exp(a + slope * b.trust)                                   # (n, J)

    closed_per_pq = np.bincount(deals.closed_pq_key, minlength=n * J).reshape(n, J)
    t_rows, t_pos = expand_counts(rng.poisson(per_deal * closed_per_pq))
    deal_index, _ = pick_in_groups(rng, deals.closed_pq_key,
                                   np.arange(deals.closed_pq_key.size), t_rows * J + t_pos, n * J)
    tied_opened = deals.closed_day[deal_index] + rng.integers(0, 31, t_rows.size)
    tied_type = draw_category(rng, _TIED_DISPUTE_MIX, t_rows.size)

    u_rows, u_pos = ctx.window_events(rng, _UNTIED_DISPUTE_RATE, np.exp(slope * b.trust))
    untied_opened = ctx.day_in_quarter(rng, u_rows, u_pos)
    untied_type = draw_category(rng, _UNTIED_DISPUTE_MIX, u_rows.size)

    rows = np.concatenate([t_rows, u_rows])
    opened = np.concatenate([tied_opened, untied_opened]).astype(np.int64)
    dtype = np.concatenate([tied_type, untied_type])
    deal_number = np.concatenate([deals.closed_number[deal_index],
                                  np.zeros(u_rows.size, np.int64)])
    untied = np.concatenate([np.zeros(t_rows.size, bool), np.ones(u_rows.size, bool)])
    m = rows.size
    resolved = opened + 1 + np.floor(rng.exponential(25.0, m)).astype(np.int64)
    never = rng.random(m) < 0.04
    # a dispute raised after the as-of date is not in the export yet
    keep = opened <= g.as_of_day
    rows, opened, dtype, deal_number, untied, resolved, never = (
        x[keep] for x in (rows, opened, dtype, deal_number, untied, resolved, never))
    m = rows.size
    opp_prefix, opp_width = ID_FORMATS["opportunity"]
    return build_chunk("disputes", {
        "dispute_id": ctx.new_ids("dispute", m),
        "partner_id": take_col(b.partner_ids, rows),
        "opportunity_id": mask_nulls(id_col(opp_prefix, deal_number, opp_width), untied),
        "dispute_type": labels_col(dtype, DISPUTE_TYPES),
        "opened_date": date_col(opened),
        "resolved_date": date_col(resolved, null=never | (resolved > g.as_of_day)),
    })


def generate_joint_activities(ctx: ChunkContext) -> TableChunk:
    rng = ctx.rng("joint_activities")
    b, g = ctx.block, ctx.grid
    rows, pos = ctx.window_events(rng, P.ACTIVITY_RATE)
    m = rows.size
    kind = draw_category(rng, _ACTIVITY_MIX, m)
    planned = ctx.day_in_quarter(rng, rows, pos)
    a, slope = P.BEHAVIOUR_LINK["initiative_executed_logit"]
    executed = rng.random(m) < sigmoid(a + slope * b.trust[rows, pos])
    on_plan = np.maximum(planned + rng.integers(-5, 13, m), b.joined_day[rows])
    # executed as planned (sometimes spilling past the quarter end), or late, or not at all
    late = rng.random(m) < 0.30
    completed = np.where(executed, on_plan, planned + rng.integers(20, 81, m))
    missing = (~executed & ~late) | (completed > g.as_of_day)
    return build_chunk("joint_activities", {
        "activity_id": ctx.new_ids("activity", m),
        "partner_id": take_col(b.partner_ids, rows),
        "activity_type": labels_col(kind, ACTIVITY_TYPES),
        "planned_date": date_col(planned),
        "completed_date": date_col(completed, null=missing),
    })


def generate_interventions(world: World) -> TableChunk:
    """One row per partner and program it started (programs in order, then partners)."""
    rows, names, days = [], [], []
    for program in world.programs:
        idx = np.nonzero(program.treated)[0]
        rows.append(idx)
        names.extend([program.name] * idx.size)
        days.append(program.start_day[idx])
    row = np.concatenate(rows)
    return build_chunk("interventions", {
        "partner_id": take_col(world.partner_ids, row),
        "program": pa.array(names, pa.string()),
        "start_date": date_col(np.concatenate(days)),
    })

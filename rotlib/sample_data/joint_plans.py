"""Joint plans / PM tool: deliverables the partner committed to, with due dates.

Mechanisms (behaviours, always trust-driven): delivering on time, and whether delivered
work had to be redone. Late work arrives days to months after the due date; a few
commitments are never delivered. Anything not delivered by the as-of date has no
delivered date (and no rework flag): the open items near the end of the window.
"""

from __future__ import annotations

import numpy as np

from rotlib.contract import DELIVERABLE_KINDS, PARTNER_TYPES
from rotlib.sample_data import params as P
from rotlib.sample_data.columns import (
    TableChunk,
    bool_col,
    build_chunk,
    date_col,
    labels_col,
    take_col,
)
from rotlib.sample_data.context import ChunkContext
from rotlib.sample_data.sampling import draw_category, sigmoid

#: Mix of deliverable kinds by partner type (rows follow rotlib.contract.PARTNER_TYPES;
#: columns follow DELIVERABLE_KINDS): ISVs build integrations, SIs implement.
_KIND_MIX = {
    "reseller": (0.15, 0.45, 0.15, 0.25),
    "systems_integrator": (0.20, 0.20, 0.50, 0.10),
    "isv": (0.55, 0.15, 0.15, 0.15),
    "msp": (0.20, 0.25, 0.40, 0.15),
    "referral": (0.05, 0.50, 0.05, 0.40),
}


def generate_deliverables(ctx: ChunkContext) -> TableChunk:
    rng = ctx.rng("deliverables")
    b, g = ctx.block, ctx.grid
    rows, pos = ctx.window_events(rng, P.DELIVERABLE_RATE)
    m = rows.size
    z = b.trust[rows, pos]

    mix = np.array([_KIND_MIX[t] for t in PARTNER_TYPES])
    kind = draw_category(rng, mix[b.partner_type[rows]], m)
    due = ctx.day_in_quarter(rng, rows, pos)

    a, slope = P.BEHAVIOUR_LINK["on_time_delivery_logit"]
    on_time = rng.random(m) < sigmoid(a + slope * z)
    early = rng.integers(0, 15, m)
    late = 1 + np.floor(rng.exponential(20.0, m)).astype(np.int64)
    delivered = np.where(on_time, np.maximum(due - early, b.joined_day[rows]), due + late)
    never = ~on_time & (rng.random(m) < 0.10)
    not_delivered = never | (delivered > g.as_of_day)

    a, slope = P.BEHAVIOUR_LINK["rework_logit"]
    rework = rng.random(m) < sigmoid(a + slope * z)

    return build_chunk("deliverables", {
        "deliverable_id": ctx.new_ids("deliverable", m),
        "partner_id": take_col(b.partner_ids, rows),
        "kind": labels_col(kind, DELIVERABLE_KINDS),
        "due_date": date_col(due),
        "delivered_date": date_col(delivered, null=not_delivered),
        "rework_required": bool_col(rework, null=not_delivered),
    })

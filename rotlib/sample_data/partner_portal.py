"""Partner portal: headcount and certified people by role (sales, solutions, support).

Headcount is drawn per partner and role by size (referral partners have no support
staff) and drifts a little each quarter. The certified share is a behaviour
(trust-driven, plus a persistent partner-role effect). Most partner-quarters get one
snapshot near the quarter end; some get an extra mid-quarter snapshot (the latest one
counts) and a few get none (the portal sync failed: the metric is missing that quarter).
"""

from __future__ import annotations

import numpy as np

from rotlib.contract import PARTNER_TYPES, ROLES
from rotlib.sample_data import params as P
from rotlib.sample_data.columns import (
    TableChunk,
    build_chunk,
    date_col,
    int_col,
    labels_col,
    take_col,
)
from rotlib.sample_data.context import ChunkContext
from rotlib.sample_data.sampling import sigmoid

_ROLE_LOGIT = (-0.2, 0.2, 0.0)
_REFERRAL = PARTNER_TYPES.index("referral")
_SUPPORT = ROLES.index("support")


def generate_certifications(ctx: ChunkContext) -> TableChunk:
    rng = ctx.rng("certifications")
    b, g = ctx.block, ctx.grid
    n, H, T = b.n, g.history, g.window
    n_roles = len(ROLES)

    base = rng.poisson(np.asarray(P.HEADCOUNT, dtype=float)[b.size.astype(np.int64)])  # (n, 3)
    base[b.partner_type == _REFERRAL, _SUPPORT] = 0
    drift = np.exp(np.cumsum(rng.normal(0.0, 0.05, (n, T)), axis=1))           # (n, T)
    role_effect = rng.normal(0.0, 0.4, (n, n_roles))
    a, slope = P.BEHAVIOUR_LINK["certified_logit"]

    pos = np.arange(H, H + T)
    active = b.active_fraction[:, H:] > 0
    has_end = active & (rng.random((n, T)) >= 0.05)
    has_mid = has_end & (rng.random((n, T)) < 0.15)
    lo = b.active_low[:, H:]
    end_snap = np.maximum(g.end_day[pos][None, :] - rng.integers(0, 21, (n, T)), lo)
    mid_snap = lo + np.floor(rng.random((n, T)) * (end_snap - lo) / 2).astype(np.int64)
    has_mid &= mid_snap < end_snap

    parts = []
    for present, day, z_shift in ((has_mid, mid_snap, -0.15), (has_end, end_snap, 0.0)):
        r, k = np.nonzero(present)
        headcount = np.round(base[r] * drift[r, k][:, None]).astype(np.int64)     # (s, 3)
        z = b.trust[r, H + k][:, None] + z_shift
        p = sigmoid(a + slope * z + np.asarray(_ROLE_LOGIT)[None, :] + role_effect[r])
        certified = rng.binomial(headcount, p)
        parts.append((r, day[r, k], headcount, certified))

    rows = np.concatenate([np.repeat(p[0], n_roles) for p in parts])
    days = np.concatenate([np.repeat(p[1], n_roles) for p in parts])
    role = np.concatenate([np.tile(np.arange(n_roles), p[0].size) for p in parts])
    headcount = np.concatenate([p[2].ravel() for p in parts])
    certified = np.concatenate([p[3].ravel() for p in parts])
    order = np.lexsort((role, days, rows))
    return build_chunk("certifications", {
        "partner_id": take_col(b.partner_ids, rows[order]),
        "snapshot_date": date_col(days[order]),
        "role": labels_col(role[order], ROLES),
        "headcount": int_col(headcount[order]),
        "certified": int_col(certified[order]),
    })

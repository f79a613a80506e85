"""Security / GRC: questionnaires, audits and remediation reviews.

Mechanisms (behaviours, always trust-driven): completing a review by its due date, and
the number of findings an audit or questionnaire raises. Cadence-driven, so volume does
not scale with ``volume``. Remediation reviews record no findings (empty); reviews not
completed by the as-of date have no completion date and no findings.
"""

from __future__ import annotations

import numpy as np

from rotlib.contract import REVIEW_TYPES
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
from rotlib.sample_data.sampling import draw_category, sigmoid

_TYPE_MIX = (0.55, 0.25, 0.20)          # questionnaire, audit, remediation
_DUE_DAYS = (30, 60, 45)
_FINDINGS_FACTOR = (1.0, 2.0, 0.0)
_REMEDIATION = REVIEW_TYPES.index("remediation")


def generate_security_reviews(ctx: ChunkContext) -> TableChunk:
    rng = ctx.rng("security_reviews")
    b, g = ctx.block, ctx.grid
    rows, pos = ctx.window_events(rng, P.SECURITY_REVIEW_RATE)
    m = rows.size
    z = b.trust[rows, pos]
    kind = draw_category(rng, _TYPE_MIX, m)
    requested = ctx.day_in_quarter(rng, rows, pos)
    due = requested + np.asarray(_DUE_DAYS)[kind]

    a, slope = P.BEHAVIOUR_LINK["security_on_time_logit"]
    on_time = rng.random(m) < sigmoid(a + slope * z)
    within = requested + np.floor(rng.random(m) * (due - requested + 1)).astype(np.int64)
    late = due + 1 + np.floor(rng.exponential(25.0, m)).astype(np.int64)
    completed = np.where(on_time, within, late)
    not_done = (rng.random(m) < 0.04) | (completed > g.as_of_day)

    a, slope = P.BEHAVIOUR_LINK["findings_log_rate"]
    findings = rng.poisson(np.exp(a + slope * z) * np.asarray(_FINDINGS_FACTOR)[kind])
    findings_missing = not_done | (kind == _REMEDIATION) | (rng.random(m) < 0.03)

    return build_chunk("security_reviews", {
        "review_id": ctx.new_ids("review", m),
        "partner_id": take_col(b.partner_ids, rows),
        "review_type": labels_col(kind, REVIEW_TYPES),
        "requested_date": date_col(requested),
        "due_date": date_col(due),
        "completed_date": date_col(completed, null=not_done),
        "findings": int_col(findings, null=findings_missing),
    })

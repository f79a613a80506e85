"""Support desk: tickets involving a partner.

Mechanisms: volume by size and season, a little lower for trusted partners (behaviour).
Severity sets the SLA (8/24/72/120 hours for sev1..sev4). Resolving within the SLA is a
behaviour (trust-driven). Escalation is an outcome: its log-odds depend on severity and
region, on trust only through ``trust_link``, and on the bootcamp for tickets opened on
or after the partner's start. Tickets still unresolved at the as-of instant are open.

Timestamps are true instants in UTC; tickets of APAC and LATAM partners are *rendered* in
the CSV with the desk's local offset (``+08:00`` / ``-03:00``), which the contract allows,
so loaders must normalise offsets. Opening times follow local business hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rotlib.contract import REGIONS, SEVERITIES
from rotlib.sample_data import params as P
from rotlib.sample_data.columns import (
    TableChunk,
    bool_col,
    build_chunk,
    id_col,
    labels_col,
    mask_nulls,
    take_col,
    ts_col,
)
from rotlib.sample_data.context import ID_FORMATS, ChunkContext
from rotlib.sample_data.customer_success import ActiveAccounts
from rotlib.sample_data.sampling import (
    SECONDS_PER_DAY,
    draw_category,
    effect_at,
    pick_in_groups,
    sigmoid,
)

SEVERITY_SHARES = (0.05, 0.15, 0.45, 0.35)
SLA_HOURS = (8, 24, 72, 120)
_SLA_SEVERITY_LOGIT = (-0.3, -0.1, 0.0, 0.1)
#: Local offset of each region's business hours (hours from UTC).
_LOCAL_OFFSET_HOURS = {"north_america": -5, "emea": 1, "apac": 8, "latam": -3}
#: Offset used to *render* timestamps in CSV (minutes); 0 renders as "Z".
_DISPLAY_OFFSET_MINUTES = {"north_america": 0, "emea": 0, "apac": 480, "latam": -180}


@dataclass(frozen=True)
class TicketTruth:
    """(n, T): sum over tickets opened in the quarter of P(escalate | program) -
    P(escalate | no program), and the number of tickets opened."""

    escalation_diff_sum: np.ndarray
    opened: np.ndarray


def generate_tickets(ctx: ChunkContext, accounts: ActiveAccounts
                     ) -> tuple[TableChunk, TicketTruth]:
    rng = ctx.rng("tickets")
    b, g, cfg = ctx.block, ctx.grid, ctx.config
    n, J, H, T = b.n, g.n, g.history, g.window
    a, slope = P.BEHAVIOUR_LINK["ticket_log_rate"]
    rows, pos = ctx.window_events(
        rng, P.TICKET_RATE, cfg.volume * np.asarray(P.SEASON_TICKETS)[g.quarter_of_year][None, :]
        * np.exp(a + slope * b.trust))
    m = rows.size
    z = b.trust[rows, pos]
    region = b.region[rows]

    day = ctx.day_in_quarter(rng, rows, pos)
    business = rng.random(m) < 0.85
    local = np.where(business, 8 * 3600 + rng.random(m) * 10 * 3600,
                     rng.random(m) * SECONDS_PER_DAY).astype(np.int64)
    offset = np.array([_LOCAL_OFFSET_HOURS[r] for r in REGIONS])[region] * 3600
    opened = day * SECONDS_PER_DAY + np.mod(local - offset, SECONDS_PER_DAY)

    severity = draw_category(rng, SEVERITY_SHARES, m)
    sla_seconds = np.asarray(SLA_HOURS)[severity] * 3600
    sla_due = opened + sla_seconds

    a, slope = P.BEHAVIOUR_LINK["sla_met_logit"]
    met = rng.random(m) < sigmoid(a + slope * z + np.asarray(_SLA_SEVERITY_LOGIT)[severity])
    within = (0.05 + 0.95 * rng.random(m)) * sla_seconds
    late = sla_seconds * (1.0 + rng.exponential(0.8, m))
    resolved = opened + np.where(met, within, late).astype(np.int64)
    stuck = rng.random(m) < 0.003
    as_of_end = (g.as_of_day + 1) * SECONDS_PER_DAY - 1
    unresolved = stuck | (resolved > as_of_end)

    start_day = b.bootcamp_start_day[rows]
    start_pos = b.bootcamp_start_pos[rows]
    treated = (start_pos >= 0) & (opened >= start_day * SECONDS_PER_DAY)
    delta = np.where(treated, cfg.program_effect
                     * effect_at(P.BOOTCAMP_ESCALATION_LOGIT, pos - start_pos), 0.0)
    base = (P.ESCALATION_BASE_LOGIT + np.asarray(P.ESCALATION_SEVERITY_LOGIT)[severity]
            + np.asarray(P.ESCALATION_REGION_LOGIT)[region]
            + cfg.trust_link * P.OUTCOME_LINK["escalation_logit"] * z)
    p1 = sigmoid(base + delta)
    escalated = rng.random(m) < p1

    account, found = pick_in_groups(rng, accounts.pq_key, accounts.account_number,
                                    rows * J + pos, n * J)
    no_account = ~found | (rng.random(m) < 0.08)

    acc_prefix, acc_width = ID_FORMATS["account"]
    chunk = build_chunk("tickets", {
        "ticket_id": ctx.new_ids("ticket", m),
        "partner_id": take_col(b.partner_ids, rows),
        "account_id": mask_nulls(id_col(acc_prefix, np.where(no_account, 0, account),
                                       acc_width), no_account),
        "opened_at": ts_col(opened),
        "resolved_at": ts_col(resolved, null=unresolved),
        "sla_due_at": ts_col(sla_due),
        "severity": labels_col(severity, SEVERITIES),
        "escalated": bool_col(escalated),
    }, display_offset_minutes=np.array(
        [_DISPLAY_OFFSET_MINUTES[r] for r in REGIONS], dtype=np.int64)[region])

    key = rows * T + (pos - H)
    diff = np.bincount(key, weights=p1 - sigmoid(base), minlength=n * T)
    opened_count = np.bincount(key, minlength=n * T)
    return chunk, TicketTruth(diff.reshape(n, T), opened_count.reshape(n, T))


"""``truth.json``: everything the data were generated from, for checking estimators.

What it holds: the seed and parameters, the calendar, latent trust per partner and
window quarter, the trust -> outcome link (and trust -> behaviour) parameters, and for
each program who started when plus the planted effect.

The planted effect is reported as an ATT on the *partner-quarter metric*, the unit of
``rot metrics``:

* ``win_rate`` (percentage points): for each treated partner-quarter (quarters since the
  start quarter ``e >= 0``) with at least one partner deal closed, the mean over those
  deals of P(win | program) - P(win | no program), times 100. This is the expected
  change of the partner's win rate that quarter given its realised deals; deals closed
  before a mid-quarter start contribute 0. Win probabilities do not depend on deal cycle
  length, so the faster cycles of treated partners do not change it.
* ``escalation_rate`` (percentage points): the same over tickets opened in the quarter.
* ``median_cycle_days_won`` (days): observed median cycle of the partner's deals won in
  the quarter minus its counterfactual without the program, computed from the same
  random draws (common random numbers: each deal's cycle and win without the bootcamp,
  which may move it to another quarter or leave it open at the as-of date).

Aggregations (all over treated partner-quarters where the metric is defined):
``att`` = equal-weight mean over partner-quarters; ``by_event_time`` = the same within each
``e``; ``by_cohort_time`` = ATT(g, t) cells with their partner counts; ``cs_simple``,
``cs_dynamic`` and ``cs_group`` aggregate those cells with cohort-size weights as the
Callaway-Sant'Anna "simple", "dynamic" and "group" aggregations do. Before the start
(``e < 0``) the effect is exactly 0: there is no anticipation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from rotlib.sample_data import params as P
from rotlib.sample_data.crm import DealTruth
from rotlib.sample_data.support_desk import TicketTruth
from rotlib.sample_data.world import World, day_to_iso

TRUTH_VERSION = 1


@dataclass
class EffectTally:
    """Per partner x window quarter bookkeeping, filled chunk by chunk."""

    n_partners: int
    n_quarters: int
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    _NAMES = ("win_diff_sum", "closed", "escalation_diff_sum", "opened", "cycle_y1",
              "cycle_y0", "win_rate_y1", "win_rate_y0")

    def __post_init__(self) -> None:
        shape = (self.n_partners, self.n_quarters)
        for name in self._NAMES:
            fill = np.nan if name.startswith(("cycle", "win_rate")) else 0.0
            self.arrays[name] = np.full(shape, fill)

    def add(self, lo: int, hi: int, deals: DealTruth, tickets: TicketTruth) -> None:
        a = self.arrays
        a["win_diff_sum"][lo:hi] = deals.win_diff_sum
        a["closed"][lo:hi] = deals.closed
        a["cycle_y1"][lo:hi] = deals.cycle_y1
        a["cycle_y0"][lo:hi] = deals.cycle_y0
        a["win_rate_y1"][lo:hi] = deals.win_rate_y1
        a["win_rate_y0"][lo:hi] = deals.win_rate_y0
        a["escalation_diff_sum"][lo:hi] = tickets.escalation_diff_sum
        a["opened"][lo:hi] = tickets.opened


def _r(x: float, digits: int = 6) -> float | None:
    if x is None or not math.isfinite(float(x)):
        return None
    return round(float(x), digits)


def _aggregate(att: np.ndarray, start_k: np.ndarray, labels: tuple[str, ...]) -> dict:
    """Aggregate a (partners x window quarters) ATT array (NaN = metric undefined)."""
    t = att.shape[1]
    treated = start_k >= 0
    k = np.arange(t)[None, :]
    event = np.where(treated[:, None], k - start_k[:, None], -1)
    cell = treated[:, None] & (event >= 0) & np.isfinite(att)
    out: dict[str, object] = {
        "att": _r(att[cell].mean()) if cell.any() else None,
        "n_partner_quarters": int(cell.sum()),
    }
    by_e = {}
    for e in range(t):
        sel = cell & (event == e)
        if sel.any():
            by_e[str(e)] = {"att": _r(att[sel].mean()), "n_partner_quarters": int(sel.sum())}
    out["by_event_time"] = by_e

    cohorts = sorted({int(g) for g in start_k[treated]})
    cells = []
    size = {g: int((start_k == g).sum()) for g in cohorts}
    att_gt: dict[tuple[int, int], float] = {}
    for g in cohorts:
        members = start_k == g
        for tt in range(g, t):
            sel = members & np.isfinite(att[:, tt])
            if not sel.any():
                continue
            value = float(att[sel, tt].mean())
            att_gt[(g, tt)] = value
            cells.append({"cohort": labels[g], "quarter": labels[tt], "event_time": tt - g,
                          "att": _r(value), "n_partners_defined": int(sel.sum()),
                          "cohort_size": size[g]})
    out["by_cohort_time"] = cells
    if att_gt:
        w = np.array([size[g] for g, _ in att_gt])
        v = np.array(list(att_gt.values()))
        out["cs_simple"] = _r((w * v).sum() / w.sum())
        dyn = []
        for e in sorted({tt - g for g, tt in att_gt}):
            keys = [(g, tt) for g, tt in att_gt if tt - g == e]
            we = np.array([size[g] for g, _ in keys])
            dyn.append((we * np.array([att_gt[x] for x in keys])).sum() / we.sum())
        out["cs_dynamic"] = _r(float(np.mean(dyn)))
        groups = [(size[g], np.mean([v for (gg, _), v in att_gt.items() if gg == g]))
                  for g in cohorts if any(gg == g for gg, _ in att_gt)]
        out["cs_group"] = _r(sum(s * v for s, v in groups) / sum(s for s, _ in groups))
    else:
        out["cs_simple"] = out["cs_dynamic"] = out["cs_group"] = None
    return out


def _effects(world: World, tally: EffectTally, has_effect: bool, start_k: np.ndarray,
             labels: tuple[str, ...]) -> dict:
    a = tally.arrays
    with np.errstate(invalid="ignore", divide="ignore"):
        win = np.where(a["closed"] > 0, 100.0 * a["win_diff_sum"] / a["closed"], np.nan)
        esc = np.where(a["opened"] > 0, 100.0 * a["escalation_diff_sum"] / a["opened"], np.nan)
    cycle = a["cycle_y1"] - a["cycle_y0"]
    win_crn = 100.0 * (a["win_rate_y1"] - a["win_rate_y0"])
    if not has_effect:  # placebo program: nothing was planted, so the truth is exactly 0
        win, esc, cycle, win_crn = (np.where(np.isfinite(x), 0.0, np.nan)
                                    for x in (win, esc, cycle, win_crn))
    treated_cells = (start_k[:, None] >= 0) & (
        np.arange(tally.n_quarters)[None, :] >= start_k[:, None])
    closed, opened = a["closed"][treated_cells], a["opened"][treated_cells]
    win_pooled = (100.0 * a["win_diff_sum"][treated_cells].sum() / closed.sum()
                  if has_effect and closed.sum() else 0.0)
    esc_pooled = (100.0 * a["escalation_diff_sum"][treated_cells].sum() / opened.sum()
                  if has_effect and opened.sum() else 0.0)
    return {
        "win_rate": {
            "metric": "win_rate", "unit": "percentage points (the metric is a 0-1 share)",
            "estimand": "mean over treated partner-quarters with >= 1 closed partner deal of "
            "the expected change in the quarter's win rate: mean over its closed deals of "
            "P(win | program) - P(win | no program), x100",
            **_aggregate(win, start_k, labels),
            "deal_weighted_att": _r(win_pooled),
            "counterfactual_check": {
                "estimand": "same cells, realised win rate minus the win rate of the same "
                "draws without the program (common random numbers; noisier)",
                **{k: v for k, v in _aggregate(win_crn, start_k, labels).items()
                   if k in ("att", "n_partner_quarters", "by_event_time")},
            },
        },
        "escalation_rate": {
            "metric": "escalation_rate", "unit": "percentage points (the metric is a 0-1 share)",
            "estimand": "mean over treated partner-quarters with >= 1 ticket opened of the "
            "expected change in the quarter's escalation rate: mean over its tickets of "
            "P(escalate | program) - P(escalate | no program), x100",
            **_aggregate(esc, start_k, labels),
            "ticket_weighted_att": _r(esc_pooled),
        },
        "median_cycle_days_won": {
            "metric": "median_cycle_days_won", "unit": "days",
            "estimand": "mean over treated partner-quarters where both are defined of the "
            "observed median cycle days of deals won in the quarter minus the same metric "
            "computed from the same draws without the program",
            **_aggregate(cycle, start_k, labels),
        },
    }


def _program_truth(world: World, tally: EffectTally, index: int) -> dict:
    program = world.programs[index]
    g, cfg = world.grid, world.config
    labels = g.labels[g.history:]
    start_k = np.where(program.start_pos >= 0, program.start_pos - g.history, -1)
    ids = world.partner_ids.to_pylist()
    first = {pid: (labels[k] if k >= 0 else None) for pid, k in zip(ids, start_k, strict=True)}
    start = {pid: day_to_iso(d) for pid, d in zip(ids, program.start_day, strict=True) if d >= 0}
    scale = cfg.program_effect if program.has_effect else 0.0
    planted = {
        "scale": scale,
        "event_time_note": "e = quarters since the start quarter; the last value holds "
        "for all later quarters",
        "win_logit_by_event_time": [_r(scale * x) for x in P.BOOTCAMP_WIN_LOGIT],
        "win_applies_to": "partner deals closed on or after the start date",
        "escalation_logit_by_event_time": [_r(scale * x) for x in P.BOOTCAMP_ESCALATION_LOGIT],
        "escalation_applies_to": "tickets opened on or after the start date",
        "cycle_log_days_by_event_time": [_r(scale * x) for x in P.BOOTCAMP_CYCLE_LOG],
        "cycle_applies_to": "partner deals created on or after the start date "
        "(cycle days multiplied by exp(value))",
    }
    return {
        "name": program.name,
        "has_effect": program.has_effect,
        "selection": program.selection,
        "parallel_trends": "hold unconditionally in expectation (and so also conditional "
        "on partner_type and size): selection depends only on time-invariant observables, "
        "latent trust is stationary within each partner type, and no outcome baseline "
        "trends by segment. Anticipation: none.",
        "waves": [labels[p - g.history] for p in program.wave_positions],
        "n_treated": int(program.treated.sum()),
        "n_never_treated": int((~program.treated).sum()),
        "n_ineligible_joined_in_window": int((world.joined_day >= g.window_start_day).sum()),
        "first_treated_quarter": first,
        "start_date": start,
        "planted": planted,
        "effects": _effects(world, tally, program.has_effect, start_k, labels),
    }


def build_truth(world: World, tally: EffectTally, row_counts: dict[str, int]) -> dict:
    """The content of ``truth.json`` (a JSON-ready dict; floats rounded, NaN -> null)."""
    g, cfg = world.grid, world.config
    window = slice(g.history, g.n)
    labels = g.labels[window]
    stationary_sd = P.TRUST_INNOVATION_SD / math.sqrt(1 - P.TRUST_AR1_RHO**2)
    return {
        "generator": "rotlib.sample_data",
        "truth_version": TRUTH_VERSION,
        "seed": cfg.seed,
        "parameters": cfg.as_dict(),
        "calendar": {
            "fiscal_start_month": cfg.fiscal_start_month,
            "window_quarters": [
                {"label": lab, "index": int(i), "start": day_to_iso(s), "end": day_to_iso(e)}
                for lab, i, s, e in zip(labels, g.abs_index[window], g.start_day[window],
                                        g.end_day[window], strict=True)
            ],
            "as_of": day_to_iso(g.as_of_day),
            "history_quarters": g.history,
            "history_note": "opportunities created up to history_quarters before the window "
            "appear when they close inside the window or are still open; metrics by "
            "creation quarter are incomplete before the window, so analyse the window only",
        },
        "row_counts": row_counts,
        "trust": {
            "description": "latent trust z per partner and window quarter (higher = more "
            "trustworthy); never written to the data",
            "model": "z = baseline(partner_type) + N(0, partner_sd) + AR(1) deviation "
            "(rho, innovation_sd), deviation started at its stationary sd",
            "baseline_by_partner_type": P.TRUST_TYPE_BASELINE,
            "partner_sd": P.TRUST_PARTNER_SD,
            "ar1_rho": P.TRUST_AR1_RHO,
            "innovation_sd": P.TRUST_INNOVATION_SD,
            "stationary_sd": _r(stationary_sd),
            "quarters": list(labels),
            "partner_ids": world.partner_ids.to_pylist(),
            "values": np.round(world.trust[:, window], 4).tolist(),
        },
        "trust_link": {
            "value": cfg.trust_link,
            "applies_to": "outcomes: deal win, deal cycle, pipeline (deal creation rate and "
            "amount), ticket escalation, account renewal and expansion. With value 0 none of "
            "them depends on trust (marginally too: outcome baselines use region and size, "
            "trust baselines use partner_type only, drawn independently)",
            "coefficients_per_trust_unit": {k: _r(v * cfg.trust_link)
                                            for k, v in P.OUTCOME_LINK.items()},
            "coefficients_at_link_1": P.OUTCOME_LINK,
        },
        "behaviour_link": {
            "description": "(intercept, slope per unit of trust) of each behaviour "
            "mechanism; behaviours always depend on trust, whatever trust_link is",
            "coefficients": {k: list(v) for k, v in P.BEHAVIOUR_LINK.items()},
        },
        "tiers": {
            "description": "internal tier from the previous quarter's trust (not written); "
            "MDF, enablement, SE hours, incentives and co-marketing respond to it",
            "cuts": list(P.TIER_CUTS), "names": list(P.TIER_NAMES),
        },
        "tricky_partner_names": [world.partner_names[int(i)].as_py()
                                 for i in world.tricky_positions],
        "programs": [_program_truth(world, tally, i) for i in range(len(world.programs))],
    }

"""Improvement programs rolled out in staggered waves, with planted effects.

Two programs:

* **Enablement Bootcamp** (``params.BOOTCAMP``) has a planted dynamic effect (times
  ``program_effect``) on three outcomes, each entering the deal- or ticket-level
  mechanism from the partner's start date on: the win log-odds of deals that close on
  or after the start, the escalation log-odds of tickets opened on or after it, and the
  log cycle days of deals created on or after it. The effect grows with quarters since
  the start quarter (``params.BOOTCAMP_*``).
* **Partner Office Hours** (``params.OFFICE_HOURS``) has no effect on anything: a placebo
  for estimators.

Selection (documented in ``truth.json``): only partners that joined before the window are
eligible. Bootcamp enrolment and wave depend on observables only: partner_type and size
(large partners tend to go in earlier waves), never on latent trust or on past
outcomes. Because trust is stationary within each partner type and outcome baselines do
not trend differently by type or size, parallel trends hold *unconditionally* in
expectation (and therefore also conditionally on partner_type and size). Office Hours is
assigned completely at random among eligible partners.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rotlib.contract import PARTNER_TYPES
from rotlib.sample_data import params as P

if TYPE_CHECKING:
    from rotlib.sample_data.world import QuarterGrid


@dataclass(frozen=True)
class ProgramAssignment:
    """Who starts a program when. ``start_day``/``start_pos`` are -1 for never treated."""

    name: str
    start_day: np.ndarray
    start_pos: np.ndarray
    wave_positions: tuple[int, ...]
    has_effect: bool
    selection: str

    @property
    def treated(self) -> np.ndarray:
        return self.start_pos >= 0


def wave_offsets(window: int) -> tuple[int, ...]:
    """Window quarters (0-based) in which waves start: at least one pre quarter before
    the first wave, at least one post quarter after the last, at most four waves."""
    if window < 2:
        return ()
    if window >= 5:
        first, last = 2, window - 3
    else:
        first, last = 1, max(1, window - 2)
    ks = np.arange(first, last + 1)
    if ks.size > 4:
        ks = np.unique(np.round(np.linspace(first, last, 4)).astype(int))
    return tuple(int(k) for k in ks)


def _start_days(rng: np.random.Generator, grid: QuarterGrid, pos: np.ndarray,
                on_day_one_share: float) -> np.ndarray:
    """First day of the wave quarter, or a day in its first eight weeks."""
    safe = np.maximum(pos, 0)
    q_start, q_end = grid.start_day[safe], grid.end_day[safe]
    late = rng.random(pos.shape[0]) >= on_day_one_share
    offset = rng.integers(1, 57, pos.shape[0])
    day = np.where(late, np.minimum(q_start + offset, q_end), q_start)
    return np.where(pos >= 0, day, -1)


def assign_programs(rng: np.random.Generator, *, grid: QuarterGrid, partner_type: np.ndarray,
                    size: np.ndarray, joined_day: np.ndarray
                    ) -> tuple[ProgramAssignment, ProgramAssignment]:
    n = partner_type.shape[0]
    offsets = wave_offsets(grid.window)
    positions = np.array([grid.history + k for k in offsets], dtype=np.int64)
    eligible = joined_day < grid.window_start_day
    # draws happen even without waves so the stream stays aligned
    u_enrol, u_wave, u_office, u_office_wave = (rng.random(n) for _ in range(4))

    pos_b = np.full(n, -1, dtype=np.int64)
    pos_o = np.full(n, -1, dtype=np.int64)
    if positions.size:
        type_p = np.array([P.BOOTCAMP_TYPE_PROB[t] for t in PARTNER_TYPES])[partner_type]
        p_enrol = np.clip(type_p * np.asarray(P.BOOTCAMP_SIZE_FACTOR)[size], 0.0, 0.9)
        enrolled = eligible & (u_enrol < p_enrol)
        w = positions.size
        centred = (np.arange(w) - (w - 1) / 2.0) / max(1, w - 1)
        tilt = np.asarray(P.BOOTCAMP_WAVE_TILT)[size]
        weights = np.clip(1.0 + tilt[:, None] * centred[None, :], 0.05, None)
        cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
        wave = np.minimum((u_wave[:, None] > cum).sum(axis=1), w - 1)
        pos_b = np.where(enrolled, positions[wave], -1)

        office = eligible & (u_office < P.OFFICE_HOURS_SHARE)
        office_wave = np.minimum(np.floor(u_office_wave * w).astype(np.int64), w - 1)
        pos_o = np.where(office, positions[office_wave], -1)

    bootcamp = ProgramAssignment(
        name=P.BOOTCAMP,
        start_day=_start_days(rng, grid, pos_b, P.START_ON_QUARTER_DAY_ONE),
        start_pos=pos_b, wave_positions=tuple(int(p) for p in positions), has_effect=True,
        selection="Eligible: joined before the window. Enrolment probability by "
        "partner_type (BOOTCAMP_TYPE_PROB) times a size factor (BOOTCAMP_SIZE_FACTOR); "
        "large partners tend to join earlier waves. Independent of latent trust and of "
        "past outcomes.",
    )
    office_hours = ProgramAssignment(
        name=P.OFFICE_HOURS,
        start_day=_start_days(rng, grid, pos_o, 0.0),
        start_pos=pos_o, wave_positions=tuple(int(p) for p in positions), has_effect=False,
        selection=f"Completely at random: {P.OFFICE_HOURS_SHARE:.0%} of eligible partners, "
        "uniform over the same waves. No effect on anything.",
    )
    return bootcamp, office_hours

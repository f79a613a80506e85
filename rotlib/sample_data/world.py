"""The simulated world: calendar grid, partners, latent trust that drifts, programs.

Everything every source system shares is drawn here once for all partners (it is small:
a few floats per partner and quarter); the source-system modules then draw their
events partner block by partner block.

Latent trust (never written to the data, reported in ``truth.json``):
``z[p, j] = mu[p] + d[p, j]`` with ``mu[p] = baseline(partner_type) + N(0, sd_p)`` and an
AR(1) deviation ``d[p, j] = rho * d[p, j-1] + N(0, sd_e)`` started from its stationary
distribution, so each segment's expected trust is flat over time (the drift is
partner-specific and mean-reverting, not a trend).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from rotlib.contract import PARTNER_SIZES, PARTNER_TYPES, REGIONS
from rotlib.sample_data import params as P
from rotlib.sample_data.columns import id_col
from rotlib.sample_data.config import SampleConfig
from rotlib.sample_data.names import TRICKY_PARTNER_NAMES, partner_names, plant_tricky
from rotlib.sample_data.program import ProgramAssignment, assign_programs

_EPOCH = pd.Timestamp("1970-01-01")


def _day(ts: pd.Timestamp) -> int:
    return int((ts - _EPOCH).days)


def day_to_iso(day: int) -> str:
    return (_EPOCH + pd.Timedelta(days=int(day))).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class QuarterGrid:
    """History quarters followed by window quarters, as positions ``j = 0..J-1``.

    Window quarter ``k`` (0-based) is position ``history + k``. Days are days since
    1970-01-01; ``end_day`` is inclusive. The data are "as of" the last window day.
    """

    history: int
    window: int
    abs_index: np.ndarray
    start_day: np.ndarray
    end_day: np.ndarray
    quarter_of_year: np.ndarray
    labels: tuple[str, ...]

    @property
    def n(self) -> int:
        return self.history + self.window

    @property
    def as_of_day(self) -> int:
        return int(self.end_day[-1])

    @property
    def window_start_day(self) -> int:
        return int(self.start_day[self.history])

    @property
    def window_positions(self) -> np.ndarray:
        return np.arange(self.history, self.n)

    def position_of_day(self, days: np.ndarray) -> np.ndarray:
        """Grid position of each day (-1 before the grid; J-1 or more after it)."""
        pos = np.searchsorted(self.start_day, days, side="right") - 1
        after = days > self.end_day[-1]
        return np.where(after, self.n, pos)


def build_grid(config: SampleConfig, history: int = P.HISTORY_QUARTERS) -> QuarterGrid:
    cal = config.calendar
    first = config.start_index - history
    idx = np.arange(first, config.start_index + config.quarters)
    starts = np.array([_day(cal.quarter_start(int(i))) for i in idx], dtype=np.int64)
    ends = np.array([_day(cal.quarter_end(int(i))) for i in idx], dtype=np.int64)
    labels = tuple(str(cal.index_to_label(int(i))) for i in idx)
    return QuarterGrid(history, config.quarters, idx, starts, ends, idx % 4, labels)


@dataclass(frozen=True)
class PartnerBlock:
    """The world restricted to partners ``lo .. hi-1`` (one generation chunk)."""

    lo: int
    hi: int
    partner_ids: pa.Array
    partner_type: np.ndarray
    region: np.ndarray
    size: np.ndarray
    joined_day: np.ndarray
    trust: np.ndarray
    tier: np.ndarray
    win_heterogeneity: np.ndarray
    co_sell_share: np.ndarray
    bootcamp_start_day: np.ndarray
    bootcamp_start_pos: np.ndarray
    active_low: np.ndarray
    active_fraction: np.ndarray

    @property
    def n(self) -> int:
        return self.hi - self.lo


@dataclass(frozen=True)
class World:
    """Partners, their latent trust path and program assignments."""

    config: SampleConfig
    grid: QuarterGrid
    partner_ids: pa.Array
    partner_names: pa.Array
    tricky_positions: np.ndarray
    partner_type: np.ndarray
    region: np.ndarray
    size: np.ndarray
    joined_day: np.ndarray
    trust: np.ndarray
    tier: np.ndarray
    win_heterogeneity: np.ndarray
    co_sell_share: np.ndarray
    programs: tuple[ProgramAssignment, ...]

    @property
    def n_partners(self) -> int:
        return int(self.partner_type.shape[0])

    @property
    def bootcamp(self) -> ProgramAssignment:
        return self.programs[0]

    def block(self, lo: int, hi: int) -> PartnerBlock:
        g = self.grid
        joined = self.joined_day[lo:hi]
        active_low = np.maximum(g.start_day[None, :], joined[:, None])
        span = (g.end_day - g.start_day + 1)[None, :]
        frac = np.clip((g.end_day[None, :] - active_low + 1) / span, 0.0, 1.0)
        return PartnerBlock(
            lo=lo, hi=hi, partner_ids=self.partner_ids.slice(lo, hi - lo),
            partner_type=self.partner_type[lo:hi], region=self.region[lo:hi],
            size=self.size[lo:hi], joined_day=joined, trust=self.trust[lo:hi],
            tier=self.tier[lo:hi], win_heterogeneity=self.win_heterogeneity[lo:hi],
            co_sell_share=self.co_sell_share[lo:hi],
            bootcamp_start_day=self.bootcamp.start_day[lo:hi],
            bootcamp_start_pos=self.bootcamp.start_pos[lo:hi],
            active_low=active_low, active_fraction=frac,
        )


def partner_id_width(n_partners: int) -> int:
    return max(5, len(str(n_partners)))


def _draw_codes(rng: np.random.Generator, shares: dict[str, float], labels: tuple[str, ...],
                n: int) -> np.ndarray:
    probs = np.array([shares[label] for label in labels])
    return rng.choice(len(labels), size=n, p=probs / probs.sum()).astype(np.int8)


def simulate_trust(rng: np.random.Generator, partner_type: np.ndarray, n_quarters: int
                   ) -> np.ndarray:
    """Latent trust ``z`` (partners x grid positions): baseline + AR(1) drift."""
    n = partner_type.shape[0]
    baseline = np.array([P.TRUST_TYPE_BASELINE[t] for t in PARTNER_TYPES])[partner_type]
    mu = baseline + rng.normal(0.0, P.TRUST_PARTNER_SD, n)
    stationary_sd = P.TRUST_INNOVATION_SD / np.sqrt(1.0 - P.TRUST_AR1_RHO**2)
    shocks = rng.normal(0.0, 1.0, (n, n_quarters))
    dev = np.empty((n, n_quarters))
    dev[:, 0] = stationary_sd * shocks[:, 0]
    for j in range(1, n_quarters):
        dev[:, j] = P.TRUST_AR1_RHO * dev[:, j - 1] + P.TRUST_INNOVATION_SD * shocks[:, j]
    return mu[:, None] + dev


def tiers_from_trust(trust: np.ndarray) -> np.ndarray:
    """Internal tier per partner-quarter from the *previous* quarter's trust."""
    lagged = np.concatenate([trust[:, :1], trust[:, :-1]], axis=1)
    return np.searchsorted(np.asarray(P.TIER_CUTS), lagged).astype(np.int8)


def build_world(config: SampleConfig) -> World:
    """Draw every partner-level quantity. Independent seed streams per purpose, so
    adding a draw in one place never shifts the draws of another."""
    grid = build_grid(config)
    n = config.partners

    def stream(key: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(key,)))

    rng = stream(0)
    ptype = _draw_codes(rng, P.PARTNER_TYPE_SHARES, PARTNER_TYPES, n)
    region = _draw_codes(rng, P.REGION_SHARES, REGIONS, n)
    size = _draw_codes(rng, P.SIZE_SHARES, PARTNER_SIZES, n)

    # joined: established partners before the history; some join inside the window
    history_start = int(grid.start_day[0])
    joined = history_start - rng.integers(30, P.MAX_TENURE_DAYS, n)
    if config.quarters >= 2:
        new = rng.random(n) < P.NEW_PARTNER_SHARE
        k_join = rng.integers(1, config.quarters, n) + grid.history
        lo, hi = grid.start_day[k_join], grid.end_day[k_join]
        day_in = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)
        joined = np.where(new, day_in, joined)
    win_het = rng.normal(0.0, P.WIN_PARTNER_SD, n)
    co_sell = rng.beta(4.0, 4.0, n)

    ids = id_col("P", np.arange(1, n + 1), partner_id_width(n))
    names_rng = stream(1)
    names = partner_names(names_rng, region)
    names, tricky_positions = plant_tricky(names_rng, names, TRICKY_PARTNER_NAMES)

    trust = simulate_trust(stream(2), ptype, grid.n)
    programs = assign_programs(stream(3), grid=grid, partner_type=ptype, size=size,
                               joined_day=joined)
    return World(
        config=config, grid=grid, partner_ids=ids, partner_names=names,
        tricky_positions=tricky_positions, partner_type=ptype, region=region, size=size,
        joined_day=joined.astype(np.int64), trust=trust, tier=tiers_from_trust(trust),
        win_heterogeneity=win_het, co_sell_share=co_sell, programs=programs,
    )

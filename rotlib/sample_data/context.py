"""Per-chunk state shared by the source-system modules: random streams and id counters.

Each (source table, chunk) pair has its own seed stream, derived from the user's seed,
so a table's draws never depend on how many draws another table made. In particular the
planted program effect, ``trust_link`` and ``volume``-independent tables keep identical
random numbers when only those parameters change (common random numbers), which is what
lets ``truth.json`` compute the no-program counterfactual exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from rotlib.sample_data.columns import id_col
from rotlib.sample_data.config import SampleConfig
from rotlib.sample_data.sampling import expand_counts, uniform_day
from rotlib.sample_data.world import PartnerBlock, QuarterGrid, World

#: Seed stream per purpose (never renumber: it would change every sample).
STREAMS: dict[str, int] = {
    "accounts": 10, "opportunities": 11, "direct": 12, "tickets": 13, "deliverables": 14,
    "certifications": 15, "policy_checks": 16, "disputes": 17, "security_reviews": 18,
    "finance": 19, "joint_activities": 20, "account_names": 21,
}

#: Identifier formats: prefix and digits (zero-padded; some purely numeric on purpose,
#: so loaders that parse ids as numbers lose the leading zeros and fail loudly).
ID_FORMATS: dict[str, tuple[str, int]] = {
    "account": ("", 9),
    "opportunity": ("OP", 9),
    "ticket": ("", 10),
    "deliverable": ("D", 8),
    "check": ("PC", 8),
    "dispute": ("DS", 7),
    "review": ("SR", 7),
    "investment": ("INV", 9),
    "allocation": ("MDF", 7),
    "activity": ("JA", 8),
}


@dataclass
class IdCounters:
    """Next free number per identifier family, carried from chunk to chunk."""

    next: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ID_FORMATS, 1))

    def take(self, family: str, count: int) -> np.ndarray:
        start = self.next[family]
        self.next[family] = start + int(count)
        width = ID_FORMATS[family][1]
        if self.next[family] - 1 >= 10**width:
            raise OverflowError(f"too many {family} ids for {width} digits")
        return np.arange(start, start + int(count), dtype=np.int64)


@dataclass
class ChunkContext:
    """Everything a source-system module needs to draw one chunk of partners."""

    world: World
    block: PartnerBlock
    chunk_index: int
    ids: IdCounters

    @property
    def config(self) -> SampleConfig:
        return self.world.config

    @property
    def grid(self) -> QuarterGrid:
        return self.world.grid

    def rng(self, stream: str) -> np.random.Generator:
        seq = np.random.SeedSequence(self.config.seed,
                                     spawn_key=(STREAMS[stream], self.chunk_index))
        return np.random.default_rng(seq)

    def window_mask(self) -> np.ndarray:
        """(J,) True for window positions (not history)."""
        return np.arange(self.grid.n) >= self.grid.history

    def new_ids(self, family: str, count: int) -> pa.Array:
        """``count`` fresh identifiers of ``family``, formatted (see ``ID_FORMATS``)."""
        prefix, width = ID_FORMATS[family]
        return id_col(prefix, self.ids.take(family, count), width)

    def window_events(self, rng: np.random.Generator, rate_by_size: tuple[float, ...],
                      extra: np.ndarray | float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """Poisson events per partner x window quarter: ``rate_by_size[size] * extra``,
        pro rata of the part of the quarter the partner was active. Returns the
        (partner row, grid position) of every event."""
        b = self.block
        rate = (np.asarray(rate_by_size)[b.size.astype(np.int64)][:, None] * extra
                * b.active_fraction * self.window_mask()[None, :])
        return expand_counts(rng.poisson(rate))

    def day_in_quarter(self, rng: np.random.Generator, rows: np.ndarray, pos: np.ndarray
                       ) -> np.ndarray:
        """A uniform day in the active part of each event's quarter."""
        return uniform_day(rng, self.block.active_low[rows, pos], self.grid.end_day[pos])

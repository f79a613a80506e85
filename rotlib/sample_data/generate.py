"""Run the source systems chunk by chunk and collect the truth.

:class:`SampleGenerator` yields :class:`~rotlib.sample_data.columns.TableChunk` objects
(partners and interventions once, every other table once per block of
``params.CHUNK_PARTNERS`` partners) so a writer can stream 100k partners to disk in
bounded memory; :func:`generate_tables` collects a small sample into data frames.
Output depends only on the configuration: the same configuration gives the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from rotlib.contract import PARTNER_SIZES, PARTNER_TYPES, REGIONS, TABLES
from rotlib.sample_data import params as P
from rotlib.sample_data.columns import TableChunk, build_chunk, date_col, labels_col
from rotlib.sample_data.config import SampleConfig
from rotlib.sample_data.context import ChunkContext, IdCounters
from rotlib.sample_data.crm import generate_opportunities
from rotlib.sample_data.customer_success import generate_account_health
from rotlib.sample_data.finance import generate_finance
from rotlib.sample_data.joint_plans import generate_deliverables
from rotlib.sample_data.partner_ops import (
    generate_disputes,
    generate_interventions,
    generate_joint_activities,
    generate_policy_checks,
)
from rotlib.sample_data.partner_portal import generate_certifications
from rotlib.sample_data.security import generate_security_reviews
from rotlib.sample_data.support_desk import generate_tickets
from rotlib.sample_data.truth import EffectTally, build_truth
from rotlib.sample_data.world import World, build_world


class SampleGenerator:
    """Stream a sample's tables; call :meth:`truth` after the stream is exhausted."""

    def __init__(self, config: SampleConfig, chunk_partners: int = P.CHUNK_PARTNERS) -> None:
        self.config = config
        self.chunk_partners = chunk_partners
        self.world: World = build_world(config)
        self._tally = EffectTally(config.partners, config.quarters)
        self._row_counts = {t.name: 0 for t in TABLES}
        self._done = False

    def chunks(self) -> Iterator[TableChunk]:
        if self._done:
            raise RuntimeError("a SampleGenerator streams once; create a new one")
        world = self.world
        yield self._count(partners_table(world))
        ids = IdCounters()
        for index, lo in enumerate(range(0, world.n_partners, self.chunk_partners)):
            hi = min(lo + self.chunk_partners, world.n_partners)
            ctx = ChunkContext(world, world.block(lo, hi), index, ids)
            account_health, accounts = generate_account_health(ctx)
            opportunities, deals, deal_truth = generate_opportunities(ctx, accounts)
            tickets, ticket_truth = generate_tickets(ctx, accounts)
            self._tally.add(lo, hi, deal_truth, ticket_truth)
            allocations, investments = generate_finance(ctx, deals)
            for chunk in (opportunities, generate_deliverables(ctx), tickets,
                          generate_certifications(ctx), generate_policy_checks(ctx),
                          generate_disputes(ctx, deals), generate_security_reviews(ctx),
                          investments, allocations, account_health,
                          generate_joint_activities(ctx)):
                yield self._count(chunk)
        yield self._count(generate_interventions(world))
        self._done = True

    def truth(self) -> dict:
        if not self._done:
            raise RuntimeError("truth() is available once every chunk has been generated")
        return build_truth(self.world, self._tally, dict(self._row_counts))

    def _count(self, chunk: TableChunk) -> TableChunk:
        self._row_counts[chunk.name] += chunk.num_rows
        return chunk


def partners_table(world: World) -> TableChunk:
    return build_chunk("partners", {
        "partner_id": world.partner_ids,
        "partner_name": world.partner_names,
        "partner_type": labels_col(world.partner_type, PARTNER_TYPES),
        "region": labels_col(world.region, REGIONS),
        "size": labels_col(world.size, PARTNER_SIZES),
        "joined_date": date_col(world.joined_day),
    })


@dataclass(frozen=True)
class GeneratedSample:
    """A sample held in memory: one Arrow table per contract table, and the truth."""

    tables: dict[str, pa.Table]
    truth: dict

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables as pandas data frames (Arrow types mapped by pandas' defaults)."""
        return {name: t.to_pandas() for name, t in self.tables.items()}


def generate_tables(config: SampleConfig, chunk_partners: int = P.CHUNK_PARTNERS
                    ) -> GeneratedSample:
    """Generate a whole sample in memory (for tests and notebooks; use the writer for
    large samples)."""
    gen = SampleGenerator(config, chunk_partners)
    parts: dict[str, list[pa.Table]] = {t.name: [] for t in TABLES}
    for chunk in gen.chunks():
        parts[chunk.name].append(chunk.table)
    tables = {name: pa.concat_tables(p) for name, p in parts.items()}
    return GeneratedSample(tables, gen.truth())

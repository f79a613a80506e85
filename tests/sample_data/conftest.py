"""Shared, session-scoped samples for the generator tests (generated once, in memory)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from rotlib.sample_data.config import SampleConfig
from rotlib.sample_data.generate import GeneratedSample, generate_tables
from rotlib.sample_data.writer import write_sample

#: Mid-size world for statistical checks: ~320k opportunities, ~700k tickets (~3 s).
MID = SampleConfig(partners=3000, quarters=8, seed=5)
#: Small world written to disk in both formats for file-level checks.
SMALL = SampleConfig(partners=150, quarters=6, seed=11, volume=0.5, start="2024Q3",
                     fiscal_start_month=2)


@pytest.fixture(scope="session")
def mid_sample() -> GeneratedSample:
    return generate_tables(MID)


@pytest.fixture(scope="session")
def mid_frames(mid_sample):
    return mid_sample.frames()


@pytest.fixture(scope="session")
def mid_no_effect() -> GeneratedSample:
    return generate_tables(replace(MID, program_effect=0.0))


@pytest.fixture(scope="session")
def mid_no_effect_frames(mid_no_effect):
    return mid_no_effect.frames()


@pytest.fixture(scope="session")
def mid_no_link() -> GeneratedSample:
    return generate_tables(replace(MID, trust_link=0.0))


@pytest.fixture(scope="session")
def mid_no_link_frames(mid_no_link):
    return mid_no_link.frames()


@pytest.fixture(scope="session")
def small_dirs(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for fmt in ("csv", "parquet"):
        folder = tmp_path_factory.mktemp(f"sample_{fmt}")
        write_sample(SMALL, folder, fmt=fmt)
        out[fmt] = folder
    return out

"""Property tests: any valid configuration yields contract-conforming, consistent data."""

from __future__ import annotations

import numpy as np
import pandas as pd
from _sample_checks import contract_violations
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotlib.sample_data.config import SampleConfig
from rotlib.sample_data.generate import generate_tables

configs = st.builds(
    SampleConfig,
    partners=st.integers(1, 60),
    quarters=st.integers(1, 7),
    seed=st.integers(0, 2**32),
    start=st.builds(lambda y, q: f"{y}Q{q}", st.integers(2015, 2030), st.integers(1, 4)),
    fiscal_start_month=st.integers(1, 12),
    trust_link=st.floats(0.0, 2.0),
    program_effect=st.floats(-1.0, 2.0),
    volume=st.floats(0.05, 2.0),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_any_config_satisfies_the_contract(config):
    sample = generate_tables(config, chunk_partners=16)   # several chunks even when tiny
    frames = sample.frames()
    assert contract_violations(frames) == []
    truth = sample.truth
    assert len(frames["partners"]) == config.partners
    assert np.asarray(truth["trust"]["values"]).shape == (config.partners, config.quarters)
    assert truth["row_counts"] == {k: len(v) for k, v in frames.items()}
    as_of = pd.Timestamp(truth["calendar"]["as_of"])
    for name, col in (("opportunities", "closed_date"), ("deliverables", "delivered_date"),
                      ("disputes", "opened_date"), ("account_health", "snapshot_date")):
        assert (pd.to_datetime(frames[name][col]).dropna() <= as_of).all(), name
    for program in truth["programs"]:
        labels = [q["label"] for q in truth["calendar"]["window_quarters"]]
        started = [q for q in program["first_treated_quarter"].values() if q is not None]
        assert all(q in labels[1:] for q in started)   # never in the first window quarter
        for effect in program["effects"].values():
            if effect["att"] is not None and config.program_effect == 0:
                assert effect["att"] == 0.0

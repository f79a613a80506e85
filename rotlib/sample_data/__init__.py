"""Seeded, realistic sample data for every table of the data contract.

A simulated world (``world``) gives each partner a latent trust level that drifts from
quarter to quarter; one module per source system draws that system's table from it
(``crm``, ``support_desk``, ``joint_plans``, ``partner_portal``, ``partner_ops``,
``security``, ``finance``, ``customer_success``); ``program`` rolls out an enablement
bootcamp with a planted effect; ``truth`` records what was planted; ``writer`` streams
CSV or Parquet. Mechanism parameters live in ``params`` (one place, also reported in
``truth.json``).

Public API::

    from rotlib.sample_data import SampleConfig, generate_tables, write_sample
    sample = generate_tables(SampleConfig(partners=300, seed=1, volume=0.2))
    sample.frames()["tickets"], sample.truth
    write_sample(SampleConfig(partners=100_000, seed=1), "/tmp/big", fmt="parquet")
"""

from rotlib.sample_data.config import SampleConfig
from rotlib.sample_data.generate import GeneratedSample, SampleGenerator, generate_tables
from rotlib.sample_data.writer import WriteReport, dump_truth, write_sample

__all__ = [
    "GeneratedSample",
    "SampleConfig",
    "SampleGenerator",
    "WriteReport",
    "dump_truth",
    "generate_tables",
    "write_sample",
]

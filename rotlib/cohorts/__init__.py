"""Does trust pay? Cohort comparisons of partners above vs below the RoT threshold.

Public API::

    from rotlib.cohorts import CohortConfig, compare_cohorts
    result = compare_cohorts(scored, {"opportunities": opp, "account_health": ah,
                                      "tickets": tickets, "partners": partners},
                             CohortConfig(threshold=60), quarter="2026Q2")
    result.summary(); result.tidy(); result.plot_forest(); result.plot_transitions()

See docs/cohorts.md for the methods.
"""

from rotlib.cohorts.compare import compare_cohorts
from rotlib.cohorts.config import OUTCOME_IDS, CohortConfig
from rotlib.cohorts.result import CohortResult

__all__ = ["OUTCOME_IDS", "CohortConfig", "CohortResult", "compare_cohorts"]

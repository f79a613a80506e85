"""The scoring engine: trust scores, tiers and benefits, the RoT ratio, and their robustness.

Public API::

    from rotlib.scoring import score, load_config
    result = score(metrics_table)                 # shipped default config
    result = score(metrics_table, "my.yaml", robustness_draws=1000, seed=7)
    result.partners          # one row per partner x quarter
    result.summary()         # text for a notebook or log
    result.decomposition()   # why each score moved, exactly
    result.next_tier_gaps()  # what it takes to reach the next tier

See ``docs/scoring.md`` for the methods.
"""

from rotlib.scoring.calibration import Calibration
from rotlib.scoring.cards import cards_markdown, metric_cards
from rotlib.scoring.config import ScorecardConfig, default_config_text, load_config, parse_config
from rotlib.scoring.engine import score
from rotlib.scoring.result import ScoreResult

__all__ = [
    "Calibration",
    "ScoreResult",
    "ScorecardConfig",
    "cards_markdown",
    "default_config_text",
    "load_config",
    "metric_cards",
    "parse_config",
    "score",
]

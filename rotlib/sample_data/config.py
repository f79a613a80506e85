"""What a sample is generated from: one validated, immutable configuration."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from rotlib.calendar import FiscalCalendar
from rotlib.errors import ParameterError

MAX_PARTNERS = 5_000_000
MAX_QUARTERS = 40


@dataclass(frozen=True)
class SampleConfig:
    """Parameters of one generated sample.

    Attributes
    ----------
    partners:
        Number of partners (rows of ``partners``).
    quarters:
        Quarters in the window, starting at ``start``. Opportunity history reaches
        ``params.HISTORY_QUARTERS`` further back (deals created earlier that close later).
    seed:
        Seed of every random draw: the same configuration gives the same bytes.
    start:
        First window quarter, ``"YYYYQn"`` in the fiscal calendar.
    fiscal_start_month:
        First month of the fiscal year (1 = calendar quarters).
    trust_link:
        Multiplier on every trust -> outcome coefficient (``params.OUTCOME_LINK``).
        1.0 is the default world; 0.0 makes outcomes independent of latent trust
        (behaviours still depend on it).
    program_effect:
        Multiplier on the planted "Enablement Bootcamp" effects; 0.0 plants no effect.
    volume:
        Multiplier on the high-volume transaction systems: deals (partner and direct),
        tickets and shared accounts. 1.0 reaches about 10M opportunities and 20M+ tickets
        at 100k partners x 8 quarters; the committed sample uses less. Governance records
        (deliverables, policy checks, joint activities, security reviews, certifications,
        MDF, investments) follow the program's cadence and do not scale.
    """

    partners: int = 300
    quarters: int = 8
    seed: int = 20260101
    start: str = "2025Q1"
    fiscal_start_month: int = 1
    trust_link: float = 1.0
    program_effect: float = 1.0
    volume: float = 1.0

    def __post_init__(self) -> None:
        _check_int("partners", self.partners, 1, MAX_PARTNERS)
        _check_int("quarters", self.quarters, 1, MAX_QUARTERS)
        _check_int("seed", self.seed, 0, 2**63 - 1)
        _check_int("fiscal_start_month", self.fiscal_start_month, 1, 12)
        try:
            FiscalCalendar.label_to_index(self.start)
        except ValueError as exc:
            raise ParameterError(f"start: {exc}") from None
        _check_float("trust_link", self.trust_link, 0.0, 5.0)
        _check_float("program_effect", self.program_effect, -5.0, 5.0)
        _check_float("volume", self.volume, 0.001, 20.0, low_open=True)

    @property
    def calendar(self) -> FiscalCalendar:
        return FiscalCalendar(self.fiscal_start_month)

    @property
    def start_index(self) -> int:
        """Quarter index (``FiscalCalendar`` numbering) of the first window quarter."""
        return FiscalCalendar.label_to_index(self.start)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{name} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise ParameterError(f"{name} must be between {low} and {high}, got {value}")


def _check_float(name: str, value: object, low: float, high: float,
                 low_open: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ParameterError(f"{name} must be finite, got {value!r}")
    below = value <= low if low_open else value < low
    if below or value > high:
        bound = "above" if low_open else "at least"
        raise ParameterError(f"{name} must be {bound} {low} and at most {high}, got {value}")

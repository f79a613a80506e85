"""The numbered notebooks of a scheduled run, in order.

The analysis is a one-way chain (validated data -> metrics -> scores -> cohorts and lift ->
report): each notebook reads the artifacts of the ones before it from the run folder and
writes its own. ``explore.ipynb`` is for analysts and is not part of a scheduled run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Repository root (the notebooks live beside the package, not inside it).
REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"


@dataclass(frozen=True)
class Step:
    """One notebook of the pipeline."""

    name: str  # also the file stem and the name of its render
    title: str
    report: bool = False  # its render is the executive report
    needs: tuple[str, ...] | None = None  # steps whose artifacts it reads (None: the one before)

    @property
    def notebook(self) -> str:
        return f"{self.name}.ipynb"


PIPELINE: tuple[Step, ...] = (
    Step("01_load_and_validate", "Load and validate the partner exports", needs=()),
    Step("02_score", "Score every partner every quarter", needs=("01_load_and_validate",)),
    Step("03_cohorts", "Does trust pay? Cohorts above and below the threshold",
         needs=("02_score",)),
    # lift reads only the metrics and the interventions: it runs beside scoring and cohorts
    Step("04_lift", "Did the program work? Intervention lift", needs=("01_load_and_validate",)),
    Step("05_executive_report", "Return on Trust: executive report", report=True,
         needs=("02_score", "03_cohorts", "04_lift")),
)


def dependencies(steps: tuple[Step, ...] | list[Step]) -> dict[str, tuple[str, ...]]:
    """Each step's prerequisites (``needs``, or the step before it when not declared)."""
    out: dict[str, tuple[str, ...]] = {}
    names = {s.name for s in steps}
    for i, step in enumerate(steps):
        needs = step.needs if step.needs is not None else (
            (steps[i - 1].name,) if i else ())
        unknown = set(needs) - names
        if unknown:
            raise ValueError(f"step {step.name} needs unknown step(s) {sorted(unknown)}")
        out[step.name] = tuple(needs)
    return out

#: The analysts' notebook; nbval runs it, scheduled runs do not.
EXPLORE = Step("explore", "Explore scores, weights and thresholds")

#: Parameters the runner sets itself; a user passing them gets an error.
RESERVED_PARAMETERS = frozenset({"run_dir"})

#: File name of the executive report inside a run folder.
REPORT_FILE = "executive_report.html"
REPORT_PDF = "executive_report.pdf"

"""The executive report: sections as functions returning safe HTML fragments and charts.

In a leader's order::

    title_block            what, when, from which data
    headline_section       headline figures and their change since last quarter
    portfolio_section      portfolio by tier, who moved and why
    trust_section          does trust pay? (cohorts, with intervals and plain sentences)
    program_section        did the program work? (lift verdicts, event-study chart)
    ratio_section          RoT ratio and the investment breakdown
    risk_section           disputes, escalations, audit findings, ticket trends
    quality_section        rows read, accepted, quarantined
    metric_cards_section   appendix: definition, owner, sources, calculation
    provenance_section     appendix: what the run was made from

Each returns a :class:`~rotlib.report.html.Section`; :class:`ReportBook` displays them in
notebook 05 and records every quoted figure (``artifacts/report_figures.json``). All text
that reaches the page is escaped by :mod:`rotlib.report.html`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotlib.report.appendix import metric_cards_section, provenance_section
from rotlib.report.headline import headline_figures, headline_section
from rotlib.report.html import Figures, Section, paragraph, text
from rotlib.report.inputs import ReportInputs, load_inputs
from rotlib.report.portfolio import movers, portfolio_section
from rotlib.report.program import program_section, verdict_table
from rotlib.report.quality import quality_section
from rotlib.report.ratio import ratio_section
from rotlib.report.risk import risk_section
from rotlib.report.trust import trust_section

__all__ = [
    "ReportBook",
    "ReportInputs",
    "Section",
    "headline_figures",
    "headline_section",
    "load_inputs",
    "metric_cards_section",
    "movers",
    "portfolio_section",
    "program_section",
    "provenance_section",
    "quality_section",
    "ratio_section",
    "risk_section",
    "title_block",
    "trust_section",
    "verdict_table",
]

CONTENTS = (
    ("headline", "At a glance"), ("portfolio", "Portfolio and movers"),
    ("trust", "Does trust pay?"), ("program", "Did the program work?"),
    ("ratio", "RoT ratio"), ("risk", "Risk indicators"), ("quality", "Data quality"),
    ("metric-cards", "Metric cards"), ("provenance", "Provenance"),
)


def title_block(title: str, quarter: str, context: Mapping[str, Any],
                manifest: Mapping[str, Any] | None = None) -> Section:
    """Title, quarter, data date and run id, and a table of contents (in-page links)."""
    manifest = manifest or {}
    f = Figures()
    run_id = manifest.get("run_id") or "not a scheduled run"
    parts = [f"<h1>{text(title)}</h1>", paragraph(
        text("Quarter "), f.span("quarter", quarter, "text"),
        text(f"; data as of {context.get('as_of') or 'unknown'}; run {run_id}"
             + (" (partner names pseudonymized)" if context.get("pseudonymized") else "")
             + "."), css_class="rot-lede")]
    links = "".join(f'<li><a href="#{key}">{text(label)}</a></li>' for key, label in CONTENTS)
    parts.append(f'<nav aria-label="Contents"><ol>{links}</ol></nav>')
    return Section("top", title, "".join(parts), f.values, tag="header", heading=False)


class ReportBook:
    """Displays sections in a notebook and remembers every figure they quoted."""

    def __init__(self) -> None:
        self.sections: list[Section] = []

    def show(self, section: Section) -> Section:
        from IPython.display import HTML, display

        self.sections.append(section)
        display(HTML(section.html()))
        return section

    def figures(self) -> dict[str, dict[str, Any]]:
        """``{section id: {figure key: raw value}}`` for ``report_figures.json``."""
        return {s.id: dict(s.figures) for s in self.sections}

    def html(self) -> str:
        return "".join(s.html() for s in self.sections)

"""Report sections on hand-made frames: figures, reasons, escaping, honest gaps."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from rotlib.pipeline.render import audit_html, sanitize_html
from rotlib.report import (
    headline_figures,
    headline_section,
    metric_cards_section,
    portfolio_section,
    program_section,
    provenance_section,
    quality_section,
    ratio_section,
    risk_section,
    title_block,
    trust_section,
)
from rotlib.report.html import format_value, table
from rotlib.report.portfolio import move_reasons, tier_counts
from rotlib.report.risk import risk_trends

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'
TIERS = ["Strategic", "Trusted", "Developing", "Probation"]


def _figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([^"]+)" data-value="([^"]*)"', html))


def _assert_safe(html: str) -> None:
    assert audit_html(html) == []
    assert "<script" not in html and "onerror=" not in html.replace("onerror=alert", "")
    # the sanitizer used for notebook outputs keeps every quoted figure
    assert _figures(sanitize_html(html)) == _figures(html)


def _scores() -> pd.DataFrame:
    rows = []
    data = {  # partner: (name, [(quarter, score, tier, change)])
        "p1": (EVIL, [("2026Q2", 70.0, "Trusted", "new"), ("2026Q3", 80.0, "Strategic", "up")]),
        "p2": ("=HYPERLINK(\"x\")", [("2026Q2", 50.0, "Developing", "new"),
                                      ("2026Q3", 40.0, "Probation", "down")]),
        "p3": ("Plain", [("2026Q2", 62.0, "Trusted", "new"), ("2026Q3", 63.0, "Trusted", "same")]),
        "p4": ("Sparse", [("2026Q2", np.nan, "insufficient data", ""),
                          ("2026Q3", np.nan, "insufficient data", "")]),
    }
    for pid, (name, history) in data.items():
        previous = None
        for q, s, tier, change in history:
            rows.append({
                "partner_id": pid, "partner_name": name, "quarter": q,
                "quarter_index": 8105 if q == "2026Q2" else 8106, "rot_score": s,
                "tier": tier, "previous_tier": previous or "", "tier_change": change,
                "rot_score_change": np.nan if previous is None or pd.isna(s) else None,
                "rot_ratio": 2.0 if pid != "p4" else np.nan, "value_created": 300.0,
                "risk_reduced": 100.0 if pid != "p4" else 0.0,
                "investment": 200.0 if pid != "p4" else 0.0,
            })
            previous = tier
    frame = pd.DataFrame(rows)
    frame["rot_score_change"] = frame.groupby("partner_id")["rot_score"].diff()
    return frame


def _portfolio() -> pd.DataFrame:
    return pd.DataFrame({"quarter": ["2026Q2", "2026Q3"], "rot_ratio": [1.8, 2.0],
                         "value_created": [800.0, 900.0], "risk_reduced": [100.0, 300.0],
                         "investment": [500.0, 600.0], "partners_with_investment": [3, 3],
                         "value_sourced": [500.0, 600.0], "investment_mdf": [500.0, 600.0]})


def _decomposition() -> pd.DataFrame:
    return pd.DataFrame({
        "partner_id": ["p1"] * 3 + ["p2"] * 3, "quarter": ["2026Q3"] * 6,
        "item": ["on_time_delivery_rate", "dispute_rate", "rework_rate"] * 2,
        "contribution": [6.0, 5.0, -1.0, -7.0, 1.0, -4.0],
        "change": [10.0] * 3 + [-10.0] * 3,
    })


def test_headline_figures_match_a_hand_count():
    figs = headline_figures(_scores(), _portfolio(), "2026Q3", TIERS)
    now, before = figs["current"], figs["previous"]
    assert now == {"partners": 4, "partners_scored": 3, "median_rot_score": 63.0,
                   "top_tier_partners": 2, "moved_up": 1, "moved_down": 1,
                   "portfolio_rot_ratio": 2.0}
    assert before["median_rot_score"] == 62.0 and before["top_tier_partners"] == 2


def test_headline_section_quotes_its_figures():
    section = headline_section(_scores(), _portfolio(), "2026Q3", TIERS)
    figures = _figures(section.html())
    assert figures["median_rot_score"] == "63.0"
    assert figures["partners_scored"] == "3"
    assert figures["portfolio_rot_ratio"] == "2.0"
    assert section.figures["moved_down"] == 1
    assert "+1.0 vs 2026Q2" in section.html()  # median 62 -> 63
    _assert_safe(section.html())


def test_move_reasons_name_the_metrics_that_pushed_in_the_direction_of_the_move():
    reasons = move_reasons(_decomposition())
    assert reasons["p1"] == "On-time joint deliverables +6.0 pts; Dispute frequency +5.0 pts"
    assert reasons["p2"] == ("On-time joint deliverables -7.0 pts; Rework rate of joint work "
                             "-4.0 pts")


def test_portfolio_section_escapes_partner_names_and_counts_tiers():
    scores = _scores()
    section = portfolio_section(scores, _decomposition(), "2026Q3", TIERS)
    html = section.html()
    _assert_safe(html)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert section.figures["tier_count:Strategic"] == 1
    assert section.figures["tier_count:insufficient data"] == 1
    assert section.figures["movers_up"] == 1 and section.figures["movers_down"] == 1
    counts = tier_counts(scores, TIERS)
    assert counts["2026Q3"].sum() == 4 and list(counts.index)[-1] == "insufficient data"


def test_hostile_tier_names_from_a_config_are_text():
    scores = _scores()
    scores["tier"] = scores["tier"].replace("Strategic", "<b onmouseover=x>VIP</b>")
    tiers = ["<b onmouseover=x>VIP</b>", *TIERS[1:]]
    for section in (headline_section(scores, _portfolio(), "2026Q3", tiers),
                    portfolio_section(scores, _decomposition(), "2026Q3", tiers)):
        _assert_safe(section.html())
        assert "&lt;b onmouseover=x&gt;VIP&lt;/b&gt;" in section.html()


def test_ratio_section_reports_no_investment_honestly():
    section = ratio_section(_scores(), _portfolio(), "2026Q3")
    html = section.html()
    _assert_safe(html)
    assert section.figures["ratio:portfolio"] == 2.0
    assert "1 partners had no recorded investment" in html
    missing = ratio_section(_scores(), _portfolio(), "2030Q1")
    assert not missing.available and "No RoT ratio" in missing.html()


def test_risk_trends_are_portfolio_sums():
    metrics = pd.DataFrame({
        "partner_id": ["a", "b", "a", "b"], "quarter": ["2026Q2", "2026Q2", "2026Q3", "2026Q3"],
        "quarter_index": [8105, 8105, 8106, 8106], "tickets_opened": [10, 30, 0, 0],
        "escalations": [1, 3, 0, 0], "disputes_opened": [0, 2, 1, 1],
        "audit_findings": [0, 0, 5, 0], "implementation_defects": [1, 1, 1, 1],
    })
    trends = risk_trends(metrics)
    assert trends["tickets_opened"].tolist() == [40, 0]
    assert trends["escalation_rate"].iloc[0] == pytest.approx(0.1)
    assert pd.isna(trends["escalation_rate"].iloc[1])  # no tickets: no rate, not 0
    section = risk_section(metrics, "2026Q3")
    assert section.figures["risk:audit_findings"] == 5
    _assert_safe(section.html())


def test_quality_section_reconciles():
    quality = pd.DataFrame({
        "table": ["partners", "tickets", "tickets"], "level": ["table", "table", "rule"],
        "rule": ["(all rules)", "(all rules)", "orphan_key"],
        "description": ["", "", "A reference <matches> nothing"],
        "rows_read": [10, 100, 100], "rows_accepted": [10, 97, 97],
        "rows_quarantined": [0, 3, 3], "first_quarter": ["2025Q1", "2025Q1", None],
        "last_quarter": ["2026Q3", "2026Q3", None]})
    section = quality_section(quality)
    assert section.figures["quality:rows_read"] == 110
    assert section.figures["quality:rows_accepted"] + \
        section.figures["quality:rows_quarantined"] == 110
    assert "&lt;matches&gt;" in section.html()
    _assert_safe(section.html())
    assert not quality_section(None).available


def test_trust_and_program_sections_say_plainly_when_not_available():
    trust = trust_section({"available": False, "reason": "only 3 partners were scored <b>"})
    program = program_section({"available": False, "reason": "no program"})
    assert "not available" in trust.html() and "&lt;b&gt;" in trust.html()
    assert "not available" in program.html()
    assert not trust.available and not program.available


def test_program_section_escapes_program_names():
    evaluation = {
        "program": EVIL, "outcome": "win_rate",
        "verdict": {"level": "credible", "reason": "it <works>.", "estimate": 0.05,
                    "ci": [0.01, 0.09], "baseline": 0.4, "lift_pct": 12.5,
                    "ci_pct": [2.5, 22.5], "caveats": ["few <treated>"]},
        "lift": {"n_treated": 40, "method": "cs"},
    }
    section = program_section({"available": True, "evaluations": [evaluation],
                               "errors": [{"program": EVIL, "outcome": "x", "reason": "r"}]})
    html = section.html()
    _assert_safe(html)
    assert section.figures["lift:0:estimate"] == 0.05
    assert "+5.0 pp" in html and "+12.5%" in html and "&lt;works&gt;" in html


def test_appendix_cards_and_provenance_escape_everything():
    cards = pd.DataFrame([{"metric": "m", "name": EVIL, "category": "integrity",
                           "definition": "d", "calculation": "a < b", "owner": "o",
                           "sources": "s", "direction": "up", "unit": "u", "evidence": "e",
                           "normalization": "n", "shrinkage": "none", "min_denominator": 3,
                           "missing_when": "", "weight_in_category": 0.5,
                           "category_weight": 0.25, "weight_in_rot_score": 0.125}])
    section = metric_cards_section(cards)
    _assert_safe(section.html())
    assert "12.5% of the RoT score" in section.html()
    manifest = {"run_id": "r1", "started_at": "t", "data": {"path": "/data/<x>"},
                "config": {"source": "c", "sha256": "ab" * 32}, "git": {"commit": "abc",
                                                                        "dirty": True},
                "parameters": {"user": {"robustness_draws": "<1>"}, "pseudonymize": False},
                "environment": {"python": "3.11", "packages": {"pandas": "3.1.1"}},
                "inputs": [{"path": "partners.csv", "rows": 3, "bytes": 10,
                            "sha256": "f" * 64}]}
    prov = provenance_section(manifest, {"quarter": "2026Q3", "reason": "asked",
                                         "as_of": "2026-09-30"})
    _assert_safe(prov.html())
    assert "with uncommitted changes" in prov.html() and "/data/&lt;x&gt;" in prov.html()
    assert not provenance_section({}).available


def test_title_block_and_table_helpers():
    block = title_block(EVIL, "2026Q3", {"as_of": "2026-09-30"}, {"run_id": "r1"})
    _assert_safe(block.html())
    assert block.html().startswith('<header class="rot-section" id="top">')
    html = table(pd.DataFrame({"name": [EVIL], "n": [1.5]}))
    _assert_safe(html)
    assert '<td class="num">1.5</td>' in html


@pytest.mark.parametrize(("value", "kind", "shown"), [
    (0.1234, "pct", "12.3%"), (0.05, "pp", "+5.0 pp"), (2.345, "ratio", "2.3x"),
    (1_234_567.0, "money", "1.2M"), (None, "number", "n/a"), (float("nan"), "int", "n/a"),
    (-3.0, "delta", "-3.0"), (12.6, "int", "13"),
])
def test_format_value(value, kind, shown):
    assert format_value(value, kind) == shown

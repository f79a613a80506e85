"""Metric cards: everything a leader needs to audit one metric, from registry + config.

The definition, owner, sources, calculation, direction and unit come from the registry
(the one place they are written); the weight, normalization, shrinkage, minimum-data
rule and evidence grade come from the scorecard config. Cards are a table (for the
report appendix and notebooks) and Markdown (for docs), with every cell escaped so that
text from an analyst's config cannot inject markup.
"""

from __future__ import annotations

import html

import pandas as pd

from rotlib.registry import METRICS_BY_ID
from rotlib.scoring.config import ScorecardConfig


def _normalization_text(cfg: ScorecardConfig, metric_id: str) -> str:
    norm = cfg.metric_config(metric_id).normalization
    if norm.method == "goalposts":
        return f"goalposts {norm.lower:g} to {norm.upper:g}"
    period = f"{cfg.reference_period.start or 'first quarter'} to " \
             f"{cfg.reference_period.end or 'last quarter'}"
    if norm.method == "zscore":
        return f"z-score clipped at +/-{norm.clip:g}, reference {period}"
    return f"{norm.method}, reference {period}"


def metric_cards(cfg: ScorecardConfig) -> pd.DataFrame:
    """One row per metric in use, in registry order."""
    cat_total = sum(c.weight for c in cfg.categories.values())
    rows = []
    for metric_id in cfg.metric_ids():
        m = METRICS_BY_ID[metric_id]
        cat = cfg.categories[m.category]
        mc = cat.metrics[metric_id]
        within = sum(x.weight for x in cat.metrics.values())
        share_in_cat = mc.weight / within if within > 0 else 0.0
        cat_share = cat.weight / cat_total if cat_total > 0 else 0.0
        rows.append({
            "metric": metric_id,
            "name": m.name,
            "category": m.category,
            "definition": m.definition,
            "calculation": m.calculation,
            "owner": m.owner,
            "sources": ", ".join(m.sources),
            "direction": "higher is better" if m.higher_is_better else "lower is better",
            "unit": m.unit,
            "evidence": cfg.evidence(metric_id),
            "normalization": _normalization_text(cfg, metric_id),
            "shrinkage": cfg.shrinkage_kind(metric_id).replace("_", "-"),
            "min_denominator": cfg.min_denominator(metric_id) if m.keeps_fraction else None,
            "missing_when": m.missing_when,
            "weight_in_category": share_in_cat,
            "category_weight": cat_share,
            "weight_in_rot_score": share_in_cat * cat_share,
        })
    return pd.DataFrame(rows)


def _md(text: object) -> str:
    """Escape a cell for Markdown/HTML: entities, pipes and line breaks."""
    return html.escape(str(text), quote=True).replace("|", "&#124;").replace("\n", " ")


def cards_markdown(cfg: ScorecardConfig) -> str:
    """The cards as Markdown sections (one per metric)."""
    parts = [f"# Metric cards: {_md(cfg.name)}", ""]
    for row in metric_cards(cfg).to_dict(orient="records"):
        parts += [
            f"## {_md(row['name'])} (`{row['metric']}`)",
            "",
            "| | |",
            "|---|---|",
            f"| Category | {_md(row['category'])} |",
            f"| Definition | {_md(row['definition'])} |",
            f"| Calculation | {_md(row['calculation'])} |",
            f"| Owner | {_md(row['owner'])} |",
            f"| Sources | {_md(row['sources'])} |",
            f"| Direction | {_md(row['direction'])} ({_md(row['unit'])}) |",
            f"| Evidence | {_md(row['evidence'])} |",
            f"| Normalization | {_md(row['normalization'])} |",
            f"| Small samples | shrinkage: {_md(row['shrinkage'])}; at least "
            f"{_md(row['min_denominator'])} in the denominator |",
            f"| Missing when | {_md(row['missing_when'])} |",
            f"| Weight | {row['weight_in_category']:.1%} of {_md(row['category'])}, "
            f"{row['weight_in_rot_score']:.1%} of the RoT score |",
            "",
        ]
    return "\n".join(parts)

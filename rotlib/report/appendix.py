"""Appendix: metric cards (definition, owner, sources, calculation) and run provenance.

Leaders act only on numbers they can audit: every metric in the score gets a card built
from the registry and the configuration, and the run's provenance (inputs with their
SHA-256, configuration hash, code version, parameters) says exactly what the report was
made from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from rotlib.report.html import Section, definition_list, missing, note, paragraph, table, text

#: Packages whose versions the provenance table shows (the manifest has all of them).
KEY_PACKAGES = ("rotlib", "pandas", "numpy", "scipy", "statsmodels", "pyfixest", "moderndid",
                "duckdb", "ibis-framework", "pandera", "matplotlib", "seaborn", "papermill",
                "nbconvert")


def _pct(value: Any) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{float(value) * 100:.1f}%"


def metric_cards_section(cards: pd.DataFrame) -> Section:
    """One card per scorecard metric, grouped by category."""
    if cards.empty:
        return Section("metric-cards", "Appendix A: metric cards",
                       missing("No metric cards: the scoring step did not run."), {}, False)
    body = [paragraph(text(
        "Each metric is defined once in the registry; its weight and normalization come "
        "from the scorecard configuration used for this run."))]
    for category, group in cards.groupby("category", sort=False):
        body.append(f"<h3>{text(str(category).capitalize())}</h3>")
        body.append('<div class="rot-cards">')
        for card in group.to_dict(orient="records"):
            rows = [
                ("Metric", f"<strong>{text(card.get('name'))}</strong> "
                           f"<code>{text(card.get('metric'))}</code>"),
                ("Definition", text(card.get("definition"))),
                ("Calculation", f"<code>{text(card.get('calculation'))}</code>"),
                ("Owner", text(card.get("owner"))),
                ("Sources", text(card.get("sources"))),
                ("Direction", text(card.get("direction"))),
                ("Unit", text(card.get("unit"))),
                ("Evidence", text(card.get("evidence"))),
                ("Normalization", text(card.get("normalization"))),
                ("Small samples", text(f"shrinkage: {card.get('shrinkage')}; minimum "
                                       f"denominator: {card.get('min_denominator')}")),
                ("Missing when", text(card.get("missing_when") or "never")),
                ("Weight", text(f"{_pct(card.get('weight_in_rot_score'))} of the RoT score "
                                f"({_pct(card.get('weight_in_category'))} of its category)")),
            ]
            body.append(definition_list(rows))
        body.append("</div>")
    return Section("metric-cards", "Appendix A: metric cards", "".join(body))


def provenance_section(manifest: Mapping[str, Any], resolved: Mapping[str, Any] | None = None
                       ) -> Section:
    """What this report was made from, read from the run's manifest."""
    if not manifest:
        return Section("provenance", "Appendix B: provenance",
                       missing("No manifest: this report was not produced by `rot run`."),
                       {}, False)
    resolved = dict(resolved or manifest.get("resolved") or {})
    git = manifest.get("git") or {}
    config = manifest.get("config") or {}
    params = manifest.get("parameters") or {}
    env = manifest.get("environment") or {}
    commit = git.get("commit") or "not under version control"
    if git.get("dirty"):
        commit += " (with uncommitted changes)"
    rows = [
        ("Run id", text(manifest.get("run_id"))),
        ("Started", text(manifest.get("started_at"))),
        ("Quarter reported", text(f"{resolved.get('quarter', params.get('quarter') or '?')}"
                                  f" ({resolved.get('reason', 'requested')})")),
        ("Data as of", text(resolved.get("as_of", "unknown"))),
        ("Data folder", f"<code>{text((manifest.get('data') or {}).get('path'))}</code>"),
        ("Configuration", text(f"{config.get('source')}; SHA-256 "
                               f"{str(config.get('sha256') or '')[:16]}")),
        ("Code version", f"<code>{text(commit)}</code>"),
        ("Parameters", f"<code>{text(params.get('user') or {})}</code>; "
                       f"pseudonymized: {text(params.get('pseudonymize'))}"),
        ("Python", text(env.get("python"))),
        ("Re-run with", f"<code>rot run --from-manifest reports/"
                        f"{text(manifest.get('run_id'))}/manifest.json</code>"),
    ]
    body = [definition_list(rows)]
    inputs = pd.DataFrame(manifest.get("inputs") or [])
    if not inputs.empty:
        view = pd.DataFrame({
            "File": inputs["path"],
            "Rows": inputs.get("rows"),
            "Bytes": inputs["bytes"],
            "SHA-256 (first 16)": inputs["sha256"].str[:16],
        })
        body.append("<h3>Input files</h3>")
        body.append(table(view, formatter={"Rows": "{:,.0f}", "Bytes": "{:,.0f}"}))
    packages = env.get("packages") or {}
    shown = [(p, packages[p]) for p in KEY_PACKAGES if p in packages]
    if shown:
        body.append("<h3>Key package versions</h3>")
        body.append(table(pd.DataFrame(shown, columns=["Package", "Version"])))
        body.append(note(f"The manifest lists all {len(packages)} installed packages."))
    return Section("provenance", "Appendix B: provenance", "".join(body))

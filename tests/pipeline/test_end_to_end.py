"""`rot run` end to end on generated data with hostile names, two runs at once.

One pair of real runs (session fixture) answers several questions: does a run publish a
complete folder with a truthful manifest; are the figures in the HTML the figures in the
artifacts; are two runs on the same inputs identical (timestamps aside); do two runs
started together both survive; do hostile names stay inert in every HTML page and every
spreadsheet.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from rotlib.pipeline import manifest as mf
from rotlib.pipeline.publish import current_latest
from rotlib.pipeline.render import audit_html
from rotlib.pipeline.steps import PIPELINE

from .hostile import HOSTILE_PROGRAM

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(concurrent_runs):
    out, codes, results = concurrent_runs
    assert codes == [0, 0], [r[1][-3000:] for r in results]
    ids = sorted(p.name for p in out.iterdir() if p.is_dir() and p.name[0].isdigit())
    return out, ids


@pytest.fixture(scope="module")
def run_dir(runs) -> Path:
    out, ids = runs
    return out / ids[-1]


def _figures(html: str) -> dict[str, str]:
    return {k: v for k, v in re.findall(r'data-figure="([^"]+)" data-value="([^"]*)"', html)}


def test_both_concurrent_runs_are_published_complete(runs):
    out, ids = runs
    assert len(ids) == 2
    assert current_latest(out) == ids[-1]
    assert not list(out.glob(".tmp-*")) and not (out / "failed").exists()
    for rid in ids:
        folder = out / rid
        assert (folder / "executive_report.html").exists()
        assert sorted(p.name for p in (folder / "notebooks").iterdir()) == \
            sorted(s.notebook for s in PIPELINE)
        assert {p.name for p in (folder / "exports").iterdir()} == {"scorecard.csv",
                                                                  "scorecard.xlsx"}


def test_manifest_records_what_went_in(run_dir, hostile_sample):
    m = mf.load_manifest(run_dir / "manifest.json")
    assert m["status"] == "succeeded"
    assert [s["name"] for s in m["steps"]] == [s.name for s in PIPELINE]
    assert all(s["status"] == "succeeded" and s["seconds"] > 0 for s in m["steps"])
    inputs = {e["path"]: e for e in m["inputs"]}
    assert set(inputs) == {p.name for p in hostile_sample.iterdir()}
    partners = hostile_sample / "partners.csv"
    assert inputs["partners.csv"]["sha256"] == hashlib.sha256(partners.read_bytes()).hexdigest()
    assert inputs["partners.csv"]["rows"] == 60
    assert m["config"]["sha256"] == mf.sha256_file(run_dir / "config.yaml")
    assert m["parameters"]["user"]["robustness_draws"] == "20"
    assert m["notebook_parameters"]["02_score"]["robustness_draws"] == 20
    assert m["resolved"]["quarter"] == "2026Q2"  # 6 quarters from 2025Q1, all complete
    assert {"pandas", "papermill", "nbconvert"} <= set(m["environment"]["packages"])
    assert "git" in m
    recorded = {a["path"]: a["sha256"] for a in m["artifacts"]}
    assert recorded["artifacts/scores.parquet"] == mf.sha256_file(
        run_dir / "artifacts/scores.parquet")
    assert "exports/scorecard.xlsx" in recorded


def test_two_runs_on_the_same_inputs_are_identical(runs):
    out, ids = runs
    a, b = (mf.load_manifest(out / rid / "manifest.json") for rid in ids)
    diff = mf.diff_manifests(a, b)
    assert diff.same_numbers, diff.summary()
    assert not diff, diff.summary()


def test_figures_in_the_report_equal_the_artifacts(run_dir):
    html = (run_dir / "executive_report.html").read_text(encoding="utf-8")
    shown = _figures(html)
    art = run_dir / "artifacts"
    context = json.loads((art / "run_context.json").read_text())
    quarter = context["quarter"]
    scores = pd.read_parquet(art / "scores.parquet")
    now = scores.loc[scores["quarter"] == quarter]
    scored = now["rot_score"].dropna()
    assert shown["quarter"] == quarter
    assert float(shown["median_rot_score"]) == pytest.approx(scored.median(), abs=1e-9)
    assert int(shown["partners_scored"]) == len(scored)
    assert int(shown["moved_up"]) == int((now["tier_change"] == "up").sum())
    assert int(shown["moved_down"]) == int((now["tier_change"] == "down").sum())
    for tier, count in now["tier"].astype(str).value_counts().items():
        assert int(shown[f"tier_count:{tier}"]) == count
    portfolio = pd.read_parquet(art / "portfolio_ratio.parquet").set_index("quarter")
    assert float(shown["portfolio_rot_ratio"]) == pytest.approx(
        portfolio.loc[quarter, "rot_ratio"], rel=1e-12)
    assert float(shown["ratio:investment"]) == pytest.approx(
        portfolio.loc[quarter, "investment"], rel=1e-12)
    quality = pd.read_csv(art / "validated/quality.csv")
    tables = quality.loc[quality["level"] == "table"]
    assert int(shown["quality:rows_read"]) == tables["rows_read"].sum()
    assert int(shown["quality:rows_quarantined"]) == tables["rows_quarantined"].sum()
    metrics = pd.read_parquet(art / "metrics.parquet")
    assert int(shown["risk:escalations"]) == int(
        metrics.loc[metrics["quarter"] == quarter, "escalations"].sum())
    cohorts = json.loads((art / "cohorts.json").read_text())
    if cohorts["available"]:
        head = [r for r in cohorts["result"]["estimates"] if r["headline"]]
        for r in head:
            key = f"cohort:{r['outcome']}:effect"
            if r["effect"] is not None:
                assert float(shown[key]) == pytest.approx(r["effect"], rel=1e-12)
    # and every quoted figure is the one the notebook recorded
    recorded = json.loads((art / "report_figures.json").read_text())
    flat = {k: v for section in recorded.values() for k, v in section.items()}
    assert set(shown) == set(flat)
    for key, value in flat.items():
        if isinstance(value, float):
            assert float(shown[key]) == pytest.approx(value, rel=1e-12)
        elif value is not None:
            assert shown[key] == str(value)


def test_every_html_page_is_inert_and_offline_despite_hostile_names(run_dir):
    pages = [run_dir / "executive_report.html", *sorted((run_dir / "html").glob("*.html"))]
    assert len(pages) == 6
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert audit_html(html) == [], page.name
        assert "<script" not in html.lower(), page.name
        assert "cdnjs" not in html and "mathjax" not in html.lower(), page.name
    report = pages[0].read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned=1;alert(&#x27;xss&#x27;)&lt;/script&gt;" in report \
        or "&lt;script&gt;window.__pwned=1" in report
    assert "&lt;b&gt;Boot&lt;/b&gt;" in report  # the hostile program name, as text
    assert HOSTILE_PROGRAM not in report


def test_spreadsheet_exports_run_no_formulas(run_dir):
    raw = (run_dir / "exports/scorecard.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(raw)))
    names = [r["partner_name"] for r in rows]
    assert any(n.startswith("'=HYPERLINK") for n in names)
    assert not any(n.startswith(("=", "+", "-", "@", "\t", "\r")) for n in names)
    xlsx = (run_dir / "exports/scorecard.xlsx").read_bytes()
    ws = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))
                   for c in cells)
    assert "<f>" not in zipfile.ZipFile(io.BytesIO(xlsx)).read(
        "xl/worksheets/sheet1.xml").decode()


def test_rerun_from_manifest_reproduces_the_numbers(run_dir, tmp_path):
    """`--from-manifest` takes data, config copy, quarter and parameters from the record."""
    from rotlib.pipeline.runner import options_from_manifest

    m = mf.load_manifest(run_dir / "manifest.json")
    options = options_from_manifest(m, run_dir / "manifest.json", out_dir=tmp_path)
    assert options.quarter == m["resolved"]["quarter"]
    assert options.config_path == run_dir / "config.yaml"
    assert dict(options.parameters) == m["parameters"]["user"]
    assert options.rerun_of == m["run_id"]


def test_pdf_prints_with_headless_chromium(run_dir, tmp_path):
    from rotlib.pipeline.render import chromium_path, html_to_pdf

    if chromium_path() is None:
        pytest.skip("Chromium is missing: apt-get install -y chromium")
    pdf = html_to_pdf(run_dir / "executive_report.html", tmp_path / "report.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000

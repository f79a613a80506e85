"""Manifest records and diffs; the offline, inert HTML render and its audit."""

from __future__ import annotations

import copy
import json

import nbformat
import pytest

from rotlib.errors import InputError, RunFailedError
from rotlib.pipeline import manifest as mf
from rotlib.pipeline.render import audit_html, render_html, sanitize_html


def test_count_rows_handles_quoted_newlines_bom_and_parquet(tmp_path):
    csv_path = tmp_path / "t.csv"
    csv_path.write_bytes('\ufeffid,note\n1,"two\nlines"\n2,plain\n'.encode())
    assert mf.count_rows(csv_path) == 2
    (tmp_path / "header.csv").write_text("id\n", encoding="utf-8")
    assert mf.count_rows(tmp_path / "header.csv") == 0
    (tmp_path / "latin.csv").write_bytes("id,name\n1,Caf\xe9\n".encode("latin-1"))
    assert mf.count_rows(tmp_path / "latin.csv") is None  # validation reports the encoding
    import pandas as pd

    pd.DataFrame({"a": range(5)}).to_parquet(tmp_path / "t.parquet")
    assert mf.count_rows(tmp_path / "t.parquet") == 5
    files = mf.describe_files(tmp_path)
    assert [f["path"] for f in files] == ["header.csv", "latin.csv", "t.csv", "t.parquet"]


def _manifest() -> dict:
    return {
        "manifest_version": 1, "run_id": "A", "status": "succeeded", "started_at": "t0",
        "inputs": [{"path": "partners.csv", "sha256": "a" * 64, "rows": 3, "bytes": 10}],
        "config": {"sha256": "c" * 64}, "parameters": {"quarter": "", "user": {}},
        "resolved": {"quarter": "2026Q3"}, "git": {"commit": "abc", "dirty": False},
        "environment": {"python": "3.11.9", "packages": {"pandas": "3.1.1"}},
        "artifacts": [{"path": "artifacts/scores.parquet", "sha256": "d" * 64}],
        "steps": [{"name": "01", "seconds": 1.0}],
    }


def test_identical_runs_differ_only_in_volatile_fields():
    a, b = _manifest(), _manifest()
    b["run_id"], b["started_at"], b["steps"] = "B", "t1", [{"name": "01", "seconds": 2.0}]
    diff = mf.diff_manifests(a, b)
    assert not diff and diff.same_numbers
    assert "nothing changed" in diff.summary()
    assert {c.key for c in mf.diff_manifests(a, b, include_volatile=True).changes} == \
        {"run_id", "started_at", "steps"}


def test_diff_names_what_changed():
    a, b = _manifest(), _manifest()
    b["inputs"][0]["sha256"] = "b" * 64
    b["inputs"].append({"path": "tickets.csv", "sha256": "e" * 64, "rows": 1})
    b["config"]["sha256"] = "f" * 64
    b["parameters"]["user"] = {"robustness_draws": "500"}
    b["environment"]["packages"]["pandas"] = "3.2.0"
    b["git"]["commit"] = "def"
    b["artifacts"][0]["sha256"] = "0" * 64
    diff = mf.diff_manifests(a, b)
    assert diff.sections() == ["artifacts", "code", "config", "inputs", "packages",
                               "parameters"]
    assert not diff.same_numbers
    text = diff.summary()
    assert "inputs: partners.csv aaaaaaaaaaaa -> bbbbbbbbbbbb" in text
    assert "inputs: tickets.csv added" in text
    assert "packages: pandas 3.1.1 -> 3.2.0" in text
    assert "parameters: user.robustness_draws added (500)" in text
    assert json.loads(json.dumps(diff.to_dict()))["same_numbers"] is False


def test_load_manifest_errors(tmp_path):
    with pytest.raises(InputError, match="manifest not found"):
        mf.load_manifest(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        mf.load_manifest(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="not a rot run manifest"):
        mf.load_manifest(tmp_path / "other.json")
    mf.write_manifest(tmp_path / "manifest.json", _manifest())
    assert mf.load_manifest(tmp_path)["run_id"] == "A"  # a run folder works too


@pytest.mark.parametrize(("document", "problem"), [
    ("<script>alert(1)</script>", "<script> element"),
    ('<img src="x" onerror="alert(1)">', "event handler onerror"),
    ('<img src="https://cdn.example/x.png">', "remote URL in src"),
    ('<link rel="stylesheet" href="//cdn.example/x.css">', "<link> element"),
    ('<a href="javascript:alert(1)">x</a>', "script URL"),
    ('<div style="background:url(https://x.example/a.png)">', "remote CSS"),
    ("<style>@import 'https://x.example/a.css';</style>", "remote url() or @import"),
    ('<iframe src="data:text/html,x"></iframe>', "<iframe> element"),
    ('<meta http-equiv="refresh" content="0;url=https://x.example">', "refresh"),
    ('<object data="x.swf"></object>', "<object> element"),
])
def test_audit_finds_every_way_to_run_script_or_reach_the_network(document, problem):
    problems = audit_html(f"<html><body>{document}</body></html>")
    assert any(problem in p for p in problems), problems


def test_audit_accepts_inert_documents():
    ok = ('<p class="x" data-figure="a">1</p><img alt="chart" src="data:image/png;base64,AA==">'
          '<a href="#top">top</a><style>p { color: red; }</style>')
    assert audit_html(ok) == []


def test_sanitizer_keeps_report_markup_and_drops_active_content():
    fragment = ('<section id="s"><h2>T</h2><p data-figure="x" class="rot-figure">1</p>'
                '<img alt="chart" src="data:image/png;base64,iVBORw0KGgo=">'
                '<img src="https://evil.example/x.png"><a href="https://evil.example">e</a>'
                '<script>alert(1)</script><div onclick="x()">d</div>'
                '<img src="data:text/html;base64,PHNjcmlwdD4=">'
                '<span style="background:url(https://e.example)">s</span></section>')
    clean = sanitize_html(fragment)
    assert audit_html(clean) == []
    assert 'data-figure="x"' in clean and 'src="data:image/png;base64,iVBORw0KGgo="' in clean
    assert "<script>" not in clean and "onclick" not in clean and "evil.example" not in clean


def _notebook_with_outputs():
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# Report"))
    code = nbformat.v4.new_code_cell("secret_code = 1")
    code.outputs = [
        nbformat.v4.new_output("display_data", data={
            "text/html": '<p>partner <img src=x onerror=alert(1)></p>', "text/plain": "p"}),
        nbformat.v4.new_output("display_data", data={
            "application/javascript": "alert(2)", "text/plain": "js fallback"}),
        nbformat.v4.new_output("display_data", data={
            "text/markdown": "**bold** <script>alert(3)</script>"}),
        nbformat.v4.new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
            "text/plain": "widget fallback"}),
    ]
    nb.cells.append(code)
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


@pytest.mark.parametrize("report", [True, False])
def test_render_is_offline_inert_and_hides_code(report):
    nb = _notebook_with_outputs()
    before = copy.deepcopy(nb)
    html = render_html(nb, title="<T>", report=report)
    assert audit_html(html) == []
    assert "<script" not in html.lower()
    assert "secret_code" not in html
    assert "cdn" not in html.lower() and "mathjax" not in html.lower()
    assert "Content-Security-Policy" in html
    assert "js fallback" in html and "widget fallback" in html
    assert "<strong>bold</strong>" in html
    assert nb == before  # the executed notebook itself is not modified


def test_render_refuses_to_publish_active_content(monkeypatch):
    from rotlib.pipeline import render

    monkeypatch.setattr(render, "sanitize_html", lambda s: s)  # simulate a sanitizer bug
    with pytest.raises(RunFailedError, match="not inert/offline"):
        render_html(_notebook_with_outputs(), title="t")

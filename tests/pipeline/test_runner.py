"""The runner on tiny throwaway notebooks: success, failures, verification, concurrency."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from rotlib.errors import ParameterError
from rotlib.pipeline import manifest as mf
from rotlib.pipeline import publish
from rotlib.pipeline.render import audit_html
from rotlib.pipeline.runner import RunOptions, run_pipeline, verify_executed
from rotlib.pipeline.steps import Step

WRITE = textwrap.dedent("""
    import json, pathlib
    out = pathlib.Path(run_dir) / "artifacts"
    out.mkdir(parents=True, exist_ok=True)
    (out / "value.json").write_text(json.dumps({"n": n, "square": n * n}, sort_keys=True))
""")
SHOW = textwrap.dedent("""
    from IPython.display import HTML, display
    from rotlib.pipeline.safety import escape_html
    value = json.loads((pathlib.Path(run_dir) / "artifacts" / "value.json").read_text())
    display(HTML(f"<p class='rot-figure' data-figure='square'>{value['square']}</p>"
                 f"<p>{escape_html('<script>alert(1)</script>')}</p>"))
""")


def _options(tmp_path: Path, data: Path, steps, **kw) -> RunOptions:
    return RunOptions(data_dir=data, out_dir=tmp_path / "reports", steps=steps,
                      notebooks_dir=tmp_path / "notebooks", progress=False, **kw)


def test_successful_run_is_published_with_manifest(tmp_path, notebook_factory, tiny_data):
    notebook_factory("a_write", [WRITE], imports="import json, pathlib")
    notebook_factory("b_show", ["import json, pathlib", SHOW])
    steps = (Step("a_write", "Write"), Step("b_show", "Show", report=True))
    messages: list[str] = []
    outcome = run_pipeline(_options(tmp_path, tiny_data, steps, parameters={"n": "7"}),
                           progress=messages.append)

    assert outcome.exit_code == 0, messages
    out = tmp_path / "reports"
    assert outcome.path == out / outcome.run_id
    assert (out / "latest").resolve() == outcome.path
    assert not list(out.glob(".tmp-*"))
    assert json.loads((outcome.path / "artifacts/value.json").read_text()) == \
        {"n": 7, "square": 49}
    m = mf.load_manifest(outcome.path / "manifest.json")
    assert m["status"] == "succeeded"
    assert m["parameters"]["user"] == {"n": "7"}
    assert m["notebook_parameters"]["a_write"] == {"n": 7}
    assert [s["status"] for s in m["steps"]] == ["succeeded", "succeeded"]
    assert all(s["seconds"] > 0 and s["kernel_start_s"] > 0 for s in m["steps"])
    assert m["steps"][0]["imports_s"] > 0  # the tagged imports cell is timed separately
    partners = tiny_data / "partners.csv"
    assert m["inputs"] == [{"path": "partners.csv", "rows": 2,
                            "bytes": partners.stat().st_size,
                            "sha256": mf.sha256_file(partners)}]
    assert [a["path"] for a in m["artifacts"]] == ["artifacts/value.json"]
    assert "pandas" in m["environment"]["packages"]
    report = (outcome.path / "executive_report.html").read_text()
    assert "data-figure=\"square\">49<" in report
    assert "<script" not in report and "&lt;script&gt;" in report
    assert audit_html(report) == []
    assert (outcome.path / "html/a_write.html").exists()
    executed = nbformat.read(outcome.path / "notebooks/b_show.ipynb", as_version=4)
    assert verify_executed(executed) == []


def test_failing_cell_fails_loudly_and_keeps_a_rendered_record(tmp_path, notebook_factory,
                                                               tiny_data):
    notebook_factory("a_fail", ["x = 1", "raise ValueError('partner table is empty')",
                                "y = 2"])
    notebook_factory("b_never", ["z = 3"])
    steps = (Step("a_fail", "Fail"), Step("b_never", "Never"))
    outcome = run_pipeline(_options(tmp_path, tiny_data, steps), progress=lambda m: None)

    assert outcome.exit_code == 1
    out = tmp_path / "reports"
    assert outcome.path == out / "failed" / outcome.run_id
    assert not (out / outcome.run_id).exists()
    assert not (out / "latest").exists()
    m = outcome.manifest
    assert m["status"] == "failed"
    assert m["error"]["kind"] == "cell_error"
    assert "ValueError: partner table is empty" in m["error"]["message"]
    assert [s["status"] for s in m["steps"]] == ["failed", "skipped"]
    page = (outcome.path / "html/a_fail.html").read_text()
    head = page[page.find("<main>"):]
    banner = head.find("This step failed")
    assert 0 <= banner < head.find("jp-CodeCell")  # the error is on top, before any code
    assert "partner table is empty" in head[banner:head.find("jp-CodeCell")]


def test_killed_kernel_is_a_failure_even_though_papermill_marks_cells_done(
        tmp_path, notebook_factory, tiny_data):
    notebook_factory("a_killed", ["import os, signal", "os.kill(os.getpid(), signal.SIGKILL)",
                                  "after = 1"])
    outcome = run_pipeline(_options(tmp_path, tiny_data, (Step("a_killed", "Killed"),)),
                           progress=lambda m: None)
    assert outcome.exit_code == 1
    assert outcome.manifest["error"]["kind"] in ("dead_kernel", "incomplete")
    executed = nbformat.read(outcome.path / "notebooks/a_killed.ipynb", as_version=4)
    # papermill's own bookkeeping says every cell completed...
    statuses = {c.metadata.get("papermill", {}).get("status") for c in executed.cells
                if c.cell_type == "code" and "rot-error" not in c.metadata.get("tags", [])}
    assert statuses == {"completed"}
    # ...but the cell after the kill never ran, and the runner noticed.
    assert any("never ran" in p for p in verify_executed(executed))


def test_cell_timeout_is_a_failure(tmp_path, notebook_factory, tiny_data):
    notebook_factory("a_slow", ["import time", "time.sleep(30)"])
    options = _options(tmp_path, tiny_data, (Step("a_slow", "Slow"),), cell_timeout=2)
    started = time.perf_counter()
    outcome = run_pipeline(options, progress=lambda m: None)
    assert outcome.exit_code == 1
    assert outcome.manifest["error"]["kind"] == "timeout"
    assert time.perf_counter() - started < 30


def test_success_reported_by_papermill_but_cells_skipped_is_caught(
        tmp_path, notebook_factory, tiny_data, monkeypatch):
    """Simulates an engine that swallows a dead kernel: every cell 'completed', none ran."""
    import papermill

    def fake_execute(nb, output_path, **kwargs):
        for cell in nb.cells:
            cell.metadata["papermill"] = {"status": "completed"}
        nbformat.write(nb, output_path)
        return nb

    monkeypatch.setattr(papermill, "execute_notebook", fake_execute)
    notebook_factory("a_fake", ["x = 1"])
    outcome = run_pipeline(_options(tmp_path, tiny_data, (Step("a_fake", "Fake"),)),
                           progress=lambda m: None)
    assert outcome.exit_code == 1
    assert outcome.manifest["error"]["kind"] == "incomplete"
    assert "sentinel" in outcome.manifest["error"]["message"]


@pytest.mark.parametrize(("given", "expected"), [
    ({"nn": "3"}, "unknown parameter 'nn'. Did you mean 'n'?"),
    ({"n": "three"}, "parameter 'n' must be int, not 'three'"),
    ({"n": "1.5"}, "parameter 'n' must be int"),
    ({"run_dir": "/tmp/x"}, "set by the runner"),
    ({"quarter": "2026Q1"}, "use --quarter"),
])
def test_bad_parameters_stop_before_any_kernel_starts(tmp_path, notebook_factory, tiny_data,
                                                      given, expected, monkeypatch):
    import papermill

    def no_kernel(*args, **kwargs):  # pragma: no cover - reaching it is the failure
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(papermill, "execute_notebook", no_kernel)
    notebook_factory("a", ["x = n"])
    with pytest.raises(ParameterError) as info:
        run_pipeline(_options(tmp_path, tiny_data, (Step("a", "A"),), parameters=given),
                     progress=lambda m: None)
    assert expected in str(info.value)
    assert not (tmp_path / "reports").exists()  # nothing was created either


_CONCURRENT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from rotlib.pipeline.runner import RunOptions, run_pipeline
    from rotlib.pipeline.steps import Step
    root = Path(sys.argv[1])
    outcome = run_pipeline(RunOptions(
        data_dir=root / "data", out_dir=root / "reports", notebooks_dir=root / "notebooks",
        steps=(Step("slow_write", "Slow write", report=True),), progress=False),
        progress=lambda m: None)
    print(outcome.run_id)
    sys.exit(outcome.exit_code)
""")


def test_two_concurrent_runs_do_not_corrupt_each_other(tmp_path, notebook_factory, tiny_data):
    notebook_factory("slow_write", [
        "import time, pathlib, json",
        "out = pathlib.Path(run_dir) / 'artifacts'; out.mkdir(exist_ok=True)",
        "for i in range(20):\n    (out / f'part{i}.json').write_text(json.dumps(i))\n"
        "    time.sleep(0.05)",
    ])
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    procs = [subprocess.Popen([sys.executable, "-c", _CONCURRENT, str(tmp_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    results = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    run_ids = sorted(r[0].strip() for r in results)
    assert len(set(run_ids)) == 2
    out = tmp_path / "reports"
    assert not list(out.glob(".tmp-*"))
    assert publish.current_latest(out) == run_ids[-1]  # the newest run, whoever finished last
    manifests = [mf.load_manifest(out / rid / "manifest.json") for rid in run_ids]
    for m in manifests:
        assert m["status"] == "succeeded"
        assert len(m["artifacts"]) == 20
    diff = mf.diff_manifests(*manifests)
    assert diff.same_numbers and not diff, diff.summary()


def test_stale_temporary_folder_of_a_killed_runner_is_cleaned(tmp_path):
    out = tmp_path / "reports"
    folder = publish.begin_run(out)
    (folder.tmp_path / publish.OWNER_FILE).write_text("999999999")  # no such process
    alive = publish.begin_run(out)
    assert publish.remove_stale_temp_folders(out) == [folder.tmp_path]
    assert alive.tmp_path.exists()


def test_independent_steps_run_side_by_side_and_a_failure_skips_dependents(
        tmp_path, notebook_factory, tiny_data):
    notebook_factory("a_root", ["import os, pathlib",
                                "pathlib.Path('cwd.txt').write_text(os.getcwd())"])
    notebook_factory("b_slow", ["import time", "time.sleep(2)"])
    notebook_factory("c_fails", ["raise RuntimeError('lift exploded')"])
    notebook_factory("d_report", ["x = 1"])
    steps = (Step("a_root", "A", needs=()), Step("b_slow", "B", needs=("a_root",)),
             Step("c_fails", "C", needs=("a_root",)),
             Step("d_report", "D", needs=("b_slow", "c_fails")))
    messages: list[str] = []
    outcome = run_pipeline(_options(tmp_path, tiny_data, steps, jobs=2),
                           progress=messages.append)
    assert outcome.exit_code == 1
    assert [r.status for r in outcome.steps] == ["succeeded", "succeeded", "failed", "skipped"]
    # b and c started before either finished: they ran at the same time
    starts = [m for m in messages if m.endswith("...")]
    assert starts[1:3] == ["[2/4] b_slow ...", "[3/4] c_fails ..."]
    # kernels start in the run folder, without moving the runner's own working directory
    assert (outcome.path / "cwd.txt").read_text().endswith(f".tmp-{outcome.run_id}")
    assert Path.cwd() != outcome.path


def test_rerun_from_manifest_reproduces_and_the_diff_says_so(tmp_path, notebook_factory,
                                                              tiny_data, capsys):
    from rotlib.cli import main
    from rotlib.pipeline.runner import options_from_manifest

    notebook_factory("a_write", [WRITE], imports="import json, pathlib")
    steps = (Step("a_write", "Write", report=True),)
    first = run_pipeline(_options(tmp_path, tiny_data, steps, parameters={"n": "3"}),
                         progress=lambda m: None)
    manifest_path = first.path / "manifest.json"
    options = options_from_manifest(mf.load_manifest(manifest_path), manifest_path,
                                    out_dir=tmp_path / "reports")
    options.steps, options.notebooks_dir, options.progress = steps, tmp_path / "notebooks", False
    second = run_pipeline(options, progress=lambda m: None)
    assert second.manifest["rerun_of"] == first.run_id
    assert second.manifest["parameters"]["user"] == {"n": "3"}
    diff = mf.diff_manifests(first.manifest, second.manifest)
    assert not diff, diff.summary()
    assert main(["run", "--diff", str(manifest_path), str(second.path / "manifest.json")]) == 0
    assert "nothing changed" in capsys.readouterr().out
    (tiny_data / "partners.csv").write_text("partner_id,partner_name\n001,Acme\n",
                                            encoding="utf-8")
    from rotlib.pipeline.runner import changed_inputs

    assert changed_inputs(first.manifest) == ["partners.csv"]


def test_pdf_of_the_report_step(tmp_path, notebook_factory, tiny_data):
    from rotlib.pipeline.render import chromium_path

    if chromium_path() is None:
        pytest.skip("Chromium is missing: apt-get install -y chromium")
    notebook_factory("a_write", [WRITE], imports="import json, pathlib")
    notebook_factory("b_show", ["import json, pathlib", SHOW])
    steps = (Step("a_write", "Write"), Step("b_show", "Show", report=True))
    outcome = run_pipeline(_options(tmp_path, tiny_data, steps, pdf=True),
                           progress=lambda m: None)
    assert outcome.exit_code == 0
    assert (outcome.path / "executive_report.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(("error_name", "code"), [
    (None, 1), ("ValueError", 1), ("InputError", 2), ("ConfigError", 2), ("StrictModeError", 3),
])
def test_exit_codes_follow_the_exception_a_notebook_raised(error_name, code):
    from rotlib.pipeline.runner import RunOutcome, StepRecord

    records = [StepRecord("a", "a.ipynb", status="succeeded"),
               StepRecord("b", "b.ipynb", status="failed", error_name=error_name)]
    assert RunOutcome("r", "failed", Path("."), {}, records).exit_code == code
    assert RunOutcome("r", "succeeded", Path("."), {}, records[:1]).exit_code == 0

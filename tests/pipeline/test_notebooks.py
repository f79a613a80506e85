"""The notebooks: stripped and declared in git, runnable under nbval, checked by `rot run`.

nbval executes a notebook with the defaults of its parameters cell. Every notebook falls
back to the ``ROT_DATA_DIR`` / ``ROT_RUN_DIR`` environment variables when its ``data_dir``
/ ``run_dir`` parameter is empty, so the test points them at small generated data and a
fresh run folder, and runs 01 ... 05 and explore in order in one nbval session (each reads
the artifacts of the ones before it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from rotlib.cli import main
from rotlib.pipeline.parameters import read_parameter_cell
from rotlib.pipeline.steps import EXPLORE, NOTEBOOKS_DIR, PIPELINE

NOTEBOOKS = [NOTEBOOKS_DIR / s.notebook for s in (*PIPELINE, EXPLORE)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stripped_and_declares_typed_parameters(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), \
        "outputs must be stripped before committing"
    specs = {s.name: s for s in read_parameter_cell(path)}
    assert specs["run_dir"].type_name == "str" and specs["run_dir"].default == ""
    tagged = [c for c in code if "imports" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "one cell tagged 'imports' (timed apart from compute)"
    assert code.index(tagged[0]) == 1, "imports come right after the parameters"


def test_a_parameter_shared_by_several_notebooks_has_one_type():
    types: dict[str, set[str]] = {}
    for path in NOTEBOOKS:
        for spec in read_parameter_cell(path):
            types.setdefault(spec.name, set()).add(spec.type_name)
    assert {k: v for k, v in types.items() if len(v) > 1} == {}


def test_rot_run_rejects_a_misspelled_parameter_before_anything_starts(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "partners.csv").write_text("partner_id\n1\n", encoding="utf-8")
    out = tmp_path / "reports"
    code = main(["run", "--data", str(data), "--out", str(out), "-p", "robustnes_draws=5"])
    err = capsys.readouterr().err
    assert code == 2
    assert "unknown parameter 'robustnes_draws'. Did you mean 'robustness_draws'?" in err
    assert not out.exists()
    code = main(["run", "--data", str(data), "--out", str(out), "-p", "robustness_draws=many"])
    assert code == 2 and "must be int" in capsys.readouterr().err
    code = main(["run", "--data", str(data), "--out", str(out), "--quarter", "Q3-2026"])
    assert code == 2 and "YYYYQn" in capsys.readouterr().err


def test_list_parameters(capsys):
    assert main(["run", "--list-parameters"]) == 0
    listing = capsys.readouterr().out
    assert "robustness_draws: int = 200" in listing and "(set with --quarter)" in listing


@pytest.mark.slow
def test_every_notebook_runs_under_nbval(hostile_sample, tmp_path):
    """nbval on copies of the notebooks with cheaper parameters injected (as papermill does);
    the data and run folders come from ROT_DATA_DIR / ROT_RUN_DIR, as in JupyterLab."""
    import papermill as pm

    from rotlib.pipeline.parameters import parse_cli_value

    from .conftest import FAST_PARAMETERS

    run_dir = tmp_path / "run"
    copies = tmp_path / "notebooks"
    copies.mkdir()
    fast = dict(p.split("=", 1) for p in FAST_PARAMETERS)
    paths = []
    for path in NOTEBOOKS:
        specs = {s.name: s for s in read_parameter_cell(path)}
        values = {k: parse_cli_value(specs[k], v) for k, v in fast.items() if k in specs}
        target = copies / path.name
        pm.execute_notebook(str(path), str(target), parameters=values, prepare_only=True,
                            progress_bar=False, kernel_name="python3")
        paths.append(target)
    env = {**os.environ, "ROT_DATA_DIR": str(hostile_sample), "ROT_RUN_DIR": str(run_dir),
           "PYTHONHASHSEED": "0"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q",
         "--rootdir", str(tmp_path), *map(str, paths)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1200,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    figures = json.loads((run_dir / "artifacts/report_figures.json").read_text())
    assert figures["headline"]["partners_scored"] > 0
    assert (run_dir / "exports/scorecard.xlsx").exists()


@pytest.mark.slow
def test_pseudonymized_run_keeps_no_real_name(hostile_sample, tmp_path):
    """Notebook 01 with pseudonymize=True: ids and names replaced in every table."""
    import logging

    import papermill as pm

    logging.getLogger("papermill").setLevel(logging.ERROR)
    run_dir = tmp_path / "run"
    pm.execute_notebook(
        str(NOTEBOOKS_DIR / "01_load_and_validate.ipynb"), str(tmp_path / "01.ipynb"),
        parameters={"run_dir": str(run_dir), "data_dir": str(hostile_sample),
                    "pseudonymize": True},
        progress_bar=False, kernel_name="python3", cwd=str(tmp_path),
    )
    original = pd.read_csv(hostile_sample / "partners.csv", dtype=str)
    partners = pd.read_parquet(run_dir / "artifacts/validated/partners.parquet")
    assert not set(partners["partner_id"]) & set(original["partner_id"])
    assert partners["partner_name"].str.match(r"^Partner [0-9A-F]{8,}$").all()
    metrics = pd.read_parquet(run_dir / "artifacts/metrics.parquet")
    assert set(metrics["partner_id"]) <= set(partners["partner_id"])
    assert not (run_dir / "artifacts/validated/quarantine").exists()
    context = json.loads((run_dir / "artifacts/run_context.json").read_text())
    assert context["pseudonymized"] is True


@pytest.mark.slow
def test_an_export_missing_tables_stops_the_run_with_exit_code_2(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "partners.csv").write_text(
        "partner_id,partner_name,partner_type,region,size,joined_date\n"
        "001,Acme,reseller,emea,small,2020-01-01\n", encoding="utf-8")
    out = tmp_path / "reports"
    assert main(["run", "--data", str(data), "--out", str(out), "--no-progress"]) == 2
    failed = next((out / "failed").iterdir())
    manifest = json.loads((failed / "manifest.json").read_text())
    assert manifest["error"]["step"] == "01_load_and_validate"
    assert "InputError" in manifest["error"]["message"]
    assert "opportunities" in manifest["error"]["message"]  # names the missing file
    assert (failed / "html/01_load_and_validate.html").exists()
    assert not (out / "latest").exists()

"""Fixtures for the pipeline tests: tiny throwaway notebooks and small generated data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import nbformat
import pytest

PARAMS = 'run_dir: str = ""  # run folder, set by the runner\nn: int = 1  # a number\n'


def write_notebook(path: Path, cells: Sequence[str], *, params: str = PARAMS,
                   imports: str | None = None) -> Path:
    """A notebook with a tagged parameters cell, an optional imports cell and ``cells``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells.append(p)
    if imports:
        c = nbformat.v4.new_code_cell(imports)
        c.metadata["tags"] = ["imports"]
        nb.cells.append(c)
    nb.cells.extend(nbformat.v4.new_code_cell(src) for src in cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def notebook_factory(tmp_path: Path) -> Callable[..., Path]:
    folder = tmp_path / "notebooks"

    def make(name: str, cells: Sequence[str], **kwargs) -> Path:
        return write_notebook(folder / f"{name}.ipynb", cells, **kwargs)

    return make


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "partners.csv").write_text("partner_id,partner_name\n001,Acme\n002,Bolt\n",
                                       encoding="utf-8")
    return data


# --- small generated data and real runs (session-scoped: each costs kernels) -----------------

#: Cheaper settings for test runs: fewer Monte Carlo / bootstrap draws, one lift outcome.
FAST_PARAMETERS = ("robustness_draws=20", "bootstrap_draws=200", "permutations=99",
                   "outcomes=win_rate")


@pytest.fixture(scope="session")
def hostile_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 partners x 6 quarters whose partner and program names are attacks."""
    from .hostile import make_hostile_sample

    return make_hostile_sample(tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture(scope="session")
def concurrent_runs(hostile_sample: Path, tmp_path_factory: pytest.TempPathFactory):
    """Two `rot run` processes started together on the same data into the same folder."""
    import os
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("runs") / "reports"
    cmd = [sys.executable, "-m", "rotlib.cli", "run", "--data", str(hostile_sample),
           "--out", str(out), "--no-progress"]
    for p in FAST_PARAMETERS:
        cmd += ["-p", p]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for _ in range(2)]
    results = [p.communicate(timeout=900) for p in procs]
    return out, [p.returncode for p in procs], results

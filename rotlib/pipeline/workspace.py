"""Where a notebook finds its inputs and writes its artifacts inside a run folder.

Used *inside* the notebooks, so it imports only pandas. A notebook's ``run_dir`` parameter
is set by ``rot run``; when it is empty (an analyst in JupyterLab, or nbval) the folder comes
from the ``ROT_RUN_DIR`` environment variable, else ``reports/scratch`` (never a published
run: scratch work must not change a report someone has read). The data folder likewise
falls back to ``ROT_DATA_DIR`` and then to the bundled ``data/sample``.

Layout of a run folder::

    manifest.json  config.yaml  executive_report.html
    notebooks/<step>.ipynb   html/<step>.html
    artifacts/validated/<table>.parquet, quality.csv, ...   (step 01)
    artifacts/*.parquet, *.json                              (steps 01-05)
    exports/scorecard.csv, scorecard.xlsx                     (step 02)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from rotlib.errors import InputError
from rotlib.jsonsafe import to_jsonable

ENV_RUN_DIR = "ROT_RUN_DIR"
ENV_DATA_DIR = "ROT_DATA_DIR"
REPO_ROOT = Path(__file__).resolve().parents[2]
SCRATCH_RUN_DIR = REPO_ROOT / "reports" / "scratch"
SAMPLE_DATA_DIR = REPO_ROOT / "data" / "sample"
CONFIG_COPY = "config.yaml"
RUN_CONTEXT = "run_context.json"


def _jsonable(value: Any) -> Any:
    """Plain JSON values: numpy scalars unwrapped, NaN/inf and NA become null."""
    return to_jsonable(value)


@dataclass(frozen=True)
class RunWorkspace:
    """A run folder as the notebooks see it."""

    root: Path

    @property
    def artifacts(self) -> Path:
        return self.root / "artifacts"

    @property
    def validated(self) -> Path:
        return self.artifacts / "validated"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def config_copy(self) -> Path:
        return self.root / CONFIG_COPY

    def path(self, name: str) -> Path:
        """Path of an artifact (relative to ``artifacts/``)."""
        return self.artifacts / name

    def require(self, name: str, *, made_by: str) -> Path:
        """An artifact that an earlier step must have written, with a clear error if not."""
        path = self.path(name)
        if not path.exists():
            raise InputError(
                f"artifact '{name}' is missing from {self.artifacts}.",
                file=str(path),
                fix=f"run notebook {made_by} first, or set run_dir (or ROT_RUN_DIR) to a "
                "folder where it ran, e.g. reports/latest.",
            )
        return path

    # --- tables and JSON ------------------------------------------------------------------
    def write_table(self, df: pd.DataFrame, name: str) -> Path:
        """Write a DataFrame as Parquet (no index: artifacts are plain tables)."""
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        df.reset_index(drop=True).to_parquet(path, index=False)
        return path

    def read_table(self, name: str, *, made_by: str) -> pd.DataFrame:
        return pd.read_parquet(self.require(name, made_by=made_by))

    def write_json(self, obj: Any, name: str) -> Path:
        """Write JSON with sorted keys and no NaN, so reruns give identical bytes."""
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_jsonable(obj), indent=2, sort_keys=True, default=str)
                        + "\n", encoding="utf-8")
        return path

    def read_json(self, name: str, *, made_by: str) -> Any:
        return json.loads(self.require(name, made_by=made_by).read_text(encoding="utf-8"))

    def has(self, name: str) -> bool:
        return self.path(name).exists()


def open_run(run_dir: str = "") -> RunWorkspace:
    """The run folder for this notebook: parameter, then ``$ROT_RUN_DIR``, then scratch."""
    chosen = run_dir or os.environ.get(ENV_RUN_DIR, "") or str(SCRATCH_RUN_DIR)
    root = Path(chosen).expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    (root / "artifacts").mkdir(exist_ok=True)
    return RunWorkspace(root)


def find_run(run_dir: str = "") -> RunWorkspace:
    """A run folder to *read* (the explore notebook): parameter, ``$ROT_RUN_DIR``, then
    ``reports/latest`` (the newest published run), then scratch."""
    chosen = run_dir or os.environ.get(ENV_RUN_DIR, "")
    if not chosen:
        latest = REPO_ROOT / "reports" / "latest"
        chosen = str(latest) if latest.exists() else str(SCRATCH_RUN_DIR)
    root = Path(chosen).expanduser().resolve()
    if not (root / "artifacts").is_dir():
        raise InputError(
            "no run artifacts here.", file=str(root),
            fix="run `make report` (or `rot run --data DIR`) first, or set run_dir to a "
            "run folder such as reports/latest.",
        )
    return RunWorkspace(root)


def resolve_data_dir(data_dir: str = "") -> Path:
    """The exports folder: parameter, then ``$ROT_DATA_DIR``, then the bundled sample."""
    chosen = data_dir or os.environ.get(ENV_DATA_DIR, "") or str(SAMPLE_DATA_DIR)
    path = Path(chosen).expanduser().resolve()
    if not path.is_dir():
        raise InputError(
            "data folder not found.", file=str(path),
            fix="pass --data DIR (or set data_dir / ROT_DATA_DIR) to a folder of exports.",
        )
    return path


def resolve_config_path(config_path: str, run: RunWorkspace) -> Path | None:
    """The scorecard configuration: parameter, then the run's frozen copy, else default.

    ``None`` means the packaged default configuration.
    """
    if config_path:
        path = Path(config_path).expanduser().resolve()
        if not path.exists():
            raise InputError("configuration file not found.", file=str(path),
                             fix="pass an existing YAML file or leave config_path empty.")
        return path
    if run.config_copy.exists():
        return run.config_copy
    return None

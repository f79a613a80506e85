"""Execute the numbered notebooks of a run with papermill, loudly.

What papermill does not do and this module adds:

* parameters are checked against each notebook's typed ``parameters`` cell *before any
  kernel starts* (:mod:`rotlib.pipeline.parameters`);
* every step is verified after execution: papermill marks every remaining cell
  "completed" when a kernel dies or a cell times out, so the runner checks that each
  non-empty code cell has an execution count, that no output is an error, and that a
  sentinel cell it appended (the last cell) wrote its random token to a file;
* a failed step is rendered with its code and the error on top, the run folder moves to
  ``<out>/failed/<run-id>/`` and the exit code is non-zero (1);
* per-step timings split into kernel start, imports (cells tagged ``imports``) and compute,
  plus rendering;
* the run folder is published atomically with a manifest (:mod:`.publish`, :mod:`.manifest`).
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from rotlib.errors import ConfigError, InputError, ParameterError, RunFailedError
from rotlib.pipeline import manifest as mf
from rotlib.pipeline import publish
from rotlib.pipeline.parameters import (
    ParameterSpec,
    check_parameters,
    read_parameter_cell,
    route_parameters,
)
from rotlib.pipeline.render import SENTINEL_TAG, error_banner_cell, html_to_pdf, render_html
from rotlib.pipeline.steps import (
    NOTEBOOKS_DIR,
    PIPELINE,
    REPO_ROOT,
    REPORT_FILE,
    REPORT_PDF,
    RESERVED_PARAMETERS,
    Step,
    dependencies,
)
from rotlib.pipeline.workspace import CONFIG_COPY, RUN_CONTEXT

#: Run options that map onto notebook parameters; users set them with their own flags.
BUILTIN_PARAMETERS = {
    "data_dir": "--data",
    "quarter": "--quarter",
    "config_path": "--config",
    "pseudonymize": "--pseudonymize",
}
IMPORTS_TAG = "imports"


@dataclass
class RunOptions:
    """Everything ``rot run`` needs; see :func:`run_pipeline`."""

    data_dir: Path
    out_dir: Path = Path("reports")
    quarter: str = ""
    config_path: Path | None = None
    pdf: bool = False
    pseudonymize: bool = False
    parameters: Mapping[str, str] = field(default_factory=dict)  # NAME -> text
    cell_timeout: float | None = 1800.0
    start_timeout: float = 60.0
    notebooks_dir: Path = NOTEBOOKS_DIR
    steps: Sequence[Step] = PIPELINE
    jobs: int = 2  # notebooks run at the same time when their dependencies allow
    progress: bool = True
    kernel_name: str = "python3"
    command: Sequence[str] = ()
    rerun_of: str | None = None  # run id of the manifest this run re-executes


@dataclass
class StepRecord:
    """Outcome and timings of one step (seconds)."""

    name: str
    notebook: str
    status: str = "pending"  # pending, succeeded, failed, skipped
    seconds: float = 0.0
    kernel_start_s: float = 0.0
    imports_s: float = 0.0
    compute_s: float = 0.0
    render_s: float = 0.0
    cells_run: int = 0
    error: str | None = None
    error_kind: str | None = None  # cell_error, dead_kernel, timeout, incomplete, ...
    failed_cell: int | None = None  # execution count of the failing cell, as shown "In [n]"
    error_name: str | None = None  # exception class raised in the notebook, if any


@dataclass
class RunOutcome:
    """What a run produced."""

    run_id: str
    status: str  # succeeded or failed
    path: Path
    manifest: dict[str, Any]
    steps: list[StepRecord]

    @property
    def exit_code(self) -> int:
        """0 success; 2 a step stopped on bad input; 3 strict mode; 1 any other failure."""
        if self.status == "succeeded":
            return 0
        names = {r.error_name for r in self.steps if r.status == "failed"}
        if "StrictModeError" in names:
            return 3
        if names & {"InputError", "ConfigError", "ParameterError"}:
            return 2
        return 1

    @property
    def report(self) -> Path:
        return self.path / REPORT_FILE


Progress = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- checks before any kernel ---------------------------------------------------------------


def declared_parameters(steps: Sequence[Step], notebooks_dir: Path
                        ) -> dict[str, tuple[ParameterSpec, ...]]:
    """Each step's declared parameters, read from its notebook (no kernel involved)."""
    declared = {}
    for step in steps:
        path = Path(notebooks_dir) / step.notebook
        if not path.exists():
            raise InputError("notebook not found.", file=str(path),
                             fix="run from a checkout of the repository, or pass --notebooks.")
        declared[step.name] = read_parameter_cell(path)
    return declared


def plan_parameters(options: RunOptions, declared: Mapping[str, tuple[ParameterSpec, ...]],
                    run_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    """The checked parameters each notebook will receive.

    User ``--parameter`` values are parsed by their declared type and routed to every
    notebook that declares them; an unknown or misspelled name, a wrong type or a name the
    runner sets itself is a :class:`ParameterError` that stops the run before it starts.
    """
    for name in options.parameters:
        if name in BUILTIN_PARAMETERS:
            raise ParameterError(
                f"parameter '{name}' has its own option: use {BUILTIN_PARAMETERS[name]} "
                "instead of --parameter."
            )
    user = route_parameters(declared, options.parameters,
                            reserved=RESERVED_PARAMETERS, from_text=True)
    builtin: dict[str, Any] = {
        "data_dir": str(Path(options.data_dir).resolve()),
        "quarter": options.quarter,
        "config_path": str((run_dir / CONFIG_COPY) if run_dir else ""),
        "pseudonymize": bool(options.pseudonymize),
    }
    if run_dir is not None:
        builtin["run_dir"] = str(run_dir)
    plan: dict[str, dict[str, Any]] = {}
    for step_name, specs in declared.items():
        names = {s.name for s in specs}
        values = {k: v for k, v in builtin.items() if k in names}
        if run_dir is not None and "config_path" in values and not (run_dir / CONFIG_COPY
                                                                    ).exists():
            values["config_path"] = ""
        values.update(user.get(step_name, {}))
        plan[step_name] = check_parameters(specs, values, notebook=step_name)
    return plan


def _check_quarter(quarter: str) -> None:
    if not quarter:
        return
    from rotlib.calendar import FiscalCalendar

    try:
        FiscalCalendar.label_to_index(quarter)
    except ValueError as exc:
        raise ParameterError(f"--quarter: {exc}") from exc


def _config_text(config_path: Path | None) -> tuple[str | None, str]:
    """(text, source) of the configuration the run will use.

    A given file is validated here with ``rotlib.scoring.load_config``, so a bad
    configuration stops the run before any kernel starts. The packaged default is read as
    a file (importing the scoring engine only to copy a known-good file would cost seconds).
    """
    if config_path is not None:
        path = Path(config_path)
        if not path.exists():
            raise ConfigError(f"{path}: configuration file not found. Fix: pass an existing "
                              "YAML file to --config, or leave it out for the default.")
        try:
            from rotlib.scoring import load_config
        except ImportError:  # scoring not installed: the steps that need it will say so
            load_config = None
        if load_config is not None:
            load_config(path)
        return path.read_text(encoding="utf-8"), str(path.resolve())
    default = resources.files("rotlib") / "default_config.yaml"
    if not default.is_file():
        return None, "none (rotlib/default_config.yaml is not installed)"
    return default.read_text(encoding="utf-8"), "rotlib/default_config.yaml (packaged default)"


# --- one step ---------------------------------------------------------------------------------


def _sentinel_cell(path: Path, token: str) -> Any:
    import nbformat

    source = (
        "# rot runner: the last cell; writing this token proves every cell above ran\n"
        f"__import__('pathlib').Path({json.dumps(str(path))}).write_text({json.dumps(token)})"
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = [SENTINEL_TAG]
    cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


def verify_executed(nb: Any, sentinel: Path | None = None, token: str | None = None
                    ) -> list[str]:
    """Why ``nb`` did not fully run (empty list = every code cell ran without error).

    A code cell counts as run when it has an execution count and papermill's status is
    "completed"; papermill sets that status on *every* remaining cell when a kernel dies,
    which is why the execution count and the sentinel token are checked too.
    """
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not "".join(cell.source).strip():
            continue
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        if cell.get("execution_count") is None:
            problems.append(f"cell {index} never ran")
        elif status not in (None, "completed"):
            problems.append(f"cell {index} ended with status {status}")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {index} raised {output.get('ename')}")
    if sentinel is not None:
        try:
            written = sentinel.read_text(encoding="utf-8")
        except OSError:
            written = None
        if written != token:
            problems.append("the final sentinel cell did not run")
    return problems


def _last_started_cell(nb: Any) -> tuple[int | None, int | None]:
    """(index, execution count) of the last cell that started: where a kernel died."""
    last = (None, None)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.get("metadata", {}).get("papermill", {}).get(
                "start_time"):
            last = (index, cell.get("execution_count"))
    return last


def _timings(nb: Any) -> tuple[float, float, float, int]:
    """(kernel start, imports, compute, cells run) from papermill's cell metadata."""
    from dateutil.parser import isoparse

    pm = nb.metadata.get("papermill", {})
    nb_start = pm.get("start_time")
    first_cell = None
    imports = compute = 0.0
    ran = 0
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("papermill", {})
        if cell.cell_type != "code" or not meta.get("start_time"):
            continue
        if first_cell is None:
            first_cell = meta["start_time"]
        duration = float(meta.get("duration") or 0.0)
        ran += 1 if cell.get("execution_count") is not None else 0
        if IMPORTS_TAG in (cell.get("metadata", {}).get("tags") or []):
            imports += duration
        else:
            compute += duration
    kernel = 0.0
    if nb_start and first_cell:
        kernel = max((isoparse(first_cell) - isoparse(nb_start)).total_seconds(), 0.0)
    return kernel, imports, compute, ran


def execute_step(step: Step, notebook_path: Path, output_path: Path,
                 parameters: Mapping[str, Any], *, run_dir: Path, options: RunOptions
                 ) -> tuple[Any, StepRecord]:
    """Run one notebook; return the executed notebook and its record (never raises for a
    notebook failure: the record says what went wrong)."""
    import nbformat
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    record = StepRecord(step.name, step.notebook)
    nb = nbformat.read(notebook_path, as_version=4)
    token = secrets.token_hex(16)
    sentinel = run_dir / ".steps" / f"{step.name}.done"
    sentinel.parent.mkdir(exist_ok=True)
    sentinel.unlink(missing_ok=True)
    nb.cells.append(_sentinel_cell(sentinel, token))
    nb.metadata["rot_step"] = step.name
    output_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        # The kernel starts in the run folder (resources.metadata.path) without papermill's
        # `cwd`, which would chdir the whole runner process under concurrent steps.
        pm.execute_notebook(
            nb, str(output_path), parameters=dict(parameters), kernel_name=options.kernel_name,
            language="python",
            progress_bar=options.progress and options.jobs == 1 and sys.stderr.isatty(),
            log_output=False, start_timeout=int(options.start_timeout),
            execution_timeout=options.cell_timeout,
            resources={"metadata": {"path": str(run_dir)}},
        )
    except PapermillExecutionError as exc:
        record.error_kind = "cell_error"
        record.failed_cell = exc.exec_count
        record.error_name = exc.ename
        record.error = f"{exc.ename}: {exc.evalue}"
    except DeadKernelError as exc:
        record.error_kind = "dead_kernel"
        record.error = ("the kernel died (killed, out of memory or crashed) "
                        f"while the notebook ran: {exc}")
    except (CellTimeoutError, TimeoutError) as exc:
        record.error_kind = "timeout"
        record.error = f"a cell ran longer than the cell timeout ({options.cell_timeout} s): " \
                       f"{str(exc).splitlines()[0] if str(exc) else ''}"
    except Exception as exc:  # anything else from the engine is a failed step, not a crash
        record.error_kind = "engine_error"
        record.error = f"{type(exc).__name__}: {exc}"
        traceback.print_exc(file=sys.stderr)
    record.seconds = time.perf_counter() - started

    executed = nbformat.read(output_path, as_version=4) if output_path.exists() else nb
    problems = verify_executed(executed, sentinel, token)
    if problems and record.error is None:
        record.error_kind = "incomplete"
        record.error = "papermill reported success but not every cell ran: " + \
            "; ".join(problems[:5])
    if record.error_kind in ("dead_kernel", "timeout", "incomplete", "engine_error"):
        index, count = _last_started_cell(executed)
        if index is not None:
            record.failed_cell = count
            record.error += f" (last cell started: index {index}, In [{count}])"
    record.kernel_start_s, record.imports_s, record.compute_s, record.cells_run = \
        _timings(executed)
    record.status = "failed" if record.error else "succeeded"
    return executed, record


# --- the run ----------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _relative_to_run(value: Any, run_dir: Path) -> Any:
    if isinstance(value, str) and value.startswith(str(run_dir)):
        return "." + value[len(str(run_dir)):]
    return value


def _read_resolved(run_dir: Path) -> dict[str, Any]:
    path = run_dir / "artifacts" / RUN_CONTEXT
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}


def _reproducible_artifacts(run_dir: Path) -> list[dict[str, Any]]:
    """Artifacts and exports (the numbers); notebooks and HTML carry timestamps."""
    out = []
    for sub in ("artifacts", "exports"):
        base = run_dir / sub
        if base.is_dir():
            for entry in mf.describe_files(base, with_rows=False):
                entry["path"] = f"{sub}/{entry['path']}"
                out.append(entry)
    return out


def _finish_step(step: Step, executed: Any, record: StepRecord, run_dir: Path,
                 progress: Progress) -> None:
    """Render a step (with its error on top when it failed) and save the executed notebook."""
    import nbformat

    started = time.perf_counter()
    (run_dir / "html").mkdir(exist_ok=True)
    if record.status == "failed":
        executed.cells.insert(0, error_banner_cell(
            f"Step {step.name}: {record.error}"
            + (f" See In [{record.failed_cell}]." if record.failed_cell else "")))
        try:
            document = render_html(executed, title=f"FAILED: {step.title}", keep_code=True)
            (run_dir / "html" / f"{step.name}.html").write_text(document, encoding="utf-8")
        except Exception as exc:  # the failure report must not hide the failure
            progress(f"    (could not render the failed notebook: {exc})")
        nbformat.write(executed, run_dir / "notebooks" / step.notebook)
    else:
        document = render_html(executed, title=step.title, report=step.report)
        (run_dir / "html" / f"{step.name}.html").write_text(document, encoding="utf-8")
        if step.report:
            (run_dir / REPORT_FILE).write_text(document, encoding="utf-8")
    record.render_s = time.perf_counter() - started


def _save_steps(manifest: dict[str, Any], done: list[StepRecord], run_dir: Path) -> None:
    manifest["steps"] = [asdict(r) for r in done]
    mf.write_manifest(run_dir / mf.MANIFEST_NAME, manifest)


def run_steps(options: RunOptions, plan: Mapping[str, Mapping[str, Any]], run_dir: Path,
              progress: Progress = _stderr,
              on_step: Callable[[list[StepRecord]], None] | None = None) -> list[StepRecord]:
    """Execute the steps as their dependencies allow, up to ``options.jobs`` at a time.

    A step starts when every step it needs has succeeded (lift runs beside scoring and
    cohorts: it needs only the validated data). After a failure no new step starts; the
    ones running finish and every step that never started is recorded as skipped.
    Returns the records in pipeline order.
    """
    steps = list(options.steps)
    needs = dependencies(steps)
    by_name = {s.name: s for s in steps}
    order = {s.name: i for i, s in enumerate(steps)}
    records: dict[str, StepRecord] = {}
    # papermill's own parameter inference only warns (and misreads typed cells); the
    # parameters were checked before any kernel started, so its warnings are noise.
    pm_logger = logging.getLogger("papermill")
    level = pm_logger.level
    pm_logger.setLevel(logging.ERROR)

    def work(step: Step) -> StepRecord:
        executed, record = execute_step(
            step, Path(options.notebooks_dir) / step.notebook,
            run_dir / "notebooks" / step.notebook, plan[step.name],
            run_dir=run_dir, options=options)
        try:
            _finish_step(step, executed, record, run_dir, progress)
        except Exception as exc:  # e.g. an output that is not inert: never publish it
            record.status, record.error_kind = "failed", "render"
            record.error = f"{type(exc).__name__}: {exc}"
        return record

    try:
        _schedule(steps, needs, order, records, options, work, progress, on_step)
    finally:
        pm_logger.setLevel(level)
    for name, step in by_name.items():
        if name not in records:
            records[name] = StepRecord(name, step.notebook, status="skipped")
    return sorted(records.values(), key=lambda r: order[r.name])


def _schedule(steps: list[Step], needs: Mapping[str, tuple[str, ...]],
              order: Mapping[str, int], records: dict[str, StepRecord], options: RunOptions,
              work: Callable[[Step], StepRecord], progress: Progress,
              on_step: Callable[[list[StepRecord]], None] | None) -> None:
    running: dict[Future, str] = {}
    failed = False
    total = len(steps)
    with ThreadPoolExecutor(max_workers=max(1, int(options.jobs))) as pool:
        while True:
            done_ok = {n for n, r in records.items() if r.status == "succeeded"}
            started = set(records) | set(running.values())
            if not failed:
                for step in steps:
                    if step.name in started or len(running) >= max(1, int(options.jobs)):
                        continue
                    if set(needs[step.name]) <= done_ok:
                        progress(f"[{order[step.name] + 1}/{total}] {step.name} ...")
                        running[pool.submit(work, step)] = step.name
                        started.add(step.name)
            if not running:
                break
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in finished:
                name = running.pop(future)
                record = future.result()
                records[name] = record
                n = f"[{order[name] + 1}/{total}] {name}"
                if record.status == "failed":
                    failed = True
                    progress(f"{n} FAILED after {record.seconds:.1f} s: {record.error}")
                else:
                    progress(f"{n} ok in {record.seconds:.1f} s (kernel "
                             f"{record.kernel_start_s:.1f} s, imports {record.imports_s:.1f} s, "
                             f"compute {record.compute_s:.1f} s, render {record.render_s:.1f} s)")
                if on_step is not None:
                    on_step(sorted(records.values(), key=lambda r: order[r.name]))


def run_pipeline(options: RunOptions, *, progress: Progress = _stderr) -> RunOutcome:
    """Run every step into a fresh run folder and publish it (or file it under failed/).

    Raises :class:`ParameterError`, :class:`InputError` or :class:`ConfigError` *before*
    any kernel starts when the request itself is wrong; a step that fails does not raise:
    the outcome's ``status`` is "failed" and its ``exit_code`` is 1.
    """
    data_dir = Path(options.data_dir).resolve()
    if not data_dir.is_dir():
        raise InputError("data folder not found.", file=str(data_dir),
                         fix="pass --data DIR, a folder with one file per table.")
    _check_quarter(options.quarter)
    declared = declared_parameters(options.steps, Path(options.notebooks_dir))
    plan_parameters(options, declared)  # fail fast, before creating anything
    config_text, config_source = _config_text(options.config_path)

    for stale in publish.remove_stale_temp_folders(options.out_dir):
        progress(f"removed the folder of an interrupted run: {stale.name}")
    folder = publish.begin_run(options.out_dir)
    run_dir = folder.tmp_path
    if config_text is not None:
        (run_dir / CONFIG_COPY).write_text(config_text, encoding="utf-8")
    plan = plan_parameters(options, declared, run_dir)

    progress(f"rot run {folder.run_id}: {len(options.steps)} steps, data {data_dir}")
    manifest: dict[str, Any] = {
        "manifest_version": mf.MANIFEST_VERSION,
        "run_id": folder.run_id,
        "status": "running",
        "started_at": _now(),
        "finished_at": None,
        "command": list(options.command),
        "rerun_of": options.rerun_of,
        "data": {"path": str(data_dir)},
        "inputs": mf.describe_files(data_dir),
        "config": {
            "source": config_source,
            "file": CONFIG_COPY if config_text is not None else None,
            "sha256": mf.sha256_text(config_text) if config_text is not None else None,
        },
        "parameters": {
            "quarter": options.quarter,
            "pseudonymize": bool(options.pseudonymize),
            "pdf": bool(options.pdf),
            "user": dict(sorted(options.parameters.items())),
        },
        "notebook_parameters": {  # paths inside the run folder relative to it: it moves
            step: {k: _relative_to_run(v, run_dir) for k, v in values.items() if k != "run_dir"}
            for step, values in plan.items()
        },
        "environment": mf.environment_record(),
        "git": mf.git_state(REPO_ROOT),
        "steps": [],
        "resolved": {},
        "artifacts": [],
    }
    mf.write_manifest(run_dir / mf.MANIFEST_NAME, manifest)

    records = run_steps(options, plan, run_dir, progress,
                        on_step=lambda done: _save_steps(manifest, done, run_dir))
    failed = next((r for r in records if r.status == "failed"), None)

    if failed is None and options.pdf and (run_dir / REPORT_FILE).exists():
        started = time.perf_counter()
        try:
            html_to_pdf(run_dir / REPORT_FILE, run_dir / REPORT_PDF)
            progress(f"PDF printed in {time.perf_counter() - started:.1f} s")
        except RunFailedError as exc:
            failed = StepRecord("pdf", REPORT_PDF, status="failed", error=str(exc),
                                error_kind="pdf")
            records.append(failed)
            progress(f"PDF FAILED: {exc}")

    shutil.rmtree(run_dir / ".steps", ignore_errors=True)
    manifest["steps"] = [asdict(r) for r in records]
    manifest["resolved"] = _read_resolved(run_dir)
    manifest["artifacts"] = _reproducible_artifacts(run_dir)
    manifest["status"] = "failed" if failed else "succeeded"
    manifest["finished_at"] = _now()
    if failed:
        manifest["error"] = {"step": failed.name, "kind": failed.error_kind,
                             "message": failed.error, "cell": failed.failed_cell}
    mf.write_manifest(run_dir / mf.MANIFEST_NAME, manifest)

    if failed:
        path = publish.publish_failed(folder)
        progress(f"run {folder.run_id} FAILED at {failed.name}; its record is in {path} "
                 f"(open html/{failed.name}.html for the error). reports/latest did not move.")
        status = "failed"
    else:
        path = publish.publish_run(folder)
        progress(f"run {folder.run_id} succeeded: {path / REPORT_FILE}")
        status = "succeeded"
    return RunOutcome(folder.run_id, status, path, manifest, records)


def options_from_manifest(manifest: Mapping[str, Any], manifest_path: Path, *,
                          out_dir: Path, pdf: bool | None = None) -> RunOptions:
    """Run options that re-execute a recorded run: same data folder, configuration copy,
    resolved quarter, pseudonymization and parameters."""
    params = manifest.get("parameters") or {}
    run_folder = Path(manifest_path).resolve().parent
    config_file = (manifest.get("config") or {}).get("file")
    config_path = None
    if config_file and (run_folder / config_file).exists():
        config_path = run_folder / config_file
        recorded = (manifest.get("config") or {}).get("sha256")
        if recorded and mf.sha256_file(config_path) != recorded:
            raise ConfigError(f"{config_path}: the configuration copy no longer matches the "
                              "hash in its manifest. Fix: restore it, or start a fresh run.")
    quarter = (manifest.get("resolved") or {}).get("quarter") or params.get("quarter") or ""
    return RunOptions(
        data_dir=Path((manifest.get("data") or {}).get("path", "")),
        out_dir=out_dir,
        quarter=quarter,
        config_path=config_path,
        pdf=bool(params.get("pdf")) if pdf is None else pdf,
        pseudonymize=bool(params.get("pseudonymize")),
        parameters=dict(params.get("user") or {}),
        rerun_of=manifest.get("run_id"),
    )


def changed_inputs(manifest: Mapping[str, Any]) -> list[str]:
    """Input files whose bytes differ from what ``manifest`` recorded (or that vanished)."""
    data_dir = Path((manifest.get("data") or {}).get("path", ""))
    now = {e["path"]: e["sha256"] for e in mf.describe_files(data_dir, with_rows=False)} \
        if data_dir.is_dir() else {}
    before = {e["path"]: e["sha256"] for e in manifest.get("inputs") or []}
    return sorted(p for p in set(now) | set(before) if now.get(p) != before.get(p))

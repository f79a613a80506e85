"""Validate a folder of partner exports: accept good rows, quarantine bad ones, explain both.

What happens, table by table (parents before children, so a quarantined partner makes
its tickets orphans):

1. **Table-level checks** (all tables first, every problem reported at once): the file
   exists, is not empty, decodes, is comma-separated, has every contract column exactly
   once and at least one data row. Any failure raises :class:`~rotlib.errors.InputError`
   naming the file, the column and the fix; nothing is written.
2. **Row-level checks**, streamed in batches. Each row goes through the rules of
   :func:`rule_order` in turn (a waterfall); a row that fails any rule is quarantined
   under the *first* rule it fails, and its reason lists every failure. Values are read
   by ``rotlib.parsing`` and the typed batch is validated with the pandera schema
   generated from the contract (``rotlib.schemas``, ``lazy=True``: all failures at once,
   mapped back to rows through a unique index).
3. **Cross-table checks**: foreign keys against the *accepted* rows of the parent
   (cascading: the reason names the quarantined parent row) and duplicate keys over the
   whole file (in DuckDB, so a 30-million-row table is not held in memory).

Decisions (also in docs/data-contract.md):

* **Duplicate keys.** If every copy of a key is identical (same typed values) and
  otherwise valid, the first copy is kept and the others are quarantined as exact
  duplicates. If the copies differ, *all* are quarantined: there is no honest way to
  pick one.
* **Unknown extra columns** are ignored with a warning (exports often carry extra
  fields); they are not written out.
* **Blank rows** (every value empty) are not records: they are skipped, counted in the
  report (``blank_rows_skipped``) and do not enter rows_read.
* **Header only / no data rows** is a table-level error, as is a systematic failure: when
  one rule rejects more than half of a batch of at least 1,000 rows, the problem is the
  export (a wrong date layout, swapped columns, files from different systems), not a
  few rows, and quarantining most of a table would hide it.

Rows read = rows accepted + rows quarantined, for every table and every rule, always.
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
import time
import weakref
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rotlib.calendar import FiscalCalendar
from rotlib.contract import ColumnSpec, TableSpec
from rotlib.errors import InputError, StrictModeError
from rotlib.parsing import (
    ARROW_TYPES,
    ParsedColumn,
    ParseOptions,
    arrow_type_problem,
    as_text,
    explain_invalid,
    parse_column,
)
from rotlib.reading import (
    BadRecord,
    CsvSource,
    LineCountMismatch,
    ParquetSource,
    RawBatch,
    Source,
    TableFile,
    find_table_file,
    near_misses,
    open_source,
)
from rotlib.schemas import (
    METRICS_TABLE,
    all_specs,
    parse_check_error,
    row_checks,
    table_schema,
)
from rotlib.spreadsheet import neutralize_frame

#: Rules checked before any value is read, in waterfall order.
STRUCTURE_RULES: dict[str, str] = {
    "wrong_field_count": "The record has more or fewer fields than the header (an unquoted "
    "comma, or a truncated line).",
    "nul_byte": "A value contains a NUL byte: the export is corrupt at this line.",
    "repeated_header": "The row repeats the header (files concatenated with their headers).",
    "totals_row": "A totals or subtotal row from a spreadsheet, not a record.",
}
#: Rules on single values.
VALUE_RULES: dict[str, str] = {
    "bad_value": "A value cannot be read by its column's rule (see 'How values are read').",
    "missing_value": "A required value is empty or a missing token (NA, N/A, null, -, ...).",
    "not_allowed": "A category value is not one of the allowed values.",
    "out_of_range": "A number is below the column's minimum (e.g. a negative amount) or "
    "above its maximum.",
}
#: Rules across tables or across the whole file.
CROSS_RULES: dict[str, str] = {
    "orphan_key": "A reference to another table matches no accepted row there (cascades: "
    "a row pointing at a quarantined partner is quarantined too).",
    "duplicate_key": "The table's key occurs more than once (identical copies: all but "
    "the first quarantined; differing copies: all quarantined).",
}
#: Labels of totals rows, compared trimmed and case-insensitively.
TOTAL_LABELS: tuple[str, ...] = ("total", "totals", "grand total", "subtotal", "sum",
                                 "total:", "totals:", "grand total:", "subtotal:")
# one anchored, case-insensitive regex pass (a set lookup after lower() costs 10x more)
_TOTALS_RE = "(?i)^[ \t]*(?:" + "|".join(re.escape(t) for t in TOTAL_LABELS) + ")[ \t]*$"
#: A rule rejecting more than this share of a batch of at least SYSTEMATIC_MIN_ROWS rows
#: is a table-level problem.
SYSTEMATIC_SHARE = 0.5
SYSTEMATIC_MIN_ROWS = 1000
ALL_RULES_LABEL = "(all rules)"
#: DuckDB (key checks) spills to disk beyond this, keeping validation inside a few GB.
DUCKDB_MEMORY_LIMIT = "1GB"
#: Tables validated at the same time (the target machine has 2 cores).
TABLE_WORKERS = 2
QUARANTINE_META = ("source_line", "rule", "column", "reason")


def rule_order(spec: TableSpec, *, csv_source: bool = True) -> list[str]:
    """The waterfall of rules a row of ``spec`` goes through, in order."""
    rules = [r for r in STRUCTURE_RULES if csv_source or r != "wrong_field_count"]
    rules += ["bad_value", "missing_value"]
    if any(c.allowed for c in spec.columns):
        rules.append("not_allowed")
    if any(c.minimum is not None or c.maximum is not None for c in spec.columns):
        rules.append("out_of_range")
    for check in row_checks(spec):
        if check.rule not in rules:
            rules.append(check.rule)
    if spec.foreign_keys:
        rules.append("orphan_key")
    rules.append("duplicate_key")
    return rules


def rule_descriptions(spec: TableSpec) -> dict[str, str]:
    out = {**STRUCTURE_RULES, **VALUE_RULES, **CROSS_RULES}
    for check in row_checks(spec):
        out.setdefault(check.rule, check.description)
    return out


# --- results -------------------------------------------------------------------------------
def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow -> pandas with the contract's dtypes (nullable Int64 and boolean, str)."""
    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return table.to_pandas(types_mapper=mapping.get)


def read_validated_parquet(path: Path) -> pd.DataFrame:
    return arrow_to_pandas(pq.read_table(path))


class _Workspace:
    """A temporary folder removed once nothing refers to it any more."""

    def __init__(self, parent: str | Path | None) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="rot-validate-", dir=parent))
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.path, True)

    def remove(self) -> None:
        self._cleanup()


class _ParquetTables(Mapping):
    """``{table: DataFrame}`` that loads each accepted table on first access.

    At 100k partners the accepted tickets alone are tens of millions of rows; loading
    lazily lets ``rot validate`` write them without ever holding them in pandas. The
    mapping keeps the staging folder alive, so ``validate_folder(...).tables`` works
    after the result itself is gone.
    """

    def __init__(self, paths: dict[str, Path], workspace: _Workspace | None = None) -> None:
        self._paths = dict(paths)
        self._cache: dict[str, pd.DataFrame] = {}
        self._workspace = workspace

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = read_validated_parquet(self._paths[name])
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __repr__(self) -> str:
        return f"<validated tables: {', '.join(self._paths)}>"


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Quarantined rows are untrusted text (a partner name ``=HYPERLINK(...)``) and analysts
    open the quarantine files in Excel: neutralize formula-like cells (headers are ours)."""
    return neutralize_frame(frame, headers=False)


@dataclass
class ValidationResult:
    """What :func:`validate_folder` found.

    ``tables`` maps each table to its accepted rows (typed, plus ``source_line``), loaded
    on first access; ``quarantine`` maps each table to its rejected rows (raw text plus
    ``source_line``, ``rule``, ``column``, ``reason``); ``quality`` is the data-quality
    report (per table and per rule: rows read, accepted, quarantined); ``files`` records
    every input file (path, format, bytes, sha256, rows) for provenance.
    """

    tables: Mapping[str, pd.DataFrame]
    quarantine: dict[str, pd.DataFrame]
    quality: pd.DataFrame
    files: pd.DataFrame
    warnings: list[str]
    parquet_paths: dict[str, Path] = field(repr=False)
    _workspace: _Workspace | None = field(default=None, repr=False)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per table
    profile: dict[str, dict[str, float]] = field(default_factory=dict)  # seconds per phase

    @property
    def rows_quarantined(self) -> int:
        return int(sum(len(q) for q in self.quarantine.values()))

    def summary(self) -> str:
        from rotlib.quality_report import quality_text

        return quality_text(self.quality, self.warnings)

    def quality_html(self) -> str:
        from rotlib.quality_report import quality_html

        return quality_html(self.quality, warnings=self.warnings, files=self.files)

    def write(self, out_dir: str | Path, *, tables: bool = True) -> Path:
        """Write ``<table>.parquet`` (accepted rows), ``quarantine/<table>.csv``,
        ``quality.csv``, ``quality.html`` and ``inputs.csv`` into ``out_dir``.

        Outputs of an earlier run in the same folder are removed first, so a stale
        quarantine file never survives. ``tables=False`` writes only the report and the
        quarantine (what ``--strict`` does when it fails).
        """
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        current = {p.resolve() for p in self.parquet_paths.values() if p.exists()}
        for name in [spec.name for spec in all_specs()]:
            old = out / f"{name}.parquet"
            if old.exists() and not (tables and old.resolve() in current):
                old.unlink()
        qdir = out / "quarantine"
        if qdir.is_dir():
            for old in qdir.glob("*.csv"):
                old.unlink()
        if tables:
            staging = self._workspace.path if self._workspace is not None else None
            for name, path in list(self.parquet_paths.items()):
                target = out / f"{name}.parquet"
                if target.exists() and target.resolve() == path.resolve():
                    continue  # written here before
                if staging is not None and path.parent == staging:
                    # staged files are ours: move them (no copy of gigabytes) and point
                    # the lazy tables at their new home
                    try:
                        path.replace(target)
                    except OSError:  # another file system
                        shutil.copyfile(path, target)
                    self.parquet_paths[name] = target
                    if isinstance(self.tables, _ParquetTables):
                        self.tables._paths[name] = target
                else:
                    shutil.copyfile(path, target)
        for name, frame in self.quarantine.items():
            if len(frame):
                qdir.mkdir(exist_ok=True)
                spreadsheet_safe(frame).to_csv(qdir / f"{name}.csv", index=False,
                                               quoting=csv.QUOTE_MINIMAL)
        spreadsheet_safe(self.quality).to_csv(out / "quality.csv", index=False)
        spreadsheet_safe(self.files).to_csv(out / "inputs.csv", index=False)
        (out / "quality.html").write_text(self.quality_html(), encoding="utf-8")
        return out


def load_validated(directory: str | Path) -> dict[str, pd.DataFrame]:
    """Read the ``<table>.parquet`` files written by :meth:`ValidationResult.write`."""
    directory = Path(directory)
    out = {}
    for spec in all_specs():
        path = directory / f"{spec.name}.parquet"
        if path.is_file():
            out[spec.name] = read_validated_parquet(path)
    if not out:
        raise InputError("contains no validated tables (<table>.parquet).",
                         file=str(directory), fix="run `rot validate DIR --out "
                         f"{directory}` first.")
    return out


# --- planning: which tables, which files, table-level problems ----------------------------
@dataclass
class _Plan:
    spec: TableSpec
    table_file: TableFile
    source: Source


def _topological(specs: Sequence[TableSpec]) -> list[TableSpec]:
    names = {s.name for s in specs}
    done: list[TableSpec] = []
    pending = list(specs)
    while pending:
        for spec in pending:
            parents = {t for _, t, _ in spec.foreign_keys if t in names and t != spec.name}
            if parents <= {d.name for d in done}:
                done.append(spec)
                pending.remove(spec)
                break
        else:  # pragma: no cover - the contract has no cycles
            raise ValueError("foreign keys form a cycle")
    return done


def _column_problems(spec: TableSpec, source: Source) -> tuple[list[InputError], list[str]]:
    path = str(source.path)
    problems: list[InputError] = []
    warnings: list[str] = []
    seen = Counter(source.columns)
    for name, count in seen.items():
        if count > 1:
            problems.append(InputError(
                f"has {count} columns named '{name}'.", file=path, column=name,
                fix="keep one of them (rename or delete the others) and export again."))
    lower = {c.lower(): c for c in source.columns}
    wanted = set(spec.column_names)
    for col in spec.columns:
        if col.name in seen:
            continue
        hint = ""
        if col.name.lower() in lower:
            hint = f" The file has '{lower[col.name.lower()]}': rename it to '{col.name}'."
        elif isinstance(source, CsvSource):
            for i, record in enumerate(source.header.first_records, start=2):
                if col.name in [v.strip() for v in record]:
                    hint = (f" It appears on line {i + source.header.lines - 1}: the header "
                            "must be the first line, so delete the lines above it.")
                    break
        problems.append(InputError(
            f"has no column '{col.name}' ({col.kind}: {col.description})", file=path,
            column=col.name, fix=(hint.strip() or "add the column (see docs/data-contract.md "
                                  "for every table's columns) and export again.")))
    extra = [c for c in source.columns if c not in wanted]
    if extra and not problems:
        warnings.append(f"{path}: ignored {len(extra)} column(s) not in the contract: "
                        + ", ".join(repr(c) for c in extra[:10])
                        + (" ..." if len(extra) > 10 else ""))
    if isinstance(source, ParquetSource) and not problems:
        for col in spec.columns:
            problem = arrow_type_problem(source.types[col.name], col)
            if problem:
                problems.append(InputError(problem, file=path, column=col.name,
                                           fix="change the column type in the export."))
    if not problems and not source.has_rows:
        problems.append(InputError(
            "has a header but no data rows.", file=path,
            fix="a header-only file usually means the export query returned nothing: check "
            "its filters and date range and export again."))
    return problems, warnings


def _plan(folder: Path, encoding: str, metrics_table: Path | None,
          scanner: Executor | None = None) -> tuple[list[_Plan], list[str], list[str]]:
    """Find and open every table; raise all table-level problems at once."""
    problems: list[InputError] = []
    warnings: list[str] = []
    missing_optional: list[str] = []
    if not folder.is_dir():
        raise InputError("is not a folder.", file=str(folder),
                         fix="pass the folder that holds one file per table.")
    metrics_file = None
    if metrics_table is not None:
        metrics_table = Path(metrics_table)
        suffix = metrics_table.suffix.lower()
        if not metrics_table.is_file() or suffix not in (".csv", ".parquet"):
            raise InputError("does not exist or is not a .csv / .parquet file.",
                             file=str(metrics_table), fix="pass the metrics table file.")
        metrics_file = TableFile(METRICS_TABLE, metrics_table,
                                 "parquet" if suffix == ".parquet" else "csv")
    else:
        metrics_file = find_table_file(folder, METRICS_TABLE)
    bi_mode = metrics_file is not None
    plans: list[_Plan] = []
    for spec in all_specs():
        try:
            tf = metrics_file if spec.name == METRICS_TABLE else find_table_file(folder,
                                                                                spec.name)
        except InputError as exc:
            problems.append(exc)
            continue
        if tf is None:
            if spec.required and not bi_mode:
                near = near_misses(folder, spec.name)
                fix = (f"rename {near[0]} to {spec.name}.csv (or export it as CSV or "
                       "Parquet)." if near else
                       f"export the {spec.source_system} table as {spec.name}.csv or "
                       f"{spec.name}.parquet into this folder.")
                problems.append(InputError(f"is missing ({spec.description})",
                                           file=str(folder / f"{spec.name}.csv"), fix=fix))
            elif spec.name != METRICS_TABLE:
                missing_optional.append(spec.name)
            continue
        try:
            source = open_source(tf, encoding=encoding, scanner=scanner)
        except InputError as exc:
            problems.append(exc)
            continue
        table_problems, table_warnings = _column_problems(spec, source)
        problems += table_problems
        warnings += table_warnings
        plans.append(_Plan(spec, tf, source))
    if problems:
        _raise_all(problems)
    if bi_mode and missing_optional:
        warnings.append("a partner x quarter metrics table was supplied, so the raw tables "
                        "are optional; not supplied: " + ", ".join(missing_optional))
    ordered = {s.name: i for i, s in enumerate(_topological([p.spec for p in plans]))}
    plans.sort(key=lambda p: ordered[p.spec.name])
    return plans, warnings, missing_optional


def _raise_all(problems: list[InputError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    first = problems[0]
    err = InputError(f"{len(problems)} problems stop validation:\n  - "
                     + "\n  - ".join(str(p) for p in problems))
    err.file, err.column, err.row, err.fix = first.file, first.column, first.row, first.fix
    raise err


# --- one table ------------------------------------------------------------------------------
@dataclass
class _ParentKeys:
    """Accepted key values of a referenced table, and where its rejected keys went."""

    table: str
    column: str
    accepted: pa.Array
    rejected: dict[str, tuple[int, str]]  # key -> (source line, rule)


@dataclass
class _Failures:
    """Failures of one batch: parallel lists, one entry per (row, rule, column)."""

    rows: list[np.ndarray] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    columns: list[str | None] = field(default_factory=list)
    reasons: list[list[str]] = field(default_factory=list)

    def add(self, rows: np.ndarray, rule: str, column: str | None, reasons: list[str]) -> None:
        if len(rows):
            self.rows.append(np.asarray(rows, dtype=np.int64))
            self.rules.append(rule)
            self.columns.append(column)
            self.reasons.append(reasons)


@dataclass
class _TableOutcome:
    spec: TableSpec
    table_file: TableFile
    source: Source
    parquet: Path
    quarantine: pd.DataFrame
    rows_read: int
    blank_rows: int
    primary: Counter
    failures: Counter
    rules: list[str]
    first_date: pd.Timestamp | None
    last_date: pd.Timestamp | None
    warnings: list[str]
    clock: dict[str, float]
    seconds: float = 0.0


def _quoted(text: str, limit: int = 60) -> str:
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return "'" + text.encode("unicode_escape").decode("ascii") + "'"


class _TableValidator:
    """Streams one table through the row-level rules and writes its accepted rows."""

    def __init__(self, plan: _Plan, *, options: ParseOptions, parents: dict[str, _ParentKeys],
                 workdir: Path, con: duckdb.DuckDBPyConnection, exact: bool) -> None:
        self.spec = plan.spec
        self.plan = plan
        self.source = plan.source
        self.options = options
        self.parents = parents
        self.workdir = workdir
        self.con = con
        self.exact = exact
        self.schema = table_schema(self.spec, with_key=False, failure_sample=1)
        self.checks = {c.rule: c for c in row_checks(self.spec)}
        self.rules = rule_order(self.spec, csv_source=isinstance(self.source, CsvSource))
        self.rank = {r: i for i, r in enumerate(self.rules)}
        self.arrow_schema = pa.schema(
            [pa.field(c.name, ARROW_TYPES[c.kind]) for c in self.spec.columns]
            + [pa.field("source_line", pa.int64())])
        self.stage1 = workdir / f"{self.spec.name}.stage1.parquet"
        self.currency: dict[str, str] = {}
        self.primary: Counter = Counter()
        self.failures: Counter = Counter()
        self.rows_read = 0
        self.blank_rows = 0
        self.quarantine_parts: list[pd.DataFrame] = []
        self.quarantined_keys: list[pa.Table] = []
        self.first_date: pd.Timestamp | None = None
        self.last_date: pd.Timestamp | None = None
        self.date_column = next((c.name for c in self.spec.columns
                                 if c.kind in ("date", "timestamp")), None)
        self.header_position = {name: i for i, name in enumerate(self.source.columns)}
        self.clock: Counter = Counter()  # seconds per phase (read, parse, pandera, ...)

    # -- the stream ---------------------------------------------------------------------
    def _writer(self, path: Path) -> pq.ParquetWriter:
        # dictionary-encode only low-cardinality columns, and keep min/max statistics only
        # where a reader can use them (dates, numbers): on IDs both cost more than the
        # rest of the write
        dictionary = [c.name for c in self.spec.columns if c.kind in ("category", "boolean")]
        statistics = [c.name for c in self.spec.columns
                      if c.kind not in ("id", "text", "category")] + ["source_line"]
        return pq.ParquetWriter(path, self.arrow_schema, compression="lz4",
                                use_dictionary=dictionary or False,
                                write_statistics=statistics)

    def run(self) -> _TableOutcome:
        clock = self.clock
        with self._writer(self.stage1) as writer:
            batches = self.source.batches(exact=self.exact)
            while True:
                started = time.perf_counter()
                raw = next(batches, None)
                clock["read"] += time.perf_counter() - started
                if raw is None:
                    break
                self.blank_rows += raw.blank_rows
                if raw.bad_records:
                    self._quarantine_bad_records(raw.bad_records)
                if raw.num_rows:
                    accepted = self._batch(raw)
                    if accepted.num_rows:
                        started = time.perf_counter()
                        writer.write_table(accepted)
                        clock["write"] += time.perf_counter() - started
        if self.rows_read == 0:
            raise InputError("has a header but no data rows (only blank lines).",
                             file=str(self.source.path),
                             fix="check the export's filters and date range and export again.")
        warnings = []
        if isinstance(self.source, CsvSource) and not self.source.line_numbers_verified:
            warnings.append(f"{self.source.path}: line numbers could not be verified against "
                            "the file's line endings; treat source_line as approximate.")
        started = time.perf_counter()
        final, dup_quarantine = self._duplicates()
        clock["keys"] += time.perf_counter() - started
        parts = [p for p in [*self.quarantine_parts, dup_quarantine] if p is not None and len(p)]
        quarantine = (pd.concat(parts, ignore_index=True) if parts
                      else self._empty_quarantine())
        quarantine = quarantine.sort_values("source_line", kind="stable", ignore_index=True)
        return _TableOutcome(
            spec=self.spec, table_file=self.plan.table_file, source=self.source,
            parquet=final, quarantine=quarantine, rows_read=self.rows_read,
            blank_rows=self.blank_rows, primary=self.primary, failures=self.failures,
            rules=self.rules, first_date=self.first_date, last_date=self.last_date,
            warnings=warnings, clock=dict(clock))

    def _empty_quarantine(self) -> pd.DataFrame:
        frame = pd.DataFrame({c: pd.Series(dtype="str") for c in
                              [*QUARANTINE_META, *self.spec.column_names]})
        frame["source_line"] = frame["source_line"].astype("Int64")
        return frame

    def _quarantine_bad_records(self, records: list[BadRecord]) -> None:
        expected = len(self.source.columns)
        rows = []
        for rec in records:
            try:
                fields = next(csv.reader([rec.text]))
            except (csv.Error, StopIteration):
                fields = []
            values = {c.name: (fields[self.header_position[c.name]]
                               if self.header_position[c.name] < len(fields) else "")
                      for c in self.spec.columns}
            reason = (f"has {rec.fields} fields but the header has {expected} (an unquoted "
                      f"comma in a value, or a truncated line): {_quoted(rec.text, 120)}")
            rows.append({"source_line": rec.line, "rule": "wrong_field_count", "column": "",
                         "reason": reason, **values})
        self.rows_read += len(rows)
        self.primary["wrong_field_count"] += len(rows)
        self.failures["wrong_field_count"] += len(rows)
        frame = pd.DataFrame(rows)
        frame["source_line"] = frame["source_line"].astype("Int64")
        self.quarantine_parts.append(frame.astype({c: "str" for c in frame.columns
                                                   if c != "source_line"}))

    def _raw_text(self, name: str, arr: pa.Array) -> pa.Array:
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            return arr
        return pa.array(as_text(arr), pa.large_string())

    def _batch(self, raw: RawBatch) -> pa.Table:
        n = raw.num_rows
        self.rows_read += n
        fails = _Failures()
        contract = [c for c in self.spec.columns]
        started = time.perf_counter()
        self._structure(raw, fails)
        parsed: dict[str, ParsedColumn] = {}
        check_breaks = self.exact and self.source.may_have_line_breaks
        for col in contract:
            p = parse_column(raw.columns[col.name], col, self.options,
                             check_line_breaks=check_breaks)
            parsed[col.name] = p
            if p.invalid.any():
                rows = np.flatnonzero(p.invalid)
                texts = self._raw_text(col.name, raw.columns[col.name].take(rows)).to_pylist()
                fails.add(rows, "bad_value", col.name,
                          [f"{col.name}: {explain_invalid(t or '', col, self.options)}"
                           for t in texts])
            if p.currency is not None:
                self._currency(col, p, raw, fails)
        invalid_cells = {name: p.invalid for name, p in parsed.items()}
        typed = pa.table({c.name: parsed[c.name].values for c in contract})
        self.clock["parse"] += time.perf_counter() - started
        started = time.perf_counter()
        self._pandera(typed, raw, invalid_cells, fails)
        self.clock["pandera"] += time.perf_counter() - started
        started = time.perf_counter()
        self._foreign_keys(parsed, raw, fails)
        failed_rows = self._compose(fails, raw, n, typed)
        self.clock["keys_and_quarantine"] += time.perf_counter() - started
        accepted_mask = np.ones(n, dtype=bool)
        accepted_mask[failed_rows] = False
        keep = pa.array(accepted_mask)
        accepted = typed.filter(keep).append_column(
            "source_line", pa.array(raw.source_line[accepted_mask], pa.int64()))
        if self.date_column is not None and accepted.num_rows:
            lo_hi = pc.min_max(accepted[self.date_column]).as_py()
            lo, hi = lo_hi["min"], lo_hi["max"]
            if lo is not None:
                self.first_date = lo if self.first_date is None else min(self.first_date, lo)
                self.last_date = hi if self.last_date is None else max(self.last_date, hi)
        return accepted.cast(self.arrow_schema)

    def _structure(self, raw: RawBatch, fails: _Failures) -> None:
        n = raw.num_rows
        if self.source.may_have_nul:
            nul = np.zeros(n, dtype=bool)
            cols: list[str] = []
            for name, arr in raw.columns.items():
                if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
                    hit = pc.fill_null(pc.match_substring(arr, "\x00"), False)
                    if pc.any(hit).as_py():
                        nul |= hit.to_numpy(zero_copy_only=False)
                        cols.append(name)
            if nul.any():
                rows = np.flatnonzero(nul)
                fails.add(rows, "nul_byte", cols[0] if len(cols) == 1 else ", ".join(cols),
                          ["contains a NUL byte (\\x00) in " + ", ".join(cols)
                           + ": the export is corrupt at this line"] * len(rows))
        names = [c for c in self.source.columns if c in self.spec.column_names]
        first = raw.columns[names[0]]
        if pa.types.is_string(first.type) or pa.types.is_large_string(first.type):
            norm = pc.utf8_lower(pc.utf8_trim_whitespace(first))
            candidates = pc.fill_null(pc.equal(norm, names[0].lower()), False)
            if pc.any(candidates).as_py():
                hits = np.zeros(n, dtype=np.int64)
                for name in names:
                    arr = pc.utf8_lower(pc.utf8_trim_whitespace(raw.columns[name]))
                    hits += pc.fill_null(pc.equal(arr, name.lower()), False).to_numpy(
                        zero_copy_only=False)
                header_rows = candidates.to_numpy(zero_copy_only=False) & (
                    hits >= max(2, (len(names) + 1) // 2))
                rows = np.flatnonzero(header_rows)
                fails.add(rows, "repeated_header", None,
                          ["repeats the header row (were files concatenated with their "
                           "headers?)"] * len(rows))
        # a totals label sits in the first column or in the key (where a record's ID is)
        label_columns = [names[0]] + [k for k in self.spec.key
                                      if k != names[0] and self.spec.column(k).kind == "id"]
        totals = np.zeros(n, dtype=bool)
        for name in label_columns:
            arr = raw.columns[name]
            if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
                continue
            totals |= pc.fill_null(pc.match_substring_regex(arr, _TOTALS_RE),
                                   False).to_numpy(zero_copy_only=False)
        rows = np.flatnonzero(totals)
        fails.add(rows, "totals_row", None,
                  ["looks like a totals row (labelled 'total'), not a record; delete it from "
                   "the export"] * len(rows))

    def _currency(self, col: ColumnSpec, p: ParsedColumn, raw: RawBatch,
                  fails: _Failures) -> None:
        symbols = p.currency.to_numpy(zero_copy_only=False).astype(object)
        used = [s for s in pd.unique(symbols) if isinstance(s, str) and s]
        if not used:
            return
        if col.name not in self.currency:
            first = next(s for s in symbols if isinstance(s, str) and s)
            self.currency[col.name] = first
        ref = self.currency[col.name]
        other = np.array([isinstance(s, str) and s != "" and s != ref for s in symbols])
        if other.any():
            rows = np.flatnonzero(other)
            fails.add(rows, "bad_value", col.name,
                      [f"{col.name}: uses currency '{symbols[i]}' but earlier rows use "
                       f"'{ref}'; amounts are never converted, so export one currency"
                       for i in rows])

    def _pandera(self, typed: pa.Table, raw: RawBatch, invalid: dict[str, np.ndarray],
                 fails: _Failures) -> None:
        """Validate the typed batch with the contract's pandera schema (lazy: all failures).

        The frame has a RangeIndex, so failure index labels are row positions. Failing
        rows come from each error's boolean ``check_output`` (the schema formats only a
        sample of failure cases, see ``table_schema(failure_sample=...)``) and from the
        failure cases of null checks.
        """
        frame = arrow_to_pandas(typed)
        try:
            self.schema.validate(frame, lazy=True)
            return
        except pandera.errors.SchemaErrors as exc:
            errors = exc.schema_errors
        found: dict[tuple[str, str], list[np.ndarray]] = {}
        descriptions: dict[tuple[str, str], str] = {}
        for err in errors:
            check = err.check if isinstance(err.check, str) else (err.check.error or "")
            rule, col = parse_check_error(check)
            if rule == "missing_value":
                col = err.schema.name
                rows = err.failure_cases["index"].to_numpy(dtype=np.int64)
            elif err.check_output is not None:
                out = err.check_output
                rows = out.index[~out.astype(bool).to_numpy()].to_numpy(dtype=np.int64)
                col = col or getattr(err.schema, "name", None) or ""
            else:  # a dtype or structure failure: the parser guarantees these
                raise RuntimeError(f"{self.spec.name}: unexpected schema failure: {err}")
            found.setdefault((rule, col), []).append(rows)
            descriptions[(rule, col)] = check.split(": ", 1)[-1]
        for (rule, col), parts in found.items():
            rows = np.unique(np.concatenate(parts))
            if rule == "missing_value":
                rows = rows[~invalid[col][rows]]  # already reported as bad_value
                reasons = self._missing_reasons(col, raw, rows)
            elif rule in self.checks:
                reasons = self._row_rule_reasons(self.checks[rule], typed, raw, rows)
            else:
                description = descriptions[(rule, col)]
                texts = self._raw_text(col, raw.columns[col].take(rows)).to_pylist()
                values = typed[col].take(rows).to_pylist()
                reasons = [f"{col}: {_quoted(t or '')}" + (f" (read as {v})" if str(v) != t
                                                            else "") + f" {description}"
                           for t, v in zip(texts, values, strict=True)]
            fails.add(rows, rule, col, reasons)

    def _missing_reasons(self, col: str, raw: RawBatch, rows: np.ndarray) -> list[str]:
        texts = self._raw_text(col, raw.columns[col].take(rows)).to_pylist()
        out = []
        for t in texts:
            t = (t or "").strip(" \t")
            out.append(f"{col} is required but missing" + (f" ({_quoted(t)} is read as "
                                                           "missing)" if t else ""))
        return out

    def _row_rule_reasons(self, check, typed: pa.Table, raw: RawBatch,
                          rows: np.ndarray) -> list[str]:
        spec_rules = {r.name: r for r in self.spec.row_rules}
        rule = spec_rules.get(check.rule)
        if rule is not None:
            left = self._raw_text(rule.left, raw.columns[rule.left].take(rows)).to_pylist()
            right = self._raw_text(rule.right, raw.columns[rule.right].take(rows)).to_pylist()
            return [f"{check.description}: {rule.left}={_quoted(a or '')}, "
                    f"{rule.right}={_quoted(b or '')}"
                    for a, b in zip(left, right, strict=True)]
        cols = [c for c in (check.column, f"{check.column}__num", f"{check.column}__den",
                            f"{check.column}__reason") if c in raw.columns]
        texts = {c: self._raw_text(c, raw.columns[c].take(rows)).to_pylist() for c in cols}
        return [f"{check.column}: {check.description} ("
                + ", ".join(f"{c}={_quoted(texts[c][i] or '')}" for c in cols) + ")"
                for i in range(len(rows))]

    def _foreign_keys(self, parsed: dict[str, ParsedColumn], raw: RawBatch,
                      fails: _Failures) -> None:
        for col, table, _pcol in self.spec.foreign_keys:
            parent = self.parents.get(f"{self.spec.name}.{col}")
            if parent is None:
                continue
            values = parsed[col].values
            known = pc.is_in(values, value_set=parent.accepted)
            orphan = pc.and_(pc.is_valid(values), pc.invert(known))
            mask = pc.fill_null(orphan, False).to_numpy(zero_copy_only=False)
            if not mask.any():
                continue
            rows = np.flatnonzero(mask)
            keys = values.take(rows).to_pylist()
            reasons = []
            for key in keys:
                where = parent.rejected.get(key)
                if where is not None:
                    reasons.append(f"{col} {_quoted(key)} points at a {table} row that was "
                                   f"quarantined ({table} line {where[0]}: {where[1]})")
                else:
                    reasons.append(f"{col} {_quoted(key)} is not in {table} "
                                   f"(no {table}.{parent.column} has this value)")
            fails.add(rows, "orphan_key", col, reasons)

    def _compose(self, fails: _Failures, raw: RawBatch, n: int, typed: pa.Table) -> np.ndarray:
        """Waterfall: primary rule per failing row, every reason, quarantine rows out."""
        if not fails.rows:
            return np.zeros(0, dtype=np.int64)
        sizes = [len(r) for r in fails.rows]
        table = pd.DataFrame({
            "row": np.concatenate(fails.rows),
            "rank": np.repeat([self.rank[r] for r in fails.rules], sizes),
            "rule": np.repeat(np.array(fails.rules, dtype=object), sizes),
            "column": np.repeat(np.array([c or "" for c in fails.columns], dtype=object), sizes),
            "reason": [r for reasons in fails.reasons for r in reasons],
        })
        self._systematic(table, raw, n)
        table = table.sort_values(["row", "rank"], kind="stable")
        # a repeated header or a totals row is not a record: its other "failures" are noise
        structural = table["rule"].isin(list(STRUCTURE_RULES))
        if structural.any():
            junk_rows = table.loc[structural, "row"].unique()
            table = table[structural | ~table["row"].isin(junk_rows)]
        for rule, count in table.drop_duplicates(["row", "rule"])["rule"].value_counts().items():
            self.failures[rule] += int(count)
        first = table.drop_duplicates("row")
        for rule, count in first["rule"].value_counts().items():
            self.primary[rule] += int(count)
        joined = table.groupby("row", sort=True)["reason"].agg("; ".join)
        rows = first["row"].to_numpy()
        quarantine = pd.DataFrame({
            "source_line": pd.array(raw.source_line[rows], dtype="Int64"),
            "rule": first["rule"].to_numpy(),
            "column": first["column"].to_numpy(),
            "reason": joined.loc[rows].to_numpy(),
        })
        take = pa.array(rows)
        for col in self.spec.column_names:
            quarantine[col] = pd.Series(as_text(raw.columns[col].take(take)), dtype="str")
        quarantine = quarantine.astype({c: "str" for c in quarantine.columns
                                        if c != "source_line"})
        self.quarantine_parts.append(quarantine)
        keys = typed.select(list(self.spec.key)).take(take).append_column(
            "source_line", pa.array(raw.source_line[rows], pa.int64()))
        complete = None
        for k in self.spec.key:
            valid = pc.is_valid(keys[k])
            complete = valid if complete is None else pc.and_(complete, valid)
        keys = keys.filter(complete)
        if keys.num_rows:
            self.quarantined_keys.append(keys)
        return rows

    def _systematic(self, table: pd.DataFrame, raw: RawBatch, n: int) -> None:
        if n < SYSTEMATIC_MIN_ROWS:
            return
        skip = {"repeated_header", "totals_row", "wrong_field_count"}
        per = table[~table["rule"].isin(skip)].drop_duplicates(["row", "rule", "column"])
        counts = per.groupby(["rule", "column"]).size()
        if counts.empty or counts.max() <= SYSTEMATIC_SHARE * n:
            return
        rule, column = counts.idxmax()
        example = per[(per["rule"] == rule) & (per["column"] == column)].iloc[0]
        line = int(raw.source_line[int(example["row"])])
        raise InputError(
            f"rule '{rule}' rejects {int(counts.max())} of {n} rows in one batch (from line "
            f"{int(raw.source_line[0])}); for example line {line}: {example['reason']}. So "
            "many failures mean a systematic export problem, not a few bad rows.",
            file=str(self.source.path), column=column or None,
            fix="correct the export as the example says (a wrong --date-format, swapped "
            "columns or files from different systems are the usual causes) and run again.")

    # -- whole-file checks -------------------------------------------------------------
    def _duplicates(self) -> tuple[Path, pd.DataFrame | None]:
        """Quarantine duplicate keys; return the final accepted parquet and new rows."""
        key = ", ".join(_sql_ident(k) for k in self.spec.key)
        qname, dname = f"qkeys_{self.spec.name}", f"dupkeys_{self.spec.name}"
        if self.quarantined_keys:
            qkeys = pa.concat_tables(self.quarantined_keys)
        else:
            qkeys = pa.table({**{k: pa.array([], ARROW_TYPES[self.spec.column(k).kind])
                                 for k in self.spec.key},
                              "source_line": pa.array([], pa.int64())})
        self.con.register(qname, qkeys)
        stage1 = _sql_path(self.stage1)
        all_cols = ", ".join(_sql_ident(c) for c in self.spec.column_names)
        # a count of distinct keys first (cheapest); duplicates, if any, are then looked up
        distinct = f"count(DISTINCT ({key}))" if len(self.spec.key) > 1 else \
            f"count(DISTINCT {key})"
        total, unique = self.con.execute(f"""
            SELECT count(*), {distinct} FROM (
                SELECT {key} FROM read_parquet({stage1})
                UNION ALL SELECT {key} FROM {qname})
        """).fetchall()[0]
        if total == unique:
            self.con.unregister(qname)
            return self._finalise(set()), None
        dup_keys = self.con.sql(f"""
            SELECT {key} FROM (
                SELECT {key} FROM read_parquet({stage1})
                UNION ALL SELECT {key} FROM {qname})
            GROUP BY ALL HAVING count(*) > 1
        """).to_arrow_table()
        if dup_keys.num_rows == 0:
            self.con.unregister(qname)
            return self._finalise(set()), None
        self.con.register(dname, dup_keys)
        dup = self.con.sql(f"""
            SELECT {key}, source_line, true AS accepted, hash({all_cols}) AS row_hash
              FROM read_parquet({stage1}) SEMI JOIN {dname} USING ({key})
            UNION ALL
            SELECT {key}, source_line, false, NULL FROM {qname} SEMI JOIN {dname} USING ({key})
            ORDER BY source_line
        """).df()
        self.con.unregister(qname)
        self.con.unregister(dname)
        reject: dict[int, str] = {}
        extra_reason: dict[int, str] = {}
        for _, group in dup.groupby(list(self.spec.key), sort=False, dropna=False):
            lines = [int(x) for x in group["source_line"]]
            desc = ", ".join(f"{k}={_quoted(str(group[k].iloc[0]))}" for k in self.spec.key)
            all_ok = bool(group["accepted"].all())
            identical = all_ok and group["row_hash"].nunique() == 1
            for line, ok in zip(lines, group["accepted"], strict=True):
                others = ", ".join(str(x) for x in lines if x != line)
                if identical:
                    if line != lines[0]:
                        reject[line] = (f"exact duplicate of line {lines[0]} ({desc}); only the "
                                        "first copy is kept")
                elif ok:
                    reject[line] = (f"duplicate key {desc}: also on line(s) {others}; the "
                                    "copies differ, so none is kept")
                else:
                    extra_reason[line] = f"duplicate key {desc}: also on line(s) {others}"
        self.failures["duplicate_key"] += len(reject) + len(extra_reason)
        self.primary["duplicate_key"] += len(reject)
        if extra_reason:
            for part in self.quarantine_parts:
                hit = part["source_line"].isin(list(extra_reason))
                if hit.any():
                    part.loc[hit, "reason"] = [
                        f"{r}; {extra_reason[int(line)]}"
                        for r, line in zip(part.loc[hit, "reason"], part.loc[hit, "source_line"],
                                           strict=True)]
        rows = self._reread(set(reject))
        rows["rule"] = "duplicate_key"
        rows["column"] = ", ".join(self.spec.key)
        rows["reason"] = [reject[int(line)] for line in rows["source_line"]]
        quarantine = rows[[*QUARANTINE_META, *self.spec.column_names]]
        return self._finalise(set(reject)), quarantine

    def _reread(self, lines: set[int]) -> pd.DataFrame:
        """Raw text of accepted rows rejected after the stream (one more read)."""
        wanted = pa.array(sorted(lines), pa.int64())
        parts = []
        for raw in self.source.batches(exact=self.exact):
            if not raw.num_rows:
                continue
            hit = pc.is_in(pa.array(raw.source_line), value_set=wanted)
            idx = np.flatnonzero(hit.to_numpy(zero_copy_only=False))
            if len(idx):
                take = pa.array(idx)
                part = pd.DataFrame({"source_line": pd.array(raw.source_line[idx],
                                                             dtype="Int64")})
                for col in self.spec.column_names:
                    part[col] = pd.Series(as_text(raw.columns[col].take(take)), dtype="str")
                parts.append(part)
        out = pd.concat(parts, ignore_index=True)
        if len(out) != len(lines):  # pragma: no cover - the same reader, the same lines
            raise RuntimeError(f"re-reading {self.source.path} found {len(out)} of "
                               f"{len(lines)} rows")
        return out

    def _finalise(self, rejected_lines: set[int]) -> Path:
        final = self.workdir / f"{self.spec.name}.parquet"
        if not rejected_lines:
            self.stage1.replace(final)
            return final
        drop = pa.array(sorted(rejected_lines), pa.int64())
        source = pq.ParquetFile(self.stage1)
        with self._writer(final) as writer:
            for i in range(source.num_row_groups):
                group = source.read_row_group(i)
                keep = pc.invert(pc.is_in(group["source_line"], value_set=drop))
                writer.write_table(group.filter(keep))
        self.stage1.unlink()
        return final


def _sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _parent_keys(outcome: _TableOutcome, column: str, con: duckdb.DuckDBPyConnection
                 ) -> _ParentKeys:
    accepted = con.sql(
        f"SELECT DISTINCT {_sql_ident(column)} AS k FROM read_parquet({_sql_path(outcome.parquet)})"
    ).to_arrow_table()
    accepted_keys = accepted.column("k").combine_chunks() if accepted.num_rows else pa.array(
        [], pa.large_string())
    rejected: dict[str, tuple[int, str]] = {}
    q = outcome.quarantine
    if len(q):
        values = q[column].astype("str").str.strip(" \t")
        for key, line, rule in zip(values, q["source_line"], q["rule"], strict=True):
            if isinstance(key, str) and key and key not in rejected:
                rejected[key] = (int(line), rule)
    return _ParentKeys(table=outcome.spec.name, column=column,
                       accepted=accepted_keys.cast(pa.large_string()), rejected=rejected)


# --- the report ---------------------------------------------------------------------------
def _quality_frame(outcomes: list[_TableOutcome], calendar: FiscalCalendar) -> pd.DataFrame:
    rows = []
    bounds = pd.Series([d for o in outcomes for d in (o.first_date, o.last_date)],
                       dtype="datetime64[us]")
    labels = calendar.quarter_label(bounds).tolist() if len(bounds) else []
    for i, o in enumerate(outcomes):
        quarantined = len(o.quarantine)
        accepted = o.rows_read - quarantined
        descriptions = rule_descriptions(o.spec)
        first_q = last_q = None
        if o.first_date is not None:
            first_q, last_q = labels[2 * i], labels[2 * i + 1]
        rows.append({
            "table": o.spec.name, "level": "table", "rule": ALL_RULES_LABEL,
            "description": f"{o.table_file.path.name} ({o.table_file.format})",
            "rows_read": o.rows_read, "rows_accepted": accepted,
            "rows_quarantined": quarantined, "failures": int(sum(o.failures.values())),
            "blank_rows_skipped": o.blank_rows, "first_quarter": first_q,
            "last_quarter": last_q,
        })
        entering = o.rows_read
        for rule in o.rules:
            q = int(o.primary.get(rule, 0))
            rows.append({
                "table": o.spec.name, "level": "rule", "rule": rule,
                "description": descriptions.get(rule, ""), "rows_read": entering,
                "rows_accepted": entering - q, "rows_quarantined": q,
                "failures": int(o.failures.get(rule, 0)), "blank_rows_skipped": None,
                "first_quarter": None, "last_quarter": None,
            })
            entering -= q
        if entering != accepted:  # pragma: no cover - the invariant the report promises
            raise RuntimeError(f"{o.spec.name}: quality waterfall does not reconcile "
                               f"({entering} != {accepted})")
    frame = pd.DataFrame(rows)
    for col in ("rows_read", "rows_accepted", "rows_quarantined", "failures",
                "blank_rows_skipped"):
        frame[col] = frame[col].astype("Int64")
    for col in ("table", "level", "rule", "description", "first_quarter", "last_quarter"):
        frame[col] = frame[col].astype("str")
    return frame


def _files_frame(outcomes: list[_TableOutcome]) -> pd.DataFrame:
    frame = pd.DataFrame([{
        "table": o.spec.name, "path": str(o.table_file.path), "format": o.table_file.format,
        "bytes": o.source.scan.size, "sha256": o.source.scan.sha256, "rows": o.rows_read,
    } for o in outcomes])
    return frame.astype({"table": "str", "path": "str", "format": "str", "bytes": "Int64",
                         "sha256": "str", "rows": "Int64"})


def _strict_message(outcomes: list[_TableOutcome]) -> str:
    parts = []
    for o in outcomes:
        if len(o.quarantine):
            rules = ", ".join(f"{r} {c}" for r, c in o.primary.most_common())
            parts.append(f"{o.spec.name} {len(o.quarantine)} ({rules})")
    total = sum(len(o.quarantine) for o in outcomes)
    return (f"--strict: {total} row(s) were quarantined: " + "; ".join(parts)
            + ". See quarantine/<table>.csv for each row, its line and the reason; fix the "
            "exports or run without --strict to continue with the accepted rows.")


# --- the entry point ----------------------------------------------------------------------
def validate_folder(
    path: str | Path,
    *,
    strict: bool = False,
    encoding: str = "utf-8",
    date_format: str | None = None,
    calendar: FiscalCalendar | None = None,
    metrics_table: str | Path | None = None,
    work_dir: str | Path | None = None,
) -> ValidationResult:
    """Validate every table in ``path`` against the data contract.

    Parameters
    ----------
    path:
        Folder with one ``<table>.csv`` or ``<table>.parquet`` per contract table.
    strict:
        Raise :class:`~rotlib.errors.StrictModeError` if any row was quarantined (the
        result is attached to the error as ``.result``).
    encoding:
        Text encoding of the CSV files (UTF-8, with or without BOM, by default).
    date_format:
        strptime layout accepted in date columns besides ISO (e.g. ``"%d/%m/%Y"``).
    calendar:
        Fiscal calendar for the quarters each table covers in the report.
    metrics_table:
        A BI-supplied partner x quarter metrics table (``partner_quarter_metrics.csv``
        in the folder is picked up without it); the raw tables then become optional.
    work_dir:
        Where accepted rows are staged (a temporary folder by default; removed when the
        result is garbage-collected).

    Raises
    ------
    InputError
        For table-level problems (missing file or column, encoding, delimiter, empty
        file, header only, systematic failures), naming the file, column and fix.
    """
    folder = Path(path)
    calendar = calendar or FiscalCalendar()
    options = ParseOptions(date_format=date_format)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rot-scan") as scanner:
        plans, warnings, missing = _plan(folder, encoding,
                                         Path(metrics_table) if metrics_table else None,
                                         scanner)
        workspace = _Workspace(work_dir)
        try:
            outcomes = _run_tables(plans, options, missing, warnings, workspace.path)
            for o in outcomes:
                o.source.scan  # noqa: B018 - wait for the hashes inside the executor
        except BaseException:
            workspace.remove()
            raise
    paths = {o.spec.name: o.parquet for o in outcomes}
    result = ValidationResult(
        tables=_ParquetTables(paths, workspace),
        quarantine={o.spec.name: o.quarantine for o in outcomes},
        quality=_quality_frame(outcomes, calendar),
        files=_files_frame(outcomes),
        warnings=warnings,
        parquet_paths=paths,
        _workspace=workspace,
        timings={o.spec.name: o.seconds for o in outcomes},
        profile={o.spec.name: o.clock for o in outcomes},
    )
    if strict and result.rows_quarantined:
        err = StrictModeError(_strict_message(outcomes))
        err.result = result  # type: ignore[attr-defined]
        raise err
    return result


def _run_table(plan: _Plan, options: ParseOptions, parents: dict[str, _ParentKeys],
               workdir: Path, con: duckdb.DuckDBPyConnection) -> _TableOutcome:
    started = time.perf_counter()
    exact = plan.source.needs_exact_read
    try:
        try:
            outcome = _TableValidator(plan, options=options, parents=parents,
                                      workdir=workdir, con=con, exact=exact).run()
        except LineCountMismatch:
            # values contain line breaks after all: read again, counting them
            outcome = _TableValidator(plan, options=options, parents=parents,
                                      workdir=workdir, con=con, exact=True).run()
    finally:
        con.close()
    outcome.seconds = time.perf_counter() - started
    return outcome


def _run_tables(plans: list[_Plan], options: ParseOptions, missing: list[str],
                warnings: list[str], workdir: Path) -> list[_TableOutcome]:
    """Validate every table, two at a time (2 cores), each after the tables it references.

    Parsing, Arrow, Parquet and DuckDB release the GIL, so two tables in threads use both
    cores. The result does not depend on the interleaving: a table only reads the
    accepted keys of its finished parents. On an error, the running tables finish and
    the error of the first table in contract order is raised.
    """
    con = duckdb.connect(config={"temp_directory": str(workdir / "duckdb"),
                                 "memory_limit": DUCKDB_MEMORY_LIMIT})
    order = {p.spec.name: i for i, p in enumerate(plans)}
    present = set(order)
    for plan in plans:
        for col, table, _ in plan.spec.foreign_keys:
            if table not in present and table in missing:
                warnings.append(f"{plan.spec.name}.{col} was not checked against {table}: "
                                f"no {table} file was supplied")
    # biggest first, so the long tables overlap instead of running last
    pending = sorted(plans, key=lambda p: (-p.source.size, order[p.spec.name]))
    finished: dict[str, _TableOutcome] = {}
    parent_cache: dict[tuple[str, str], _ParentKeys] = {}
    errors: dict[str, BaseException] = {}
    _warm_up_pandera()
    try:
        with ThreadPoolExecutor(max_workers=TABLE_WORKERS,
                                thread_name_prefix="rot-table") as pool:
            running: dict = {}
            while pending or running:
                for plan in list(pending):
                    if errors or len(running) >= TABLE_WORKERS:
                        break
                    needed = {t for _, t, _ in plan.spec.foreign_keys
                              if t in present and t != plan.spec.name}
                    if not needed <= set(finished):
                        continue
                    parents = {}
                    for col, table, pcol in plan.spec.foreign_keys:
                        if table in finished:
                            if (table, pcol) not in parent_cache:
                                parent_cache[(table, pcol)] = _parent_keys(
                                    finished[table], pcol, con)
                            parents[f"{plan.spec.name}.{col}"] = parent_cache[(table, pcol)]
                    pending.remove(plan)
                    future = pool.submit(_run_table, plan, options, parents, workdir,
                                         con.cursor())
                    running[future] = plan
                if not running:
                    break
                done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for future in done:
                    plan = running.pop(future)
                    try:
                        finished[plan.spec.name] = future.result()
                    except BaseException as exc:
                        errors[plan.spec.name] = exc
    finally:
        con.close()
    if errors:
        raise errors[min(errors, key=order.__getitem__)]
    outcomes = sorted(finished.values(), key=lambda o: order[o.spec.name])
    for o in outcomes:
        warnings += o.warnings
    return outcomes


def _warm_up_pandera() -> None:
    """pandera registers its backends on first use; do it before threads race to."""
    spec = all_specs()[0]
    frame = arrow_to_pandas(pa.table({c.name: pa.array([], ARROW_TYPES[c.kind])
                                      for c in spec.columns}))
    table_schema(spec, with_key=False).validate(frame)

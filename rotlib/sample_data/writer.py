"""Write a generated sample to a folder: one CSV or Parquet file per table + truth.json.

This is the I/O edge of the generator (the rest is pure). Tables are streamed chunk by
chunk through Arrow writers, so memory stays bounded at 100k partners.

CSV format (what ``rotlib.contract`` expects): UTF-8 without BOM, comma-separated, a
header row, text always double-quoted (quotes doubled inside), missing values as empty
fields, dates ``YYYY-MM-DD``, timestamps ISO 8601 with ``Z`` or an offset
(``2025-03-01T09:30:00+08:00``), booleans ``true``/``false``, money with two decimals.
Parquet: the Arrow types of :mod:`rotlib.sample_data.columns` (timestamps in UTC),
zstd-compressed, one row group per chunk. Files are first written under a temporary
name and renamed when complete, so a crash never leaves a half-written table that looks
whole.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from rotlib.contract import TABLES, table
from rotlib.errors import InputError
from rotlib.sample_data.columns import TableChunk
from rotlib.sample_data.config import SampleConfig
from rotlib.sample_data.generate import SampleGenerator

Format = Literal["csv", "parquet"]
FORMATS: tuple[str, ...] = ("csv", "parquet")
TRUTH_FILE = "truth.json"
_MONEY = pa.decimal128(18, 2)


@dataclass(frozen=True)
class WriteReport:
    """What was written: one file per table, row counts and sizes, and the time taken."""

    out_dir: Path
    format: str
    files: dict[str, Path]
    row_counts: dict[str, int]
    bytes_written: dict[str, int]
    seconds: float

    @property
    def total_bytes(self) -> int:
        return sum(self.bytes_written.values())


def generated_files(out_dir: Path) -> list[Path]:
    """Files in ``out_dir`` that a previous run of the generator would have written."""
    names = [f"{t.name}.{ext}" for t in TABLES for ext in FORMATS] + [TRUTH_FILE]
    return [out_dir / n for n in names if (out_dir / n).exists()]


def _render_timestamps(values: pa.Array, offset_minutes: np.ndarray | None) -> pa.Array:
    """ISO 8601 text: ``YYYY-MM-DDTHH:MM:SSZ`` or with the row's ``+HH:MM`` offset."""
    micros = values.cast(pa.int64())
    if offset_minutes is None:
        offset_minutes = np.zeros(len(values), dtype=np.int64)
    micros = pc.add(micros, pa.array(offset_minutes.astype(np.int64) * 60_000_000))
    text = micros.cast(pa.timestamp("us")).cast(pa.timestamp("s")).cast(pa.string())
    text = pc.utf8_replace_slice(text, start=10, stop=11, replacement="T")
    # offsets are whole minutes within +-14 hours: a lookup table beats np.unique's sort
    shifted = offset_minutes.astype(np.int64) + 14 * 60
    present = np.flatnonzero(np.bincount(shifted, minlength=28 * 60 + 1))
    lookup = np.zeros(28 * 60 + 1, dtype=np.int64)
    lookup[present] = np.arange(present.size)
    labels = pa.array([_offset_label(int(o) - 14 * 60) for o in present], pa.string())
    return pc.binary_join_element_wise(text, labels.take(pa.array(lookup[shifted])), "")


def _offset_label(minutes: int) -> str:
    if minutes == 0:
        return "Z"
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def csv_table(chunk: TableChunk) -> pa.Table:
    """The chunk with timestamps rendered as text and money as two-decimal numbers."""
    spec = table(chunk.name)
    arrays, fields = [], []
    for col in spec.columns:
        arr = chunk.table.column(col.name).combine_chunks()
        if col.kind == "timestamp":
            arr = _render_timestamps(arr, chunk.display_offset_minutes)
        elif col.kind == "money":
            arr = arr.cast(_MONEY)
        arrays.append(arr)
        fields.append(pa.field(col.name, arr.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


class _TableWriters:
    """One open Arrow writer per table, created on the first chunk."""

    def __init__(self, out_dir: Path, fmt: Format) -> None:
        self.out_dir, self.fmt = out_dir, fmt
        self.writers: dict[str, pacsv.CSVWriter | pq.ParquetWriter] = {}
        self.paths: dict[str, Path] = {}

    def write(self, chunk: TableChunk) -> None:
        data = csv_table(chunk) if self.fmt == "csv" else chunk.table
        writer = self.writers.get(chunk.name)
        if writer is None:
            path = self.out_dir / f"{chunk.name}.{self.fmt}"
            tmp = path.with_name(path.name + ".partial")
            self.paths[chunk.name] = path
            if self.fmt == "csv":
                options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
                writer = pacsv.CSVWriter(str(tmp), data.schema, write_options=options)
            else:
                writer = pq.ParquetWriter(str(tmp), data.schema, compression="zstd")
            self.writers[chunk.name] = writer
        writer.write_table(data)

    def close(self) -> dict[str, Path]:
        for name, writer in self.writers.items():
            writer.close()
            path = self.paths[name]
            os.replace(path.with_name(path.name + ".partial"), path)
        return self.paths

    def abort(self) -> None:
        for name, writer in self.writers.items():
            try:
                writer.close()
            finally:
                tmp = self.paths[name].with_name(self.paths[name].name + ".partial")
                tmp.unlink(missing_ok=True)


def dump_truth(truth: dict) -> str:
    """Readable JSON (indented) with the large per-partner arrays kept on one line each."""
    compact_keys = {"values", "partner_ids", "first_treated_quarter", "start_date",
                    "tricky_partner_names"}
    raw: list[str] = []

    def pack(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key in compact_keys:
                    raw.append(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
                    out[key] = f"@@RAW{len(raw) - 1}@@"
                else:
                    out[key] = pack(value)
            return out
        if isinstance(node, list):
            return [pack(v) for v in node]
        return node

    text = json.dumps(pack(truth), ensure_ascii=False, indent=2, allow_nan=False)
    for i, blob in enumerate(raw):
        text = text.replace(f'"@@RAW{i}@@"', blob, 1)
    return text + "\n"


def write_sample(config: SampleConfig, out_dir: str | Path, fmt: Format = "csv",
                 force: bool = False) -> WriteReport:
    """Generate ``config`` into ``out_dir`` (created if needed).

    Refuses to overwrite a folder that already holds sample tables or a truth file
    unless ``force``; with ``force`` those files (both formats) are replaced and any other
    file (a README) is left alone.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", fix="use --format csv or --format parquet")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("the output path exists and is not a folder", file=str(out),
                         fix="choose a folder for --out")
    existing = generated_files(out) if out.exists() else []
    if existing and not force:
        raise InputError(
            f"the output folder already holds sample data ({existing[0].name} and "
            f"{len(existing) - 1} more)", file=str(out),
            fix="pass --force to replace those files, or choose an empty folder")
    out.mkdir(parents=True, exist_ok=True)
    for path in existing:
        path.unlink()

    started = time.perf_counter()
    gen = SampleGenerator(config)
    writers = _TableWriters(out, fmt)
    try:
        for chunk in gen.chunks():
            writers.write(chunk)
        paths = writers.close()
    except BaseException:
        writers.abort()
        raise
    truth = gen.truth()
    truth_path = out / TRUTH_FILE
    tmp = truth_path.with_name(TRUTH_FILE + ".partial")
    tmp.write_text(dump_truth(truth), encoding="utf-8")
    os.replace(tmp, truth_path)
    files = {name: paths[name] for name in (t.name for t in TABLES)}
    files["truth"] = truth_path
    return WriteReport(
        out_dir=out, format=fmt, files=files, row_counts=truth["row_counts"],
        bytes_written={k: p.stat().st_size for k, p in files.items()},
        seconds=time.perf_counter() - started,
    )

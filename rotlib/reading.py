"""Read export files robustly: every value as text, every record with its source line.

Why this module exists: the validator must say *where* a bad record is. For CSV that is
the physical line on which the record starts, which differs from the record number as
soon as an earlier value contains a line break inside quotes, or a blank line was
skipped. The reader streams the file in batches (tables with tens of millions of rows
never sit in memory at once) and attaches that line to every record; records with the
wrong number of fields are handed back separately with their text, so the validator
can quarantine them instead of the parser dying or silently dropping them.

How lines are found. Arrow's CSV parser (single-threaded, so it can number the records
it rejects) reads all columns as strings. Each record spans ``1 + line breaks inside its
values`` physical lines. Counting breaks costs a pass over every value, so when a file is
large it is first read assuming no value contains a line break, and the total is checked
against a byte count of the file's line endings; on a mismatch the table is read again
counting breaks (``exact=True``). Files without any quote character cannot contain
quoted line breaks and never need the second pass. The byte pass also computes the
file's sha256 (provenance); given an executor it runs on a background thread, so it
overlaps with parsing.

Memory: Arrow's streaming CSV reader keeps a few dozen blocks in flight, so blocks are
small (8 MB) and several are merged into one batch of about 400k rows for the validator.

Text encoding: UTF-8 with or without a byte-order mark by default. UTF-16 files and
bytes that are not UTF-8 raise :class:`~rotlib.errors.InputError` naming the file, the
line and the ``--encoding`` fix; any encoding Python knows can be given explicitly.

Parquet files are read in row batches; ``source_line`` is then the 1-based row number.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import mmap
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from rotlib.errors import InputError

FileFormat = Literal["csv", "parquet"]
SUFFIXES: dict[str, FileFormat] = {".csv": "csv", ".parquet": "parquet"}

#: Bytes read up front to check encoding, header and delimiter.
SNIFF_BYTES = 1 << 20
#: Arrow CSV block size. Arrow's streaming reader keeps a few dozen blocks in flight, so
#: memory grows with it (about 36 x the block size); 8 MB blocks also parse fastest.
CSV_BLOCK_BYTES = 8 << 20
#: Rows handed to the validator at a time (several blocks are merged): large enough that
#: per-batch overheads (pandera, Parquet row groups) stay small.
BATCH_ROWS = 400_000
#: Parquet rows per batch.
PARQUET_BATCH_ROWS = 400_000
#: Files smaller than this that contain quotes are read counting line breaks right away.
EXACT_BELOW_BYTES = 64 << 20

_OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}
_UTF16_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class LineCountMismatch(Exception):
    """A fast read found fewer lines than the file has: read again with ``exact=True``."""


@dataclass(frozen=True)
class TableFile:
    """Where one table of the contract was found."""

    table: str
    path: Path
    format: FileFormat


def find_table_file(folder: Path, table: str) -> TableFile | None:
    """``<table>.csv`` or ``<table>.parquet`` in ``folder``; an error if both exist."""
    found = [folder / f"{table}{suffix}" for suffix in SUFFIXES
             if (folder / f"{table}{suffix}").is_file()]
    if len(found) > 1:
        raise InputError(
            f"both {found[0].name} and {found[1].name} exist, so it is unclear which one to "
            "read.", file=str(found[0].parent / table), fix="keep exactly one of them.")
    if not found:
        return None
    return TableFile(table=table, path=found[0], format=SUFFIXES[found[0].suffix])


def near_misses(folder: Path, table: str) -> list[str]:
    """Files that look like a misnamed export of ``table`` (for the fix in a message)."""
    if not folder.is_dir():
        return []
    want = table.lower()
    out = []
    for p in sorted(folder.iterdir()):
        stem = p.name.lower().split(".")[0]
        if p.is_file() and stem.replace("-", "_").replace(" ", "_") == want:
            out.append(p.name)
    return out


@dataclass(frozen=True)
class FileScan:
    """One pass over the bytes: provenance hash and what the reader needs to know."""

    size: int
    sha256: str
    has_quote: bool
    has_nul: bool
    line_count: int  # physical lines (\n, \r\n or a lone \r end a line)


def scan_file(path: Path, *, chunk: int = 16 << 20) -> FileScan:
    """Hash the file and count its lines in one sequential pass (about 1.5 GB/s)."""
    digest = hashlib.sha256()
    size = n_lf = n_cr = n_crlf = 0
    has_quote = has_nul = False
    prev_cr = False
    last = b""
    with open(path, "rb") as f:
        while True:
            buf = f.read(chunk)
            if not buf:
                break
            digest.update(buf)
            size += len(buf)
            n_lf += buf.count(b"\n")
            cr = buf.count(b"\r")
            if cr:
                n_cr += cr
                n_crlf += buf.count(b"\r\n") + (1 if prev_cr and buf[:1] == b"\n" else 0)
            has_quote = has_quote or b'"' in buf
            has_nul = has_nul or b"\x00" in buf
            prev_cr = buf[-1:] == b"\r"
            last = buf[-1:]
    lines = n_lf + n_cr - n_crlf + (1 if size and last not in (b"\n", b"\r") else 0)
    return FileScan(size=size, sha256=digest.hexdigest(), has_quote=has_quote,
                    has_nul=has_nul, line_count=lines)


def quick_flags(path: Path) -> tuple[int, bool, bool]:
    """(size, has a quote, has a NUL byte) by memchr over a memory map: a fraction of a
    second per GB, so the reader can choose its mode before the full scan is done."""
    size = path.stat().st_size
    has_quote = has_nul = False
    window = 64 << 20  # mapped a window at a time: pages are released, RSS stays small
    with open(path, "rb") as f:
        for offset in range(0, size, window):
            length = min(window, size - offset)
            with mmap.mmap(f.fileno(), length, offset=offset, access=mmap.ACCESS_READ) as mm:
                has_quote = has_quote or mm.find(b'"') >= 0
                has_nul = has_nul or mm.find(b"\x00") >= 0
            if has_quote and has_nul:
                break
    return size, has_quote, has_nul


def _done(value: object) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for buf in iter(lambda: f.read(16 << 20), b""):
            digest.update(buf)
    return digest.hexdigest()


@dataclass
class BadRecord:
    """A CSV record whose field count differs from the header's."""

    line: int
    fields: int
    text: str


@dataclass
class RawBatch:
    """A batch of records as read, before any parsing.

    ``columns`` maps each header name (trimmed) to its values: strings for CSV, the
    stored type for Parquet. ``line_breaks`` (exact CSV reads only) marks, per column,
    values containing a line break; ``None`` means no value can contain one.
    """

    columns: dict[str, pa.Array]
    source_line: np.ndarray
    line_breaks: dict[str, np.ndarray] | None = None
    bad_records: list[BadRecord] = field(default_factory=list)
    blank_rows: int = 0

    @property
    def num_rows(self) -> int:
        return len(self.source_line)


def _canonical(encoding: str, path: Path) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown text encoding {encoding!r}.", file=str(path),
                         fix="pass a Python codec name, e.g. --encoding utf-8, cp1252, "
                         "latin-1 or utf-16.") from None


def _ascii_compatible(codec: str) -> bool:
    """Whether line endings, quotes and NUL are the same single bytes as in ASCII."""
    try:
        return '\n\r",\x00'.encode(codec) == b'\n\r",\x00' and codec not in ("utf-7",)
    except (UnicodeError, LookupError):
        return False


def _undecodable(path: Path, codec: str) -> tuple[int, int, bytes] | None:
    """First byte the codec refuses: (line, byte offset, nearby bytes), or None."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    offset, lines = 0, 1
    with open(path, "rb") as f:
        for buf in iter(lambda: f.read(1 << 20), b""):
            try:
                decoder.decode(buf)
            except UnicodeDecodeError as exc:
                pos = max(0, min(exc.start, len(buf) - 1))
                lines += buf.count(b"\n", 0, pos)
                return lines, offset + pos, buf[max(0, pos - 20): pos + 10]
            except UnicodeError:  # e.g. "UTF-16 stream does not start with BOM"
                return lines, offset, buf[:20]
            lines += buf.count(b"\n")
            offset += len(buf)
        try:
            decoder.decode(b"", final=True)
        except UnicodeError:
            return lines, offset, b""
    return None


def encoding_error(path: Path, codec: str) -> InputError:
    """The error for a file the codec cannot decode, naming the line and the fix."""
    where = _undecodable(path, codec)
    line, detail = (None, "") if where is None else (where[0], f" (near {where[2]!r})")
    if codec == "utf-8":
        return InputError(
            f"is not valid UTF-8{detail}.", file=str(path), row=line,
            fix="the file is probably in a legacy encoding such as Windows-1252 or Latin-1: "
            "re-export it as UTF-8 (Excel: 'CSV UTF-8'), or pass the encoding explicitly, "
            "e.g. --encoding cp1252.")
    return InputError(f"cannot be decoded as {codec}{detail}.", file=str(path), row=line,
                      fix="pass the encoding the file was written in with --encoding.")


@dataclass
class Header:
    """The header record of a CSV file as exported."""

    raw_names: list[str]
    names: list[str]
    lines: int
    has_data: bool
    first_records: list[list[str]]


def _sniff_header(path: Path, codec: str, size: int) -> Header:
    want = SNIFF_BYTES
    while True:
        header = _sniff(path, codec, size, want)
        if header is not None:
            return header
        want *= 4  # the header record did not end inside the bytes read


def _sniff(path: Path, codec: str, size: int, want: int) -> Header | None:
    with open(path, "rb") as f:
        head = f.read(want)
    if not head.strip(b" \t\r\n" + codecs.BOM_UTF8):
        raise InputError("is empty (no header, no rows).", file=str(path),
                         fix="export the table again with its header row; see "
                         "docs/data-contract.md for the columns.")
    if codec == "utf-8":
        if head.startswith(_UTF16_BOMS):
            raise InputError(
                "is UTF-16 (or UTF-32) encoded, not UTF-8.", file=str(path),
                fix="re-export it as UTF-8 (Excel: 'CSV UTF-8'), or pass --encoding utf-16.")
        if head[:400].count(b"\x00") > len(head[:400]) // 4:
            raise InputError(
                "looks UTF-16 encoded (every other byte is NUL), not UTF-8.", file=str(path),
                fix="re-export it as UTF-8, or pass --encoding utf-16-le (or utf-16-be).")
    decoder = codecs.getincrementaldecoder("utf-8-sig" if codec == "utf-8" else codec)()
    try:
        text = decoder.decode(head, final=len(head) >= size)
    except UnicodeError:
        raise encoding_error(path, codec) from None
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0].strip(" \t\r")
    if not first_line:
        raise InputError("starts with a blank line; the header must be on line 1.",
                         file=str(path), row=1, fix="delete the blank lines above the header.")
    reader = csv.reader(io.StringIO(text, newline=""))
    raw = next(reader)
    header_lines = reader.line_num
    complete = len(head) >= size
    if not complete and len(text.splitlines(keepends=True)) <= header_lines:
        return None
    if len(raw) == 1:
        for sep, name in _OTHER_DELIMITERS.items():
            if sep in raw[0]:
                raise InputError(
                    f"has a single column: the file looks {name}-separated, but exports "
                    "must be comma-separated.", file=str(path), row=1, column=raw[0],
                    fix=f"re-export with ',' as the delimiter (or replace the {name}s with "
                    "commas, quoting values that contain commas).")
    first_records: list[list[str]] = []
    has_data = not complete
    try:
        for record in reader:
            if len(first_records) < 5:
                first_records.append(record)
            if any(v.strip(" \t") for v in record):
                has_data = True
                if len(first_records) >= 5:
                    break
    except csv.Error:
        has_data = True
    names = [n.strip(" \t\ufeff") for n in raw]
    return Header(raw_names=raw, names=names, lines=header_lines, has_data=has_data,
                  first_records=first_records)


class CsvSource:
    """A CSV export: header checks up front, then batches of string columns."""

    format: FileFormat = "csv"

    def __init__(self, path: Path, *, encoding: str = "utf-8",
                 block_bytes: int = CSV_BLOCK_BYTES, batch_rows: int = BATCH_ROWS,
                 scanner: Executor | None = None) -> None:
        self.path = Path(path)
        self.batch_rows = batch_rows
        self.codec = _canonical(encoding, self.path)
        self.block_bytes = block_bytes
        self.size, self.has_quote, self.has_nul = quick_flags(self.path)
        self.header = _sniff_header(self.path, self.codec, self.size)
        # the hash and the line count take a full pass: on another thread when possible
        self._scan = (scanner.submit(scan_file, self.path) if scanner is not None
                      else _done(scan_file(self.path)))
        self.columns: list[str] = self.header.names
        self.byte_compatible = _ascii_compatible(self.codec)
        self.lines_read: int | None = None

    @property
    def scan(self) -> FileScan:
        """sha256, size and physical line count (waits for the background pass)."""
        return self._scan.result()

    @property
    def line_numbers_verified(self) -> bool:
        """Whether the last read ended on the file's last physical line."""
        return not self.byte_compatible or self.lines_read == self.scan.line_count

    @property
    def has_rows(self) -> bool:
        return self.header.has_data

    @property
    def needs_exact_read(self) -> bool:
        """Whether line breaks must be counted from the start (see the module docstring)."""
        if not self.byte_compatible:
            return True
        return self.has_quote and self.size < EXACT_BELOW_BYTES

    @property
    def may_have_line_breaks(self) -> bool:
        return self.has_quote or not self.byte_compatible

    @property
    def may_have_nul(self) -> bool:
        return self.has_nul or not self.byte_compatible

    def batches(self, *, exact: bool) -> Iterator[RawBatch]:
        """Yield batches; with ``exact=False`` raise :class:`LineCountMismatch` at the end
        if the file has line breaks inside values after all."""
        rejected: deque = deque()

        def on_bad_row(row: pacsv.InvalidRow) -> str:
            rejected.append(row)
            return "skip"

        unique = [f"{n}\x00{i}" for i, n in enumerate(self.header.raw_names)]
        simple_header = self.header.lines == 1
        read_options = pacsv.ReadOptions(
            use_threads=False, block_size=self.block_bytes,
            encoding="utf8" if self.codec == "utf-8" else self.codec,
            column_names=unique if simple_header else None, skip_rows=1 if simple_header else 0)
        parse_options = pacsv.ParseOptions(
            newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_bad_row)
        convert_options = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in (unique if simple_header else
                                                   self.header.raw_names)},
            strings_can_be_null=False, quoted_strings_can_be_null=False)
        count_breaks = exact and self.may_have_line_breaks
        record, line = 2, 1 + self.header.lines  # the header is record 1
        try:
            reader = pacsv.open_csv(self.path, read_options=read_options,
                                    parse_options=parse_options, convert_options=convert_options)
            group: list[RawBatch] = []
            rows = 0
            for batch in reader:
                out, record, line = self._number(batch, rejected, record, line, count_breaks)
                group.append(out)
                rows += out.num_rows
                if rows >= self.batch_rows:
                    yield _merge(group)
                    group, rows = [], 0
            if group:
                yield _merge(group)
        except pa.ArrowInvalid as exc:
            if "UTF8" in str(exc) or "utf8" in str(exc).lower():
                raise encoding_error(self.path, self.codec) from None
            raise InputError(f"could not be parsed as CSV ({exc}).", file=str(self.path),
                             fix="check that the file is a comma-separated export.") from None
        except UnicodeError:
            raise encoding_error(self.path, self.codec) from None
        tail = []
        while rejected:
            row = rejected.popleft()
            tail.append(BadRecord(line=line, fields=row.actual_columns, text=row.text))
            line += 1 + _breaks_in(row.text)
            record += 1
        if tail:
            yield RawBatch(columns={n: pa.array([], pa.string()) for n in self.columns},
                           source_line=np.zeros(0, dtype=np.int64), bad_records=tail,
                           line_breaks=None)
        self.lines_read = line - 1
        if self.byte_compatible and self.lines_read != self.scan.line_count and not count_breaks:
            raise LineCountMismatch(str(self.path))

    def _number(self, batch: pa.RecordBatch, rejected: deque, record: int, line: int,
                count_breaks: bool) -> tuple[RawBatch, int, int]:
        n = batch.num_rows
        columns = {name: batch.column(i) for i, name in enumerate(self.columns)}
        spans = np.ones(n, dtype=np.int64)
        breaks: dict[str, np.ndarray] | None = None
        if count_breaks:
            breaks = {}
            for name, arr in columns.items():
                per_value = _count_breaks(arr)
                breaks[name] = per_value > 0
                spans += per_value
        starts = np.empty(n, dtype=np.int64)
        bad: list[BadRecord] = []
        i = 0
        while i < n or (rejected and rejected[0].number == record):
            if rejected and (rejected[0].number is None or rejected[0].number < record):
                raise RuntimeError(f"lost track of a rejected CSV row in {self.path}")
            if rejected and rejected[0].number == record:
                row = rejected.popleft()
                bad.append(BadRecord(line=line, fields=row.actual_columns, text=row.text))
                line += 1 + _breaks_in(row.text)
                record += 1
                continue
            take = n - i if not rejected else min(n - i, rejected[0].number - record)
            seg = spans[i:i + take]
            starts[i:i + take] = line + np.cumsum(seg) - seg
            line += int(seg.sum())
            record += take
            i += take
        blank = _blank_rows(columns)
        blank_count = int(blank.sum()) if blank is not None else 0
        if blank_count:
            keep = pa.array(~blank)
            columns = {k: v.filter(keep) for k, v in columns.items()}
            starts = starts[~blank]
            if breaks is not None:
                breaks = {k: v[~blank] for k, v in breaks.items()}
        return (RawBatch(columns=columns, source_line=starts, line_breaks=breaks,
                         bad_records=bad, blank_rows=blank_count), record, line)


def _merge(parts: list[RawBatch]) -> RawBatch:
    """One batch from consecutive ones (columns concatenated, lines kept)."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    columns = {name: pa.concat_arrays([p.columns[name] for p in parts])
               for name in first.columns}
    breaks = None
    if first.line_breaks is not None:
        breaks = {name: np.concatenate([p.line_breaks[name] for p in parts])
                  for name in first.line_breaks}
    return RawBatch(columns=columns,
                    source_line=np.concatenate([p.source_line for p in parts]),
                    line_breaks=breaks,
                    bad_records=[b for p in parts for b in p.bad_records],
                    blank_rows=sum(p.blank_rows for p in parts))


def _count_breaks(arr: pa.Array) -> np.ndarray:
    """Line breaks inside each value: \\n, \\r\\n and a lone \\r each count once."""
    lf = pc.count_substring(arr, "\n").to_numpy(zero_copy_only=False)
    cr = pc.count_substring(arr, "\r").to_numpy(zero_copy_only=False)
    if cr.any():
        lf = lf + cr - pc.count_substring(arr, "\r\n").to_numpy(zero_copy_only=False)
    return lf.astype(np.int64)


def _breaks_in(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _blank_rows(columns: dict[str, pa.Array]) -> np.ndarray | None:
    """Rows whose every value is empty (blank lines and lines of bare commas)."""
    arrays = list(columns.values())
    if not arrays:
        return None
    first = pc.equal(pc.binary_length(arrays[0]), 0)
    if not pc.any(first).as_py():
        return None
    blank = first
    for arr in arrays[1:]:
        blank = pc.and_(blank, pc.equal(pc.binary_length(arr), 0))
    return blank.to_numpy(zero_copy_only=False)


class ParquetSource:
    """A Parquet export: stored types are kept; rows are numbered from 1."""

    format: FileFormat = "parquet"
    needs_exact_read = True
    may_have_line_breaks = True
    may_have_nul = True
    byte_compatible = True

    def __init__(self, path: Path, *, batch_rows: int = PARQUET_BATCH_ROWS,
                 scanner: Executor | None = None) -> None:
        self.path = Path(path)
        self.batch_rows = batch_rows
        size = self.path.stat().st_size
        if size == 0:
            raise InputError("is empty (0 bytes).", file=str(self.path),
                             fix="export the table again.")
        try:
            # pre_buffer would hold whole row groups (and more) in memory at once
            self.file = pq.ParquetFile(self.path, pre_buffer=False)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"is not a readable Parquet file ({exc}).", file=str(self.path),
                             fix="export it again as Parquet, or as CSV.") from None
        schema = self.file.schema_arrow
        self.columns: list[str] = [n.strip(" \t") for n in schema.names]
        self.types: dict[str, pa.DataType] = {
            n.strip(" \t"): schema.field(i).type for i, n in enumerate(schema.names)}
        self.num_rows = self.file.metadata.num_rows
        self.size = size

        def scan() -> FileScan:
            return FileScan(size=size, sha256=sha256_of(self.path), has_quote=True,
                            has_nul=True, line_count=self.num_rows)

        self._scan = scanner.submit(scan) if scanner is not None else _done(scan())

    @property
    def scan(self) -> FileScan:
        return self._scan.result()

    @property
    def has_rows(self) -> bool:
        return self.num_rows > 0

    def batches(self, *, exact: bool = True) -> Iterator[RawBatch]:
        start = 1
        for batch in self.file.iter_batches(batch_size=self.batch_rows, use_threads=True):
            n = batch.num_rows
            columns = {name: batch.column(i) for i, name in enumerate(self.columns)}
            yield RawBatch(columns=columns,
                           source_line=np.arange(start, start + n, dtype=np.int64),
                           line_breaks=None)
            start += n


Source = CsvSource | ParquetSource


def open_source(table_file: TableFile, *, encoding: str = "utf-8",
                scanner: Executor | None = None) -> Source:
    """Open a table file for reading (header and encoding are checked here).

    ``scanner`` runs the full pass (sha256, line count) in the background.
    """
    if table_file.format == "parquet":
        return ParquetSource(table_file.path, scanner=scanner)
    return CsvSource(table_file.path, encoding=encoding, scanner=scanner)

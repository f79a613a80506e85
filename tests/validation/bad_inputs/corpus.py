"""The bad-input corpus: each case breaks the tiny valid dataset the way real exports do.

A case builds its folder from :func:`bad_inputs.base.base_tables` (a table edited as
rows, or a file rewritten as bytes), says which options ``validate_folder`` gets, and
states the outcome it must produce:

* :class:`TableError` - an ``InputError`` whose text names the file, the column (when
  there is one), the line (when there is one) and the fix;
* :class:`Quarantined` - the run goes on; exactly these source lines are quarantined per
  table, each with its rule, column and words in its reason;
* accepted values (``Quarantined`` with ``checks``) - a value that looks odd but is
  legitimate (a partner named NA, leading zeros) survives, typed correctly.

Every case that runs must also reconcile: rows read = accepted + quarantined, per table
and per rule (checked by the test, not here). To look at a case by hand::

    python -c "import sys; sys.path.insert(0, 'tests/validation');
    from bad_inputs.corpus import CASES; CASES['orphan_key'].build(Path('/tmp/case'))"
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bad_inputs.base import Rows, base_tables, csv_text, write_folder

Options = dict[str, object]


@dataclass(frozen=True)
class TableError:
    """The run must stop with an InputError saying all of this."""

    file: str  # file name the message must name
    says: tuple[str, ...]  # further words the message must contain (the fix among them)
    column: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Row:
    """One quarantined row: where it was, which rule caught it first, and why."""

    table: str
    line: int
    rule: str
    column: str | None = None
    says: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quarantined:
    """The run goes on: exactly ``lines`` are quarantined per table (others: none)."""

    lines: dict[str, tuple[int, ...]] = field(default_factory=dict)
    rows: tuple[Row, ...] = ()
    checks: tuple[Callable[[dict[str, pd.DataFrame]], None], ...] = ()
    warns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    build: Callable[[Path], Options]
    expect: TableError | Quarantined


# --- building blocks ------------------------------------------------------------------------
def _with(edit: Callable[[dict[str, Rows]], object], options: Options | None = None
          ) -> Callable[[Path], Options]:
    """A case that edits the base tables as rows, then writes them as CSV."""

    def build(folder: Path) -> Options:
        tables = base_tables()
        edit(tables)
        write_folder(folder, tables)
        return dict(options or {})

    return build


def _raw(table: str, transform: Callable[[str], bytes | str],
         options: Options | None = None) -> Callable[[Path], Options]:
    """A case that rewrites one file's text (or bytes) after writing the base dataset."""

    def build(folder: Path) -> Options:
        write_folder(folder)
        path = folder / f"{table}.csv"
        out = transform(path.read_text(encoding="utf-8"))
        if isinstance(out, str):
            path.write_text(out, encoding="utf-8", newline="")
        else:
            path.write_bytes(out)
        return dict(options or {})

    return build


def _set(table: str, index: int, **values: str) -> Callable[[dict[str, Rows]], None]:
    def edit(tables: dict[str, Rows]) -> None:
        tables[table][index].update(values)

    return edit


def _add(table: str, **values: str) -> Callable[[dict[str, Rows]], None]:
    def edit(tables: dict[str, Rows]) -> None:
        row = dict(tables[table][0])
        row.update(values)
        tables[table].append(row)

    return edit


def _both(*edits: Callable[[dict[str, Rows]], None]) -> Callable[[dict[str, Rows]], None]:
    def edit(tables: dict[str, Rows]) -> None:
        for e in edits:
            e(tables)

    return edit


def _value(table: str, key: str, key_value: str, column: str, expected: object
           ) -> Callable[[dict[str, pd.DataFrame]], None]:
    """Check that an accepted row holds ``expected`` (typed) in ``column``."""

    def check(tables: dict[str, pd.DataFrame]) -> None:
        frame = tables[table]
        hit = frame[frame[key] == key_value]
        assert len(hit) == 1, f"{table}.{key}={key_value!r} not accepted exactly once"
        got = hit[column].iloc[0]
        assert got == expected, f"{table}.{column}: {got!r} != {expected!r}"

    return check


def _lines_of(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _insert_line(at: int, line: str) -> Callable[[str], str]:
    """Insert a physical line before line ``at`` (1-based)."""

    def transform(text: str) -> str:
        lines = _lines_of(text)
        lines.insert(at - 1, line)
        return "".join(lines)

    return transform


def _metrics_table(folder: Path, *, den: float, value: float | None, reason: str) -> Path:
    from rotlib.schemas import metrics_table_spec

    spec = metrics_table_spec()
    row: dict[str, str] = {}
    for col in spec.columns:
        if col.name == "partner_id":
            row[col.name] = "P001"
        elif col.name == "quarter":
            row[col.name] = "2024Q1"
        elif col.name == "quarter_index":
            row[col.name] = str(2024 * 4)
        elif col.name.endswith("__reason"):
            row[col.name] = ""
        elif col.name.endswith("__num"):
            row[col.name] = "1"
        elif col.name.endswith("__den"):
            row[col.name] = "2"
        elif col.maximum == 1:
            row[col.name] = "0.5"
        else:
            row[col.name] = "0.5" if f"{col.name}__den" in spec.column_names else "3"
    second = dict(row, partner_id="P002")
    second["win_rate"] = "" if value is None else str(value)
    second["win_rate__num"] = "0"
    second["win_rate__den"] = str(den)
    second["win_rate__reason"] = reason
    path = folder / "partner_quarter_metrics.csv"
    path.write_text(csv_text([row, second]), encoding="utf-8")
    return path


def _bi_folder(*, den: float, value: float | None, reason: str) -> Callable[[Path], Options]:
    def build(folder: Path) -> Options:
        tables = base_tables()
        write_folder(folder, {"partners": tables["partners"]})
        _metrics_table(folder, den=den, value=value, reason=reason)
        return {}

    return build


def _systematic(folder: Path) -> Options:
    tables = base_tables()
    template = tables["tickets"][0]
    tickets = []
    for i in range(1200):
        tickets.append(dict(template, ticket_id=f"T{i:05d}",
                            severity="critical" if i % 5 < 3 else "sev2"))
    tables["tickets"] = tickets
    write_folder(folder, tables)
    return {}


def _parquet_float_ids(folder: Path) -> Options:
    write_folder(folder)
    (folder / "partners.csv").unlink()
    tables = base_tables()["partners"]
    table = pa.table({c: pa.array([r[c] for r in tables]) for c in tables[0]})
    table = table.set_column(0, "partner_id", pa.array([1.0, 2.0, 42.0, 4.0]))
    pq.write_table(table, folder / "partners.parquet")
    return {}


def _all_utf16(folder: Path) -> Options:
    write_folder(folder)
    for path in folder.glob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return {"encoding": "utf-16"}


def _both_formats(folder: Path) -> Options:
    write_folder(folder)
    write_folder(folder, {"tickets": base_tables()["tickets"]}, fmt="parquet")
    return {}


BASE_LINES = {name: len(rows) + 2 for name, rows in base_tables().items()}  # next free line


def _next(table: str) -> int:
    return BASE_LINES[table]


# --- the corpus -------------------------------------------------------------------------------
_CASES: list[Case] = [
    # ---- encodings -------------------------------------------------------------------------
    Case("latin1_without_flag", "a Windows/Latin-1 export read as UTF-8",
         _raw("partners", lambda t: t.replace("Zeta Cloud", "Zeta Café").encode("latin-1")),
         TableError("partners.csv", ("not valid UTF-8", "--encoding cp1252"), line=4)),
    Case("latin1_with_flag", "the same file read with --encoding latin-1",
         _raw("partners", lambda t: t.replace("Zeta Cloud", "Zeta Café").encode("latin-1"),
              {"encoding": "latin-1"}),
         Quarantined(checks=(_value("partners", "partner_id", "00042", "partner_name",
                                    "Zeta Café"),))),
    Case("utf16_without_flag", "an Excel 'Unicode text' (UTF-16) export",
         _raw("tickets", lambda t: t.encode("utf-16")),
         TableError("tickets.csv", ("UTF-16", "--encoding utf-16", "UTF-8"))),
    Case("utf16_with_flag", "a folder of UTF-16 exports read with --encoding utf-16",
         _all_utf16,
         Quarantined(checks=(_value("tickets", "ticket_id", "T3", "severity", "sev3"),))),
    Case("utf8_bom", "Excel's 'CSV UTF-8' adds a byte-order mark before the header",
         _raw("partners", lambda t: codecs.BOM_UTF8 + t.encode("utf-8")),
         Quarantined(checks=(_value("partners", "partner_id", "P001", "region", "emea"),))),
    Case("unknown_encoding", "a misspelled --encoding",
         _with(lambda t: None, {"encoding": "utf-9"}),
         TableError(".csv", ("unknown text encoding", "--encoding utf-8"))),
    # ---- delimiters and shape --------------------------------------------------------------
    Case("semicolon_delimiter", "a European Excel export separated by semicolons",
         _raw("tickets", lambda t: t.replace(",", ";")),
         TableError("tickets.csv", ("semicolon-separated", "re-export with ','"),
                    column="ticket_id;partner_id;account_id;opened_at;resolved_at;"
                    "sla_due_at;severity;escalated", line=1)),
    Case("tab_delimiter", "a tab-separated export named .csv",
         _raw("deliverables", lambda t: t.replace(",", "\t")),
         TableError("deliverables.csv", ("tab-separated", "re-export with ','"), line=1)),
    Case("missing_file", "an export that was never saved",
         lambda folder: (write_folder(folder), (folder / "tickets.csv").unlink(), {})[-1],
         TableError("tickets.csv", ("is missing", "Support tickets", "export the support "
                                    "desk table as tickets.csv"))),
    Case("misnamed_file", "the export kept its spreadsheet name",
         lambda folder: (write_folder(folder), (folder / "tickets.csv").rename(
             folder / "Tickets.CSV"), {})[-1],
         TableError("tickets.csv", ("is missing", "rename Tickets.CSV to tickets.csv"))),
    Case("empty_file", "a zero-byte file from a failed export",
         _raw("disputes", lambda t: b""),
         TableError("disputes.csv", ("is empty", "export the table again"))),
    Case("header_only", "a query that returned no rows",
         _raw("deliverables", lambda t: t.splitlines(keepends=True)[0]),
         TableError("deliverables.csv", ("header but no data rows", "filters"))),
    Case("duplicated_column", "the region column exported twice",
         _raw("partners", lambda t: "".join(
             line.rstrip("\n") + ("," + ("region" if i == 0 else "emea")) + "\n"
             for i, line in enumerate(_lines_of(t)))),
         TableError("partners.csv", ("2 columns named 'region'", "keep one of them"),
                    column="region")),
    Case("missing_column", "an export without the severity column",
         lambda folder: (write_folder(folder, {**base_tables(), "tickets": [
             {k: v for k, v in r.items() if k != "severity"}
             for r in base_tables()["tickets"]]}), {})[-1],
         TableError("tickets.csv", ("no column 'severity'", "add the column"),
                    column="severity")),
    Case("header_case_mismatch", "a CRM that capitalises column names",
         _raw("partners", lambda t: t.replace("partner_id", "Partner_ID", 1)),
         TableError("partners.csv", ("no column 'partner_id'", "rename it to 'partner_id'",
                                     "'Partner_ID'"), column="partner_id")),
    Case("title_rows_above_header", "a report title and date above the header",
         _raw("partners", lambda t: "Partner list\nExported 2024-07-01\n" + t),
         TableError("partners.csv", ("no column 'partner_id'", "line 3",
                                     "delete the lines above it"), column="partner_id")),
    Case("both_csv_and_parquet", "tickets exported twice in two formats",
         _both_formats,
         TableError("tickets", ("both tickets.csv and tickets.parquet", "keep exactly one"))),
    Case("parquet_float_ids", "a BI tool that stored IDs as floating point",
         _parquet_float_ids,
         TableError("partners.parquet", ("IDs must be text", "leading zeros",
                                         "Store the column as string"), column="partner_id")),
    Case("unknown_extra_column", "an export with a free-text notes column",
         lambda folder: (write_folder(folder, {**base_tables(), "deliverables": [
             dict(r, notes="call =SUM(A1)") for r in base_tables()["deliverables"]]}),
             {})[-1],
         Quarantined(warns=("deliverables.csv", "ignored 1 column", "'notes'"))),
    Case("wrong_field_count", "a value with an unquoted comma, and a truncated line",
         _raw("tickets", lambda t: t + "T8,P001,,2024-01-15,,2024-01-17,sev2,false,extra\n"
              "T9,P001,,2024-01-15\n"),
         Quarantined(lines={"tickets": (5, 6)}, rows=(
             Row("tickets", 5, "wrong_field_count", None, ("has 9 fields", "header has 8")),
             Row("tickets", 6, "wrong_field_count", None, ("has 4 fields",))))),
    Case("repeated_header", "two exports concatenated, headers included",
         _raw("tickets", lambda t: t + t),
         Quarantined(lines={"tickets": (5, 6, 7, 8)}, rows=(
             Row("tickets", 5, "repeated_header", None, ("repeats the header",)),
             Row("tickets", 6, "duplicate_key", "ticket_id", ("exact duplicate of line 2",))))),
    Case("totals_row", "a spreadsheet total at the bottom",
         _raw("opportunities", lambda t: t + "Total,,,,,,27000.50,,,\n"),
         Quarantined(lines={"opportunities": (6,)}, rows=(
             Row("opportunities", 6, "totals_row", None, ("totals row",)),))),
    Case("blank_lines", "a blank line and a line of bare commas between records",
         _raw("partners", lambda t: _insert_line(5, ",,,,,\n")(_insert_line(3, "\n")(t))),
         Quarantined(checks=(_value("partners", "partner_id", "P004", "source_line", 7),))),
    Case("crlf_line_endings", "Windows line endings",
         _raw("tickets", lambda t: t.replace("\n", "\r\n")),
         Quarantined(checks=(_value("tickets", "ticket_id", "T3", "source_line", 4),))),
    Case("embedded_newlines", "a partner name with line breaks shifts later line numbers",
         _with(_both(_set("partners", 0, partner_name="Acme\nPartners\nEMEA"),
                     _set("partners", 3, region="mars"))),
         Quarantined(lines={"partners": (7,), "policy_checks": (4,),
                            "mdf_allocations": (3,)}, rows=(
             Row("partners", 7, "not_allowed", "region", ("'mars'", "north_america")),),
             checks=(_value("partners", "partner_id", "P001", "partner_name",
                            "Acme\nPartners\nEMEA"),))),
    Case("nul_byte", "a NUL byte from a corrupt export",
         _with(_set("tickets", 1, account_id="A\x002")),
         Quarantined(lines={"tickets": (3,)}, rows=(
             Row("tickets", 3, "nul_byte", "account_id", ("NUL byte",)),))),
    # ---- values ----------------------------------------------------------------------------
    Case("excel_serial_date", "a date column exported as Excel day numbers",
         _with(_set("partners", 1, joined_date="44743")),
         Quarantined(lines={"partners": (3,), "opportunities": (3,), "deliverables": (3,),
                            "tickets": (3,), "certifications": (4,), "policy_checks": (3,),
                            "disputes": (2,), "investments": (3,), "account_health": (3,),
                            "joint_activities": (3,), "interventions": (2,)},
                     rows=(Row("partners", 3, "bad_value", "joined_date",
                               ("'44743'", "Excel serial day number", "YYYY-MM-DD")),
                           Row("tickets", 3, "orphan_key", "partner_id",
                               ("'P002'", "quarantined", "partners line 3", "bad_value"))))),
    Case("mixed_date_formats", "one US-style date among ISO dates",
         _with(_set("opportunities", 1, created_date="02/01/2024")),
         Quarantined(lines={"opportunities": (3,), "disputes": (2,)}, rows=(
             Row("opportunities", 3, "bad_value", "created_date",
                 ("'02/01/2024'", "not an ISO date", "--date-format")),
             Row("disputes", 2, "orphan_key", "opportunity_id", ("'O2'", "quarantined"))))),
    Case("date_format_flag", "the same value read with --date-format %m/%d/%Y",
         _with(_set("opportunities", 1, created_date="02/01/2024"),
               {"date_format": "%m/%d/%Y"}),
         Quarantined(checks=(_value("opportunities", "opportunity_id", "O2", "created_date",
                                    pd.Timestamp("2024-02-01")),))),
    Case("impossible_date", "February 30th",
         _with(_set("deliverables", 0, due_date="2024-02-30")),
         Quarantined(lines={"deliverables": (2,)}, rows=(
             Row("deliverables", 2, "bad_value", "due_date", ("not a real calendar date",)),))),
    Case("percentage_amount", "85% in an amount column",
         _with(_set("opportunities", 0, amount="85%")),
         Quarantined(lines={"opportunities": (2,), "disputes": ()}, rows=(
             Row("opportunities", 2, "bad_value", "amount", ("'85%'", "percentage")),))),
    Case("accounting_negative", "(75.00) is read as -75.00, then refused as negative",
         _with(_set("opportunities", 0, amount="(75.00)")),
         Quarantined(lines={"opportunities": (2,)}, rows=(
             Row("opportunities", 2, "out_of_range", "amount",
                 ("'(75.00)'", "read as -75.0", "at least 0")),))),
    Case("currency_thousands", "$1,200 is read by the documented money rule",
         _with(_set("opportunities", 1, amount="$1,200")),
         Quarantined(checks=(_value("opportunities", "opportunity_id", "O2", "amount",
                                    1200.0),))),
    Case("currency_in_hours", "a currency symbol in a column that also holds hours",
         _with(_set("investments", 1, amount="$12.50")),
         Quarantined(lines={"investments": (3,)}, rows=(
             Row("investments", 3, "bad_value", "amount", ("currency symbol", "not money")),))),
    Case("mixed_currencies", "dollars and euros in one amount column",
         _with(_both(_set("opportunities", 0, amount="$12,000.50"),
                     _set("opportunities", 1, amount="€5,000"))),
         Quarantined(lines={"opportunities": (3,), "disputes": (2,)}, rows=(
             Row("opportunities", 3, "bad_value", "amount",
                 ("currency '€'", "'$'", "never converted")),))),
    Case("decimal_comma", "1.234,56 from a German locale",
         _with(_set("mdf_allocations", 0, allocated_amount="10.000,00")),
         Quarantined(lines={"mdf_allocations": (2,)}, rows=(
             Row("mdf_allocations", 2, "bad_value", "allocated_amount",
                 ("decimal mark",)),))),
    Case("negative_amount", "a negative investment",
         _with(_set("investments", 0, amount="-5000")),
         Quarantined(lines={"investments": (2,)}, rows=(
             Row("investments", 2, "out_of_range", "amount", ("at least 0",)),))),
    Case("na_token_in_required", "N/A where a severity is required",
         _with(_set("tickets", 0, severity="N/A")),
         Quarantined(lines={"tickets": (2,)}, rows=(
             Row("tickets", 2, "missing_value", "severity",
                 ("severity is required but missing", "'N/A' is read as missing")),))),
    Case("dash_as_missing", "- as a required amount, null as an optional date",
         _with(_both(_set("opportunities", 2, amount="-"),
                     _set("opportunities", 3, closed_date="null"))),
         Quarantined(lines={"opportunities": (4,)}, rows=(
             Row("opportunities", 4, "missing_value", "amount", ("'-' is read as missing",)),),
             checks=(lambda t: _null(t, "opportunities", "O4", "closed_date"),))),
    Case("not_allowed_category", "Co-Sell is not co_sell; EMEA is emea",
         _with(_both(_set("opportunities", 0, motion="Co-Sell"),
                     _set("partners", 0, region=" EMEA "))),
         Quarantined(lines={"opportunities": (2,)}, rows=(
             Row("opportunities", 2, "not_allowed", "motion",
                 ("'Co-Sell'", "co_sell, partner_only, direct")),),
             checks=(_value("partners", "partner_id", "P001", "region", "emea"),))),
    Case("bad_boolean", "maybe is not a yes/no value",
         _with(_set("policy_checks", 0, passed="maybe")),
         Quarantined(lines={"policy_checks": (2,)}, rows=(
             Row("policy_checks", 2, "bad_value", "passed", ("yes/no",)),))),
    Case("fraction_integer", "2.5 certified people",
         _with(_set("certifications", 0, certified="2.5")),
         Quarantined(lines={"certifications": (2,)}, rows=(
             Row("certifications", 2, "bad_value", "certified", ("not a whole number",)),))),
    Case("timestamp_offsets", "offsets are converted to UTC; a zone name is rejected",
         _with(_both(_set("tickets", 0, opened_at="2024-01-15T04:00:00-05:00"),
                     _set("tickets", 2, resolved_at="2024-03-10 18:00:00 CET"))),
         Quarantined(lines={"tickets": (4,)}, rows=(
             Row("tickets", 4, "bad_value", "resolved_at", ("time zone name", "+02:00")),),
             checks=(_value("tickets", "ticket_id", "T1", "opened_at",
                            pd.Timestamp("2024-01-15 09:00:00")),))),
    # ---- rows and keys ---------------------------------------------------------------------
    Case("resolved_before_opened", "a ticket resolved before it was opened",
         _with(_set("tickets", 0, resolved_at="2024-01-14T09:00:00Z")),
         Quarantined(lines={"tickets": (2,)}, rows=(
             Row("tickets", 2, "resolved_after_opened", "resolved_at",
                 ("cannot be resolved before it was opened", "2024-01-14T09:00:00Z")),))),
    Case("certified_over_headcount", "more certified people than people",
         _with(_set("certifications", 2, certified="7")),
         Quarantined(lines={"certifications": (4,)}, rows=(
             Row("certifications", 4, "certified_within_headcount", "certified",
                 ("cannot exceed headcount",)),))),
    Case("duplicate_ids_differ", "two different tickets with one ID",
         _with(_add("tickets", ticket_id="T2", severity="sev4")),
         Quarantined(lines={"tickets": (3, 5)}, rows=(
             Row("tickets", 3, "duplicate_key", "ticket_id",
                 ("ticket_id='T2'", "also on line(s) 5", "none is kept")),
             Row("tickets", 5, "duplicate_key", "ticket_id", ("also on line(s) 3",))))),
    Case("duplicate_ids_identical", "the same row exported twice",
         _with(lambda t: t["tickets"].append(dict(t["tickets"][0]))),
         Quarantined(lines={"tickets": (5,)}, rows=(
             Row("tickets", 5, "duplicate_key", "ticket_id",
                 ("exact duplicate of line 2", "first copy is kept")),))),
    Case("duplicate_composite_key", "two snapshots for the same partner, date and role",
         _with(_add("certifications", headcount="11")),
         Quarantined(lines={"certifications": (2, 6)}, rows=(
             Row("certifications", 6, "duplicate_key", "partner_id, snapshot_date, role",
                 ("also on line(s) 2",)),))),
    Case("orphan_key", "a ticket for a partner missing from the partner list",
         _with(_set("tickets", 2, partner_id="P999")),
         Quarantined(lines={"tickets": (4,)}, rows=(
             Row("tickets", 4, "orphan_key", "partner_id",
                 ("'P999'", "is not in partners")),))),
    Case("cascade_from_quarantined_partner", "a partner with a bad region takes its rows",
         _with(_set("partners", 3, region="mars")),
         Quarantined(lines={"partners": (5,), "policy_checks": (4,), "mdf_allocations": (3,)},
                     rows=(Row("policy_checks", 4, "orphan_key", "partner_id",
                               ("'P004'", "was quarantined", "partners line 5",
                                "not_allowed")),))),
    Case("partner_named_na", "a partner whose ID and name are literally NA",
         _with(_both(_add("partners", partner_id="NA", partner_name="NA"),
                     _set("tickets", 0, partner_id="NA"))),
         Quarantined(checks=(_value("partners", "partner_id", "NA", "partner_name", "NA"),
                             _value("tickets", "ticket_id", "T1", "partner_id", "NA")))),
    Case("leading_zero_ids", "IDs with leading zeros stay text and still join",
         _with(lambda t: None),
         Quarantined(checks=(_value("partners", "partner_id", "00042", "size", "small"),
                             _value("tickets", "ticket_id", "T3", "partner_id", "00042")))),
    Case("systematic_failure", "most rows share one bad value: an export problem",
         _systematic,
         TableError("tickets.csv", ("rejects 720 of 1200 rows", "systematic",
                                    "for example line 2"), column="severity")),
    Case("spreadsheet_formula_name", "a hostile partner name on a quarantined row",
         _with(_set("partners", 3, partner_name="=HYPERLINK(\"http://x\")", region="mars")),
         Quarantined(lines={"partners": (5,), "policy_checks": (4,), "mdf_allocations": (3,)},
                     rows=(Row("partners", 5, "not_allowed", "region"),))),
    # ---- the BI metrics table --------------------------------------------------------------
    Case("bi_zero_denominator", "a BI table reporting 0 instead of missing for 0/0",
         _bi_folder(den=0, value=0.0, reason=""),
         Quarantined(lines={"partner_quarter_metrics": (3,)}, rows=(
             Row("partner_quarter_metrics", 3, "zero_denominator", "win_rate",
                 ("zero denominator must give a missing value",)),),
             warns=("raw tables are optional",))),
    Case("bi_missing_without_reason", "a missing rate with no reason",
         _bi_folder(den=0, value=None, reason=""),
         Quarantined(lines={"partner_quarter_metrics": (3,)}, rows=(
             Row("partner_quarter_metrics", 3, "missing_without_reason", "win_rate",
                 ("needs a reason",)),))),
    Case("bi_valid", "a BI table with an honest missing value",
         _bi_folder(den=0, value=None, reason="no partner deal closed in the quarter"),
         Quarantined(checks=(lambda t: _null(t, "partner_quarter_metrics", "P002",
                                             "win_rate"),))),
]


def _null(tables: dict[str, pd.DataFrame], table: str, key: str, column: str) -> None:
    frame = tables[table]
    first = frame.columns[0]
    hit = frame[frame[first] == key]
    assert len(hit) == 1 and pd.isna(hit[column].iloc[0]), f"{table}.{column} not missing"


CASES: dict[str, Case] = {c.name: c for c in _CASES}
assert len(CASES) == len(_CASES), "case names must be unique"

"""A tiny, valid dataset covering every contract table, written as real exports would be.

Every value is text exactly as it appears in the file, so a test (or a corpus case) can
break one cell, one line or one byte and know what the validator must say. Partner
``00042`` checks that leading zeros survive; ``Blue, Fox & Co`` needs CSV quoting.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from rotlib.contract import TABLES

Rows = list[dict[str, str]]


def _rows(header: str, *lines: str) -> Rows:
    names = header.split("|")
    out = []
    for line in lines:
        values = line.split("|")
        assert len(values) == len(names), (header, line)
        out.append(dict(zip(names, values, strict=True)))
    return out


def base_tables() -> dict[str, Rows]:
    """Fresh copies of the valid dataset (table -> rows of text)."""
    return {
        "partners": _rows(
            "partner_id|partner_name|partner_type|region|size|joined_date",
            "P001|Acme Partners|reseller|emea|large|2021-03-15",
            "P002|Blue, Fox & Co|systems_integrator|north_america|medium|2022-07-01",
            "00042|Zeta Cloud|isv|apac|small|2023-01-09",
            "P004|Omega MSP|msp|latam|small|2023-05-20",
        ),
        "opportunities": _rows(
            "opportunity_id|partner_id|account_id|motion|attribution|stage|amount|"
            "created_date|closed_date|deal_registered",
            "O1|P001|A1|co_sell|sourced|won|12000.50|2024-01-10|2024-03-01|true",
            "O2|P002|A2|partner_only|influenced|lost|5000|2024-02-01|2024-04-15|false",
            "O3||A3|direct||won|7000|2024-01-05|2024-02-20|false",
            "O4|00042|A4|co_sell|sourced|open|3000|2024-05-01||true",
        ),
        "deliverables": _rows(
            "deliverable_id|partner_id|kind|due_date|delivered_date|rework_required",
            "D1|P001|integration_milestone|2024-03-31|2024-03-20|false",
            "D2|P002|enablement_commitment|2024-04-30||",
            "D3|00042|co_authored_asset|2024-06-30|2024-07-05|true",
        ),
        "tickets": _rows(
            "ticket_id|partner_id|account_id|opened_at|resolved_at|sla_due_at|severity|escalated",
            "T1|P001|A1|2024-01-15T09:00:00Z|2024-01-16T10:00:00Z|2024-01-17T09:00:00Z|sev2|false",
            "T2|P002||2024-02-01T12:30:00+02:00||2024-02-03T12:30:00+02:00|sev1|true",
            "T3|00042|A4|2024-03-10 08:00:00|2024-03-10 18:00:00|2024-03-11 08:00:00|sev3|no",
        ),
        "certifications": _rows(
            "partner_id|snapshot_date|role|headcount|certified",
            "P001|2024-03-31|sales|10|6",
            "P001|2024-03-31|support|4|4",
            "P002|2024-03-31|solutions|5|1",
            "00042|2024-06-30|sales|2|0",
        ),
        "policy_checks": _rows(
            "check_id|partner_id|checked_date|policy_area|passed",
            "C1|P001|2024-02-15|deal_registration|true",
            "C2|P002|2024-02-20|data_handling|false",
            "C3|P004|2024-05-02|brand_use|true",
        ),
        "disputes": _rows(
            "dispute_id|partner_id|opportunity_id|dispute_type|opened_date|resolved_date",
            "X1|P002|O2|attribution|2024-04-20|2024-05-10",
            "X2|P001||pricing|2024-03-05|",
        ),
        "security_reviews": _rows(
            "review_id|partner_id|review_type|requested_date|due_date|completed_date|findings",
            "R1|P001|questionnaire|2024-01-05|2024-02-05|2024-01-30|0",
            "R2|00042|audit|2024-03-01|2024-04-01||",
        ),
        "investments": _rows(
            "investment_id|partner_id|investment_date|investment_type|amount",
            "I1|P001|2024-01-20|mdf|5000",
            "I2|P002|2024-02-10|enablement_hours|12.5",
            "I3|00042|2024-04-02|se_hours|8",
        ),
        "mdf_allocations": _rows(
            "allocation_id|partner_id|allocated_date|allocated_amount|utilized_amount",
            "M1|P001|2024-01-02|10000|7500",
            "M2|P004|2024-04-01|2000|0",
        ),
        "account_health": _rows(
            "account_id|account_name|partner_id|snapshot_date|milestones_planned|"
            "milestones_met|time_to_value_days|renewal_due|renewed|expansion_amount",
            "A1|Globex|P001|2024-03-31|4|3|45|true|true|1500",
            "A2|Initech|P002|2024-03-31|2|2||false||0",
            "A4|Umbrella|00042|2024-06-30|3|1|90|true|false|0",
        ),
        "joint_activities": _rows(
            "activity_id|partner_id|activity_type|planned_date|completed_date",
            "J1|P001|account_plan|2024-01-31|2024-01-25",
            "J2|P002|webinar|2024-03-15|",
        ),
        "interventions": _rows(
            "partner_id|program|start_date",
            "P002|Enablement bootcamp|2024-04-01",
        ),
    }


def csv_text(rows: Rows, columns: list[str] | None = None) -> str:
    """Rows as CSV text (minimal quoting, \\n line endings), header first."""
    columns = columns or list(rows[0])
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buf.getvalue()


def write_folder(folder: Path, tables: dict[str, Rows] | None = None, *,
                 fmt: str = "csv") -> Path:
    """Write a dataset as one file per table (CSV text, or Parquet with string columns)."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = base_tables() if tables is None else tables
    specs = {t.name: t for t in TABLES}
    for name, rows in tables.items():
        columns = list(rows[0]) if rows else list(specs[name].column_names)
        if fmt == "csv":
            (folder / f"{name}.csv").write_text(csv_text(rows, columns), encoding="utf-8")
        else:
            table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in columns})
            pq.write_table(table, folder / f"{name}.parquet")
    return folder


def row_count(tables: dict[str, Rows] | None = None) -> dict[str, int]:
    tables = base_tables() if tables is None else tables
    return {name: len(rows) for name, rows in tables.items()}

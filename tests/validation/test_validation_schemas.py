"""pandera schemas generated from the contract and the registry (rotlib.schemas)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest
from bad_inputs.base import write_folder

from rotlib.contract import TABLES, table
from rotlib.parsing import PANDAS_DTYPES
from rotlib.registry import ALL_METRICS
from rotlib.schemas import (
    METRICS_TABLE,
    check_error,
    metrics_table_spec,
    parse_check_error,
    row_checks,
    schema_for,
    table_schema,
)
from rotlib.validation import validate_folder


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    folder = write_folder(tmp_path_factory.mktemp("base"))
    result = validate_folder(folder)
    return {name: result.tables[name] for name in result.tables}


@pytest.mark.parametrize("spec", TABLES, ids=lambda s: s.name)
def test_every_contract_column_is_in_its_schema(spec):
    schema = table_schema(spec)
    assert list(schema.columns) == list(spec.column_names)
    for col in spec.columns:
        assert schema.columns[col.name].nullable == col.nullable
    assert schema.unique == list(spec.key)
    assert [c.name for c in schema.checks] == [r.name for r in spec.row_rules]


@pytest.mark.parametrize("spec", TABLES, ids=lambda s: s.name)
def test_validated_tables_pass_their_schema(validated, spec):
    frame = validated[spec.name]
    for col in spec.columns:
        assert str(frame[col.name].dtype) == PANDAS_DTYPES[col.kind], col.name
    schema_for(spec.name).validate(frame, lazy=True)


def test_schema_catches_each_kind_of_failure(validated):
    tickets = validated["tickets"].copy()
    tickets.loc[0, "severity"] = "critical"
    tickets.loc[1, "resolved_at"] = pd.Timestamp("2000-01-01")
    tickets.loc[2, "ticket_id"] = tickets.loc[0, "ticket_id"]
    with pytest.raises(pa.errors.SchemaErrors) as info:
        schema_for("tickets").validate(tickets, lazy=True)
    rules = {parse_check_error(str(c))[0] for c in info.value.failure_cases["check"]}
    assert {"not_allowed", "resolved_after_opened"} <= rules
    assert any("unique" in str(c) or "duplicate" in str(c).lower()
               for c in info.value.failure_cases["check"])


def test_check_errors_round_trip():
    assert parse_check_error(check_error("out_of_range", "amount", "must be at least 0")) == (
        "out_of_range", "amount")
    assert parse_check_error("not_nullable") == ("missing_value", None)
    assert parse_check_error(check_error("zero_denominator", None, "x")) == (
        "zero_denominator", None)


def test_row_rules_hold_when_an_input_is_missing():
    check = next(c for c in row_checks(table("tickets")) if c.rule == "resolved_after_opened")
    frame = pd.DataFrame({
        "opened_at": pd.to_datetime(["2024-01-02", "2024-01-02", None]),
        "resolved_at": pd.to_datetime(["2024-01-01", None, "2024-01-01"]),
    })
    assert check.passes(frame).tolist() == [False, True, True]


def test_metrics_table_spec_follows_the_registry():
    spec = metrics_table_spec()
    names = spec.column_names
    assert names[:3] == ("partner_id", "quarter", "quarter_index")
    for m in ALL_METRICS:
        assert m.id in names
        assert (f"{m.id}__num" in names) == m.keeps_fraction
        assert (f"{m.id}__reason" in names) == m.keeps_fraction
        value = spec.column(m.id)
        assert value.maximum == (1 if m.kind == "proportion" else None)
    assert spec.column("partner_id").references == "partners.partner_id"


def test_metrics_table_types_match_what_rot_metrics_writes():
    types = pytest.importorskip("rotlib.metrics.types")
    theirs = types.output_schema()
    kinds = {"integer": "int64", "number": "float64", "id": "string", "text": "string"}
    for col in metrics_table_spec().columns:
        assert kinds[col.kind] == theirs[col.name], col.name


def test_rot_metrics_output_passes_the_bi_schema(validated):
    """A table computed by rot metrics is a valid BI-supplied metrics table."""
    metrics = pytest.importorskip("rotlib.metrics")
    frame = metrics.compute_metrics(validated)
    spec = metrics_table_spec()
    typed = frame.astype({c.name: PANDAS_DTYPES[c.kind] for c in spec.columns})
    schema_for(METRICS_TABLE).validate(typed, lazy=True)
    broken = typed.copy()
    broken.loc[0, "win_rate__den"] = 0
    broken.loc[0, "win_rate"] = 0.0
    with pytest.raises(pa.errors.SchemaErrors) as info:
        schema_for(METRICS_TABLE).validate(broken, lazy=True)
    rules = {parse_check_error(str(c)) for c in info.value.failure_cases["check"]}
    assert ("zero_denominator", "win_rate") in rules

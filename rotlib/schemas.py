"""pandera schemas generated from the data contract and the metric registry.

Nothing here declares a column by hand: every schema is derived from a
:class:`~rotlib.contract.TableSpec` (the raw tables of ``rotlib.contract``, and the
partner x quarter metrics table built here from ``rotlib.registry``), so the checks, the
docs and the contract cannot drift apart.

Each check carries an error text of the form ``"<rule> (<column>): <description>"``;
:func:`parse_check_error` turns a pandera failure back into the rule id the validator
quarantines under and the column it names. Schemas validate *typed* frames (the dtypes
of :data:`rotlib.parsing.PANDAS_DTYPES`); turning text into those types is
``rotlib.parsing``'s job.

Two variants exist: ``table_schema(spec)`` (``with_key=True``, the default) also checks
that the key is unique, which is what a notebook wants on a loaded table; the streaming
validator uses ``with_key=False`` per batch and checks keys over the whole file in
DuckDB.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from rotlib.contract import TABLES, TABLES_BY_NAME, ColumnSpec, RowRule, TableSpec
from rotlib.parsing import PANDAS_DTYPES
from rotlib.registry import ALL_METRICS, METRICS_KEY_COLUMNS, MetricDefinition

#: Name (and file stem) of the partner x quarter metrics table a BI team may supply.
METRICS_TABLE = "partner_quarter_metrics"

#: Relative tolerance when checking value == numerator / denominator.
FRACTION_TOLERANCE = 1e-6

_ERROR = re.compile(r"^(?P<rule>[a-z_0-9]+)(?: \((?P<column>[^)]*)\))?: ")
_OPS: dict[str, Callable] = {">=": operator.ge, "<=": operator.le, ">": operator.gt,
                             "<": operator.lt}
_OP_WORDS = {">=": "on or after / at least", "<=": "on or before / at most",
             ">": "after / more than", "<": "before / less than"}


def check_error(rule: str, column: str | None, description: str) -> str:
    """The error text of a generated check (parsed back by :func:`parse_check_error`)."""
    return f"{rule} ({column}): {description}" if column else f"{rule}: {description}"


def parse_check_error(text: str) -> tuple[str, str | None]:
    """``(rule, column)`` of a pandera failure's ``check`` text.

    pandera's own checks map as: ``not_nullable`` -> ``missing_value``; dtype checks ->
    ``bad_value`` (the parser guarantees dtypes, so that would be a bug).
    """
    if text == "not_nullable":
        return "missing_value", None
    m = _ERROR.match(text)
    if m:
        return m.group("rule"), m.group("column")
    return "bad_value", None


@dataclass(frozen=True)
class RowCheck:
    """A rule across the columns of one row; ``passes(frame)`` is True where it holds.

    A rule whose inputs are missing holds (it cannot be judged: "resolved before opened"
    needs both dates).
    """

    rule: str
    column: str
    description: str
    passes: Callable[[pd.DataFrame], pd.Series]

    def as_pandera(self, failure_sample: int | None = None) -> pa.Check:
        fn = self.passes
        return pa.Check(lambda df: fn(df).fillna(True).astype(bool), name=self.rule,
                        error=check_error(self.rule, self.column, self.description),
                        n_failure_cases=failure_sample)


def _from_row_rule(rule: RowRule) -> RowCheck:
    op = _OPS[rule.op]

    def passes(df: pd.DataFrame) -> pd.Series:
        left, right = df[rule.left], df[rule.right]
        held = op(left, right)
        return (left.isna() | right.isna() | held.fillna(True)).astype(bool)

    return RowCheck(rule=rule.name, column=rule.left,
                    description=f"{rule.description} ({rule.left} {rule.op} {rule.right})",
                    passes=passes)


def column_schema(col: ColumnSpec, failure_sample: int | None = None) -> pa.Column:
    """The pandera column for one contract column (dtype, nullability, allowed, range)."""
    checks = []
    n = failure_sample
    if col.allowed is not None:
        checks.append(pa.Check.isin(list(col.allowed), n_failure_cases=n, error=check_error(
            "not_allowed", col.name, "must be one of " + ", ".join(col.allowed))))
    if col.minimum is not None:
        checks.append(pa.Check.ge(col.minimum, n_failure_cases=n, error=check_error(
            "out_of_range", col.name, f"must be at least {col.minimum:g}")))
    if col.maximum is not None:
        checks.append(pa.Check.le(col.maximum, n_failure_cases=n, error=check_error(
            "out_of_range", col.name, f"must be at most {col.maximum:g}")))
    if col.name == "quarter" and col.kind == "id":
        checks.append(pa.Check.str_matches(r"^\d{4}Q[1-4]$", n_failure_cases=n,
                                           error=check_error(
            "bad_value", col.name, "must be a quarter label like 2026Q3 (YYYYQn)")))
    return pa.Column(PANDAS_DTYPES[col.kind], checks=checks, nullable=col.nullable,
                     required=True, coerce=False, description=col.description)


def row_checks(spec: TableSpec) -> tuple[RowCheck, ...]:
    """Every cross-column rule of a table, in the order the validator applies them."""
    out = tuple(_from_row_rule(r) for r in spec.row_rules)
    if spec.name == METRICS_TABLE:
        out += _metrics_row_checks()
    return out


def table_schema(spec: TableSpec, *, with_key: bool = True,
                 failure_sample: int | None = None) -> pa.DataFrameSchema:
    """The pandera schema of a table, generated from its spec.

    ``failure_sample`` caps the failure cases pandera formats per check (the validator
    reads every failing row from each error's boolean ``check_output`` instead, which
    stays cheap when a million rows fail); ``None`` reports them all.
    """
    return pa.DataFrameSchema(
        {c.name: column_schema(c, failure_sample) for c in spec.columns},
        checks=[c.as_pandera(failure_sample) for c in row_checks(spec)],
        unique=list(spec.key) if with_key else None,
        strict=False,
        name=spec.name,
        description=spec.description,
    )


# --- the partner x quarter metrics table -------------------------------------------------
def _metric_columns(m: MetricDefinition) -> list[ColumnSpec]:
    """Columns of one registered item, typed as ``rot metrics`` writes them.

    Counts are whole numbers and amounts are always present (0 when nothing happened);
    days and rates may be missing (rates then say why in ``__reason``). A proportion's
    numerator and denominator are counts, a ratio's are amounts; both always present.
    """
    unit = f"{m.unit}; {'higher' if m.higher_is_better else 'lower'} is better"
    value = ColumnSpec(
        name=m.id, kind="integer" if m.kind == "count" else "number",
        nullable=m.kind in ("proportion", "ratio", "days"), minimum=0,
        maximum=1 if m.kind == "proportion" else None,
        description=f"{m.name} ({unit}). {m.definition}")
    if not m.keeps_fraction:
        return [value]
    part = "integer" if m.kind == "proportion" else "number"
    return [
        value,
        ColumnSpec(name=f"{m.id}__num", kind=part, minimum=0,
                   description=f"Numerator of {m.id}."),
        ColumnSpec(name=f"{m.id}__den", kind=part, minimum=0,
                   description=f"Denominator of {m.id}; 0 means the value is missing."),
        ColumnSpec(name=f"{m.id}__reason", kind="text", nullable=True,
                   description=f"Why {m.id} is missing (e.g. '{m.missing_when}'); empty "
                   "when it has a value."),
    ]


@cache
def metrics_table_spec() -> TableSpec:
    """The contract of a partner x quarter metrics table supplied by a BI team.

    Same columns as ``rot metrics`` writes (``rotlib.registry``): the key columns, then
    per registered item its value and, for proportions and ratios, numerator,
    denominator and the reason a value is missing.
    """
    key_cols = {
        "partner_id": ColumnSpec("partner_id", "id", "Partner.",
                                 references="partners.partner_id"),
        "quarter": ColumnSpec("quarter", "id", "Fiscal quarter label, e.g. 2026Q3."),
        "quarter_index": ColumnSpec("quarter_index", "integer",
                                    "Consecutive quarter number (year * 4 + quarter - 1)."),
    }
    columns = [key_cols[c] for c in METRICS_KEY_COLUMNS]
    for m in ALL_METRICS:
        columns.extend(_metric_columns(m))
    return TableSpec(
        name=METRICS_TABLE,
        description="Partner x quarter metrics computed by a BI team, supplied instead of "
        "the raw tables. One row per partner and quarter.",
        source_system="BI",
        key=("partner_id", "quarter"),
        columns=tuple(columns),
        required=False,
    )


def _close(a: pd.Series, b: pd.Series) -> pd.Series:
    a = a.astype("float64")
    b = b.astype("float64")
    return (a - b).abs() <= FRACTION_TOLERANCE * np.maximum(1.0, a.abs())


def _metrics_row_checks() -> tuple[RowCheck, ...]:
    out: list[RowCheck] = []
    for m in ALL_METRICS:
        if not m.keeps_fraction:
            continue
        v, num, den, why = m.id, f"{m.id}__num", f"{m.id}__den", f"{m.id}__reason"

        def zero_den(df, v=v, den=den):
            return ~((df[den] == 0).fillna(False) & df[v].notna())

        def has_reason(df, v=v, why=why):
            return ~(df[v].isna() & (df[why].isna() | (df[why].str.len() == 0)))

        def consistent(df, v=v, num=num, den=den, proportion=m.kind == "proportion"):
            judged = (df[den] > 0).fillna(False) & df[v].notna() & df[num].notna()
            ok = ~judged | _close(df[v], df[num] / df[den].where(df[den] > 0))
            if proportion:
                ok &= ~(df[num] > df[den]).fillna(False)
            return ok

        out += [
            RowCheck("zero_denominator", v, "a zero denominator must give a missing value "
                     "(with a reason), never 0", zero_den),
            RowCheck("missing_without_reason", v, "a missing value needs a reason in the "
                     "__reason column", has_reason),
            RowCheck("fraction_inconsistent", v, "the value must equal numerator / "
                     "denominator (and a proportion's numerator cannot exceed its "
                     "denominator)", consistent),
        ]

    def index_matches(df):
        # the labelling convention of FiscalCalendar.label_to_index, vectorised
        label = df["quarter"].where(df["quarter"].str.match(r"^\d{4}Q[1-4]$", na=False))
        year = pd.to_numeric(label.str.slice(0, 4), errors="coerce")
        q = pd.to_numeric(label.str.slice(5, 6), errors="coerce")
        expected = (year * 4 + q - 1).astype("Int64")
        return expected.isna() | df["quarter_index"].isna() | (expected == df["quarter_index"])

    out.append(RowCheck("quarter_index_mismatch", "quarter_index",
                        "quarter_index must equal year * 4 + quarter - 1 of the quarter "
                        "label", lambda df: index_matches(df).fillna(True)))
    return tuple(out)


def all_specs(*, include_metrics: bool = True) -> tuple[TableSpec, ...]:
    """The raw contract tables, plus the metrics table."""
    return TABLES + ((metrics_table_spec(),) if include_metrics else ())


def spec_for(name: str) -> TableSpec:
    """A table spec by name, the metrics table included."""
    if name == METRICS_TABLE:
        return metrics_table_spec()
    return TABLES_BY_NAME[name]


@cache
def schema_for(name: str, *, with_key: bool = True) -> pa.DataFrameSchema:
    """The (cached) pandera schema of a table by name."""
    return table_schema(spec_for(name), with_key=with_key)

"""Build the partner x quarter metrics table as one Ibis expression.

Steps, all inside the query:

1. the grid: every partner of the partners table x every quarter of the range, so a
   partner with no activity in a quarter still gets a row;
2. one aggregation per event set (:mod:`rotlib.metrics.facts`) computing every part
   (numerator, denominator or value) that reads it, so each table is scanned once per
   date it is bucketed by;
3. left joins of those aggregations onto the grid, then the values: a proportion or
   ratio is ``num / den`` when ``den > 0`` and missing otherwise, with the registry's
   ``missing_when`` as the reason; counts and amounts with no rows are 0; days with no
   rows stay missing;
4. every column cast to the type :mod:`rotlib.metrics.types` declares.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from rotlib.metrics import (
    competence,
    integrity,
    investments,
    outcomes,
    reciprocity,
    reliability,
    risk,
)
from rotlib.metrics.facts import EVENT_SETS_BY_NAME
from rotlib.metrics.plan import MetricPlan, Part
from rotlib.metrics.quarters import QuarterGrid
from rotlib.metrics.types import (
    PARTNER_COLUMNS,
    den_column,
    num_column,
    output_schema,
    reason_column,
)
from rotlib.registry import ALL_METRICS, MetricDefinition

_FAMILIES = (reliability, competence, integrity, reciprocity, outcomes, investments, risk)


def all_plans() -> dict[str, MetricPlan]:
    """The plan of every registered metric, in registry order.

    Raises ``ValueError`` when a registered metric has no plan, or a plan no metric:
    the registry and the code must list the same items.
    """
    plans = {p.metric_id: p for family in _FAMILIES for p in family.PLANS}
    registered = [m.id for m in ALL_METRICS]
    missing = sorted(set(registered) - set(plans))
    extra = sorted(set(plans) - set(registered))
    if missing or extra:
        raise ValueError(f"metric plans out of step with the registry: without a plan "
                         f"{missing}, not registered {extra}")
    return {m: plans[m] for m in registered}


def _part_column(metric_id: str, role: str) -> str:
    return f"{metric_id}__{role}__part"


def _aggregations(
    tables: Mapping[str, ir.Table], grid: QuarterGrid, plans: Mapping[str, MetricPlan]
) -> dict[str, ir.Table]:
    """One aggregated table per event set, keyed by its grain, with every part column."""
    by_set: dict[str, dict[str, Part]] = {}
    for plan in plans.values():
        for role, part in plan.parts.items():
            by_set.setdefault(part.event_set, {})[_part_column(plan.metric_id, role)] = part
    out = {}
    for name, parts in by_set.items():
        event_set = EVENT_SETS_BY_NAME[name]
        rows = event_set.bucketed(tables, grid)
        measures = {column: part.aggregate(rows) for column, part in parts.items()}
        out[name] = rows.group_by(list(event_set.keys)).aggregate(**measures)
    return out


def _metric_columns(
    row: ir.Table, definition: MetricDefinition, schema: Mapping[str, str]
) -> dict[str, ir.Value]:
    """The output columns of one metric from its part columns on the joined row."""
    mid = definition.id
    if definition.keeps_fraction:
        num = row[_part_column(mid, "num")].coalesce(0).cast(schema[num_column(mid)])
        den = row[_part_column(mid, "den")].coalesce(0).cast(schema[den_column(mid)])
        return {
            mid: ibis.ifelse(den > 0, num.cast("float64") / den, ibis.null("float64")),
            num_column(mid): num,
            den_column(mid): den,
            reason_column(mid): ibis.ifelse(den > 0, "", definition.missing_when),
        }
    value = row[_part_column(mid, "value")]
    if definition.kind in ("count", "amount"):  # nothing happened: 0, not missing
        value = value.coalesce(0)
    return {mid: value.cast(schema[mid])}


def metrics_expr(tables: Mapping[str, ir.Table], grid: QuarterGrid) -> ir.Table:
    """The metrics table for the partners in ``tables`` and the quarters of ``grid``.

    ``tables`` are contract-typed Ibis tables (see :func:`rotlib.metrics.engine.load_tables`);
    the expression can be compiled for any Ibis backend that holds them. Columns and types
    are those of :func:`rotlib.metrics.types.output_schema`; the row order is left to the
    engine (sorting a table this wide inside the query cost more than the whole
    aggregation at 100k partners): :func:`rotlib.metrics.types.normalise` sorts.
    """
    plans = all_plans()
    partners = tables["partners"].select("partner_id", *PARTNER_COLUMNS)
    quarters = grid.table()
    joined = partners.cross_join(quarters)
    for name, aggregated in _aggregations(tables, grid, plans).items():
        keys = list(EVENT_SETS_BY_NAME[name].keys)
        joined = joined.left_join(aggregated, keys, rname="{name}__" + name)

    schema = output_schema()
    columns: dict[str, ir.Value] = {
        name: joined[name]
        for name in ("partner_id", "quarter", "quarter_index", "quarter_start", "quarter_end",
                     *PARTNER_COLUMNS)
    }
    for definition in ALL_METRICS:
        columns.update(_metric_columns(joined, definition, schema))
    typed = {name: columns[name].cast(kind) for name, kind in schema.items()}
    return joined.select(**typed)

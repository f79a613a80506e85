"""Reading the validated tables: parquet folders, in-memory frames, and clear errors."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rotlib.errors import InputError
from rotlib.metrics import compute_metrics


def _write_folder(tables: dict[str, pd.DataFrame], folder) -> None:
    for name, frame in tables.items():
        frame = frame.assign(source_line=range(2, len(frame) + 2))  # validation adds it
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def test_parquet_folder_equals_in_memory_frames(world_tables, world_metrics, tmp_path):
    _write_folder(world_tables, tmp_path)
    from_files = compute_metrics(tmp_path)
    pd.testing.assert_frame_equal(from_files, world_metrics)
    assert compute_metrics(str(tmp_path)).equals(world_metrics)


def test_parquet_with_date32_and_int32_columns_is_cast(world_tables, world_metrics, tmp_path):
    _write_folder(world_tables, tmp_path)
    path = tmp_path / "certifications.parquet"
    table = pq.read_table(path)
    schema = table.schema
    for name in ("snapshot_date",):
        i = schema.get_field_index(name)
        table = table.set_column(i, name, table.column(name).cast(pa.date32()))
    for name in ("headcount", "certified"):
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, table.column(name).cast(pa.int32()))
    pq.write_table(table, path)
    pd.testing.assert_frame_equal(compute_metrics(tmp_path), world_metrics)


def test_timestamps_with_a_time_zone_are_bucketed_by_utc_date(make_tables, partner_row,
                                                               tmp_path, check):
    # 20:00 on 31 March in New York is 00:00 on 1 April UTC: the ticket belongs to Q2
    opened = pd.Series(pd.to_datetime(["2026-03-31T20:00:00-04:00"], utc=True))
    tables = make_tables(partners=[partner_row("P1")])
    tables["tickets"] = pd.DataFrame({
        "ticket_id": pd.Series(["T1"], dtype="str"), "partner_id": pd.Series(["P1"], dtype="str"),
        "account_id": pd.Series([None], dtype="str"), "opened_at": opened,
        "resolved_at": opened, "sla_due_at": opened,
        "severity": pd.Series(["sev1"], dtype="str"), "escalated": pd.array([True]),
    })
    quarters = ("2026Q1", "2026Q2")
    in_memory = compute_metrics(tables, quarters=quarters)
    check(in_memory, "P1", "2026Q1", "tickets_opened", 0)
    check(in_memory, "P1", "2026Q2", "tickets_opened", 1)
    _write_folder(tables, tmp_path)  # parquet keeps the zone: timestamp[us, tz=UTC]
    assert pq.read_schema(tmp_path / "tickets.parquet").field("opened_at").type.tz == "UTC"
    pd.testing.assert_frame_equal(compute_metrics(tmp_path, quarters=quarters), in_memory)


def test_missing_parquet_file_is_named(world_tables, tmp_path):
    _write_folder(world_tables, tmp_path)
    (tmp_path / "tickets.parquet").unlink()
    with pytest.raises(InputError, match=r"tickets\.parquet: is missing.*rot validate"):
        compute_metrics(tmp_path)


def test_missing_column_is_named(world_tables, tmp_path):
    _write_folder(dict(world_tables, disputes=world_tables["disputes"].drop(
        columns="opened_date")), tmp_path)
    with pytest.raises(InputError, match=r"disputes\.parquet.*column 'opened_date'"):
        compute_metrics(tmp_path)


def test_mistyped_column_is_named(world_tables, tmp_path):
    bad = world_tables["certifications"].astype({"headcount": "str"})
    _write_folder(dict(world_tables, certifications=bad), tmp_path)
    with pytest.raises(InputError, match=r"column 'headcount'.*integer"):
        compute_metrics(tmp_path)


def test_not_a_folder(tmp_path):
    with pytest.raises(InputError, match="is not a folder"):
        compute_metrics(tmp_path / "nowhere")


def test_missing_table_in_dict_is_named(world_tables):
    tables = {k: v for k, v in world_tables.items() if k != "mdf_allocations"}
    with pytest.raises(InputError, match="mdf_allocations"):
        compute_metrics(tables)


def test_untyped_dates_in_dict_are_rejected_not_guessed(world_tables):
    bad = world_tables["tickets"].astype({"opened_at": "str"})
    with pytest.raises(InputError, match=r"tickets, column 'opened_at'.*timestamp"):
        compute_metrics(dict(world_tables, tickets=bad))


def test_extra_columns_are_ignored(world_tables, world_metrics):
    tables = {k: v.assign(source_line=1, note="x") for k, v in world_tables.items()}
    pd.testing.assert_frame_equal(compute_metrics(tables), world_metrics)


def test_dict_of_parquet_paths(world_tables, world_metrics, tmp_path):
    """How `rot metrics` reads the staged files of rotlib.validation, without pandas."""
    _write_folder(world_tables, tmp_path)
    paths = {name: tmp_path / f"{name}.parquet" for name in world_tables}
    pd.testing.assert_frame_equal(compute_metrics(paths), world_metrics)
    paths["tickets"] = str(tmp_path / "elsewhere.parquet")
    with pytest.raises(InputError, match=r"elsewhere\.parquet: is missing"):
        compute_metrics(paths)

"""Every generated table conforms to rotlib.contract, in both file formats."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest
from _sample_checks import (
    contract_violations,
    csv_format_violations,
    read_parquet,
    read_raw_csv,
    typed_from_csv,
)

from rotlib.contract import TABLES
from rotlib.sample_data.columns import arrow_schema
from rotlib.sample_data.names import TRICKY_PARTNER_NAMES


@pytest.fixture(scope="module")
def raw(small_dirs):
    return read_raw_csv(small_dirs["csv"])


def test_csv_text_formats(raw):
    assert csv_format_violations(raw) == []


def test_csv_tables_satisfy_contract(raw):
    assert contract_violations(typed_from_csv(raw)) == []


def test_parquet_tables_satisfy_contract_and_types(small_dirs):
    folder = small_dirs["parquet"]
    for spec in TABLES:
        schema = pq.read_schema(folder / f"{spec.name}.parquet")
        expected = arrow_schema(spec)
        assert schema.names == list(spec.column_names)
        assert [f.type for f in schema] == [f.type for f in expected], spec.name
    assert contract_violations(read_parquet(folder)) == []


def test_csv_and_parquet_hold_the_same_rows(raw, small_dirs):
    typed = typed_from_csv(raw)
    parquet = read_parquet(small_dirs["parquet"])
    for name in ("opportunities", "tickets", "partners", "account_health"):
        assert len(typed[name]) == len(parquet[name]), name
    pd.testing.assert_series_equal(typed["tickets"]["opened_at"].dt.as_unit("us"),
                                   parquet["tickets"]["opened_at"], check_names=False)
    assert (typed["opportunities"]["amount"].astype(float).to_numpy()
            == parquet["opportunities"]["amount"].to_numpy()).all()


def test_every_table_is_non_empty_and_keys_are_text_with_leading_zeros(raw):
    for spec in TABLES:
        assert len(raw[spec.name]) > 0, spec.name
    # purely numeric ids with leading zeros: a loader that parses them as numbers breaks
    assert raw["tickets"]["ticket_id"].str.match(r"^0\d+$").all()
    assert raw["account_health"]["account_id"].str.match(r"^0\d+$").all()
    assert raw["partners"]["partner_id"].str.match(r"^P0\d+$").any()


def test_realistic_missing_values_and_open_items(raw):
    opp, tickets = raw["opportunities"], raw["tickets"]
    direct = opp["motion"] == "direct"
    assert direct.any() and (opp.loc[direct, "partner_id"] == "").all()
    assert (opp.loc[direct, "attribution"] == "").all()
    assert (opp.loc[~direct, "partner_id"] != "").all()
    assert ((opp["stage"] == "open") == (opp["closed_date"] == "")).all()
    assert (opp["stage"] == "open").any()
    assert (tickets["resolved_at"] == "").any() and (tickets["account_id"] == "").any()
    assert (raw["deliverables"]["delivered_date"] == "").any()
    assert (raw["disputes"]["opportunity_id"] == "").any()
    assert (raw["security_reviews"]["findings"] == "").any()
    ah = raw["account_health"]
    assert ((ah["renewal_due"] == "false") == (ah["renewed"] == "")).all()
    assert (ah["time_to_value_days"] == "").any()


def test_timestamps_carry_z_or_an_offset(raw):
    opened = raw["tickets"]["opened_at"]
    assert opened.str.endswith("Z").any()
    assert opened.str.contains(r"[+-]\d{2}:\d{2}$").any()


def test_history_deals_only_when_they_close_in_the_window(raw, small_dirs):
    import json

    truth = json.loads((small_dirs["csv"] / "truth.json").read_text())
    start = truth["calendar"]["window_quarters"][0]["start"]
    opp = raw["opportunities"]
    early = opp["created_date"] < start
    assert early.any()
    closed = opp.loc[early, "closed_date"]
    assert ((closed == "") | (closed >= start)).all()


def test_no_event_after_as_of_or_before_joining(small_dirs):
    """Exports are taken at the as-of date, and nothing happens before a partner joined
    (deadlines such as due dates may lie after the as-of date)."""
    import json

    truth = json.loads((small_dirs["csv"] / "truth.json").read_text())
    as_of_end = pd.Timestamp(truth["calendar"]["as_of"]) + pd.Timedelta(days=1)
    typed = typed_from_csv(read_raw_csv(small_dirs["csv"]))
    joined = typed["partners"].set_index("partner_id")["joined_date"]
    deadlines = {"due_date", "sla_due_at"}
    for spec in TABLES:
        if spec.name == "partners":
            continue
        df = typed[spec.name]
        has_partner = df["partner_id"].notna()
        partner_joined = joined.reindex(df.loc[has_partner, "partner_id"]).to_numpy()
        for col in spec.columns:
            if col.kind not in ("date", "timestamp"):
                continue
            when = pd.to_datetime(df[col.name], utc=True).dt.tz_localize(None)
            present = when.notna()
            if col.name not in deadlines:
                assert (when[present] < as_of_end).all(), f"{spec.name}.{col.name}"
            after_join = when[has_partner].dt.normalize() >= partner_joined
            assert (after_join | ~present[has_partner]).all(), f"{spec.name}.{col.name}"


def test_tricky_partner_names_survive_csv_round_trip(raw):
    names = set(raw["partners"]["partner_name"])
    assert set(TRICKY_PARTNER_NAMES) <= names
    assert "NA" in names


def test_checker_catches_broken_tables(raw):
    """The contract checker itself can fail (so the tests above are not vacuous)."""
    typed = typed_from_csv(raw)
    broken = {k: v.copy() for k, v in typed.items()}
    broken["tickets"] = pd.concat([broken["tickets"], broken["tickets"].head(1)])
    tk = broken["tickets"].reset_index(drop=True)
    tk.loc[1, "resolved_at"] = tk.loc[1, "opened_at"] - pd.Timedelta(hours=1)
    tk.loc[2, "partner_id"] = "P99999"
    tk.loc[3, "severity"] = "urgent"
    broken["tickets"] = tk
    problems = contract_violations(broken)
    text = "\n".join(problems)
    assert "share a key" in text and "resolved_after_opened" in text
    assert "orphan" in text and "not allowed" in text
    bad_raw = {k: v.copy() for k, v in raw.items()}
    bad_raw["deliverables"].loc[0, "due_date"] = "03/01/2025"
    assert any("due_date" in p for p in csv_format_violations(bad_raw))

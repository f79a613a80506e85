"""Assertions every validation result must satisfy, whatever went into it."""

from __future__ import annotations

from rotlib.validation import ALL_RULES_LABEL, ValidationResult


def assert_reconciles(result: ValidationResult) -> None:
    """Rows read = accepted + quarantined for every table and every rule, and the report
    agrees with the accepted tables and the quarantine frames."""
    quality = result.quality
    for table, lines in quality.groupby("table", sort=False):
        total = lines[lines["level"] == "table"].iloc[0]
        assert total["rule"] == ALL_RULES_LABEL
        assert total["rows_read"] == total["rows_accepted"] + total["rows_quarantined"], table
        assert total["rows_accepted"] == len(result.tables[table]), table
        assert total["rows_quarantined"] == len(result.quarantine[table]), table
        rules = lines[lines["level"] == "rule"]
        assert rules.iloc[0]["rows_read"] == total["rows_read"], table
        assert rules.iloc[-1]["rows_accepted"] == total["rows_accepted"], table
        entering = total["rows_read"]
        for row in rules.itertuples():
            assert row.rows_read == entering, (table, row.rule)
            assert row.rows_read == row.rows_accepted + row.rows_quarantined, (table, row.rule)
            assert row.failures >= row.rows_quarantined, (table, row.rule)
            entering = row.rows_accepted
        assert rules["rows_quarantined"].sum() == total["rows_quarantined"], table
        q = result.quarantine[table]
        if len(q):
            counted = q["rule"].value_counts()
            for rule, n in counted.items():
                assert rules.loc[rules["rule"] == rule, "rows_quarantined"].iloc[0] == n
        accepted_lines = set(result.tables[table]["source_line"].tolist())
        assert accepted_lines.isdisjoint(set(q["source_line"].tolist())), table

"""Escaping helpers, the safe Styler, pseudonyms, and formula-safe exports."""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotlib.pipeline.exports import (
    FORMULA_PREFIXES,
    neutralize_formula,
    write_csv,
    write_scorecard,
    write_xlsx,
)
from rotlib.pipeline.safety import (
    escape_html,
    escape_markdown,
    pseudonym_map,
    pseudonymize_tables,
    safe_styler,
    safe_table_html,
)

HOSTILE = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "Acme & Sons <b>Ltd</b>",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1-555-0100",
    "-2+3",
    "\tTabbed",
    "\rReturn",
    "# Heading\n* list",
]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Collector:
    c = _Collector()
    c.feed(html)
    return c


def test_escape_html_and_markdown():
    assert escape_html("<a href='x'>") == "&lt;a href=&#x27;x&#x27;&gt;"
    assert escape_html(None) == "" and escape_html(float("nan")) == ""
    md = escape_markdown("# Big *deal* [link](javascript:x)\n- item <b>")
    assert md.startswith("\\#") and "\n" not in md
    assert "\\[link\\]\\(javascript:x\\)" in md and "&lt;b&gt;" in md


def test_safe_styler_escapes_values_indexes_index_names_and_caption():
    df = pd.DataFrame({"<i>col</i>": ["<script>alert(1)</script>", "ok"], "score": [1.234, 5]},
                      index=pd.Index(["<b>row</b>", "r2"], name="<u>idx</u>"))
    df.columns.name = "<s>cols</s>"
    html = safe_styler(df, caption="<em>cap</em>").to_html()
    parsed = _parse(html)
    assert parsed.tags <= {"style", "table", "caption", "thead", "tbody", "tr", "th", "td"}
    text = "".join(parsed.text)
    for original in ("<script>alert(1)</script>", "<b>row</b>", "<u>idx</u>", "<s>cols</s>",
                     "<em>cap</em>", "<i>col</i>"):
        assert original in text  # shown as text, not interpreted
    assert "1.23" in text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=30), min_size=1, max_size=4))
def test_any_text_in_a_safe_table_stays_text(values):
    df = pd.DataFrame({"name": values, "n": range(len(values))},
                      index=pd.Index(values, name=values[0]))
    parsed = _parse(safe_table_html(df))
    assert parsed.tags <= {"table", "thead", "tbody", "tr", "th", "td"}
    assert all(not name.startswith("on") for name, _ in parsed.attrs)


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_neutralization(value):
    out = neutralize_formula(value)
    if value.startswith(FORMULA_PREFIXES):
        assert out == "'" + value
    else:
        assert out == value
    assert neutralize_formula(-5) == -5 and neutralize_formula(None) is None


@given(st.text())
def test_neutralized_text_never_starts_a_formula(text):
    assert not str(neutralize_formula(text)).startswith(FORMULA_PREFIXES)


def _scorecard() -> pd.DataFrame:
    return pd.DataFrame({
        "partner_id": ["001", "002", "003"],
        "partner_name": [HOSTILE[4], HOSTILE[5], "Plain Partner"],
        "rot_score": [71.25, -3.5, None],
        "tier": ["trusted", "=1+1", "probation"],
    })


def test_csv_export_neutralizes_text_and_keeps_numbers(tmp_path):
    path = write_csv(_scorecard(), tmp_path / "s.csv")
    back = pd.read_csv(path, dtype={"partner_id": str})
    assert back["partner_name"].tolist()[:2] == ["'" + HOSTILE[4], "'" + HOSTILE[5]]
    assert back["tier"].tolist()[1] == "'=1+1"
    assert back["rot_score"].tolist()[:2] == [71.25, -3.5]  # a negative number is a number
    assert back["partner_id"].tolist() == ["001", "002", "003"]  # leading zeros survive


def test_xlsx_export_has_no_formulas_and_is_reproducible(tmp_path):
    a = write_xlsx(_scorecard(), tmp_path / "a.xlsx").read_bytes()
    b = write_xlsx(_scorecard(), tmp_path / "b.xlsx").read_bytes()
    assert a == b  # fixed zip timestamps and document dates
    ws = openpyxl.load_workbook(io.BytesIO(a)).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    names = [ws.cell(row=r, column=2).value for r in (2, 3, 4)]
    assert names == ["'" + HOSTILE[4], "'" + HOSTILE[5], "Plain Partner"]
    assert ws.cell(row=3, column=3).value == -3.5
    sheet = zipfile.ZipFile(io.BytesIO(a)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


def test_write_scorecard_writes_both(tmp_path):
    paths = write_scorecard(_scorecard(), tmp_path / "exports")
    assert paths["csv"].exists() and paths["xlsx"].exists()


def test_pseudonyms_are_keyed_stable_and_unique():
    ids = [f"{i:05d}" for i in range(3000)]
    a = pseudonym_map(ids, "key-1")
    assert a == pseudonym_map(list(reversed(ids)), "key-1")
    assert len(set(a.values())) == len(ids)
    assert a != pseudonym_map(ids, "key-2")
    assert all(v.startswith("P") and len(v) >= 9 for v in a.values())


def test_pseudonymize_tables_is_consistent_and_leaves_no_names():
    partners = pd.DataFrame({"partner_id": ["001", "002"],
                             "partner_name": ["<script>x</script>", "Acme"]})
    tickets = pd.DataFrame({"ticket_id": ["t1", "t2", "t3"], "partner_id": ["002", "001", "002"],
                            "account_id": ["a9", None, "a9"]})
    health = pd.DataFrame({"account_id": ["a9"], "account_name": ["Big Customer"],
                           "partner_id": ["001"]})
    out = pseudonymize_tables({"partners": partners, "tickets": tickets,
                               "account_health": health}, "k")
    text = pd.concat(out.values(), axis=0).astype(str).to_string()
    for secret in ("001", "002", "Acme", "<script>", "Big Customer", "a9"):
        assert secret not in text
    merged = out["tickets"].merge(out["partners"], on="partner_id", how="left")
    assert merged["partner_name"].notna().all()  # joins still work
    assert out["tickets"]["account_id"].isna().tolist() == [False, True, False]
    assert out["partners"]["partner_name"].str.startswith("Partner ").all()
    assert out["account_health"]["account_name"].iloc[0].startswith("Account ")

"""Every spreadsheet writer shares one neutralization rule; it must cover every dtype."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from rotlib.spreadsheet import FORMULA_PREFIXES, neutralize_frame


def test_every_text_dtype_is_neutralized_and_numbers_are_not() -> None:
    values = ["=1+1", "@SUM(A1)", "ok", None]
    frame = pd.DataFrame({
        "object": pd.Series(values, dtype=object),
        "str": pd.Series(values, dtype="str"),
        "category": pd.Series(values, dtype="category"),
        "number": [-1.0, 2.0, 3.0, None],
    })
    out = neutralize_frame(frame)
    for column in ("object", "str", "category"):
        assert list(out[column])[:3] == ["'=1+1", "'@SUM(A1)", "ok"], column
        assert pd.isna(list(out[column])[3]), column
    assert out["number"].iloc[0] == -1.0


@given(st.lists(st.text(max_size=8), min_size=1, max_size=20))
def test_no_cell_starts_a_formula_after_neutralizing(texts: list[str]) -> None:
    out = neutralize_frame(pd.DataFrame({"name": pd.Series(texts, dtype="str")}))
    assert not out["name"].str.startswith(FORMULA_PREFIXES).any()

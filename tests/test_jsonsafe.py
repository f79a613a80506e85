"""One JSON cleaner for every result: undefined numbers become null, never 0."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from rotlib.jsonsafe import to_jsonable


def test_undefined_numbers_become_null_and_numpy_is_unwrapped() -> None:
    value = {
        1: [np.float64("nan"), np.inf, np.int64(3), np.bool_(True), pd.NA, pd.NaT],
        "when": pd.Timestamp("2026-07-01"),
        "where": Path("a/b"),
        "day": np.datetime64("2026-07-01"),
        "frame": pd.DataFrame({"x": [1.5, np.nan]}),
    }
    out = to_jsonable(value)
    assert out["1"] == [None, None, 3, True, None, None]
    assert out["when"] == "2026-07-01T00:00:00" and out["where"] == "a/b"
    assert out["frame"] == [{"x": 1.5}, {"x": None}]
    json.dumps(out, allow_nan=False)  # strict JSON


def test_unknown_types_fail_loudly_unless_a_converter_is_given() -> None:
    class Odd:
        def __str__(self) -> str:
            return "odd"

    assert isinstance(to_jsonable(Odd()), Odd)
    assert to_jsonable([Odd()], unknown=str) == ["odd"]

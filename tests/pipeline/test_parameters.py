"""Declared notebook parameters: parsing the cell, checking values, parsing CLI text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotlib.errors import ParameterError
from rotlib.pipeline.parameters import (
    ParameterSpec,
    check_parameters,
    parse_cli_value,
    parse_parameter_source,
    read_parameter_cell,
    route_parameters,
    split_assignment,
)

CELL = '''\
# Parameters
run_dir: str = ""            # run folder ("" = $ROT_RUN_DIR)
robustness_draws: int = 200  # Monte Carlo draws (0 = skip)
threshold: float = 60        # RoT score threshold, 0-100
strict: bool = False         # quarantined rows fail the run
outcomes: list[str] = ["win_rate", "renewal_rate"]  # outcomes to compare
seed: int | None = None      # random seed (None = fixed default)
'''


def test_parses_names_types_defaults_and_help():
    specs = {s.name: s for s in parse_parameter_source(CELL, "nb")}
    assert list(specs) == ["run_dir", "robustness_draws", "threshold", "strict", "outcomes",
                           "seed"]
    assert specs["threshold"].type_name == "float"
    assert specs["threshold"].default == 60.0 and isinstance(specs["threshold"].default, float)
    assert specs["outcomes"].default == ["win_rate", "renewal_rate"]
    assert specs["seed"].optional and specs["seed"].default is None
    assert specs["robustness_draws"].help == "Monte Carlo draws (0 = skip)"


@pytest.mark.parametrize(("source", "message"), [
    ("x = 1  # untyped\n", "typed assignments"),
    ("import os\n", "typed assignments"),
    ("x: int = 1\n", "has no comment"),
    ("x: dict = {}  # a dict\n", "supported types"),
    ("x: str = os.environ['A']  # env\n", "must be a literal"),
    ("x: int = 'a'  # wrong default\n", "is not a int"),
    ("x: bool = 1  # int is not bool\n", "is not a bool"),
    ("x: int = 1  # a\nx: int = 2  # b\n", "declared twice"),
    ("x: int\n", "needs a default"),
    ("x: int = (\n", "not valid Python"),
])
def test_authoring_mistakes_in_the_cell_are_named(source, message):
    with pytest.raises(ParameterError, match=message):
        parse_parameter_source(source, "nb.ipynb")


def test_a_notebook_needs_exactly_one_tagged_cell():
    untagged = {"cells": [{"cell_type": "code", "source": "x: int = 1  # x",
                           "metadata": {}}], "metadata": {}}
    with pytest.raises(ParameterError, match="no code cell is tagged 'parameters'"):
        read_parameter_cell(untagged)
    cell = {"cell_type": "code", "source": "x: int = 1  # x",
            "metadata": {"tags": ["parameters"]}}
    assert read_parameter_cell({"cells": [cell], "metadata": {}})[0].name == "x"
    with pytest.raises(ParameterError, match="2 cells are tagged"):
        read_parameter_cell({"cells": [cell, cell], "metadata": {}})


SPECS = parse_parameter_source(CELL, "nb")


def test_unknown_names_get_the_closest_known_name():
    with pytest.raises(ParameterError) as info:
        check_parameters(SPECS, {"robustnes_draws": 10})
    assert "unknown parameter 'robustnes_draws'. Did you mean 'robustness_draws'?" in \
        str(info.value)


def test_all_problems_are_reported_at_once():
    with pytest.raises(ParameterError) as info:
        check_parameters(SPECS, {"treshold": 1.0, "strict": "yes", "robustness_draws": 2.5})
    text = str(info.value)
    assert "Did you mean 'threshold'" in text
    assert "'strict' must be bool" in text
    assert "'robustness_draws' must be int" in text


@pytest.mark.parametrize(("name", "value", "ok"), [
    ("robustness_draws", True, False),  # a bool is not an int
    ("robustness_draws", 3, True),
    ("threshold", 70, True),  # an int is a fine float
    ("threshold", float("nan"), False),
    ("strict", 0, False),
    ("outcomes", ["a", 1], False),
    ("outcomes", ("a", "b"), True),
    ("seed", None, True),
    ("run_dir", None, False),
])
def test_types_are_strict(name, value, ok):
    if ok:
        check_parameters(SPECS, {name: value})
    else:
        with pytest.raises(ParameterError):
            check_parameters(SPECS, {name: value})


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("strict", "true", True), ("strict", "No", False), ("strict", "1", True),
    ("robustness_draws", "500", 500), ("threshold", "62.5", 62.5), ("threshold", "60", 60.0),
    ("outcomes", "win_rate, renewal_rate", ["win_rate", "renewal_rate"]),
    ("outcomes", '["a,b", "c"]', ["a,b", "c"]),
    ("seed", "none", None), ("seed", "7", 7),
    ("run_dir", "=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"),  # strings are taken verbatim
])
def test_cli_text_is_parsed_by_the_declared_type(name, text, expected):
    spec = next(s for s in SPECS if s.name == name)
    assert parse_cli_value(spec, text) == expected


@pytest.mark.parametrize(("name", "text"), [
    ("strict", "maybe"), ("robustness_draws", "1e3"), ("robustness_draws", "ten"),
    ("threshold", "inf"), ("outcomes", "[1, 2]"), ("outcomes", "[broken"),
])
def test_bad_cli_text_is_rejected(name, text):
    spec = next(s for s in SPECS if s.name == name)
    with pytest.raises(ParameterError):
        parse_cli_value(spec, text)


def test_split_assignment():
    assert split_assignment("a=b=c") == ("a", "b=c")
    with pytest.raises(ParameterError, match="NAME=VALUE"):
        split_assignment("novalue")


def test_routing_sends_values_only_to_notebooks_that_declare_them():
    declared = {
        "01": parse_parameter_source('run_dir: str = ""  # r\nstrict: bool = False  # s\n'),
        "02": parse_parameter_source('run_dir: str = ""  # r\ndraws: int = 1  # d\n'),
    }
    routed = route_parameters(declared, {"draws": "5"}, from_text=True)
    assert routed == {"01": {}, "02": {"draws": 5}}
    with pytest.raises(ParameterError, match="Did you mean 'draws'"):
        route_parameters(declared, {"drawz": "5"}, from_text=True)
    with pytest.raises(ParameterError, match="set by the runner"):
        route_parameters(declared, {"run_dir": "x"}, reserved={"run_dir"}, from_text=True)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_int_text_round_trips(value):
    spec = ParameterSpec("n", "int", 0, "n")
    assert parse_cli_value(spec, str(value)) == value


@given(st.text())
def test_any_string_is_accepted_verbatim_for_str_parameters(text):
    spec = ParameterSpec("s", "str", "", "s")
    assert parse_cli_value(spec, text) == text
    assert check_parameters([spec], {"s": text}) == {"s": text}

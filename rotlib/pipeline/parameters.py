"""Declared, typed notebook parameters, checked before any kernel starts.

Why this exists: papermill only *warns* about a parameter the notebook does not declare and
pastes whatever it is given into a new code cell, and ``papermill -p`` guesses types from
the text. A misspelled ``--parameter quater=2026Q3`` would then run a whole quarter's
report on the default quarter, and nobody would notice.

The single source of truth is each notebook's cell tagged ``parameters``. It may contain
only annotated assignments of literal defaults, each with a comment that explains it::

    run_dir: str = ""           # run folder to write into ("" = $ROT_RUN_DIR)
    robustness_draws: int = 200  # Monte Carlo draws for tier robustness (0 = skip)

:func:`read_parameter_cell` turns that cell into :class:`ParameterSpec` objects (name,
type, default, help); :func:`check_parameters` validates a mapping of values against them
(unknown names get the closest known name as a suggestion; ``True`` is not an ``int``);
:func:`parse_cli_value` turns ``NAME=VALUE`` text into a value of the declared type, by a
fixed rule rather than a guess.
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import math
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rotlib.errors import ParameterError

#: Tag papermill (and JupyterLab's property inspector) use for the parameters cell.
PARAMETERS_TAG = "parameters"

#: Annotations a parameters cell may use. Kept small on purpose: everything a scheduled
#: run passes is one of these, and each has one unambiguous text form on the command line.
BASE_TYPES = ("str", "int", "float", "bool", "list[str]", "list[int]", "list[float]")


@dataclass(frozen=True)
class ParameterSpec:
    """One declared parameter of one notebook."""

    name: str
    type_name: str  # one of BASE_TYPES, optionally followed by " | None"
    default: Any
    help: str
    notebook: str = ""

    @property
    def optional(self) -> bool:
        """Whether ``None`` is an accepted value."""
        return self.type_name.endswith("| None")

    @property
    def base_type(self) -> str:
        return self.type_name.split("|")[0].strip()

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` has this parameter's type (strictly: ``True`` is not an int)."""
        if value is None:
            return self.optional
        return _has_type(value, self.base_type)


def _has_type(value: Any, base: str) -> bool:
    if base == "str":
        return isinstance(value, str)
    if base == "bool":
        return isinstance(value, bool)
    if base == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if base == "float":
        return (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and math.isfinite(float(value))
        )
    if base.startswith("list[") and base.endswith("]"):
        inner = base[5:-1]
        return isinstance(value, (list, tuple)) and all(_has_type(v, inner) for v in value)
    return False


def _normalize(value: Any, spec: ParameterSpec) -> Any:
    """The canonical form of an accepted value (ints become floats for float parameters)."""
    if value is None:
        return None
    base = spec.base_type
    if base == "float":
        return float(value)
    if base == "list[float]":
        return [float(v) for v in value]
    if base.startswith("list["):
        return list(value)
    return value


# --- reading the parameters cell ---------------------------------------------------------


def _parameters_cell(nb: Mapping[str, Any], notebook: str) -> str:
    cells = [
        c for c in nb.get("cells", [])
        if c.get("cell_type") == "code"
        and PARAMETERS_TAG in (c.get("metadata", {}).get("tags") or [])
    ]
    if not cells:
        raise ParameterError(
            f"{notebook}: no code cell is tagged '{PARAMETERS_TAG}'. Fix: tag the cell that "
            "declares the notebook's parameters (JupyterLab: property inspector > cell tags)."
        )
    if len(cells) > 1:
        raise ParameterError(
            f"{notebook}: {len(cells)} cells are tagged '{PARAMETERS_TAG}'. Fix: keep one."
        )
    source = cells[0].get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _comments_by_line(source: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            out[tok.start[0]] = tok.string.lstrip("#").strip()
    return out


def parse_parameter_source(source: str, notebook: str = "") -> tuple[ParameterSpec, ...]:
    """Parse the text of a parameters cell into specs; any deviation is an authoring error."""
    where = notebook or "parameters cell"
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{where}: the parameters cell is not valid Python: {exc}") from exc
    comments = _comments_by_line(source)
    specs: list[ParameterSpec] = []
    seen: set[str] = set()
    for node in tree.body:
        line = getattr(node, "lineno", "?")
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            raise ParameterError(
                f"{where}, line {line}: the parameters cell may only hold typed assignments "
                "such as `quarter: str = \"\"  # what it means`. Fix: move other code to the "
                "next cell."
            )
        name = node.target.id
        type_name = ast.unparse(node.annotation).replace("Optional[", "").strip()
        base = type_name.split("|")[0].strip()
        if base not in BASE_TYPES or type_name not in (base, f"{base} | None"):
            raise ParameterError(
                f"{where}, line {line}: parameter '{name}' has type '{type_name}'; supported "
                f"types are {', '.join(BASE_TYPES)} (optionally '| None')."
            )
        if node.value is None:
            raise ParameterError(f"{where}, line {line}: parameter '{name}' needs a default.")
        try:
            default = ast.literal_eval(node.value)
        except ValueError as exc:
            raise ParameterError(
                f"{where}, line {line}: the default of '{name}' must be a literal (a string, "
                "number, bool or list), not an expression; resolve environment variables "
                "in a later cell."
            ) from exc
        help_text = comments.get(node.end_lineno or node.lineno, "")
        if not help_text:
            raise ParameterError(
                f"{where}, line {line}: parameter '{name}' has no comment. Fix: say what it "
                "means, its unit and what the default does, after a # on the same line."
            )
        spec = ParameterSpec(name, type_name, default, help_text, notebook)
        if not spec.accepts(default):
            raise ParameterError(
                f"{where}, line {line}: the default {default!r} of '{name}' is not a "
                f"{type_name}."
            )
        if name in seen:
            raise ParameterError(f"{where}, line {line}: parameter '{name}' is declared twice.")
        seen.add(name)
        specs.append(ParameterSpec(name, type_name, _normalize(default, spec), help_text,
                                   notebook))
    return tuple(specs)


def read_parameter_cell(notebook: str | Path | Mapping[str, Any]) -> tuple[ParameterSpec, ...]:
    """The declared parameters of a notebook file (or an already loaded notebook dict)."""
    if isinstance(notebook, Mapping):
        name = str(notebook.get("metadata", {}).get("rot_step", "notebook"))
        nb: Mapping[str, Any] = notebook
    else:
        path = Path(notebook)
        name = path.name
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ParameterError(f"{path}: notebook not found.") from exc
    return parse_parameter_source(_parameters_cell(nb, name), name)


# --- checking values ---------------------------------------------------------------------


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def check_parameters(
    specs: Iterable[ParameterSpec],
    values: Mapping[str, Any],
    *,
    notebook: str = "",
) -> dict[str, Any]:
    """Validate ``values`` against ``specs``; return them normalized.

    Collects every problem before raising, so a scheduler log shows them all at once.
    """
    by_name = {s.name: s for s in specs}
    where = f"{notebook}: " if notebook else ""
    problems: list[str] = []
    out: dict[str, Any] = {}
    for name, value in values.items():
        spec = by_name.get(name)
        if spec is None:
            known = ", ".join(sorted(by_name)) or "(none)"
            problems.append(
                f"unknown parameter '{name}'.{_suggest(name, by_name)} Known: {known}."
            )
            continue
        if not spec.accepts(value):
            problems.append(
                f"parameter '{name}' must be {spec.type_name}, got {type(value).__name__} "
                f"{value!r}."
            )
            continue
        out[name] = _normalize(value, spec)
    if problems:
        raise ParameterError(where + " ".join(problems))
    return out


_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def _parse_scalar(text: str, base: str, name: str) -> Any:
    if base == "str":
        return text
    if base == "bool":
        low = text.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ParameterError(
            f"parameter '{name}' is a bool: write true or false (or yes/no, 1/0), not {text!r}."
        )
    try:
        if base == "int":
            return int(text.strip(), 10)
        if base == "float":
            value = float(text.strip())
            if not math.isfinite(value):
                raise ValueError
            return value
    except ValueError:
        raise ParameterError(f"parameter '{name}' must be {base}, not {text!r}.") from None
    raise ParameterError(f"parameter '{name}' has an unsupported type {base}.")


def parse_cli_value(spec: ParameterSpec, text: str) -> Any:
    """Turn the text after ``NAME=`` into a value of the declared type (never a guess).

    Lists are comma separated (``a,b,c``) or a JSON array; ``none`` is ``None`` for
    optional parameters only; strings are taken verbatim.
    """
    if spec.optional and text.strip().lower() == "none":
        return None
    base = spec.base_type
    if base.startswith("list["):
        inner = base[5:-1]
        stripped = text.strip()
        if stripped.startswith("["):
            try:
                items = json.loads(stripped)
            except json.JSONDecodeError as exc:
                raise ParameterError(
                    f"parameter '{spec.name}' looks like a JSON list but is not: {exc}"
                ) from exc
            if not isinstance(items, list):
                raise ParameterError(f"parameter '{spec.name}' must be a list.")
            value = items
        else:
            value = [_parse_scalar(p.strip(), inner, spec.name)
                     for p in stripped.split(",") if p.strip()]
        if not spec.accepts(value):
            raise ParameterError(f"parameter '{spec.name}' must be {spec.type_name}: {text!r}.")
        return _normalize(value, spec)
    return _parse_scalar(text, base, spec.name)


def split_assignment(text: str) -> tuple[str, str]:
    """Split ``NAME=VALUE`` (the ``--parameter`` syntax) with a clear error."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise ParameterError(
            f"--parameter expects NAME=VALUE (for example robustness_draws=500), got {text!r}."
        )
    return name.strip(), value


def route_parameters(
    declared: Mapping[str, tuple[ParameterSpec, ...]],
    values: Mapping[str, Any],
    *,
    reserved: Iterable[str] = (),
    from_text: bool = False,
) -> dict[str, dict[str, Any]]:
    """Send run-level values to every notebook that declares them, checking each.

    ``declared`` maps a notebook name to its specs. A name no notebook declares is an
    error (with the closest known name); so is a ``reserved`` name the runner sets
    itself. With ``from_text`` the values are command-line text, parsed by the declared
    type of the first notebook that declares the name.
    """
    all_specs: dict[str, ParameterSpec] = {}
    for specs in declared.values():
        for spec in specs:
            all_specs.setdefault(spec.name, spec)
    reserved = set(reserved)
    problems: list[str] = []
    typed: dict[str, Any] = {}
    for name, value in values.items():
        if name in reserved:
            problems.append(f"parameter '{name}' is set by the runner itself and cannot be "
                            "overridden.")
            continue
        spec = all_specs.get(name)
        if spec is None:
            known = ", ".join(sorted(set(all_specs) - reserved))
            problems.append(f"unknown parameter '{name}'.{_suggest(name, all_specs)} "
                            f"Parameters the notebooks declare: {known}.")
            continue
        try:
            typed[name] = parse_cli_value(spec, value) if from_text else value
        except ParameterError as exc:
            problems.append(str(exc))
    if problems:
        raise ParameterError(" ".join(problems))
    routed: dict[str, dict[str, Any]] = {}
    for notebook, specs in declared.items():
        mine = {s.name for s in specs}
        routed[notebook] = check_parameters(
            specs, {k: v for k, v in typed.items() if k in mine}, notebook=notebook
        )
    return routed

"""Dependencies are declared once (pyproject.toml); the lock and environment.yml follow it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]

#: conda-forge names that differ from the PyPI name.
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    reqs += [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    return {_norm(r.name): r for r in reqs}


def _environment_requirements() -> tuple[dict[str, Requirement], str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out: dict[str, Requirement] = {}
    python_spec = ""
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            for pip_entry in entry["pip"]:
                req = Requirement(pip_entry)
                out[_norm(req.name)] = req
            continue
        req = Requirement(entry)
        name = _norm(CONDA_TO_PYPI.get(req.name, req.name))
        if name == "python":
            python_spec = str(req.specifier)
        elif name != "pip":
            out[name] = Requirement(f"{name}{req.specifier}")
    return out, python_spec


def test_environment_yml_mirrors_pyproject() -> None:
    declared = _pyproject_requirements()
    mirrored, python_spec = _environment_requirements()
    assert sorted(mirrored) == sorted(declared), (
        "environment.yml and pyproject.toml list different packages: "
        f"only in pyproject: {sorted(set(declared) - set(mirrored))}, "
        f"only in environment.yml: {sorted(set(mirrored) - set(declared))}"
    )
    for name, req in declared.items():
        assert mirrored[name].specifier == req.specifier, (
            f"{name}: pyproject says {req.specifier}, environment.yml says "
            f"{mirrored[name].specifier}"
        )
    requires_python = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "requires-python"
    ]
    assert python_spec == requires_python


def test_lock_pins_every_declared_dependency_within_its_bounds() -> None:
    lock = (ROOT / "requirements.lock").read_text()
    pinned: dict[str, list[Version]] = {}
    for match in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", lock, flags=re.M):
        pinned.setdefault(_norm(match.group(1)), []).append(Version(match.group(2)))
    for name, req in _pyproject_requirements().items():
        assert name in pinned, f"{name} is declared in pyproject.toml but not in the lock"
        assert any(v in req.specifier for v in pinned[name]), (
            f"{name}: the lock pins {pinned[name]}, outside {req.specifier}; run `make lock`"
        )
        assert "--hash=sha256:" in lock

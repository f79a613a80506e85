"""The run manifest: what went into a run, what came out, and how two runs differ.

``manifest.json`` sits at the top of every run folder. It records the run id and status,
the command, the parameters each notebook received, the configuration (a copy lives beside
the manifest as ``config.yaml``) and its SHA-256, every input file with its SHA-256, size
and row count, every artifact with its SHA-256, the Python packages and their versions, the
git commit (and whether the work tree had uncommitted changes), and per-step timings.

Two runs on the same inputs must produce the same artifacts: :func:`diff_manifests` says
what changed between two manifests (inputs, configuration, parameters, packages, code,
artifacts), ignoring what always changes (run id, timestamps, timings) unless asked.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import platform
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from rotlib.errors import InputError

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1

#: Sections and keys that differ between any two runs and say nothing about the numbers.
VOLATILE_KEYS = frozenset({
    "run_id", "started_at", "finished_at", "steps", "command", "run_dir", "timings",
})

_CHUNK = 1 << 20


def sha256_file(path: Path | str) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB chunks (inputs can be gigabytes)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def count_rows(path: Path | str) -> int | None:
    """Data rows in a CSV (header excluded, quoted newlines respected) or Parquet file.

    Returns ``None`` for other files and for CSVs that cannot be decoded as UTF-8: the
    manifest records bytes and hashes for those, and validation reports the problem.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(p).metadata.num_rows)
    if suffix == ".csv":
        try:
            with open(p, encoding="utf-8-sig", newline="") as handle:
                rows = sum(1 for _ in csv.reader(handle))
        except (UnicodeDecodeError, csv.Error):
            return None
        return max(rows - 1, 0)
    return None


def describe_files(root: Path | str, *, with_rows: bool = True) -> list[dict[str, Any]]:
    """Every file under ``root`` (sorted, relative paths) with SHA-256, bytes and rows."""
    base = Path(root)
    out = []
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        rel = path.relative_to(base).as_posix()
        if any(part.startswith(".") for part in Path(rel).parts):
            continue  # editor swap files, .DS_Store, the runner's own marker files
        entry: dict[str, Any] = {
            "path": rel,
            "sha256": sha256_file(path),
            "bytes": path.stat().st_size,
        }
        if with_rows:
            entry["rows"] = count_rows(path)
        out.append(entry)
    return out


def package_versions() -> dict[str, str]:
    """Every installed distribution and its version (the honest record of the environment)."""
    versions: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata.get("Name")
        if name:
            versions[name.lower()] = dist.version
    return dict(sorted(versions.items()))


def git_state(repo_dir: Path | str) -> dict[str, Any] | None:
    """Commit and dirtiness of the code that ran, or ``None`` outside a git work tree."""
    def _git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(repo_dir), *args], check=True, capture_output=True, text=True,
            timeout=20,
        ).stdout.strip()

    try:
        commit = _git("rev-parse", "HEAD")
    except (OSError, subprocess.SubprocessError):
        try:
            _git("rev-parse", "--is-inside-work-tree")
        except (OSError, subprocess.SubprocessError):
            return None
        commit = None  # a repository without commits yet
    try:
        dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        dirty = None
    return {"commit": commit, "dirty": dirty}


def environment_record() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "packages": package_versions(),
    }


def write_manifest(path: Path | str, manifest: Mapping[str, Any]) -> None:
    """Write JSON atomically (temp file + ``os.replace``): a reader never sees half a file."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n",
                   encoding="utf-8")
    os.replace(tmp, target)


def load_manifest(path: Path | str) -> dict[str, Any]:
    """Read a manifest with clear errors for a missing, broken or foreign file."""
    p = Path(path)
    if p.is_dir():
        p = p / MANIFEST_NAME
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError("manifest not found.", file=str(p),
                         fix="pass reports/<run-id>/manifest.json of an earlier run.") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc}).", file=str(p)) from exc
    if not isinstance(data, dict) or data.get("manifest_version") != MANIFEST_VERSION:
        raise InputError(
            f"not a rot run manifest of version {MANIFEST_VERSION}.", file=str(p),
            fix="re-run with the rot version that wrote it, or start a fresh run.",
        )
    return data


# --- differences -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One difference between two manifests."""

    section: str  # inputs, config, parameters, packages, code, artifacts, environment, ...
    key: str
    before: Any
    after: Any

    def describe(self) -> str:
        if self.before is None:
            return f"{self.section}: {self.key} added ({_short(self.after)})"
        if self.after is None:
            return f"{self.section}: {self.key} removed (was {_short(self.before)})"
        return f"{self.section}: {self.key} {_short(self.before)} -> {_short(self.after)}"


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str) if not isinstance(value, str) \
        else value
    if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
        return text[:12]  # a SHA-256: the prefix identifies it
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass
class ManifestDiff:
    """What changed between run ``a`` and run ``b``."""

    a: str
    b: str
    changes: list[Change] = field(default_factory=list)

    @property
    def same_numbers(self) -> bool:
        """Whether every artifact is byte-identical (the reproducibility claim)."""
        return not any(c.section == "artifacts" for c in self.changes)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def sections(self) -> list[str]:
        return sorted({c.section for c in self.changes})

    def summary(self) -> str:
        if not self.changes:
            return f"{self.a} -> {self.b}: nothing changed (inputs, config, parameters, " \
                   "code, packages and artifacts are identical)."
        lines = [f"{self.a} -> {self.b}: {len(self.changes)} change(s)"]
        lines += [f"  {c.describe()}" for c in self.changes]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a, "b": self.b, "same_numbers": self.same_numbers,
            "changes": [c.__dict__ for c in self.changes],
        }


def _by_path(entries: Iterable[Mapping[str, Any]] | None) -> dict[str, Mapping[str, Any]]:
    return {e["path"]: e for e in (entries or [])}


def _diff_files(section: str, a: Any, b: Any, out: list[Change]) -> None:
    fa, fb = _by_path(a), _by_path(b)
    for path in sorted(set(fa) | set(fb)):
        ea, eb = fa.get(path), fb.get(path)
        if ea is None or eb is None:
            out.append(Change(section, path, ea and ea.get("sha256"), eb and eb.get("sha256")))
        elif ea.get("sha256") != eb.get("sha256"):
            out.append(Change(section, path, ea.get("sha256"), eb.get("sha256")))
        elif ea.get("rows") != eb.get("rows"):
            out.append(Change(section, f"{path} rows", ea.get("rows"), eb.get("rows")))


def _diff_mapping(section: str, a: Mapping | None, b: Mapping | None, out: list[Change],
                  prefix: str = "") -> None:
    a, b = a or {}, b or {}
    for key in sorted(set(a) | set(b), key=str):
        va, vb = a.get(key), b.get(key)
        name = f"{prefix}{key}"
        if isinstance(va, Mapping) and isinstance(vb, Mapping):
            _diff_mapping(section, va, vb, out, prefix=f"{name}.")
        elif va != vb:
            out.append(Change(section, name, va, vb))


def diff_manifests(
    a: Mapping[str, Any], b: Mapping[str, Any], *, include_volatile: bool = False
) -> ManifestDiff:
    """What changed from manifest ``a`` to manifest ``b``.

    Compared: input files (by SHA-256 and row count), configuration (hash), parameters per
    notebook, the resolved quarter, code (git commit and dirtiness), package versions,
    Python and platform, status, and artifacts (by SHA-256). Run id, timestamps and
    timings always differ and are left out unless ``include_volatile``.
    """
    diff = ManifestDiff(str(a.get("run_id")), str(b.get("run_id")))
    out = diff.changes
    _diff_files("inputs", a.get("inputs"), b.get("inputs"), out)
    _diff_mapping("config", {"sha256": (a.get("config") or {}).get("sha256")},
                  {"sha256": (b.get("config") or {}).get("sha256")}, out)
    _diff_mapping("parameters", a.get("parameters"), b.get("parameters"), out)
    _diff_mapping("resolved", a.get("resolved"), b.get("resolved"), out)
    _diff_mapping("code", a.get("git"), b.get("git"), out)
    env_a, env_b = a.get("environment") or {}, b.get("environment") or {}
    _diff_mapping("packages", env_a.get("packages"), env_b.get("packages"), out)
    _diff_mapping("environment",
                  {k: v for k, v in env_a.items() if k != "packages"},
                  {k: v for k, v in env_b.items() if k != "packages"}, out)
    _diff_mapping("status", {"status": a.get("status")}, {"status": b.get("status")}, out)
    _diff_files("artifacts", a.get("artifacts"), b.get("artifacts"), out)
    if include_volatile:
        for key in sorted(VOLATILE_KEYS):
            if a.get(key) != b.get(key):
                out.append(Change("run", key, a.get(key), b.get(key)))
    return diff

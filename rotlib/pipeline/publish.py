"""Atomic publication of run folders.

A run is built in ``<out>/.tmp-<run-id>/`` and, only when every step succeeded, renamed
to ``<out>/<run-id>/`` with one ``os.rename`` (atomic on a POSIX file system), so a reader
sees a run folder complete or not at all. ``<out>/latest`` is a symbolic link swapped with
``os.replace`` (also atomic) after the rename, under an exclusive ``flock`` on
``<out>/.lock`` so two runs finishing together cannot interleave their swaps. A failed run
is renamed to ``<out>/failed/<run-id>/`` instead and ``latest`` does not move.

Run ids are ``<UTC start, to the second>Z-<6 random hex digits>``: they sort by start time,
and the temporary folder is created with ``os.mkdir`` (which fails if it exists), so two
runs started in the same second still get different folders. ``latest`` points at the
newest *started* successful run: a slow run that finishes after a newer one does not move
it back.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rotlib.errors import RunFailedError

TMP_PREFIX = ".tmp-"
LATEST = "latest"
FAILED_DIR = "failed"
LOCK_FILE = ".lock"
OWNER_FILE = ".owner-pid"


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique-enough run id such as ``20261004T101500Z-3f9a1c``."""
    now = now or datetime.now(UTC)
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class RunFolder:
    """A run being built: where it is now and where it will be published."""

    run_id: str
    out_dir: Path

    @property
    def tmp_path(self) -> Path:
        return self.out_dir / f"{TMP_PREFIX}{self.run_id}"

    @property
    def final_path(self) -> Path:
        return self.out_dir / self.run_id

    @property
    def failed_path(self) -> Path:
        return self.out_dir / FAILED_DIR / self.run_id


def begin_run(out_dir: Path | str, *, run_id: str | None = None) -> RunFolder:
    """Create a fresh temporary run folder under ``out_dir`` (exclusively)."""
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    for _attempt in range(20):
        folder = RunFolder(run_id or new_run_id(), out)
        if folder.final_path.exists():
            run_id = None
            continue
        try:
            os.mkdir(folder.tmp_path)
        except FileExistsError:
            run_id = None  # same second, same random suffix: draw again
            continue
        (folder.tmp_path / OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")
        return folder
    raise RunFailedError(f"could not create a unique run folder under {out}")


@contextlib.contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    with open(out_dir / LOCK_FILE, "a+", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def current_latest(out_dir: Path | str) -> str | None:
    """The run id ``<out>/latest`` points at, or ``None``."""
    link = Path(out_dir) / LATEST
    if not link.is_symlink():
        return None
    return Path(os.readlink(link)).name


def update_latest(out_dir: Path | str, run_id: str) -> bool:
    """Point ``<out>/latest`` at ``run_id`` unless it already points at a newer run.

    Returns whether the link moved.
    """
    out = Path(out_dir)
    link = out / LATEST
    with _locked(out):
        if link.exists() and not link.is_symlink():
            raise RunFailedError(
                f"{link} exists and is not a symbolic link; move it away so the runner can "
                "manage it."
            )
        current = current_latest(out)
        if current is not None and (out / current).is_dir() and current > run_id:
            return False
        tmp_link = out / f".{LATEST}-{secrets.token_hex(4)}"
        os.symlink(run_id, tmp_link)  # relative target: the reports folder can be moved
        os.replace(tmp_link, link)
        return True


def publish_run(folder: RunFolder) -> Path:
    """Rename the finished temporary folder into place, then move ``latest``."""
    (folder.tmp_path / OWNER_FILE).unlink(missing_ok=True)
    os.rename(folder.tmp_path, folder.final_path)
    update_latest(folder.out_dir, folder.run_id)
    return folder.final_path


def publish_failed(folder: RunFolder) -> Path:
    """Move a failed run to ``<out>/failed/<run-id>/`` for inspection; ``latest`` stays."""
    (folder.out_dir / FAILED_DIR).mkdir(exist_ok=True)
    (folder.tmp_path / OWNER_FILE).unlink(missing_ok=True)
    os.rename(folder.tmp_path, folder.failed_path)
    return folder.failed_path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_temp_folders(out_dir: Path | str) -> list[Path]:
    """Temporary run folders whose runner process no longer exists (it was killed)."""
    out = Path(out_dir)
    stale = []
    if not out.is_dir():
        return stale
    for path in sorted(out.glob(f"{TMP_PREFIX}*")):
        owner = path / OWNER_FILE
        try:
            pid = int(owner.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            continue  # being created right now, or not ours: leave it alone
        if not _pid_alive(pid):
            stale.append(path)
    return stale


def remove_stale_temp_folders(out_dir: Path | str) -> list[Path]:
    """Delete what :func:`stale_temp_folders` finds; returns what was removed."""
    removed = stale_temp_folders(out_dir)
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed

"""An import process killed with SIGKILL half-way leaves no trace of its batch."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.db import Database
from tests.helpers import row_counts, shamelist

ROWS = 30_000
# Kills per database: while reading, and (every fifth) after the last row was read,
# when the batch's aggregates are being brought up to date.
KILLS = 20


def _big_waits_file(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("company,measured_at,channel,wait_seconds,outcome,external_id\n")
        for i in range(ROWS):
            company = f"Avbruten {i % 7} AB"
            out.write(
                f"{company},2025-0{1 + i % 9}-{1 + i % 28:02d}T10:{i % 60:02d}:00Z,phone,{i % 1000},answered,k{i}\n"
            )
    return path


def _read_position(pid: int, path: Path) -> int:
    """How far the process has read into ``path`` (Linux's /proc), or -1 if unknown."""
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        for fd in fd_dir.iterdir():
            if os.readlink(fd) == str(path):
                info = Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text()
                return int(info.split("pos:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return -1
    return -1


def _start_import(database_url: str, path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SHAMELIST_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "app", "import", "waits", str(path), "--source", "killed"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_mid_way(process: subprocess.Popen[bytes], path: Path, fraction: float) -> None:
    size, deadline = path.stat().st_size, time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if _read_position(process.pid, path) >= size * fraction:
            break
        time.sleep(0.005)
    assert process.poll() is None, "the import finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()


@pytest.mark.slow
def test_import_killed_mid_way_leaves_no_partial_batch(
    database_url: str, database: Database, tmp_path: Path
) -> None:
    path = _big_waits_file(tmp_path / "waits.csv")
    empty = row_counts(database)
    rng = random.Random(7)
    for attempt in range(KILLS):
        process = _start_import(database_url, path)
        _kill_mid_way(process, path, 1.0 if attempt % 5 == 4 else rng.uniform(0.05, 0.95))
        assert row_counts(database) == empty, attempt
    finished = shamelist(database_url, "import", "waits", str(path), "--source", "killed")
    assert finished.returncode == 0, finished.stderr
    counts = row_counts(database)
    assert counts["wait_measurements"] == ROWS
    assert counts["import_batches"] == 1

"""The load benchmark's data: the CSV files it writes, and loading them with `shamelist import`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from bench import datagen, procs
from bench.procs import say

SOURCE = "bench"
# Every file but the measurements, in the order they are imported.
_WRITERS = {
    "companies": datagen.write_companies,
    "complaints": datagen.write_complaints,
    "customers": datagen.write_customers,
}


def human(count: int) -> str:
    for unit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if count >= unit and count % unit == 0:
            return f"{count // unit}{suffix}"
    return f"{count:,}"


@dataclass
class Dataset:
    window: datagen.Window
    companies: list[datagen.Company]
    base: list[tuple[str, Path, int]]  # kind, file, rows: all but the measurements
    small: list[tuple[Path, int]]  # the first measurements
    rest: list[tuple[Path, int]]  # the others
    folder: Path

    @property
    def small_count(self) -> int:
        return sum(rows for _, rows in self.small)

    @property
    def total(self) -> int:
        return self.small_count + sum(rows for _, rows in self.rest)


def build(folder: Path, companies: int, years: int, waits: tuple[int, int, int]) -> Dataset:
    """All the files; `waits` is (measurements in all, how many at first, rows per file)."""
    started = time.perf_counter()
    window = datagen.window_for(years)
    made = datagen.make_companies(companies)
    base = []
    for kind, write in _WRITERS.items():
        path = folder / f"{kind}.csv"
        base.append((kind, path, write(path, made, window)))
    small, rest = _write_waits(folder, made, window, waits)
    say(f"generated the CSV files in {time.perf_counter() - started:.1f} s")
    return Dataset(window, made, base, small, rest, folder)


def _write_waits(
    folder: Path, made: list[datagen.Company], window: datagen.Window, waits: tuple[int, int, int]
) -> tuple[list[tuple[Path, int]], list[tuple[Path, int]]]:
    """The measurement files: those of the first measurements, and the others."""
    writer = datagen.WaitWriter(made, window)
    total, small, per_file = waits
    first_files, other_files = [], []
    for number, (first, count) in enumerate(_wait_chunks(total, small, per_file)):
        path = folder / f"waits-{number:03d}.csv"
        if first < small:
            # The first measurements fall in the latest twelve months, the year the
            # rankings show, so that the small size has a wait ranking to show at all
            # (at 100k it ranks about 2,000 companies on waits, at 10M about 4,700:
            # the rest have fewer answered calls than a ranking needs).
            writer.write(path, first, count, (1 - 12 / window.months, 1.0))
            first_files.append((path, count))
        else:
            # The others as partners send them: each file the weeks after the one before.
            later = total - small
            span = ((first - small) / later, (first + count - small) / later)
            writer.write(path, first, count, span)
            other_files.append((path, count))
    return first_files, other_files


def _wait_chunks(total: int, small: int, per_file: int) -> list[tuple[int, int]]:
    """(first row, rows) per file: the small part, then files of `per_file` rows."""
    chunks, first = [], 0
    for end in (small, total):
        while first < end:
            count = min(per_file, end - first)
            chunks.append((first, count))
            first += count
    return chunks


def import_file(url: str, kind: str, path: Path, source: str = SOURCE) -> float:
    """`shamelist import`: the seconds it took."""
    seconds, _ = procs.run_import(url, kind, path, source)
    return seconds


def peer_sqlite(data: Dataset) -> Path:
    """A SQLite file for Datasette when no SQLite run makes one: the same companies and
    complaints (the tables the peer's query reads), loaded by the same import."""
    path = data.folder / "peer" / "bench.db"
    path.parent.mkdir(exist_ok=True)
    url = f"sqlite:///{path}"
    procs.upgrade(url)
    started = time.perf_counter()
    for kind, file, _rows in data.base[:2]:
        import_file(url, kind, file)
    seconds = time.perf_counter() - started
    say(f"made a SQLite file of the companies and complaints for Datasette in {seconds:.1f} s")
    return path

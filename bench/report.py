"""The load benchmark's figures: one table per database, the targets, and the same as Markdown."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from bench.measure import Burst, Warm

PAGES = (
    ("front page", "/"),
    ("wait ranking", "/rankings?metric=wait_median"),
    ("rankings.csv", "/rankings.csv"),
    ("company page", "/companies/{slug}"),
    ("company JSON", "/api/v1/companies/{slug}"),
)
STATIC, PEER_HTML, PEER_JSON = "static file", "datasette html", "datasette json"
# The share of the static file's throughput each page must reach when warm.
WARM_TARGETS = {
    "front page": 0.5,
    "wait ranking": 0.5,
    "rankings.csv": 0.5,
    "company page": 0.25,
    "company JSON": 0.25,
}
PEER_TARGET, COLD_RATIO, COLD_MS = 3.0, 1.5, 100.0


@dataclass
class Stage:
    label: str  # the number of measurements, e.g. "100k"
    warm: dict[str, Warm] = field(default_factory=dict)
    cold_ms: dict[str, float] = field(default_factory=dict)
    cold_status: dict[str, int] = field(default_factory=dict)

    def ratio(self, page: str, other: str) -> float | None:
        mine, theirs = self.warm.get(page), self.warm.get(other)
        if mine is None or theirs is None or theirs.rps == 0:
            return None
        return mine.rps / theirs.rps


@dataclass
class DbResult:
    name: str
    heading: str
    imports: list[str] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    burst: Burst | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Check:
    ok: bool | None  # None: not measured
    text: str

    @property
    def verdict(self) -> str:
        return "SKIP" if self.ok is None else "PASS" if self.ok else "FAIL"


def _num(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "-" if value is None else f"{value:,.{digits}f}{suffix}"


def cold_ratio(small: Stage, large: Stage, page: str) -> float | None:
    before, after = small.cold_ms.get(page), large.cold_ms.get(page)
    return None if before is None or after is None or before == 0 else after / before


def _row(result: DbResult, stage: Stage, page: str) -> list[str]:
    warm = stage.warm.get(page)
    cold = stage.cold_ms.get(page)
    status = stage.cold_status.get(page)
    notes = [warm.note] if warm and warm.note else []
    if status not in (None, 200):
        notes.append(f"cold answered {status}")
    small, large = result.stages[0], result.stages[-1]
    cold_ls = cold_ratio(small, large, page) if stage is large and stage is not small else None
    return [
        page,
        stage.label,
        _num(warm.rps if warm else None, 0),
        _num(warm.p50_ms if warm else None, 1),
        _num(warm.p99_ms if warm else None, 1),
        _num(stage.ratio(page, STATIC), 2, "x") if page != STATIC else "",
        _num(stage.ratio(page, PEER_HTML), 2, "x") if page == "front page" else "",
        _num(cold, 1),
        _num(cold_ls, 2, "x"),
        "; ".join(notes),
    ]


HEADER = ["page", "measurements", "rps", "p50 ms", "p99 ms", "x static", "x peer", "cold ms"]
HEADER += ["cold L/S", "notes"]


def table_rows(result: DbResult) -> list[list[str]]:
    names = [page for page, _ in PAGES] + [STATIC, PEER_HTML, PEER_JSON]
    rows = []
    for page in names:
        for stage in result.stages:
            if page in stage.warm or page in stage.cold_ms:
                rows.append(_row(result, stage, page))
    return rows


def checks(result: DbResult) -> list[Check]:
    return [*_warm_checks(result), *_peer_checks(result), *_cold_checks(result), *_burst(result)]


def _at_least(
    result: DbResult, figure: Callable[[Stage], float | None], target: float
) -> tuple[bool, str]:
    """Whether the figure reaches the target at every data size, and the figures shown."""
    values = [(stage.label, figure(stage)) for stage in result.stages]
    ok = all(value is not None and value >= target for _, value in values)
    return ok, ", ".join(f"{label}: {_num(value, 2, 'x')}" for label, value in values)


def _warm_checks(result: DbResult) -> Iterator[Check]:
    for page, share in WARM_TARGETS.items():
        ok, shown = _at_least(result, lambda stage, page=page: stage.ratio(page, STATIC), share)
        yield Check(ok, f"warm {page} >= {share:g}x the static file ({shown})")


def _peer_checks(result: DbResult) -> Iterator[Check]:
    if not any(PEER_HTML in stage.warm for stage in result.stages):
        yield Check(None, f"front page >= {PEER_TARGET:g}x Datasette's page: no peer measured")
        return
    ok, shown = _at_least(result, lambda stage: stage.ratio("front page", PEER_HTML), PEER_TARGET)
    yield Check(ok, f"front page >= {PEER_TARGET:g}x Datasette's page of the ranking ({shown})")


def _cold_checks(result: DbResult) -> Iterator[Check]:
    small, large = result.stages[0], result.stages[-1]
    for page, _ in PAGES:
        ratio = cold_ratio(small, large, page)
        after = large.cold_ms.get(page)
        ok = ratio is not None and after is not None and ratio <= COLD_RATIO and after < COLD_MS
        ok = ok and large.cold_status.get(page) == 200 and small.cold_status.get(page) == 200
        yield Check(
            ok,
            f"cold {page} at {large.label}: {_num(after)} ms, {_num(ratio, 2, 'x')} of {small.label}"
            f" ({_num(small.cold_ms.get(page))} ms); <= {COLD_RATIO}x and < {COLD_MS:g} ms",
        )


def burst_line(burst: Burst) -> str:
    other = f"other {burst.other}" + (f" ({burst.other_codes})" if burst.other else "")
    healthz = f"{_num(burst.healthz_ms)} ms"
    if burst.healthz_status == 0:
        healthz += " without an answer"
    elif burst.healthz_status != 200:
        healthz += f", status {burst.healthz_status}"
    inside = (
        "" if burst.inside_s is None else f"; inside the server each within {burst.inside_s:g} s"
    )
    return (
        f"2xx {burst.ok_2xx}, 304 {burst.not_modified}, 503 {burst.unavailable}, {other}; "
        f"unanswered within wrk's 2 s: {burst.timeouts}{inside}; /healthz right after: {healthz}"
    )


def _burst(result: DbResult) -> Iterator[Check]:
    if result.burst is None:
        yield Check(None, "256-connection burst: not measured")
        return
    burst = result.burst
    yield Check(
        burst.other == 0 and burst.ok_2xx > 0,
        f"256-connection burst answers only 2xx, 304 and 503 ({burst_line(burst)})",
    )


def _widths(rows: list[list[str]]) -> list[int]:
    return [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]


def text_table(result: DbResult) -> str:
    rows = [HEADER, *table_rows(result)]
    widths = _widths(rows)
    lines = []
    for row in rows:
        cells = [
            cell.ljust(width) if i in (0, 1, len(row) - 1) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def text_report(result: DbResult) -> str:
    parts = [f"== {result.heading} ==", *result.imports, "", text_table(result), ""]
    if result.burst is not None:
        parts.append(f"burst, 256 connections for 5 s at /: {burst_line(result.burst)}")
    parts += [f"note: {note}" for note in result.notes]
    parts += ["", "targets:"]
    parts += [f"  {check.verdict}  {check.text}" for check in checks(result)]
    return "\n".join(parts)


def markdown_report(results: list[DbResult], preamble: list[str]) -> str:
    parts = ["# Load benchmark", "", *preamble]
    for result in results:
        parts += ["", f"## {result.heading}", ""]
        parts += [f"- {line.strip()}" for line in result.imports]
        parts += ["", "| " + " | ".join(HEADER) + " |"]
        aligns = ["---" if i in (0, 1, len(HEADER) - 1) else "--:" for i in range(len(HEADER))]
        parts.append("|" + "|".join(aligns) + "|")
        parts += ["| " + " | ".join(row) + " |" for row in table_rows(result)]
        if result.burst is not None:
            parts += ["", f"Burst, 256 connections for 5 s at `/`: {burst_line(result.burst)}."]
        parts += ["", *[f"- Note: {note}." for note in result.notes]] if result.notes else []
        parts += ["", "| target | result |", "|---|---|"]
        parts += [f"| {check.text} | {check.verdict} |" for check in checks(result)]
    return "\n".join(parts) + "\n"

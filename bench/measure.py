"""Measurements: warm throughput with wrk, one cold request, and a burst of connections."""

from __future__ import annotations

import math
import re
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

BROWSER = {"Accept-Encoding": "gzip", "Accept": "text/html,application/json,*/*"}
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_LATENCY = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_STATUS = re.compile(r"^status (\d+) (\d+)$", re.MULTILINE)

# Counts every status code per wrk thread and prints them at the end.
_STATUS_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses")) do
      io.write(string.format("status %d %d\\n", code, count))
    end
  end
end
"""


@dataclass
class Warm:
    rps: float
    p50_ms: float
    p99_ms: float
    bad: int  # responses that were not 2xx or 3xx, and socket errors

    @property
    def note(self) -> str:
        return f"{self.bad} errors" if self.bad else ""


@dataclass
class Burst:
    statuses: dict[int, int] = field(default_factory=dict)
    socket_errors: int = 0
    timeouts: int = 0
    healthz_ms: float | None = None
    healthz_status: int | None = None
    # The bound of the server's own duration bucket that holds every answer of the burst
    # (its /metrics, from the moment the application has the request to its answer).
    inside_s: float | None = None

    def count(self, low: int, high: int) -> int:
        return sum(n for code, n in self.statuses.items() if low <= code <= high)

    @property
    def ok_2xx(self) -> int:
        return self.count(200, 299)

    @property
    def not_modified(self) -> int:
        return self.statuses.get(304, 0)

    @property
    def unavailable(self) -> int:
        return self.statuses.get(503, 0)

    @property
    def other(self) -> int:
        answered = sum(self.statuses.values())
        expected = self.ok_2xx + self.not_modified + self.unavailable
        return answered - expected + self.socket_errors

    @property
    def other_codes(self) -> str:
        codes = [
            f"{code}x{n}"
            for code, n in sorted(self.statuses.items())
            if not (200 <= code <= 299 or code in (304, 503))
        ]
        if self.socket_errors:
            codes.append(f"socket errors x{self.socket_errors}")
        return ", ".join(codes)


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS[unit]


def _wrk(wrk: str, url: str, connections: int, seconds: int, extra: list[str]) -> str:
    argv = [wrk, f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", *extra]
    argv += ["-H", "Accept-Encoding: gzip", url]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed on {url}: {done.stderr.strip()}")
    return done.stdout


def warm(wrk: str, url: str, connections: int = 16, seconds: int = 5) -> Warm:
    """`wrk -t2 -c16 -d5s --latency`: requests per second and the median and 99th latency."""
    out = _wrk(wrk, url, connections, seconds, ["--latency"])
    rps = _RPS.search(out)
    latencies = {pct: _ms(value, unit) for pct, value, unit in _LATENCY.findall(out)}
    if rps is None or len(latencies) < 2:
        raise RuntimeError(f"could not read wrk's output for {url}:\n{out}")
    non_2xx = _NON_2XX.search(out)
    socket = _SOCKET.search(out)
    bad = int(non_2xx.group(1)) if non_2xx else 0
    if socket:
        bad += sum(int(n) for n in socket.groups()[:3])
    return Warm(float(rps.group(1)), latencies["50"], latencies["99"], bad)


def burst(wrk: str, base: str, workdir: Path, connections: int = 256, seconds: int = 5) -> Burst:
    """Many connections at once at the front page; every status code the server answered
    is counted, and the server's own time for the slowest answer read from its /metrics."""
    script = workdir / "statuses.lua"
    script.write_text(_STATUS_SCRIPT)
    before = answer_times(base)
    out = _wrk(wrk, base + "/", connections, seconds, ["-s", str(script)])
    result = Burst({int(code): int(n) for code, n in _STATUS.findall(out)})
    result.inside_s = slowest_bucket(before, answer_times(base))
    socket = _SOCKET.search(out)
    if socket:
        connect, read, write, timeouts = (int(n) for n in socket.groups())
        result.socket_errors, result.timeouts = connect + read + write, timeouts
    return result


def answer_times(base: str) -> Counter[float]:
    """The server's answers so far by duration bucket (the bucket's upper bound in
    seconds -> answers within it), every route and worker together."""
    text = httpx.get(base + "/metrics", timeout=30).text
    buckets: Counter[float] = Counter()
    for family in text_string_to_metric_families(text):
        if family.name == "shamelist_request_duration_seconds":
            for sample in family.samples:
                if sample.name.endswith("_bucket"):
                    buckets[float(sample.labels["le"])] += sample.value
    return buckets


def slowest_bucket(before: Counter[float], after: Counter[float]) -> float | None:
    """The smallest bucket bound within which every answer between two readings came."""
    answered = {bound: after[bound] - before[bound] for bound in after}
    total = answered.get(math.inf, 0)
    if not total:
        return None
    return min(bound for bound, count in answered.items() if count >= total)


def timed_get(url: str, timeout: float = 60.0) -> tuple[float, int]:
    """One request on a new connection, body read to the end: milliseconds and status
    (status 0 when no answer came within the timeout or the connection failed)."""
    with httpx.Client(headers=BROWSER, timeout=timeout) as client:
        started = time.perf_counter()
        try:
            status = client.get(url).status_code  # reads the whole body
        except httpx.HTTPError:
            status = 0
        return (time.perf_counter() - started) * 1000, status

"""``local_server``: a real HTTP server on 127.0.0.1 (a free port) for scraper tests.

Register what each path answers, then count what the server saw::

    local_server.route("/page", Reply(body=b"<p>hej</p>"))
    local_server.route("/flaky", lambda seen: Reply(503) if ... else Reply(body=b"ok"))
    local_server.url("/page")  # http://127.0.0.1:PORT/page
    local_server.hits("/page")  # requests the server received for that path

A body given as an iterable of chunks is sent piece by piece, without a
Content-Length (the connection's end marks the body's end); a generator can call
``local_server.pause(seconds)`` between chunks and stop when it answers False
(the server is shutting down). Unregistered paths answer 404. Every response
closes its connection (HTTP/1.0), so no handler outlives its request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    path: str  # with the query string
    headers: dict[str, str]  # names in lower case
    at: float  # time.monotonic() when the request arrived


Route = Reply | Callable[[Seen], Reply]


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"local": self})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.host_port}{path}"

    def route(self, path: str, reply: Route) -> None:
        self.routes[path] = reply

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for seen in self.seen if urlsplit(seen.path).path == path)

    def pause(self, seconds: float) -> bool:
        """Sleep unless the server is stopping; False when it is."""
        return not self.stopping.wait(seconds)

    def record(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
        route = self.routes.get(urlsplit(seen.path).path)
        if route is None:
            return Reply(404, b"not found")
        return route if isinstance(route, Reply) else route(seen)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self.stopping.is_set():
            return
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()  # joins the handler threads (daemon_threads is off)
        self._thread.join()


class _Server(ThreadingHTTPServer):
    daemon_threads = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up mid-body are what several tests are about


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    local: LocalServer

    def do_GET(self) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = self.local.record(Seen(self.path, headers, time.monotonic()))
        self.send_response(reply.status)
        sent = dict(reply.headers)
        if isinstance(reply.body, bytes):
            sent.setdefault("Content-Length", str(len(reply.body)))
        for name, value in sent.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            for chunk in [reply.body] if isinstance(reply.body, bytes) else reply.body:
                self.wfile.write(chunk)
                self.wfile.flush()
        except OSError:
            pass  # the client hung up

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server = LocalServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()

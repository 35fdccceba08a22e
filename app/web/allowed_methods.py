"""The ``Allow`` header of a 405: every method some route answers at the address.

The router names only the methods of the first route whose path matched, but one
address may be served by several routes (``GET`` and ``POST`` of
``/api/v1/companies/{slug}/replies`` are two), and RFC 9110 asks for all of them.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.routing import iter_route_contexts
from starlette.routing import Match


def allowed_methods(request: Request) -> str:
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):
        if route.methods and route.matches(request.scope)[0] is not Match.NONE:
            methods |= route.methods
    if "GET" in methods:
        methods.add("HEAD")  # every GET answers HEAD (app.web.request_guards)
    return ", ".join(sorted(methods))

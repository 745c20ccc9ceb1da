"""A query parameter a route does not declare is a 422 naming it, on every route.

A reader who sends ``?unit=ha-tinh`` to a route that knows no ``unit`` must not
get an unfiltered answer it takes for a filtered one (nor an auditor today's
figures for ``?asof=``). Rather than a check in each route, every route is a
``StrictQueryRoute``: it knows, once, the query names it declares (its
parameters and its dependencies', FastAPI's own bookkeeping, plus those it
documents by hand in ``openapi_extra``: the standings route reads its query
itself, for speed). Any other name answers the same problem+json 422 as an
invalid field, before the route runs; writes included.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

UNKNOWN = "Unknown query parameter: this route does not read it"


def declared_query(route: APIRoute) -> frozenset[str]:
    """The query names a route reads: declared to FastAPI, or documented by hand."""
    names: set[str] = set()
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop()
        names.update(field.alias for field in dependant.query_params)
        pending.extend(dependant.dependencies)
    for parameter in (route.openapi_extra or {}).get("parameters", []):
        if parameter.get("in") == "query":
            names.add(parameter["name"])
    return frozenset(names)


class StrictQueryRoute(APIRoute):
    """A route whose handler first refuses query names the route does not read.

    Every router of the API is made with it (``APIRouter(route_class=StrictQueryRoute)``),
    and a test holds every route of the app to it, so that no route can forget."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        known = declared_query(self)

        async def strict(request: Request) -> Response:
            if request.scope.get("query_string"):
                unknown = sorted(set(request.query_params) - known)
                if unknown:
                    # Answered by the app's handler for invalid fields (app.api.problems).
                    raise RequestValidationError(
                        [
                            {"type": "unknown", "loc": ("query", n), "msg": UNKNOWN, "input": None}
                            for n in unknown
                        ]
                    )
            return await handler(request)

        return strict

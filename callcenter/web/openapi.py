"""The OpenAPI 3.1 document of the service, assembled from the HTTP modules.

Contract for every HTTP module: it exposes `routes` (a `web.RouteTableDef`) and
`OPENAPI = {"paths": {...path items...}, "schemas": {...component schemas...}}`. `build()`
checks that each module documents exactly the routes it registers, then adds what is the
same everywhere: the JSON error shape and its standard responses, the two ways to log in,
and each operation's roles, read from the `require(...)` on its handler, so the document
cannot disagree with the code about who may call what.

This module also serves the service's self-description: `/health` and the document itself.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any, Protocol

from aiohttp import web

from callcenter.web.health import health

OPENAPI_VERSION = "3.1.0"
OPENAPI_DOCUMENT = web.AppKey[dict[str, Any]]("openapi_document")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class HttpModule(Protocol):
    routes: web.RouteTableDef
    OPENAPI: dict[str, Any]


# -- helpers for modules writing their OPENAPI -------------------------------------------

def ref(schema: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{schema}"}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error(name: str) -> dict[str, str]:
    """A standard error response: InvalidInput, NotFound, Conflict, TooManyAttempts..."""
    return {"$ref": f"#/components/responses/{name}"}


def path_param(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema,
            "description": description}


ID_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


# -- the parts every document has ----------------------------------------------------------

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["id", "message", "details"],
            "properties": {
                "id": {"type": "string", "description": "stable, for programs",
                       "examples": ["invalid-input", "not-found", "forbidden"]},
                "message": {"type": "string", "description": "for people"},
                "details": {"type": "object", "description": "e.g. `field` for invalid-input"},
            },
        }
    },
}

_ERRORS: dict[str, tuple[str, str]] = {
    "InvalidInput": ("400", "A field is missing or malformed (`invalid-input`, "
                            "`details.field` names it)."),
    "Unauthenticated": ("401", "No valid session cookie or bearer token (`unauthenticated`)."),
    "Forbidden": ("403", "The role may not do this (`forbidden`), or a cookie-authenticated "
                         "change lacks the X-CSRF-Token header (`csrf-failed`)."),
    "NotFound": ("404", "No such record (`not-found`)."),
    "Conflict": ("409", "The change clashes with existing data (`conflict`)."),
    "TooManyAttempts": ("429", "Too many failed logins (`too-many-attempts`); "
                               "see Retry-After."),
    "Error": ("default", "Any other error, in the same shape."),
}


def _standard_responses() -> dict[str, Any]:
    responses = {name: json_response(text, ref("Error")) for name, (_, text) in _ERRORS.items()}
    responses["TooManyAttempts"]["headers"] = {
        "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
    return responses


SECURITY_SCHEMES: dict[str, Any] = {
    "session": {
        "type": "apiKey", "in": "cookie", "name": "cc_session",
        "description": "Pages: the cookie set by POST /api/auth/login. Every POST, PUT, PATCH "
                       "and DELETE must also send the login's CSRF token in X-CSRF-Token.",
    },
    "bearer": {
        "type": "http", "scheme": "bearer",
        "description": "Integrations: an API token made by an admin (POST /api/tokens or "
                       "`callcenter token add`). No CSRF token needed.",
    },
}


def _openapi_path(aiohttp_path: str) -> str:
    """`/api/things/{id:\\d+}` in aiohttp is `/api/things/{id}` in OpenAPI."""
    return re.sub(r"\{(\w+):[^}]*\}", r"{\1}", aiohttp_path)


def _operation(operation: dict[str, Any], roles: frozenset[Any] | None,
               path_params: bool) -> dict[str, Any]:
    op = copy.deepcopy(operation)
    responses: dict[str, Any] = op.setdefault("responses", {})
    if op.get("requestBody") or op.get("parameters") or path_params:
        responses.setdefault("400", error("InvalidInput"))
    if roles is None:
        op["security"] = []  # public
    else:
        names = sorted(str(r) for r in roles)
        op["x-roles"] = names
        op["description"] = (op.get("description", "") + f"\n\nRoles: {', '.join(names)}."
                             ).strip()
        responses.setdefault("401", error("Unauthenticated"))
        responses.setdefault("403", error("Forbidden"))
    responses.setdefault("default", error("Error"))
    return op


def _merge_module(module: HttpModule, paths: dict[str, Any], schemas: dict[str, Any]) -> None:
    name = getattr(module, "__name__", repr(module))
    for key, schema in module.OPENAPI.get("schemas", {}).items():
        if key in schemas and schemas[key] != schema:
            raise ValueError(f"{name}: schema {key!r} is already defined differently")
        schemas[key] = schema
    documented: dict[str, Any] = module.OPENAPI.get("paths", {})
    routed: set[tuple[str, str]] = set()
    for route in module.routes:
        if not isinstance(route, web.RouteDef):
            continue
        path, method = _openapi_path(route.path), route.method.lower()
        operation = documented.get(path, {}).get(method)
        if operation is None:
            raise ValueError(f"{name}: {route.method} {route.path} is not in its OPENAPI")
        item = paths.setdefault(path, {})
        if method in item:
            raise ValueError(f"{name}: {route.method} {path} is documented twice")
        item[method] = _operation(operation, getattr(route.handler, "allowed_roles", None),
                                  bool(documented[path].get("parameters")))
        for key, value in documented[path].items():
            if key not in METHODS:
                item.setdefault(key, copy.deepcopy(value))
        routed.add((path, method))
    for path, item in documented.items():
        for method in set(item) & set(METHODS):
            if (path, method) not in routed:
                raise ValueError(f"{name}: OPENAPI documents {method.upper()} {path}, "
                                 "which it does not route")


def build(modules: Iterable[HttpModule], *, version: str = "1") -> dict[str, Any]:
    """Merge the modules' paths and schemas into one OpenAPI document."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for module in modules:
        _merge_module(module, paths, schemas)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "After-sales hotline call centre",
            "version": version,
            "description": "Errors are always `{\"error\": {\"id\", \"message\", "
                           "\"details\"}}` with a stable id.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "responses": _standard_responses(),
            "securitySchemes": SECURITY_SCHEMES,
        },
        "security": [{"session": []}, {"bearer": []}],
    }


# -- this module's own endpoints -----------------------------------------------------------

routes = web.RouteTableDef()
routes.get("/health")(health)


@routes.get("/api/openapi.json")
async def openapi_document(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI_DOCUMENT])


OPENAPI: dict[str, Any] = {
    "paths": {
        "/health": {"get": {
            "summary": "State of the PBX link, the database, the pub/sub hub and the calendar",
            "tags": ["service"],
            "responses": {
                "200": json_response("The service can work (perhaps degraded)", ref("Health")),
                "503": json_response("The database is unreachable", ref("Health")),
            },
        }},
        "/api/openapi.json": {"get": {
            "summary": "This document",
            "tags": ["service"],
            "responses": {"200": json_response("OpenAPI 3.1", {"type": "object"})},
        }},
    },
    "schemas": {
        "Health": {
            "type": "object",
            "required": ["status", "pbx", "database", "redis", "calendar"],
            "properties": {
                "status": {"enum": ["ok", "degraded", "down"]},
                "pbx": {"type": "object"},
                "database": {"type": "object"},
                "redis": {"type": "object"},
                "calendar": {"type": "object", "properties": {
                    "ok": {"type": "boolean", "description": "false: no source knows today"},
                    "first_unknown_day": {"type": ["string", "null"], "format": "date"},
                    "warning": {"type": "string"}}},
            },
        },
    },
}

"""The OpenAPI 3.1 document of the service, assembled from the HTTP modules.

Every HTTP module exposes `API`, an `Api` whose endpoints declare their request and
response models (`callcenter.web.api`), and `routes` (`API.routes`). `build()` generates
each operation from those declarations, the component schemas from the models (pydantic's
JSON Schema), and adds what is the same everywhere: the JSON error shape and its standard
responses, the two ways to log in, and each operation's roles, so the document cannot
disagree with the code about what is accepted, what is answered or who may call what.

This module also serves the service's self-description: `/health` and the document itself.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from aiohttp import web
from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from callcenter.web.api import Api, Endpoint, Reply
from callcenter.web.health import Health, health

OPENAPI_VERSION = "3.1.0"
OPENAPI_DOCUMENT = web.AppKey[dict[str, Any]]("openapi_document")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class HttpModule(Protocol):
    routes: web.RouteTableDef
    API: Api


# -- pieces of an operation (and of the few extra responses an endpoint declares) -------

def ref(schema: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{schema}"}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error(name: str) -> dict[str, str]:
    """A standard error response: InvalidInput, NotFound, Conflict, TooManyAttempts..."""
    return {"$ref": f"#/components/responses/{name}"}


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
    "UnsupportedMediaType": ("415", "The body is not JSON (`unsupported-media-type`)."),
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


_STATUS_ERRORS = {400: "InvalidInput", 404: "NotFound", 409: "Conflict", 415:
                  "UnsupportedMediaType", 429: "TooManyAttempts"}
_COMPONENT = "#/components/schemas/{model}"
ModelKey = tuple[type[BaseModel], JsonSchemaMode]


def _model_keys(endpoints: Iterable[Endpoint]) -> list[ModelKey]:
    """Each body model in its validation form and each reply in its serialisation form."""
    keys: dict[ModelKey, None] = {}
    for endpoint in endpoints:
        if endpoint.body is not None:
            keys[(endpoint.body, "validation")] = None
        if endpoint.response is not None:
            keys[(endpoint.response, "serialization")] = None
    return list(keys)


def _parameter_schema(prop: dict[str, Any]) -> dict[str, Any]:
    """A field's schema as a URL parameter: a URL has no null, so `X | None` is `X`."""
    options = prop.get("anyOf")
    if options is not None:
        present = [option for option in options if option.get("type") != "null"]
        if len(present) == 1:
            prop = {**{k: v for k, v in prop.items() if k != "anyOf"}, **present[0]}
    return {k: v for k, v in prop.items() if k not in ("title", "default") or
            (k == "default" and v is not None)}


def _parameters(model: type[BaseModel] | None, where: str,
                components: dict[str, Any]) -> list[dict[str, Any]]:
    """The model's fields as OpenAPI parameters; the types they refer to (an enum, say) go
    into `components`, where their `$ref` points."""
    if model is None:
        return []
    schema = model.model_json_schema(ref_template=_COMPONENT)
    components.update(schema.get("$defs", {}))
    required = set(schema.get("required", ()))
    return [{"name": name, "in": where, "required": where == "path" or name in required,
             "schema": _parameter_schema(prop)}
            for name, prop in schema.get("properties", {}).items()]


def _declared(endpoint: Endpoint, refs: Mapping[Any, dict[str, Any]],
              components: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI operation of one declared endpoint."""
    op: dict[str, Any] = {"summary": endpoint.summary, "tags": list(endpoint.tags)}
    if endpoint.description:
        op["description"] = endpoint.description
    parameters = (_parameters(endpoint.path_params, "path", components)
                  + _parameters(endpoint.query, "query", components))
    if parameters:
        op["parameters"] = parameters
    if endpoint.body is not None:
        op["requestBody"] = json_body(refs[(endpoint.body, "validation")])
    if endpoint.response is None:
        # No body: a 204, unless the endpoint declares what it answers (a websocket's 101).
        responses: dict[str, Any] = (
            {} if endpoint.extra_responses else {"204": {"description": endpoint.summary}})
    else:
        responses = {str(endpoint.status): json_response(
            endpoint.summary, refs[(endpoint.response, "serialization")])}
    if endpoint.body is not None:
        responses["415"] = error("UnsupportedMediaType")
    for status in endpoint.errors:
        responses[str(status)] = error(_STATUS_ERRORS[status])
    responses.update(endpoint.extra_responses)
    op["responses"] = responses
    return _operation(op, endpoint.roles, bool(parameters))


def build(modules: Iterable[HttpModule], *, version: str = "1") -> dict[str, Any]:
    """The OpenAPI document of the modules' declared endpoints."""
    endpoints = [endpoint for module in modules for endpoint in module.API.endpoints]
    refs, defs = models_json_schema(_model_keys(endpoints), ref_template=_COMPONENT)
    components: dict[str, Any] = dict(defs.get("$defs", {}))
    paths: dict[str, Any] = {}
    for endpoint in endpoints:
        item = paths.setdefault(_openapi_path(endpoint.path), {})
        method = endpoint.method.lower()
        if method in item:
            raise ValueError(f"{endpoint.method} {endpoint.path} is declared twice")
        item[method] = _declared(endpoint, refs, components)
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
            "schemas": {"Error": ERROR_SCHEMA, **components},
            "responses": _standard_responses(),
            "securitySchemes": SECURITY_SCHEMES,
        },
        "security": [{"session": []}, {"bearer": []}],
    }


# -- this module's own endpoints -----------------------------------------------------------

class OpenApiDocument(Reply):
    """This document (OpenAPI 3.1): free-form by nature."""

    model_config = ConfigDict(extra="allow", frozen=True)

    openapi: str


API = Api("service")
routes = API.routes


@API.get("/health", summary="State of the PBX link, the database, the pub/sub hub and the "
         "calendar", roles=None, response=Health,
         extra_responses={"503": json_response("The database is unreachable",
                                               ref("Health"))})
async def service_health(request: web.Request) -> web.StreamResponse:
    return await health(request)


@API.get("/api/openapi.json", summary="This document", roles=None, response=OpenApiDocument)
async def openapi_document(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI_DOCUMENT])

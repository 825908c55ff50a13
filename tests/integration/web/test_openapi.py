"""The OpenAPI document: how it is assembled, that it is valid, and that it covers the API."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from openapi_spec_validator import validate

from callcenter.app import HTTP_MODULES, create_app
from callcenter.auth.roles import Role, require
from callcenter.web import openapi
from tests.conftest import service_settings
from tests.integration.auth.support import Client

pytestmark = pytest.mark.integration

AiohttpClient = Any


class FakeModule:
    """Stands in for an HTTP module: `routes` plus `OPENAPI`."""

    def __init__(self, paths: dict[str, Any], schemas: dict[str, Any] | None = None,
                 *, secured: bool = True) -> None:
        self.routes = web.RouteTableDef()
        self.OPENAPI: dict[str, Any] = {"paths": paths, "schemas": schemas or {}}

        async def handler(request: web.Request) -> web.Response:
            return web.Response()

        checked = require(Role.MANAGER, Role.ADMIN)(handler) if secured else handler
        for path, item in paths.items():
            for method in item:
                if method in openapi.METHODS:
                    self.routes.route(method.upper(), path)(checked)


def _op(summary: str = "x") -> dict[str, Any]:
    return {"summary": summary, "responses": {"200": {"description": "ok"}}}


def test_roles_come_from_the_handlers_require_and_public_ones_need_no_login() -> None:
    secured = FakeModule({"/api/things/{id}": {
        "parameters": [openapi.path_param("id", openapi.ID_SCHEMA)], "get": _op()}})
    public = FakeModule({"/api/open": {"get": _op()}}, secured=False)
    document = openapi.build([secured, public])
    thing = document["paths"]["/api/things/{id}"]
    assert thing["get"]["x-roles"] == ["admin", "manager"]
    assert "Roles: admin, manager." in thing["get"]["description"]
    assert set(thing["get"]["responses"]) == {"200", "400", "401", "403", "default"}
    assert thing["parameters"][0]["name"] == "id"
    assert document["paths"]["/api/open"]["get"]["security"] == []
    assert set(document["paths"]["/api/open"]["get"]["responses"]) == {"200", "default"}
    validate(document)


def test_a_route_without_documentation_is_refused() -> None:
    module = FakeModule({"/api/a": {"get": _op()}})
    module.OPENAPI["paths"] = {}
    with pytest.raises(ValueError, match="GET /api/a is not in its OPENAPI"):
        openapi.build([module])


def test_documentation_without_a_route_is_refused() -> None:
    module = FakeModule({"/api/a": {"get": _op()}})
    module.OPENAPI["paths"]["/api/a"]["post"] = _op()
    with pytest.raises(ValueError, match="documents POST /api/a, which it does not route"):
        openapi.build([module])


def test_two_modules_may_not_define_one_schema_differently_or_one_operation_twice() -> None:
    one = FakeModule({"/api/a": {"get": _op()}}, {"Thing": {"type": "object"}})
    same = FakeModule({"/api/b": {"get": _op()}}, {"Thing": {"type": "object"}})
    other = FakeModule({"/api/c": {"get": _op()}}, {"Thing": {"type": "string"}})
    assert set(openapi.build([one, same])["paths"]) == {"/api/a", "/api/b"}
    with pytest.raises(ValueError, match="schema 'Thing'"):
        openapi.build([one, other])
    with pytest.raises(ValueError, match="documented twice"):
        openapi.build([one, FakeModule({"/api/a": {"get": _op()}})])


async def test_the_served_document_is_valid_openapi_and_covers_every_api_route(
    sqlite_url: str, aiohttp_client: AiohttpClient
) -> None:
    app = create_app(service_settings(sqlite_url))
    client: Client = await aiohttp_client(app)
    response = await client.get("/api/openapi.json")
    assert response.status == 200
    document = await response.json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    documented = {(method.upper(), path) for path, item in document["paths"].items()
                  for method in item if method in openapi.METHODS}
    routed = {(r.method, r.resource.canonical) for r in app.router.routes()
              if r.method != "HEAD" and r.resource is not None
              and r.resource.canonical.startswith(("/api/", "/health"))}
    assert routed - documented == set(), "routes missing from /api/openapi.json"
    assert len(HTTP_MODULES) >= 5

"""The OpenAPI document: generated from the declared endpoints, valid, covering the API."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from openapi_spec_validator import validate

from callcenter.app import HTTP_MODULES, create_app
from callcenter.auth.roles import Role
from callcenter.web import openapi
from callcenter.web.api import Api, Body, IdPath, Name, Query, Reply
from tests.conftest import service_settings
from tests.integration.auth.support import Client

pytestmark = pytest.mark.integration

AiohttpClient = Any
PAGES = {("GET", "/api/docs")}
"""Routes under /api/ that are pages for people, not operations of the API."""


class ThingIn(Body):
    name: Name


class Thing(Reply):
    id: int
    name: str


class ThingFilter(Query):
    limit: int = 10


class Module:
    """Stands in for an HTTP module: its `API` and `routes`."""

    def __init__(self) -> None:
        self.API = Api("things")
        self.routes = self.API.routes

        @self.API.post("/api/things", summary="Make a thing", roles=(Role.MANAGER,),
                       body=ThingIn, response=Thing)
        async def make(request: web.Request, body: ThingIn) -> Thing:
            return Thing(id=1, name=body.name)

        @self.API.get("/api/things/{id}", summary="One thing", roles=None,
                      path_params=IdPath, query=ThingFilter, response=Thing, errors=(404,))
        async def one(request: web.Request, path: IdPath, query: ThingFilter) -> Thing:
            return Thing(id=path.id, name="x")


def test_operations_come_from_the_declarations_with_roles_errors_and_schemas() -> None:
    document = openapi.build([Module()])
    make = document["paths"]["/api/things"]["post"]
    assert make["x-roles"] == ["manager"]
    assert set(make["responses"]) == {"201", "400", "401", "403", "415", "default"}
    assert make["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ThingIn"}
    assert document["components"]["schemas"]["ThingIn"]["additionalProperties"] is False
    one = document["paths"]["/api/things/{id}"]["get"]
    assert one["security"] == []
    assert [(p["name"], p["in"]) for p in one["parameters"]] == [("id", "path"),
                                                                ("limit", "query")]
    assert one["parameters"][0]["schema"]["maximum"] == 2**31 - 1
    assert set(one["responses"]) == {"200", "400", "404", "default"}
    validate(document)


def test_one_operation_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        openapi.build([Module(), Module()])


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
    assert routed - documented - PAGES == set(), "routes missing from /api/openapi.json"
    assert len(HTTP_MODULES) >= 5


async def test_the_api_reference_page_and_its_swagger_ui_are_served_by_the_service(
    sqlite_url: str, aiohttp_client: AiohttpClient
) -> None:
    client: Client = await aiohttp_client(create_app(service_settings(sqlite_url)))
    page = await client.get("/api/docs")
    assert page.status == 200
    html = await page.text()
    assert "/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "//cdn" not in html
    bundle = await client.get("/vendor/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status == 200
    assert "SwaggerUIBundle" in await bundle.text()
    assert (await client.get("/vendor/swagger-ui/package.json")).status == 404

"""REST handlers for /api/customers, /api/products and /api/contracts (R5, R13, R16, R27).

Roles (R28): agents, supervisors and managers register and edit customers while on the
phone; technicians may read the customers of their own orders (address and numbers for a
visit) but not edit, and no other customer;
only a manager deletes one. Every read and change is audited by the service (R27).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.roles import Principal, Role, principal_of, require
from callcenter.clock import utcnow
from callcenter.customers import fields as f
from callcenter.customers import service
from callcenter.customers.schemas import RenewalState, parse_contract, parse_customer, parse_product
from callcenter.customers.views import contract_json, customer_json, product_json
from callcenter.web.inputs import path_id
from callcenter.web.keys import SETTINGS
from callcenter.web.middleware import read_json
from callcenter.web.requests import created, database, number_plan, query_int, query_text

routes = web.RouteTableDef()
R = TypeVar("R")

READERS = (Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER)
WRITERS = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)


@routes.get("/api/customers")
@require(*READERS)
async def list_customers(request: web.Request) -> web.Response:
    name = query_text(request, "name")
    raw_phone = query_text(request, "phone", limit=40)
    phone = number_plan(request).e164("phone", raw_phone) if raw_phone else None
    limit = query_int(request, "limit", 50, low=1, high=200)
    async with database(request).transaction() as session:
        rows = await service.search(session, principal_of(request), name, phone, limit)
        body = [customer_json(r, children=False) for r in rows]
    return web.json_response({"customers": body})


@routes.post("/api/customers")
@require(*WRITERS)
async def create_customer(request: web.Request) -> web.Response:
    values = parse_customer(await read_json(request), number_plan(request))
    async with database(request).transaction() as session:
        row = await service.create(session, principal_of(request), values, utcnow())
        body = customer_json(await service.load(session, row.id))
    return created(body)


@routes.get("/api/customers/{id}")
@require(*READERS)
async def get_customer(request: web.Request) -> web.Response:
    customer_id = path_id(request)
    async with database(request).transaction() as session:
        body = customer_json(await service.read(session, principal_of(request), customer_id))
    return web.json_response(body)


@routes.patch("/api/customers/{id}")
@require(*WRITERS)
async def patch_customer(request: web.Request) -> web.Response:
    customer_id = path_id(request)
    values = parse_customer(await read_json(request), number_plan(request), partial=True)
    async with database(request).transaction() as session:
        row = await service.update(session, principal_of(request), customer_id, values, utcnow())
        body = customer_json(row)
    return web.json_response(body)


@routes.delete("/api/customers/{id}")
@require(Role.MANAGER)
async def delete_customer(request: web.Request) -> web.Response:
    customer_id = path_id(request)
    async with database(request).transaction() as session:
        await service.delete(session, principal_of(request), customer_id)
    return web.Response(status=204)


@dataclass(frozen=True)
class _Owned(Generic[R]):
    """A kind of record a customer owns (product, contract): added under the customer and
    changed by its own id, with the same handler shape, so one implementation serves both."""

    parse: Callable[..., dict[str, Any]]
    add: Callable[[AsyncSession, Principal, int, dict[str, Any], ZoneInfo], Awaitable[R]]
    update: Callable[[AsyncSession, Principal, int, dict[str, Any], ZoneInfo], Awaitable[R]]
    as_json: Callable[[R], dict[str, Any]]


_PRODUCTS = _Owned(parse_product, service.add_product, service.update_product,
                   product_json)
_CONTRACTS = _Owned(parse_contract, service.add_contract, service.update_contract,
                    contract_json)


async def _add_owned(request: web.Request, owned: _Owned[R]) -> web.Response:
    customer_id = path_id(request)
    values = owned.parse(await read_json(request))
    async with database(request).transaction() as session:
        row = await owned.add(session, principal_of(request), customer_id, values,
                              request.app[SETTINGS].zone)
        body = owned.as_json(row)
    return created(body)


async def _patch_owned(request: web.Request, owned: _Owned[R]) -> web.Response:
    record_id = path_id(request)
    values = owned.parse(await read_json(request), partial=True)
    async with database(request).transaction() as session:
        row = await owned.update(session, principal_of(request), record_id, values,
                                 request.app[SETTINGS].zone)
        body = owned.as_json(row)
    return web.json_response(body)


@routes.post("/api/customers/{id}/products")
@require(*WRITERS)
async def add_product(request: web.Request) -> web.Response:
    return await _add_owned(request, _PRODUCTS)


@routes.patch("/api/products/{id}")
@require(*WRITERS)
async def patch_product(request: web.Request) -> web.Response:
    return await _patch_owned(request, _PRODUCTS)


@routes.post("/api/customers/{id}/contracts")
@require(*WRITERS)
async def add_contract(request: web.Request) -> web.Response:
    return await _add_owned(request, _CONTRACTS)


@routes.patch("/api/contracts/{id}")
@require(*WRITERS)
async def patch_contract(request: web.Request) -> web.Response:
    return await _patch_owned(request, _CONTRACTS)


# -- OpenAPI -------------------------------------------------------------------------------

_S = "#/components/schemas/"
_TEXT = {"type": "string", "maxLength": 200}
_PHONE_IN = {"type": "object", "additionalProperties": False, "required": ["number"],
             "properties": {"number": {"type": "string", "maxLength": 40},
                            "label": {"type": "string", "maxLength": 40}}}
_CUSTOMER_PROPS: dict[str, Any] = {
    "name": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
    "phones": {"type": "array", "maxItems": 10, "items": _PHONE_IN},
    "address": {"type": "string", "maxLength": 500},
    "zone": {"type": "string", "enum": ["city", "suburb"]},
    "time_zone": {"type": "string", "maxLength": 64, "example": "Asia/Shanghai"},
    "overseas": {"type": "boolean"},
    "vip": {"type": "boolean"},
    "language": {"type": "string", "maxLength": 40},
    "do_not_call": {"type": "boolean"},
    "notes": {"type": "string", "maxLength": 4000},
}
_PRODUCT_PROPS: dict[str, Any] = {
    "model": {"type": "string", "minLength": 1, "maxLength": 120, "pattern": r"\S"},
    "serial": {"type": "string", "maxLength": 120},
    "purchased_on": f.nullable({"type": "string", "format": "date"}),
    "delivered_at": f.NULLABLE_DATE_TIME,
    "warranty_end": f.NULLABLE_DATE_TIME,
}
_CONTRACT_PROPS: dict[str, Any] = {
    "product_id": f.nullable({"type": "integer", "minimum": 1}),
    "starts_at": f.DATE_TIME,
    "ends_at": f.DATE_TIME,
    "renewal_state": {"type": "string", "enum": [s.value for s in RenewalState]},
}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False,
                              "properties": props}
    if required:
        schema["required"] = required
    return schema


_PRODUCT_OUT = _obj({"id": {"type": "integer"}, "customer_id": {"type": "integer"},
                     **_PRODUCT_PROPS, "model": {"type": "string"}})
_CONTRACT_OUT = _obj({"id": {"type": "integer"}, "customer_id": {"type": "integer"},
                      **_CONTRACT_PROPS, "renewal_notice_due": f.DATE_TIME})
_CUSTOMER_OUT: dict[str, Any] = {"type": "object", "properties": {
    "id": {"type": "integer"}, **_CUSTOMER_PROPS, "name": {"type": "string"},
    "phones": {"type": "array", "items": {"type": "object", "properties": {
        "number": {"type": "string"}, "label": {"type": "string"}}}},
    "created_at": f.DATE_TIME, "updated_at": f.DATE_TIME,
    "products": {"type": "array", "items": {"$ref": _S + "Product"}},
    "contracts": {"type": "array", "items": {"$ref": _S + "Contract"}}}}

_ID = [f.id_param()]
OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/customers": {
            "get": {"summary": "Search customers (audited read, R27)", "tags": ["customers"],
                    "parameters": [
                        {"name": "name", "in": "query", "schema": {"type": "string",
                                                                   "maxLength": 200}},
                        {"name": "phone", "in": "query", "schema": {"type": "string",
                                                                    "maxLength": 40}},
                        {"name": "limit", "in": "query", "schema": {
                            "type": "integer", "minimum": 1, "maximum": 200}}],
                    "responses": f.responses(200, "CustomerList", 400)},
            "post": {"summary": "Register a customer", "tags": ["customers"],
                     "requestBody": f.json_body("CustomerIn"),
                     "responses": f.responses(201, "Customer", 400)},
        },
        "/api/customers/{id}": {
            "parameters": _ID,
            "get": {"summary": "One customer (audited read, R27)", "tags": ["customers"],
                    "responses": f.responses(200, "Customer", 404)},
            "patch": {"summary": "Change a customer", "tags": ["customers"],
                      "requestBody": f.json_body("CustomerPatch"),
                      "responses": f.responses(200, "Customer", 400, 404)},
            "delete": {"summary": "Delete a customer without service orders (manager)",
                       "tags": ["customers"], "responses": f.responses(204, None, 404, 409)},
        },
        "/api/customers/{id}/products": {
            "parameters": _ID,
            "post": {"summary": "Add a product (delivery starts the R16 clock)",
                     "tags": ["customers"], "requestBody": f.json_body("ProductIn"),
                     "responses": f.responses(201, "Product", 400, 404)},
        },
        "/api/products/{id}": {
            "parameters": _ID,
            "patch": {"summary": "Change a product", "tags": ["customers"],
                      "requestBody": f.json_body("ProductPatch"),
                      "responses": f.responses(200, "Product", 400, 404)},
        },
        "/api/customers/{id}/contracts": {
            "parameters": _ID,
            "post": {"summary": "Add a maintenance contract (R13)", "tags": ["customers"],
                     "requestBody": f.json_body("ContractIn"),
                     "responses": f.responses(201, "Contract", 400, 404)},
        },
        "/api/contracts/{id}": {
            "parameters": _ID,
            "patch": {"summary": "Change a contract or its renewal state (R13)",
                      "tags": ["customers"], "requestBody": f.json_body("ContractPatch"),
                      "responses": f.responses(200, "Contract", 400, 404)},
        },
    },
    "schemas": {
        "CustomerIn": _obj(_CUSTOMER_PROPS, ["name"]),
        "CustomerPatch": _obj(_CUSTOMER_PROPS),
        "Customer": _CUSTOMER_OUT,
        "CustomerList": {"type": "object", "properties": {
            "customers": {"type": "array", "items": {"$ref": _S + "Customer"}}}},
        "ProductIn": _obj(_PRODUCT_PROPS, ["model"]),
        "ProductPatch": _obj(_PRODUCT_PROPS),
        "Product": _PRODUCT_OUT,
        "ContractIn": _obj(_CONTRACT_PROPS, ["starts_at", "ends_at"]),
        "ContractPatch": _obj(_CONTRACT_PROPS),
        "Contract": _CONTRACT_OUT,
    },
}

"""REST handlers for /api/customers, /api/products and /api/contracts (R5, R13, R16, R27).

Roles (R28): agents, supervisors and managers register and edit customers while on the
phone; technicians may read the customers of their own orders (address and numbers for a
visit) but not edit, and no other customer;
only a manager deletes one. Every read and change is audited by the service (R27).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from callcenter.auth.roles import Role, principal_of
from callcenter.clock import utcnow
from callcenter.customers import service
from callcenter.customers.schemas import (
    Contract,
    ContractIn,
    ContractPatch,
    Customer,
    CustomerIn,
    CustomerList,
    CustomerPatch,
    CustomerSearch,
    CustomerSummary,
    Product,
    ProductIn,
    ProductPatch,
)
from callcenter.web.api import Api, IdPath
from callcenter.web.keys import SETTINGS
from callcenter.web.requests import database, number_plan


def _validation_context(request: web.Request) -> Mapping[str, Any]:
    """Phones in a body are read with the site's number plan."""
    return {"plan": number_plan(request)}


API = Api("customers", context=_validation_context)
routes = API.routes

READERS = (Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER)
WRITERS = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)


@API.get("/api/customers", summary="Search customers (audited read, R27)", roles=READERS,
         query=CustomerSearch, response=CustomerList)
async def list_customers(request: web.Request, query: CustomerSearch) -> CustomerList:
    phone = number_plan(request).e164("phone", query.phone) if query.phone else None
    async with database(request).transaction() as session:
        rows = await service.search(session, principal_of(request), query.name, phone,
                                    query.limit)
        return CustomerList(customers=[CustomerSummary.model_validate(r) for r in rows])


@API.post("/api/customers", summary="Register a customer", roles=WRITERS, body=CustomerIn,
          response=Customer)
async def create_customer(request: web.Request, body: CustomerIn) -> Customer:
    async with database(request).transaction() as session:
        row = await service.create(session, principal_of(request), body, utcnow())
        return Customer.model_validate(await service.load(session, row.id))


@API.get("/api/customers/{id}", summary="One customer (audited read, R27)", roles=READERS,
         path_params=IdPath, response=Customer, errors=(404,))
async def get_customer(request: web.Request, path: IdPath) -> Customer:
    async with database(request).transaction() as session:
        return Customer.model_validate(
            await service.read(session, principal_of(request), path.id))


@API.patch("/api/customers/{id}", summary="Change a customer", roles=WRITERS,
           path_params=IdPath, body=CustomerPatch, response=Customer, errors=(404,))
async def patch_customer(request: web.Request, path: IdPath, body: CustomerPatch) -> Customer:
    async with database(request).transaction() as session:
        row = await service.update(session, principal_of(request), path.id, body, utcnow())
        return Customer.model_validate(row)


@API.delete("/api/customers/{id}", summary="Delete a customer without service orders",
            roles=(Role.MANAGER,), path_params=IdPath, errors=(404, 409))
async def delete_customer(request: web.Request, path: IdPath) -> None:
    async with database(request).transaction() as session:
        await service.delete(session, principal_of(request), path.id)


@API.post("/api/customers/{id}/products", summary="Add a product (delivery starts the R16 "
          "clock)", roles=WRITERS, path_params=IdPath, body=ProductIn, response=Product,
          errors=(404,))
async def add_product(request: web.Request, path: IdPath, body: ProductIn) -> Product:
    async with database(request).transaction() as session:
        row = await service.add_product(session, principal_of(request), path.id, body,
                                        request.app[SETTINGS].zone)
        return Product.model_validate(row)


@API.patch("/api/products/{id}", summary="Change a product", roles=WRITERS,
           path_params=IdPath, body=ProductPatch, response=Product, errors=(404,))
async def patch_product(request: web.Request, path: IdPath, body: ProductPatch) -> Product:
    async with database(request).transaction() as session:
        row = await service.update_product(session, principal_of(request), path.id, body,
                                           request.app[SETTINGS].zone)
        return Product.model_validate(row)


@API.post("/api/customers/{id}/contracts", summary="Add a maintenance contract (R13)",
          roles=WRITERS, path_params=IdPath, body=ContractIn, response=Contract,
          errors=(404,))
async def add_contract(request: web.Request, path: IdPath, body: ContractIn) -> Contract:
    async with database(request).transaction() as session:
        row = await service.add_contract(session, principal_of(request), path.id, body,
                                         request.app[SETTINGS].zone)
        return Contract.model_validate(row)


@API.patch("/api/contracts/{id}", summary="Change a contract or its renewal state (R13)",
           roles=WRITERS, path_params=IdPath, body=ContractPatch, response=Contract,
           errors=(404,))
async def patch_contract(request: web.Request, path: IdPath, body: ContractPatch) -> Contract:
    async with database(request).transaction() as session:
        row = await service.update_contract(session, principal_of(request), path.id, body,
                                            request.app[SETTINGS].zone)
        return Contract.model_validate(row)

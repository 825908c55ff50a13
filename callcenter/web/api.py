"""The typed API edge: each request and response declared once, as a pydantic model.

A handler module makes one `Api` and declares each endpoint on it: its roles, its body,
query and path models, its response model. From that one declaration come:

- validation: a body that is not JSON is refused with 415; bad JSON and every field error
  give a 400 `invalid-input` whose `details.field` names the field at fault
  (`phones.0.number`);
- the handler's typed arguments (`body=`, `query=`, `path=`) and the JSON of the model it
  returns (204 for `None`);
- the operation in `/api/openapi.json` (`callcenter.web.openapi` generates the document).

Request bodies refuse unknown fields and take JSON types as they are (strict: `"3"` is not
a number and `0` is not `false`); query and path models read the strings of a URL.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self, TypeVar

from aiohttp import web
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.config import JsonDict

from callcenter.auth.principal import Role
from callcenter.auth.roles import check_role
from callcenter.clock import iso
from callcenter.errors import InvalidInput, UnsupportedMediaType
from callcenter.web.inputs import MAX_ID

M = TypeVar("M", bound=BaseModel)


class Body(BaseModel):
    """A JSON request body: unknown fields refused, JSON types taken as they are."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Patch(Body):
    """A PATCH body: every field optional, only those given change, and a field given as
    null is refused unless the model names it in `nullable` (a date that may be cleared)."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        # After, not before, validation: a "before" check would hand the fields on as Python
        # values, and strict mode would then refuse the ISO strings of dates and times.
        for key in sorted(self.model_fields_set - self.nullable):
            if getattr(self, key) is None:
                raise InvalidInput(key, "must not be null")
        return self

    def given(self) -> dict[str, Any]:
        """The fields the request gave, with their values: what the PATCH changes."""
        return {key: getattr(self, key) for key in self.model_fields_set}


class Query(BaseModel):
    """Query or path parameters: the strings of a URL as typed values; others are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Reply(BaseModel):
    """A JSON response body, made from plain values or a stored row's attributes."""

    model_config = ConfigDict(frozen=True, from_attributes=True)


Line = Annotated[str, StringConstraints(max_length=200)]
Short = Annotated[str, StringConstraints(max_length=40)]
Paragraph = Annotated[str, StringConstraints(max_length=500)]
LongText = Annotated[str, StringConstraints(max_length=4000)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]
"""A name: up to 200 characters, not only blanks."""


def _utc(value: AwareDatetime) -> AwareDatetime:
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range") from None
    if not 1970 <= utc.year <= 9000:
        raise ValueError("is out of range (1970 to 9000)")
    return utc


Instant = Annotated[AwareDatetime, AfterValidator(_utc)]
"""An ISO 8601 instant with its UTC offset (a naive time is ambiguous), kept in UTC."""

Time = Annotated[datetime, PlainSerializer(iso, return_type=str),
                 WithJsonSchema({"type": "string", "format": "date-time"})]
"""A stored instant in a reply: ISO 8601 in UTC (`2026-03-01T01:30:00Z`), as everywhere."""


def _fits_an_id(value: int) -> int:
    if value < 1:
        raise ValueError("must be a positive whole number")
    if value > MAX_ID:
        raise ValueError(f"is larger than any id the database holds (at most {MAX_ID})")
    return value


Id = Annotated[int, AfterValidator(_fits_an_id),
               Field(json_schema_extra={"minimum": 1, "maximum": MAX_ID})]
"""A database id (32-bit): too large a number is bad input that says so."""


def blank_is_absent(value: object) -> object:
    """`?status=` is how a form sends "any": no filter, not a bad value."""
    return None if value == "" else value


def in_url(schema: JsonDict) -> Any:
    """A query parameter's schema written out as the URL spells it (a string enum, a
    date-time), for fields whose Python type documents itself otherwise."""

    def write(field: JsonDict) -> None:
        field.clear()
        field.update(schema)

    return Field(json_schema_extra=write)


def one_of(enum: type[StrEnum]) -> Any:
    """A query parameter that takes one of `enum`'s values."""
    return in_url({"type": "string", "enum": [member.value for member in enum]})


class IdPath(Query):
    """The `{id}` of a record in the path."""

    id: Id


def invalid_input(exc: ValidationError) -> InvalidInput:
    """The first field error as the API's `invalid-input`: `details.field` names the field
    of the request at fault, the message says where inside it (`phones.0.number`) and why."""
    errors = exc.errors(include_url=False)
    # A misspelt field explains the "missing" one next to it: name it first.
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    location = [str(part) for part in first["loc"]]
    problem = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        problem = "is not a known field"
    elif first["type"] == "missing":
        problem = "is required"
    if not location:
        return InvalidInput("body", problem)
    if len(location) > 1:
        problem = f"{'.'.join(location[1:])}: {problem}"
    return InvalidInput(location[0], problem)


def parse_body(model: type[M], raw: str | bytes,
               context: Mapping[str, Any] | None = None) -> M:
    """`raw` JSON as `model`, or `invalid-input` naming what is wrong."""
    try:
        return model.model_validate_json(raw, context=dict(context or {}))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        if first["type"] == "json_invalid":
            raise InvalidInput("body", f"is not valid JSON ({first['msg']})") from None
        if first["type"] == "model_type":
            raise InvalidInput("body", "must be a JSON object") from None
        raise invalid_input(exc) from None


def parse_strings(model: type[M], values: Mapping[str, str]) -> M:
    """URL strings (query or path) as `model`, or `invalid-input` naming the parameter."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        raise invalid_input(exc) from None


Context = Callable[[web.Request], Mapping[str, Any]]
"""What a module's body validators need from the request (the site's number plan, say)."""
Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One declared operation: what its validation, its answer and its OpenAPI come from."""

    method: str
    path: str
    summary: str
    tags: tuple[str, ...]
    roles: frozenset[Role] | None  # None: public
    body: type[Body] | None = None
    query: type[Query] | None = None
    path_params: type[Query] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    description: str = ""
    extra_responses: Mapping[str, Any] = field(default_factory=dict)


class Api:
    """One HTTP module's endpoints: the aiohttp routes and their declarations."""

    def __init__(self, tag: str, *, context: Context | None = None) -> None:
        self.tag = tag
        self.routes = web.RouteTableDef()
        self.endpoints: list[Endpoint] = []
        self._context = context

    def get(self, path: str, **declared: Any) -> Callable[[Handler], Handler]:
        return self._declare("GET", path, **declared)

    def post(self, path: str, **declared: Any) -> Callable[[Handler], Handler]:
        declared.setdefault("status", 201)
        return self._declare("POST", path, **declared)

    def put(self, path: str, **declared: Any) -> Callable[[Handler], Handler]:
        return self._declare("PUT", path, **declared)

    def patch(self, path: str, **declared: Any) -> Callable[[Handler], Handler]:
        return self._declare("PATCH", path, **declared)

    def delete(self, path: str, **declared: Any) -> Callable[[Handler], Handler]:
        return self._declare("DELETE", path, **declared)

    def _declare(self, method: str, path: str, *, summary: str,
                 roles: tuple[Role, ...] | None, tags: tuple[str, ...] | None = None,
                 **declared: Any) -> Callable[[Handler], Handler]:
        endpoint = Endpoint(method, path, summary, tags or (self.tag,),
                            None if roles is None else frozenset(roles), **declared)
        self.endpoints.append(endpoint)

        def register(handler: Handler) -> Handler:
            self.routes.route(method, path)(self._serve(endpoint, handler))
            return handler

        return register

    def _serve(self, endpoint: Endpoint,
               handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def serve(request: web.Request) -> web.StreamResponse:
            if endpoint.roles is not None:
                check_role(request, endpoint.roles)
            arguments: dict[str, Any] = {}
            if endpoint.path_params is not None:
                arguments["path"] = parse_strings(endpoint.path_params, request.match_info)
            if endpoint.query is not None:
                arguments["query"] = parse_strings(endpoint.query, request.query)
            if endpoint.body is not None:
                arguments["body"] = await self._body(request, endpoint.body)
            return answer(await handler(request, **arguments), endpoint.status)

        serve.__name__ = handler.__name__
        serve.__doc__ = handler.__doc__
        return serve

    async def _body(self, request: web.Request, model: type[M]) -> M:
        if not request.body_exists:
            raise InvalidInput("body", "a JSON body is required")
        if request.content_type != "application/json":
            raise UnsupportedMediaType(request.content_type)
        context = self._context(request) if self._context is not None else None
        return parse_body(model, await request.read(), context)


def answer(result: Any, status: int) -> web.StreamResponse:
    """The handler's result as the response: its declared model as JSON, None as 204."""
    if isinstance(result, web.StreamResponse):
        return result
    if result is None:
        return web.Response(status=204)
    if not isinstance(result, BaseModel):
        raise TypeError(f"a handler answers with its declared model, not {type(result)}")
    return web.Response(body=result.model_dump_json(), status=status,
                        content_type="application/json")


__all__ = [
    "Api",
    "Body",
    "Endpoint",
    "Id",
    "IdPath",
    "Instant",
    "Line",
    "LongText",
    "Name",
    "Paragraph",
    "Patch",
    "Query",
    "Reply",
    "Short",
    "Time",
    "blank_is_absent",
    "in_url",
    "one_of",
    "parse_body",
    "parse_strings",
]

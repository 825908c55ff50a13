"""The screen-pop lookup (R5): everything an agent needs about a caller, in one statement.

When a known customer calls, the agent's screen shows their record and history before the
greeting is over, so the lookup is on the hot path of every answered call. It is one SQL
statement — one round trip — that builds the whole answer as JSON inside the database:
each customer with that number, their numbers, products, contracts, open orders and
complaints with deadlines, their last 5 calls and last survey results, plus the last 5 calls
from the number itself (an unknown caller may have rung before). Both back-ends get the same
statement shape, spelled with their own JSON functions (PostgreSQL `json_build_object` /
`json_agg`, SQLite `json_object` / `json_group_array`); the text is generated once per
back-end from the field lists below and only the number is bound.

Several customers can share a number (a family's home line): all of them are returned and
the match is "ambiguous" — the agent asks, the system never guesses.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from callcenter.audit.log import entry, write
from callcenter.auth.principal import Principal
from callcenter.rules.deadlines import clock_state

MAX_CANDIDATES = 20
OPEN_LIMIT = 20
CALLS_LIMIT = 5
SURVEYS_LIMIT = 3
ORDER_WARNING = timedelta(hours=1)
CASE_WARNING = timedelta(days=1)

# (json key, SQL expression) per part of the answer; aliases: c customer, x the child row.
_CUSTOMER = [("id", "c.id"), ("name", "c.name"), ("address", "c.address"),
             ("zone", "c.zone"), ("time_zone", "c.time_zone"), ("overseas", "c.overseas"),
             ("vip", "c.vip"), ("language", "c.language"), ("do_not_call", "c.do_not_call"),
             ("notes", "c.notes")]
_PHONE = [("number", "x.e164"), ("label", "x.label")]
_PRODUCT = [("id", "x.id"), ("model", "x.model"), ("serial", "x.serial"),
            ("purchased_on", "x.purchased_on"), ("delivered_at", "x.delivered_at"),
            ("warranty_end", "x.warranty_end")]
_CONTRACT = [("id", "x.id"), ("product_id", "x.product_id"), ("starts_at", "x.starts_at"),
             ("ends_at", "x.ends_at"), ("renewal_state", "x.renewal_state"),
             ("renewal_notice_due", "x.renewal_notice_due")]
_ORDER = [("id", "x.id"), ("kind", "x.kind"), ("service_class", "x.service_class"),
          ("status", "x.status"), ("product_id", "x.product_id"),
          ("technician", "x.technician"), ("description", "x.description"),
          ("registered_at", "x.registered_at"), ("units", "x.units"),
          ("first_response_due", "x.first_response_due"),
          ("first_contact_at", "x.first_contact_at"),
          ("handling_plan_due", "x.handling_plan_due"), ("plan_sent_at", "x.plan_sent_at"),
          ("on_site_due", "x.on_site_due"), ("on_site_at", "x.on_site_at"),
          ("solved_due", "x.solved_due"), ("completed_at", "x.completed_at"),
          ("workshop_due", "x.workshop_due")]
_COMPLAINT = [("id", "x.id"), ("number", "x.number"), ("kind", "x.kind"),
              ("severity", "x.severity"), ("status", "x.status"), ("subject", "x.subject"),
              ("owner", "x.owner"), ("registered_at", "x.registered_at"),
              ("case_due", "x.case_due"), ("answer_due", "x.answer_due"),
              ("resolved_at", "x.resolved_at")]
_CALL = [("call_id", "x.call_id"), ("entered_at", "x.entered_at"), ("queue", "x.queue"),
         ("caller_number", "x.caller_num_e164"), ("answered_by", "x.answered_by_agent"),
         ("talk_s", "x.talk_s"), ("exit_reason", "x.exit_reason"), ("outcome", "x.outcome")]
_SURVEY = [("id", "x.id"), ("surveyed_at", "x.surveyed_at"), ("outcome", "x.outcome"),
           ("order_id", "x.order_id"), ("complaint_id", "x.complaint_id"),
           ("technician", "x.technician"), ("attitude", "x.attitude"), ("skill", "x.skill"),
           ("arrival_time", "x.arrival_time"), ("promises_kept", "x.promises_kept"),
           ("product_works", "x.product_works")]

_DATETIMES = frozenset({"delivered_at", "warranty_end", "starts_at", "ends_at",
                        "renewal_notice_due", "registered_at", "first_response_due",
                        "first_contact_at", "handling_plan_due", "plan_sent_at", "on_site_due",
                        "on_site_at", "solved_due", "completed_at", "workshop_due", "case_due",
                        "answer_due", "resolved_at", "entered_at", "surveyed_at"})
_BOOLEANS = frozenset({"overseas", "vip", "do_not_call", "product_works"})


class _Dialect:
    """The JSON spelling of one back-end."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres

    def obj(self, pairs: list[tuple[str, str]]) -> str:
        fn = "json_build_object" if self.postgres else "json_object"
        return f"{fn}(" + ", ".join(f"'{key}', {expr}" for key, expr in pairs) + ")"

    def nested(self, subquery: str) -> str:
        """A JSON value computed by a scalar subquery, kept as JSON inside an object."""
        return f"({subquery})" if self.postgres else f"json(({subquery}))"

    def array(self, pairs: list[tuple[str, str]], source: str, order: str, limit: int) -> str:
        """JSON array of `pairs` over `source` ordered by `order` (desc), at most `limit`."""
        inner = (f"SELECT {self.obj(pairs)} AS j, {order} AS k FROM {source} "
                 f"ORDER BY {order} DESC LIMIT {limit}")
        if self.postgres:
            return f"SELECT coalesce(json_agg(t.j ORDER BY t.k DESC), '[]'::json) FROM ({inner}) t"
        return f"SELECT json_group_array(json(t.j)) FROM ({inner}) t"


@lru_cache(maxsize=2)
def statement(backend: str) -> TextClause:
    """The lookup statement for `backend` ("postgresql" or "sqlite"), bound on :number."""
    d = _Dialect(backend == "postgresql")
    by_customer = "WHERE x.customer_id = c.id"
    fields = [
        *_CUSTOMER,
        ("phones", d.nested(d.array(_PHONE, f"customer_phones x {by_customer}", "-x.id", 10))),
        ("products", d.nested(d.array(_PRODUCT, f"products x {by_customer}", "x.id", 50))),
        ("contracts", d.nested(d.array(_CONTRACT, f"maintenance_contracts x {by_customer}",
                                       "x.ends_at", 10))),
        ("open_orders", d.nested(d.array(
            _ORDER, f"service_orders x {by_customer} AND x.status NOT IN ('closed', "
                    "'cancelled')", "x.id", OPEN_LIMIT))),
        ("open_complaints", d.nested(d.array(
            _COMPLAINT, f"complaints x {by_customer} AND x.status <> 'closed'", "x.id",
            OPEN_LIMIT))),
        ("last_calls", d.nested(d.array(_CALL, f"calls x {by_customer}", "x.entered_at",
                                        CALLS_LIMIT))),
        ("last_surveys", d.nested(d.array(_SURVEY, f"survey_results x {by_customer}",
                                          "x.surveyed_at", SURVEYS_LIMIT))),
    ]
    customers = d.array(
        fields,
        "customers c WHERE c.id IN (SELECT customer_id FROM customer_phones "
        "WHERE e164 = :number)",
        "-c.id", MAX_CANDIDATES,
    )
    number_calls = d.array(_CALL, "calls x WHERE x.caller_num_e164 = :number",
                           "x.entered_at", CALLS_LIMIT)
    return text(f"SELECT ({customers}) AS customers, ({number_calls}) AS number_calls")


def _instant(value: Any) -> str | None:
    """Both back-ends' timestamp spellings, as ISO 8601 UTC with a Z."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:  # SQLite stores naive UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _clean(item: dict[str, Any]) -> dict[str, Any]:
    for key, value in item.items():
        if key in _DATETIMES:
            item[key] = _instant(value)
        elif key in _BOOLEANS and value is not None:
            item[key] = bool(value)
    return item


def _state(due: str | None, done: str | None, now: datetime, warn: timedelta) -> str | None:
    if due is None:
        return None
    stopped_at = datetime.fromisoformat(done) if done is not None else None
    return clock_state(datetime.fromisoformat(due), stopped_at, now, warn)


_ORDER_CLOCKS = (("first_response", "first_response_due", "first_contact_at"),
                 ("handling_plan", "handling_plan_due", "plan_sent_at"),
                 ("on_site", "on_site_due", "on_site_at"),
                 ("solved", "solved_due", "completed_at"),
                 ("workshop", "workshop_due", "completed_at"))


def _order(item: dict[str, Any], now: datetime) -> dict[str, Any]:
    _clean(item)
    item["deadlines"] = {
        name: {"due": item[due], "done_at": item[done],
               "state": _state(item[due], item[done], now, ORDER_WARNING)}
        for name, due, done in _ORDER_CLOCKS if item[due] is not None}
    return item


def _complaint(item: dict[str, Any], now: datetime) -> dict[str, Any]:
    _clean(item)
    item["deadlines"] = {"case": {"due": item["case_due"], "done_at": None, "state": _state(
        item["case_due"], None, now, CASE_WARNING)}}
    if item["answer_due"] is not None:
        item["deadlines"]["answer"] = {"due": item["answer_due"], "done_at": item["resolved_at"],
                                       "state": _state(item["answer_due"], item["resolved_at"],
                                                       now, ORDER_WARNING)}
    return item


def _decode(raw: Any) -> list[dict[str, Any]]:
    value = json.loads(raw) if isinstance(raw, str | bytes) else raw
    return list(value or [])


def shape(number: str, customers_raw: Any, number_calls_raw: Any,
          now: datetime) -> dict[str, Any]:
    """The answer from the statement's two JSON columns (for callers that prefetch rows)."""
    customers = _decode(customers_raw)
    for customer in customers:
        _clean(customer)
        for key in ("products", "contracts", "last_calls", "last_surveys"):
            customer[key] = [_clean(item) for item in customer[key]]
        customer["open_orders"] = [_order(item, now) for item in customer["open_orders"]]
        customer["open_complaints"] = [_complaint(i, now) for i in customer["open_complaints"]]
    match = "none" if not customers else ("unique" if len(customers) == 1 else "ambiguous")
    return {"number": number, "match": match, "customers": customers,
            "number_calls": [_clean(item) for item in _decode(number_calls_raw)]}


async def lookup(db: AsyncSession | AsyncConnection, number: str,
                 now: datetime) -> dict[str, Any]:
    """The screen-pop for an E.164 `number`: candidates, their history, the number's calls."""
    conn = db if isinstance(db, AsyncConnection) else await db.connection()  # Core, no ORM
    row = (await conn.execute(statement(conn.dialect.name), {"number": number})).one()
    return shape(number, row.customers, row.number_calls, now)


def read_entries(who: Principal, number: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """R27 rows for one lookup: a read of each customer shown, or of the number itself when
    nobody matched (probing the directory leaves a trace too)."""
    reads = [entry(who, "read", "customer", customer["id"], {"via": "lookup", "number": number})
             for customer in body["customers"]]
    return reads or [entry(who, "read", "lookup", number, {"matched": 0})]


# PostgreSQL: the rows of `read_entries`, inserted by the lookup statement itself.
_AUDITED_READS = (
    "WITH matched AS (SELECT DISTINCT customer_id FROM customer_phones WHERE e164 = :number "
    f"ORDER BY customer_id LIMIT {MAX_CANDIDATES}), "
    "reader AS (SELECT now() AS at, CAST(:account_id AS integer) AS account_id, "
    "CAST(:username AS varchar) AS username, CAST(:role AS varchar) AS role), "
    "audited AS (INSERT INTO audit_log "
    "(at, account_id, username, role, action, entity, entity_id, detail) "
    "SELECT r.at, r.account_id, r.username, r.role, 'read', 'customer', "
    "CAST(m.customer_id AS varchar), json_build_object('via', 'lookup', 'number', "
    "CAST(:number AS varchar)) FROM matched m, reader r "
    "UNION ALL SELECT r.at, r.account_id, r.username, r.role, 'read', 'lookup', "
    "CAST(:number AS varchar), json_build_object('matched', 0) FROM reader r "
    "WHERE NOT EXISTS (SELECT 1 FROM matched)) "
)


@lru_cache(maxsize=1)
def _audited_statement() -> TextClause:
    return text(_AUDITED_READS + str(statement("postgresql").text))


async def audited_lookup(conn: AsyncConnection, who: Principal, number: str,
                         now: datetime) -> dict[str, Any]:
    """The lookup with its R27 rows, on an autocommit connection: the answer exists only
    once the reads are recorded.

    On PostgreSQL one statement reads and records (a data-modifying CTE): a single round
    trip, where a lookup then an insert took two on the screen-pop's hot path. SQLite has
    no such CTE, so there it is the lookup, then one insert.
    """
    if conn.dialect.name != "postgresql":
        body = await lookup(conn, number, now)
        await write(conn, read_entries(who, number, body))
        return body
    reader = entry(who, "read", "lookup", number)
    row = (await conn.execute(_audited_statement(), {
        "number": number, **{key: reader[key] for key in ("account_id", "username", "role")}}
    )).one()
    return shape(number, row.customers, row.number_calls, now)

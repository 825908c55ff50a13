"""`callcenter account add` and `callcenter token add`: the first admin has to come from
somewhere, and integrations are set up from the server's shell.

Passwords are read from standard input when it is not a terminal (scripts, provisioning),
else asked twice without echo; never from the command line, where `ps` would show them.
Heavy imports wait until a command runs, so `callcenter --help` stays quick.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from callcenter.settings import Settings

if TYPE_CHECKING:
    from callcenter.auth.context import Auth

Work = Callable[["Auth"], Awaitable[str]]
ROLES = ["agent", "technician", "supervisor", "manager", "admin"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `account` and `token` commands to the `callcenter` parser."""
    account = sub.add_parser("account", help="manage login accounts").add_subparsers(
        dest="action", required=True)
    p = account.add_parser("add", help="create an account; the password is read from stdin")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--agent", default=None, help="directory agent id this person answers as")
    p.add_argument("--display-name", default=None)
    p.set_defaults(run=add_account)
    token = sub.add_parser("token", help="manage API tokens").add_subparsers(
        dest="action", required=True)
    p = token.add_parser("add", help="make an API token for an account and print it once")
    p.add_argument("username")
    p.add_argument("--name", default="", help="what the token is for")
    p.set_defaults(run=add_token)


def read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("callcenter: the passwords differ")
    return first


def add_account(settings: Settings, args: argparse.Namespace) -> int:
    async def work(auth: Auth) -> str:
        from callcenter.auth.schemas import AccountIn
        from callcenter.web.api import parse_body

        # Read as the API reads a request body: the same checks and the same messages.
        new = parse_body(AccountIn, json.dumps({
            "username": args.username, "role": args.role, "agent_id": args.agent,
            "display_name": args.display_name, "password": read_password()}))
        row = await auth.accounts.create(new.spec(), None)
        done = f"account {row.id} {row.username} ({row.role}) created"
        if row.role == "agent" and row.agent_id is None:
            done += ("\nwarning: no --agent given: the desk will ask for an agent link until an "
                     "administrator sets one (PUT /api/accounts/ID with agent_id; "
                     "`callcenter agents` lists the ids)")
        return done

    return _run(settings, work)


def add_token(settings: Settings, args: argparse.Namespace) -> int:
    async def work(auth: Auth) -> str:
        from callcenter.auth.schemas import TokenIn
        from callcenter.web.api import parse_body

        new = parse_body(TokenIn, json.dumps({"username": args.username, "name": args.name}))
        _, secret = await auth.tokens.create(new.spec(), None)
        return secret

    return _run(settings, work)


def _run(settings: Settings, work: Work) -> int:
    from callcenter.errors import CallcenterError
    from callcenter.schema import migrate

    try:
        migrate.upgrade(settings.database_url)
        print(asyncio.run(_with_auth(settings, work)))
    except CallcenterError as exc:
        print(f"callcenter: {exc.message}", file=sys.stderr)
        return 1
    return 0


async def _with_auth(settings: Settings, work: Work) -> str:
    from callcenter.auth.context import build_auth
    from callcenter.storage.database import open_database

    db = open_database(settings.database_url)
    try:
        return await work(build_auth(db))
    finally:
        await db.dispose()

"""Creating and changing accounts (R28), each change audited in its own transaction (R27).

Accounts are never deleted, only deactivated, because the audit log names them. Deactivating
an account or changing its password ends its sessions; its role is read afresh on every
request (through a short cache that `on_change` clears), so a demotion takes effect at once.
A change that takes access away (deactivation, a new role, password or agent link) is also
handed to `on_revoke`, which closes the account's open websockets (R27, R28).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.audit.log import record, record_by_operator
from callcenter.auth.models import AccountRow, SessionRow
from callcenter.auth.passwords import hash_password
from callcenter.auth.principal import Principal, Role
from callcenter.auth.revocation import Revocation
from callcenter.auth.schemas import AccountChange, NewAccount
from callcenter.directory.models import AgentRow
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.storage.database import Database


def _audit(session: AsyncSession, who: Principal | None, action: str, account_id: int,
           detail: dict[str, Any]) -> None:
    """`detail` is the audit row's free-form JSON: what this action changed."""
    if who is None:
        record_by_operator(session, action, "account", account_id, detail)
    else:
        record(session, who, action, "account", account_id, detail)


async def _nobody_to_tell(revocation: Revocation) -> None:
    return None


class AccountService:
    def __init__(self, db: Database, on_change: Callable[[], None] = lambda: None,
                 on_revoke: Callable[[Revocation], Awaitable[None]] = _nobody_to_tell
                 ) -> None:
        self._db = db
        self._on_change = on_change
        self._on_revoke = on_revoke

    async def list(self) -> list[AccountRow]:
        async with self._db.sessions() as session:
            rows = await session.scalars(select(AccountRow).order_by(AccountRow.id))
            return list(rows.all())

    async def get(self, account_id: int) -> AccountRow:
        async with self._db.sessions() as session:
            row = await session.get(AccountRow, account_id)
        if row is None:
            raise NotFound("account", str(account_id))
        return row

    async def by_username(self, username: str) -> AccountRow | None:
        async with self._db.sessions() as session:
            found: AccountRow | None = await session.scalar(
                select(AccountRow).where(AccountRow.username == username))
            return found

    async def create(self, spec: NewAccount, who: Principal | None) -> AccountRow:
        """Add an account; `who` is None when the command line does it."""
        password_hash = await hash_password(spec.password)
        try:
            async with self._db.transaction() as session:
                if await session.scalar(select(AccountRow.id).where(
                        AccountRow.username == spec.username)) is not None:
                    raise Conflict(f"username {spec.username!r} is taken",
                                   username=spec.username)
                await self._check_agent(session, spec.agent_id, None)
                row = AccountRow(username=spec.username, display_name=spec.display_name,
                                 role=str(spec.role), password_hash=password_hash,
                                 agent_id=spec.agent_id, active=spec.active)
                session.add(row)
                await session.flush()
                _audit(session, who, "create", row.id, {
                    "username": row.username, "display_name": row.display_name,
                    "role": row.role, "agent_id": row.agent_id, "active": row.active})
        except IntegrityError:  # a concurrent create won the race for the name or agent
            raise Conflict("username or agent link already taken",
                           username=spec.username) from None
        return row

    async def update(self, account_id: int, change: AccountChange,
                     who: Principal | None) -> AccountRow:
        password_hash = await hash_password(change.password) if change.password else None
        try:
            async with self._db.transaction() as session:
                row = await session.get(AccountRow, account_id, with_for_update=True)
                if row is None:
                    raise NotFound("account", str(account_id))
                await self._check_last_admin(session, row, change)
                if change.sets_agent:
                    await self._check_agent(session, change.agent_id, row.id)
                changes = _apply(row, change, password_hash)
                if change.password is not None or change.active is False:
                    await session.execute(
                        delete(SessionRow).where(SessionRow.account_id == row.id))
                if changes:
                    _audit(session, who, "update", row.id, {"changes": changes})
        except IntegrityError:
            raise Conflict("agent link already taken", agent_id=change.agent_id) from None
        self._on_change()
        reason = revocation_reason(changes)
        if reason is not None:
            await self._on_revoke(Revocation(row.id, reason))
        return row

    async def _check_agent(self, session: AsyncSession, agent_id: str | None,
                           account_id: int | None) -> None:
        if agent_id is None:
            return
        if await session.get(AgentRow, agent_id) is None:
            raise InvalidInput("agent_id", f"no directory agent {agent_id!r}")
        holder = await session.scalar(select(AccountRow.username).where(
            AccountRow.agent_id == agent_id, AccountRow.id != (account_id or 0)))
        if holder is not None:
            raise Conflict(f"agent {agent_id!r} is linked to account {holder!r}",
                           agent_id=agent_id, username=holder)

    async def _check_last_admin(self, session: AsyncSession, row: AccountRow,
                                change: AccountChange) -> None:
        """Refuse to demote or deactivate the last active admin: nobody could undo it."""
        if row.role != Role.ADMIN or not row.active:
            return
        if (change.role in (None, Role.ADMIN)) and change.active is not False:
            return
        # Lock every active admin row, so two admins demoting each other cannot both pass.
        others = (await session.scalars(select(AccountRow.id).where(
            AccountRow.role == str(Role.ADMIN), AccountRow.active.is_(True),
            AccountRow.id != row.id).with_for_update())).all()
        if not others:
            raise Conflict("this is the last active admin account", account_id=row.id)


def revocation_reason(changes: dict[str, Any]) -> str | None:
    """Why a change (as `_apply` describes it for the audit) ends the account's open
    websockets, if it does: the strongest reason."""
    if changes.get("active", {}).get("to") is False:
        return "deactivated"
    for field, reason in (("role", "role-changed"), ("password", "password-changed"),
                          ("agent_id", "agent-changed")):
        if field in changes:
            return reason
    return None


def _apply(row: AccountRow, change: AccountChange, password_hash: str | None) -> dict[str, Any]:
    """Apply the change to the row; return what changed, for the audit (never the password).

    The result is the audit's free-form detail: `{field: {"from", "to"}}`, and
    `"password": "changed"`."""
    changes: dict[str, Any] = {}
    given = change.model_fields_set
    for field in ("display_name", "role", "active", "agent_id"):
        if field not in given:
            continue
        value = getattr(change, field)
        value = str(value) if isinstance(value, Role) else value  # stored as its name
        if getattr(row, field) != value:
            changes[field] = {"from": getattr(row, field), "to": value}
            setattr(row, field, value)
    if password_hash is not None:
        changes["password"] = "changed"
        row.password_hash = password_hash
    return changes

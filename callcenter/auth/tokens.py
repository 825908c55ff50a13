"""API tokens for integrations: created by an admin, shown once, stored as a digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from callcenter.audit.log import record, record_by_operator
from callcenter.auth.credentials import CredentialStore, Now
from callcenter.auth.models import AccountRow, ApiTokenRow
from callcenter.auth.principal import Principal
from callcenter.auth.schemas import NewToken
from callcenter.auth.secret import digest, new_api_token
from callcenter.clock import utcnow
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.storage.database import Database


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token as an admin sees it: never its secret, nor its digest."""

    id: int
    username: str
    name: str
    hint: str
    created_at: datetime
    revoked_at: datetime | None


def _info(row: ApiTokenRow, username: str) -> TokenInfo:
    return TokenInfo(row.id, username, row.name, row.hint, row.created_at, row.revoked_at)


class TokenService:
    def __init__(self, db: Database, credentials: CredentialStore, *, now: Now = utcnow) -> None:
        self._db = db
        self._credentials = credentials
        self._now = now

    async def create(self, spec: NewToken, who: Principal | None) -> tuple[TokenInfo, str]:
        """A new token for the account; the secret is returned here and never again."""
        secret = new_api_token()
        async with self._db.transaction() as session:
            account = await session.scalar(
                select(AccountRow).where(AccountRow.username == spec.username))
            if account is None:
                raise InvalidInput("username", f"no account {spec.username!r}")
            if not account.active:
                raise Conflict(f"account {spec.username!r} is inactive", username=spec.username)
            row = ApiTokenRow(account_id=account.id, name=spec.name, token_hash=digest(secret),
                              hint=secret[:10], created_at=self._now())
            session.add(row)
            await session.flush()
            detail = {"username": account.username, "name": spec.name, "hint": row.hint}
            if who is None:
                record_by_operator(session, "create", "api_token", row.id, detail)
            else:
                record(session, who, "create", "api_token", row.id, detail)
        return _info(row, account.username), secret

    async def list(self) -> list[TokenInfo]:
        statement = (select(ApiTokenRow, AccountRow.username)
                     .join(AccountRow, AccountRow.id == ApiTokenRow.account_id)
                     .order_by(ApiTokenRow.id))
        async with self._db.sessions() as session:
            return [_info(row, name) for row, name in (await session.execute(statement)).all()]

    async def revoke(self, token_id: int, who: Principal) -> TokenInfo:
        async with self._db.transaction() as session:
            found = (await session.execute(
                select(ApiTokenRow, AccountRow.username)
                .join(AccountRow, AccountRow.id == ApiTokenRow.account_id)
                .where(ApiTokenRow.id == token_id))).first()
            if found is None:
                raise NotFound("token", str(token_id))
            row, username = found
            if row.revoked_at is None:
                row.revoked_at = self._now()
                record(session, who, "revoke", "api_token", row.id,
                       {"username": username, "name": row.name, "hint": row.hint})
        self._credentials.forget_token(row.token_hash)
        return _info(row, username)

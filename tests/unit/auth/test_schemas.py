"""Account, token and login payloads on their declared models: normalised at the edge, bad
fields named (R28)."""

from __future__ import annotations

import json

import pytest

from callcenter.auth.principal import Role
from callcenter.auth.schemas import AccountChange, AccountIn, LoginRequest, NewToken, TokenIn
from callcenter.errors import InvalidInput
from callcenter.web.api import parse_body

pytestmark = pytest.mark.unit
NEW = {"username": "a", "role": "agent", "password": "x" * 8}


def _body(payload: object) -> bytes:
    return json.dumps(payload).encode()


def test_a_new_account_is_lowered_and_shown_by_its_username_unless_named() -> None:
    spec = parse_body(AccountIn, _body({"username": "Li.Na", "role": "agent",
                                        "password": "x" * 8, "agent_id": "li.na"})).spec()
    assert (spec.username, spec.display_name, spec.role, spec.agent_id, spec.active) == (
        "li.na", "li.na", Role.AGENT, "li.na", True)
    named = parse_body(AccountIn, _body({**NEW, "display_name": "李娜", "active": False}))
    assert (named.spec().display_name, named.spec().active) == ("李娜", False)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"role": "agent", "password": "x" * 8}, "username"),
        ({**NEW, "username": "bad name"}, "username"),
        ({**NEW, "role": "boss"}, "role"),
        ({**NEW, "password": "short"}, "password"),
        ({**NEW, "password": 12345678}, "password"),
        ({**NEW, "password": "x\x00" * 8}, "password"),
        ({**NEW, "display_name": "a\x00b"}, "display_name"),
        ({**NEW, "active": "yes"}, "active"),
        ({**NEW, "agent_id": 5}, "agent_id"),
        ({**NEW, "agent_id": "no spaces"}, "agent_id"),
        ({**NEW, "rol": "agent"}, "rol"),
        ([], "body"),
    ],
)
def test_bad_new_accounts_name_the_field(payload: object, field: str) -> None:
    with pytest.raises(InvalidInput) as bad:
        parse_body(AccountIn, _body(payload))
    assert bad.value.details == {"field": field}


def test_a_change_tells_unlink_from_unchanged() -> None:
    assert parse_body(AccountChange, _body({"agent_id": None})).sets_agent
    assert not parse_body(AccountChange, _body({})).sets_agent
    change = parse_body(AccountChange, _body({"role": "manager", "active": False}))
    assert change.given() == {"role": Role.MANAGER, "active": False}


def test_a_null_or_empty_display_name_and_a_null_active_change_nothing() -> None:
    change = parse_body(AccountChange, _body({"display_name": "", "active": None}))
    assert change.given() == {}
    assert parse_body(AccountChange, _body({"display_name": None})).given() == {}


@pytest.mark.parametrize("field", ["role", "password"])
def test_a_change_may_not_null_the_role_or_the_password(field: str) -> None:
    with pytest.raises(InvalidInput, match=f"{field}: must not be null"):
        parse_body(AccountChange, _body({field: None}))


def test_login_usernames_are_compared_in_lower_case() -> None:
    login = parse_body(LoginRequest, _body({"username": " Li.Na ", "password": "pw"}))
    assert (login.username, login.password) == ("li.na", "pw")
    with pytest.raises(InvalidInput) as bad:
        parse_body(LoginRequest, _body({"username": "li"}))
    assert bad.value.details == {"field": "password"}


def test_a_token_without_a_name_gets_an_empty_one() -> None:
    assert parse_body(TokenIn, _body({"username": "CRM"})).spec() == NewToken("crm", "")
    assert parse_body(TokenIn, _body({"username": "crm", "name": None})).spec() == NewToken(
        "crm", "")
    with pytest.raises(InvalidInput, match="name"):
        parse_body(TokenIn, _body({"username": "crm", "name": "x" * 121}))

from typing import Any

import pytest

from callcenter.auth.principal import Role
from callcenter.auth.schemas import parse_account_change, parse_login, parse_new_account
from callcenter.errors import InvalidInput

pytestmark = pytest.mark.unit


def test_a_new_account_is_normalised() -> None:
    spec = parse_new_account({"username": "Li.Na", "role": "agent", "password": "x" * 8,
                              "agent_id": "li.na"})
    assert (spec.username, spec.display_name, spec.role, spec.agent_id, spec.active) == (
        "li.na", "li.na", Role.AGENT, "li.na", True)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"role": "agent", "password": "x" * 8}, "username"),
        ({"username": "bad name", "role": "agent", "password": "x" * 8}, "username"),
        ({"username": "a", "role": "boss", "password": "x" * 8}, "role"),
        ({"username": "a", "role": "agent", "password": "short"}, "password"),
        ({"username": "a", "role": "agent", "password": 12345678}, "password"),
        ({"username": "a", "role": "agent", "password": "x" * 8, "active": "yes"}, "active"),
        ({"username": "a", "role": "agent", "password": "x" * 8, "agent_id": 5}, "agent_id"),
        ({"username": "a", "role": "agent", "password": "x\x00" * 8}, "password"),
        ([], "body"),
    ],
)
def test_bad_new_accounts_name_the_field(payload: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as bad:
        parse_new_account(payload)
    assert bad.value.details == {"field": field}


def test_a_change_tells_unlink_from_unchanged() -> None:
    assert parse_account_change({"agent_id": None}).set_agent
    assert not parse_account_change({}).set_agent
    change = parse_account_change({"role": "manager", "active": False})
    assert (change.role, change.active, change.password) == (Role.MANAGER, False, None)


def test_login_usernames_are_compared_in_lower_case() -> None:
    assert parse_login({"username": " Li.Na ", "password": "pw"}) == ("li.na", "pw")
    with pytest.raises(InvalidInput):
        parse_login({"username": "li"})

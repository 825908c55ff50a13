"""`/` and `/agent/` lead to the desk page instead of a JSON 404."""

from __future__ import annotations

from typing import Any

import pytest

from callcenter.app import create_app
from tests.conftest import service_settings

pytestmark = pytest.mark.integration


async def test_the_root_and_the_desk_with_a_slash_lead_to_the_desk_page(
        sqlite_url: str, aiohttp_client: Any) -> None:
    client = await aiohttp_client(create_app(service_settings(sqlite_url)))
    for path in ("/", "/agent/"):
        response = await client.get(path, allow_redirects=False)
        assert (response.status, response.headers["Location"]) == (302, "/agent"), path
    assert (await client.get("/")).status == 200
